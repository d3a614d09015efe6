"""The recognition decision with 5,000 units in its list: docgen against plain docxtpl.

    python benchmarks/decision_large.py [--units 5000] [--runs 5] [--against ed9fdc2]
    python benchmarks/decision_large.py --profile docgen      # cProfile of one render

Every case runs in its own child process (peak memory is the child's own peak RSS):
one warm-up render, then RUNS timed renders (median, min, max), a garbage collection
between runs (outside the timing). Every output is opened and must list all the units.

- docgen: `docgen.render_document("decision", data)` — schema validation of every unit,
  the kind's context, sanitising, the strict autoescaping render;
- docgen-docxtpl: the same, rendered through a fresh `DocxTemplate` and its `save()` per
  call (docgen's reference path, `render.render_plain`, which `render.render` must equal:
  without the pool of loaded templates and the package writer of `docgen.docxzip`);
- docgen at REV (`--against`, default ed9fdc2, the prepared templates of 2026-12-03
  morning; `--against ""` to skip): the docgen case on that commit's tree, exported with
  `git archive` (benchmarks/against.py);
- baseline: what a user would write — `DocxTemplate("templates_docx/decision.docx")
  .render(context)` with docxtpl's defaults (no autoescape, no strict variables) and
  `save()`, on the same context built once outside the timing.

The units are the sample's 44, replicated with a copy number in their names (all
distinct), keeping their kind, their class rotated over all four classes. Characters
XML treats specially (& < > quotes) are replaced in the names, so the baseline (which
does not escape) renders the same data without breaking.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import against

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "quan-son-2022" / "decision.json"
TEMPLATE = ROOT / "templates_docx" / "decision.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SPECIAL = re.compile(r"[&<>\"']")


def plain(text: str) -> str:
    """`text` without the characters the unescaped baseline would break on."""
    return re.sub(r"\s+", " ", SPECIAL.sub(lambda m: " và " if m.group() == "&" else "",
                                          text)).strip()


def decision_data(units: int) -> dict:
    """The sample decision with `units` units: the sample's, replicated and renamed."""
    from docgen import domain
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    sample = data["units"]
    grades = [c.label for c in domain.UNIT_CLASSES]
    out = []
    for i in range(units):
        unit, copy = sample[i % len(sample)], i // len(sample) + 1
        out.append({"name": f"{plain(unit['name'])} {copy}", "kind": unit["kind"],
                    "grade": grades[(i + copy) % len(grades)]})
    data["units"] = out
    return data


