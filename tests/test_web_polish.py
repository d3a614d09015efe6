"""The clerk's year without retyping (issue 12): deletions confirmed on a page naming what goes
with them, pages without inputs for a viewer, the audit in Vietnam time, document kinds in
the order of the year's work, one default year and a 400 for a bad `?year=`, messages
naming fields by their labels with the field marked, a commune clerk's units export."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser

import openpyxl
import pytest

from docgen import documents, labels, render_document, store as q
from docgen.schema import YEAR_MAX, YEAR_MIN
from helpers import login

PASSWORD = "mat-khau-thu-nghiem-1"
YEAR_OF_WORK = ("plan", "registration", "commitment", "household_list", "minutes", "score_sheet",
                "unit_report", "unit_proposal", "safe_decision", "certificate", "proposal",
                "decision", "report")


def csrf(client, url: str = "/") -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).text)[1]


def signed_in(app, username: str):
    client = app.test_client()
    assert login(client, username, PASSWORD).status_code == 302
    return client


def add_user(db, username: str, role: str, body_id: int | None = None) -> None:
    with db.session() as s:
        q.save_user(s, username=username, role=role, body_id=body_id, password=PASSWORD,
                    must_change=False)


def body_named(db, abbreviation: str) -> int:
    with db.session(readonly=True) as s:
        return next(b.id for b in q.list_bodies(s) if b.abbreviation == abbreviation)


def unit_named(db, name: str) -> int:
    with db.session(readonly=True) as s:
        return next(u.id for u in q.list_units(s) if u.name == name)


class Page(HTMLParser):
    """What a page offers: its forms (method, action, the inputs inside) and its buttons."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self.loose: list[str] = []  # inputs outside any form
        self.buttons: list[str] = []
        self.links: list[str] = []
        self._form: dict | None = None
        self._button: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"method": (attrs.get("method") or "get").lower(),
                          "action": attrs.get("action") or "", "inputs": []}
            self.forms.append(self._form)
        elif tag in ("input", "textarea", "select"):
            kind = attrs.get("type", tag)
            if kind != "hidden":
                (self._form["inputs"] if self._form is not None else self.loose).append(
                    attrs.get("name") or kind)
        elif tag == "button":
            self._button = []
        elif tag == "a":
            self.links.append(attrs.get("href") or "")

    def handle_data(self, data):
        if self._button is not None:
            self._button.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "button" and self._button is not None:
            self.buttons.append("".join(self._button).strip())
            self._button = None

    def editing(self) -> list[dict]:
        """The forms that change something: every POST form but «Đăng xuất»."""
        return [f for f in self.forms if f["method"] == "post" and f["action"] != "/dang-xuat"]


# ---- 1. deletions ask for confirmation ----------------------------------------------------------

@pytest.fixture
def doomed(app, db):
    """A body with a signer, a unit with outcomes and households, a draft: one of each."""
    with db.session() as s:
        district = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
        body = q.save_body(s, name="Ban Chỉ đạo xã Mường Mìn", abbreviation="BCĐ",
                           place="Mường Mìn", parent_id=district.id, level="xã",
                           commune="Xã Mường Mìn")
        signer = q.save_signer(s, body_id=body.id, name="Hà Văn Mìn", position="Trưởng ban")
        data = q.decision_input(s, district.id, 2022).data
        draft = q.create_document(s, kind="decision", body_id=district.id, data=data,
                                  created_by="admin", render=render_document)
        # After the draft, which would list it (a unit a document lists is never deleted).
        unit = q.save_unit(s, name="Bản Pù Mìn", kind="khu_dan_cu", body_id=district.id,
                           commune="Xã Mường Mìn")
        q.save_assessment(s, unit.id, 2022, reviewed_score=85, safe=True, decided="kha")
        for name in ("Lò Văn Một", "Lò Văn Hai"):
            q.save_household(s, unit_id=unit.id, year=2022, full_name=name, birth_year=1970)
        return {"body": body.id, "signer": signer.id, "unit": unit.id, "draft": draft.id,
                "district": district.id}


