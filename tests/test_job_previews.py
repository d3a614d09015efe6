"""Previews and single-document PDFs as jobs (Queue.run_and_wait, docgen.jobs.preview): a
web process with no workers (`docgen serve --workers 0`) and no LibreOffice gets them from
a worker elsewhere; with no worker it answers 503 saying so; a signed document's PDF needs
no job. Real SQLite, real Huey on SQLite, real LibreOffice and poppler."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from docgen import store as q
from docgen.errors import UserError
from docgen.jobs import NoWorker, Queue, handler
from docgen.store import own_templates as own
from docgen.store.models import AuditEntry, JobChunk, JobRow
from docgen.store.signature_models import ROLE_PERSON, DocumentSignature
from helpers import ADMIN_PASSWORD, have, login
from test_own_templates import decision_template
from test_web_previews import draft, image, previews

NEEDS_OFFICE = pytest.mark.skipif(not (have("soffice") and have("pdftoppm")),
                                  reason="LibreOffice and poppler-utils make the previews")
MESSAGE = "Chưa có máy xử lý nào nhận việc tạo PDF/xem trước"


def web(tmp_path, **config):
    from webform import create_app
    return create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
                       "ADMIN_PASSWORD": ADMIN_PASSWORD, "JOB_WORKERS": 0, **config})


@pytest.fixture
def lone_web(tmp_path):
    """A web process with no workers, and none anywhere: jobs wait 0.5 s, then 503."""
    app = web(tmp_path, JOB_WAIT=0.5)
    yield app
    app.extensions["docgen_jobs"].stop(5)


def signed_in(app):
    client = app.test_client()
    assert login(client).status_code == 302
    return client


def jobs_left(db) -> tuple[int, int]:
    with db.session(readonly=True) as s:
        return (s.scalar(select(func.count()).select_from(JobRow)),
                s.scalar(select(func.count()).select_from(JobChunk)))


def audited(db, action: str) -> int:
    with db.session(readonly=True) as s:
        return s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == action))


@NEEDS_OFFICE
def test_a_web_process_without_libreoffice_gets_previews_and_pdf_from_docgen_worker(
        tmp_path, monkeypatch):
    app = web(tmp_path, JOB_WAIT=120)
    db = app.extensions["docgen_store"]
    doc_id = draft(db, "decision")
    env = {**os.environ, "DOCGEN_INSTANCE": app.instance_path}
    env.pop("DOCGEN_DATABASE_URL", None)
    env.pop("DOCGEN_BROKER", None)
    exe = shutil.which("docgen", path=str(Path(sys.executable).parent))
    worker = subprocess.Popen([exe, "worker"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    # From here the web process finds neither LibreOffice nor pdftoppm.
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("DOCGEN_SOFFICE", raising=False)
    try:
        client = signed_in(app)
        urls = previews(client, doc_id)
        assert len(urls) == 2
        png = image(client, urls[0])
        assert png.status_code == 200 and png.get_data()[:8] == b"\x89PNG\r\n\x1a\n"
        before = audited(db, "tải văn bản")
        pdf = client.get(f"/so-van-ban/{doc_id}/tai-ve.pdf")
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        assert pdf.get_data()[:5] == b"%PDF-"
        assert audited(db, "tải văn bản") == before + 1
    finally:
        worker.terminate()
        out, _ = worker.communicate(timeout=30)
        app.extensions["docgen_jobs"].stop(5)
    assert worker.returncode == 0, out
    assert jobs_left(db) == (0, 0)  # each answered request's job is withdrawn


@NEEDS_OFFICE
def test_an_own_template_preview_is_made_by_a_worker_of_another_queue(tmp_path):
    app = web(tmp_path, JOB_WAIT=120)
    db = app.extensions["docgen_store"]
    worker = Queue(db, app.instance_path, broker="")  # another process's workers
    worker.run_workers(1)
    try:
        client = signed_in(app)
        with db.session() as s:
            version, _ = own.upload(
                s, kind="decision", body_id=None, data=decision_template(),
                filename="mau.docx", uploaded_by="admin", year=2023)
            version_id = version.id
        page = client.get(f"/mau-rieng/{version_id}").get_data(as_text=True)
        found = re.findall(rf"/mau-rieng/{version_id}/trang-(\d+)\.png", page)
        assert found and found[0] == "1"
        png = image(client, f"/mau-rieng/{version_id}/trang-1.png")
        assert png.status_code == 200 and png.get_data()[:4] == b"\x89PNG"
    finally:
        worker.stop(30)
        app.extensions["docgen_jobs"].stop(5)


def test_with_no_worker_the_preview_and_the_pdf_answer_503_and_say_so(lone_web):
    db = lone_web.extensions["docgen_store"]
    client = signed_in(lone_web)
    doc_id = draft(db, "decision")
    page = client.get(f"/so-van-ban/{doc_id}")  # the page itself stays usable
    assert page.status_code == 200 and MESSAGE in page.get_data(as_text=True)
    for url in (f"/so-van-ban/{doc_id}/trang-1.png", f"/so-van-ban/{doc_id}/tai-ve.pdf"):
        reply = client.get(url)
        assert reply.status_code == 503, url
        assert MESSAGE in reply.get_data(as_text=True)
    assert jobs_left(db) == (0, 0)  # the jobs nobody took are withdrawn
    assert audited(db, "tải văn bản") == 0  # nothing was downloaded


def test_a_signed_document_s_pdf_is_served_as_signed_without_a_worker(lone_web):
    db = lone_web.extensions["docgen_store"]
    client = signed_in(lone_web)
    doc_id = draft(db, "decision")
    signed = b"%PDF-1.7\n% the electronic original, stamps and all\n%%EOF\n"
    with db.session() as s:
        s.add(DocumentSignature(document_id=doc_id, role=ROLE_PERSON, signer_name="Nguyễn Văn A",
                                sha256="0" * 64, size=len(signed), pdf=signed))
    reply = client.get(f"/so-van-ban/{doc_id}/tai-ve.pdf")
    assert reply.status_code == 200 and reply.get_data() == signed
    assert jobs_left(db) == (0, 0)


# ---- Queue.run_and_wait ----------------------------------------------------------------------

@handler("test.echo")
def echo(work) -> None:
    if work.input.get("refuse"):
        raise UserError("Tệp mẫu: không đọc được")
    path = work.folder / "out.bin"
    path.write_bytes(work.input["text"].encode())
    work.file = path


@pytest.fixture
def database(tmp_path):
    db = q.Store(instance_path=tmp_path)
    db.create_schema()
    yield db
    db.dispose()


def test_run_and_wait_returns_the_output_of_a_worker_elsewhere(database, tmp_path):
    web_side = Queue(database, tmp_path, broker="")
    worker = Queue(database, tmp_path, broker="")
    worker.run_workers(1)
    try:
        assert web_side.run_and_wait(1, "test.echo", {"text": "Xin chào"}, timeout=30) \
            == "Xin chào".encode()
        with pytest.raises(UserError, match="Tệp mẫu: không đọc được") as failed:
            web_side.run_and_wait(1, "test.echo", {"refuse": True, "text": ""}, timeout=30)
        assert not isinstance(failed.value, NoWorker)
    finally:
        worker.stop(5)
        web_side.stop(5)
    assert jobs_left(database) == (0, 0)


def test_run_and_wait_runs_in_the_calling_thread_where_workers_run(database, tmp_path):
    here = Queue(database, tmp_path, broker="", autostart=1)
    try:
        assert here.run_and_wait(1, "test.echo", {"text": "một"}, timeout=0) == "một".encode()
        assert here.huey.pending_count() == 0  # never queued: no wait behind batches
    finally:
        here.stop(5)


def test_run_and_wait_with_no_worker_withdraws_the_job_and_says_so(database, tmp_path):
    alone = Queue(database, tmp_path, broker="")
    try:
        with pytest.raises(NoWorker, match=MESSAGE):
            alone.run_and_wait(1, "test.echo", {"text": "x"}, timeout=0.2)
        assert jobs_left(database) == (0, 0)
        late = Queue(database, tmp_path, broker="")  # a worker that comes later
        assert late.run_one() is True  # takes the task, finds no job, does nothing
        late.stop(5)
        assert jobs_left(database) == (0, 0)
    finally:
        alone.stop(5)
