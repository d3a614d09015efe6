"""Accounts and roles: sign-in, lock-out, first run, session expiry, what each role may
see and do on every route, the audit trail and the security headers."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest

from docgen import render_document, store as q
from helpers import login

CLERK_PASSWORD = "mat-khau-van-thu-xa-1"


def csrf(client, url="/"):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]


@pytest.fixture
def world(db):
    """The sample's commune of Na Mèo with a clerk and a viewer, and a district document."""
    with db.session() as s:
        ubnd = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
        commune = next(b for b in q.list_bodies(s) if b.name == "Ủy ban nhân dân xã Na Mèo")
        q.save_user(s, username="vanthu.namao", role=q.ROLE_COMMUNE, body_id=commune.id,
                    password=CLERK_PASSWORD, must_change=False)
        q.save_user(s, username="xem", role=q.ROLE_VIEWER, password=CLERK_PASSWORD,
                    must_change=False)
        units = q.list_units(s)
        inside = next(u for u in units if u.name == "Bản Na Mèo")
        outside = next(u for u in units if u.name == "Xã Sơn Hà")  # the district's
        data, _, _ = q.decision_input(s, ubnd.id, 2022)
        doc = q.create_document(s, kind="decision", body_id=ubnd.id, data=data,
                                created_by="admin", render=render_document)
        signer = q.list_signers(s, ubnd.id)[0]
        admin = q.find_user(s, "admin")
        return {"ubnd": ubnd.id, "commune": commune.id, "inside": inside.id,
                "outside": outside.id, "doc": doc.id, "signer": signer.id, "admin": admin.id}


@pytest.fixture
def clerk(app, world):
    c = app.test_client()
    assert login(c, "vanthu.namao", CLERK_PASSWORD).status_code == 302
    return c


@pytest.fixture
def viewer(app, world):
    c = app.test_client()
    assert login(c, "xem", CLERK_PASSWORD).status_code == 302
    return c


def routes(app, methods: set[str]):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or not (rule.methods & methods):
            continue
        yield rule


OUT_OF_SCOPE = {"body_id": "ubnd", "unit_id": "outside", "doc_id": "doc", "signer_id": "signer",
                "user_id": "admin", "page": None}


def url_for_rule(rule, world, override=None) -> str | None:
    values = dict(rule.defaults or {})
    for arg in set(rule.arguments) - set(rule.defaults or {}):
        key = (override or OUT_OF_SCOPE).get(arg)
        values[arg] = 1 if key is None else world[key]
    try:
        return rule.build(values)[1]
    except Exception:
        return None


def test_anonymous_visitors_are_sent_to_the_login_page(app, anonymous):
    for rule in routes(app, {"GET"}):
        if rule.endpoint == "auth.login":
            continue
        url = url_for_rule(rule, {k: 1 for k in ("ubnd", "outside", "doc", "signer", "admin")})
        response = anonymous.get(url)
        assert response.status_code == 302, url
        assert "/dang-nhap" in response.headers["Location"], url


def test_anonymous_posts_change_nothing(app, anonymous):
    for rule in routes(app, {"POST"}):
        url = url_for_rule(rule, {k: 1 for k in ("ubnd", "outside", "doc", "signer", "admin")})
        response = anonymous.post(url, data={})
        assert response.status_code in (302, 400), url  # login page, or CSRF refusal


def test_wrong_password_then_lock_out(app, anonymous):
    for _ in range(4):
        response = login(anonymous, "admin", "sai-mat-khau-roi")
        assert response.status_code == 401
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)
    login(anonymous, "admin", "sai-mat-khau-roi")
    locked = login(anonymous)  # even the right password waits out the lock
    assert locked.status_code == 401 and "tạm khóa" in locked.get_data(as_text=True)


def test_unknown_user_gets_the_same_message(anonymous):
    response = login(anonymous, "khong.co.ai", "mat-khau-bat-ky-1")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)


