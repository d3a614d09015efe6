"""The commune boundary: no sequence of a commune clerk's requests widens what they reach;
saving a unit never moves it silently; a draft links units only within its author's scope;
every route answers 404 to another commune's ids and to ids too large for the database, in
paths, query strings and form fields — on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import re
import time
from html.parser import HTMLParser

import openpyxl
import pytest
from sqlalchemy import select

from docgen import render_document, store as q
from docgen.errors import InputError, UserError
from helpers import ADMIN_PASSWORD, full_text, login

PASSWORD = "mat-khau-van-thu-xa-1"
# Words only the other commune (Kín Đáo) and the district may see; none is in the samples.
SECRETS = ("Kín Đáo", "Khuất Nẻo")
HUGE = ("9223372036854775808", "99999999999999999999", "2147483648")
SELF_SERVICE = {"static", "auth.login", "auth.logout", "auth.password"}
ID_ARGS = {"body_id": "b_body", "unit_id": "b_unit", "doc_id": "b_doc", "signer_id": "b_signer",
           "user_id": "b_clerk", "job_id": "b_job"}
# Pages whose query string names a body: another commune's (or an impossible) id is a 404.
BODY_QUERY_PAGES = ("/don-vi/", "/don-vi/xuat.xlsx", "/danh-gia/", "/danh-gia/xuat.xlsx",
                    "/van-ban/decision/moi", "/so-van-ban/", "/so-van-ban/xuat.xlsx",
                    "/dang-ky/danh-sach.xlsx")


# ---- the world: the district, commune A (Na Mèo, our clerk) and commune B (Kín Đáo) ----------

def make_app(tmp_path, url: str | None = None):
    from webform import create_app
    config = {"TESTING": True, "WTF_CSRF_ENABLED": True, "ADMIN_PASSWORD": ADMIN_PASSWORD,
              "INSTANCE_PATH": str(tmp_path / "instance")}
    if url:
        fresh = q.Store(url)
        q.Base.metadata.drop_all(fresh.engine)
        fresh.dispose()
        config["DATABASE_URL"] = url
    return create_app(config)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request, tmp_path):
    """The app on a SQLite file, then on a new database of the throw-away PostgreSQL server."""
    url = request.getfixturevalue("postgres_database")() if request.param == "postgresql" \
        else None
    app = make_app(tmp_path, url)
    yield app
    app.extensions["docgen_jobs"].stop(30)  # its job worker, before its database is dropped
    app.extensions["docgen_store"].dispose()


def build_world(app) -> dict:
    db = app.extensions["docgen_store"]
    with db.session() as s:
        district = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
        # The sample's commune of Na Mèo and its police; another commune made here.
        a = next(b for b in q.list_bodies(s) if b.name == "Ủy ban nhân dân xã Na Mèo")
        police = next(b for b in q.list_bodies(s) if b.name == "Công an xã Na Mèo")
        b = q.save_body(s, name="Ủy ban nhân dân xã Kín Đáo", abbreviation="UBND",
                        place="Kín Đáo", parent_id=district.id, level="xã",
                        commune="Xã Kín Đáo")
        b_signer = q.save_signer(s, body_id=b.id, name="Lường Văn Kín Đáo", position="Chủ tịch")
        own = q.save_unit(s, name="Bản Poọng", kind="khu_dan_cu", body_id=a.id,
                          commune="Xã Na Mèo")
        b_unit = q.save_unit(s, name="Bản Kín Đáo", kind="khu_dan_cu", body_id=b.id,
                             commune="Xã Kín Đáo", note="Ghi chú Kín Đáo")
        hidden = q.save_unit(s, name="Bản Khuất Nẻo", kind="khu_dan_cu", body_id=district.id,
                             commune="Xã Kín Đáo", note="Ghi chú Khuất Nẻo")
        q.save_household(s, unit_id=b_unit.id, full_name="Hộ Kín Đáo", birth_year=1970,
                          year=2022)
        for unit in (own, b_unit, hidden):
            q.save_assessment(s, unit.id, 2022, reviewed_score=80, safe=True, decided="kha",
                              reason="Lý do Kín Đáo" if unit is not own else "")
        users = {}
        for name, body, role in (("vanthu.namao", a, q.ROLE_COMMUNE),
                                 ("vanthu.kindao", b, q.ROLE_COMMUNE),
                                 ("xem.namao", a, q.ROLE_VIEWER)):
            users[name] = q.save_user(s, username=name, role=role, body_id=body.id,
                                      password=PASSWORD, must_change=False).id
        docs = {}
        for key, body in (("d_doc", district), ("b_doc", b), ("a_doc", a)):
            data = q.decision_input(s, body.id, 2022).data
            docs[key] = q.create_document(s, kind="decision", body_id=body.id, data=data,
                                          created_by="admin", render=render_document).id
        # A unit the district assesses in the commune of Na Mèo.
        inside = next(u for u in q.list_units(s) if u.name == "Trường PTDTBT THCS Na Mèo")
        return {"district": district.id, "a_body": a.id, "a_police": police.id, "b_body": b.id,
                "b_signer": b_signer.id, "own": own.id, "b_unit": b_unit.id,
                "hidden": hidden.id, "inside": inside.id, "b_clerk": users["vanthu.kindao"],
                **docs}


@pytest.fixture
def world(app):
    return build_world(app)


def signed_in(app, username: str, password: str = PASSWORD):
    client = app.test_client()
    assert login(client, username, password).status_code == 302
    return client


def csrf(client, url: str = "/") -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).text)[1]


def shown(response) -> str:
    """What a response shows a person: the page's text, a workbook's cells, a DOCX's text."""
    kind = response.mimetype or ""
    if kind.endswith("spreadsheetml.sheet"):
        book = openpyxl.load_workbook(io.BytesIO(response.data))
        return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True)
                         for v in row if v is not None)
    if kind.endswith("wordprocessingml.document"):
        return full_text(response.data)
    return response.get_data(as_text=True) if kind.startswith("text/") else ""


