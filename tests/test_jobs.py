"""Durable jobs (docgen.jobs): a real SQLite database and a real Huey queue on SQLite.
Jobs run in order, owners only, failures cleaned up, finished jobs and their files expiring,
a job whose worker died retried once then failed with the reason, work folders of a shared
instance folder left alone while their process lives."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from docgen import store as q
from docgen.errors import UserError
from docgen.jobs import DONE, FAILED, RUNNING, WAITING, WORKER_DIED, Queue, handler
from docgen.store.models import JobChunk, JobRow
from helpers import login, texts

GATE = threading.Event()


def wait_until(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


@handler("test.writes")
def writes(job) -> None:
    if job.input.get("gate"):
        GATE.wait(10)
    path = job.folder / "out.txt"
    path.write_text(job.input["text"], encoding="utf-8")
    job.download_name, job.mimetype = "out.txt", "text/plain"
    job.file = path


@handler("test.refused")
def refused(job) -> None:
    raise UserError("Không có dòng hợp lệ nào để điền")


@handler("test.broken")
def broken(job) -> None:
    (job.folder / "half.docx").write_bytes(b"PK")
    raise RuntimeError("disk full")


@handler("test.nothing")
def nothing(job) -> None:
    pass  # ended without a file: not done


@pytest.fixture
def database(tmp_path):
    db = q.Store(instance_path=tmp_path)
    db.create_schema()
    yield db
    db.dispose()


@pytest.fixture
def queue(database, tmp_path):
    jobs = Queue(database, tmp_path, broker="", stale=30)
    yield jobs
    jobs.stop(5)


def state(queue, job, owner=1):
    return queue.get(job.id, owner).state


def test_jobs_run_one_at_a_time_in_order_and_only_their_owner_sees_them(queue):
    GATE.clear()
    first = queue.start(1, "một", "test.writes", {"text": "một", "gate": True})
    second = queue.start(1, "hai", "test.writes", {"text": "hai"})
    queue.run_workers(1)
    assert wait_until(lambda: state(queue, first) == RUNNING)
    assert state(queue, second) == WAITING
    assert queue.waiting_before(queue.get(second.id, 1)) == 1
    assert queue.get(first.id, 1).title == "một" and queue.get(first.id, 2) is None
    GATE.set()
    assert wait_until(lambda: state(queue, second) == DONE)
    one, two = queue.get(first.id, 1), queue.get(second.id, 1)
    assert one.state == DONE and one.finished <= two.finished
    assert b"".join(queue.output(second.id)) == b"hai"
    assert (two.download_name, two.mimetype, two.size) == ("out.txt", "text/plain", 3)


def test_a_failed_job_keeps_its_message_and_leaves_no_folder(queue, capsys):
    ended = [queue.start(1, name, f"test.{name}", {}) for name in ("refused", "broken",
                                                                   "nothing")]
    queue.run_workers(1)
    assert wait_until(lambda: all(queue.get(j.id, 1).finished for j in ended))
    views = [queue.get(j.id, 1) for j in ended]
    assert [j.state for j in views] == [FAILED] * 3
    assert views[0].message == "Không có dòng hợp lệ nào để điền"
    assert views[1].message.startswith("Đã có lỗi ngoài dự kiến")
    assert "RuntimeError: disk full" in capsys.readouterr().err  # for the service's log
    assert list(queue.folders.own.iterdir()) == []
    assert [b"".join(queue.output(j.id)) for j in views] == [b""] * 3


def test_finished_jobs_expire_with_their_rows_and_chunks(database, tmp_path):
    jobs = Queue(database, tmp_path, broker="", keep_seconds=0.05)
    jobs.run_workers(1)
    try:
        old = jobs.start(1, "cũ", "test.writes", {"text": "cũ" * 600_000})  # two chunks
        assert wait_until(lambda: state(jobs, old) == DONE)
        with database.session(readonly=True) as s:
            assert s.scalar(select(func.count()).where(JobChunk.job_id == old.id)) == 2
        time.sleep(0.1)
        new = jobs.start(1, "mới", "test.writes", {"text": "mới"})  # starting one sweeps
        assert jobs.get(old.id, 1) is None
        with database.session(readonly=True) as s:
            assert s.get(JobRow, old.id) is None
            assert s.scalar(select(func.count()).where(JobChunk.job_id == old.id)) == 0
        assert wait_until(lambda: state(jobs, new) == DONE)
    finally:
        jobs.stop(5)


def _die_holding(jobs: Queue, job_id: str) -> None:
    """What a worker killed with -9 leaves: the task taken off the queue, the job running
    under its name, and no heartbeat any more."""
    task = jobs.huey.dequeue()
    assert task is not None and task.args == (job_id,)
    assert jobs.board.claim(job_id, "may-khac-4242")


def test_a_job_whose_worker_died_is_run_again_by_another(database, tmp_path):
    jobs = Queue(database, tmp_path, broker="", stale=0.3)
    job = jobs.start(1, "việc", "test.writes", {"text": "xong"})
    _die_holding(jobs, job.id)
    time.sleep(0.5)
    jobs.run_workers(1)  # another worker notices the stale heartbeat and takes the job
    try:
        assert wait_until(lambda: state(jobs, job) == DONE)
        assert jobs.get(job.id, 1).attempts == 2
        assert b"".join(jobs.output(job.id)) == b"xong"
    finally:
        jobs.stop(5)


def test_a_job_whose_worker_died_twice_is_reported_failed_with_the_reason(database, tmp_path):
    jobs = Queue(database, tmp_path, broker="", stale=0.3)
    job = jobs.start(1, "việc", "test.writes", {"text": "xong"})
    _die_holding(jobs, job.id)
    time.sleep(0.5)
    jobs.recover()
    page = jobs.get(job.id, 1)
    assert page.state == WAITING and "dừng giữa chừng" in page.stage
    _die_holding(jobs, job.id)
    time.sleep(0.5)
    failed = jobs.get(job.id, 1)  # reading the job looks after it, even with no worker here
    assert failed.state == FAILED and failed.message == WORKER_DIED
    assert failed.message.startswith("Máy xử lý đã dừng giữa chừng")


def test_a_job_whose_task_was_lost_before_it_was_claimed_is_queued_again(database, tmp_path):
    """A worker killed after taking the task off the queue and before marking the job
    running: the job is still waiting, and no task for it is left in the queue."""
    jobs = Queue(database, tmp_path, broker="", stale=0.3)
    try:
        lost = jobs.start(1, "việc", "test.writes", {"text": "mất"})
        queued = jobs.start(1, "việc", "test.writes", {"text": "còn"})
        task = jobs.huey.dequeue()  # the dying worker's take
        assert task.args[0] == lost.id
        time.sleep(0.5)
        jobs.recover()
        pending = [t.args[0] for t in jobs.huey.pending()]
        assert sorted(pending) == sorted([lost.id, queued.id])  # each once: none twice
        jobs.run_workers(1)
        assert wait_until(lambda: state(jobs, lost) == DONE and state(jobs, queued) == DONE)
        assert b"".join(jobs.output(lost.id)) == "mất".encode()
        assert jobs.get(lost.id, 1).attempts == 1
    finally:
        jobs.stop(5)


def test_a_running_job_beats_its_heartbeat_and_is_not_taken_over(database, tmp_path):
    GATE.clear()
    jobs = Queue(database, tmp_path, broker="", stale=0.3)
    jobs.run_workers(1)
    try:
        job = jobs.start(1, "dài", "test.writes", {"text": "dài", "gate": True})
        assert wait_until(lambda: state(jobs, job) == RUNNING)
        time.sleep(1.0)  # three stale periods: the heartbeat keeps it its worker's
        jobs.recover()
        assert jobs.get(job.id, 1).state == RUNNING and jobs.get(job.id, 1).attempts == 1
        GATE.set()
        assert wait_until(lambda: state(jobs, job) == DONE)
    finally:
        GATE.set()
        jobs.stop(5)


def test_a_second_process_on_the_instance_leaves_the_first_ones_work_files(tmp_path):
    from webform import create_app
    config = {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
              "ADMIN_PASSWORD": "mat-khau-quan-tri-thu"}
    first = create_app(config)
    mine = first.extensions["docgen_jobs"].folders.own / "docgen-batch-x" / "forms.docx"
    mine.parent.mkdir()
    mine.write_bytes(b"PK")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    host = mine.parent.parent.name.rsplit("-", 2)[0]
    left = tmp_path / "instance" / "tmp" / f"{host}-{dead}-abcd" / "docgen-batch-y"
    left.mkdir(parents=True)
    create_app(config)  # a second web process on the same instance folder
    assert mine.read_bytes() == b"PK"
    assert not left.exists()  # the folder of a process that is gone is swept


@pytest.fixture
def two_apps(tmp_path):
    """Two web processes' apps on one instance folder (one database, one queue)."""
    from webform import create_app
    config = {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
              "ADMIN_PASSWORD": "mat-khau-quan-tri-thu"}
    first = create_app(config)
    second = create_app({**config, "JOB_WORKERS": 0})
    yield first, second
    for app in (first, second):
        app.extensions["docgen_jobs"].stop(5)


