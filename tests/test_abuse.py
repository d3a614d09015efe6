"""Abuse limits and faults: bulk import previews, one import at a time per user, the upload
quota and sweep, a full disk, future issue dates, and every download in the audit trail."""

from __future__ import annotations

import datetime as dt
import errno
import io
import os
import re
import subprocess
import time
from pathlib import Path

import openpyxl
import pytest
from flask import g
from sqlalchemy import event, func, select

from docgen import exchange, render_document, store as q
from docgen.errors import InputError
from docgen.store.models import AuditEntry, Counter, Document
from helpers import ADMIN_PASSWORD, login, xlsx

CLERK_PASSWORD = "mat-khau-van-thu-2026"


def html(response) -> str:
    return response.get_data(as_text=True)


def token(client, url: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html(client.get(url)))[1]


def ubnd(db) -> int:
    with db.session(readonly=True) as s:
        return next(b.id for b in q.list_bodies(s) if b.abbreviation == "UBND")




def post_preview(client, body: int, data: bytes, url: str = "/don-vi/nhap", **fields):
    form = {"csrf_token": token(client, "/don-vi/"), "body_id": str(body), "body": str(body),
            "file": (io.BytesIO(data), "don-vi.xlsx"), **fields}
    return client.post(url, data=form, content_type="multipart/form-data")


def units_file(count: int, start: int = 0) -> bytes:
    return xlsx([["Tên đơn vị", "Loại hình", "Xã/Thị trấn", "Cơ quan đánh giá", "Ghi chú"]]
                + [[f"Bản Thử {i}", "Khu dân cư", "Xã Trung Hạ",
                    "Ủy ban nhân dân huyện Quan Sơn" if i % 2 else "", ""]
                   for i in range(start, start + count)])


# ---- previews read the stored records in bulk ------------------------------------------------

class Statements:
    """Counts the SQL statements an engine runs inside the block."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _seen(self, *args):
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._seen)


@pytest.mark.parametrize("rows", [20, 400])
def test_units_preview_runs_the_same_few_queries_for_any_number_of_rows(app, db, rows):
    body = ubnd(db)
    with db.session() as s:  # half the rows update stored units
        for i in range(0, rows, 2):
            q.save_unit(s, name=f"Bản Thử {i}", kind="Khu dân cư", body_id=body)
    data = units_file(rows)
    with db.session(readonly=True) as s, Statements(db.engine) as seen:
        plan = exchange.preview_units_import(s, data, body)
    assert len(plan.unchanged) + len(plan.update) == rows // 2
    assert len(plan.add) == rows // 2
    assert seen.count <= 5, seen.count  # main ran one query (and folded every body) per row


@pytest.mark.parametrize("rows", [20, 400])
def test_outcomes_preview_runs_the_same_few_queries_for_any_number_of_rows(app, db, rows):
    body = ubnd(db)
    with db.session() as s:
        ids = [q.save_unit(s, name=f"Bản Thử {i}", kind="Khu dân cư", body_id=body).id
               for i in range(rows)]
        for unit_id in ids[::2]:
            q.save_assessment(s, unit_id, 2022, self_score=70)
    data = xlsx([["Tên đơn vị", "Điểm tự chấm"]] + [[f"Bản Thử {i}", 91] for i in range(rows)])
    with db.session(readonly=True) as s, Statements(db.engine) as seen:
        plan = exchange.preview_outcomes_import(s, data, body, 2022)
    assert (len(plan.add), len(plan.update)) == (rows // 2, rows // 2)
    assert plan.update[0].changes["self_score"] == (70, 91)
    assert seen.count <= 5, seen.count  # main ran two queries per row


def test_a_long_preview_shows_the_counts_and_the_first_rows_only(client, db):
    response = post_preview(client, ubnd(db), units_file(1200))
    page = html(response)
    assert response.status_code == 200
    assert "<b>1200</b> dòng sẽ được thêm" in page
    assert page.count("Bản Thử ") == 1000
    assert "… và 200 dòng khác" in page


# ---- one heavy request at a time per user, a few in the process ------------------------------

def user_id(db, username: str) -> int:
    with db.session(readonly=True) as s:
        return q.find_user(s, username).id


def test_a_second_import_of_the_same_user_is_refused_while_one_runs(app, client, db):
    slots = app.extensions["docgen_slots"]
    admin = user_id(db, "admin")
    assert slots.take(admin) is None           # an import of this user is running
    try:
        for url in ("/don-vi/nhap", "/danh-gia/nhap", "/don-vi/nhap/xac-nhan",
                    "/cam-ket/", "/dang-ky/"):
            response = post_preview(client, ubnd(db), units_file(3), url=url)
            assert response.status_code == 429, url
            assert "Bạn đang có một thao tác nhập khác đang chạy" in html(response)
            assert response.headers["Retry-After"]
        assert client.get("/don-vi/").status_code == 200     # pages still answer
    finally:
        slots.give_back(admin)
    assert post_preview(client, ubnd(db), units_file(3)).status_code == 200
    assert post_preview(client, ubnd(db), units_file(3)).status_code == 200  # slot given back


def test_when_every_slot_is_held_others_get_429_and_sign_in_still_answers(app, client, db):
    slots = app.extensions["docgen_slots"]
    for fake in range(-slots.total, 0):          # other users' imports fill every slot
        assert slots.take(fake) is None
    try:
        response = post_preview(client, ubnd(db), units_file(3))
        assert response.status_code == 429
        assert "Máy chủ đang xử lý tệp nhập của người dùng khác" in html(response)
        assert app.test_client().get("/dang-nhap").status_code == 200
    finally:
        for fake in range(-slots.total, 0):
            slots.give_back(fake)
    assert post_preview(client, ubnd(db), units_file(3)).status_code == 200


def test_a_failed_preview_gives_its_slot_back(app, client, db):
    broken = post_preview(client, ubnd(db), b"not a workbook")
    assert broken.status_code == 302            # the message is flashed on the list
    assert app.extensions["docgen_slots"].take(user_id(db, "admin")) is None


# ---- the upload quota and sweep ----------------------------------------------------------------

def kept_tokens(page: str) -> str:
    return re.search(r'name="token" value="([0-9a-f]+)"', page)[1]


def user_files(app, db, username: str = "admin") -> list[str]:
    """The tokens of the user's kept uploads (in the database), oldest first."""
    from docgen.store import kept_files
    return [k.key for k in kept_files.owned(db, kept_files.UPLOAD, user_id(db, username))]


