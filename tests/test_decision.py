"""The recognition decision end to end: input, text, layout, CLI, PDF, hostile input."""

from __future__ import annotations

import re
import unicodedata

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

import docgen
from docgen import nd30
from docgen.errors import InputError
from helpers import have, open_docx, paragraphs_with, pdf_text, table_rows, texts

GRADES = ["Xuất sắc", "Khá", "Trung bình", "Yếu"]


@pytest.fixture
def decision(sample):
    data = sample("decision")
    return data, docgen.render_document("decision", data)


def list_groups(data: bytes) -> dict[str, list[list[str]]]:
    """The attached list as {group heading: [unit rows]} read from the last table."""
    groups: dict[str, list[list[str]]] = {}
    current = None
    for row in table_rows(data)[1:]:
        if len(row) == 1:
            if row[0].startswith("Tổng cộng"):
                continue
            current = row[0]
            groups[current] = []
        else:
            groups[current].append(row)
    return groups


def test_every_unit_appears_once_under_its_class(decision):
    data, out = decision
    groups = list_groups(out)
    listed = [(heading, row[1], row[3]) for heading, rows in groups.items() for row in rows]
    names = [name for _, name, _ in listed]
    assert sorted(names) == sorted(u["name"] for u in data["units"])
    assert len(names) == len(set(names))
    by_name = {u["name"]: u["grade"] for u in data["units"]}
    for heading, name, grade in listed:
        assert grade == by_name[name]
        assert grade.upper() in heading


