"""The competence, scope and calendar rules (docgen/data/rules.toml, docgen.rules): the shipped
file read against Circular 124 and the seed, per period, and a broken file refused by name."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen import rules
from docgen.errors import UserError

DISTRICT_ERA = dt.date(2022, 12, 1)
TWO_LEVEL = dt.date(2025, 12, 1)


@pytest.fixture
def shipped():
    return rules.load_rules(rules.SHIPPED)


def test_the_periods_change_on_1_july_2025(shipped):
    assert shipped.period(dt.date(2025, 6, 30)).code == "ba_cap"
    assert shipped.period(dt.date(2025, 7, 1)).code == "hai_cap"
    assert shipped.year_period(2024).code == "ba_cap"
    assert shipped.year_period(2025).code == "hai_cap"


@pytest.mark.parametrize("kind, category, managed_by, on, matter, label", [
    # Circular 124 Điều 10 khoản 1: residential areas by the commune, in both periods.
    ("khu_dan_cu", "", "", DISTRICT_ERA, "an_toan", "Ủy ban nhân dân cấp xã"),
    ("khu_dan_cu", "", "", TWO_LEVEL, "phan_loai", "Ủy ban nhân dân cấp xã"),
    # Khoản 2: communes by the district until 30/6/2025.
    ("xa", "", "", DISTRICT_ERA, "phan_loai", "Ủy ban nhân dân cấp huyện"),
    ("xa", "", "", TWO_LEVEL, "phan_loai", "Ủy ban nhân dân cấp tỉnh"),
    # The seed's III.4: the district's phòng/ban are classed by the Steering Committee …
    ("co_quan", "phong_ban", "huyen", DISTRICT_ERA, "phan_loai", "Ban Chỉ đạo 138 cấp huyện"),
    # … but recognised "An toàn" by the People's Committee that manages them.
    ("co_quan", "phong_ban", "huyen", DISTRICT_ERA, "an_toan", "Ủy ban nhân dân cấp huyện"),
    # Units the district managed: since 1/7/2025 the commune decides what the district did.
    ("co_so_giao_duc", "thcs", "huyen", DISTRICT_ERA, "phan_loai", "Ủy ban nhân dân cấp huyện"),
    ("co_so_giao_duc", "thcs", "huyen", TWO_LEVEL, "phan_loai", "Ủy ban nhân dân cấp xã"),
    ("doanh_nghiep", "vua", "tinh", TWO_LEVEL, "an_toan", "Ủy ban nhân dân cấp tỉnh"),
    ("co_quan", "", "bo", DISTRICT_ERA, "an_toan", "Bộ Công an"),
])
def test_who_decides(shipped, kind, category, managed_by, on, matter, label):
    rule = shipped.competent(kind, category=category, managed_by=managed_by, on=on, matter=matter)
    assert rule is not None and rule.label == label
    assert rule.source  # every rule says where it comes from


def test_unconfirmed_rules_are_marked(shipped):
    assert not shipped.competent("xa", on=TWO_LEVEL).confirmed
    assert shipped.competent("xa", on=DISTRICT_ERA).confirmed


def test_a_body_may_decide_only_what_its_tier_and_organ_are_named_for(shipped):
    area = shipped.competent("khu_dan_cu", on=DISTRICT_ERA)
    assert rules.may_decide(area, "xã", "UBND")
    assert rules.may_decide(area, "Thị trấn", "UBND")
    assert not rules.may_decide(area, "huyện", "UBND")
    office = shipped.competent("co_quan", category="phong_ban", managed_by="huyen",
                               on=DISTRICT_ERA)
    assert rules.may_decide(office, "huyện", "BCĐ")
    assert not rules.may_decide(office, "huyện", "UBND")
    assert not rules.may_decide(None, "huyện", "UBND")


def test_the_managing_tier_comes_from_the_unit_then_its_category_then_its_body(shipped):
    assert shipped.managing_tier("co_so_giao_duc", "thpt", "", "huyen") == "tinh"
    assert shipped.managing_tier("co_so_giao_duc", "thcs", "", "huyen") == "huyen"
    assert shipped.managing_tier("co_so_giao_duc", "thpt", "huyen", "xa") == "huyen"


@pytest.mark.parametrize("kind, category", [
    ("co_quan", "luc_luong_vu_trang"), ("doanh_nghiep", "nho"), ("doanh_nghiep", "sieu_nho"),
    ("co_so_giao_duc", "tieu_hoc"), ("co_so_giao_duc", "mam_non"),
    ("co_so_giao_duc", "nha_tre")])
def test_circular_124_article_1_exclusions(shipped, kind, category):
    for matter in ("an_toan", "phan_loai"):
        rule = shipped.excluded(kind, category, matter)
        assert rule is not None and "Điều 1 khoản 2" in rule.source


@pytest.mark.parametrize("kind, category", [
    ("co_so_giao_duc", "thcs"), ("doanh_nghiep", "vua"), ("co_quan", "phong_ban"),
    ("khu_dan_cu", "")])
def test_units_in_scope(shipped, kind, category):
    assert shipped.excluded(kind, category) is None


def test_categories_are_found_by_code_or_label(shipped):
    assert shipped.category("co_so_giao_duc", "Trường mầm non, mẫu giáo").code == "mam_non"
    assert shipped.category("doanh_nghiep", "SIEU NHO").code == "sieu_nho"
    assert shipped.category("co_quan", "thcs") is None


def test_deadlines(shipped):
    # Circular 124 Điều 9 khoản 1: residential areas 15/11, the others 20/11.
    assert shipped.deadline("decision_an_toan", 2025, ["khu_dan_cu"])[1] == dt.date(2025, 11, 15)
    assert shipped.deadline("decision_an_toan", 2025, ["co_quan"])[1] == dt.date(2025, 11, 20)
    # Decision 510 Điều 11 khoản 3: the earliest of the kinds a Tờ trình covers.
    assert shipped.deadline("proposal", 2025, ["co_quan"])[1] == dt.date(2025, 11, 30)
    assert shipped.deadline("proposal", 2025, ["co_quan", "khu_dan_cu"])[1] == dt.date(2025, 11, 20)
    assert shipped.deadline("report", 2025)[1] == dt.date(2025, 12, 15)
    # Quý I, except the first year, whose plan set 13/5/2022.
    assert shipped.deadline("registration", 2026)[1] == dt.date(2026, 3, 31)
    assert shipped.deadline("registration", 2022)[1] == dt.date(2022, 5, 13)


def test_the_calendar_is_in_date_order(shipped):
    days = [day for _, day in shipped.calendar(2025)]
    assert days == sorted(days) and days[0] == dt.date(2025, 3, 31)
    assert days[-1] == dt.date(2025, 12, 15)


def test_body_levels_map_to_tiers():
    assert [rules.tier(w) for w in ("tỉnh", "Huyện", "thị xã", "phường", "Đặc khu", "")] == [
        "tinh", "huyen", "huyen", "xa", "xa", ""]
    assert rules.organ("UBND") == "UBND" and rules.organ("BCĐ") == "BCĐ"


def test_a_province_replaces_the_file(tmp_path, monkeypatch):
    text = rules.SHIPPED.read_text(encoding="utf-8").replace(
        'categories = ["nha_tre", "mam_non", "tieu_hoc"]', 'categories = ["nha_tre", "mam_non"]')
    path = tmp_path / "tinh.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv(rules.RULES.name, str(path))
    mine = rules.load_rules()
    assert mine.path == path
    assert mine.excluded("co_so_giao_duc", "tieu_hoc") is None


@pytest.mark.parametrize("change, words", [
    (("kind = \"khu_dan_cu\"\ndecider", "kind = \"thon\"\ndecider"), "khóa «kinds»: «thon»"),
    (("organ = \"BCĐ\"", "organ = \"HĐND\""), "khóa «organ»"),
    (("end = 2025-06-30", "end = 2025-07-15"), "chồng lên nhau"),
    (("month = 11\nday = 30", "month = 11\nday = 31"), "ngày 31/11 không có thật"),
    (("[[deadline]]\ndocument = \"report\"", "[[deadline]]\ndocument = \"bao_cao\""),
     "khóa «document»"),
    (("source = \"Thông tư 124/2021/TT-BCA, Điều 10 khoản 4\"", "nguon = \"x\""),
     "khóa «nguon»"),
    (("name = \"Quy tắc", "name = [\"Quy tắc"), "sai cú pháp TOML ở dòng"),
])
def test_a_broken_file_is_refused_naming_the_entry(change, words):
    text = rules.SHIPPED.read_text(encoding="utf-8")
    assert change[0] in text
    with pytest.raises(UserError) as exc:
        rules.parse_rules(text.replace(change[0], change[1], 1), "tinh.toml")
    assert "«tinh.toml»" in str(exc.value) and words in str(exc.value)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(UserError, match="Không đọc được tệp quy tắc"):
        rules.load_rules(tmp_path / "khong-co.toml")