DELETES = {
    # what: (its delete page, the words the page must say, what tells it still exists)
    "body": (lambda w: f"/co-quan/{w['body']}/xoa",
             ("cơ quan «Ban Chỉ đạo xã Mường Mìn»", "người ký: Hà Văn Mìn"),
             lambda s, w: q.get_body(s, w["body"])),
    "signer": (lambda w: f"/co-quan/{w['body']}/nguoi-ky/{w['signer']}/xoa",
               ("người ký «Hà Văn Mìn»", "vẫn giữ tên và chức vụ người ký"),
               lambda s, w: q.get_signer(s, w["signer"])),
    "unit": (lambda w: f"/don-vi/{w['unit']}/xoa",
             ("đơn vị «Bản Pù Mìn»", "kết quả đánh giá năm 2022", "danh sách hộ năm 2022 (2 hộ)"),
             lambda s, w: q.get_unit(s, w["unit"])),
    "draft": (lambda w: f"/so-van-ban/{w['draft']}/xoa",
              ("dự thảo Quyết định", "đơn vị mà dự thảo liệt kê"),
              lambda s, w: q.get_document(s, w["draft"])),
}


@pytest.mark.parametrize("what", DELETES)
def test_a_delete_names_what_goes_and_a_plain_post_deletes_nothing(client, db, doomed, what):
    url, words, exists = DELETES[what]
    url = url(doomed)

    def still_there() -> bool:
        with db.session(readonly=True) as s:
            return exists(s, doomed) is not None

    page = client.get(url)
    assert page.status_code == 200
    for word in words:
        assert word in page.text, word
    confirm = re.search(r'name="confirm" value="([^"]+)"', page.text)[1]
    token = csrf(client, url)
    # The POST the old «Xóa» buttons sent, a made-up confirmation, no CSRF token: nothing goes.
    assert client.post(url, data={"csrf_token": token}).status_code == 200
    assert client.post(url, data={"csrf_token": token, "confirm": "x"}).status_code == 409
    assert client.post(url, data={"confirm": confirm}).status_code == 400
    assert still_there()
    done = client.post(url, data={"csrf_token": token, "confirm": confirm})
    assert done.status_code == 302
    assert not still_there()


def test_list_pages_lead_to_the_confirmation_instead_of_deleting(client, db, doomed):
    for url in ("/co-quan/", "/don-vi/", f"/so-van-ban/{doomed['draft']}",
                f"/co-quan/{doomed['body']}/nguoi-ky/{doomed['signer']}"):
        page = Page(client.get(url).text)
        assert not [f for f in page.editing() if f["action"].endswith("/xoa")], url
        assert any(link.endswith("/xoa") for link in page.links), url


def test_a_body_that_accounts_serve_is_not_deleted_and_the_page_says_why(client, db, doomed):
    add_user(db, "vanthu.muongmin", q.ROLE_COMMUNE, doomed["body"])
    url = f"/co-quan/{doomed['body']}/xoa"
    page = client.get(url)
    assert "còn tài khoản vanthu.muongmin gắn với cơ quan này" in page.text
    assert 'name="confirm"' not in page.text
    response = client.post(url, data={"csrf_token": csrf(client), "confirm": "x"})
    assert response.status_code != 500
    with db.session(readonly=True) as s:
        assert q.get_body(s, doomed["body"]) is not None


def test_a_unit_listed_by_a_document_shows_why_it_stays(client, db, doomed):
    with db.session(readonly=True) as s:
        listed = q.get_document(s, doomed["draft"]).units[0]
    page = client.get(f"/don-vi/{listed.id}/xoa").text
    assert f"Không xóa được đơn vị «{listed.name}»" in page and 'name="confirm"' not in page


# ---- 2. a viewer reads pages without inputs -----------------------------------------------------

