"""Bulk printing at a province's scale: peak memory by list size, and the merged DOCX's
cost over writing the same forms' XML into one ZIP entry.

    python benchmarks/batch_memory.py [--small 2000] [--large 20000] [--rounds 5]
                                      [--against 04c9951] [--only memory|merge]

- **memory**: a list of SMALL and of LARGE households is written as an .xlsx (and a .csv)
  the way a clerk's list looks (openpyxl, shared strings, a distinct CCCD on every row,
  one row in fifty with a bad year so skipped rows are reported); each size is then
  printed into one merged DOCX in a fresh interpreter, as `docgen batch commitment
  LIST -o forms.docx` does (`importers.stream` → `batch.fill`), and the child reports
  its peak RSS (`ru_maxrss`). The ratio LARGE/SMALL is the figure to watch (target ≤ 1.2).
- **merge**: in one child, SMALL validated inputs are written into one DOCX by the
  prepared template (`FastTemplate.write`: each form's `context()`, sanitising,
  rendering, deflating), against the baseline of the same run: the same forms' XML,
  pre-rendered into a list of strings, only written into one deflated ZIP entry (plus
  the template's other parts) — the floor any merged writer pays. Best of ROUNDS,
  alternating (target: ≤ 3×).

Both run on today's tree and on commit REV (`--against`, default 04c9951: the tree
before streaming; `--against ""` skips it), exported with `git archive`
(benchmarks/against.py).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "samples"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import against  # noqa: E402

DEFAULTS = {"year": 2022, "district": "huyện Quan Sơn", "province": "tỉnh Thanh Hóa"}
HEADERS = ["STT", "Họ và tên", "Năm sinh", "Số CCCD", "Số nhân khẩu",
           "Khu dân cư / Thôn, bản", "Xã"]


def rows(count: int) -> list[list]:
    """COUNT list rows: the sample households in order, each with a CCCD of its own;
    every 50th row has the year "19x5" (reported and skipped)."""
    from make_households import households
    good = [r for r in households() if r[1] and r[2] != "19x5"]
    out = []
    for i in range(count):
        _, name, year, _cccd, members, area, commune, _ = good[i % len(good)]
        cccd = f"038{year % 100:03d}{i:06d}"[:12]
        out.append([i + 1, name, "19x5" if i % 50 == 49 else year, cccd, members, area, commune])
    return out


def write_lists(count: int, folder: Path) -> tuple[Path, Path]:
    import openpyxl
    xlsx, text = folder / f"list-{count}.xlsx", folder / f"list-{count}.csv"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    ws.append(HEADERS)
    data = rows(count)
    for row in data:
        ws.append(row)
    wb.save(xlsx)
    with open(text, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerows(data)
    return xlsx, text


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux


# --------------------------------------------------------------------------- children

def child_memory(source: Path, out: Path) -> dict:
    from docgen import batch, importers
    start, cpu = time.perf_counter(), time.process_time()
    if hasattr(importers, "stream"):
        table = importers.stream(source, "commitment")
    else:                                          # the tree before streaming
        table = importers.read(source, "commitment")
    result = batch.fill("commitment", table, out, defaults=DEFAULTS)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    skipped = getattr(result, "skipped_count", None)
    if skipped is None:
        skipped = len(result.skipped_rows)
    return {"seconds": seconds, "cpu": cpu, "written": result.written, "skipped": skipped,
            "bytes": out.stat().st_size}


def child_merge(count: int, rounds: int, folder: Path) -> dict:
    import io

    from docgen import documents, schema
    from docgen.fastfill import FastTemplate
    record = documents.get("commitment")
    parsed = [schema.parse(record.input, {**DEFAULTS, "full_name": r[1], "birth_year": r[2],
                                          "id_number": r[3], "members": r[4], "area": r[5],
                                          "commune": r[6]})
              for r in rows(count) if r[2] != "19x5"]
    fast = FastTemplate(record.template)
    first = record.context(parsed[0])
    fragments = [fast.fragment(record.context(p), joined=i > 0) for i, p in enumerate(parsed)]
    others = list(fast.other_parts(first))

    def baseline() -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for info, data in others:
                zf.writestr(info.filename, data)
            with zf.open(fast.document_part, "w") as fh:
                fh.write(fast.head.encode("utf-8"))
                for xml in fragments:
                    fh.write(xml.encode("utf-8"))
                fh.write((fast.last_sect_pr + fast.tail).encode("utf-8"))
        return buf.getvalue()

    def merged() -> bytes:
        buf = io.BytesIO()
        fast.write(buf, (record.context(p) for p in parsed), len(parsed))
        return buf.getvalue()

    times: dict[str, list[float]] = {"baseline": [], "merged": [], "baseline_cpu": [],
                                     "merged_cpu": []}
    for _ in range(rounds):
        for name, fn in (("baseline", baseline), ("merged", merged)):
            start, cpu = time.perf_counter(), time.process_time()
            fn()
            times[name].append(time.perf_counter() - start)
            times[name + "_cpu"].append(time.process_time() - cpu)
    return {"forms": len(parsed), "baseline": min(times["baseline"]),
            "merged": min(times["merged"]), "baseline_all": times["baseline"],
            "merged_all": times["merged"], "baseline_cpu": min(times["baseline_cpu"]),
            "merged_cpu": min(times["merged_cpu"])}


def child(args) -> None:
    against.use_tree()      # docgen of an exported commit, when the parent asked for one
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        if args.child == "memory":
            result = child_memory(Path(args.source), Path(tmp) / "forms.docx")
        else:
            result = child_merge(args.small, args.rounds, Path(tmp))
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


def run(tree: Path | None, *extra: str) -> dict:
    """One case in a fresh interpreter (docgen of `tree`, None: today's); its JSON result."""
    proc = subprocess.run([sys.executable, __file__, *extra], capture_output=True, text=True,
                          cwd=ROOT, env={**against.env(tree), "PYTHONHASHSEED": "0"})
    if proc.returncode:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = os.getloadavg()[0]
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU, "
            f"{mem:.1f} GiB RAM, Python {platform.python_version()}, load {load:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=2000)
    parser.add_argument("--large", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--against", default="04c9951")
    parser.add_argument("--only", choices=("memory", "merge"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--source", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    print(f"machine: {machine()}")
    trees = {"today": None}
    if args.against:
        tree = against.export(args.against)
        if tree is None:
            print(f"(commit {args.against} not found: its case is skipped)")
        else:
            trees[args.against] = tree
    if args.only != "merge":
        with tempfile.TemporaryDirectory(prefix="docgen-lists-") as tmp:
            lists = {n: write_lists(n, Path(tmp)) for n in (args.small, args.large)}
            for fmt, pos in (("xlsx", 0), ("csv", 1)):
                for name, tree in trees.items():
                    peaks = {}
                    for n in (args.small, args.large):
                        r = run(tree, "--child", "memory", "--source", str(lists[n][pos]))
                        peaks[n] = r["peak_rss_mb"]
                        print(f"{name}: {fmt} {n:>6} rows -> merged DOCX: {r['written']} forms, "
                              f"{r['skipped']} skipped, {r['seconds']:.2f} s "
                              f"(CPU {r['cpu']:.2f} s), "
                              f"peak RSS {r['peak_rss_mb']:.1f} MB")
                    grow = ((peaks[args.large] - peaks[args.small]) * 1024
                            / (args.large - args.small))
                    print(f"{name}: {fmt} peak RSS {args.large} / {args.small} rows = "
                          f"{peaks[args.large] / peaks[args.small]:.2f}x (+{grow:.2f} KB per row)")
    if args.only != "memory":
        for name, tree in trees.items():
            r = run(tree, "--child", "merge", "--small", str(args.small),
                    "--rounds", str(args.rounds))
            print(f"{name}: merged DOCX of {r['forms']} forms: {r['merged']:.3f} s (best of "
                  f"{args.rounds}: " + ", ".join(f"{t:.3f}" for t in r["merged_all"]) + ")")
            print(f"{name}: baseline, pre-rendered XML into one ZIP entry: {r['baseline']:.3f} s "
                  "(" + ", ".join(f"{t:.3f}" for t in r["baseline_all"]) + ")")
            print(f"{name}: ratio merged / baseline: {r['merged'] / r['baseline']:.2f}x "
                  f"(CPU time, best of each: {r['merged_cpu']:.3f} / {r['baseline_cpu']:.3f} s = "
                  f"{r['merged_cpu'] / r['baseline_cpu']:.2f}x)")


if __name__ == "__main__":
    main()