def test_groups_follow_class_order_with_counts_and_numbering(decision):
    data, out = decision
    headings = list(list_groups(out))
    expected = [g for g in GRADES if any(u["grade"] == g for u in data["units"])]
    assert [h.split(". ", 1)[1].split(" (")[0] for h in headings] == \
        [f"LOẠI {g.upper()}" for g in expected]
    for heading, rows in list_groups(out).items():
        assert heading.endswith(f"({len(rows)} đơn vị)")
        assert [r[0] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    assert f"Tổng cộng: {len(data['units'])} đơn vị" in texts(out)


def test_article_1_counts_match_the_list(decision):
    data, out = decision
    body = texts(out)
    total = len(data["units"])
    assert any(f"đối với {total:02d} đơn vị (có danh sách kèm theo)" in t for t in body)
    groups = list_groups(out)
    for grade in GRADES:
        n = sum(1 for u in data["units"] if u["grade"] == grade)
        listed = sum(len(rows) for h, rows in groups.items() if f"LOẠI {grade.upper()} (" in h)
        assert listed == n
        line = next(t for t in body if t.startswith(f"- Loại {grade}:"))
        assert line.startswith(f"- Loại {grade}: {n:02d} đơn vị" if n else
                               f"- Loại {grade}: không có đơn vị nào")


def test_number_and_date_follow_nd30(decision):
    _, out = decision
    body = texts(out)
    assert "Số: 2158/QĐ-UBND" in body
    assert "Quan Sơn, ngày 14 tháng 11 năm 2022" in body
    assert any("(Kèm theo Quyết định số 2158/QĐ-UBND ngày 14 tháng 11 năm 2022 của Chủ tịch Ủy "
               "ban nhân dân huyện Quan Sơn)" in t for t in body)
    date_par = paragraphs_with(out, "Quan Sơn, ngày 14")[0]
    assert all(r.italic for r in date_par.runs if r.text.strip())
    number_par = paragraphs_with(out, "Số: 2158/QĐ-UBND")[0]
    assert {r.font.size for r in number_par.runs if r.text.strip()} == {Pt(13)}


def test_draft_prints_blank_number_and_date(sample):
    data = sample("decision")
    del data["number"], data["date"]
    out = docgen.render_document("decision", data)
    body = texts(out)
    assert "Số:      /QĐ-UBND" in body
    assert "Quan Sơn, ngày      tháng      năm 2022" in body
    assert nd30.check(out) == []


def test_header_bodies_signature_and_recipients(decision):
    data, out = decision
    body = texts(out)
    assert body[0] == "ỦY BAN NHÂN DÂN HUYỆN QUAN SƠN"
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN QUAN SƠN" in body
    i = body.index("KT. CHỦ TỊCH")
    assert body[i + 1: i + 3] == ["PHÓ CHỦ TỊCH", "Lò Văn Hùng"]
    n = body.index("Nơi nhận:")
    entries = body[n + 1: n + 7]
    assert entries[0] == "- Như Điều 3;"
    assert entries[-1] == "- Lưu: VT, CAH."
    assert all(e.startswith("- ") and e.endswith(";") for e in entries[:-1])
    label = paragraphs_with(out, "Nơi nhận:")[0]
    assert label.runs[0].bold and label.runs[0].italic and label.runs[0].font.size == Pt(12)
    assert not label.runs[0].underline
    assert body[body.index("Lò Văn Hùng") - 1] == "PHÓ CHỦ TỊCH"


def test_body_is_justified_with_first_line_indent_and_ends(decision):
    _, out = decision
    article3 = paragraphs_with(out, "Điều 3.")[0]
    assert article3.text.endswith("./.")
    for article in ("Điều 1.", "Điều 2.", "Điều 3."):
        p = paragraphs_with(out, article)[0]
        assert p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert abs(p.paragraph_format.first_line_indent.twips - 567) <= 1
        assert p.runs[0].text == article + " " and p.runs[0].bold
    for basis in paragraphs_with(out, "Căn cứ "):
        if basis.text.startswith("Căn cứ"):
            assert all(r.italic for r in basis.runs if r.text.strip())
    bases = [t for t in texts(out) if t.startswith("Căn cứ")]
    # Mẫu 1.2: every «Căn cứ …;» ends with ";", the «Theo đề nghị …» line after them with ".".
    assert bases and all(b.endswith(";") for b in bases)
    proposer = next(t for t in texts(out) if t.startswith("Theo đề nghị của"))
    assert texts(out).index(proposer) == texts(out).index(bases[-1]) + 1
    assert proposer.endswith(".") and proposer.count(".") == 1


def test_page_setup_and_list_section(decision):
    _, out = decision
    doc = open_docx(out)
    assert len(doc.sections) == 2
    for section in doc.sections:
        assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
        assert section.different_first_page_header_footer
    xml = doc.sections[1]._sectPr.xml
    assert 'w:start="1"' in xml  # the list is numbered on its own
    table = doc.tables[-1]._tbl
    rows = table.tr_lst
    assert rows[0].trPr.find("{*}tblHeader") is not None
    assert all(r.trPr is not None and r.trPr.find("{*}cantSplit") is not None for r in rows)


def test_nd30_checker_finds_nothing_in_template_and_output(decision):
    _, out = decision
    assert nd30.check(out) == []
    assert nd30.check(docgen.render.template_path("decision.docx")) == []


@pytest.mark.skipif(not have("soffice"), reason="LibreOffice is not installed")
def test_pdf_contains_every_unit_name(decision):
    data, out = decision
    from docgen.pdf import to_pdf
    pdf = to_pdf(out)
    text = re.sub(r"\s+", " ", pdf_text(pdf))
    for unit in data["units"]:
        assert unit["name"] in text, unit["name"]
    assert "Quan Sơn, ngày 14 tháng 11 năm 2022" in text


HOSTILE_NAMES = [
    pytest.param("Công ty TNHH A & B <Chi nhánh>", "Công ty TNHH A & B <Chi nhánh>",
                 id="ampersand and angle brackets survive"),
    pytest.param('Hợp tác xã "Bản Bôn" \'Mường\'', 'Hợp tác xã "Bản Bôn" \'Mường\'',
                 id="double and single quotes survive"),
    pytest.param("Trường\tTiểu học", "Trường Tiểu học", id="a tab in a name becomes a space"),
    pytest.param(unicodedata.normalize("NFD", "Nguyễn Văn An"), "Nguyễn Văn An",
                 id="decomposed Vietnamese is composed"),
    pytest.param("{{ secret }} {% if %}", "{{ secret }} {% if %}",
                 id="template syntax in user text is printed literally"),
]


@pytest.mark.parametrize("raw, printed", HOSTILE_NAMES)
def test_hostile_unit_names_render_faithfully(sample, raw, printed):
    data = sample("decision")
    data["units"][0]["name"] = raw
    out = docgen.render_document("decision", data)
    names = [row[1] for row in table_rows(out) if len(row) == 5]
    assert printed in names
    assert nd30.check(out) == []


REFUSED = [
    pytest.param(lambda d: d["units"][2].update(name="Bản\x0bBôn"), "units[3].name", "U+000B",
                 id="a vertical tab is refused naming the field"),
    pytest.param(lambda d: d["units"][0].update(name="A\x00B"), "units[1].name", "U+0000",
                 id="a NUL is refused naming the field"),
    pytest.param(lambda d: d["units"][0].update(name="x" * 2000), "units[1].name", "2.000",
                 id="a 2,000-character name is refused with its length"),
    pytest.param(lambda d: d.update(units=[]), "units", "ít nhất 1",
                 id="an empty list of units is refused"),
    pytest.param(lambda d: d["units"][1].update(kind="Nhà máy"), "units[2].kind", "Khu dân cư",
                 id="an unknown unit kind lists the kinds"),
    pytest.param(lambda d: d["units"][1].update(grade="Tốt"), "units[2].grade", "Xuất sắc",
                 id="an unknown class lists the classes"),
    pytest.param(lambda d: d.pop("proposer"), "proposer", "thiếu",
                 id="a missing field is named"),
    pytest.param(lambda d: d.update(date="31/02/2023"), "date", "không tồn tại",
                 id="31 February is refused"),
    pytest.param(lambda d: d.update(number=0), "number", "từ 1",
                 id="number zero is refused"),
    pytest.param(lambda d: d["units"].append(dict(d["units"][0])), "", "trùng tên",
                 id="a unit listed twice is refused"),
    pytest.param(lambda d: d.update(colour="red"), "colour", "không có trong mẫu",
                 id="an unknown field is refused"),
    pytest.param(lambda d: d["signer"].update(authority="KT.", on_behalf=""),
                 "signer.on_behalf",
                 "thay mặt", id="KT. without the head's title is refused"),
]


@pytest.mark.parametrize("mutate, field, words", REFUSED)
def test_bad_input_is_refused_with_the_field_named(sample, mutate, field, words):
    data = sample("decision")
    mutate(data)
    with pytest.raises(InputError) as err:
        docgen.render_document("decision", data)
    paths = [p for p, _ in err.value.problems]
    assert field in paths
    assert words in " ".join(m for p, m in err.value.problems if p == field)


def test_unit_kinds_and_classes_accept_labels_without_diacritics(sample):
    data = sample("decision")
    data["units"][0].update(kind="khu dan cu", grade="XUAT SAC")
    data["units"][1].update(kind="co_so_giao_duc", grade="trung binh")
    out = docgen.render_document("decision", data)
    rows = {row[1]: row for row in table_rows(out) if len(row) == 5}
    assert rows[data["units"][0]["name"]][2:4] == ["Khu dân cư", "Xuất sắc"]
    assert rows[data["units"][1]["name"]][2:4] == ["Cơ sở giáo dục", "Trung bình"]


def test_direct_signing_and_tm_signing(sample):
    data = sample("decision")
    data["signer"] = {"authority": "TM.", "on_behalf": "Ủy ban nhân dân", "position": "Chủ tịch",
                      "name": "Lương Tiến Thành"}
    body = texts(docgen.render_document("decision", data))
    assert body[body.index("TM. ỦY BAN NHÂN DÂN") + 1] == "CHỦ TỊCH"
    assert "ỦY BAN NHÂN DÂN HUYỆN QUAN SƠN" in body[body.index("QUYẾT ĐỊNH") + 1:]
    data["signer"] = {"position": "Chủ tịch", "name": "Lương Tiến Thành"}
    body = texts(docgen.render_document("decision", data))
    assert body[body.index("CHỦ TỊCH") + 1] == "Lương Tiến Thành"


def test_superior_body_is_printed_upright_when_given(sample):
    data = sample("decision")
    data["issuer"]["superior"] = "UBND tỉnh Thanh Hóa"
    out = docgen.render_document("decision", data)
    assert texts(out)[:2] == ["UBND TỈNH THANH HÓA", "ỦY BAN NHÂN DÂN HUYỆN QUAN SƠN"]
    superior = paragraphs_with(out, "UBND TỈNH THANH HÓA")[0]
    assert not any(r.bold for r in superior.runs)
    assert nd30.check(out) == []


def test_default_legal_basis_follows_the_law_in_force(sample):
    data = sample("decision")
    data.update(year=2025, date="2026-01-15")
    del data["plan_reference"]
    bases = [t for t in texts(docgen.render_document("decision", data)) if t.startswith("Căn cứ")]
    assert bases[0].startswith("Căn cứ Luật Tổ chức chính quyền địa phương "
                               "ngày 16 tháng 6 năm 2025")
    data.update(year=2022, date="2023-02-10")
    bases = [t for t in texts(docgen.render_document("decision", data)) if t.startswith("Căn cứ")]
    assert "ngày 19 tháng 6 năm 2015" in bases[0]
