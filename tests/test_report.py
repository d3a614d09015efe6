"""The report to the province police: figures computed from the units (checked against a
hand count), the sentences quoting them, the Kính gửi block, layout, CLI, PDF, hostile input."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

import docgen
from docgen import domain, figures, nd30
from docgen.cli import main
from docgen.errors import InputError
from docgen.samples import load_sample
from helpers import W_P, have, open_docx, paragraph_text, paragraphs_with, pdf_text, texts

# The kinds of unit the sample district's report lists (a district decides no residential
# area: its communes do), in the order of docgen.domain.
KINDS = [k.label for k in domain.UNIT_KINDS
         if any(u["kind"] == k.label for u in load_sample("report")["units"])]
LETTERS = ["a", "b", "c", "d", "đ"]
GRADES = ["Xuất sắc", "Khá", "Trung bình", "Yếu"]
CODES = ["xuat_sac", "kha", "trung_binh", "yeu"]


# ---- a hand count, independent of docgen.figures ---------------------------------------------

def pct(part: int, whole: int) -> str:
    """28,57%: half-up rounding to two decimals, written by hand."""
    if not whole:
        return "0,00%"
    hundredths = math.floor(Fraction(100 * 100 * part, whole) + Fraction(1, 2))
    return f"{hundredths // 100},{hundredths % 100:02d}%"


def pct_value(part: int, whole: int) -> int:
    """The printed share in hundredths of a percent."""
    return math.floor(Fraction(10_000 * part, whole) + Fraction(1, 2)) if whole else 0


def gap_value(now: int, total: int, before: int, before_total: int) -> int:
    """The change in hundredths of a point, from the exact shares, rounded half up once."""
    diff = Fraction(100 * now, total) - Fraction(100 * before, before_total)
    n = math.floor(abs(diff) * 100 + Fraction(1, 2))
    return -n if diff < 0 else n


def moved(delta: int, unit: str) -> str:
    if not delta:
        return "không thay đổi"
    return f"{'tăng' if delta > 0 else 'giảm'} {abs(delta)} {unit}"


def points(hundredths: int) -> str:
    if not hundredths:
        return "không thay đổi"
    n = abs(hundredths)
    return f"{'tăng' if hundredths > 0 else 'giảm'} {n // 100},{n % 100:02d} điểm phần trăm"


def hand_count(units: list[dict]) -> dict:
    """{kind: Counter(grade)}, totals and safe counts, counted with plain Python."""
    by_kind = {k: Counter(u["grade"] for u in units if u["kind"] == k) for k in KINDS}
    safe = {k: sum(1 for u in units if u["kind"] == k and u["safe"]) for k in KINDS}
    return {"by_kind": by_kind, "safe": safe, "grades": Counter(u["grade"] for u in units),
            "total": len(units), "safe_total": sum(1 for u in units if u["safe"])}


# ---- reading the document --------------------------------------------------------------------

def table_with(out: bytes, first_header: str, second_header: str):
    """The body table whose header row starts with the two given cells."""
    for table in open_docx(out).tables:
        head = [c.text for c in table.rows[0].cells]
        if head[:2] == [first_header, second_header]:
            return table
    raise AssertionError(f"no table headed {first_header!r}, {second_header!r}")


def cells(table) -> list[list[str]]:
    """Cell texts row by row, the paragraphs of a cell joined by newlines."""
    return [["\n".join(paragraph_text(p) for p in tc.iter(W_P)).strip() for tc in tr.tc_lst]
            for tr in table._tbl.tr_lst]


def counted(data: dict) -> dict:
    """The sample with last year's results as counts per kind (what a clerk keeps when only
    the figures survive), counted by hand from its units."""
    units = data["previous"]["units"]
    data["previous"] = {"year": data["previous"]["year"], "counts": [
        {"kind": kind, **{code: sum(1 for u in units if u["kind"] == kind and u["grade"] == g)
                          for g, code in zip(GRADES, CODES, strict=True)},
         "safe": sum(1 for u in units if u["kind"] == kind and u["safe"])}
        for kind in KINDS if any(u["kind"] == kind for u in units)]}
    return data


@pytest.fixture
def report(sample):
    data = counted(sample("report"))
    return data, docgen.render_document("report", data)


# ---- the figures, against the hand count -----------------------------------------------------

def test_sample_reuses_the_decision_units(sample):
    def key(u: dict) -> tuple:
        return u["name"], u["kind"], u["grade"]

    report_units, decided = sample("report")["units"], sample("decision")["units"]
    assert [key(u) for u in report_units] == [key(u) for u in decided]
    # The decision's Ghi chú also says why a class differs from the suggestion; the report
    # names a weak unit with its note only.
    for mine, theirs in zip(report_units, decided, strict=True):
        assert theirs.get("note", "").startswith(mine.get("note", ""))
    assert all(isinstance(u["safe"], bool) for u in sample("report")["units"])


def test_class_table_matches_a_hand_count(report):
    data, out = report
    hand = hand_count(data["units"])
    rows = cells(table_with(out, "Loại hình đơn vị", "Xuất sắc"))
    assert rows[0] == ["Loại hình đơn vị", *GRADES, "Tổng số"]
    body = {r[0]: r[1:] for r in rows[1:]}
    assert list(body) == KINDS + ["Tổng cộng"]
    for kind in KINDS:
        counts = hand["by_kind"][kind]
        total = sum(counts.values())
        expected = [f"{counts[g]}\n{pct(counts[g], total)}" for g in GRADES] + [str(total)]
        assert body[kind] == expected, kind
    grades, total = hand["grades"], hand["total"]
    assert body["Tổng cộng"] == [f"{grades[g]}\n{pct(grades[g], total)}" for g in GRADES] + \
        [str(total)]
    assert total == 24 and body["Tổng cộng"][0] == "5\n20,83%"


def test_overall_sentence_quotes_the_same_numbers(report):
    data, out = report
    hand = hand_count(data["units"])
    total, grades = hand["total"], hand["grades"]
    expected = (f"Toàn huyện có {total} đơn vị được đánh giá, phân loại, trong đó: "
                + "; ".join(f"{grades[g]} đơn vị xếp loại {g}, chiếm {pct(grades[g], total)}"
                            for g in GRADES) + ".")
    assert expected in texts(out)
    for letter, kind in zip(LETTERS[:len(KINDS)], KINDS, strict=True):
        counts = hand["by_kind"][kind]
        n = sum(counts.values())
        line = (f"{letter}) {kind}: {n} đơn vị, trong đó "
                + ", ".join(f"{g} {counts[g]} ({pct(counts[g], n)})" for g in GRADES) + ".")
        assert line in texts(out)


def test_safe_table_and_sentence_match_a_hand_count(report):
    data, out = report
    hand = hand_count(data["units"])
    rows = cells(table_with(out, "Loại hình đơn vị", "Tổng số đơn vị"))
    body = {r[0]: r[1:] for r in rows[1:]}
    for kind in KINDS:
        n = sum(hand["by_kind"][kind].values())
        assert body[kind] == [str(n), str(hand["safe"][kind]), pct(hand["safe"][kind], n)]
    total, safe = hand["total"], hand["safe_total"]
    assert body["Tổng cộng"] == [str(total), str(safe), pct(safe, total)]
    sentence = next(t for t in texts(out) if t.startswith("Năm 2022, toàn huyện có"))
    assert sentence.startswith(f"Năm 2022, toàn huyện có {safe}/{total} đơn vị được công nhận "
                               "đạt tiêu chuẩn “An toàn về an ninh, trật tự”, chiếm "
                               f"{pct(safe, total)}")
    n = sum(hand["by_kind"]["Xã, thị trấn"].values())
    assert f"xã, thị trấn {hand['safe']['Xã, thị trấn']}/{n} đơn vị" in sentence


def test_comparison_with_last_year_matches_a_hand_count(report):
    data, out = report
    hand = hand_count(data["units"])
    before = {g: sum(c[code] for c in data["previous"]["counts"])
              for g, code in zip(GRADES, CODES, strict=True)}
    before_total = sum(before.values())
    before_safe = sum(c["safe"] for c in data["previous"]["counts"])
    total = hand["total"]
    rows = cells(table_with(out, "Nội dung", "Năm 2021"))
    assert rows[0] == ["Nội dung", "Năm 2021", "Năm 2022", "Tăng, giảm"]
    body = {r[0]: r[1:] for r in rows[1:]}
    sentence = next(t for t in texts(out) if t.startswith("So với năm 2021"))
    assert sentence.startswith(f"So với năm 2021 (toàn huyện có {before_total} đơn vị")
    for g in GRADES:
        now = hand["grades"][g]
        change = moved(now - before[g], "đơn vị")
        gap = points(gap_value(now, total, before[g], before_total))
        assert body[f"Loại {g}"] == [f"{before[g]}\n{pct(before[g], before_total)}",
                                     f"{now}\n{pct(now, total)}", f"{change}\n{gap}"]
        assert f"loại {g} {change}, tỷ lệ {gap}" in sentence
    safe = hand["safe_total"]
    assert body["Đạt “An toàn về ANTT”"][2] == (
        f"{moved(safe - before_safe, 'đơn vị')}\n"
        f"{points(gap_value(safe, total, before_safe, before_total))}")
    assert body["Tổng số đơn vị"] == [str(before_total), str(total),
                                      moved(total - before_total, "đơn vị")]


def test_weakest_units_are_named_with_their_notes(report):
    data, out = report
    weak = [u for u in data["units"] if u["grade"] == "Yếu"]
    line = next(t for t in texts(out) if t.startswith("Các đơn vị xếp loại Yếu:"))
    for unit in weak:
        assert unit["name"] in line
    assert ("Công ty Cổ phần Lâm sản 'Mường Mìn' <Chi nhánh Quan Sơn> (Chưa xây dựng mô hình "
            "tự quản về an ninh, trật tự)") in line


def test_a_long_list_of_weakest_units_is_named_then_counted(sample):
    data = sample("report")
    data["units"] = [dict(u, name=f"{u['name']} {i}", grade="Yếu")
                     for i in range(3) for u in data["units"]]
    out = docgen.render_document("report", data)
    line = next(t for t in texts(out) if t.startswith("Các đơn vị xếp loại Yếu:"))
    assert line.count(";") == 49
    assert line.endswith(f" và {3 * 24 - 50} đơn vị khác (chi tiết tại danh sách kèm theo quyết "
                         "định công nhận).")


# ---- the figures function on small hand-made cases -------------------------------------------

def unit(kind: str, grade: str, safe: bool | None = True):
    return SimpleNamespace(kind=domain.unit_kind(kind), grade=domain.unit_class(grade), safe=safe)


def counts(kind: str, xs=0, kha=0, tb=0, yeu=0, safe=None):
    return SimpleNamespace(kind=domain.unit_kind(kind), xuat_sac=xs, kha=kha, trung_binh=tb,
                           yeu=yeu, safe=safe)


def observe(f: figures.Figures) -> dict:
    """What a case may assert about computed figures, as plain values."""
    school = f.kind(domain.unit_kind("Cơ sở giáo dục"))
    changes = [f.change(g) for g in figures.CLASSES]
    return {
        "counts": f.total.counts,
        "shares": [f.total.share_text(g) for g in figures.CLASSES],
        "safe": (f.total.safe, f.total.safe_share_text),
        "school": [school.share_text(g) for g in figures.CLASSES] + [school.safe_share_text],
        "changes": None if f.previous is None else
        [(c.count_text, c.points_text) for c in changes],
        "total change": f.total_change and f.total_change.count_text,
        "safe change": f.safe_change and (f.safe_change.count_text, f.safe_change.points_text),
        "missing": f.missing_kinds,
        "previous": f.previous and (f.previous.year, f.previous.total.total),
    }


FIGURE_CASES = [
    pytest.param(
        [unit("Khu dân cư", "Khá")], None,
        {"school": ["0,00%"] * 5, "counts": (0, 1, 0, 0), "shares": ["0,00%", "100,00%", "0,00%",
                                                                     "0,00%"]},
        id="a kind without units reads 0,00% and does not crash"),
    pytest.param(
        [unit("Xã", "Xuất sắc")] * 3, None,
        {"counts": (3, 0, 0, 0), "shares": ["100,00%", "0,00%", "0,00%", "0,00%"],
         "safe": (3, "100,00%")},
        id="all units in one class"),
    pytest.param(
        [unit("Xã", "Khá"), unit("Xã", "Yếu", False), unit("Cơ quan", "Khá")], None,
        {"changes": None, "total change": None, "safe change": None, "previous": None,
         "safe": (2, "66,67%"), "shares": ["0,00%", "66,67%", "0,00%", "33,33%"]},
        id="without a previous year there is no change"),
    pytest.param(
        [unit("Xã", "Khá"), unit("Cơ sở giáo dục", "Yếu", False)],
        [counts("Xã", kha=1, safe=1)],
        {"missing": ("Cơ sở giáo dục",),  # kinds with no units in either year go unnamed
         "previous": (2021, 1), "total change": "tăng 1 đơn vị",
         "changes": [("không thay đổi", "không thay đổi"),
                     ("không thay đổi", "giảm 50,00 điểm phần trăm"),
                     ("không thay đổi", "không thay đổi"),
                     ("tăng 1 đơn vị", "tăng 50,00 điểm phần trăm")],
         "safe change": ("không thay đổi", "giảm 50,00 điểm phần trăm")},
        id="previous counts missing a kind that has units now count it as 0 and name it"),
    pytest.param(
        [unit("Xã", "Khá")], [counts("Xã", kha=2), counts("Cơ quan", xs=1, safe=1)],
        {"safe change": None, "changes": [("giảm 1 đơn vị", "giảm 33,33 điểm phần trăm"),
                                          ("giảm 1 đơn vị", "tăng 33,33 điểm phần trăm"),
                                          ("không thay đổi", "không thay đổi"),
                                          ("không thay đổi", "không thay đổi")]},
        id="a previous kind without its safe count leaves the safe change out"),
    pytest.param(
        [], [counts("Xã", yeu=2, safe=0)],
        {"counts": (0, 0, 0, 0), "shares": ["0,00%"] * 4, "safe": (0, "0,00%"),
         "changes": [("không thay đổi", "không thay đổi")] * 3 +
         [("giảm 2 đơn vị", "giảm 100,00 điểm phần trăm")]},
        id="no units at all still reads 0,00%"),
]


@pytest.mark.parametrize("units, previous, expected", FIGURE_CASES)
def test_figures_on_small_hand_made_cases(units, previous, expected):
    seen = observe(figures.compute(units, 2022, previous_counts=previous))
    assert {key: seen[key] for key in expected} == expected


CHANGES = [
    pytest.param(3, Decimal("4.76"), "tăng 3 đơn vị", "tăng 4,76 điểm phần trăm",
                 id="an increase is 'tăng' with the decimal comma"),
    pytest.param(-2, Decimal("-0.05"), "giảm 2 đơn vị", "giảm 0,05 điểm phần trăm",
                 id="a decrease is 'giảm' without a minus sign"),
    pytest.param(0, Decimal("0.00"), "không thay đổi", "không thay đổi",
                 id="no change is 'không thay đổi'"),
    pytest.param(1500, Decimal("12.50"), "tăng 1.500 đơn vị", "tăng 12,50 điểm phần trăm",
                 id="thousands take a dot"),
]


@pytest.mark.parametrize("delta, pts, count_text, points_text", CHANGES)
def test_change_wording(delta, pts, count_text, points_text):
    change = figures.Change(delta, pts)
    assert (change.count_text, change.points_text) == (count_text, points_text)


SHARES = [
    pytest.param(2, 7, "28,57%", id="two sevenths"),
    pytest.param(1, 8, "12,50%", id="a trailing zero is kept"),
    pytest.param(1, 800, "0,13%", id="a half rounds up"),
    pytest.param(0, 0, "0,00%", id="nothing of nothing is zero"),
    pytest.param(5, 5, "100,00%", id="the whole"),
]


@pytest.mark.parametrize("part, whole, printed", SHARES)
def test_share_is_printed_as_computed(part, whole, printed):
    row = figures.Tally("x", (part, whole - part, 0, 0), None)
    assert row.share_text(figures.CLASSES[0]) == printed == pct(part, whole)
    assert row.share(figures.CLASSES[0]) == Decimal(pct_value(part, whole)).scaleb(-2)


def test_previous_year_given_as_units(sample):
    data = sample("report")
    data["previous"] = {"units": [dict(u, grade="Khá") for u in data["units"][:20]]}
    out = docgen.render_document("report", data)
    rows = {r[0]: r[1:] for r in cells(table_with(out, "Nội dung", "Năm 2021"))[1:]}
    assert rows["Loại Khá"][0] == "20\n100,00%"
    assert rows["Tổng số đơn vị"] == ["20", "24", "tăng 4 đơn vị"]
    assert nd30.check(out) == []


def test_without_previous_the_comparison_is_left_out(sample):
    data = sample("report")
    del data["previous"]
    out = docgen.render_document("report", data)
    body = texts(out)
    assert not any(t.startswith("3. So sánh") or t.startswith("So với năm") for t in body)
    assert not any("Bảng 3" in t for t in body)
    assert body.index("III. ĐÁNH GIÁ CHUNG") > body.index("Tổng cộng")
    assert nd30.check(out) == []


def test_previous_with_a_kind_missing_is_noted_in_the_document(sample):
    data = counted(sample("report"))
    data["previous"]["counts"] = [c for c in data["previous"]["counts"]
                                  if c["kind"] != "Cơ sở giáo dục"]
    out = docgen.render_document("report", data)
    sentence = next(t for t in texts(out) if t.startswith("So với năm 2021"))
    assert sentence.endswith("Số liệu năm 2021 không có loại hình: cơ sở giáo dục.")
    before = sum(sum(c[k] for k in CODES) for c in data["previous"]["counts"])
    assert f"(toàn huyện có {before} đơn vị" in sentence


# ---- level, addressees, header, signature ----------------------------------------------------

def test_the_level_word_is_data(sample):
    data = sample("report")
    del data["level"]
    data["issuer"].update(name="Công an xã Sơn Lư", abbreviation="CAX",
                          superior="Công an tỉnh Thanh Hóa")
    out = docgen.render_document("report", data)
    assert any(t.startswith("Toàn xã có 24 đơn vị") for t in texts(out))
    assert any(t.startswith("Năm 2022, toàn xã có") for t in texts(out))
    data["level"] = "phường"
    assert any(t.startswith("Toàn phường có") for t in
               texts(docgen.render_document("report", data)))


def test_header_number_date_and_title(report):
    _, out = report
    body = texts(out)
    assert body[:2] == ["CÔNG AN TỈNH THANH HÓA", "CÔNG AN HUYỆN QUAN SƠN"]
    superior, issuer = paragraphs_with(out, "CÔNG AN TỈNH THANH HÓA")[0], \
        paragraphs_with(out, "CÔNG AN HUYỆN QUAN SƠN")[0]
    assert not any(r.bold for r in superior.runs)
    assert all(r.bold for r in issuer.runs if r.text.strip())
    assert "Số: 389/BC-CAH" in body
    date = paragraphs_with(out, "Quan Sơn, ngày 01 tháng 12 năm 2022")[0]
    assert all(r.italic for r in date.runs if r.text.strip())
    i = body.index("BÁO CÁO")
    assert body[i + 1] == ("Kết quả triển khai thực hiện Quyết định số 510/QĐ-BCA-V05 và đánh giá, "
                           "phân loại phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2022")
    assert all(r.bold for r in paragraphs_with(out, "Kết quả triển khai thực hiện Quyết")[0].runs)


def test_several_addressees_hang_under_the_colon(report):
    _, out = report
    p = paragraphs_with(out, "Kính gửi:")[0]
    assert p.text == "Kính gửi:\t- Công an tỉnh Thanh Hóa;\n- Ban Chỉ đạo 138 tỉnh Thanh Hóa."
    fmt = p.paragraph_format
    # hanging: "Kính gửi:" starts left of the indent, every "- X" (and any wrapped line)
    # starts at the indent, where the tab stop is
    assert fmt.first_line_indent < 0 < fmt.left_indent
    assert [t.position for t in fmt.tab_stops] == [fmt.left_indent]
    assert p.alignment == WD_ALIGN_PARAGRAPH.LEFT
    for run in p.runs:
        assert not run.italic and not run.bold and run.font.size == Pt(14)


def test_one_addressee_is_on_the_kinh_gui_line(sample):
    data = sample("report")
    data["addressees"] = ["Công an tỉnh Thanh Hóa"]
    out = docgen.render_document("report", data)
    assert "Kính gửi: Công an tỉnh Thanh Hóa." in texts(out)
    p = paragraphs_with(out, "Kính gửi:")[0]
    assert all(not r.italic and not r.bold and r.font.size == Pt(14) for r in p.runs)
    assert nd30.check(out) == []
    del data["addressees"]  # defaults to the superior body
    assert "Kính gửi: Công an tỉnh Thanh Hóa." in texts(docgen.render_document("report", data))


def test_signature_and_recipients(report, sample):
    _, out = report
    body = texts(out)
    assert body[body.index("TRƯỞNG CÔNG AN HUYỆN") + 1] == "Hà Văn Tuấn"
    n = body.index("Nơi nhận:")
    assert body[n + 1] == "- Như trên;" and body[n + 5] == "- Lưu: VT, CAH."
    data = sample("report")
    data["signer"] = {"authority": "KT.", "on_behalf": "Trưởng Công an huyện",
                      "position": "Phó Trưởng Công an huyện", "name": "Lò Văn Minh"}
    body = texts(docgen.render_document("report", data))
    i = body.index("KT. TRƯỞNG CÔNG AN HUYỆN")
    assert body[i + 1: i + 3] == ["PHÓ TRƯỞNG CÔNG AN HUYỆN", "Lò Văn Minh"]


def test_draft_leaves_number_and_date_blank(sample):
    data = sample("report")
    del data["number"], data["date"]
    out = docgen.render_document("report", data)
    assert "Số:      /BC-CAH" in texts(out)
    assert "Quan Sơn, ngày      tháng      năm 2022" in texts(out)
    assert nd30.check(out) == []


# ---- sections and layout ---------------------------------------------------------------------

SECTIONS = ["I. KẾT QUẢ TRIỂN KHAI THỰC HIỆN", "II. KẾT QUẢ ĐÁNH GIÁ, PHÂN LOẠI PHONG TRÀO",
            "III. ĐÁNH GIÁ CHUNG", "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ", "V. ĐỀ XUẤT, KIẾN NGHỊ"]


def test_sections_in_order_bold_and_body_ends(report):
    _, out = report
    body = texts(out)
    positions = [body.index(s) for s in SECTIONS]
    assert positions == sorted(positions)
    khoan = ["1. Ưu điểm", "2. Hạn chế, tồn tại", "3. Nguyên nhân",
             "1. Công tác tham mưu, ban hành kế hoạch", "3. So sánh với năm 2021"]
    for heading in SECTIONS + khoan:
        p = next(p for p in paragraphs_with(out, heading) if p.text == heading)
        assert all(r.bold for r in p.runs if r.text.strip()), heading
    closing = next(t for t in body if t.startswith("Trên đây là báo cáo"))
    assert closing.endswith("của Công an huyện Quan Sơn./.")
    assert body.index(closing) < body.index("Nơi nhận:")


def test_narrative_defaults_when_omitted(sample):
    data = sample("report")
    del data["implementation"]
    out = docgen.render_document("report", data)
    body = texts(out)
    assert "1. Công tác tham mưu, ban hành kế hoạch" in body
    assert "4. Tổ chức đánh giá, phân loại phong trào" in body
    hand = hand_count(data["units"])
    unsafe = hand["total"] - hand["safe_total"]
    assert (f"Vẫn còn {hand['grades']['Yếu']} đơn vị xếp loại Yếu, chiếm "
            f"{pct(hand['grades']['Yếu'], hand['total'])}; {unsafe} đơn vị chưa đạt tiêu chuẩn "
            f"“An toàn về an ninh, trật tự”, chiếm {pct(unsafe, hand['total'])}.") in body
    assert any(t.startswith("Đề nghị Công an tỉnh Thanh Hóa, Ban Chỉ đạo 138 tỉnh Thanh Hóa")
               for t in body)


def test_given_narrative_replaces_the_defaults(sample):
    data = sample("report")
    data.update(strengths=["Ưu điểm riêng."], proposals=["Kiến nghị riêng."],
                closing="Kính báo cáo")
    body = texts(docgen.render_document("report", data))
    assert body[body.index("1. Ưu điểm") + 1] == "Ưu điểm riêng."
    assert body[body.index("V. ĐỀ XUẤT, KIẾN NGHỊ") + 1:][:2] == ["Kiến nghị riêng.",
                                                                  "Kính báo cáo./."]


def test_body_paragraphs_are_justified_with_indent(report):
    _, out = report
    for start in ("Thực hiện Quyết định số 510", "Toàn huyện có", "Năm 2022, toàn huyện",
                  "So với năm 2021", "Trên đây là báo cáo"):
        p = next(p for p in paragraphs_with(out, start) if p.text.startswith(start))
        assert p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY, start
        assert abs(p.paragraph_format.first_line_indent.twips - 567) <= 1
        assert all(r.font.size == Pt(14) and not r.italic for r in p.runs)


@pytest.mark.parametrize("first, second", [("Loại hình đơn vị", "Xuất sắc"),
                                           ("Loại hình đơn vị", "Tổng số đơn vị"),
                                           ("Nội dung", "Năm 2021")],
                         ids=["class table", "safe table", "comparison table"])
def test_tables_repeat_header_never_split_rows_and_centre_numbers(report, first, second):
    _, out = report
    table = table_with(out, first, second)
    rows = table._tbl.tr_lst
    assert rows[0].trPr.find("{*}tblHeader") is not None
    assert all(r.trPr is not None and r.trPr.find("{*}cantSplit") is not None for r in rows)
    assert all(run.bold for c in table.rows[0].cells for p in c.paragraphs for run in p.runs)
    for row in table.rows[1:]:
        for cell in row.cells[1:]:
            for p in cell.paragraphs:
                assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
                assert all(r.font.size in (Pt(12), Pt(13)) for r in p.runs)
    width = sum(int(g.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w"))
                for g in table._tbl.tblGrid.iterchildren())
    assert width <= 9355  # within the portrait text width


def test_page_is_portrait_a4(report):
    _, out = report
    for section in open_docx(out).sections:
        assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)


def test_nd30_checker_finds_nothing_in_template_and_output(report):
    _, out = report
    assert nd30.check(out) == []
    assert nd30.check(docgen.render.template_path("report.docx")) == []


# ---- hostile input ---------------------------------------------------------------------------

HOSTILE = [
    pytest.param("Công ty TNHH A & B <Chi nhánh>", "Công ty TNHH A & B <Chi nhánh>",
                 id="ampersand and angle brackets survive"),
    pytest.param('Hợp tác xã "Bản Bôn" \'Mường\'', 'Hợp tác xã "Bản Bôn" \'Mường\'',
                 id="quotes survive"),
    pytest.param(unicodedata.normalize("NFD", "Trường Tiểu học Đồng Tâm"),
                 "Trường Tiểu học Đồng Tâm", id="decomposed Vietnamese is composed"),
    pytest.param("Bản\tHạ", "Bản Hạ", id="a tab in a name becomes a space"),
    pytest.param("{{ year }} {% if %}", "{{ year }} {% if %}", id="template syntax is literal"),
]


@pytest.mark.parametrize("raw, printed", HOSTILE)
def test_hostile_unit_names_render_faithfully(sample, raw, printed):
    data = sample("report")
    data["units"][0].update(name=raw, grade="Yếu")
    out = docgen.render_document("report", data)
    line = next(t for t in texts(out) if t.startswith("Các đơn vị xếp loại Yếu:"))
    assert line.startswith(f"Các đơn vị xếp loại Yếu: {printed};")
    assert nd30.check(out) == []


def test_hostile_narrative_and_addressee_render_faithfully(sample):
    data = sample("report")
    long = "Nội dung dài & <đặc biệt> “trích dẫn”. " * 50
    data["strengths"] = [long[:2000]]
    data["addressees"] = ["Công an tỉnh Thanh Hóa & Phòng PV05 <PC06>", "Ban Chỉ đạo 138 tỉnh"]
    out = docgen.render_document("report", data)
    assert long[:2000].strip() in texts(out)
    assert paragraphs_with(out, "Kính gửi:")[0].text == \
        "Kính gửi:\t- Công an tỉnh Thanh Hóa & Phòng PV05 <PC06>;\n- Ban Chỉ đạo 138 tỉnh."
    assert nd30.check(out) == []


REFUSED = [
    pytest.param(lambda d: d["units"][2].update(name="Bản\x0bBôn"), "units[3].name", "U+000B",
                 id="a control character is refused naming the field"),
    pytest.param(lambda d: d["units"][0].update(name="x" * 2000), "units[1].name", "2.000",
                 id="a 2,000-character unit name is refused"),
    pytest.param(lambda d: d["units"][0].pop("safe"), "", "units[1].safe",
                 id="a unit without its safe result is refused naming it"),
    pytest.param(lambda d: d["units"][1].update(kind="Nhà máy"), "units[2].kind", "Khu dân cư",
                 id="an unknown unit kind lists the kinds"),
    pytest.param(lambda d: d["units"][1].update(grade="Tốt"), "units[2].grade", "Xuất sắc",
                 id="an unknown class lists the classes"),
    pytest.param(lambda d: d.update(units=[]), "units", "ít nhất 1",
                 id="no units is refused"),
    pytest.param(lambda d: d["units"].append(dict(d["units"][0])), "", "trùng tên",
                 id="a unit listed twice is refused"),
    pytest.param(lambda d: d["previous"].update(units=d["units"]), "previous", "một trong hai",
                 id="previous with both units and counts is refused"),
    pytest.param(lambda d: d["previous"]["counts"][0].update(safe=99), "previous.counts[1]",
                 "lớn hơn tổng số", id="more safe units than units is refused"),
    pytest.param(lambda d: d["previous"]["counts"].__setitem__(1, d["previous"]["counts"][0]),
                 "previous", "nhiều lần", id="a kind counted twice last year is refused"),
    pytest.param(lambda d: d["previous"].update(year=2022), "", "phải trước",
                 id="a previous year not before the report year is refused"),
    pytest.param(lambda d: d["previous"]["counts"][0].update(kha=-1), "previous.counts[1].kha",
                 "từ 0", id="a negative count is refused"),
    pytest.param(lambda d: (d.pop("addressees"), d["issuer"].pop("superior")), "", "Kính gửi",
                 id="no addressee and no superior body is refused"),
    pytest.param(lambda d: (d.pop("level"), d["issuer"].update(name="Phòng PV05")), "",
                 "level", id="a level that cannot be derived is asked for"),
    pytest.param(lambda d: d.update(date="2025-01-01"), "", "không thuộc năm",
                 id="a date far from the year is refused"),
]


@pytest.mark.parametrize("mutate, field, words", REFUSED)
def test_bad_input_is_refused_with_the_field_named(sample, mutate, field, words):
    data = counted(sample("report"))
    mutate(data)
    with pytest.raises(InputError) as err:
        docgen.render_document("report", data)
    problems = err.value.problems
    assert field in [p for p, _ in problems]
    assert words in " ".join(m for p, m in problems if p == field)


# ---- command line and PDF --------------------------------------------------------------------

def test_cli_renders_the_sample(runner, sample, write_json, tmp_path):
    out = tmp_path / "bc.docx"
    result = runner.invoke(main, ["render", "report", str(write_json(sample("report"))),
                                  "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert nd30.check(out.read_bytes()) == []


@pytest.mark.parametrize("drop, field", [(("year",), "year"), (("signer", "name"), "signer.name"),
                                         (("issuer",), "issuer")],
                         ids=["missing year", "missing signer name", "missing issuer"])
def test_cli_missing_field_exits_2_naming_it(runner, sample, write_json, tmp_path, drop, field):
    data = sample("report")
    target = data
    for key in drop[:-1]:
        target = target[key]
    del target[drop[-1]]
    out = tmp_path / "bc.docx"
    result = runner.invoke(main, ["render", "report", str(write_json(data)), "-o", str(out)])
    assert result.exit_code == 2
    assert f"«{field}»" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.skipif(not have("soffice") or not have("pdftotext"),
                    reason="LibreOffice or pdftotext is not installed")
def test_pdf_keeps_percentages_and_diacritics(report):
    data, out = report
    from docgen.pdf import to_pdf
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", pdf_text(to_pdf(out))))
    hand = hand_count(data["units"])
    grades, total = hand["grades"], hand["total"]
    assert (f"Toàn huyện có {total} đơn vị được đánh giá, phân loại, trong đó: "
            f"{grades['Xuất sắc']} đơn vị xếp loại Xuất sắc, chiếm "
            f"{pct(grades['Xuất sắc'], total)}") in text
    for g in GRADES:
        assert pct(grades[g], total) in text
    assert "16,67%" in text and "66,67%" in text  # the schools: Xuất sắc 1/6, Khá 4/6
    assert "Kính gửi:" in text and "Ban Chỉ đạo 138 tỉnh Thanh Hóa." in text
    assert "KẾT QUẢ ĐÁNH GIÁ, PHÂN LOẠI PHONG TRÀO" in text
