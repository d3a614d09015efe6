"""How a PDF batch is cut into parts (docgen.jobs.parts): as many as there are live workers,
counted across processes by the roster each worker process keeps in the queue's storage
(docgen.jobs.roster) — one worker converts a batch whole. Real SQLite databases, real Huey
queues (SQLite, Redis), real `docgen worker` processes and LibreOffice."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from huey.signals import SIGNAL_EXECUTING

from docgen import store as q
from docgen.jobs import DONE, Queue
from docgen.jobs import parts
from docgen.jobs.parts import MAX_PART_ROWS, MIN_PART_ROWS


def wait_until(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


@pytest.fixture
def database(tmp_path):
    db = q.Store(instance_path=tmp_path)
    db.create_schema()
    yield db
    db.dispose()


@pytest.mark.parametrize(("rows", "workers", "expected"), [
    (2000, 1, 1),  # one worker: the batch converted in one piece
    (400, 1, 1),  # one worker: no parts (measured: 13–17 s whole, 22–24 s in two parts)
    (2000, 2, 2),  # two workers: one part each
    (400, 2, 2),
    (2000, 3, 3),
    (2 * MIN_PART_ROWS - 1, 2, 1),  # two parts would fall under the minimum
    (2 * MIN_PART_ROWS, 2, 2),
    (5 * MIN_PART_ROWS, 8, 5),  # more workers than parts of the minimum size
    (MIN_PART_ROWS - 1, 4, 1),
    (0, 2, 1),
    (MAX_PART_ROWS + 1, 1, 2),  # one worker, a list past one conversion's size
    (20_000, 1, 10),
    (20_000, 16, 16),
    (2000, 0, 1),  # nobody in the roster (its storage was busy): as if alone
])
def test_a_batch_makes_one_part_a_live_worker_within_the_part_sizes(rows, workers, expected):
    assert parts.count(rows, workers) == expected


@pytest.mark.parametrize(("rows", "pieces", "sizes"), [
    (10, 2, [5, 5]), (11, 2, [6, 5]), (400, 3, [134, 133, 133]), (5, 5, [1] * 5)])
def test_parts_keep_the_list_order_and_differ_by_one_row_at_most(rows, pieces, sizes):
    chunks = parts.cut(list(range(rows)), pieces)
    assert [len(c) for c in chunks] == sizes
    assert [r for c in chunks for r in c] == list(range(rows))


@pytest.mark.parametrize("broker", ["sqlite", "redis"])
def test_the_live_workers_of_every_process_are_counted_until_they_stop(
        database, tmp_path, broker, request):
    url = ""
    if broker == "redis":  # a database number of its own on the shared test server
        url = request.getfixturevalue("redis_url").rsplit("/", 1)[0] + "/7"
    web = Queue(database, tmp_path, broker=url)  # a web process with no workers
    one = Queue(database, tmp_path, broker=url)  # two worker processes, same queue
    two = Queue(database, tmp_path, broker=url)
    try:
        assert web.roster.count() == 0 and web.live_workers() == 1  # the caller itself
        one.run_workers(1)
        assert web.live_workers() == 1 and one.live_workers() == 1
        two.run_workers(2)
        assert web.live_workers() == 3 and one.live_workers() == 3
        two.stop(5)
        assert web.live_workers() == 1
        one.stop(5)
        assert web.roster.count() == 0
    finally:
        one.stop(5)
        two.stop(5)
        if url:
            import redis
            redis.Redis.from_url(url).flushdb()
        web.stop(5)


def _worker(instance: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "DOCGEN_INSTANCE": str(instance), "DOCGEN_JOB_STALE": "1"}
    env.pop("DOCGEN_DATABASE_URL", None)
    env.pop("DOCGEN_BROKER", None)
    exe = shutil.which("docgen", path=str(Path(sys.executable).parent))
    return subprocess.Popen([exe, "worker", *args], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def test_a_killed_worker_process_drops_out_of_the_count_and_a_stopped_one_at_once(tmp_path):
    instance = tmp_path / "instance"
    database = q.Store(instance_path=instance)
    database.create_schema()
    jobs = Queue(database, instance, broker="", stale=1)
    killed, stopped = _worker(instance, "--workers", "2"), _worker(instance)
    try:
        assert wait_until(lambda: jobs.roster.count() == 3, 120)
        stopped.send_signal(signal.SIGTERM)  # leaves the roster on its way out
        assert stopped.wait(60) == 0
        assert jobs.roster.count() == 2
        killed.kill()  # SIGKILL: its entry stays, and stops being fresh
        killed.wait(30)
        assert wait_until(lambda: jobs.roster.count() == 0, 10)
    finally:
        for proc in (killed, stopped):
            if proc.poll() is None:
                proc.kill()
                proc.wait(30)
        jobs.stop(5)
        database.dispose()


def _batch(queue: Queue, names: list[str]):
    from docgen.jobs.handlers import rows_payload
    from docgen.samples import load_sample
    sample = load_sample("commitment")
    rows = [dict(sample, full_name=name) for name in names]
    return queue.start(1, "PDF", "bulk_fill", {
        "kind": "commitment", "list": rows_payload(rows), "defaults": None, "fmt": "pdf",
        "target": "thử", "file_name": "cam-ket.pdf"})


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_with_one_worker_a_pdf_batch_is_one_conversion(database, tmp_path, monkeypatch):
    from pypdf import PdfReader
    monkeypatch.setattr(parts, "MIN_PART_ROWS", 2)  # six rows would make three parts
    queue = Queue(database, tmp_path, broker="", stale=30)
    ran = []
    queue.huey.signal(SIGNAL_EXECUTING)(lambda sig, task, *a, **k: ran.append(task.args[0]))
    names = ["Lò Văn Một", "Hà Thị Hai", "Vi Văn Ba", "Cầm Thị Bốn", "Lương Văn Năm",
             "Trương Thị Sáu"]
    job = _batch(queue, names)
    queue.run_workers(1)
    try:
        assert wait_until(lambda: not queue.get(job.id, 1).active, 300)
    finally:
        queue.stop(5)
    done = queue.get(job.id, 1)
    assert done.state == DONE, done.message
    assert ran == [job.id]  # the batch's own task only: no part, no second run to join
    reader = PdfReader(io.BytesIO(b"".join(queue.output(job.id))))
    pages = [page.extract_text() for page in reader.pages]
    assert [next(i for i, text in enumerate(pages) if name in text) for name in names] == [
        0, 1, 2, 3, 4, 5]