def viewer_pages(doomed) -> list[str]:
    return ["/", "/co-quan/", f"/co-quan/{doomed['body']}",
            f"/co-quan/{doomed['body']}/nguoi-ky/{doomed['signer']}", "/don-vi/",
            f"/don-vi/{doomed['unit']}", "/so-van-ban/", f"/so-van-ban/{doomed['draft']}",
            "/cam-ket/", "/dang-ky/", "/danh-gia/", "/van-ban/"]


def test_a_viewer_sees_pages_without_inputs(app, client, db, doomed):
    add_user(db, "xem.huyen", q.ROLE_VIEWER)
    viewer = signed_in(app, "xem.huyen")
    for url in viewer_pages(doomed):
        response = viewer.get(url)
        assert response.status_code == 200, url
        page = Page(response.text)
        assert page.editing() == [], (url, page.editing())
        assert not page.loose, (url, page.loose)
        assert not {"Lưu", "Xóa"} & set(page.buttons), url
        assert not [link for link in page.links if link.endswith(("/xoa", "/moi"))], url
    # What the record pages held is shown as text.
    body = viewer.get(f"/co-quan/{doomed['body']}").text
    assert "Ban Chỉ đạo xã Mường Mìn" in body and "Xã Mường Mìn" in body
    assert "Khu dân cư" in viewer.get(f"/don-vi/{doomed['unit']}").text
    # A new record's page, and a delete's page, are not the viewer's.
    for url in ("/don-vi/moi", f"/co-quan/{doomed['body']}/nguoi-ky/moi",
                f"/don-vi/{doomed['unit']}/xoa", f"/so-van-ban/{doomed['draft']}/xoa",
                "/van-ban/decision/moi"):
        assert viewer.get(url).status_code == 403, url


def test_a_clerk_still_has_the_forms_a_viewer_does_not(client, doomed):
    for url in (f"/co-quan/{doomed['body']}", f"/don-vi/{doomed['unit']}", "/cam-ket/",
                "/dang-ky/", f"/so-van-ban/{doomed['draft']}", "/danh-gia/"):
        assert Page(client.get(url).text).editing(), url


# ---- 3. the audit in Vietnam time ---------------------------------------------------------------

def test_the_audit_shows_vietnam_time_on_the_page_and_in_its_export(client, db):
    with db.session() as s:
        s.add(q.AuditEntry(at=dt.datetime(2026, 12, 3, 13, 15, 7), username="admin",
                           action="thử giờ", target="buổi chiều"))
        s.add(q.AuditEntry(at=dt.datetime(2026, 12, 31, 18, 30), username="admin",
                           action="thử giờ", target="qua nửa đêm"))
    page = client.get("/nhat-ky/").text
    assert "giờ Việt Nam, UTC+7" in page
    assert "03/12/2026 20:15:07" in page and "01/01/2027 01:30:00" in page
    assert "03/12/2026 13:15" not in page
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/nhat-ky/xuat.xlsx").data)).active
    assert "UTC+7" in sheet["A1"].value
    times = {row[3]: row[0] for row in sheet.iter_rows(min_row=2, values_only=True)
             if row[2] == "thử giờ"}
    assert times == {"buổi chiều": dt.datetime(2026, 12, 3, 20, 15, 7),
                     "qua nửa đêm": dt.datetime(2027, 1, 1, 1, 30)}


# ---- 4. document kinds in the order of the year's work ------------------------------------------

def in_order(text: str, needles: list[str]) -> list[str]:
    return sorted(needles, key=lambda n: text.index(n))


