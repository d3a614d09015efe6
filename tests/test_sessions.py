"""Sessions and sign-in: server-side sessions that sign-out, password changes, resets and
deactivation end; the 8-hour limit; `next` stays on this site; failures that reveal no
account; the per-address limit across processes; password hashes without werkzeug."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import subprocess
import sys
import textwrap
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import func, select, update
from werkzeug.security import generate_password_hash

from docgen import store as q
from helpers import ADMIN_PASSWORD, login

CLERK = "vanthu.namao"
CLERK_PASSWORD = "mat-khau-van-thu-xa-1"


@pytest.fixture
def clerk_id(db):
    with db.session() as s:
        ubnd = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
        body = q.save_body(s, name="Ủy ban nhân dân xã Na Mèo", abbreviation="UBND",
                           place="Na Mèo", parent_id=ubnd.id, level="xã", commune="Xã Na Mèo")
        return q.save_user(s, username=CLERK, role=q.ROLE_COMMUNE, body_id=body.id,
                           password=CLERK_PASSWORD, must_change=False).id


def signed_in(app, username="admin", password=ADMIN_PASSWORD):
    c = app.test_client()
    assert login(c, username, password).status_code == 302
    return c


def copy_of(app, client):
    """A second browser holding a copy of `client`'s session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def works(client) -> bool:
    response = client.get("/don-vi/")
    if response.status_code == 302:
        assert "/dang-nhap" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def token(client, url="/") -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]


def flashes(response) -> list[str]:
    return re.findall(r'<div class="flash [^"]*" role="status">(.*?)</div>',
                      response.get_data(as_text=True))


# ---- server-side sessions -------------------------------------------------------------------

def test_a_copied_cookie_stops_working_after_logout(app):
    browser = signed_in(app)
    thief = copy_of(app, browser)
    assert works(thief)
    browser.post("/dang-xuat", data={"csrf_token": token(browser)})
    assert not works(thief)
    assert not works(browser)


def test_signing_in_again_ends_the_session_it_replaces(app):
    browser = signed_in(app)
    copied = copy_of(app, browser)
    assert login(browser).status_code == 302
    assert works(browser) and not works(copied)


def test_logout_ends_the_users_other_sessions(app):
    office, home = signed_in(app), signed_in(app)
    office.post("/dang-xuat", data={"csrf_token": token(office)})
    assert not works(home)


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, clerk_id):
    here, elsewhere = signed_in(app, CLERK, CLERK_PASSWORD), signed_in(app, CLERK, CLERK_PASSWORD)
    copied = copy_of(app, elsewhere)
    done = here.post("/doi-mat-khau", data={"csrf_token": token(here, "/doi-mat-khau"),
                                             "old": CLERK_PASSWORD, "new": "mat-khau-moi-ne-1"})
    assert done.status_code == 302
    assert works(here)
    assert not works(elsewhere) and not works(copied)
    assert login(app.test_client(), CLERK, "mat-khau-moi-ne-1").status_code == 302


def test_an_administrators_reset_ends_the_users_sessions(app, client, clerk_id):
    clerk = signed_in(app, CLERK, CLERK_PASSWORD)
    client.post(f"/nguoi-dung/{clerk_id}/dat-lai-mat-khau", data={"csrf_token": token(client)})
    assert not works(clerk)
    assert works(client)


def test_a_reset_from_the_command_line_ends_the_users_sessions(app, clerk_id, runner,
                                                               monkeypatch):
    from docgen.cli import main
    clerk = signed_in(app, CLERK, CLERK_PASSWORD)
    monkeypatch.setenv("DOCGEN_INSTANCE", app.instance_path)
    monkeypatch.delenv("DOCGEN_DATABASE_URL", raising=False)
    assert runner.invoke(main, ["user", "reset", CLERK]).exit_code == 0
    assert not works(clerk)


def test_deactivating_a_user_ends_their_sessions_for_good(app, client, clerk_id, db):
    clerk = signed_in(app, CLERK, CLERK_PASSWORD)
    with db.session(readonly=True) as s:
        body_id = q.get_user(s, clerk_id).body_id
    fields = {"csrf_token": token(client), "username": CLERK, "full_name": "",
              "role": "commune", "body_id": str(body_id)}
    assert client.post(f"/nguoi-dung/{clerk_id}", data=fields).status_code == 302
    assert client.post(f"/nguoi-dung/{clerk_id}",
                       data={**fields, "active": "y"}).status_code == 302  # active again
    assert not works(clerk)  # the old cookie does not come back to life


def test_the_8_hour_limit_holds_for_an_active_user(app, client, db):
    from docgen.store.models import LoginSession, utcnow
    assert works(client)
    with db.session() as s:  # signed in 8 hours ago, used a moment ago
        s.execute(update(LoginSession).values(created_at=utcnow() - dt.timedelta(hours=8),
                                              last_seen=utcnow()))
    assert not works(client)
    assert any("quá 8 giờ" in m for m in flashes(client.get("/dang-nhap")))
    with db.session(readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(LoginSession)) == 0