def no_secret(text: str, where: str) -> None:
    for word in SECRETS:
        assert word not in text, f"{where} shows «{word}» of another commune"


# ---- what a user reaches, and the state of everything outside it ------------------------------

def reach(app, username: str) -> tuple[set, set, set]:
    """The ids of the bodies, units and documents `username` may see, as the app decides."""
    with app.extensions["docgen_store"].session(readonly=True) as s:
        scope = q.scope_for(s, q.find_user(s, username))
        return ({b.id for b in q.list_bodies(s) if scope.body(b.id)},
                {u.id for u in q.list_units(s) if scope.unit(u)},
                {d.id for d in q.list_documents(s) if scope.document(d)})


OUTSIDE = {"body": ("id", 0), "unit": ("id", 1), "document": ("id", 2),
           "signer": ("body_id", 0), "assessment": ("unit_id", 1), "household": ("unit_id", 1),
           "document_unit": ("unit_id", 1), "body_seal": ("body_id", 0),
           "document_signature": ("document_id", 2)}


def outside(app, reached: tuple[set, set, set]) -> dict:
    """Every row outside `reached` (documents without their file, users without passwords)."""
    tables = q.Base.metadata.tables
    state = {}
    with app.extensions["docgen_store"].engine.connect() as c:
        for name, (column, which) in OUTSIDE.items():
            cols = [col for col in tables[name].c if col.name not in ("docx", "updated_at")]
            state[name] = {tuple(row) for row in c.execute(select(*cols))
                           if row._mapping[column] not in reached[which]}
        users = tables["app_user"].c
        state["app_user"] = set(c.execute(select(users.id, users.username, users.role,
                                                 users.body_id, users.active)))
    return state


# ---- 1. a clerk cannot widen their own scope ------------------------------------------------