def test_login_never_redirects_off_site(app, anonymous):
    page = anonymous.get("/dang-nhap?next=//evil.example/x").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    response = anonymous.post("/dang-nhap?next=//evil.example/x",
                              data={"csrf_token": token, "username": "admin",
                                    "password": "mat-khau-quan-tri-thu-nghiem"})
    assert response.headers["Location"] == "/"


def test_first_run_prints_a_one_time_password_that_must_be_changed(tmp_path, capsys):
    from webform import create_app
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "first")})
    printed = capsys.readouterr().out
    password = re.search(r"mật khẩu dùng một lần: (\S+)", printed)[1]
    c = app.test_client()
    assert login(c, "admin", password).status_code == 302
    response = c.get("/don-vi/")
    assert response.status_code == 302 and "/doi-mat-khau" in response.headers["Location"]
    token = csrf(c, "/doi-mat-khau")
    short = c.post("/doi-mat-khau", data={"csrf_token": token, "old": password, "new": "ngan"})
    assert "ít nhất 10 ký tự" in short.get_data(as_text=True)
    done = c.post("/doi-mat-khau", data={"csrf_token": token, "old": password,
                                         "new": "mat-khau-moi-cua-toi"})
    assert done.status_code == 302
    assert c.get("/don-vi/").status_code == 200
    app2 = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "first")})
    assert app2 and "mật khẩu dùng một lần" not in capsys.readouterr().out