def test_each_user_keeps_a_bounded_number_of_uploads_oldest_dropped(app, client, db):
    from webform.views import uploads
    tokens = [kept_tokens(html(post_preview(client, ubnd(db), units_file(2, start=10 * i))))
              for i in range(uploads.MAX_FILES + 2)]
    files = user_files(app, db)
    assert len(files) == uploads.MAX_FILES
    assert set(files) == set(tokens[-uploads.MAX_FILES:])
    response = client.post("/don-vi/nhap/xac-nhan", data={
        "csrf_token": token(client, "/don-vi/"), "token": tokens[0], "body_id": str(ubnd(db))},
        follow_redirects=True)
    assert "Không còn tệp đã tải lên" in html(response)


def test_the_byte_quota_drops_the_oldest_upload(app, client, db, monkeypatch):
    from webform.views import uploads
    data = units_file(50)
    monkeypatch.setattr(uploads, "MAX_BYTES", 2 * len(data) + 10)
    for _ in range(4):
        post_preview(client, ubnd(db), data)
    assert len(user_files(app, db)) == 2


def test_an_upload_is_only_found_by_its_owner(app, client, db):
    from webform.views import uploads
    kept = kept_tokens(html(post_preview(client, ubnd(db), units_file(2))))
    with db.session() as s:
        other = q.save_user(s, username="nguoi.khac", role=q.ROLE_DISTRICT,
                            password=CLERK_PASSWORD, must_change=False)
        admin = q.find_user(s, "admin")
    with app.test_request_context("/"):
        g.user = other
        assert uploads.fetch(kept) is None
        g.user = admin
        assert uploads.fetch(kept) is not None


def test_expired_uploads_are_swept(app, client, db):
    from sqlalchemy import update

    from docgen.store.models import KeptFile, utcnow
    kept = kept_tokens(html(post_preview(client, ubnd(db), units_file(2))))
    with db.session() as s:
        s.execute(update(KeptFile).where(KeptFile.key == kept)
                  .values(expires=utcnow() - dt.timedelta(seconds=60)))
    post_preview(client, ubnd(db), units_file(2, start=5))   # any upload sweeps
    with db.session(readonly=True) as s:
        assert s.scalar(select(func.count()).where(KeptFile.key == kept)) == 0
    assert len(user_files(app, db)) == 1


