"""Competence and scope applied to the store (docgen.store.competence): which stored body
decides for each unit, per period and matter, the messages naming the unit and the
competent body, the units' category and managing tier (schema, migration, records)."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import create_engine, text

from docgen import store
from docgen.errors import InputError
from docgen.store import competence, migrate

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
    with db.session() as s, pytest.raises(InputError) as refused:
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
