"""Today's two-level government (province → commune, since 1 July 2025) from its samples:
a commune People's Committee recognises its units' classes, the commune police report to the
province police — and nothing of the 2022 district leaks in (DESIGN.md: levels are data)."""

from __future__ import annotations

from collections import Counter

import pytest

import docgen
from docgen import nd30
from docgen.documents.decision import LAW_2025
from helpers import open_docx, texts
from test_report import cells, table_with

CLASSES = ("Xuất sắc", "Khá", "Trung bình", "Yếu")


@pytest.fixture(scope="module")
def commune_decision():
    from docgen.samples import load_sample
    data = load_sample("decision", "trung-ha-2025")
    return data, docgen.render_document("decision", data)


@pytest.fixture(scope="module")
def commune_report():
    from docgen.samples import load_sample
    data = load_sample("report", "trung-ha-2025")
    return data, docgen.render_document("report", data)


@pytest.mark.parametrize("which", ["commune_decision", "commune_report"])
def test_no_district_anywhere_and_the_layout_holds(which, request):
    data, out = request.getfixturevalue(which)
    text = "\n".join(texts(out)).lower()
    assert "huyện" not in text  # the district level is gone, and no default brings it back
    assert nd30.check(out) == []
    section = open_docx(out).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_the_commune_decision(commune_decision):
    data, out = commune_decision
    body = texts(out)
    assert body[0] == "ỦY BAN NHÂN DÂN XÃ TRUNG HẠ"  # no superior above a commune committee
    assert body[1] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert "Số: 215/QĐ-UBND" in body and "Trung Hạ, ngày 13 tháng 11 năm 2025" in body
    assert any(t.startswith(LAW_2025) for t in body)  # issued after 1 July 2025
    assert ("Theo đề nghị của Trưởng Công an xã tại Tờ trình số 58/TTr-CAX ngày 10 tháng 11 "
            "năm 2025.") in body
    grades = Counter(u["grade"] for u in data["units"])
    for grade in CLASSES:
        assert f"- Loại {grade}: {grades[grade]:02d} đơn vị" in " ".join(body)
    assert f"Tổng cộng: {len(data['units'])} đơn vị" in body
    n = body.index("TM. ỦY BAN NHÂN DÂN")
    assert body[n:n + 3] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Hà Văn Phong"]
    assert ("(Kèm theo Quyết định số 215/QĐ-UBND ngày 13 tháng 11 năm 2025 của Ủy ban nhân "
            "dân xã Trung Hạ)") in body


def test_the_commune_police_report(commune_report):
    data, out = commune_report
    body = texts(out)
    assert body[:2] == ["CÔNG AN TỈNH THANH HÓA", "CÔNG AN XÃ TRUNG HẠ"]
    assert "Số: 71/BC-CAX" in body
    assert "Kính gửi:\t- Công an tỉnh Thanh Hóa;\n- Ủy ban nhân dân xã Trung Hạ." in body
    units = data["units"]
    assert any(t.startswith(f"Toàn xã có {len(units)} đơn vị được đánh giá") for t in body)
    # The tables list the kinds the commune has: no row for communes (a commune assesses
    # none), and no note that last year had no communes either.
    kinds = list(dict.fromkeys(u["kind"] for u in units))
    rows = cells(table_with(out, "Loại hình đơn vị", "Xuất sắc"))
    labels = [r[0] for r in rows if r[0] not in ("Loại hình đơn vị", "", "Tổng cộng")]
    assert labels == kinds and "Xã, thị trấn" not in labels
    assert rows[-1][0] == "Tổng cộng" and rows[-1][-1] == str(len(units))
    safe = cells(table_with(out, "Loại hình đơn vị", "Tổng số đơn vị"))
    assert [r[0] for r in safe[1:-1]] == kinds
    assert safe[-1][1:3] == [str(len(units)), str(sum(1 for u in units if u["safe"]))]
    assert not any("không có loại hình" in t for t in body)
    assert any(t.startswith("So với năm 2024 (toàn xã có 12 đơn vị") for t in body)


def test_a_kind_whose_units_all_went_away_keeps_its_row(sample):
    """The district's table still shows a kind it had last year and has none of now."""
    data = sample("report")
    data["units"] = [u for u in data["units"] if u["kind"] != "Doanh nghiệp"]
    out = docgen.render_document("report", data)
    rows = cells(table_with(out, "Loại hình đơn vị", "Xuất sắc"))
    row = next(r for r in rows if r[0] == "Doanh nghiệp")
    assert row[-1] == "0"
    assert nd30.check(out) == []


@pytest.mark.parametrize("kind, name", [("decision", "decision"), ("report", "report")])
def test_the_cli_renders_the_commune_samples(runner, kind, name, tmp_path):
    from docgen.cli import main
    from docgen.samples import sample_path
    out = tmp_path / f"{name}.docx"
    source = sample_path(name, "trung-ha-2025")
    result = runner.invoke(main, ["render", kind, str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert nd30.check(out.read_bytes()) == []