# ---- a full disk -----------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 4 MiB tmpfs (needs root; skipped elsewhere): a real full disk, ENOSPC and all."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs",
                           str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def fill(folder: Path) -> None:
    """Write until the disk refuses, in ever smaller pieces: afterwards nothing more fits."""
    with open(folder / "filler", "wb", buffering=0) as fh:
        for size in (65536, 4096, 1):
            try:
                while True:
                    fh.write(b"\0" * size)
            except OSError as exc:
                assert exc.errno == errno.ENOSPC


@pytest.fixture
def full_disk_app(tmp_path, small_disk):
    """The service with its instance folder on the small disk (its database elsewhere)."""
    from webform import create_app
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": True,
                      "INSTANCE_PATH": str(small_disk / "instance"),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'docgen.sqlite3'}",
                      "ADMIN_PASSWORD": ADMIN_PASSWORD})
    client = app.test_client()
    assert login(client).status_code == 302
    yield app, client, small_disk
    app.extensions["docgen_store"].dispose()


def test_a_full_instance_disk_does_not_stop_an_import(full_disk_app):
    """The upload kept between preview and confirmation is in the database, not on the
    instance folder's disk (a full database: tests/test_shared_files.py)."""
    app, client, disk = full_disk_app
    db = app.extensions["docgen_store"]
    fill(disk)
    page = post_preview(client, ubnd(db), units_file(300))
    assert page.status_code == 200
    response = client.post("/don-vi/nhap/xac-nhan", data={
        "csrf_token": token(client, "/don-vi/"), "token": kept_tokens(html(page)),
        "body_id": str(ubnd(db))}, follow_redirects=True)
    assert "Đã nhập: thêm 300 đơn vị" in html(response)
    assert not (disk / "instance" / "uploads").exists()
    for url in ("/don-vi/", "/so-van-ban/", "/danh-gia/", "/"):  # unrelated pages still work
        assert client.get(url).status_code == 200, url


def test_a_batch_job_on_a_full_disk_says_so(full_disk_app):
    app, client, disk = full_disk_app
    db = app.extensions["docgen_store"]
    with db.session(readonly=True) as s:
        area = next(u for u in q.list_units(s, kind="khu_dan_cu") if q.list_households(s, u.id))
    fill(disk)
    response = client.post("/cam-ket/", data={
        "csrf_token": token(client, "/cam-ket/"), "unit_id": str(area.id), "year": "2022",
        "fmt": "docx"})
    if response.status_code == 507:  # the job's own folder could not be made
        assert "ổ đĩa của máy chủ đã đầy" in html(response)
        return
    assert response.status_code == 302
    job_url = response.headers["Location"]
    for _ in range(600):  # the job runs beside the request: wait for its end, bounded
        page = html(client.get(job_url))
        if "Ổ đĩa của máy chủ đã đầy" in page or "Tải về" in page:
            break
        time.sleep(0.1)
    assert "Ổ đĩa của máy chủ đã đầy" in page
    work = disk / "instance" / "tmp"
    assert not [p for p in work.rglob("*") if p.is_file()]


# ---- an issue date after today ---------------------------------------------------------------

@pytest.fixture
def draft(db):
    with db.session() as s:
        data, _, _ = q.decision_input(s, ubnd(db), 2022)
        return q.create_document(s, kind="decision", body_id=ubnd(db), data=data,
                                 created_by="admin", render=render_document).id


def test_issuing_with_a_future_date_is_refused_and_consumes_no_number(db, draft):
    tomorrow = q.numbering.today() + dt.timedelta(days=1)
    with pytest.raises(InputError) as refused:
        q.issue_number(db, draft, issued_on=tomorrow, render=render_document)
    message = refused.value.message
    assert "sau ngày hôm nay" in message and f"năm {tomorrow.year}" in message
    assert "chỉ được mang ngày từ" in message
    with db.session(readonly=True) as s:
        # (the samples' registers hold counters of 2022 and 2025 only)
        assert s.scalar(select(func.count()).select_from(Counter)
                        .where(Counter.year == tomorrow.year)) == 0
        assert s.get(Document, draft).number is None