def test_document_kinds_follow_the_year_s_work_everywhere(client):
    assert list(documents.KINDS) == list(YEAR_OF_WORK)
    names = [documents.KINDS[k].label for k in YEAR_OF_WORK]
    home = client.get("/").text
    cards = home[home.index("<h2>"):]
    assert in_order(cards, [f"<h3>{n}</h3>" for n in names]) == [f"<h3>{n}</h3>" for n in names]
    index = client.get("/van-ban/").text
    ids = [f'id="kind-{k}"' for k in YEAR_OF_WORK]
    assert in_order(index, ids) == ids
    register = client.get("/so-van-ban/").text
    options = re.search(r'<select name="kind"[^>]*>(.*?)</select>', register, re.S)[1]
    assert re.findall(r'<option value="(\w+)"', options) == list(YEAR_OF_WORK)
    for url in ("/cam-ket/", "/dang-ky/"):
        tabs = client.get(url).text
        assert tabs.index("Bản đăng ký của đơn vị") < tabs.index("Bản cam kết của hộ gia đình")


def test_the_register_filters_by_kind(client, db, doomed):
    page = client.get("/so-van-ban/?kind=plan").text
    assert f"/so-van-ban/{doomed['draft']}\"" not in page
    assert f"/so-van-ban/{doomed['draft']}\"" in client.get("/so-van-ban/?kind=decision").text


# ---- 5. one default year; a bad ?year= is an error ----------------------------------------------

def default_years(client) -> dict[str, str]:
    """The year each page opens on."""
    home = client.get("/").text
    return {
        "home": re.search(r'/danh-gia/\?year=(\d+)', home)[1],
        "documents": re.search(r'name="year" id="year" value="(\d+)"',
                               client.get("/van-ban/").text)[1],
        "grid": re.search(r"năm (\d{4})", client.get("/danh-gia/").text)[1],
        "commitments": re.search(r'name="year" type="text" value="(\d+)"',
                                 client.get("/cam-ket/").text)[1],
        "registrations": re.search(r'name="year" type="text" value="(\d+)"',
                                   client.get("/dang-ky/").text)[1],
    }


def test_every_page_opens_on_the_same_year(client, db):
    assert set(default_years(client).values()) == {"2025"}  # the Trung Hạ sample's outcomes
    with db.session() as s:
        q.save_assessment(s, unit_named(db, "Bản Na Mèo"), 2026, reviewed_score=90, safe=True)
    assert set(default_years(client).values()) == {"2026"}


YEAR_PAGES = [("/so-van-ban/", {}), ("/so-van-ban/xuat.xlsx", {}), ("/cam-ket/", {}),
              ("/dang-ky/", {}), ("/danh-gia/", {}), ("/danh-gia/xuat.xlsx", {"body": 1}),
              ("/van-ban/", {}), ("/van-ban/plan/moi", {"body": 1}), ("/ho-gia-dinh/xoa", {})]


@pytest.mark.parametrize("bad", ["abc", "99999", "", "-1", "1999", "2101", "２０２２", "+2022"])
def test_a_bad_year_is_an_error_page_naming_the_range(client, bad):
    for url, query in YEAR_PAGES:
        response = client.get(url, query_string={**query, "year": bad})
        assert response.status_code == 400, (url, bad)
        assert "Năm" in response.text and f"từ {YEAR_MIN} đến {YEAR_MAX}" in response.text, url


def test_the_register_still_lists_every_year_on_request(client, db, doomed):
    assert client.get("/so-van-ban/?year=tat-ca").status_code == 200
    year = dt.date.today().year  # a draft's register year is the year it was made
    assert f"/so-van-ban/{doomed['draft']}\"" in client.get(f"/so-van-ban/?year={year}").text
    assert f"/so-van-ban/{doomed['draft']}\"" not in client.get("/so-van-ban/?year=2001").text


# ---- 6. messages name fields by their labels; the field is marked -------------------------------

def field_names(cls, seen=None) -> set[str]:
    """Every internal field name of an input, nested records included."""
    import dataclasses
    import typing
    seen = set() if seen is None else seen
    names = set()
    for f in dataclasses.fields(cls):
        if "spec" not in f.metadata:
            continue
        names.add(f.name)
        hint = typing.get_type_hints(cls)[f.name]
        for arg in (hint, *typing.get_args(hint)):
            inner = typing.get_args(arg)[0] if typing.get_origin(arg) is list else arg
            if dataclasses.is_dataclass(inner) and inner not in seen:
                seen.add(inner)
                names |= field_names(inner, seen)
    return names


