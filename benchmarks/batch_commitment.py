"""Bulk commitment forms: docgen's fast batch path against the plain approach.

    python benchmarks/batch_commitment.py [--count 2000] [--baseline-count 100]

Every case runs in its own child process so peak memory (the child's peak RSS) does not
mix between cases. Cases:

- fast-docx: `docgen.batch.fill` of COUNT forms into one merged DOCX (schema validation
  of every row included);
- baseline: what a user would write — per form `DocxTemplate(...).render(context)` and
  save, then docxcompose's `Composer.append` with a page break — on BASELINE forms,
  scaled linearly to COUNT (an underestimate: appending slows as the document grows);
- fast-zip at 500 and COUNT forms: one DOCX per row streamed into a ZIP;
- read-xlsx: reading a COUNT-row list with `docgen.importers.read`.

Both fill cases start from the same row dicts (the sample households, repeated).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "samples"))

DEFAULTS = {"year": 2022, "district": "huyện Quan Sơn", "province": "tỉnh Thanh Hóa"}


def rows(count: int) -> list[dict]:
    """COUNT household rows: the good sample households, repeated in order."""
    from make_households import households
    good = [r for r in households() if r[1] and r[2] != "19x5"]
    out = []
    for i in range(count):
        _, name, year, cccd, members, area, commune, _ = good[i % len(good)]
        row = {"full_name": name, "birth_year": year, "members": members, "area": area,
               "commune": commune}
        if cccd:
            row["id_number"] = cccd
        out.append(row)
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux


# --------------------------------------------------------------------------- cases

def case_fast(count: int, fmt: str, folder: Path) -> dict:
    from docgen import batch
    data = rows(count)
    out = folder / f"forms.{fmt}"
    start = time.perf_counter()
    result = batch.fill("commitment", data, out, defaults=DEFAULTS)
    seconds = time.perf_counter() - start
    assert result.written == count
    return {"seconds": seconds, "bytes": out.stat().st_size}


def case_baseline(count: int, folder: Path) -> dict:
    import docx
    from docxcompose.composer import Composer
    from docxtpl import DocxTemplate

    from docgen import documents, render, schema
    kind = documents.get("commitment")
    template = render.template_path(kind.template)
    data = rows(count)
    start = time.perf_counter()
    composer = None
    for row in data:
        context = kind.context(schema.parse(kind.input, {**DEFAULTS, **row}))
        tpl = DocxTemplate(template)
        tpl.render(context, jinja_env=render.environment(), autoescape=True)
        buf = io.BytesIO()
        tpl.save(buf)
        buf.seek(0)
        doc = docx.Document(buf)
        if composer is None:
            composer = Composer(doc)
        else:
            composer.doc.add_page_break()
            composer.append(doc)
    out = folder / "baseline.docx"
    composer.save(str(out))
    return {"seconds": time.perf_counter() - start, "bytes": out.stat().st_size}


def case_read(count: int, folder: Path) -> dict:
    import openpyxl

    from docgen import importers
    path = folder / "list.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["STT", "Họ và tên", "Năm sinh", "Số CCCD", "Số nhân khẩu",
               "Khu dân cư / Thôn, bản", "Xã"])
    for i, r in enumerate(rows(count), 1):
        ws.append([i, r["full_name"], r["birth_year"], r.get("id_number"), r["members"],
                   r["area"], r["commune"]])
    wb.save(path)
    start = time.perf_counter()
    table = importers.read(path, "commitment")
    seconds = time.perf_counter() - start
    assert len(table.rows) == count and not table.problems
    return {"seconds": seconds, "bytes": path.stat().st_size}


def child(case: str, count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="docgen-bench-") as tmp:
        folder = Path(tmp)
        if case == "fast-docx":
            result = case_fast(count, "docx", folder)
        elif case == "fast-zip":
            result = case_fast(count, "zip", folder)
        elif case == "baseline":
            result = case_baseline(count, folder)
        elif case == "read-xlsx":
            result = case_read(count, folder)
        else:
            raise SystemExit(f"unknown case {case}")
    result.update(case=case, count=count, peak_rss_mb=peak_rss_mb())
    print(json.dumps(result))


def run(case: str, count: int) -> dict:
    """One case in a fresh interpreter; its JSON result."""
    proc = subprocess.run([sys.executable, __file__, "--child", case, "--count", str(count)],
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU, "
            f"{mem:.1f} GiB RAM, Python {platform.python_version()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--baseline-count", type=int, default=100)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.count)
        return
    print(f"machine: {machine()}")
    fast = run("fast-docx", args.count)
    base = run("baseline", args.baseline_count)
    scaled = base["seconds"] * args.count / args.baseline_count
    zips = [run("fast-zip", n) for n in sorted({500, args.count})]
    read = run("read-xlsx", args.count)
    print(f"fast merged DOCX, {args.count} forms: {fast['seconds']:.2f} s "
          f"({fast['seconds'] / args.count * 1000:.2f} ms/form), peak RSS "
          f"{fast['peak_rss_mb']:.0f} MB, {fast['bytes'] / 2**20:.1f} MiB")
    print(f"baseline (DocxTemplate + docxcompose), {args.baseline_count} forms: "
          f"{base['seconds']:.2f} s ({base['seconds'] / args.baseline_count * 1000:.1f} ms/form), "
          f"peak RSS {base['peak_rss_mb']:.0f} MB; scaled to {args.count}: {scaled:.0f} s")
    print(f"ratio: fast path is {scaled / fast['seconds']:.0f}x faster than the baseline")
    for z in zips:
        print(f"fast ZIP, {z['count']} files: {z['seconds']:.2f} s, peak RSS "
              f"{z['peak_rss_mb']:.0f} MB, {z['bytes'] / 2**20:.1f} MiB")
    print(f"reading a {args.count}-row XLSX list: {read['seconds']:.2f} s, peak RSS "
          f"{read['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