def test_a_future_date_on_the_page_is_refused_with_its_consequence(client, db, draft):
    tomorrow = q.numbering.today() + dt.timedelta(days=1)
    page = html(client.get(f"/so-van-ban/{draft}"))
    assert f'max="{q.numbering.today().isoformat()}"' in page
    response = client.post(f"/so-van-ban/{draft}/cap-so", data={
        "csrf_token": token(client, f"/so-van-ban/{draft}"), "issued_on": tomorrow.isoformat()},
        follow_redirects=True)
    text = html(response)
    assert "sau ngày hôm nay" in text and "sổ văn bản bị khóa đến ngày đó" in text
    with db.session(readonly=True) as s:
        assert s.get(Document, draft).number is None


def test_today_is_vietnam_s_date_on_a_server_kept_on_utc():
    assert q.numbering.today() >= dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
    assert q.numbering.today() >= dt.date.today()


# ---- every download leaves an audit entry ----------------------------------------------------

def audit_count(db) -> int:
    with db.session(readonly=True) as s:
        return s.scalar(select(func.count()).select_from(AuditEntry))


def last_audit(db) -> AuditEntry:
    with db.session(readonly=True) as s:
        return s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()


def finished_job(client, db) -> str:
    with db.session(readonly=True) as s:
        area = next(u for u in q.list_units(s, kind="khu_dan_cu") if q.list_households(s, u.id))
    response = client.post("/cam-ket/", data={
        "csrf_token": token(client, "/cam-ket/"), "unit_id": str(area.id), "year": "2022",
        "fmt": "docx"})
    job_url = response.headers["Location"]
    for _ in range(600):
        if "/tai-ve" in html(client.get(job_url)):
            break
        time.sleep(0.1)
    return job_url.rstrip("/").split("/")[-1]


def signing_files(db, doc_id: int) -> None:
    """A seal for the district's UBND, an image for signer 1 and a signed PDF for `doc_id`,
    stored directly: the signing downloads then have a file to give."""
    from PIL import Image
    png, pdf = io.BytesIO(), io.BytesIO()
    Image.new("RGBA", (40, 40), (200, 0, 0, 0)).save(png, "PNG")
    Image.new("RGB", (40, 40), "white").save(pdf, "PDF")
    with db.session() as s:
        s.add_all([q.BodySeal(body_id=ubnd(db), png=png.getvalue()),
                   q.SignerImage(signer_id=1, png=png.getvalue()),
                   q.DocumentSignature(document_id=doc_id, role=q.ROLE_PERSON, signer_name="x",
                                       sha256="0" * 64, pdf=pdf.getvalue())])


def test_every_get_route_that_returns_a_file_is_in_the_audit_trail(app, client, db, draft):
    """Walks the URL map: any GET answering 200 with something other than a page must leave
    an audit entry. A new route with an argument not listed here fails until it is."""
    from docgen import pdf
    signing_files(db, draft)
    from docgen.render import TEMPLATES_DIR
    from docgen.store import own_templates
    with db.session() as s:  # a district's own template: its download is a file too
        version, _ = own_templates.upload(
            s, kind="decision", body_id=None, data=(TEMPLATES_DIR / "decision.docx").read_bytes(),
            filename="mau.docx", uploaded_by="admin", year=2022)
        version_id = version.id
    values = {"doc_id": draft, "page": 1, "job_id": finished_job(client, db),
              "body_id": ubnd(db), "unit_id": 1, "signer_id": 1, "name": "decision",
              "user_id": user_id(db, "admin"), "year": 2022, "version_id": version_id}
    query = {"assessments.export": f"?body={ubnd(db)}&year=2022",
             "batch.unit_list": f"?body={ubnd(db)}"}
    files, pages = set(), 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        missing = set(rule.arguments) - set(values)
        assert not missing, f"{rule.rule}: give this test a value for {missing}"
        with app.test_request_context():
            from flask import url_for
            url = url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})
        url += query.get(rule.endpoint, "")
        before = audit_count(db)
        with client.get(url) as response:
            response.get_data()
        if response.status_code != 200 or response.mimetype == "text/html":
            pages += 1
            continue
        files.add(rule.endpoint)
        assert audit_count(db) == before + 1, f"{url} ({response.mimetype}): not one entry"
        entry = last_audit(db)
        assert entry.username == "admin" and entry.action and entry.target
    expected = {"units.export", "assessments.export", "register.export", "auth.audit_export",
                "register.download", "batch.download", "batch.unit_list", "batch.blank_units",
                "batch.blank_list", "own_templates.download", "signing.download",
                "signing_images.seal_png", "signing_images.signature_png"}
    if pdf.available():
        expected |= {"register.download_pdf", "register.preview", "own_templates.page_image"}
    assert expected <= files, expected - files
    assert pages > 10


