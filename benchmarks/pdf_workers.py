"""PDF throughput with workers: one PDF batch of N commitment forms converted by one
`docgen worker` process vs. two (each with its own LibreOffice), on the same machine, in
one run. The batch is cut into as many parts as there are live workers
(docgen.jobs.parts.count: one worker converts it whole); any worker takes a part, the last
part queues the join (pypdf). Times run from the job's start to its end (each worker's
LibreOffice start-up included) and the ratio is one worker's over two's. The baseline, in
the same run: the same batch without the queue, `docgen.batch.fill(…, fmt="pdf")` in this
process (one merged DOCX, one conversion, LibreOffice started first). The load average is
printed before and after each measurement (the machine may be shared).

Run: python benchmarks/pdf_workers.py [--forms 2000] [--rounds 1] [--no-baseline]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import resource
import shutil
import signal
import statistics
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


def children_cpu() -> float:
    """CPU seconds of the ended child processes (and theirs: LibreOffice), so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(forms: int, workers: int, base: Path) -> tuple[float, int, int, float]:
    """Seconds for `workers` worker processes to make the PDF of `forms` forms; its pages,
    the number of parts it was cut into (1: one conversion), and the CPU seconds the
    workers and their LibreOffices used (start-up included)."""
    cpu = children_cpu()
    instance = Path(tempfile.mkdtemp(prefix=f"instance-{workers}-", dir=base))
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
        parts, seen = 0, {}
        while (view := queue.get(job.id, 1)).active:
            parts = max(parts, queue.board.row(job.id).parts)  # set while the parts run
            seen.update({p.part: p for p in queue.board.parts(job.id)})  # gone once joined
            time.sleep(0.2)
        elapsed = time.perf_counter() - start
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(60)
    cpu = children_cpu() - cpu
    if view.state != "done":
        raise SystemExit(f"the job failed: {view.message}")
    t0 = view.created
    for number, part in sorted(seen.items()):  # when each part ran, from the job's start
        if part.started and part.finished:
            print(f"   part {number + 1}: {part.total} forms, "
                  f"{(part.started - t0).total_seconds():5.1f}–"
                  f"{(part.finished - t0).total_seconds():5.1f} s by {part.worker}")
    if seen and all(p.finished for p in seen.values()):
        last = max(p.finished for p in seen.values())
        print(f"   split {(min(p.created for p in seen.values()) - t0).total_seconds():.1f} s, "
              f"join and store {(view.finished - last).total_seconds():.1f} s")
    from pypdf import PdfReader
    pages = len(PdfReader(io.BytesIO(b"".join(queue.output(job.id)))).pages)
    queue.stop()
    db.dispose()
    return elapsed, pages, max(parts, 1), cpu


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
    parser.add_argument("--rounds", type=int, default=1,
                        help="rounds of 1 worker, 2 workers, baseline; medians at the end")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    print(f"Machine: {platform.machine()}, nproc {os.cpu_count()}, Python "
          f"{platform.python_version()}; {args.forms} forms, parts: one per live worker, "
          f"{MIN_PART_ROWS}–{MAX_PART_ROWS} forms each")
    ones, twos, plains = [], [], []
    with tempfile.TemporaryDirectory(prefix="docgen-bench-workers-") as tmp:
        for round_ in range(1, args.rounds + 1):
            print(f"round {round_}", flush=True)
            before = load()
            one, pages1, parts1, cpu1 = run(args.forms, 1, Path(tmp))
            print(f"1 worker : {one:7.1f} s  ({pages1} pages, {parts1} part(s), "
                  f"CPU {cpu1:.1f} s)  "
                  f"load {before} → {load()}", flush=True)
            before = load()
            two, pages2, parts2, cpu2 = run(args.forms, 2, Path(tmp))
            print(f"2 workers: {two:7.1f} s  ({pages2} pages, {parts2} part(s), "
                  f"CPU {cpu2:.1f} s)  "
                  f"load {before} → {load()}", flush=True)
            ones.append(one)
            twos.append(two)
            if not args.no_baseline:
                before = load()
                plains.append(baseline(args.forms, Path(tmp)))
                print(f"baseline, batch.fill in one process (no queue, no parts): "
                      f"{plains[-1]:7.1f} s  load {before} → {load()}", flush=True)
            print(f"ratio (1 worker / 2 workers): {one / two:.2f}×", flush=True)
    ratios = [a / b for a, b in zip(ones, twos, strict=True)]  # paired: the same round's load
    print(f"median of {args.rounds} round(s): 1 worker {statistics.median(ones):.1f} s, "
          f"2 workers {statistics.median(twos):.1f} s; ratio, median of the rounds' "
          f"{statistics.median(ratios):.2f}× ({', '.join(f'{r:.2f}' for r in ratios)})")
    if plains:
        over1 = statistics.median(a / b for a, b in zip(ones, plains, strict=True))
        over2 = statistics.median(a / b for a, b in zip(twos, plains, strict=True))
        print(f"baseline {statistics.median(plains):.1f} s; median of the rounds' 1 worker / "
              f"baseline {over1:.2f}×, 2 workers / baseline {over2:.2f}×")


if __name__ == "__main__":
    main()