def test_no_sequence_of_clerk_requests_changes_what_the_clerk_reaches(app, world):
    clerk = signed_in(app, "vanthu.namao")
    before = reach(app, "vanthu.namao")
    frozen = outside(app, before)
    token = csrf(clerk)
    a, b, district = world["a_body"], world["b_body"], world["district"]
    body_form = {"csrf_token": token, "name": "Ủy ban nhân dân xã Na Mèo", "abbreviation": "UBND",
                 "place": "Na Mèo", "superior": "", "level": "xã", "commune": "Xã Na Mèo",
                 "proposer": "", "parent_id": str(district)}
    hostile_bodies = [
        {"commune": "Xã Kín Đáo"}, {"commune": ""}, {"place": "Quan Sơn"},
        {"parent_id": str(b)}, {"parent_id": ""}, {"parent_id": "99999999999999999999"},
        {"parent_id": "123456"},
        {"name": "Ủy ban nhân dân xã Kín Đáo"},
        {"commune": "Xã Kín Đáo", "place": "Kín Đáo", "parent_id": str(b)},
    ]
    for change in hostile_bodies:
        response = clerk.post(f"/co-quan/{a}", data={**body_form, **change})
        assert response.status_code == 422, change
        assert "chỉ tài khoản cấp huyện được thay đổi" in response.text, change
    refused = clerk.post(f"/co-quan/{a}", data={**body_form, "commune": "Xã Kín Đáo",
                                                "place": "Kín Đáo"}).text
    assert "Thuộc xã, phường (với cơ quan cấp xã): chỉ tài khoản cấp huyện" in refused
    assert "Địa danh: chỉ tài khoản cấp huyện" in refused
    # A child body cannot be hung under another commune, nor a new body created anywhere.
    police = {**body_form, "name": "Công an xã Na Mèo", "abbreviation": "CAX",
              "parent_id": str(a)}
    assert clerk.post(f"/co-quan/{world['a_police']}",
                      data={**police, "parent_id": str(b)}).status_code == 422
    for parent in (a, b, district):
        assert clerk.post("/co-quan/moi", data={**police, "parent_id": str(parent)}
                          ).status_code == 404
    assert clerk.post(f"/co-quan/{b}", data={**body_form, "name": "x"}).status_code == 404
    # Units: none moves into or out of the clerk's bodies, none changes commune across.
    unit_form = {"csrf_token": token, "name": "Bản Na Mèo", "kind": "khu_dan_cu",
                 "commune": "Xã Na Mèo", "note": "", "body_id": str(district)}
    for change in ({"body_id": str(a)}, {"commune": "Xã Kín Đáo"}, {"commune": ""},
                   {"name": "Bản Khuất Nẻo"}, {"body_id": str(b)}):
        response = clerk.post(f"/don-vi/{world['inside']}", data={**unit_form, **change})
        assert response.status_code == 422, change
    own = {**unit_form, "name": "Bản Poọng", "body_id": str(a)}
    for target in (district, b, "9223372036854775808"):
        assert clerk.post(f"/don-vi/{world['own']}",
                          data={**own, "body_id": str(target)}).status_code == 422
        assert clerk.post("/don-vi/moi", data={**own, "name": "Bản Mới",
                                               "body_id": str(target)}).status_code == 422
    for unit in ("b_unit", "hidden"):
        assert clerk.post(f"/don-vi/{world[unit]}", data=own).status_code == 404
        assert clerk.post(f"/don-vi/{world[unit]}/xoa", data={"csrf_token": token}
                          ).status_code == 404
    # Hidden form fields naming another commune's records.
    assert clerk.post("/danh-gia/", data={"csrf_token": token, "body": str(b), "year": "2022",
                                          f"a-{world['b_unit']}-note": "x"}).status_code == 404
    assert clerk.post("/danh-gia/", data={"csrf_token": token, "body": str(a), "year": "2022",
                                          f"a-{world['hidden']}-note": "x"}).status_code == 404
    assert clerk.post("/don-vi/nhap", data={"csrf_token": token, "body_id": str(b)}
                      ).status_code == 404
    assert clerk.post("/don-vi/nhap/xac-nhan", data={"csrf_token": token, "token": "x",
                                                     "body_id": str(b)}).status_code == 404
    # What the clerk may do still works, and changes nothing of their reach either.
    allowed = {**body_form, "superior": "Huyện Quan Sơn"}
    for name in ("name", "place", "commune", "parent_id"):
        allowed.pop(name)  # read-only fields: the browser does not send them
    assert clerk.post(f"/co-quan/{a}", data=allowed).status_code == 302
    assert clerk.post(f"/don-vi/{world['own']}", data={**own, "commune": "Xã Kín Đáo"}
                      ).status_code == 302
    assert reach(app, "vanthu.namao") == before
    assert outside(app, before) == frozen


