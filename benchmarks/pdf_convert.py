"""PDF conversion speed and memory: docgen's converter vs. one `soffice` start per file.

1. N single-page forms (the commitment form, "Bản cam kết", a different household on
   each): `soffice --convert-to pdf` started once per file (measured on --baseline
   files, scaled to N) vs. docgen's persistent converter (its start-up included) with 1
   and 2 instances, and vs. the batch backend (one `soffice --convert-to` for all N).
2. The merged DOCX of --pages commitment forms that `docgen.batch.fill` writes (one form
   per page, page breaks between), converted file to file with `pdf.convert_file`'s
   machinery, with the peak RSS of the LibreOffice process tree and of this process.

Run: python benchmarks/pdf_convert.py [--forms 200] [--baseline 20] [--pages 2000]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import docgen
from docgen import batch, pdf
from docgen.pdf.converter import Converter
from docgen.samples import load_sample

NAMES = ["Lò Văn Thản", "Hà Thị Ượng", "Vi Văn Hoàn", "Phạm Bá Quyết", "Lương Thị Ngọc",
         "Nguyễn Đức Tiến", "Cầm Văn Thủy", "Trương Thị Hằng"]


def households(count: int) -> list[dict]:
    """COUNT commitment inputs: the sample, with name, birth year and size varied."""
    sample = load_sample("commitment")
    return [dict(sample, full_name=NAMES[i % len(NAMES)], birth_year=1950 + i % 50,
                 members=1 + i % 9) for i in range(count)]


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def rss_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


class PeakRSS:
    """Samples the summed RSS of `pids()` every 0.1 s while in the `with` block."""

    def __init__(self, pids):
        self.pids, self.peak, self._stop = pids, 0, threading.Event()

    def __enter__(self):
        def sample():
            while not self._stop.wait(0.1):
                self.peak = max(self.peak, rss_kb(self.pids()))
        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def baseline(exe: str, files: list[Path], work: Path) -> float:
    """Seconds per file with one `soffice --convert-to pdf` start per file."""
    profile = (work / "baseline-profile").as_uri()
    out = work / "baseline-out"

    def once(src: Path) -> None:
        subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(out), str(src)],
                       capture_output=True, check=True)

    once(files[0])  # the first start creates the profile: not counted
    start = time.perf_counter()
    for src in files:
        once(src)
    elapsed = time.perf_counter() - start
    assert len(list(out.glob("*.pdf"))) == len(files)
    return elapsed / len(files)


def ours(exe: str, files: list[Path], work: Path, **options) -> tuple[float, float, int]:
    """(start-up seconds, conversion seconds, peak RSS kB) of a fresh Converter."""
    out = work / f"out-{options.get('backend', 'uno')}-{options.get('size', 1)}"
    out.mkdir()
    conv = Converter(exe, **options)
    try:
        start = time.perf_counter()
        conv.start()
        started = time.perf_counter() - start
        pairs = [(src, out / f"{src.stem}.pdf") for src in files]
        with PeakRSS(conv.pids) as peak:
            start = time.perf_counter()
            conv.convert_many(pairs, pdf.TIMEOUT)
            elapsed = time.perf_counter() - start
        assert all(dst.stat().st_size > 0 for _, dst in pairs)
        return started, elapsed, peak.peak
    finally:
        conv.close()


def machine() -> str:
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.split("\n")[1]
    version = subprocess.run([pdf.soffice(), "--version"], capture_output=True,
                             text=True).stdout.strip()
    return (f"{os.cpu_count()} cores (nproc), memory: {' '.join(memory.split()[1:3])} "
            f"(total, used), {platform.platform()}, Python {platform.python_version()}, "
            f"{version}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=200)
    parser.add_argument("--baseline", type=int, default=20)
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    exe = pdf.soffice()
    print("machine:", machine())
    with tempfile.TemporaryDirectory(prefix="docgen-bench-pdf-") as tmp:
        work = Path(tmp)
        files = []
        for i, data in enumerate(households(args.forms)):
            files.append(work / f"form-{i + 1:04d}.docx")
            files[-1].write_bytes(docgen.render_document("commitment", data))
        check = work / "check.pdf"
        pdf.convert_file(files[0], check)
        assert page_count(check) == 1, "the form must fit on one page"
        pdf.shutdown()

        per_file = baseline(exe, files[:args.baseline], work)
        scaled = per_file * args.forms
        print(f"\n{args.forms} single-page forms")
        print(f"  baseline: soffice --convert-to once per file: {per_file:.3f} s/file "
              f"(measured on {args.baseline}), {scaled:.1f} s for {args.forms} (scaled)")
        rows = [("docgen converter, UNO, 1 instance", {"size": 1}),
                ("docgen converter, UNO, 2 instances", {"size": 2}),
                ("batch backend, one soffice start for all", {"backend": "batch"})]
        for label, options in rows:
            if options.get("backend") != "batch" and Converter(exe).backend != "uno":
                print(f"  {label}: skipped (no Python with uno; apt-get install python3-uno)")
                continue
            started, elapsed, peak = ours(exe, files, work, **options)
            total = started + elapsed
            print(f"  {label}: start {started:.2f} s + {elapsed:.1f} s = {total:.1f} s "
                  f"({elapsed / args.forms:.3f} s/file, peak LibreOffice RSS "
                  f"{peak / 1024:.0f} MB); {scaled / total:.1f}x faster than the baseline")

        src, dst = work / "merged.docx", work / "merged.pdf"
        start = time.perf_counter()
        batch.fill("commitment", households(args.pages), src)
        built = time.perf_counter() - start
        conv = Converter(exe)
        try:
            conv.start()
            with PeakRSS(conv.pids) as peak, PeakRSS(lambda: [os.getpid()]) as own:
                start = time.perf_counter()
                conv.convert(src, dst, pdf.LONG_TIMEOUT)
                elapsed = time.perf_counter() - start
        finally:
            conv.close()
        print(f"\nmerged DOCX of {args.pages} commitment forms from docgen.batch.fill "
              f"({src.stat().st_size / 1e6:.1f} MB, built in {built:.1f} s)")
        print(f"  converted file to file in {elapsed:.1f} s: {page_count(dst)} pages, "
              f"{dst.stat().st_size / 1e6:.1f} MB PDF; peak RSS while converting: "
              f"LibreOffice tree {peak.peak / 1024:.0f} MB, this Python process "
              f"{own.peak / 1024:.0f} MB")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