def test_a_slow_read_finishing_after_a_post_does_not_drop_its_message(app):
    """A preview image or a download that was asked for before a form was sent, and answers
    after it, must not put back the older cookie: the form's message would be lost."""
    client = signed_in(app)
    csrf = token(client, "/mau-rieng/")  # the sign-in's own message has been shown
    before = client.get_cookie("session").value
    slow_read = copy_of(app, client)  # the image request, sent with the cookie of that moment
    response = client.post("/mau-rieng/mau-goc",
                           data={"csrf_token": csrf, "kind": "decision", "body_id": ""})
    assert response.status_code == 302
    assert client.get_cookie("session").value != before  # the message rides in the cookie
    late = slow_read.get("/don-vi/")
    assert late.status_code == 200
    assert "Set-Cookie" not in late.headers
    page = client.get(response.headers["Location"])
    assert any("mẫu gốc" in m for m in flashes(page))


def test_the_cookie_carries_only_a_token_and_expired_rows_are_swept(app, client, db):
    from docgen.store.models import LoginFailure, LoginSession, utcnow
    with client.session_transaction() as cookie:
        assert set(cookie) - {"csrf_token", "_flashes", "_permanent"} == {"sid"}
        key = hashlib.sha256(cookie["sid"].encode()).hexdigest()
    with db.session() as s:
        assert s.get(LoginSession, key) is not None  # only the token's hash is stored
        s.execute(update(LoginSession).values(last_seen=utcnow() - dt.timedelta(hours=2)))
        s.add(LoginFailure(address="10.9.9.9", at=utcnow() - dt.timedelta(hours=1)))
    signed_in(app)  # any sign-in sweeps
    with db.session(readonly=True) as s:
        assert s.get(LoginSession, key) is None
        assert s.scalar(select(func.count()).select_from(LoginSession)) == 1
        assert s.scalar(select(func.count()).select_from(LoginFailure)) == 0


# ---- the redirect after signing in ----------------------------------------------------------

SITE = "http://localhost/dang-nhap"


def browser_resolve(location: str) -> str:
    """Where a browser goes for `location` (WHATWG URL parsing: leading and trailing C0
    controls and spaces stripped, tabs and newlines dropped, "\\" read as "/")."""
    text = location.strip("".join(map(chr, range(0x21))))
    text = re.sub(r"[\t\n\r]", "", text).replace("\\", "/")
    return urljoin(SITE, text)


HOSTILE_NEXT = [  # as they appear in a link's query string
    "//evil.example/x", "%2F%2Fevil.example", "///evil.example", "/%2F/evil.example",
    "/%09/evil.example", "/%0A/evil.example", "/%0D/evil.example", "%09//evil.example",
    "%20//evil.example", "/%20/evil.example", "/%5Cevil.example", "%5C%5Cevil.example",
    "/%5C/evil.example", "/%E3%80%80/evil.example", "/%00/evil.example",
    "/%252F%252Fevil.example", "/%255Cevil.example", "/%2509/evil.example",
    "https://evil.example", "https:evil.example", "http:/evil.example", "javascript:alert(1)",
    "evil.example", "/%0D%0ASet-Cookie:%20x=1",
]


def sign_in_to(app, raw_next: str):
    c = app.test_client()
    return c.post(f"/dang-nhap?next={raw_next}",
                  data={"csrf_token": token(c, "/dang-nhap"), "username": "admin",
                        "password": ADMIN_PASSWORD})


@pytest.mark.parametrize("raw", HOSTILE_NEXT)
def test_next_never_leaves_this_site(app, raw):
    response = sign_in_to(app, raw)
    assert response.status_code == 302
    location = response.headers["Location"]
    resolved = urlsplit(browser_resolve(location))
    assert (resolved.scheme, resolved.netloc) == ("http", "localhost"), location
    assert location == "/"  # not a path a browser or proxy could read another way


@pytest.mark.parametrize("raw, location", [
    ("/don-vi/", "/don-vi/"),
    ("%2Fso-van-ban%2F%3Fyear%3D2022%26body%3D1", "/so-van-ban/?year=2022&body=1"),
])
def test_next_keeps_a_path_of_this_site(app, raw, location):
    assert sign_in_to(app, raw).headers["Location"] == location


# ---- failures reveal no account -------------------------------------------------------------

def test_unknown_wrong_and_locked_give_the_same_answer(app, clerk_id):
    def attempt(username, password):
        response = login(app.test_client(), username, password)
        return response.status_code, flashes(response)

    unknown = attempt("khong.co.ai", "mat-khau-bat-ky-1")
    wrong = attempt(CLERK, "mat-khau-bat-ky-1")
    for _ in range(4):
        attempt(CLERK, "mat-khau-bat-ky-1")
    locked = attempt(CLERK, CLERK_PASSWORD)  # the right password, on a locked account
    assert unknown == wrong == locked
    assert unknown[0] == 401 and "Tên đăng nhập hoặc mật khẩu không đúng" in unknown[1][0]


