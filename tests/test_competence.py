"""Competence and scope applied to the store (docgen.store.competence): which stored body
decides for each unit, per period and matter, the messages naming the unit and the
competent body, the units' category and managing tier (schema, migration, records)."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import create_engine, text

import docgen
from docgen import store
from docgen.errors import InputError
from docgen.store import competence, migrate
from helpers import texts

DISTRICT_ERA = dt.date(2022, 11, 1)
TWO_LEVEL = dt.date(2025, 11, 1)


@pytest.fixture
def db(tmp_path):
    database = store.Store(instance_path=tmp_path / "instance")
    database.create_schema()
    yield database
    database.dispose()


@pytest.fixture
def district(db):
    """A district era: the district's People's Committee and Steering Committee, one
    commune's People's Committee (Na Mèo), and a commune without a stored body (Trung Xuân)."""
    with db.session() as s:
        ubnd = store.save_body(s, name="Ủy ban nhân dân huyện Quan Sơn", abbreviation="UBND",
                               place="Quan Sơn", level="huyện")
        bcd = store.save_body(s, name="Ban Chỉ đạo 138 huyện Quan Sơn", abbreviation="BCĐ",
                              place="Quan Sơn", level="huyện", parent_id=ubnd.id)
        police = store.save_body(s, name="Công an huyện Quan Sơn", abbreviation="CAH",
                                 place="Quan Sơn", level="huyện")
        na_meo = store.save_body(s, name="Ủy ban nhân dân xã Na Mèo", abbreviation="UBND",
                                 place="Na Mèo", level="xã", commune="Xã Na Mèo",
                                 parent_id=ubnd.id)
        units = {}
        for name, kind, commune, category, managed_by, owner in [
            ("Bản Na Mèo", "khu_dan_cu", "Xã Na Mèo", "thon", "", ubnd),
            ("Bản Cha Khót", "khu_dan_cu", "Xã Trung Xuân", "", "", ubnd),
            ("Xã Na Mèo", "xa", "Xã Na Mèo", "xa", "", ubnd),
            ("Phòng Tư pháp", "co_quan", "", "phong_ban", "", ubnd),
            ("Trường THCS Sơn Lư", "co_so_giao_duc", "Thị trấn Sơn Lư", "thcs", "", ubnd),
            ("Trường THPT Quan Sơn", "co_so_giao_duc", "Thị trấn Sơn Lư", "thpt", "", ubnd),
            ("Trường Tiểu học Trung Xuân", "co_so_giao_duc", "Xã Trung Xuân", "tieu_hoc", "",
             ubnd),
            ("Đồn Biên phòng Na Mèo", "co_quan", "Xã Na Mèo", "luc_luong_vu_trang", "", ubnd),
            ("Hợp tác xã Na Mèo", "doanh_nghiep", "Xã Na Mèo", "hop_tac_xa", "xa", ubnd),
            ("Bản Sa Ná", "khu_dan_cu", "Xã Na Mèo", "thon", "", na_meo),
        ]:
            units[name] = store.save_unit(s, name=name, kind=kind, commune=commune,
                                          category=category, managed_by=managed_by,
                                          body_id=owner.id)
        return {"ubnd": ubnd, "bcd": bcd, "police": police, "na_meo": na_meo, **units}


def decide(db, unit, on=DISTRICT_ERA, matter="phan_loai"):
    with db.session(readonly=True) as s:
        return competence.decider_for(s, s.get(store.Unit, unit.id), on, matter)


# ---- who decides, per rule, in the store -------------------------------------------------------

@pytest.mark.parametrize("unit, on, matter, label", [
    # Circular 124 Điều 10 khoản 1: a residential area by its commune's People's Committee.
    ("Bản Na Mèo", DISTRICT_ERA, "phan_loai", "Ủy ban nhân dân xã Na Mèo"),
    ("Bản Na Mèo", TWO_LEVEL, "an_toan", "Ủy ban nhân dân xã Na Mèo"),
    ("Bản Sa Ná", DISTRICT_ERA, "an_toan", "Ủy ban nhân dân xã Na Mèo"),
    # … whose commune has no stored body yet.
    ("Bản Cha Khót", DISTRICT_ERA, "phan_loai",
     "Ủy ban nhân dân xã Trung Xuân (chưa có trong danh sách cơ quan)"),
    # Khoản 2: a commune by the district until 30/6/2025, then (unconfirmed) the province.
    ("Xã Na Mèo", DISTRICT_ERA, "phan_loai", "Ủy ban nhân dân huyện Quan Sơn"),
    ("Xã Na Mèo", TWO_LEVEL, "phan_loai",
     "Ủy ban nhân dân cấp tỉnh (chưa có trong danh sách cơ quan)"),
    # The seed's III.4: the district's phòng/ban by its Steering Committee, but recognised
    # "An toàn" by its People's Committee.
    ("Phòng Tư pháp", DISTRICT_ERA, "phan_loai", "Ban Chỉ đạo 138 huyện Quan Sơn"),
    ("Phòng Tư pháp", DISTRICT_ERA, "an_toan", "Ủy ban nhân dân huyện Quan Sơn"),
    # A school the district manages (by its body), the province's high school (by category).
    ("Trường THCS Sơn Lư", DISTRICT_ERA, "phan_loai", "Ủy ban nhân dân huyện Quan Sơn"),
    ("Trường THPT Quan Sơn", DISTRICT_ERA, "phan_loai",
     "Ủy ban nhân dân cấp tỉnh (chưa có trong danh sách cơ quan)"),
    # A cooperative the commune manages (the unit's own managing tier).
    ("Hợp tác xã Na Mèo", DISTRICT_ERA, "an_toan", "Ủy ban nhân dân xã Na Mèo"),
])
def test_the_competent_body_in_the_store(db, district, unit, on, matter, label):
    found = decide(db, district[unit], on, matter)
    assert found.label == label
    assert found.rule is not None and found.rule.source and found.excluded is None
    assert (found.body is None) == ("chưa có" in label)


def test_since_july_2025_the_commune_decides_what_the_district_managed(db, district):
    school = district["Trường THCS Sơn Lư"]
    with db.session() as s:
        store.save_body(s, name="Ủy ban nhân dân thị trấn Sơn Lư", abbreviation="UBND",
                        place="Sơn Lư", level="thị trấn", commune="Thị trấn Sơn Lư")
    assert decide(db, school, TWO_LEVEL).label == "Ủy ban nhân dân thị trấn Sơn Lư"
    assert decide(db, school, DISTRICT_ERA).label == "Ủy ban nhân dân huyện Quan Sơn"


@pytest.mark.parametrize("unit", ["Trường Tiểu học Trung Xuân", "Đồn Biên phòng Na Mèo"])
@pytest.mark.parametrize("matter", ["phan_loai", "an_toan"])
def test_excluded_units_are_out_of_scope_with_the_source(db, district, unit, matter):
    found = decide(db, district[unit], DISTRICT_ERA, matter)
    assert found.rule is None and found.body is None and found.excluded is not None
    assert found.label.startswith("Ngoài phạm vi: ")
    assert "Thông tư 124/2021/TT-BCA, Điều 1 khoản 2 điểm b" in found.label


def test_issuer_may_decide(db, district):
    with db.session(readonly=True) as s:
        get = lambda name: s.get(store.Unit, district[name].id)  # noqa: E731
        ubnd, bcd, na_meo = (s.get(store.Body, district[k].id) for k in ("ubnd", "bcd", "na_meo"))
        may = competence.issuer_may_decide
        assert may(s, na_meo, get("Bản Na Mèo"), DISTRICT_ERA)
        assert not may(s, ubnd, get("Bản Na Mèo"), DISTRICT_ERA)
        assert may(s, ubnd, get("Xã Na Mèo"), DISTRICT_ERA)
        assert not may(s, na_meo, get("Xã Na Mèo"), DISTRICT_ERA)
        assert may(s, bcd, get("Phòng Tư pháp"), DISTRICT_ERA, "phan_loai")
        assert not may(s, ubnd, get("Phòng Tư pháp"), DISTRICT_ERA, "phan_loai")
        assert may(s, ubnd, get("Phòng Tư pháp"), DISTRICT_ERA, "an_toan")
        assert not may(s, ubnd, get("Trường Tiểu học Trung Xuân"), DISTRICT_ERA)
        # A commune's committee not stored: no stored body may decide for its area.
        assert not may(s, na_meo, get("Bản Cha Khót"), DISTRICT_ERA)
        assert not may(s, ubnd, get("Bản Cha Khót"), DISTRICT_ERA)


def test_competence_problems_name_the_unit_and_the_competent_body(db, district):
    with db.session(readonly=True) as s:
        ubnd = s.get(store.Body, district["ubnd"].id)
        units = [s.get(store.Unit, district[n].id) for n in
                 ("Xã Na Mèo", "Bản Na Mèo", "Trường Tiểu học Trung Xuân", "Bản Cha Khót")]
        problems = competence.competence_problems(s, ubnd, units, DISTRICT_ERA)
    assert problems == [
        "“Bản Na Mèo” do Ủy ban nhân dân xã Na Mèo quyết định, không phải Ủy ban nhân dân "
        "huyện Quan Sơn (Thông tư 124/2021/TT-BCA, Điều 10 khoản 1 và Điều 9 khoản 1 điểm a)",
        "«Trường Tiểu học Trung Xuân» (trường tiểu học) không thuộc đối tượng đánh giá "
        "(Thông tư 124/2021/TT-BCA, Điều 1 khoản 2 điểm b; Quyết định 732/QĐ-BCĐ ngày "
        "11/5/2022 của Ban Chỉ đạo tỉnh Yên Bái (trích Quyết định 510))",
        "“Bản Cha Khót” do Ủy ban nhân dân xã Trung Xuân quyết định, không phải Ủy ban nhân "
        "dân huyện Quan Sơn (Thông tư 124/2021/TT-BCA, Điều 10 khoản 1 và Điều 9 khoản 1 "
        "điểm a)",
    ]


# ---- the unit record ---------------------------------------------------------------------------

def test_a_unit_records_its_category_by_code_or_label_and_its_managing_tier(db, district):
    with db.session() as s:
        unit = store.save_unit(s, name="Trường Mầm non Hoa Ban", kind="Cơ sở giáo dục",
                               category="truong mam non, mau giao", managed_by="Cấp huyện",
                               body_id=district["ubnd"].id)
        assert (unit.category, unit.managed_by) == ("mam_non", "huyen")
        unit = store.save_unit(s, id=unit.id, name=unit.name, kind=unit.kind, category="",
                               managed_by="mặc định", body_id=unit.body_id)
        assert (unit.category, unit.managed_by) == ("", "")


@pytest.mark.parametrize("values, field, words", [
    ({"kind": "khu_dan_cu", "category": "tieu_hoc"}, "category",
     "Phân loại đơn vị «tieu_hoc» không có cho loại hình «Khu dân cư»; chọn một trong: "
     "Thôn, bản, làng, ấp; Tổ dân phố, khu phố"),
    ({"kind": "co_quan", "managed_by": "phường"}, "managed_by",
     "Cấp quản lý «phường» không hợp lệ"),
])
def test_a_wrong_category_or_tier_is_refused_naming_the_field(db, district, values, field,
                                                               words):
    with pytest.raises(InputError) as refused, db.session() as s:
        store.save_unit(s, name="Đơn vị mới", body_id=district["ubnd"].id, **values)
    assert words in refused.value.by_field()[field][0]


# ---- the migration -----------------------------------------------------------------------------

def test_a_0002_database_upgraded_keeps_every_unit_with_no_category(tmp_path):
    from test_migrations import RELEASE_COUNTS, load_release
    path = load_release(tmp_path / "instance")
    engine = create_engine(f"sqlite:///{path}")
    migrate.upgrade(engine, "0002")
    with engine.connect() as conn:
        before = conn.execute(text("SELECT id, name, kind, body_id FROM unit ORDER BY id")).all()
    done = migrate.upgrade(engine)
    assert (done.before, done.after) == ("0002", migrate.head())
    engine.dispose()
    conn = sqlite3.connect(path)
    after = conn.execute("SELECT id, name, kind, body_id, category, managed_by FROM unit "
                         "ORDER BY id").fetchall()
    conn.close()
    assert len(after) == RELEASE_COUNTS["unit"]
    assert [row[:4] for row in after] == [tuple(row) for row in before]
    assert {row[4:] for row in after} == {("", "")}


# ---- the units page, form and workbook ---------------------------------------------------------

def _token(client, url: str) -> str:
    import re
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]


def _unit(app_db, name: str) -> store.Unit:
    with app_db.session(readonly=True) as s:
        return next(u for u in store.list_units(s) if u.name == name)


def _decider_cell(page: str, name: str) -> str:
    row = page.split(f">{name}</a>")[1].split("</tr>")[0]
    return row.split('<td class="decider">')[1].split("</td>")[0]


def test_the_units_page_shows_who_decides_each_unit(client, app):
    app_db = app.extensions["docgen_store"]
    page = client.get("/don-vi/?year=2022").get_data(as_text=True)
    assert "<th" in page and "Cấp có thẩm quyền quyết định</th>" in page
    assert "Ủy ban nhân dân huyện Quan Sơn" in _decider_cell(page, "Xã Na Mèo")
    cell = _decider_cell(page, "Bản Na Mèo")  # the sample's commune, a stored body
    assert "Ủy ban nhân dân xã Na Mèo" in cell and "chưa có trong danh sách" not in cell
    school = _unit(app_db, "Trường PTDTBT THCS Mường Mìn")
    with app_db.session() as s:
        store.save_unit(s, id=school.id, name=school.name, kind=school.kind,
                        body_id=school.body_id, commune=school.commune, category="tieu_hoc")
    page = client.get("/don-vi/?year=2022").get_data(as_text=True)
    cell = _decider_cell(page, "Trường PTDTBT THCS Mường Mìn")
    assert "Ngoài phạm vi đánh giá</span>" in cell and "Điều 1 khoản 2 điểm b" in cell
    assert "Trường tiểu học" in page  # the category's label from the rules file


def test_the_two_level_period_shows_the_commune_for_what_the_district_managed(client, app):
    page = client.get("/don-vi/?year=2025").get_data(as_text=True)
    cell = _decider_cell(page, "Trường THCS Sơn Lư")  # the town is a stored body
    assert "Ủy ban nhân dân thị trấn Sơn Lư" in cell and "chưa có trong danh sách" not in cell
    assert "Ủy ban nhân dân cấp tỉnh" in _decider_cell(page, "Xã Na Mèo")


def test_the_unit_form_records_category_and_managing_tier(client, app):
    app_db = app.extensions["docgen_store"]
    unit = _unit(app_db, "Trường THCS Sơn Lư")
    url = f"/don-vi/{unit.id}"
    form = client.get(url).get_data(as_text=True)
    assert '<label for="category">Phân loại đơn vị</label>' in form
    assert '<optgroup label="Cơ sở giáo dục">' in form and ">Cấp quản lý</label>" in form
    values = {"csrf_token": _token(client, url), "name": unit.name, "kind": unit.kind,
              "commune": unit.commune, "body_id": str(unit.body_id), "note": ""}
    wrong = client.post(url, data={**values, "category": "nho", "managed_by": ""})
    assert wrong.status_code == 422
    assert ("Phân loại đơn vị «nho» không có cho loại hình «Cơ sở giáo dục»"
            in wrong.get_data(as_text=True))
    done = client.post(url, data={**values, "category": "thcs", "managed_by": "tinh"})
    assert done.status_code == 302
    stored = _unit(app_db, "Trường THCS Sơn Lư")
    assert (stored.category, stored.managed_by) == ("thcs", "tinh")
    page = client.get("/don-vi/?year=2022").get_data(as_text=True)
    assert "Ủy ban nhân dân cấp tỉnh" in _decider_cell(page, "Trường THCS Sơn Lư")


def test_the_units_workbook_carries_category_and_managing_tier(app):
    import io

    import openpyxl

    from docgen import exchange
    from helpers import xlsx
    app_db = app.extensions["docgen_store"]
    data = xlsx([["Tên đơn vị", "Loại hình", "Phân loại đơn vị", "Cấp quản lý"],
                 ["Trường PTDTBT Tiểu học và THCS Sơn Điện", "Cơ sở giáo dục",
                  "Trường tiểu học", ""],
                 ["Trường THCS Sơn Lư", "Cơ sở giáo dục", "thcs", "cấp tỉnh"],
                 ["Bản Na Mèo", "Khu dân cư", "Doanh nghiệp nhỏ", ""],
                 ["Bản Sa Ná", "Khu dân cư", "", "cấp thôn"]])
    with app_db.session() as s:
        plan = exchange.preview_units_import(s, data, 1)
        assert [str(r) for r in plan.reject] == [
            "Dòng 4: Phân loại đơn vị «Doanh nghiệp nhỏ» không có cho loại hình «Khu dân cư»; "
            "chọn một trong: Thôn, bản, làng, ấp; Tổ dân phố, khu phố",
            "Dòng 5: Cấp quản lý «cấp thôn» không hợp lệ; chọn một trong: Bộ, cấp tỉnh, "
            "cấp huyện, cấp xã (hoặc để trống)"]
        assert {r.name: r.changes for r in plan.update} == {
            "Trường PTDTBT Tiểu học và THCS Sơn Điện": {  # a blank cell is a blank tier
                "category": ("lien_cap_tieu_hoc", "tieu_hoc"), "managed_by": ("huyen", "")},
            "Trường THCS Sơn Lư": {"managed_by": ("huyen", "tinh")}}
        exchange.apply_units_import(s, plan)
    with app_db.session(readonly=True) as s:
        sheet = openpyxl.load_workbook(io.BytesIO(exchange.export_units(s, 1))).worksheets[0]
        again = exchange.preview_units_import(s, exchange.export_units(s, 1), 1)
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["Phân loại đơn vị", "Cấp quản lý"]
    rows = {r[1]: r[-2:] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Trường THCS Sơn Lư"] == ("Trường trung học cơ sở", "cấp tỉnh")
    assert rows["Xã Na Mèo"] == ("Xã", None)
    assert (again.add, again.update, again.reject) == ([], [], [])  # the round trip holds
    # A workbook without the two columns keeps what is stored.
    with app_db.session(readonly=True) as s:
        plan = exchange.preview_units_import(
            s, xlsx([["Tên đơn vị", "Loại hình"], ["Trường THCS Sơn Lư", "Cơ sở giáo dục"]]), 1)
    assert plan.update == [] and len(plan.unchanged) == 1


# ---- documents list only what their issuer decides --------------------------------------------

CLASSED = {"Bản Na Mèo": ("kha", True), "Bản Cha Khót": ("kha", True),
           "Xã Na Mèo": ("xuat_sac", True), "Phòng Tư pháp": ("kha", True),
           "Trường THCS Sơn Lư": ("trung_binh", False), "Trường THPT Quan Sơn": ("kha", True),
           "Hợp tác xã Na Mèo": ("kha", True), "Bản Sa Ná": ("xuat_sac", True)}


@pytest.fixture
def assessed(db, district):
    """The district's units with their 2022 outcomes (none for the units out of scope), and
    signers for every body."""
    with db.session() as s:
        for name, (grade, safe) in CLASSED.items():
            store.save_assessment(s, district[name].id, 2022, decided=grade, safe=safe)
        for key in ("ubnd", "bcd", "police", "na_meo"):
            store.save_signer(s, body_id=district[key].id, name="Lò Văn Hùng",
                              position="Chủ tịch", authority="TM.", on_behalf="Ủy ban nhân dân")
    return district


def _names(prefill):
    return [u["name"] for u in prefill.data["units"]]


def test_the_district_decision_lists_only_what_the_district_decides(db, assessed):
    with db.session(readonly=True) as s:
        prefill = store.decision_input(s, assessed["ubnd"].id, 2022)
    assert _names(prefill) == ["Xã Na Mèo", "Trường THCS Sơn Lư"]
    warnings = "\n".join(prefill.warnings)
    assert ("“Bản Na Mèo” do Ủy ban nhân dân xã Na Mèo quyết định, không phải Ủy ban nhân dân "
            "huyện Quan Sơn (Thông tư 124/2021/TT-BCA, Điều 10 khoản 1") in warnings
    assert "“Bản Cha Khót” do Ủy ban nhân dân xã Trung Xuân quyết định" in warnings
    assert "“Phòng Tư pháp” do Ban Chỉ đạo 138 huyện Quan Sơn quyết định" in warnings
    assert "“Trường THPT Quan Sơn” do Ủy ban nhân dân cấp tỉnh quyết định" in warnings
    assert ("“Trường Tiểu học Trung Xuân” (trường tiểu học) không thuộc đối tượng đánh giá "
            "(Thông tư 124/2021/TT-BCA, Điều 1 khoản 2 điểm b") in warnings
    assert "“Đồn Biên phòng Na Mèo” (cơ quan, đơn vị lực lượng vũ trang)" in warnings
    assert prefill.missing == []  # the units out of scope are not "missing a class" either


def test_the_steering_committee_decides_the_districts_offices(db, assessed):
    with db.session(readonly=True) as s:
        assert _names(store.decision_input(s, assessed["bcd"].id, 2022)) == ["Phòng Tư pháp"]


def test_the_commune_decides_its_areas_and_what_it_manages_wherever_entered(db, assessed):
    with db.session(readonly=True) as s:
        prefill = store.decision_input(s, assessed["na_meo"].id, 2022)
    # Its own units first, then those of its commune the district entered.
    assert _names(prefill) == ["Bản Sa Ná", "Bản Na Mèo", "Hợp tác xã Na Mèo"]
    assert prefill.warnings == []  # nothing of its own left out


def test_the_police_proposal_and_report_cover_what_the_district_level_decides(db, assessed):
    with db.session(readonly=True) as s:
        proposal = store.proposal_input(s, assessed["police"].id, 2022)
        report = store.report_input(s, assessed["police"].id, 2022)
    decided_here = ["Xã Na Mèo", "Phòng Tư pháp", "Trường THCS Sơn Lư"]
    assert _names(proposal) == decided_here and _names(report) == decided_here
    for prefill in (proposal, report):
        assert "Trường Tiểu học Trung Xuân" not in str(prefill.data)
        assert any("“Bản Na Mèo” do Ủy ban nhân dân xã Na Mèo quyết định" in w
                   for w in prefill.warnings)


def test_excluded_units_are_absent_from_every_count(db, assessed):
    """A unit classed and recognised before its category said it is out of scope is never
    counted: not in the report's units, its "An toàn", its denominators, nor the grid's
    summary."""
    with db.session() as s:
        unit = s.get(store.Unit, assessed["Trường THCS Sơn Lư"].id)
        s.add(store.Assessment(unit_id=assessed["Trường Tiểu học Trung Xuân"].id, year=2022,
                               reviewed_score=90, safe=True, suggested="xuat_sac",
                               decided="xuat_sac"))
        unit.category = "tieu_hoc"  # as a province's rules file might later say
    with db.session(readonly=True) as s:
        report = store.report_input(s, assessed["police"].id, 2022).data
        summary = store.summary(s, assessed["ubnd"].id, 2022)
        grid = {line.unit.name: line for line in
                store.assessment_grid(s, assessed["ubnd"].id, 2022)}
    assert [u["name"] for u in report["units"]] == ["Xã Na Mèo", "Phòng Tư pháp"]
    report["addressees"] = ["Công an tỉnh Thanh Hóa"]
    figures_text = "\n".join(texts(docgen.render_document("report", report)))
    assert "Toàn huyện có 2 đơn vị" in figures_text
    total = summary[-1]
    # Of the nine units the district assesses, the two primary schools and the armed-forces
    # post are left out: six counted, «An toàn» among them as stored.
    assert total.total == 6
    assert total.safe == sum(1 for n, (_, safe) in CLASSED.items()
                             if safe and n != "Bản Sa Ná")
    assert grid["Trường Tiểu học Trung Xuân"].excluded is not None
    assert grid["Trường THCS Sơn Lư"].excluded is not None
    assert grid["Xã Na Mèo"].excluded is None


def test_an_excluded_unit_is_never_classed(db, assessed):
    school = assessed["Trường Tiểu học Trung Xuân"]
    with pytest.raises(InputError) as refused, db.session() as s:
        store.save_assessment(s, school.id, 2022, reviewed_score=90, decided="Xuất sắc")
    assert refused.value.by_field()["decided"] == [
        "«Trường Tiểu học Trung Xuân» (trường tiểu học) không thuộc đối tượng đánh giá "
        "(Thông tư 124/2021/TT-BCA, Điều 1 khoản 2 điểm b; Quyết định 732/QĐ-BCĐ ngày "
        "11/5/2022 của Ban Chỉ đạo tỉnh Yên Bái (trích Quyết định 510)): không xếp loại"]
    with pytest.raises(InputError) as refused, db.session() as s:
        store.save_assessment(s, school.id, 2022, safe=True)
    assert "không công nhận “An toàn về an ninh, trật tự”" in \
        refused.value.by_field()["safe"][0]
    with db.session() as s:  # scores and notes may still be kept; no class is suggested
        row = store.save_assessment(s, school.id, 2022, reviewed_score=90, note="Trường chuẩn")
        assert (row.decided, row.suggested, row.safe) == (None, None, False)


def test_the_grid_shows_excluded_units_out_of_scope(client, app):
    app_db = app.extensions["docgen_store"]
    school = _unit(app_db, "Trường THCS Sơn Lư")  # now recorded as a primary school
    with app_db.session() as s:
        store.save_unit(s, id=school.id, name=school.name, kind=school.kind,
                        body_id=school.body_id, commune=school.commune, category="tieu_hoc")
    page = client.get(f"/danh-gia/?body={school.body_id}&year=2022").get_data(as_text=True)
    row = page.split('data-unit="Trường THCS Sơn Lư"')[1].split("</tr>")[0]
    assert "Ngoài phạm vi</span>" in row and f'name="a-{school.id}-decided"' not in row
    # A crafted post of a class for it is refused with the message, not stored.
    refused = client.post("/danh-gia/", data={
        "csrf_token": _token(client, f"/danh-gia/?body={school.body_id}&year=2022"),
        "body": str(school.body_id), "year": "2022", f"a-{school.id}-decided": "Khá"})
    assert refused.status_code == 422
    assert "không thuộc đối tượng đánh giá" in refused.get_data(as_text=True)


def test_a_draft_listing_units_its_issuer_does_not_decide_is_refused(db, assessed):
    from docgen.errors import InputError as Refused
    with db.session(readonly=True) as s:
        data = store.decision_input(s, assessed["ubnd"].id, 2022).data
    data["units"].append({"name": "Bản Na Mèo", "kind": "khu_dan_cu", "grade": "kha"})
    with pytest.raises(Refused) as refused, db.session() as s:  # rolled back
        store.create_document(s, kind="decision", body_id=assessed["ubnd"].id, data=data,
                              created_by="", render=lambda kind, data, parsed=None: b"docx")
    assert refused.value.by_field()["units"] == [
        "“Bản Na Mèo” do Ủy ban nhân dân xã Na Mèo quyết định, không phải Ủy ban nhân dân "
        "huyện Quan Sơn (Thông tư 124/2021/TT-BCA, Điều 10 khoản 1 và Điều 9 khoản 1 điểm a)"]
    assert refused.value.message.startswith(
        "Không lưu được văn bản của Ủy ban nhân dân huyện Quan Sơn: danh sách có 1 đơn vị "
        "không thuộc thẩm quyền — “Bản Na Mèo” do Ủy ban nhân dân xã Na Mèo quyết định")
    with db.session(readonly=True) as s:
        assert store.list_documents(s) == []  # nothing stored
    data["units"].pop()
    with db.session() as s:  # what the district decides is saved
        doc = store.create_document(s, kind="decision", body_id=assessed["ubnd"].id,
                                    data=data, created_by="",
                                    render=lambda kind, data, parsed=None: b"docx")
        assert [u.name for u in doc.units] == ["Xã Na Mèo", "Trường THCS Sơn Lư"]
    data["units"].append({"name": "Trường Tiểu học Trung Xuân", "kind": "co_so_giao_duc",
                          "grade": "kha"})
    with pytest.raises(Refused, match="không thuộc đối tượng đánh giá"), db.session() as s:
        store.update_document(s, doc.id, data=data,
                              render=lambda kind, data, parsed=None: b"docx")
    with db.session(readonly=True) as s:
        assert [u.name for u in store.get_document(s, doc.id).units] == [
            "Xã Na Mèo", "Trường THCS Sơn Lư"]


def test_the_document_form_refuses_a_unit_its_issuer_does_not_decide(client, app):
    """Through the web form: the district's decision pre-filled (what it decides), one row
    added for a residential area: 422 and the page says which unit and who decides it."""
    from test_boundary import form_fields
    with app.extensions["docgen_store"].session(readonly=True) as s:
        ubnd = next(b for b in store.list_bodies(s) if b.abbreviation == "UBND")
    with app.extensions["docgen_store"].session() as s:  # a residential area entered on the
        store.save_unit(s, name="Bản Hậu", kind="khu_dan_cu",  # district's list by mistake
                        body_id=ubnd.id, commune="Xã Na Mèo", category="thon")
        before = len(store.list_documents(s, ubnd.id))  # the sample's 2158/QĐ-UBND
    url = f"/van-ban/decision/moi?body={ubnd.id}&year=2022"
    page = client.get(url).get_data(as_text=True)
    assert "“Bản Hậu”" in page  # the pre-fill named what it left out
    fields = form_fields(page).values
    assert "Bản Hậu" not in fields.values() and "Bản Na Mèo" not in fields.values()
    rows = sum(1 for key in fields if key.startswith("units-") and key.endswith("-name"))
    extra = {f"units-{rows}-name": "Bản Na Mèo", f"units-{rows}-kind": "khu_dan_cu",
             f"units-{rows}-grade": "kha", f"units-{rows}-note": ""}
    response = client.post(url, data={**fields, **extra})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert ("“Bản Na Mèo” do Ủy ban nhân dân xã Na Mèo quyết định, không phải Ủy ban nhân dân "
            "huyện Quan Sơn") in text
    with app.extensions["docgen_store"].session(readonly=True) as s:
        assert len(store.list_documents(s, ubnd.id)) == before  # nothing stored


def test_adopting_the_suggestions_never_classes_a_unit_out_of_scope(db, district):
    from docgen.store.assessments import adopt_suggestions
    school, commune = district["Trường Tiểu học Trung Xuân"], district["Xã Na Mèo"]
    with db.session() as s:  # suggestions stored before the school's category said so
        for unit in (school, commune):
            s.add(store.Assessment(unit_id=unit.id, year=2022, reviewed_score=85, safe=True,
                                   suggested="kha"))
    with db.session() as s:
        done = adopt_suggestions(s, district["ubnd"].id, 2022)
    assert [u.name for u in done.adopted] == ["Xã Na Mèo"]
    assert "Trường Tiểu học Trung Xuân" not in [u.name for u in done.without_suggestion]
    with db.session(readonly=True) as s:
        assert store.get_assessment(s, school.id, 2022).decided is None
