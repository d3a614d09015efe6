"""The province set-up end to end (README «Running for a province»): PostgreSQL made ready
with `docgen db upgrade`, a redis-server broker, web process A (`docgen serve --processes
2`, gunicorn) and web process B (`docgen serve`, waitress) on different ports and instance
folders — two machines sharing only the database, the broker and DOCGEN_SECRET_KEY — and two
`docgen worker` processes. A clerk's session works in both; numbers issued at once through
both never repeat or skip; a batch job submitted through A is followed and downloaded
through B while a worker is SIGKILLed and started again."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import secrets
import subprocess
import sys
import zipfile

import openpyxl
import pytest

import docgen
from docgen import store
from docgen.store.models import Unit
from province import (Process, Web, check_numbers, drafts, issue_numbers, signed_in, token,
                      wait_until)

pytestmark = pytest.mark.slow  # PostgreSQL, redis-server and six processes: `make test`

ROWS = 4000  # forms per job: enough to be running when the worker is killed
STALE_S = "5"  # DOCGEN_JOB_STALE: a killed worker's job is taken up again after this


@pytest.fixture
def province(tmp_path, postgres_database):
    """The shared environment of every process: a fresh PostgreSQL database brought to the
    code's schema by `docgen db upgrade`, and one secret key."""
    url = postgres_database()
    env = {"DOCGEN_DATABASE_URL": url, "DOCGEN_SECRET_KEY": secrets.token_hex(32)}
    done = subprocess.run([sys.executable, "-m", "docgen", "db", "upgrade"], text=True,
                          capture_output=True, timeout=300,
                          env={**os.environ, **env, "DOCGEN_INSTANCE": str(tmp_path / "up")})
    assert done.returncode == 0, done.stderr
    assert "Đã tạo cơ sở dữ liệu mới" in done.stdout
    started: list[Process] = []

    def web(name: str, *, processes: int = 1, extra: tuple = (), **more) -> Web:
        process = Web(tmp_path, name, {**env, "DOCGEN_INSTANCE": str(tmp_path / name), **more},
                      processes=processes, extra=extra)
        process.start()
        started.append(process)
        return process

    def worker(name: str, **more) -> Process:
        process = Process(tmp_path, name, ["worker", "--workers", "1"],
                          {**env, "DOCGEN_INSTANCE": str(tmp_path / name),
                           "DOCGEN_SOFFICE": "/nonexistent/soffice", **more})
        process.start()
        started.append(process)
        return process

    yield url, web, worker
    for process in reversed(started):
        process.stop()
    logs = {p.log.name: p.log.read_text() for p in started}
    assert not [name for name, text in logs.items() if "Traceback" in text], logs


def test_a_session_and_the_register_are_shared_by_two_web_processes(province):
    url, web, _ = province
    a = web("web-a", processes=2)  # the first start loads the sample district
    b = web("web-b")
    clerk = signed_in(a.url)  # cookies ignore the port: this session is sent to both
    assert "Sổ văn bản đi" in clerk.get(b.url + "/so-van-ban/", timeout=60).text
    ids = drafts(url, 60)
    issue_numbers([a.url, b.url], ids, threads=6)  # six clerks, three on each process
    assert check_numbers(url) == {(1, 2023): 60}
    # Signing out through B ends the session everywhere (sign-ins live in the database).
    page = clerk.get(b.url + "/so-van-ban/", timeout=60)
    reply = clerk.post(b.url + "/dang-xuat", data={"csrf_token": token(page.text)},
                       timeout=60, allow_redirects=False)
    assert reply.status_code == 302
    for where in (a.url, b.url):
        assert clerk.get(where + "/so-van-ban/", timeout=60,
                         allow_redirects=False).status_code == 302