def prefilled(client, url: str) -> dict:
    """A generated document form's values, as the browser would post them."""
    page = client.get(url).text
    form = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\r?\n?(.*?)</textarea>',
                                 page, re.S):
        form[name] = text
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page,
                                    re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', options) or \
            re.search(r'<option[^>]*value="([^"]*)"', options)
        form[name] = chosen[1] if chosen else ""
    return {k: v.replace("&amp;", "&").replace("&#34;", '"').replace("&#39;", "'")
            for k, v in form.items()}


def alerts(html: str) -> list[str]:
    return [m.strip() for m in re.findall(r'role="(?:alert|status)">([^<]+)', html)]


def marked(html: str, field_id: str) -> str:
    """The messages shown beside a field marked invalid (aria-describedby), "" if unmarked."""
    tag = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{re.escape(field_id)}"[^>]*>', html)
    if tag is None or 'aria-invalid="true"' not in tag[0]:
        return ""
    described = re.search(r'aria-describedby="([^"]+)"', tag[0])[1]
    block = re.search(rf'<div class="errors" id="{re.escape(described)}">(.*?)</div></div>',
                      html, re.S)
    return " ".join(re.findall(r'role="alert">([^<]+)', block[1]))


def no_internal_names(cls, texts: list[str]) -> None:
    names = field_names(cls)
    for text in texts:
        leaked = [n for n in names if re.search(rf"(?<![\w«]){n}(?![\w»])", text)
                  or f"«{n}»" in text]
        assert not leaked, (text, leaked)


def test_a_document_form_marks_each_bad_field_and_names_none_by_its_internal_name(client, db):
    url = f"/van-ban/plan/moi?body={body_named(db, 'BCĐ')}&year=2022"
    form = prefilled(client, url)
    response = client.post(url, data={**form, "year": "abc", "plan_deadline": "32/13/2022",
                                      "signer-name": ""})
    assert response.status_code == 422
    page = response.text
    assert "không phải số nguyên" in marked(page, "year")
    assert "không tồn tại trong lịch" in marked(page, "plan_deadline")
    assert "Họ và tên người ký" in marked(page, "signer-name")
    no_internal_names(documents.get("plan").input, alerts(page))


def test_a_cross_field_rule_s_message_sits_beside_its_field_under_its_label(client, db):
    plan = documents.get("plan").input
    url = f"/van-ban/plan/moi?body={body_named(db, 'BCĐ')}&year=2022"
    form = prefilled(client, url)
    page = client.post(url, data={**form, "plan_deadline": "2030-01-01"}).text
    assert "không thuộc năm kế hoạch" in marked(page, "plan_deadline")
    assert "plan_deadline" not in " ".join(alerts(page))
    no_internal_names(plan, alerts(page))
    decision = documents.get("decision").input
    url = f"/van-ban/decision/moi?body={body_named(db, 'UBND')}&year=2022"
    form = prefilled(client, url)
    page = client.post(url, data={**form, "office_head": "Chánh Văn phòng HĐND và UBND huyện",
                                  "executors": "Trưởng phòng Nội vụ"}).text
    assert "chỉ in trong Điều 3 mặc định" in marked(page, "office_head")
    no_internal_names(decision, alerts(page))