def _token(client, url: str = "/cam-ket/") -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]


def _area(app) -> int:
    with app.extensions["docgen_store"].session(readonly=True) as s:
        return next(u.id for u in q.list_units(s) if u.name == "Bản Na Mèo")


def test_a_job_started_in_one_web_process_is_followed_and_downloaded_in_another(two_apps):
    first, second = two_apps
    one, two = first.test_client(), second.test_client()
    for c in (one, two):
        assert login(c, "admin", "mat-khau-quan-tri-thu").status_code == 302
    reply = one.post("/cam-ket/", data={"csrf_token": _token(one), "unit_id": str(_area(first)),
                                        "year": "2022", "fmt": "docx"})
    assert reply.status_code == 302
    job_url = reply.headers["Location"]
    assert wait_until(lambda: 'data-state="done"' in two.get(job_url).get_data(as_text=True))
    page = two.get(job_url).get_data(as_text=True)
    assert "Tải về" in page and "Đã tạo 5 bản cam kết" in page
    download = two.get(job_url + "/tai-ve")
    data = download.get_data()
    assert download.status_code == 200 and data[:2] == b"PK"
    assert download.headers["X-Docgen-Forms"] == "5"
    assert download.headers["Content-Length"] == str(len(data))
    assert "cam-ket-ban-na-meo-2022.docx" in download.headers["Content-Disposition"]
    assert "Lò Văn Xuân" in "\n".join(texts(data))


