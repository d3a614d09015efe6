"""How long `docgen` takes to start: `--help`, `kinds`, `render --help`, against a past commit.

    python benchmarks/startup.py                       # 15 runs of each case, against 04c9951
    python benchmarks/startup.py --runs 30 --against main
    python benchmarks/startup.py --against ""          # today's tree and `python -c pass` only

Every case is the `docgen` console script (or the interpreter) started as a new process,
its wall time measured around it and its CPU time read from the child's rusage. Cases run
round-robin so that a change in the machine's load hits them alike; medians and minimums
are printed. The trees:

- **today**: this checkout (`PYTHONPATH` points at it);
- **REV** (`--against`, default 04c9951, the tree before the lazy imports of issue 14):
  that commit's files exported with `git archive` (benchmarks/against.py), the same
  interpreter and libraries, `PYTHONPATH` pointing at it;
- **python -c pass**: the interpreter alone, the floor no command can go under.

Bytecode: by default every process may read and write compiled bytecode in a private
`PYTHONPYCACHEPREFIX` folder, warmed by one unmeasured run of each case, as an installed
program does (pip compiles on install). `--no-bytecode-cache` keeps the environment's own
setting instead (PYTHONDONTWRITEBYTECODE=1 here: docgen's modules compiled on every start).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import against

ROOT = against.ROOT
COMMANDS = (("docgen --help", ["--help"]), ("docgen kinds", ["kinds"]),
            ("docgen render --help", ["render", "--help"]))


def docgen_script() -> str:
    """The `docgen` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("docgen")
    if not script.exists():
        sys.exit(f"no docgen script beside {sys.executable}: pip install -e . first")
    return str(script)


def environment(tree: Path, pycache: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != against.VARIABLE}
    env["PYTHONPATH"] = str(tree)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def run_once(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one process; exits when it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def check_tree(tree: Path, env: dict[str, str], cwd: Path) -> None:
    """The child really imports docgen (and webform) from `tree`."""
    out = subprocess.run([sys.executable, "-c", "import docgen, webform; "
                          "print(docgen.__file__); print(webform.__file__)"],
                         env=env, cwd=cwd, capture_output=True, text=True, check=True).stdout
    for line in out.split():
        if not Path(line).resolve().is_relative_to(tree.resolve()):
            sys.exit(f"the child imported {line}, not the tree {tree}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--against", default="04c9951",
                        help="the commit to compare with ('' for none)")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="keep the environment's bytecode setting (no private cache)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="docgen-startup-"))
    pycache = None if args.no_bytecode_cache else work / "pycache"
    script = docgen_script()
    trees = [("today", ROOT)]
    if args.against:
        old = against.export(args.against)
        if old is None:
            sys.exit(f"cannot export {args.against!r} with git archive")
        trees.append((args.against, old))
    cases: list[tuple[str, list[str], dict[str, str]]] = [
        ("python -c pass", [sys.executable, "-c", "pass"], environment(ROOT, pycache))]
    for label, tree in trees:
        env = environment(tree, pycache)
        check_tree(tree, env, work)
        cases += [(f"{name} ({label})", [script, *argv], env) for name, argv in COMMANDS]
    try:
        for _, argv, env in cases:  # warm-up: compiles into the private cache, unmeasured
            run_once(argv, env, work)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in cases}
        for _ in range(args.runs):
            for name, argv, env in cases:
                times[name].append(run_once(argv, env, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if args.against:
            shutil.rmtree(trees[-1][1], ignore_errors=True)

    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}, {args.runs} runs of each, bytecode "
          f"{'environment default' if pycache is None else 'cached (warmed)'}")
    print(f"{'case':<36} {'median':>8} {'min':>8} {'CPU median':>11}")
    for name, measured in times.items():
        walls = [w for w, _ in measured]
        cpus = [c for _, c in measured]
        print(f"{name:<36} {statistics.median(walls):>7.3f}s {min(walls):>7.3f}s "
              f"{statistics.median(cpus):>10.3f}s")


if __name__ == "__main__":
    main()