def test_the_body_form_shows_scope_fields_read_only_to_a_clerk(app, world):
    clerk = signed_in(app, "vanthu.namao")
    fields = form_fields(clerk.get(f"/co-quan/{world['a_body']}").text)
    for name in ("name", "place", "commune", "parent_id"):
        assert name in fields.disabled, name
    assert "abbreviation" in fields.values and "superior" in fields.values
    admin = signed_in(app, "admin", ADMIN_PASSWORD)
    assert not form_fields(admin.get(f"/co-quan/{world['a_body']}").text).disabled


def test_the_core_refuses_a_commune_scope_change_whatever_the_caller(app, world):
    db = app.extensions["docgen_store"]
    with db.session() as s:
        scope = q.scope_for(s, q.find_user(s, "vanthu.namao"))
        body = q.get_body(s, world["a_body"])
        values = {"name": body.name, "abbreviation": body.abbreviation, "place": body.place,
                  "level": body.level, "parent_id": body.parent_id}
        with pytest.raises(InputError) as info:
            q.save_body(s, id=body.id, commune="Xã Kín Đáo", scope=scope, **values)
        assert info.value.by_field()["commune"]
        with pytest.raises(UserError, match="Chỉ tài khoản cấp huyện được thêm"):
            q.save_body(s, **{**values, "name": "Ban mới"}, commune="", scope=scope)


# ---- 2. saving a unit never moves it silently -------------------------------------------------

