"""Two web machines behind one address (README «Running for a province»): two Flask apps
with their own instance folders sharing one database (SQLite, and PostgreSQL where a server
can be started) and the secret key. One browser's requests land on either: an import
previewed on A is confirmed on B, a preview image made on A is served by B (which has no
worker and no LibreOffice of its own); another user finds neither; expired files are swept;
a full or refusing database is a clear message."""

from __future__ import annotations

import datetime as dt
import io
import re
import secrets
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text, update

from docgen import render_document, store as q
from docgen.samples import load_sample
from docgen.store import kept_files
from docgen.store.models import KeptFile, Unit, utcnow
from helpers import ADMIN_PASSWORD, have, xlsx

PASSWORD = "mat-khau-nguoi-khac-2026"


class Browser:
    """One browser: its session cookie goes with each request to whichever machine."""

    def __init__(self, *apps):
        self.clients = [app.test_client() for app in apps]
        self.cookie: str | None = None

    def open(self, machine: int, url: str, **options):
        client = self.clients[machine]
        if self.cookie is not None:
            client.set_cookie("session", self.cookie)
        response = client.open(url, **options)
        response.get_data()  # read (and close) a streamed body before the next request
        response.close()
        kept = client.get_cookie("session")
        self.cookie = kept.value if kept is not None else None
        return response

    def get(self, machine: int, url: str, **options):
        return self.open(machine, url, **options)

    def post(self, machine: int, url: str, **options):
        return self.open(machine, url, method="POST", **options)

    def csrf(self, machine: int, url: str) -> str:
        page = self.get(machine, url).get_data(as_text=True)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]

    def sign_in(self, machine: int, username: str = "admin",
                password: str = ADMIN_PASSWORD) -> None:
        token = self.csrf(machine, "/dang-nhap")
        done = self.post(machine, "/dang-nhap", data={"csrf_token": token,
                                                      "username": username,
                                                      "password": password})
        assert done.status_code == 302, done.get_data(as_text=True)[:500]


def make_app(instance, url: str, key: str, **config):
    from webform import create_app
    return create_app({"TESTING": True, "WTF_CSRF_ENABLED": True, "INSTANCE_PATH": str(instance),
                       "DATABASE_URL": url, "SECRET_KEY": key,
                       "ADMIN_PASSWORD": ADMIN_PASSWORD, **config})