def test_an_idle_session_expires(client, db):
    from sqlalchemy import update

    from docgen.store.models import LoginSession, utcnow
    with db.session() as s:  # the idle clock lives in the database, not in the cookie
        s.execute(update(LoginSession).values(last_seen=utcnow() - dt.timedelta(hours=2)))
    response = client.get("/don-vi/")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]
    assert "60 phút không dùng" in client.get("/dang-nhap").get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(app):
    c = app.test_client()
    response = login(c)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_security_headers_on_every_page(client):
    for url in ("/", "/don-vi/", "/so-van-ban/", "/dang-nhap"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_scripts_or_styles(client):
    for url in ("/", "/co-quan/", "/don-vi/", "/danh-gia/?year=2022", "/van-ban/",
                "/van-ban/decision/moi?body=1&year=2022", "/so-van-ban/", "/cam-ket/",
                "/nguoi-dung/", "/nhat-ky/"):
        page = client.get(url).get_data(as_text=True)
        assert "<script" not in page and ' style="' not in page and " onclick=" not in page, url


# ---- a commune clerk sees only their commune -------------------------------------------------

def test_commune_clerk_gets_404_for_every_route_naming_another_communes_record(app, clerk,
                                                                              world):
    token = csrf(clerk)
    checked = 0
    for rule in routes(app, {"GET", "POST"}):
        params = set(rule.arguments) - set(rule.defaults or {})
        if not params & (set(OUT_OF_SCOPE) - {"page"}):
            continue
        url = url_for_rule(rule, world)
        if "GET" in rule.methods:
            assert clerk.get(url).status_code == 404, url
        if "POST" in rule.methods:
            assert clerk.post(url, data={"csrf_token": token}).status_code == 404, url
        checked += 1
    assert checked >= 15


def test_commune_clerk_lists_show_only_their_commune(clerk, world):
    units = clerk.get("/don-vi/").get_data(as_text=True)
    assert "Bản Na Mèo" in units and "Xã Sơn Hà" not in units and "Trường THCS Sơn Lư" not in units
    register = clerk.get("/so-van-ban/").get_data(as_text=True)
    assert f"/so-van-ban/{world['doc']}" not in register
    bodies = clerk.get("/co-quan/").get_data(as_text=True)
    assert "Ủy ban nhân dân xã Na Mèo" in bodies and "Công an xã Na Mèo" in bodies
    # No district body is listed (the district's names appear only as the bodies above).
    assert f'href="/co-quan/{world["ubnd"]}"' not in bodies and 'href="/co-quan/3"' not in bodies
    batch = clerk.get("/cam-ket/").get_data(as_text=True)
    assert "Bản Na Mèo" in batch and "Khu phố Sơn Lư 1" not in batch
    listed = openpyxl.load_workbook(io.BytesIO(clerk.get("/dang-ky/danh-sach.xlsx").data))
    names = {row[1] for row in listed["Danh sách"].iter_rows(min_row=2, values_only=True)}
    assert "Bản Na Mèo" in names and "Xã Sơn Hà" not in names and "Khu phố Sơn Lư 1" not in names
    assert clerk.get(f"/dang-ky/danh-sach.xlsx?body={world['ubnd']}").status_code == 404
    assert clerk.get(f"/danh-gia/?body={world['ubnd']}").status_code == 404
    assert clerk.get("/nguoi-dung/").status_code == 404
    assert clerk.get("/nhat-ky/").status_code == 404


def test_commune_clerk_can_work_on_their_own_commune(clerk, world):
    assert clerk.get(f"/don-vi/{world['inside']}").status_code == 200
    assert clerk.get(f"/co-quan/{world['commune']}").status_code == 200
    token = csrf(clerk, "/don-vi/moi")
    response = clerk.post("/don-vi/moi", data={"csrf_token": token, "name": "Bản Poọng",
                                               "kind": "khu_dan_cu",
                                               "body_id": str(world["commune"]),
                                               "commune": "Xã Na Mèo", "note": ""})
    assert response.status_code == 302
    refused = clerk.post("/don-vi/moi", data={"csrf_token": token, "name": "Bản Lạ",
                                              "kind": "khu_dan_cu", "body_id": str(world["ubnd"])})
    assert refused.status_code == 422 and "trong danh sách" in refused.get_data(as_text=True)


def test_commune_clerk_import_cannot_write_into_the_district(clerk, world):
    book = openpyxl.Workbook()
    book.active.append(["Tên đơn vị", "Loại hình", "Cơ quan đánh giá", "Ghi chú"])
    book.active.append(["Bản Mới", "Khu dân cư", "", ""])
    book.active.append(["Xã Sơn Hà", "Xã, thị trấn", "Ủy ban nhân dân huyện Quan Sơn",
                        "đổi ghi chú"])
    book.active.append(["Bản Khác", "Khu dân cư", "Ủy ban nhân dân huyện Quan Sơn", ""])
    data = io.BytesIO()
    book.save(data)
    token = csrf(clerk, "/don-vi/")
    page = clerk.post("/don-vi/nhap", data={"csrf_token": token, "body_id": str(world["commune"]),
                                            "file": (io.BytesIO(data.getvalue()), "x.xlsx")},
                      content_type="multipart/form-data").get_data(as_text=True)
    assert "1</b> dòng sẽ được thêm" in page
    assert "không thuộc phạm vi tài khoản" in page


# ---- a viewer reads and downloads only ------------------------------------------------------

def test_viewer_can_read_and_download(viewer, world):
    assert viewer.get("/don-vi/").status_code == 200
    assert viewer.get(f"/so-van-ban/{world['doc']}").status_code == 200
    assert viewer.get(f"/so-van-ban/{world['doc']}/tai-ve.docx").status_code == 200


def test_viewer_cannot_change_anything_on_any_route(app, viewer, world):
    token = csrf(viewer)
    inside = {"body_id": "ubnd", "unit_id": "inside", "doc_id": "doc", "signer_id": "signer",
              "user_id": "admin"}
    for rule in routes(app, {"POST"}):
        if rule.endpoint in ("auth.logout", "auth.password", "auth.login"):
            continue
        url = url_for_rule(rule, world, inside)
        assert viewer.post(url, data={"csrf_token": token}).status_code in (403, 404), url


# ---- the district manages users and sees the audit trail -------------------------------------

def test_district_creates_a_user_with_a_one_time_password(client, world):
    token = csrf(client, "/nguoi-dung/moi")
    bad = client.post("/nguoi-dung/moi", data={"csrf_token": token, "username": "a!",
                                               "role": "district", "body_id": ""})
    assert bad.status_code == 422 and "Tên đăng nhập gồm" in bad.get_data(as_text=True)
    bad = client.post("/nguoi-dung/moi", data={"csrf_token": token, "username": "Văn thư",
                                               "role": "commune", "body_id": ""})
    assert bad.status_code == 422 and "cần gắn với cơ quan" in bad.get_data(as_text=True)
    response = client.post("/nguoi-dung/moi", data={
        "csrf_token": token, "username": "vanthu.sonthuy", "full_name": "Hà Thị Thu",
        "role": "commune", "body_id": str(world["commune"]), "active": "y"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    password = re.search(r"chỉ hiện lần này\): (\S+)</div>", page)[1]
    other = client.application.test_client()
    assert login(other, "vanthu.sonthuy", password).status_code == 302
    assert other.get("/don-vi/").headers["Location"].endswith("/doi-mat-khau")


def test_audit_trail_records_who_did_what(client, world):
    client.get(f"/so-van-ban/{world['doc']}/tai-ve.docx")
    token = csrf(client, f"/so-van-ban/{world['doc']}")
    client.post(f"/so-van-ban/{world['doc']}/cap-so", data={  # past the sample's report
        "csrf_token": token, "issued_on": "2023-02-10", "confirm": "2023-02-10"})
    page = client.get("/nhat-ky/").get_data(as_text=True)
    for action in ("đăng nhập", "tải văn bản", "cấp số"):
        assert f"<td>{action}</td>" in page
    book = openpyxl.load_workbook(io.BytesIO(client.get("/nhat-ky/xuat.xlsx").data))
    actions = [row[2].value for row in book.active.iter_rows(min_row=2)]
    assert "cấp số" in actions


def test_download_names_are_vietnamese_rfc6266(client, world):
    token = csrf(client, f"/so-van-ban/{world['doc']}")
    client.post(f"/so-van-ban/{world['doc']}/cap-so", data={  # past the sample's report
        "csrf_token": token, "issued_on": "2023-02-10", "confirm": "2023-02-10"})
    header = client.get(f"/so-van-ban/{world['doc']}/tai-ve.docx").headers["Content-Disposition"]
    assert "filename*=UTF-8''" in header
    assert "Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh" in header  # "Quyết định"
    assert "/" not in header.split("filename*=")[1].replace("UTF-8''", "")


def test_cli_user_add_reset_and_list(runner, tmp_path, monkeypatch):
    from docgen.cli import main
    monkeypatch.setenv("DOCGEN_INSTANCE", str(tmp_path / "inst"))
    added = runner.invoke(main, ["user", "add", "vanthu.trungha", "--role", "viewer",
                                 "--name", "Lò Thị Xuân"])
    assert added.exit_code == 0, added.output
    password = re.search(r"Mật khẩu dùng một lần: (\S+)", added.output)[1]
    from webform import create_app
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "inst"), "SEED": False})
    assert login(app.test_client(), "vanthu.trungha", password).status_code == 302
    reset = runner.invoke(main, ["user", "reset", "vanthu.trungha"])
    assert reset.exit_code == 0 and password not in reset.output
    listed = runner.invoke(main, ["user", "list"])
    assert "vanthu.trungha\tChỉ xem và tải về" in listed.output
    bad = runner.invoke(main, ["user", "add", "x"])
    assert bad.exit_code == 2 and "Tên đăng nhập gồm" in bad.output
    missing = runner.invoke(main, ["user", "reset", "khong.co"])
    assert missing.exit_code == 2 and "Không có tài khoản" in missing.output