class FormFields(HTMLParser):
    """What a browser would send from the first form with a «Lưu» button: enabled inputs,
    each select's chosen option, textareas; `disabled` lists the fields it would not send."""

    def __init__(self):
        super().__init__()
        self.values, self.disabled, self._chosen = {}, set(), {}
        self._select = self._area = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag in ("input", "select", "textarea") and name and "disabled" in a:
            self.disabled.add(name)
            return
        if tag == "input" and name and a.get("type") not in ("checkbox", "submit"):
            self.values[name] = a.get("value", "")
        elif tag == "input" and name and "checked" in a:
            self.values[name] = a.get("value", "y")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            if self._select not in self._chosen or "selected" in a:
                self._chosen[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._area = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self.values[self._select] = self._chosen.get(self._select, "")
            self._select = None
        elif tag == "textarea":
            self._area = None

    def handle_data(self, data):
        if self._area:
            self.values[self._area] += data


def form_fields(page: str) -> FormFields:
    form = page[page.index('<form method="post" novalidate class="panel"'):]
    parser = FormFields()
    parser.feed(form[:form.index("</form>")])
    return parser


def audit_details(app, action: str) -> list[str]:
    with app.extensions["docgen_store"].session(readonly=True) as s:
        return [e.detail for e in q.list_audit(s, action=action)]


def unit_row(app, unit_id: int):
    with app.extensions["docgen_store"].session(readonly=True) as s:
        return q.get_unit(s, unit_id)


def test_a_clerk_changing_a_district_units_note_leaves_its_body(app, world):
    clerk = signed_in(app, "vanthu.namao")
    url = f"/don-vi/{world['inside']}"
    fields = form_fields(clerk.get(url).text)
    assert {"body_id", "name", "commune"} <= fields.disabled  # shown, not sent
    response = clerk.post(url, data={**fields.values, "note": "Đã rà soát lại"})
    assert response.status_code == 302
    unit = unit_row(app, world["inside"])
    assert unit.body_id == world["district"] and unit.note == "Đã rà soát lại"
    assert unit.name == "Trường PTDTBT THCS Na Mèo" and unit.commune == "Xã Na Mèo"
    assert audit_details(app, "lưu đơn vị")[0] == ""
    # Moving it on purpose is refused, naming the field.
    moved = clerk.post(url, data={**fields.values, "body_id": str(world["a_body"])})
    assert moved.status_code == 422
    assert ("Cơ quan đánh giá: đơn vị «Trường PTDTBT THCS Na Mèo» do Ủy ban nhân dân huyện Quan "
            "Sơn đánh giá") \
        in moved.text
    assert unit_row(app, world["inside"]).body_id == world["district"]


def test_a_clerk_may_move_their_own_unit_within_scope_and_the_audit_says_so(app, world):
    clerk = signed_in(app, "vanthu.namao")
    url = f"/don-vi/{world['own']}"
    fields = form_fields(clerk.get(url).text)
    assert fields.values["body_id"] == str(world["a_body"])  # the stored body is selected
    assert clerk.post(url, data={**fields.values, "note": "ghi chú"}).status_code == 302
    assert unit_row(app, world["own"]).body_id == world["a_body"]
    assert clerk.post(url, data={**fields.values, "body_id": str(world["a_police"])}
                      ).status_code == 302
    assert unit_row(app, world["own"]).body_id == world["a_police"]
    assert audit_details(app, "lưu đơn vị")[0] == ("cơ quan đánh giá: từ «Ủy ban nhân dân xã "
                                                  "Na Mèo» sang «Công an xã Na Mèo»")


def test_the_district_moves_a_unit_on_purpose_and_the_audit_records_it(app, world):
    admin = signed_in(app, "admin", ADMIN_PASSWORD)
    url = f"/don-vi/{world['inside']}"
    fields = form_fields(admin.get(url).text)
    assert fields.values["body_id"] == str(world["district"]) and not fields.disabled
    assert admin.post(url, data={**fields.values, "body_id": str(world["a_body"])}
                      ).status_code == 302
    assert unit_row(app, world["inside"]).body_id == world["a_body"]
    assert audit_details(app, "lưu đơn vị")[0] == ("cơ quan đánh giá: từ «Ủy ban nhân dân "
                                                  "huyện Quan Sơn» sang «Ủy ban nhân dân xã "
                                                  "Na Mèo»")


def test_a_clerk_cannot_delete_a_unit_the_district_assesses(app, world):
    clerk = signed_in(app, "vanthu.namao")
    token = csrf(clerk)
    page = clerk.post(f"/don-vi/{world['inside']}/xoa", data={"csrf_token": token},
                      follow_redirects=True).text
    assert "chỉ cơ quan đó hoặc tài khoản cấp huyện được xóa" in page
    assert unit_row(app, world["inside"]) is not None


# ---- 3. a draft links units only within its author's scope -----------------------------------

def linked(app, doc_id: int) -> set[str]:
    with app.extensions["docgen_store"].session(readonly=True) as s:
        return {u.name for u in q.get_document(s, doc_id).units}


def confirmed_delete(client, url: str, **options):
    """A delete as the browser makes it: its confirmation page, then the button posting the
    page's confirmation."""
    confirm = re.search(r'name="confirm" value="([^"]+)"', client.get(url).text)[1]
    return client.post(url, data={"csrf_token": csrf(client), "confirm": confirm}, **options)


def test_a_clerks_draft_never_links_another_communes_unit(app, world):
    clerk = signed_in(app, "vanthu.namao")
    url = f"/van-ban/decision/moi?body={world['a_body']}&year=2022"
    fields = form_fields(clerk.get(url).text).values
    own = [v for k, v in fields.items() if re.fullmatch(r"units-\d+-name", k) and v]
    assert "Bản Poọng" in own and "Bản Na Mèo" in own  # made here, and the sample's
    with app.extensions["docgen_store"].session() as s:  # a residential area of Na Mèo that
        q.save_unit(s, name="Bản Pha Đén", kind="khu_dan_cu",  # the district entered: the
                    body_id=world["district"], commune="Xã Na Mèo")  # commune decides it
    rows = {}
    names = ("Bản Kín Đáo", "Bản Khuất Nẻo", "Bản Pha Đén")
    for i, name in enumerate(names, len(own)):
        rows.update({f"units-{i}-name": name, f"units-{i}-kind": fields["units-0-kind"],
                     f"units-{i}-grade": fields["units-0-grade"], f"units-{i}-note": ""})
    response = clerk.post(url, data={**fields, **rows})
    assert response.status_code == 302, re.findall(r'role="alert">([^<]+)', response.text)
    doc_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    # Its own units and the district's residential area of its commune; nothing of Kín Đáo.
    assert linked(app, doc_id) == {*own, "Bản Pha Đén"}
    owner = signed_in(app, "vanthu.kindao")  # drops their own draft, then the unit
    assert confirmed_delete(owner, f"/so-van-ban/{world['b_doc']}/xoa").status_code == 302
    response = confirmed_delete(owner, f"/don-vi/{world['b_unit']}/xoa", follow_redirects=True)
    assert "Đã xóa đơn vị «Bản Kín Đáo»" in response.text
    assert unit_row(app, world["b_unit"]) is None


def test_the_district_still_links_every_body_s_unit(app, world):
    with app.extensions["docgen_store"].session() as s:
        # A school the district manages (so decides, Circular 124 Điều 10 khoản 2), entered
        # by the commune of Kín Đáo.
        q.save_unit(s, name="Trường THCS Kín Đáo", kind="co_so_giao_duc",
                    body_id=world["b_body"], commune="Xã Kín Đáo", managed_by="huyen")
        data = q.decision_input(s, world["district"], 2022).data
        data["units"].append({"name": "Trường THCS Kín Đáo", "kind": "co_so_giao_duc",
                              "grade": "kha"})
        scope = q.scope_for(s, q.find_user(s, "admin"))
        doc = q.create_document(s, kind="decision", body_id=world["district"], data=data,
                                created_by="admin", render=render_document, scope=scope)
        names = {u.name for u in doc.units}
    assert "Trường THCS Kín Đáo" in names and "Xã Na Mèo" in names


# ---- 4 and 5. every route, another commune's ids and ids too large, on both databases --------

def rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in SELF_SERVICE:
            yield rule


def build(rule, ids: dict) -> str:
    values = dict(rule.defaults or {})
    for arg in set(rule.arguments) - set(rule.defaults or {}):
        values[arg] = ids.get(arg, {"name": "decision", "page": 1, "year": 2022,
                                    "version_id": 1}.get(arg))
    return rule.build(values, append_unknown=False)[1]


def path_ids(rule) -> bool:
    return bool((set(rule.arguments) - set(rule.defaults or {})) & set(ID_ARGS))


def hostile_form(token: str, value) -> dict:
    """Every id-carrying field any form of the app has, set to `value`."""
    fields = ("body_id", "body", "unit_id", "parent_id", "signer_id", "doc_id", "user_id")
    return {"csrf_token": token, **{f: str(value) for f in fields}, "token": "khong-co",
            "year": "2022", "name": "Tên thử", "kind": "khu_dan_cu", "commune": "Xã Lạ",
            "abbreviation": "UBND", "place": "Nơi Lạ", "role": "commune",
            f"a-{value}-note": "x", "issued_on": "2023-02-10"}


def walk(app, client, ids: dict, query: dict, form: dict, *, post_status=(404,),
         secrets: bool = True) -> int:
    """Every route with `ids` in its path, `query` in its query string and `form` posted:
    a route with an id in its path answers 404 (POST: `post_status`); none answers 500,
    and (`secrets`) none shows another commune's words, nor flashes them on the next page."""
    check = no_secret if secrets else (lambda text, where: None)
    walked = 0
    for rule in rules(app):
        url = build(rule, ids)
        if "GET" in rule.methods:
            response = client.get(url, query_string=query)
            assert response.status_code != 500, url
            if path_ids(rule):
                assert response.status_code == 404, url
            check(shown(response), f"GET {url}")
        if "POST" in rule.methods:
            response = client.post(url, data=form, query_string=query)
            assert response.status_code != 500, url
            if path_ids(rule):
                assert response.status_code in post_status, url
            check(shown(response), f"POST {url}")
            check(client.get("/").text, f"the page after POST {url}")
        walked += 1
    return walked


def start_job(client, unit_id: int) -> str:
    """The id of a finished batch job of `client`'s: the commitment forms of a unit."""
    started = client.post("/cam-ket/", data={"csrf_token": csrf(client), "unit_id": str(unit_id),
                                             "year": "2022", "fmt": "docx"})
    assert started.status_code == 302
    url = started.headers["Location"]
    deadline = time.monotonic() + 60
    while 'data-state="done"' not in client.get(url).text and time.monotonic() < deadline:
        time.sleep(0.05)
    assert 'data-state="done"' in client.get(url).text
    return url.rsplit("/", 1)[-1]


def signing_rows(app, world) -> None:
    """The other commune's seal, its signer's signature image and a signed document: the
    signing routes (images, «Ký số», the signed PDF) have something to refuse."""
    png = b"\x89PNG" + "Kín Đáo".encode()
    with app.extensions["docgen_store"].session() as s:
        s.add_all([q.BodySeal(body_id=world["b_body"], png=png),
                   q.SignerImage(signer_id=world["b_signer"], png=png),
                   q.DocumentSignature(document_id=world["b_doc"], role=q.ROLE_PERSON,
                                       signer_name="Lường Văn Kín Đáo", sha256="0" * 64,
                                       pdf=b"%PDF-1.7 " + "Kín Đáo".encode())])


def test_every_route_answers_404_to_another_communes_ids(any_app):
    world = build_world(any_app)
    signing_rows(any_app, world)
    world["b_job"] = start_job(signed_in(any_app, "vanthu.kindao"), world["b_unit"])
    clerk = signed_in(any_app, "vanthu.namao")
    before = reach(any_app, "vanthu.namao")
    frozen = outside(any_app, before)
    ids = {arg: world[key] for arg, key in ID_ARGS.items()}
    query = {"body": world["b_body"], "unit": world["b_unit"], "doc": world["b_doc"],
             "year": 2022}
    assert walk(any_app, clerk, ids, query, hostile_form(csrf(clerk), world["b_body"])) >= 40
    for page in BODY_QUERY_PAGES:
        assert clerk.get(page, query_string={"body": world["b_body"]}).status_code == 404, page
    district = {**ids, "body_id": world["district"], "unit_id": world["hidden"],
                "doc_id": world["d_doc"]}
    walk(any_app, clerk, district, {"body": world["district"]},
         hostile_form(csrf(clerk), world["district"]))
    viewer = signed_in(any_app, "xem.namao")
    walk(any_app, viewer, ids, query, hostile_form(csrf(viewer), world["b_body"]),
         post_status=(403,))
    assert reach(any_app, "vanthu.namao") == before
    assert outside(any_app, before) == frozen


def test_ids_too_large_for_the_database_answer_404(any_app):
    build_world(any_app)
    beyond_sqlite, beyond_postgresql, beyond_both = HUGE
    for client, secrets in ((signed_in(any_app, "admin", ADMIN_PASSWORD), False),
                            (signed_in(any_app, "vanthu.namao"), True)):
        ids = {arg: int(beyond_sqlite) for arg in ID_ARGS} | {"page": int(beyond_sqlite)}
        query = {"body": beyond_postgresql, "unit": beyond_postgresql,
                 "doc": beyond_postgresql, "year": beyond_postgresql}
        walk(any_app, client, ids, query, hostile_form(csrf(client), beyond_both),
             secrets=secrets)
        for huge in HUGE:
            for page in BODY_QUERY_PAGES:
                assert client.get(page, query_string={"body": huge}).status_code == 404, page
            for path in ("/don-vi/", "/co-quan/", "/so-van-ban/", "/nguoi-dung/"):
                assert client.get(path + huge).status_code == 404, path
            for path in ("/danh-gia/", "/danh-gia/nhap", "/danh-gia/nhap/xac-nhan",
                         "/don-vi/nhap", "/don-vi/nhap/xac-nhan"):
                form = {"csrf_token": csrf(client), "body": huge, "body_id": huge, "token": "x"}
                assert client.post(path, data=form).status_code == 404, path