def strings(value):
    """Every string in a context (dicts, lists, dataclass-like objects)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from strings(v)
    elif hasattr(value, "__dict__"):
        yield from strings(vars(value))


def check_output(docx: bytes, data: dict) -> int:
    """The number of unit rows in the produced DOCX; asserts every unit is listed once."""
    from lxml import etree
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    expected = {u["name"] for u in data["units"]}
    listed = []
    for row in root.iter(f"{W}tr"):
        cells = ["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in row.findall(f"{W}tc")]
        if len(cells) >= 2 and cells[1] in expected:
            listed.append(cells[1])
    assert len(listed) == len(expected) == len(set(listed)), (len(listed), len(expected))
    body = "".join(t.text or "" for t in root.iter(f"{W}t"))
    assert f"Tổng cộng: {len(expected)} đơn vị" in body
    return len(listed)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux


# --------------------------------------------------------------------------- cases

def renderer(case: str, data: dict):
    """A no-argument function producing the DOCX bytes for `case`."""
    import docgen
    from docgen import documents, render, schema
    if case == "docgen":
        return lambda: docgen.render_document("decision", data)
    if case == "docgen-docxtpl":
        kind = documents.get("decision")
        return lambda: render.render_plain(
            kind.template, kind.context(schema.parse(kind.input, data)))
    if case == "baseline":
        from docxtpl import DocxTemplate
        kind = documents.get("decision")
        context = kind.context(schema.parse(kind.input, data))
        bad = [s for s in strings(context) if SPECIAL.search(s)]
        assert not bad, f"the baseline context must hold no XML specials: {bad[:3]}"

        def baseline() -> bytes:
            tpl = DocxTemplate(str(TEMPLATE))
            tpl.render(context)
            out = io.BytesIO()
            tpl.save(out)
            return out.getvalue()
        return baseline
    raise SystemExit(f"unknown case {case}")


def child(case: str, units: int, runs: int) -> None:
    against.use_tree()      # docgen of an exported commit, when the parent asked for one
    data = decision_data(units)
    produce = renderer(case, data)
    rss_ready = peak_rss_mb()
    out = produce()                             # warm-up: imports, template preparation
    times = []
    for _ in range(runs):
        del out
        gc.collect()
        start = time.perf_counter()
        out = produce()
        times.append(time.perf_counter() - start)
    peak = peak_rss_mb()                        # before the check, which parses the output
    rows = check_output(out, data)
    print(json.dumps({"case": case, "units": units, "rows": rows, "times": times,
                      "median": statistics.median(times), "bytes": len(out),
                      "rss_ready_mb": rss_ready, "peak_rss_mb": peak}))


def profile(case: str, units: int, top: int) -> None:
    data = decision_data(units)
    produce = renderer(case, data)
    produce()                                   # warm-up
    prof = cProfile.Profile()
    prof.enable()
    produce()
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(top)


def run(case: str, units: int, runs: int, tree: Path | None = None) -> dict:
    """One case in a fresh interpreter (docgen of `tree`, an exported commit, if given)."""
    proc = subprocess.run([sys.executable, __file__, "--child", case, "--units", str(units),
                           "--runs", str(runs)], capture_output=True, text=True, cwd=ROOT,
                          env=against.env(tree))
    if proc.returncode:
        raise SystemExit(f"case {case} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU, "
            f"{mem:.1f} GiB RAM, Python {platform.python_version()}, load average {load}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=1,
                        help="run every case this many times in turn (times pooled)")
    parser.add_argument("--profile", choices=["docgen", "docgen-docxtpl", "baseline"])
    parser.add_argument("--top", type=int, default=25, help="profile lines to print")
    parser.add_argument("--against", default="ed9fdc2",
                        help="also run the docgen case on this commit's tree ('' to skip)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.units, args.runs)
        return
    if args.profile:
        profile(args.profile, args.units, args.top)
        return
    print(f"machine: {machine()}")
    print(f"decision with {args.units:,} units; median of {args.rounds} × {args.runs} runs, "
          "each child after one warm-up")
    tree = against.export(args.against) if args.against else None
    if args.against and tree is None:
        print(f"(commit {args.against} not found: its case is skipped)")
    cases = ["docgen", "docgen-docxtpl", "baseline"] + (["against"] if tree else [])
    results: dict[str, dict] = {}
    try:
        for _ in range(args.rounds):    # the cases in turn, so a change of load falls on all
            for case in cases:
                r = run("docgen", args.units, args.runs, tree) if case == "against" \
                    else run(case, args.units, args.runs)
                if case in results:
                    r["times"] += results[case]["times"]
                    r["median"] = statistics.median(r["times"])
                    r["peak_rss_mb"] = max(r["peak_rss_mb"], results[case]["peak_rss_mb"])
                results[case] = r
    finally:
        if tree:
            shutil.rmtree(tree, ignore_errors=True)
    print(f"load average after the runs: {os.getloadavg()[0]:.2f}")
    labels = {"docgen": "docgen.render_document",
              "docgen-docxtpl": "docgen through a fresh DocxTemplate",
              "baseline": "baseline: plain DocxTemplate render + save",
              "against": f"docgen.render_document at {args.against}"}
    for case, r in results.items():
        print(f"{labels[case]:46} median {r['median']:.2f} s (min {min(r['times']):.2f}, "
              f"max {max(r['times']):.2f}), peak RSS {r['peak_rss_mb']:.0f} MB "
              f"(before rendering {r['rss_ready_mb']:.0f} MB), {r['rows']:,} rows, "
              f"{r['bytes'] / 2**20:.2f} MiB")
    fast, fresh, base = (results[c]["median"] for c in ("docgen", "docgen-docxtpl", "baseline"))
    mem = {case: r["peak_rss_mb"] for case, r in results.items()}
    print(f"ratio: docgen takes {fast / base:.2f}x the baseline's time "
          f"({base / fast:.1f}x faster) and {mem['docgen'] / mem['baseline']:.2f}x its peak "
          f"memory; through a fresh DocxTemplate {fresh / base:.2f}x the time")
    if tree:
        print(f"against {args.against}: {fast / results['against']['median']:.2f}x its time, "
              f"{mem['docgen'] / mem['against']:.2f}x its peak memory")
    r = results["docgen"]
    verdict = "met" if r["median"] < 2 and r["peak_rss_mb"] < 300 else "NOT met"
    print(f"target under 2 s and under 300 MB: {verdict} "
          f"({r['median']:.2f} s, {r['peak_rss_mb']:.0f} MB)")
    verdict = "met" if fast <= base and mem["docgen"] <= mem["baseline"] else "NOT met"
    print(f"target no more time and memory than the baseline in the same run: {verdict}")


if __name__ == "__main__":
    main()