LABELLED = [
    pytest.param("plan", "", "Trường «plan_deadline»: hạn 01/01/2030 không thuộc năm kế hoạch",
                 "plan_deadline", "Hạn 01/01/2030 không thuộc năm kế hoạch",
                 id="a deadline's rule goes beside the deadline"),
    pytest.param("plan", "tasks[1]", "Nhiệm vụ của «A» chưa có đoạn nào: trường «paragraphs» "
                 "cần ít nhất một đoạn", "tasks[1].paragraphs",
                 "Nhiệm vụ của «A» chưa có đoạn nào: «Nhiệm vụ» cần ít nhất một đoạn",
                 id="a row's rule goes beside the row's field"),
    pytest.param("report", "", "Đơn vị thứ 1 «X» (units[1].safe) chưa ghi kết quả",
                 "units[1].safe", "Đơn vị thứ 1 «X» chưa ghi kết quả",
                 id="a path in brackets is the field the message is about"),
    pytest.param("report", "previous", "ghi một trong hai: danh sách đơn vị (units) hoặc số "
                 "lượng theo loại hình (counts)", "previous",
                 "ghi một trong hai: danh sách đơn vị («Đơn vị năm trước») hoặc số lượng theo "
                 "loại hình («Số liệu năm trước theo loại hình»)",
                 id="two fields named: both by label, the message stays"),
    pytest.param("report", "", "hãy ghi trường level (ví dụ: huyện, xã)", "level",
                 "Hãy ghi «Cấp địa bàn» (ví dụ: huyện, xã)", id="an unquoted field name"),
    pytest.param("decision", "year", "«year» không phải số nguyên", "year",
                 "«year» không phải số nguyên", id="what a user typed is never a field"),
]


@pytest.mark.parametrize("kind, path, message, placed, reworded", LABELLED)
def test_messages_are_placed_and_reworded_by_label(kind, path, message, placed, reworded):
    assert labels.place(documents.get(kind).input, path, message) == (placed, reworded)


def test_a_row_s_field_is_named_by_its_list_row_and_column():
    assert labels.label(documents.get("report").input, "units[3].name") == \
        "Danh sách đơn vị được đánh giá, phân loại, dòng 3, Tên đơn vị"
    assert labels.label(documents.get("report").input, "units[3].colour") is None


# ---- 7. a commune clerk's units export holds the units they see ---------------------------------

def test_a_commune_clerk_exports_exactly_the_units_on_their_page(app, client, db):
    with db.session() as s:
        district = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
        commune = q.save_body(s, name="Ủy ban nhân dân xã Na Mèo", abbreviation="UBND",
                              place="Na Mèo", parent_id=district.id, level="xã",
                              commune="Xã Na Mèo")
        police = q.save_body(s, name="Công an xã Na Mèo", abbreviation="CAX", place="Na Mèo",
                             parent_id=commune.id, level="xã", commune="Xã Na Mèo")
        q.save_unit(s, name="Bản Poọng", kind="khu_dan_cu", body_id=commune.id,
                    commune="Xã Na Mèo")
        q.save_unit(s, name="Trường Tiểu học Na Mèo", kind="co_so_giao_duc", body_id=police.id,
                    commune="Xã Na Mèo")
    add_user(db, "vanthu.namao", q.ROLE_COMMUNE, commune.id)
    clerk = signed_in(app, "vanthu.namao")

    def listed(page: str) -> list[str]:
        table = page[page.index('id="units"'):]
        return re.findall(r'<a href="/don-vi/\d+">([^<]+)</a>', table)

    def exported(url: str) -> list[str]:
        sheet = openpyxl.load_workbook(io.BytesIO(clerk.get(url).data)).active
        return [row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1]]

    seen = listed(clerk.get("/don-vi/").text)
    assert {"Bản Poọng", "Trường Tiểu học Na Mèo", "Bản Na Mèo"} <= set(seen)  # the district's too
    assert exported("/don-vi/xuat.xlsx") == seen
    assert exported(f"/don-vi/xuat.xlsx?body={police.id}") == ["Trường Tiểu học Na Mèo"]
    assert exported("/don-vi/xuat.xlsx?q=poong") == listed(clerk.get("/don-vi/?q=poong").text) \
        == ["Bản Poọng"]
    assert clerk.get(f"/don-vi/xuat.xlsx?body={district.id}").status_code == 404