def test_every_failure_checks_one_full_cost_hash(app, clerk_id, monkeypatch):
    costs = []
    real = hashlib.scrypt

    def counted(password, *, salt, n, r, p, **kw):  # a spy: the real hash still runs
        costs.append(n)
        return real(password, salt=salt, n=n, r=r, p=p, **kw)

    monkeypatch.setattr(hashlib, "scrypt", counted)

    def hashes_checked(username, password):
        del costs[:]
        assert login(app.test_client(), username, password).status_code == 401
        return list(costs)

    assert hashes_checked("khong.co.ai", CLERK_PASSWORD) == [32768]  # unknown
    for _ in range(5):
        assert hashes_checked(CLERK, "mat-khau-bat-ky-1") == [32768]  # wrong, then locked
    assert hashes_checked(CLERK, CLERK_PASSWORD) == [32768]  # locked


# ---- the per-address limit is in the database -----------------------------------------------

FAIL_FROM = textwrap.dedent("""
    import json, re, sys
    from webform import create_app
    app = create_app({"TESTING": True, "INSTANCE_PATH": sys.argv[1], "SEED": False})
    statuses = []
    for username, password in json.loads(sys.argv[2]):
        c = app.test_client()
        page = c.get("/dang-nhap").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
        statuses.append(c.post("/dang-nhap", environ_base={"REMOTE_ADDR": "10.1.2.3"},
                               data={"csrf_token": token, "username": username,
                                     "password": password}).status_code)
    print(json.dumps(statuses))
""")


def attempts_in_another_process(app, attempts: list[tuple[str, str]]) -> list[int]:
    """Sign-in attempts (username, password) from 10.1.2.3 in a fresh process on the same
    database."""
    done = subprocess.run([sys.executable, "-c", FAIL_FROM, app.instance_path,
                           json.dumps(attempts)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_address_limit_holds_across_processes_and_restarts(app, tmp_path):
    from webform import create_app
    twin = create_app({"TESTING": True, "INSTANCE_PATH": app.instance_path, "SEED": False})

    def here(instance, username, password):
        c = instance.test_client()
        return c.post("/dang-nhap", environ_base={"REMOTE_ADDR": "10.1.2.3"},
                      data={"csrf_token": token(c, "/dang-nhap"), "username": username,
                            "password": password}).status_code

    guess = ("khong.co.ai", "sai-mat-khau-1")  # unknown names: no account gets locked
    assert attempts_in_another_process(app, [guess] * 8) == [401] * 8
    assert [here(app, *guess) for _ in range(6)] == [401] * 6
    assert [here(twin, *guess) for _ in range(6)] == [401] * 6
    # 20 failures from 10.1.2.3: blocked in every process, and after a restart.
    assert here(app, "admin", ADMIN_PASSWORD) == 429
    assert here(twin, "admin", ADMIN_PASSWORD) == 429
    assert attempts_in_another_process(app, [("admin", ADMIN_PASSWORD)]) == [429]
    assert login(app.test_client()).status_code == 302  # another address is not blocked


# ---- password hashes without werkzeug in the core -------------------------------------------

@pytest.mark.parametrize("method", ["scrypt", "pbkdf2"])
def test_werkzeug_hashes_verify_and_are_upgraded_at_sign_in(app, db, clerk_id, method):
    from docgen.store.models import User
    old = generate_password_hash(CLERK_PASSWORD, method=method)
    assert old.startswith(f"{method}:")
    with db.session() as s:
        s.get(User, clerk_id).password_hash = old
    assert login(app.test_client(), CLERK, "sai-mat-khau-roi").status_code == 401
    with db.session(readonly=True) as s:
        assert s.get(User, clerk_id).password_hash == old  # a failure changes no hash
    assert login(app.test_client(), CLERK, CLERK_PASSWORD).status_code == 302
    with db.session(readonly=True) as s:
        new = s.get(User, clerk_id).password_hash
    assert new.startswith("$scrypt$v=1$ln=15,r=8,p=1$")
    assert login(app.test_client(), CLERK, CLERK_PASSWORD).status_code == 302
    with db.session(readonly=True) as s:
        assert s.get(User, clerk_id).password_hash == new  # upgraded once


def test_the_core_imports_no_werkzeug():
    code = textwrap.dedent("""
        import importlib, pkgutil, sys
        import docgen
        for info in pkgutil.walk_packages(docgen.__path__, "docgen."):
            if info.name.endswith("__main__"):
                continue
            try:
                importlib.import_module(info.name)
            except ModuleNotFoundError as exc:  # LibreOffice's "uno", only inside its worker
                assert exc.name == "uno", exc
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("werkzeug", "flask")))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
