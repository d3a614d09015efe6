"""One document at a time: docgen's renderer against a plain DocxTemplate, per kind.

    python benchmarks/render_single.py [--runs 15] [--kinds decision,commitment,plan,report]
    python benchmarks/render_single.py --against ed9fdc2 [--rounds 3]

For every sample of samples/quan-son-2022 (or the kinds asked), in one process:

- document: `docgen.render_document(kind, data)` — validation, context, sanitising and
  `render.render` (a pooled DocxTemplate put back to its pristine state, the package
  written with the unchanged parts compressed once);
- render: `render.render(template, context)` alone, on a context built once;
- plain: what docxtpl's public API gives on the same context — `DocxTemplate(BytesIO(
  template)).render(context, jinja_env, autoescape=True)` then `save()` (the package
  opened and saved whole on every call) — the reference `render` must equal
  (tests/test_render_equivalence.py).

The three are interleaved run by run (a garbage collection before each, outside the
timing), after one warm-up of each, so a change in the machine's load falls on all alike.
Prints medians and the ratio plain / render measured in the same run.

With `--against REV`, `document` is also measured on that commit's tree (exported with
`git archive`, benchmarks/against.py): ROUNDS child processes for each tree, in turn, each
timing RUNS renders of every sample (the tree's own samples: their fields changed since);
the medians of all runs of each tree are printed side by side (ed9fdc2: the prepared
templates of 2026-12-03 morning).
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import against

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "quan-son-2022"


def cases(name: str):
    """The three no-argument renderers of one sample."""
    import docgen
    from docxtpl import DocxTemplate

    from docgen import documents, render, schema
    kind_name = name.split("-")[0]
    kind = documents.get(kind_name)
    data = json.loads((SAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    context = kind.context(schema.parse(kind.input, data))
    safe = render.sanitize(context)
    template = render.template_bytes(kind.template)

    def plain() -> bytes:
        doc = DocxTemplate(io.BytesIO(template))
        doc.render(safe, jinja_env=render.environment(), autoescape=True)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()

    return {"document": lambda: docgen.render_document(kind_name, data),
            "render": lambda: render.render(kind.template, context),
            "plain": plain}


def timed(fn) -> float:
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def documents_child(names: list[str], runs: int) -> None:
    """In a child: `document` times of every sample, as JSON (docgen of the given tree)."""
    against.use_tree()
    import docgen
    folder = Path(docgen.__file__).resolve().parent.parent / "samples" / SAMPLES.name
    data = {n: json.loads((folder / f"{n}.json").read_text(encoding="utf-8")) for n in names}
    out = {}
    for name in names:
        fn = (lambda k, d: lambda: docgen.render_document(k, d))(name.split("-")[0], data[name])
        fn()
        out[name] = [timed(fn) for _ in range(runs)]
    print(json.dumps(out))


def compare(names: list[str], runs: int, rounds: int, rev: str) -> None:
    tree = against.export(rev)
    if tree is None:
        raise SystemExit(f"commit {rev} not found")
    times: dict[str, dict[str, list[float]]] = {"now": {}, rev: {}}
    try:
        for _ in range(rounds):
            for label, folder in (("now", None), (rev, tree)):
                proc = subprocess.run(
                    [sys.executable, __file__, "--child", ",".join(names), "--runs", str(runs)],
                    capture_output=True, text=True, cwd=ROOT, env=against.env(folder), check=True)
                for name, values in json.loads(proc.stdout.splitlines()[-1]).items():
                    times[label].setdefault(name, []).extend(values)
    finally:
        shutil.rmtree(tree, ignore_errors=True)
    print(f"`document` (docgen.render_document), median of {rounds} × {runs} runs, in ms")
    print(f"{'sample':<18}{rev:>10}{'now':>10}{'now/' + rev:>16}")
    for name in names:
        old, new = (statistics.median(times[k][name]) * 1000 for k in (rev, "now"))
        print(f"{name:<18}{old:>10.1f}{new:>10.1f}{new / old:>15.2f}×")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--kinds", default="",
                        help="comma-separated sample names (default: every sample)")
    parser.add_argument("--against", default="", help="a commit to compare `document` with")
    parser.add_argument("--rounds", type=int, default=3, help="child processes per tree")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        documents_child(args.child.split(","), args.runs)
        return
    names = ([n.strip() for n in args.kinds.split(",") if n.strip()]
             or sorted(p.stem for p in SAMPLES.glob("*.json") if p.stem != "dossier"))
    if args.against:
        print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f}")
        compare(names, args.runs, args.rounds, args.against)
        return
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}; median of {args.runs} runs, in ms")
    print(f"{'sample':<18}{'document':>10}{'render':>10}{'plain':>10}{'plain/render':>14}")
    for name in names:
        fns = cases(name)
        for fn in fns.values():
            fn()
        times: dict[str, list[float]] = {k: [] for k in fns}
        for _ in range(args.runs):
            for key, fn in fns.items():
                times[key].append(timed(fn))
        med = {k: statistics.median(v) * 1000 for k, v in times.items()}
        print(f"{name:<18}{med['document']:>10.1f}{med['render']:>10.1f}{med['plain']:>10.1f}"
              f"{med['plain'] / med['render']:>13.1f}×")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
