"""The clerk's year without retyping (issue 12): the grid's «Lấy mức đề xuất», the import
preview in the clerk's own notation, the plan pre-filled for the body and year chosen,
«Người lập» from the signed-in user, and the warning before a second Tờ trình."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest

from docgen import render_document, store as q
from docgen.samples import load_sample
from docgen.shipped import data_file
from helpers import full_text, login, xlsx

PASSWORD = "mat-khau-van-thu-thu-nghiem-1"
YEAR = 2024  # a year the sample district has no outcomes for


def html(response) -> str:
    return response.get_data(as_text=True)


def csrf(page: str, form_id: str | None = None) -> str:
    if form_id:
        page = page[page.index(f'id="{form_id}"'):]
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]


def flashes(page: str) -> list[str]:
    return [unescape(m) for m in re.findall(r'class="flash [a-z]+"[^>]*>([^<]+)<', page)]


def _ids(db):
    with db.session(readonly=True) as s:
        bodies: dict[str, int] = {}
        for b in q.list_bodies(s):  # «UBND» is the district's: the communes' come later
            bodies.setdefault(b.abbreviation, b.id)
            bodies[b.name] = b.id
        units = {u.name: u.id for u in q.list_units(s)}
    return bodies, units


def _user(db, username: str, role: str, *, body_id: int | None = None, full_name: str = ""):
    with db.session() as s:
        q.save_user(s, username=username, full_name=full_name, role=role, body_id=body_id,
                    password=PASSWORD, must_change=False)


def _client(app, username: str):
    c = app.test_client()
    assert login(c, username, PASSWORD).status_code == 302
    return c


# ---- 1. «Lấy mức đề xuất cho các đơn vị chưa quyết định» -----------------------------------

@pytest.fixture
def year_entered(db):
    """Outcomes of YEAR for four residential areas of Xã Na Mèo, on its commune's body: two
    scored and undecided, one decided against its suggestion (with a reason), one with a note
    but no score."""
    bodies, units = _ids(db)
    with db.session() as s:
        q.save_assessment(s, units["Bản Na Mèo"], YEAR, reviewed_score=95, safe=True)
        q.save_assessment(s, units["Bản Sa Ná"], YEAR, self_score=72.5)
        q.save_assessment(s, units["Bản Cóc"], YEAR, reviewed_score=95, safe=True,
                          decided="Yếu", reason="Để xảy ra vụ việc phức tạp")
        q.save_assessment(s, units["Bản Son"], YEAR, note="Chưa chấm điểm")
    return bodies["Ủy ban nhân dân xã Na Mèo"], units


def _stored(db, unit_id: int, year: int = YEAR):
    with db.session(readonly=True) as s:
        row = q.get_assessment(s, unit_id, year)
        return (row.suggested, row.decided) if row else None


def test_adopting_suggestions_fills_only_the_undecided_and_counts_the_rest(client, db,
                                                                          year_entered):
    body, units = year_entered
    page = html(client.get(f"/danh-gia/?body={body}&year={YEAR}"))
    assert "Lấy mức đề xuất cho các đơn vị chưa quyết định" in page
    bon_before = _stored(db, units["Bản Cóc"])
    response = client.post("/danh-gia/lay-de-xuat", data={
        "csrf_token": csrf(page, "adopt-form"), "body": body, "year": YEAR})
    assert response.status_code == 302
    for name in ("Bản Na Mèo", "Bản Sa Ná"):
        suggested, decided = _stored(db, units[name])
        assert suggested and decided == suggested, name
    assert _stored(db, units["Bản Cóc"]) == bon_before  # decided by the committee: kept
    assert _stored(db, units["Bản Son"])[1] is None  # no score, no suggestion: left
    with db.session(readonly=True) as s:
        total = len(q.list_units(s, body_id=body))
        entry = q.list_audit(s, action="lấy mức đề xuất")[0]
    assert entry.username == "admin" and entry.target == f"năm {YEAR}"
    assert entry.detail.startswith("2 đơn vị: ") and "Bản Sa Ná" in entry.detail
    message = " ".join(flashes(html(client.get(response.headers["Location"]))))
    assert f"Đã lấy mức đề xuất làm xếp loại quyết định năm {YEAR} cho 2 đơn vị." in message
    # Every other unit of the body has no suggestion: counted and named, never guessed.
    assert f"{total - 3} đơn vị chưa có mức đề xuất" in message and "«Bản Son»" in message


def test_adopting_needs_the_form_token_and_a_writer(app, client, db, year_entered):
    body, units = year_entered
    response = client.post("/danh-gia/lay-de-xuat", data={"body": body, "year": YEAR})
    assert response.status_code == 400 and _stored(db, units["Bản Na Mèo"])[1] is None
    _user(db, "xem.huyen", q.ROLE_VIEWER)
    viewer = _client(app, "xem.huyen")
    page = html(viewer.get(f"/danh-gia/?body={body}&year={YEAR}"))
    assert "adopt-suggestions" not in page  # a viewer is not offered the action
    response = viewer.post("/danh-gia/lay-de-xuat", data={
        "csrf_token": csrf(page), "body": body, "year": YEAR})
    assert response.status_code == 403 and _stored(db, units["Bản Na Mèo"])[1] is None


def test_adopting_stays_within_the_users_scope(app, db, year_entered):
    body, units = year_entered  # Xã Na Mèo's body
    bodies, _ = _ids(db)
    son_lu = bodies["Ủy ban nhân dân thị trấn Sơn Lư"]
    with db.session() as s:
        q.save_assessment(s, units["Khu phố Sơn Lư 1"], YEAR, reviewed_score=95, safe=True)
    own_id = units["Khu phố Sơn Lư 1"]
    _user(db, "vanthu.sonlu", q.ROLE_COMMUNE, body_id=son_lu)
    clerk = _client(app, "vanthu.sonlu")
    page = html(clerk.get(f"/danh-gia/?body={son_lu}&year={YEAR}"))
    token = csrf(page, "adopt-form")
    response = clerk.post("/danh-gia/lay-de-xuat", data={"csrf_token": token, "body": body,
                                                         "year": YEAR})
    assert response.status_code == 404 and _stored(db, units["Bản Na Mèo"])[1] is None
    response = clerk.post("/danh-gia/lay-de-xuat", data={"csrf_token": token,
                                                         "body": son_lu, "year": YEAR})
    assert response.status_code == 302 and _stored(db, own_id)[1] == _stored(db, own_id)[0]
    from docgen.store.assessments import adopt_suggestions
    _user(db, "vanthu.namao", q.ROLE_COMMUNE, body_id=body)
    with db.session() as s:  # the store function itself honours a scope
        for name in ("Xã Na Mèo", "Trường PTDTBT THCS Na Mèo", "Xã Sơn Thủy"):
            q.save_assessment(s, units[name], YEAR, reviewed_score=95, safe=True)
        scope = q.scope_for(s, q.find_user(s, "vanthu.namao"))
        done = adopt_suggestions(s, bodies["UBND"], YEAR, scope=scope)
        # The district's units of the clerk's commune (Xã Na Mèo) only.
        assert [u.name for u in done.adopted] == ["Xã Na Mèo", "Trường PTDTBT THCS Na Mèo"]
    assert _stored(db, units["Xã Sơn Thủy"])[1] is None  # another commune: not the clerk's


# ---- 2. The import preview as clerks write ------------------------------------------------

def test_the_grid_import_preview_shows_labels_and_scores_as_written(client, db, year_entered):
    body, units = year_entered
    with db.session() as s:
        q.save_assessment(s, units["Bản Na Mèo"], YEAR, reviewed_score=81, decided="Khá",
                          reason="Thử")
    page = html(client.get(f"/danh-gia/?body={body}&year={YEAR}"))
    from io import BytesIO
    book = xlsx([["Tên đơn vị", "Điểm thẩm định", "Xếp loại quyết định", "Lý do"],
                 ["Bản Na Mèo", 72.5, "Trung bình", "Thử"]])
    response = client.post("/danh-gia/nhap", data={
        "csrf_token": csrf(page), "body": body,
        "year": YEAR, "file": (BytesIO(book), "ket-qua.xlsx")},
        content_type="multipart/form-data")
    preview = unescape(html(response))
    assert response.status_code == 200
    assert "Điểm thẩm định: «81» → «72,5»" in preview
    assert "Xếp loại quyết định: «Khá» → «Trung bình»" in preview
    assert "81.0" not in preview and "reviewed_score" not in preview
    assert "«kha»" not in preview and "trung_binh" not in preview


# ---- 3. The plan pre-filled for the body and year chosen ------------------------------------

def _commune(db, place: str, *, police_superior: str = "Công an tỉnh Thanh Hóa",
             parent: int | None = None) -> dict:
    """A commune's People's Committee, steering committee (with its signer) and police, and
    two residential areas."""
    with db.session() as s:
        ubnd = q.save_body(s, name=f"Ủy ban nhân dân xã {place}", abbreviation="UBND",
                           place=place, parent_id=parent, level="xã", commune=f"Xã {place}")
        bcd = q.save_body(s, name=f"Ban Chỉ đạo 138 xã {place}", abbreviation="BCĐ",
                          place=place, superior=f"UBND xã {place}", parent_id=ubnd.id,
                          level="xã")
        police = q.save_body(s, name=f"Công an xã {place}", abbreviation="CAX", place=place,
                             superior=police_superior, level="xã")
        q.save_signer(s, body_id=bcd.id, name="Hà Văn Quyết",
                      position="Trưởng ban\nChủ tịch UBND xã")
        for name in ("Bản Khạn", "Thôn Mới"):
            q.save_unit(s, name=name, kind="khu_dan_cu", body_id=ubnd.id)
        return {"ubnd": ubnd.id, "bcd": bcd.id, "police": police.id}


def plan_input(*args):
    from docgen.store.plan_prefill import plan_input
    return plan_input(*args)


def _dates(value) -> list[str]:
    return re.findall(r"\b(?:19|20)\d\d-\d\d-\d\d\b", str(value))


def test_a_communes_plan_comes_from_its_own_bodies_and_the_calendar(db):
    ids = _commune(db, "Mường Lý")
    with db.session(readonly=True) as s:
        data, warnings, _ = plan_input(s, ids["bcd"], 2026)
    assert data["issuer"] == {"name": "Ban Chỉ đạo 138 xã Mường Lý", "abbreviation": "BCĐ",
                              "place": "Mường Lý", "superior": "UBND xã Mường Lý"}
    assert (data["year"], data["level"], data["sublevel"]) == (2026, "xã", "thôn, bản")
    assert data["standing_body"] == "Công an xã" and data["committee"] == "Ban Chỉ đạo 138 xã"
    assert data["report_to"] == "Công an tỉnh Thanh Hóa"
    assert data["signer"]["name"] == "Hà Văn Quyết"
    # Quý I (Circular 124, khoản 1 of Điều 4–7), from docgen/data/rules.toml.
    assert (data["plan_deadline"], data["units_deadline"]) == ("2026-03-31", "2026-03-31")
    assert "basis_plan" not in data and any("Kế hoạch cấp trên" in w for w in warnings)
    text = str(data)
    assert "Quan Sơn" not in text and "Lương Tiến Thành" not in text and "ANTTQ" not in text
    # A first plan implements Decision 510, shown in the form (blank, its fields were refused).
    assert data["decision"] == {"number": "510/QĐ-BCA-V05", "date": "2022-01-20",
                                "issuer": "Bộ Công an", "issued_by": "Bộ trưởng Bộ Công an",
                                "title": "Quy định tiêu chí đánh giá, phân loại phong trào toàn "
                                         "dân bảo vệ an ninh Tổ quốc"}
    assert set(_dates(text)) <= {"2026-03-31", "2022-01-20"}
    data["basis_plan"] = {"number": "12/KH-BCĐ", "date": "2026-02-10",
                          "issuer": "Ban Chỉ đạo 138 tỉnh Thanh Hóa"}
    out = full_text(render_document("plan", data))
    assert "BAN CHỈ ĐẠO 138 XÃ MƯỜNG LÝ" in out and "Trưởng các thôn, bản" in out
    assert "Quan Sơn" not in out and "2022" not in out.replace("20/01/2022", "")


def test_the_superior_plan_is_cited_from_the_register(db):
    bodies, _ = _ids(db)
    ids = _commune(db, "Na Mèo", parent=bodies["UBND"])
    with db.session(readonly=True) as s:
        data, _, _ = plan_input(s, bodies["BCĐ"], YEAR)
    data["basis_plan"] = {"number": "167/KH-BCĐ", "date": f"{YEAR}-02-01",
                          "issuer": "Ban Chỉ đạo 138 tỉnh Thanh Hóa"}
    with db.session() as s:
        doc = q.create_document(s, kind="plan", body_id=bodies["BCĐ"], data=data,
                                created_by="admin", render=render_document)
    q.issue_number(db, doc.id, issued_on=dt.date(YEAR, 3, 2), render=render_document)
    with db.session(readonly=True) as s:
        commune, _, _ = plan_input(s, ids["bcd"], YEAR)
        later, _, _ = plan_input(s, bodies["BCĐ"], YEAR + 1)
    assert commune["basis_plan"] == {"number": "01/KH-BCĐ", "date": f"{YEAR}-03-02",
                                     "issuer": "Ban Chỉ đạo 138 huyện Quan Sơn"}
    # The district's next plan keeps its own wording and its superior's name, not the dates.
    assert later["measures"] == data["measures"]
    assert later["basis_plan"] == {"issuer": "Ban Chỉ đạo 138 tỉnh Thanh Hóa"}
    assert later["units_deadline"] == f"{YEAR + 1}-03-31"


def test_the_sample_plan_only_for_its_own_body_and_year(db, tmp_path, monkeypatch):
    bodies, _ = _ids(db)
    sample = load_sample("plan")
    with db.session(readonly=True) as s:
        same, _, _ = plan_input(s, bodies["BCĐ"], 2022)
        later, _, _ = plan_input(s, bodies["BCĐ"], 2023)
    # The pre-fill is the parsed input: a task's «Gạch đầu dòng» default (True) is written out.
    sample["tasks"] = [{"bullets": True, **task} for task in sample["tasks"]]
    for key in ("basis_plan", "plan_deadline", "units_deadline", "measures", "tasks"):
        assert same[key] == sample[key], key
    # The register holds the sample's plan 45/KH-BCĐ: the next year keeps the body's own
    # wording (as for any body's issued plan), never its dates nor its superior plan.
    assert later["measures"] == same["measures"]
    # (the Ministry's Quyết định 510/QĐ-BCA-V05 of 20/01/2022 is every year's basis)
    assert later["decision"]["number"] == "510/QĐ-BCA-V05"
    ours = {k: v for k, v in later.items() if k != "decision"}
    assert set(_dates(ours)) <= {"2023-03-31"}  # no 2022 deadline or superior plan
    assert "number" not in later["basis_plan"] and "date" not in later["basis_plan"]
    # The deadlines come from the calendar file alone: a province's own file moves them.
    rules = data_file("rules.toml").read_text(encoding="utf-8")
    own = tmp_path / "rules.toml"
    own.write_text(rules.replace("month = 3\nday = 31", "month = 2\nday = 15"),
                   encoding="utf-8")
    monkeypatch.setenv("DOCGEN_RULES", str(own))
    with db.session(readonly=True) as s:
        moved, _, _ = plan_input(s, bodies["BCĐ"], 2023)
    assert (moved["plan_deadline"], moved["units_deadline"]) == ("2023-02-15", "2023-02-15")


def test_a_commune_clerks_plan_form_is_their_own(app, db):
    bodies, _ = _ids(db)
    ids = _commune(db, "Na Mèo", parent=bodies["UBND"])
    _user(db, "vanthu.namao", q.ROLE_COMMUNE, body_id=ids["ubnd"], full_name="Vi Thị Hoa")
    clerk = _client(app, "vanthu.namao")
    for url in (f"/van-ban/plan/moi?body={ids['bcd']}&year=2025", "/van-ban/plan/moi"):
        page = unescape(html(clerk.get(url)))
        values = re.findall(r'value="([^"]*)"', page) + re.findall(r"<textarea[^>]*>([^<]*)<",
                                                                   page)
        # The commune reports to its district's police (a body of the hierarchy, not the
        # district plan's wording); nothing else of the district's sample.
        values = [v.replace("Công an huyện Quan Sơn", "") for v in values]
        assert not any("Quan Sơn" in v or "Lương Tiến Thành" in v for v in values), url
        assert "dữ liệu mẫu" not in page
    assert 'value="Ban Chỉ đạo 138 xã Na Mèo"' in html(clerk.get(
        f"/van-ban/plan/moi?body={ids['bcd']}&year=2025"))


# ---- 4. «Người lập» is the signed-in user ---------------------------------------------------

def test_the_preparer_defaults_to_the_signed_in_user(app, db):
    bodies, _ = _ids(db)
    _user(db, "vanthu.huyen", q.ROLE_DISTRICT, full_name="Nguyễn Thị Hằng")
    clerk = _client(app, "vanthu.huyen")
    url = f"/van-ban/decision/moi?body={bodies['UBND']}&year=2022"
    page = html(clerk.get(url))
    assert re.search(r'name="created_by"[^>]*value="Nguyễn Thị Hằng"', page)
    from test_web import _submit_prefilled
    response = _submit_prefilled(clerk, url, {"created_by": ""})
    assert response.status_code == 302
    with db.session(readonly=True) as s:
        doc = q.list_documents(s)[0]
        assert doc.created_by == "Nguyễn Thị Hằng"


# ---- 5. A second Tờ trình of the same body and year is warned about ------------------------

def test_a_second_proposal_of_the_year_is_warned_about_before_saving(client, db):
    bodies, _ = _ids(db)
    police = bodies["CAH"]
    url = f"/van-ban/proposal/moi?body={police}&year=2022"
    # The sample register already holds its Tờ trình 356/TTr-CAH of 10/11/2022.
    message = " ".join(flashes(html(client.get(url))))
    assert "Công an huyện Quan Sơn đã có tờ trình năm 2022" in message
    assert "số 356/TTr-CAH ngày 10/11/2022" in message and "dự thảo" not in message
    with db.session() as s:
        data, _, _ = q.proposal_input(s, police, 2022)
        first = q.create_document(s, kind="proposal", body_id=police, data=data,
                                  created_by="admin", render=render_document).id
    message = " ".join(flashes(html(client.get(url))))
    assert "Công an huyện Quan Sơn đã có tờ trình năm 2022" in message
    assert f"dự thảo số {first}" in message
    q.issue_number(db, first, issued_on=dt.date(2023, 1, 5), render=render_document)
    message = " ".join(flashes(html(client.get(url))))
    assert "số 01/TTr-CAH ngày 05/01/2023" in message and "dự thảo" not in message
    for other in (f"/van-ban/proposal/moi?body={police}&year=2021",
                  f"/van-ban/proposal/moi?body={police}&year=2023",
                  f"/van-ban/proposal/moi?body={bodies['UBND']}&year=2022"):
        assert not any("đã có tờ trình" in m for m in flashes(html(client.get(other))))


@pytest.mark.parametrize("year", ["abc", "", "99999", "２０２２"])
def test_a_posted_year_that_is_no_year_saves_nothing_under_another_year(client, db, year_entered,
                                                                         year):
    body, units = year_entered
    page = html(client.get(f"/danh-gia/?body={body}&year={YEAR}"))
    before = _stored(db, units["Bản Sa Ná"])
    response = client.post("/danh-gia/", data={
        "csrf_token": csrf(page, "grid-form"), "body": body, "year": year,
        f"a-{units['Bản Sa Ná']}-reviewed_score": "88"})
    assert response.status_code == 400 and "Năm" in html(response)
    assert _stored(db, units["Bản Sa Ná"]) == before
    with db.session(readonly=True) as s:
        assert all(q.get_assessment(s, units["Bản Sa Ná"], other) is None
                   for other in range(YEAR + 1, YEAR + 6))