def _household_list(rows: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(["STT", "Họ và tên", "Năm sinh", "Số CCCD", "Địa chỉ"])
    for i in range(rows):
        sheet.append([i + 1, f"Lò Văn Số {i + 1}", 1950 + i % 50, f"0380{i:08d}", f"Nhà số {i}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _area(url: str) -> int:
    db = store.Store(url)
    try:
        with db.session(readonly=True) as s:
            return s.query(Unit.id).filter(Unit.name == "Bản Na Mèo").scalar()
    finally:
        db.dispose()


def _state(session, job_url: str) -> str:
    page = session.get(job_url, timeout=60)
    assert page.status_code == 200, page.text[:1000]
    return re.search(r'id="job" data-state="(\w+)"', page.text)[1]


def _names(docx: bytes) -> list[int]:
    """The numbers of the «Lò Văn Số n» a merged DOCX names, as often as it names them."""
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode("utf-8")
    return [int(n) for n in re.findall(r"Lò Văn Số (\d+)<", xml)]


def test_a_job_from_one_web_process_is_followed_and_downloaded_through_another_while_a_worker_dies(
        province, redis_url):
    url, web, worker = province
    broker = {"DOCGEN_BROKER": redis_url, "DOCGEN_JOB_STALE": STALE_S}
    a = web("web-a", processes=2, extra=("--workers", "0"), **broker)
    b = web("web-b", extra=("--workers", "0"), **broker)
    workers = [worker("worker-1", **broker), worker("worker-2", **broker)]
    clerk = signed_in(a.url)
    jobs = {}
    for fmt in ("docx", "zip"):  # two jobs: one for each worker
        csrf = token(clerk.get(a.url + "/cam-ket/", timeout=60).text)
        reply = clerk.post(a.url + "/cam-ket/", data={
            "csrf_token": csrf, "unit_id": str(_area(url)), "year": "2022", "fmt": fmt},
            files={"file": ("danh-sach.xlsx", _household_list(ROWS))},
            timeout=300, allow_redirects=False)
        assert reply.status_code == 302 and "/viec/" in reply.headers["Location"], reply.text
        jobs[fmt] = b.url + reply.headers["Location"]  # followed through B
    # Both workers busy, each with a job (one thread each): kill the first, as a power cut.
    wait_until(lambda: all(_state(clerk, job) == "running" for job in jobs.values()),
               300, "both jobs to run (if one finished first, make ROWS larger)")
    workers[0].kill()
    assert any(_state(clerk, job) == "running" for job in jobs.values())
    workers[0] = worker("worker-1", **broker)  # started again
    wait_until(lambda: all(_state(clerk, job) in ("done", "failed") for job in jobs.values()),
               900, "both jobs to end")
    # The killed worker's job was taken up again (its second attempt), the other ran once.
    db = store.Store(url)
    try:
        with db.engine.connect() as conn:
            attempts = sorted(conn.exec_driver_sql(
                "SELECT attempts FROM job WHERE parent_id IS NULL").scalars())
    finally:
        db.dispose()
    assert attempts == [1, 2]
    for fmt, job in jobs.items():
        page = clerk.get(job, timeout=60).text
        assert _state(clerk, job) == "done", page  # the killed worker's job was run again
        reply = clerk.get(job + "/tai-ve", timeout=300)
        assert reply.status_code == 200, reply.text[:1000]
        assert reply.headers["X-Docgen-Forms"] == str(ROWS)
        if fmt == "docx":  # each form names its person twice, no form twice (no retry left)
            assert sorted(_names(reply.content)) == sorted(list(range(1, ROWS + 1)) * 2)
        else:
            archive = zipfile.ZipFile(io.BytesIO(reply.content))
            names = archive.namelist()
            assert len(names) == len(set(names)) == ROWS
            last = archive.read(names[-1])
            assert _names(last) == [ROWS, ROWS]


def _pg_tool(name: str) -> str:
    import glob
    import shutil
    for folder in [None, *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]:
        if found := shutil.which(name, path=folder):
            return found
    pytest.skip(f"no {name} on this machine (Debian package postgresql-client)")


def test_a_pg_dump_backup_restores_into_a_new_database(tmp_path, province, postgres_database):
    """The README's nightly `pg_dump --format=custom` and its `pg_restore --no-owner` into
    a new database: the same schema version, register and counters."""
    url, _, _ = province
    db = store.Store(url)
    try:
        db.seed_sample_if_empty()
    finally:
        db.dispose()
    ids = drafts(url, 3)
    db = store.Store(url)
    try:
        for doc_id in ids[:2]:
            store.issue_number(db, doc_id, issued_on=dt.date(2023, 2, 10),
                               render=docgen.render_document)
    finally:
        db.dispose()
    issued = check_numbers(url)
    assert issued == {(1, 2023): 2}
    libpq = url.replace("postgresql+psycopg://", "postgresql://")  # what pg_dump reads
    dump = tmp_path / "docgen.dump"
    subprocess.run([_pg_tool("pg_dump"), "--format=custom", f"--file={dump}", libpq],
                   check=True, capture_output=True, timeout=300)
    copy = postgres_database()
    subprocess.run([_pg_tool("pg_restore"), "--no-owner",
                    f"--dbname={copy.replace('postgresql+psycopg://', 'postgresql://')}",
                    str(dump)], check=True, capture_output=True, timeout=300)
    current = subprocess.run([sys.executable, "-m", "docgen", "db", "current"], text=True,
                             capture_output=True, timeout=300,
                             env={**os.environ, "DOCGEN_DATABASE_URL": copy,
                                  "DOCGEN_INSTANCE": str(tmp_path / "restored")})
    assert current.returncode == 0, current.stderr
    assert check_numbers(copy) == issued
    source, restored = store.Store(url), store.Store(copy)
    try:
        with source.session(readonly=True) as a, restored.session(readonly=True) as b:
            assert b.query(Unit).count() == a.query(Unit).count() > 0
    finally:
        source.dispose(), restored.dispose()