def test_a_download_entry_names_the_file(client, db, draft):
    client.get("/don-vi/xuat.xlsx")
    entry = last_audit(db)
    assert (entry.action, entry.target) == ("xuất danh sách đơn vị", "danh-sach-don-vi.xlsx")
    client.get(f"/so-van-ban/{draft}/tai-ve.docx")
    entry = last_audit(db)
    assert entry.action == "tải văn bản" and entry.target.endswith(".docx")


# ---- the fast sheet reader gives what openpyxl gives -------------------------------------------

def tricky_workbook() -> bytes:
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(["Họ và tên", "Năm sinh", "Ngày", "Có", "Số", "Ghi chú"])
    sheet.append(["A & B <c> \"d\" 'e'", 1990, dt.date(2022, 3, 5), True, 0.5, "dòng 1\ndòng 2"])
    sheet.append([None, None, dt.datetime(2023, 1, 2, 8, 30), False, -3, "x\r\ny"])
    sheet.append([])
    sheet.append(["Nguyễn Văn Ấn", "=1+1", dt.time(7, 45), None, 1e20, "#N/A"])
    sheet["A8"] = CellRichText(["Lò ", TextBlock(InlineFont(b=True), "Văn"), " Thân"])
    sheet["H9"] = "beyond the width"
    sheet["B10"] = "   spaces kept   "
    sheet["C11"] = ""
    book.create_sheet("Hướng dẫn").append(["Cột", "Cách ghi"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def libreoffice_copy(data: bytes, tmp_path: Path) -> bytes | None:
    """The workbook saved again by LibreOffice (shared strings, as Excel writes)."""
    from docgen import pdf
    if not pdf.available():
        return None
    source = tmp_path / "in" / "list.xlsx"
    source.parent.mkdir()
    source.write_bytes(data)
    out = tmp_path / "out"
    done = subprocess.run([os.environ.get("DOCGEN_SOFFICE", "soffice"), "--headless",
                           f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                           "--convert-to", "xlsx", "--outdir", str(out), str(source)],
                          capture_output=True, timeout=120)
    path = out / "list.xlsx"
    return path.read_bytes() if done.returncode == 0 and path.exists() else None


def test_the_fast_sheet_reader_reads_what_openpyxl_reads(tmp_path):
    from docgen import sheetrows
    root = Path(__file__).resolve().parent.parent
    books = {"tricky": tricky_workbook(), "units": units_file(50),
             "households": (root / "samples/quan-son-2022/households.xlsx").read_bytes(),
             "blank list": (root / "samples/danh-sach-mau.xlsx").read_bytes()}
    saved = libreoffice_copy(books["tricky"], tmp_path)
    if saved is not None:
        books["tricky, saved by LibreOffice"] = saved
    for name, data in books.items():
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for ws in book.worksheets:
            for width in (3, 64):
                ws.reset_dimensions()
                expected = list(ws.iter_rows(max_col=width, values_only=True))
                fast = sheetrows.rows(book, ws, width)
                assert fast is not None, (name, ws.title)
                assert list(fast) == expected, (name, ws.title, width)
        book.close()


@pytest.mark.parametrize("xml", [
    pytest.param('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[x]]></t></is>'
                 '</c></row></sheetData>', id="CDATA"),
    pytest.param('<sheetData><x:row r="1"/></sheetData>', id="prefixed element"),
    pytest.param('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a&nbsp;b</t></is></c>'
                 '</row></sheetData>', id="HTML entity"),
    pytest.param('<sheetData><row r="1"><!-- x --></row></sheetData>', id="comment"),
])
def test_the_fast_reader_leaves_what_it_does_not_handle_to_openpyxl(xml):
    from docgen import sheetrows
    assert sheetrows._sheet_data(f'<?xml version="1.0"?><worksheet>{xml}</worksheet>'
                                 .encode()) is None