@pytest.fixture(params=["sqlite", "postgresql"])
def machines(request, tmp_path):
    """Web machines A and B: own instance folders, one database. B runs no job workers and
    waits 2 s for one, so a preview it would have to make answers 503."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_database")()
    key = secrets.token_hex(32)
    a = make_app(tmp_path / "machine-a", url, key)
    b = make_app(tmp_path / "machine-b", url, key, JOB_WORKERS=0, JOB_WAIT=2)
    yield a, b
    for app in (a, b):
        app.extensions["docgen_jobs"].stop(30)
        app.extensions["docgen_store"].dispose()


def html(response) -> str:
    return response.get_data(as_text=True)


def ubnd(db) -> int:
    with db.session(readonly=True) as s:
        return next(b.id for b in q.list_bodies(s) if b.abbreviation == "UBND")


def units_file(names: list[str]) -> bytes:
    return xlsx([["Tên đơn vị", "Loại hình", "Xã/Thị trấn", "Cơ quan đánh giá", "Ghi chú"]]
                + [[name, "Khu dân cư", "Xã Trung Hạ", "", ""] for name in names])


def preview_import(browser: Browser, machine: int, body: int, data: bytes) -> str:
    """Upload `data` for the units import on `machine`; the token its preview page carries."""
    response = browser.post(machine, "/don-vi/nhap", content_type="multipart/form-data", data={
        "csrf_token": browser.csrf(machine, "/don-vi/"), "body_id": str(body),
        "file": (io.BytesIO(data), "don-vi.xlsx")})
    assert response.status_code == 200, html(response)[:500]
    return re.search(r'name="token" value="([0-9a-f]{32})"', html(response))[1]


def confirm_import(browser: Browser, machine: int, body: int, token: str) -> str:
    response = browser.post(machine, "/don-vi/nhap/xac-nhan", follow_redirects=True, data={
        "csrf_token": browser.csrf(machine, "/don-vi/"), "token": token, "body_id": str(body)})
    return html(response)


def unit_names(db) -> set[str]:
    with db.session(readonly=True) as s:
        return set(s.scalars(select(Unit.name)))


def kept_rows(db, kind: str) -> int:
    with db.session(readonly=True) as s:
        return s.scalar(select(func.count()).where(KeptFile.kind == kind))


def other_user(db, username: str = "nguoi.khac", role: str = q.ROLE_DISTRICT, **more) -> None:
    with db.session() as s:
        q.save_user(s, username=username, role=role, password=PASSWORD, must_change=False,
                    **more)


# ---- the upload kept between an import's preview and its confirmation ----------------------

def test_an_import_previewed_on_one_machine_is_confirmed_on_another(machines):
    a, b = machines
    db = a.extensions["docgen_store"]
    browser = Browser(a, b)
    browser.sign_in(0)
    token = preview_import(browser, 0, ubnd(db), units_file(["Bản Máy A", "Bản Máy B"]))
    assert {"Bản Máy A", "Bản Máy B"}.isdisjoint(unit_names(db))  # the preview wrote nothing
    page = confirm_import(browser, 1, ubnd(db), token)
    assert "Đã nhập: thêm 2 đơn vị" in page, page[:2000]
    assert {"Bản Máy A", "Bản Máy B"} <= unit_names(db)
    assert kept_rows(db, kept_files.UPLOAD) == 0  # confirmed: forgotten
    for app in (a, b):  # nothing on either machine's disk
        assert not list((Path(app.instance_path) / "uploads").rglob("*"))


def test_another_user_does_not_find_the_upload(machines):
    a, b = machines
    db = a.extensions["docgen_store"]
    other_user(db)
    owner, other = Browser(a, b), Browser(a, b)
    owner.sign_in(0)
    other.sign_in(1, "nguoi.khac", PASSWORD)
    token = preview_import(owner, 0, ubnd(db), units_file(["Bản Của Chủ"]))
    page = confirm_import(other, 1, ubnd(db), token)
    assert "Không còn tệp đã tải lên; hãy chọn lại tệp Excel." in page
    assert "Bản Của Chủ" not in unit_names(db)
    assert "Đã nhập: thêm 1 đơn vị" in confirm_import(owner, 1, ubnd(db), token)  # still there


def test_an_expired_upload_is_not_found_and_is_swept(machines):
    a, b = machines
    db = a.extensions["docgen_store"]
    browser = Browser(a, b)
    browser.sign_in(0)
    old = preview_import(browser, 0, ubnd(db), units_file(["Bản Cũ"]))
    with db.session() as s:  # its time is up: the sweep has not run yet
        s.execute(update(KeptFile).where(KeptFile.key == old)
                  .values(expires=utcnow() - dt.timedelta(seconds=1)))
    assert "Không còn tệp đã tải lên" in confirm_import(browser, 1, ubnd(db), old)
    # A preview image past its time, and one still fresh: the next upload (on B) sweeps.
    kept_files.put(db, kept_files.PREVIEW, "het-han", b"PK", owner_id=None, keep_seconds=-1)
    kept_files.put(db, kept_files.PREVIEW, "con-han", b"PK", owner_id=None, keep_seconds=60)
    fresh = preview_import(browser, 1, ubnd(db), units_file(["Bản Mới"]))
    with db.session(readonly=True) as s:
        left = set(s.scalars(select(KeptFile.key)))
    assert left == {fresh, "con-han"}


def test_a_large_file_is_kept_in_pieces_and_read_whole_by_the_other_machine(machines):
    a, b = machines
    data = secrets.token_bytes(2 * kept_files.CHUNK + 12345)
    kept_files.put(a.extensions["docgen_store"], kept_files.UPLOAD, "lon", data, owner_id=1,
                   keep_seconds=60)
    db = b.extensions["docgen_store"]
    with db.session(readonly=True) as s:
        assert list(s.scalars(select(KeptFile.seq).where(KeptFile.key == "lon")
                              .order_by(KeptFile.seq))) == [0, 1, 2]
    assert kept_files.get(db, kept_files.UPLOAD, "lon", owner_id=1) == data
    assert kept_files.get(db, kept_files.UPLOAD, "lon", owner_id=2) is None  # not its owner
    assert kept_files.get(db, kept_files.UPLOAD, "lon", owner_id=None) is None
    assert [k.size for k in kept_files.owned(db, kept_files.UPLOAD, 1)] == [len(data)]
    kept_files.drop(db, kept_files.UPLOAD, "lon", owner_id=2)  # another's: nothing happens
    assert kept_files.get(db, kept_files.UPLOAD, "lon", owner_id=1) == data
    kept_files.drop(db, kept_files.UPLOAD, "lon", owner_id=1)
    assert kept_rows(db, kept_files.UPLOAD) == 0


def test_what_an_older_release_left_on_disk_is_deleted(tmp_path):
    """Uploads and previews were files in the instance folder: none is read any more, so
    starting the app deletes them (an upload may hold a list of people)."""
    instance = tmp_path / "machine-a"
    for name in ("uploads/1/0123456789abcdef0123456789abcdef.upload", "previews/abc-1.png",
                 "previews/abc.done"):
        (instance / name).parent.mkdir(parents=True, exist_ok=True)
        (instance / name).write_bytes(b"PK")
    app = make_app(instance, f"sqlite:///{tmp_path / 'shared.sqlite3'}", secrets.token_hex(32))
    try:
        browser = Browser(app)
        browser.sign_in(0)
        preview_import(browser, 0, ubnd(app.extensions["docgen_store"]), units_file(["Bản Y"]))
        assert not (instance / "uploads").exists() and not (instance / "previews").exists()
        assert (instance / "tmp").is_dir()
    finally:
        app.extensions["docgen_jobs"].stop(30)
        app.extensions["docgen_store"].dispose()


# ---- preview images ---------------------------------------------------------------------------

def draft(db) -> int:
    data = load_sample("decision")
    data.pop("number", None)
    with db.session() as s:
        return q.create_document(s, kind="decision", body_id=ubnd(db), data=data,
                                 created_by="admin", render=render_document).id


@pytest.mark.skipif(not (have("soffice") and have("pdftoppm")),
                    reason="LibreOffice and poppler-utils make the previews")
def test_a_preview_image_made_on_one_machine_is_served_by_another(machines):
    a, b = machines
    db = a.extensions["docgen_store"]
    doc_id = draft(db)
    with db.session() as s:
        commune = q.save_body(s, name="Ủy ban nhân dân xã Khác", abbreviation="UBND",
                              place="Khác", level="xã", commune="Xã Khác").id
    other_user(db, "vanthu.khac", q.ROLE_COMMUNE, body_id=commune)
    browser, clerk = Browser(a, b), Browser(a, b)
    browser.sign_in(0)
    clerk.sign_in(1, "vanthu.khac", PASSWORD)
    page = html(browser.get(0, f"/so-van-ban/{doc_id}"))  # A makes the images (its worker)
    urls = re.findall(r'<img src="([^"]+)" alt="Trang \d+ của văn bản">', page)
    assert len(urls) == 2
    served = [browser.get(1, url) for url in urls]  # B has no worker: kept ones, or a 503
    assert [r.status_code for r in served] == [200, 200]
    assert [r.mimetype for r in served] == ["image/png"] * 2
    assert all(r.data.startswith(b"\x89PNG") for r in served) and served[0].data != served[1].data
    assert [browser.get(0, url).data for url in urls] == [r.data for r in served]
    assert "<img" in html(browser.get(1, f"/so-van-ban/{doc_id}"))  # B's page, no job either
    assert kept_rows(db, kept_files.PREVIEW) == 1
    for machine in (0, 1):  # a clerk of another commune sees neither page nor image
        assert clerk.get(machine, urls[0]).status_code == 404
        assert clerk.get(machine, f"/so-van-ban/{doc_id}").status_code == 404


# ---- a database that refuses ------------------------------------------------------------------

def test_a_full_database_is_a_clear_message_and_keeps_nothing(tmp_path):
    """SQLite at its max_page_count answers SQLITE_FULL, as on a full disk."""
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    app = make_app(tmp_path / "machine-a", url, secrets.token_hex(32))
    db = app.extensions["docgen_store"]
    browser = Browser(app)
    browser.sign_in(0)
    body = ubnd(db)
    raw = db.engine.raw_connection()  # no free page left to reuse
    try:
        raw.driver_connection.execute("VACUUM")
    finally:
        raw.close()
    db.engine.dispose()

    @event.listens_for(db.engine, "connect")
    def at_its_limit(connection, _record):
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")

    try:
        response = browser.post(0, "/don-vi/nhap", content_type="multipart/form-data", data={
            "csrf_token": browser.csrf(0, "/don-vi/"), "body_id": str(body),
            "file": (io.BytesIO(units_file([f"Bản {i}" for i in range(3000)])), "d.xlsx")})
        assert response.status_code == 507
        assert ("Không lưu được tệp tải lên để xem trước: ổ đĩa của máy chủ đã đầy"
                in html(response))
        assert kept_rows(db, kept_files.UPLOAD) == 0
        assert browser.get(0, "/don-vi/").status_code == 200  # reading still works
    finally:
        event.remove(db.engine, "connect", at_its_limit)
        app.extensions["docgen_jobs"].stop(30)
        db.dispose()


def test_a_database_refusing_the_upload_is_a_clear_message(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    app = make_app(tmp_path / "machine-a", url, secrets.token_hex(32))
    db = app.extensions["docgen_store"]
    browser = Browser(app)
    browser.sign_in(0)
    with db.session() as s:  # a real refusal of the database, for this table only
        s.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON kept_file "
                       "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"))
    try:
        response = browser.post(0, "/don-vi/nhap", follow_redirects=True,
                                content_type="multipart/form-data", data={
                                    "csrf_token": browser.csrf(0, "/don-vi/"),
                                    "body_id": str(ubnd(db)),
                                    "file": (io.BytesIO(units_file(["Bản X"])), "d.xlsx")})
        assert response.status_code == 200
        assert ("Không lưu được tệp tải lên để xem trước: cơ sở dữ liệu của máy chủ đang lỗi "
                "hoặc không trả lời" in html(response))
    finally:
        app.extensions["docgen_jobs"].stop(30)
        db.dispose()