def test_docgen_worker_runs_a_job_queued_by_a_web_process_and_stops_on_sigterm(two_apps,
                                                                                 tmp_path):
    _, web = two_apps  # the web process runs no workers: only `docgen worker` does
    client = web.test_client()
    assert login(client, "admin", "mat-khau-quan-tri-thu").status_code == 302
    reply = client.post("/cam-ket/", data={"csrf_token": _token(client),
                                           "unit_id": str(_area(web)), "year": "2022",
                                           "fmt": "zip"})
    job_url = reply.headers["Location"]
    assert 'data-state="waiting"' in client.get(job_url).get_data(as_text=True)
    env = {**os.environ, "DOCGEN_INSTANCE": str(tmp_path / "instance")}
    env.pop("DOCGEN_DATABASE_URL", None)
    env.pop("DOCGEN_BROKER", None)
    exe = shutil.which("docgen", path=str(Path(sys.executable).parent))
    worker = subprocess.Popen([exe, "worker"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        assert wait_until(lambda: 'data-state="done"' in client.get(job_url).get_data(
            as_text=True), 60)
    finally:
        worker.terminate()
        out, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, out
    assert "Máy xử lý việc đang chạy" in out and "Máy xử lý việc đã dừng" in out
    download = client.get(job_url + "/tai-ve")
    import zipfile
    with zipfile.ZipFile(io.BytesIO(download.get_data())) as archive:
        assert len([n for n in archive.namelist() if re.match(r"\d{4}-.*\.docx", n)]) == 5


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_a_pdf_batch_is_converted_in_parts_and_joined_in_order(queue, monkeypatch):
    from pypdf import PdfReader

    from docgen.jobs import parts
    from docgen.samples import load_sample
    from huey.signals import SIGNAL_EXECUTING
    monkeypatch.setattr(parts, "MIN_PART_ROWS", 2)  # two workers: two parts of 3 and 2
    ran = []
    queue.huey.signal(SIGNAL_EXECUTING)(lambda sig, task, *a, **k: ran.append(task.args[0]))
    sample = load_sample("commitment")
    names = ["Lò Văn Một", "Hà Thị Hai", "", "Vi Văn Bốn", "Cầm Thị Năm", "Lương Văn Sáu"]
    rows = [dict(sample, full_name=name) for name in names]  # row 3 has no name: skipped
    from docgen.jobs.handlers import rows_payload
    job = queue.start(1, "PDF", "bulk_fill", {
        "kind": "commitment", "list": rows_payload(rows), "defaults": None, "fmt": "pdf",
        "target": "thử", "file_name": "cam-ket.pdf"})
    queue.run_workers(2)
    assert wait_until(lambda: not queue.get(job.id, 1).active, 300)
    done = queue.get(job.id, 1)
    assert done.state == DONE, done.message
    assert (done.done, done.total, done.mimetype) == (5, 5, "application/pdf")
    assert [p.row for p in done.problems] == [3]
    reader = PdfReader(io.BytesIO(b"".join(queue.output(job.id))))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) == 5
    order = [next(i for i, text in enumerate(pages) if name in text)
             for name in names if name]
    assert order == [0, 1, 2, 3, 4]  # the parts joined in the list's order
    from docgen.signing.pdfa import pdfa_status
    first, last = pdfa_status(b"".join(queue.output(job.id)))
    assert (last.part, last.conformance, last.output_intent) == ("2", "B", True)  # still PDF/A
    assert "/MarkInfo" not in reader.trailer["/Root"]  # no tags' structure joined: not claimed
    assert reader.metadata.title.startswith("Bản cam kết")
    assert len(ran) == 4 and ran[0] == ran[-1] == job.id  # split, two parts, join
    with queue.board.store.session(readonly=True) as s:  # the parts are gone with their files
        assert s.scalar(select(func.count()).select_from(JobRow)) == 1
        assert s.scalar(select(func.count()).select_from(JobChunk)) == 1


@pytest.fixture
def redis_url(tmp_path):
    """A redis-server of this test's own on a free port (skipped when not installed)."""
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed (.ci/debian-packages)")
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(tmp_path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis
    client = redis.Redis(port=port)
    assert wait_until(lambda: _pings(client), 20), "redis-server did not start"
    yield f"redis://127.0.0.1:{port}/0"
    client.close()
    proc.terminate()
    proc.wait(20)


def _pings(client) -> bool:
    import redis
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


def test_with_a_redis_broker_a_job_queued_by_one_process_is_run_by_another(database, tmp_path,
                                                                            redis_url):
    web = Queue(database, tmp_path / "web", broker=redis_url)  # no shared instance folder
    other = q.Store(database.engine.url.render_as_string(hide_password=False))
    worker = Queue(other, tmp_path / "worker", broker=redis_url)
    job = web.start(1, "qua Redis", "test.writes", {"text": "Redis"})
    assert not (tmp_path / "web" / "queue.sqlite3").exists()
    worker.run_workers(1)
    try:
        assert wait_until(lambda: web.get(job.id, 1).state == DONE)
        assert b"".join(web.output(job.id)) == b"Redis"
    finally:
        worker.stop(5)
        web.stop(5)
        other.dispose()


def _worker(instance: Path, stale: str) -> subprocess.Popen:
    env = {**os.environ, "DOCGEN_INSTANCE": str(instance), "DOCGEN_JOB_STALE": stale}
    env.pop("DOCGEN_DATABASE_URL", None)
    env.pop("DOCGEN_BROKER", None)
    exe = shutil.which("docgen", path=str(Path(sys.executable).parent))
    return subprocess.Popen([exe, "worker"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


@pytest.mark.slow  # kills a worker in the middle of 20,000 forms
def test_a_worker_killed_mid_job_leaves_it_to_the_restarted_worker(tmp_path):
    from docgen.jobs.handlers import rows_payload
    from docgen.samples import load_sample
    instance = tmp_path / "instance"
    database = q.Store(instance_path=instance)
    database.create_schema()
    jobs = Queue(database, instance, broker="", stale=2)
    sample = load_sample("commitment")
    rows = [dict(sample, full_name=f"Người thứ {i}") for i in range(20_000)]
    job = jobs.start(1, "dài", "bulk_fill", {
        "kind": "commitment", "list": rows_payload(rows), "defaults": None, "fmt": "docx",
        "target": "thử", "file_name": "cam-ket.docx"})
    first = _worker(instance, "2")
    try:
        assert wait_until(lambda: jobs.get(job.id, 1).done > 0, 120)
        first.kill()  # SIGKILL: no clean-up, the job stays «running» under its name
        first.wait(30)
        assert jobs.get(job.id, 1).state == RUNNING
        second = _worker(instance, "2")
        try:
            assert wait_until(lambda: not jobs.get(job.id, 1).active, 300)
        finally:
            second.terminate()
            second.wait(30)
    finally:
        if first.poll() is None:
            first.kill()
    done = jobs.get(job.id, 1)
    assert (done.state, done.done, done.attempts) == (DONE, 20_000, 2)
    assert b"".join(jobs.output(job.id))[:2] == b"PK"
    jobs.stop(5)
    database.dispose()


def test_on_postgresql_a_job_runs_expires_and_its_dead_worker_is_noticed(pg, tmp_path):
    jobs = Queue(pg, tmp_path, broker="", stale=0.3, keep_seconds=3600)
    job = jobs.start(1, "Bản cam kết — " + "x" * 400, "test.writes", {"text": "ờ" * 700_000})
    _die_holding(jobs, job.id)
    time.sleep(0.5)
    jobs.run_workers(1)
    try:
        assert wait_until(lambda: state(jobs, job) == DONE)
        assert b"".join(jobs.output(job.id)) == ("ờ" * 700_000).encode()  # two chunks
        assert len(jobs.get(job.id, 1).title) == 300 and jobs.get(job.id, 1).attempts == 2
    finally:
        jobs.stop(5)
    jobs.board.keep_seconds = 0
    assert jobs.board.sweep() == 1
    with pg.session(readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(JobChunk)) == 0
