"""PDF throughput with workers: one PDF batch of N commitment forms converted by one
`docgen worker` process vs. two (each with its own LibreOffice), on the same machine, in
one run. The batch is cut into as many parts as there are live workers
(docgen.jobs.parts.count: one worker converts it whole); any worker takes a part, the last
part queues the join (pypdf). Times run from the job's start to its end (each worker's
LibreOffice start-up included) and the ratio is one worker's over two's. The baseline, in
the same run: the same batch without the queue, `docgen.batch.fill(…, fmt="pdf")` in this
process (one merged DOCX, one conversion, LibreOffice started first). The load average is
printed before and after each measurement (the machine may be shared).

Run: python benchmarks/pdf_workers.py [--forms 2000] [--no-baseline]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docgen import store
from docgen.jobs import Queue
from docgen.jobs.handlers import rows_payload
from docgen.jobs.parts import MAX_PART_ROWS, MIN_PART_ROWS
from docgen.samples import load_sample

NAMES = ["Lò Văn Thản", "Hà Thị Ượng", "Vi Văn Hoàn", "Phạm Bá Quyết", "Lương Thị Ngọc",
         "Nguyễn Đức Tiến", "Cầm Văn Thủy", "Trương Thị Hằng"]


def households(count: int) -> list[dict]:
    sample = load_sample("commitment")
    return [dict(sample, full_name=NAMES[i % len(NAMES)], birth_year=1950 + i % 50,
                 members=1 + i % 9) for i in range(count)]


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run(forms: int, workers: int, base: Path) -> tuple[float, int, int]:
    """Seconds for `workers` worker processes to make the PDF of `forms` forms; its pages
    and the number of parts it was cut into (1: one conversion)."""
    instance = base / f"instance-{workers}"
    db = store.Store(instance_path=instance)
    db.create_schema()
    queue = Queue(db, instance, broker="")
    env = {**os.environ, "DOCGEN_INSTANCE": str(instance)}
    env.pop("DOCGEN_DATABASE_URL", None)
    env.pop("DOCGEN_BROKER", None)
    exe = shutil.which("docgen", path=str(Path(sys.executable).parent)) or "docgen"
    procs = [subprocess.Popen([exe, "worker"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) for _ in range(workers)]
    try:
        deadline = time.monotonic() + 120
        while queue.roster.count() < workers:  # every worker is up and in the roster
            if time.monotonic() > deadline:
                raise SystemExit("the workers did not start")
            time.sleep(0.2)
        start = time.perf_counter()
        job = queue.start(1, "PDF", "bulk_fill", {
            "kind": "commitment", "list": rows_payload(households(forms)), "defaults": None,
            "fmt": "pdf", "target": "benchmark", "file_name": "cam-ket.pdf"})
        parts = 0
        while (view := queue.get(job.id, 1)).active:
            parts = max(parts, queue.board.row(job.id).parts)  # set while the parts run
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(60)
    if view.state != "done":
        raise SystemExit(f"the job failed: {view.message}")
    from pypdf import PdfReader
    pages = len(PdfReader(io.BytesIO(b"".join(queue.output(job.id)))).pages)
    queue.stop()
    db.dispose()
    return elapsed, pages, max(parts, 1)


def baseline(forms: int, base: Path) -> float:
    """Seconds for docgen.batch.fill to write the same PDF in one process, no queue."""
    from docgen import batch, pdf
    pdf.converter().start()
    start = time.perf_counter()
    batch.fill("commitment", households(forms), base / "forms.pdf", fmt="pdf")
    elapsed = time.perf_counter() - start
    pdf.shutdown()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=2000)
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    print(f"Machine: {platform.machine()}, nproc {os.cpu_count()}, Python "
          f"{platform.python_version()}; {args.forms} forms, parts: one per live worker, "
          f"{MIN_PART_ROWS}–{MAX_PART_ROWS} forms each")
    with tempfile.TemporaryDirectory(prefix="docgen-bench-workers-") as tmp:
        before = load()
        one, pages1, parts1 = run(args.forms, 1, Path(tmp))
        print(f"1 worker : {one:7.1f} s  ({pages1} pages, {parts1} part(s))  "
              f"load {before} → {load()}", flush=True)
        before = load()
        two, pages2, parts2 = run(args.forms, 2, Path(tmp))
        print(f"2 workers: {two:7.1f} s  ({pages2} pages, {parts2} part(s))  "
              f"load {before} → {load()}", flush=True)
        plain = None
        if not args.no_baseline:
            before = load()
            plain = baseline(args.forms, Path(tmp))
            print(f"baseline, batch.fill in one process (no queue, no parts): {plain:7.1f} s  "
                  f"load {before} → {load()}")
    print(f"ratio (1 worker / 2 workers): {one / two:.2f}×")
    if plain is not None:
        print(f"ratio (1 worker / baseline): {one / plain:.2f}×; "
              f"(2 workers / baseline): {two / plain:.2f}×")


if __name__ == "__main__":
    main()
