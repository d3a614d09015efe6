"""ND30 layout checker and Times New Roman metrics: a conforming decision built here with
python-docx passes; one mutation per rule is reported under exactly that rule."""

from __future__ import annotations

import copy
import io
import unicodedata
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

from docgen import metrics
from docgen.metrics import text_width_pt
from docgen.nd30 import RULES, Finding, NotADocx, check, format_findings, rule
from docgen.nd30.header_rules import date_problem, number_problem

CENTER, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
LEFT = WD_ALIGN_PARAGRAPH.LEFT
TNR = "Times New Roman"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
HEADER_COLUMNS = (3600, 5755)                    # twips; together the A4 text width
CELL_MARGINS = 2 * 108                            # Word's default left + right cell margin
TEXT_WIDTH_PT = (11906 - 1701 - 851) / 20
PPR_AFTER_BORDER = ("w:shd", "w:tabs", "w:spacing", "w:ind", "w:contextualSpacing", "w:jc")


# --- fixture builders ---------------------------------------------------------------------

def _use_times_new_roman(doc) -> None:
    """docDefaults and Normal in Times New Roman 14 pt, no spacing after by default."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for name in list(fonts.attrib):
        del fonts.attrib[name]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), TNR)
    rpr.find(qn("w:sz")).set(qn("w:val"), "28")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = TNR, Pt(14)


def _a4(section) -> None:
    section.page_width, section.page_height = Twips(11906), Twips(16838)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)


def _write(paragraph, text: str, *, size=14, bold=False, italic=False, align=None):
    """Add a run with explicit formatting to `paragraph`; return the paragraph."""
    run = paragraph.add_run(text)
    run.font.size, run.font.bold, run.font.italic = Pt(size), bold, italic
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _bottom_border(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                        ("w:color", "auto")):
        bottom.set(qn(attr), value)
    borders.append(bottom)
    later = [child for child in ppr if child.tag in {qn(t) for t in PPR_AFTER_BORDER}]
    if later:
        later[0].addprevious(borders)
    else:
        ppr.append(borders)


def _rule_paragraph(container, available_pt: float, length_pt: float):
    """An empty centred paragraph whose bottom border is `length_pt` long."""
    paragraph = container.add_paragraph()
    paragraph.alignment = CENTER
    side = (available_pt - length_pt) / 2
    paragraph.paragraph_format.left_indent = Pt(side)
    paragraph.paragraph_format.right_indent = Pt(side)
    _bottom_border(paragraph)
    return paragraph


def _cell_text(cell, text: str, **style):
    """A centred paragraph in `cell`, filling the cell's initial empty paragraph first."""
    first = cell.paragraphs[0]
    fresh = len(cell.paragraphs) == 1 and not first.runs
    return _write(first if fresh else cell.add_paragraph(), text, align=CENTER, **style)


def _table(doc, widths: tuple[int, ...], rows: int):
    table = doc.add_table(rows=rows, cols=len(widths))
    table.autofit = False
    for index, width in enumerate(widths):
        table.columns[index].width = Twips(width)
        for cell in table.columns[index].cells:
            cell.width = Twips(width)
    return table


def _header_table(doc) -> None:
    table = _table(doc, HEADER_COLUMNS, rows=2)
    left, right = table.cell(0, 0), table.cell(0, 1)
    _cell_text(left, "UBND TỈNH THANH HÓA", size=13)
    issuing = _cell_text(left, "ỦY BAN NHÂN DÂN", size=13, bold=True)
    issuing.runs[0].add_break()
    _write(issuing, "HUYỆN QUAN SƠN", size=13, bold=True)
    widest = max(text_width_pt(t, 13, bold=True) for t in ("ỦY BAN NHÂN DÂN", "HUYỆN QUAN SƠN"))
    _rule_paragraph(left, (HEADER_COLUMNS[0] - CELL_MARGINS) / 20, widest * 0.4)
    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True)
    _cell_text(right, MOTTO, size=14, bold=True)
    _rule_paragraph(right, (HEADER_COLUMNS[1] - CELL_MARGINS) / 20,
                    text_width_pt(MOTTO, 14, bold=True))
    _cell_text(table.cell(1, 0), "Số: 05/QĐ-UBND", size=13)
    _cell_text(table.cell(1, 1), "Quan Sơn, ngày 05 tháng 02 năm 2022", size=14, italic=True)


def _body(doc, text: str, bold_lead: str = "", italic=False):
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.first_line_indent, fmt.space_before, fmt.space_after = Mm(10), Pt(6), Pt(0)
    fmt.line_spacing = 1.0
    paragraph.alignment = JUSTIFY
    if bold_lead:
        _write(paragraph, bold_lead, bold=True)
    return _write(paragraph, text, italic=italic)


def _title_block(doc) -> None:
    _write(doc.add_paragraph(), "QUYẾT ĐỊNH", bold=True, align=CENTER)
    summary = "Về việc công nhận xã đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2022"
    _write(doc.add_paragraph(), summary, bold=True, align=CENTER)
    width = min(text_width_pt(summary, 14, bold=True), TEXT_WIDTH_PT)
    _rule_paragraph(doc, TEXT_WIDTH_PT, width / 3)
    doc.add_paragraph()
    _write(doc.add_paragraph(), "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN QUAN SƠN", bold=True,
           align=CENTER)


def _decision_body(doc) -> None:
    _body(doc, "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
          italic=True)
    _body(doc, "Căn cứ Thông tư số 124/2021/TT-BCA ngày 30 tháng 12 năm 2021 của Bộ Công an;",
          italic=True)
    _body(doc, "Theo đề nghị của Trưởng Công an huyện Quan Sơn.", italic=True)
    _write(doc.add_paragraph(), "QUYẾT ĐỊNH:", bold=True, align=CENTER)
    _body(doc, " Công nhận 05 xã đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2022 "
          "(có danh sách kèm theo).", bold_lead="Điều 1.")
    _body(doc, " Quyết định này có hiệu lực kể từ ngày ký.", bold_lead="Điều 2.")
    _body(doc, " Chánh Văn phòng HĐND và UBND huyện, Trưởng Công an huyện và Chủ tịch UBND "
          "các xã có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.",
          bold_lead="Điều 3.")


def _footer_table(doc) -> None:
    table = _table(doc, (4200, 5155), rows=1)
    left, right = table.cell(0, 0), table.cell(0, 1)
    head = _cell_text(left, "Nơi nhận:", size=12, bold=True, italic=True)
    head.alignment = LEFT
    for entry in ("- Như Điều 3;", "- Công an tỉnh (b/c);", "- Lưu: VT, CA."):
        _cell_text(left, entry, size=11).alignment = LEFT
    _cell_text(right, "KT. CHỦ TỊCH", bold=True)
    _cell_text(right, "PHÓ CHỦ TỊCH", bold=True)
    for _ in range(4):
        right.add_paragraph()
    _cell_text(right, "Lương Tiến Thành", bold=True)


def _field_run(paragraph, kind: str, text: str = ""):
    run = paragraph.add_run()
    run.font.size = Pt(14)
    if kind == "instr":
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = text
        run._r.append(instr)
    else:
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)


def _page_number(paragraph) -> None:
    """A centred PAGE field (begin, code, separate, result, end), 14 pt."""
    paragraph.alignment = CENTER
    _field_run(paragraph, "begin")
    _field_run(paragraph, "instr", " PAGE   \\* MERGEFORMAT ")
    _field_run(paragraph, "separate")
    _write(paragraph, "2")
    _field_run(paragraph, "end")


def _page_numbers(section) -> None:
    section.different_first_page_header_footer = True
    section.header.is_linked_to_previous = False
    _page_number(section.header.paragraphs[0])
    section.first_page_header.is_linked_to_previous = False


def conforming_decision():
    """A decision laid out by ND30 (python-docx Document), the base of every mutation."""
    doc = docx.Document()
    _use_times_new_roman(doc)
    _a4(doc.sections[0])
    _header_table(doc)
    doc.add_paragraph()
    _title_block(doc)
    _decision_body(doc)
    _footer_table(doc)
    _page_numbers(doc.sections[0])
    return doc


def conforming_commitment():
    """A citizen's commitment form: Quốc hiệu but no agency, no Số, no date, no Nơi nhận."""
    doc = docx.Document()
    _use_times_new_roman(doc)
    _a4(doc.sections[0])
    _write(doc.add_paragraph(), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True,
           align=CENTER)
    _write(doc.add_paragraph(), MOTTO, bold=True, align=CENTER)
    _rule_paragraph(doc, TEXT_WIDTH_PT, text_width_pt(MOTTO, 14, bold=True) * 1.05)
    doc.add_paragraph()
    _write(doc.add_paragraph(), "BẢN CAM KẾT", bold=True, align=CENTER)
    _write(doc.add_paragraph(), "Thực hiện tiêu chuẩn “An toàn về an ninh, trật tự”",
           bold=True, align=CENTER)
    _rule_paragraph(doc, TEXT_WIDTH_PT, 120)
    _body(doc, "Tôi tên là: Nguyễn Văn An, sinh năm 1980, trú tại thôn Bản Lát, xã Tam Thanh.")
    _body(doc, "Tôi xin cam kết thực hiện tốt các tiêu chuẩn “An toàn về an ninh, trật tự”./.")
    table = _table(doc, (4200, 5155), rows=1)
    right = table.cell(0, 1)
    _cell_text(right, "NGƯỜI CAM KẾT", bold=True)
    _cell_text(right, "(Ký, ghi rõ họ tên)", italic=True)
    for _ in range(4):
        right.add_paragraph()
    _cell_text(right, "Nguyễn Văn An", bold=True)
    return doc


def to_bytes(doc) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def rule_ids(findings) -> set[str]:
    return {finding.rule for finding in findings}


def _paragraphs(doc):
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs


def find(doc, start: str):
    """The first paragraph (body or table) whose text starts with `start`."""
    return next(p for p in _paragraphs(doc) if p.text.startswith(start))


def retext(paragraph, text: str) -> None:
    """Replace the paragraph's text, keeping the first run's formatting."""
    for run in paragraph.runs[1:]:
        run._r.getparent().remove(run._r)
    for child in list(paragraph.runs[0]._r):
        if child.tag != qn("w:rPr"):
            paragraph.runs[0]._r.remove(child)
    paragraph.runs[0].text = text


def _each_run(paragraph, **attrs):
    for run in paragraph.runs:
        for name, value in attrs.items():
            setattr(run.font, name, value)


def _motto_rule(doc):
    return next(p for p in doc.tables[0].cell(0, 1).paragraphs if not p.text)


def _type_motto_rule(doc):
    paragraph = _motto_rule(doc)
    paragraph._p.remove(paragraph._p.pPr)
    _write(paragraph, "______________________________", align=CENTER)


def _remove_next(paragraph):
    """Remove the paragraph after `paragraph` (the line drawn under it)."""
    following = paragraph._p.getnext()
    following.getparent().remove(following)


_DRAWING_LINE = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:drawing>'
    '<wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
    '<wp:extent cx="{emu}" cy="0"/><wp:docPr id="9" name="Line"/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    '<wps:wsp xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    '<wps:cNvCnPr/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{emu}" cy="0"/></a:xfrm>'
    '<a:prstGeom prst="line"><a:avLst/></a:prstGeom></wps:spPr><wps:bodyPr/></wps:wsp>'
    '</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')
_VML_LINE = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:pict>'
    '<v:line xmlns:v="urn:schemas-microsoft-com:vml" from="0,0" to="{pt}pt,0"/></w:pict></w:r>')


def _motto_line_drawn(template: str, factor: float):
    """Replace the border under the Tiêu ngữ by a drawn line `factor` times its width."""
    def mutate(doc):
        paragraph = _motto_rule(doc)
        paragraph._p.remove(paragraph._p.pPr)
        width = text_width_pt(MOTTO, 14, bold=True) * factor
        paragraph._p.append(parse_xml(template.format(emu=round(width * 12700), pt=width)))
    return mutate


def _national_title_in_all_caps_format(doc):
    paragraph = find(doc, "CỘNG HÒA")
    retext(paragraph, "Cộng hòa xã hội chủ nghĩa Việt Nam")
    paragraph.runs[0].font.all_caps = True


def _recipients_in_one_paragraph(doc):
    """"Nơi nhận:" and its entries as lines of one paragraph, split by line breaks."""
    cell = doc.tables[-1].cell(0, 0)
    head, *entries = cell.paragraphs
    for entry in entries:
        head.runs[-1].add_break()
        _write(head, entry.text, size=11)
        entry._p.getparent().remove(entry._p)


def _letter_paper(doc):
    section = doc.sections[0]
    section.page_width, section.page_height = Twips(12240), Twips(15840)


def _move_date_to_first_row(doc):
    table = doc.tables[0]
    date = find(doc, "Quan Sơn")
    table.cell(0, 1)._tc.append(date._p)
    table.cell(1, 1)._tc.append(OxmlElement("w:p"))


def _drop_signature_room(doc):
    cell = doc.tables[-1].cell(0, 1)
    for paragraph in [p for p in cell.paragraphs if not p.text]:
        paragraph._p.getparent().remove(paragraph._p)


def _page_number_in_footer(doc):
    section = doc.sections[0]
    for run in list(section.header.paragraphs[0].runs):
        run._r.getparent().remove(run._r)
    section.footer.is_linked_to_previous = False
    _page_number(section.footer.paragraphs[0])


def _as_template(doc):
    """The decision as a docxtpl template: placeholders and paragraph control tags."""
    superior = find(doc, "UBND TỈNH")
    _write(superior.insert_paragraph_before(), "{%p if issuer.superior %}", size=14)
    retext(superior, "{{ issuer.superior }}")
    _write(find(doc, "ỦY BAN NHÂN DÂN").insert_paragraph_before(), "{%p endif %}")
    retext(find(doc, "ỦY BAN NHÂN DÂN"), "{{ issuer.name }}")
    retext(find(doc, "Số:"), "Số: {{ number }}/QĐ-{{ issuer.abbreviation }}")
    retext(find(doc, "Quan Sơn"), "{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ year }}")
    retext(find(doc, "Về việc"), "{{ summary }}")
    retext(find(doc, "Điều 3."), "Điều 3. {{ article3 }}")
    first = find(doc, "- Như Điều 3")
    _write(first.insert_paragraph_before(), "{%p for r in recipients %}", size=11)
    retext(first, "{{ r }}")
    retext(find(doc, "- Công an"), "{%p endfor %}")
    retext(find(doc, "Lương Tiến"), "{{ signer.name }}")


# --- tests --------------------------------------------------------------------------------

def test_conforming_decision_has_no_findings():
    findings = check(to_bytes(conforming_decision()))
    assert findings == [], format_findings(findings)


def test_conforming_commitment_form_has_no_findings():
    findings = check(to_bytes(conforming_commitment()))
    assert findings == [], format_findings(findings)


def test_landscape_a4_section_is_allowed():
    doc = conforming_decision()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Twips(16838), Twips(11906)
    assert check(to_bytes(doc)) == []


MUTATIONS = [
    pytest.param(_letter_paper, "page.paper", id="Letter paper is reported"),
    pytest.param(lambda d: setattr(d.sections[0], "left_margin", Mm(25)), "page.margins",
                 id="a left margin of 25 mm is reported"),
    pytest.param(lambda d: setattr(find(d, "Điều 2.").runs[1].font, "name", "Calibri"),
                 "font.family", id="Calibri in one run is reported"),
    pytest.param(lambda d: setattr(find(d, "Điều 2.").runs[1].font.color, "rgb",
                                   RGBColor(0xFF, 0, 0)), "font.color", id="red text is reported"),
    pytest.param(lambda d: _each_run(find(d, "QUYẾT ĐỊNH:"), size=Pt(16)), "font.size",
                 id="a 16 pt line outside the components is reported"),
    pytest.param(lambda d: _each_run(find(d, "CỘNG HÒA"), bold=False),
                 "header.national_title", id="a Quốc hiệu not in bold is reported"),
    pytest.param(lambda d: retext(find(d, "CỘNG HÒA"), "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                 "header.national_title", id="a Quốc hiệu spelt HOÀ is reported"),
    pytest.param(lambda d: retext(find(d, "Độc lập"), "Độc lập – Tự do – Hạnh phúc"),
                 "header.motto", id="a Tiêu ngữ with en dashes is reported"),
    pytest.param(lambda d: retext(find(d, "Độc lập"), "Độc lập-Tự do-Hạnh phúc"),
                 "header.motto", id="a Tiêu ngữ without spaces round the hyphens is reported"),
    pytest.param(lambda d: _each_run(find(d, "Độc lập"), size=Pt(13)), "header.motto",
                 id="Quốc hiệu 13 with Tiêu ngữ 13 is not a size set"),
    pytest.param(lambda d: setattr(_motto_rule(d).paragraph_format, "left_indent", Pt(100)),
                 "header.motto", id="a line under the Tiêu ngữ much shorter than it is reported"),
    pytest.param(_type_motto_rule, "header.motto",
                 id="underscores typed under the Tiêu ngữ are reported"),
    pytest.param(lambda d: _each_run(find(d, "UBND TỈNH"), bold=True), "header.body",
                 id="a superior body in bold is reported"),
    pytest.param(lambda d: _remove_next(find(d, "ỦY BAN NHÂN DÂN")), "header.body",
                 id="no line under the issuing body is reported"),
    pytest.param(lambda d: retext(find(d, "Số:"), "Số: 5/QĐ-UBND"), "header.number",
                 id="Số without a leading zero is reported"),
    pytest.param(lambda d: retext(find(d, "Số:"), "Số: 05/QĐ UBND"), "header.number",
                 id="a space inside the symbol is reported"),
    pytest.param(lambda d: _each_run(find(d, "Số:"), bold=True), "header.number",
                 id="Số in bold is reported"),
    pytest.param(lambda d: retext(find(d, "Quan Sơn"), "Quan Sơn, ngày 29 tháng 06 năm 2022"),
                 "header.date", id="a month 6 written tháng 06 is reported"),
    pytest.param(lambda d: retext(find(d, "Quan Sơn"), "Quan Sơn, ngày 15 tháng 2 năm 2022"),
                 "header.date", id="a month 2 written without its zero is reported"),
    pytest.param(lambda d: retext(find(d, "Quan Sơn"), "Quan Sơn, ngày 30 tháng 02 năm 2022"),
                 "header.date", id="30 February is reported"),
    pytest.param(lambda d: _each_run(find(d, "Quan Sơn"), italic=False), "header.date",
                 id="a date line not in italics is reported"),
    pytest.param(_move_date_to_first_row, "header.date",
                 id="a date line not on the row of Số is reported"),
    pytest.param(lambda d: _each_run(find(d, "QUYẾT ĐỊNH"), size=Pt(16)), "title.kind",
                 id="a title at 16 pt is reported"),
    pytest.param(lambda d: _each_run(find(d, "Về việc"), bold=False), "title.kind",
                 id="a trích yếu not in bold is reported"),
    pytest.param(lambda d: _remove_next(find(d, "Về việc")), "title.kind",
                 id="no line under the trích yếu is reported"),
    pytest.param(lambda d: setattr(find(d, "Điều 2."), "alignment", LEFT), "body.paragraph",
                 id="a body paragraph aligned left is reported"),
    pytest.param(lambda d: setattr(find(d, "Điều 2.").paragraph_format, "first_line_indent",
                                   Mm(-5)), "body.paragraph", id="a hanging indent is reported"),
    pytest.param(lambda d: setattr(find(d, "Điều 2.").paragraph_format, "line_spacing", 2.0),
                 "body.paragraph", id="double line spacing is reported"),
    pytest.param(lambda d: setattr(find(d, "Điều 2.").paragraph_format, "space_before", Pt(0)),
                 "body.paragraph", id="no space between paragraphs is reported"),
    pytest.param(lambda d: retext(find(d, "Điều 3."), "Điều 3. Các cơ quan thi hành."),
                 "body.ending", id="a body not ending with ./. is reported"),
    pytest.param(lambda d: _each_run(find(d, "Nơi nhận"), italic=False), "footer.recipients",
                 id="Nơi nhận not italic is reported"),
    pytest.param(lambda d: _each_run(find(d, "Nơi nhận"), underline=True), "footer.recipients",
                 id="Nơi nhận underlined is reported"),
    pytest.param(lambda d: _each_run(find(d, "- Như Điều 3"), size=Pt(12)),
                 "footer.recipients", id="an entry at 12 pt is reported"),
    pytest.param(lambda d: retext(find(d, "- Như Điều 3"), "- Như Điều 3"),
                 "footer.recipients", id="an entry without its semicolon is reported"),
    pytest.param(lambda d: retext(find(d, "Lương Tiến"), "Ông Lương Tiến Thành"),
                 "footer.signature", id="a name after Ông is reported"),
    pytest.param(_drop_signature_room, "footer.signature", id="no room to sign is reported"),
    pytest.param(lambda d: retext(find(d, "KT. CHỦ"), "KT CHỦ TỊCH"), "footer.signature",
                 id="an authority prefix without its dot is reported"),
    pytest.param(lambda d: setattr(d.sections[0], "different_first_page_header_footer", False),
                 "page.numbers", id="page number shown on page 1 is reported"),
    pytest.param(_page_number_in_footer, "page.numbers", id="a page number in the footer"),
    pytest.param(lambda d: setattr(d.sections[0].header.paragraphs[0], "alignment", LEFT),
                 "page.numbers", id="a page number not centred is reported"),
]


@pytest.mark.parametrize("mutate, expected", MUTATIONS)
def test_one_mutation_is_reported_under_its_rule(mutate, expected):
    doc = conforming_decision()
    mutate(doc)
    findings = check(to_bytes(doc))
    assert rule_ids(findings) == {expected}, format_findings(findings)


@pytest.mark.parametrize("mutate, expected", [
    pytest.param(_motto_line_drawn(_DRAWING_LINE, 1.0), set(),
                 id="a DrawingML line as long as the Tiêu ngữ is accepted"),
    pytest.param(_motto_line_drawn(_VML_LINE, 1.1), set(),
                 id="a VML line as long as the Tiêu ngữ is accepted"),
    pytest.param(_motto_line_drawn(_DRAWING_LINE, 0.5), {"header.motto"},
                 id="a drawn line half as long as the Tiêu ngữ is reported"),
    pytest.param(_motto_line_drawn(_VML_LINE, 1.4), {"header.motto"},
                 id="a VML line much longer than the Tiêu ngữ is reported"),
    pytest.param(_national_title_in_all_caps_format, set(),
                 id="a Quốc hiệu typed in lower case and formatted as capitals is accepted"),
    pytest.param(_recipients_in_one_paragraph, set(),
                 id="Nơi nhận and its entries split by line breaks are accepted"),
    pytest.param(lambda d: setattr(find(d, "- Lưu").runs[0], "text", "- Lưu: VT, CA"),
                 {"footer.recipients"}, id="a last entry without its full stop is reported"),
])
def test_layout_variants(mutate, expected):
    doc = conforming_decision()
    mutate(doc)
    assert rule_ids(check(to_bytes(doc))) == expected


def test_a_docxtpl_template_is_checked_without_guessing_its_text():
    doc = conforming_decision()
    _as_template(doc)
    findings = check(to_bytes(doc))
    assert findings == [], format_findings(findings)
    _each_run(find(doc, "{{ r }}"), size=Pt(13))
    assert rule_ids(check(to_bytes(doc))) == {"footer.recipients"}


def test_every_rule_has_a_mutation():
    tested = {param.values[1] for param in MUTATIONS}
    assert tested == {item.id for item in RULES}


def test_default_python_docx_document_is_reported():
    doc = docx.Document()
    doc.add_paragraph("Một đoạn văn bản bất kỳ, soạn bằng mẫu mặc định của python-docx.")
    found = rule_ids(check(to_bytes(doc)))
    assert {"page.paper", "page.margins", "font.family"} <= found


def test_messages_name_what_where_and_what_is_expected():
    doc = conforming_decision()
    _letter_paper(doc)
    (finding,) = check(to_bytes(doc))
    assert finding == Finding(
        "page.paper", "Khổ giấy phần 1 là 215,9 × 279,4 mm (Letter); ND30 yêu cầu A4 "
        "210 × 297 mm", "phần 1")
    assert format_findings([finding]) == f"page.paper: {finding.message} [phần 1]"
    with pytest.raises(AttributeError):
        finding.rule = "x"


def test_findings_name_the_paragraph_and_its_text():
    doc = conforming_decision()
    _each_run(find(doc, "Nơi nhận"), italic=False)
    (finding,) = check(to_bytes(doc))
    assert finding.message == "«Nơi nhận:» không in nghiêng; ND30 yêu cầu chữ nghiêng"
    assert finding.location.endswith("(bảng 2, hàng 1, cột 1): «Nơi nhận:»")


def test_month_message_says_what_is_expected():
    doc = conforming_decision()
    retext(find(doc, "Quan Sơn"), "Quan Sơn, ngày 29 tháng 06 năm 2022")
    (finding,) = check(to_bytes(doc))
    assert "«06»" in finding.message and "«tháng 6»" in finding.message


def test_rules_are_unique_described_records():
    ids = [item.id for item in RULES]
    assert len(ids) == len(set(ids)) == 16
    assert all(item.title_vi and item.description and callable(item.check) for item in RULES)
    assert rule("header.date").title_vi == "Địa danh, ngày tháng"


def test_check_accepts_a_path_bytes_and_a_file(tmp_path: Path):
    data = to_bytes(conforming_decision())
    path = tmp_path / "quyet-dinh.docx"
    path.write_bytes(data)
    assert check(path) == check(str(path)) == check(data) == check(io.BytesIO(data)) == []


def test_a_broken_file_is_a_user_error():
    with pytest.raises(NotADocx) as caught:
        check(b"not a zip file")
    assert caught.value.exit_code == 2
    assert "DOCX" in str(caught.value)


def test_repeated_faults_in_a_merged_batch_are_one_finding():
    doc = conforming_commitment()
    body = doc.element.body
    forms = [copy.deepcopy(el) for el in body if el.tag != qn("w:sectPr")]
    for _ in range(3):
        for el in forms:
            body.find(qn("w:sectPr")).addprevious(copy.deepcopy(el))
    for paragraph in doc.paragraphs:
        if paragraph.text.startswith("BẢN CAM KẾT"):
            _each_run(paragraph, size=Pt(16))
    findings = check(to_bytes(doc))
    assert rule_ids(findings) == {"title.kind"}
    (finding,) = findings
    assert finding.location.endswith("(và 3 chỗ khác)")


def _long_table_document(rows: int):
    doc = conforming_decision()
    table = _table(doc, (1000, 4000, 2355, 2000), rows=1)
    for cell, text in zip(table.rows[0].cells, ("1", "Xã Tam Thanh", "Khá", "Đạt"), strict=True):
        run = _write(cell.paragraphs[0], text, size=13).runs[0]
        run.font.name = "Arial"
    row = table.rows[0]._tr
    for _ in range(rows - 1):
        row.addnext(copy.deepcopy(row))
    find(doc, "Điều 2.")._p.addprevious(table._tbl)
    return doc


def test_a_5000_row_table_gives_a_handful_of_aggregated_findings():
    findings = check(to_bytes(_long_table_document(5000)))
    assert rule_ids(findings) == {"font.family"}
    (finding,) = findings
    assert "«Arial» ở 20000 đoạn trong bảng" in finding.message


@pytest.mark.parametrize("text, problem", [
    ("Số: 05/QĐ-UBND", None),
    ("Số:      /KH-BCĐ", None),
    ("Số: 123/BC-CAH", None),
    ("Số: 12/TTr-UBND", None),
    ("Số: {{ so }}/QĐ-UBND", None),
    ("Số: 5/QĐ-UBND", "thiếu số 0"),
    ("Số:05/QĐ-UBND", "dấu cách"),
    ("Số: 05 /QĐ-UBND", "dấu cách"),
    ("Số: 05/qđ-ubnd", "Ký hiệu"),
    ("SỐ: 05/QĐ-UBND", "không đúng mẫu"),
    ("Số: 05-QĐ-UBND", "không đúng mẫu"),
])
def test_number_format(text, problem):
    found = number_problem(text)
    assert (found is None) if problem is None else (problem in found)


@pytest.mark.parametrize("text, problem", [
    ("Quan Sơn, ngày 05 tháng 02 năm 2022", None),
    ("Quan Sơn, ngày 29 tháng 6 năm 2019", None),
    ("Quan Sơn, ngày 15 tháng 12 năm 2022", None),
    ("Quan Sơn, ngày      tháng      năm 2022", None),
    ("Quan Sơn, ngày 5 tháng 02 năm 2022", "Ngày «5»"),
    ("Quan Sơn, ngày 05 tháng 2 năm 2022", "thiếu số 0"),
    ("Quan Sơn, ngày 29 tháng 06 năm 2019", "có số 0"),
    ("Quan Sơn, ngày 31 tháng 4 năm 2022", "không có trên lịch"),
    ("quan Sơn, ngày 05 tháng 02 năm 2022", "Địa danh"),
    ("Quan Sơn, ngày 05 tháng 02 năm 22", "Năm «22»"),
])
def test_date_format(text, problem):
    found = date_problem(text)
    assert (found is None) if problem is None else (problem in found)


# --- metrics ------------------------------------------------------------------------------

def test_widths_follow_liberation_serif_advances():
    assert text_width_pt(" ", 12) == 3.0                       # 512 units at 12 pt
    assert text_width_pt("ạ", 12) == text_width_pt("a", 12)    # marks have no advance
    assert text_width_pt("Ư", 12) > text_width_pt("U", 12)     # horn letters are wider
    assert text_width_pt("ớ", 14, bold=True) == text_width_pt("ơ", 14, bold=True)
    assert text_width_pt("Hạnh phúc", 13, bold=True) > text_width_pt("Hạnh phúc", 13)
    decomposed = unicodedata.normalize("NFD", "Độc lập - Tự do - Hạnh phúc")
    assert text_width_pt(decomposed, 14, True) == text_width_pt(MOTTO, 14, True)
    assert round(text_width_pt(MOTTO, 14, bold=True), 2) == 171.38


def test_embedded_width_table_matches_the_fonts():
    pytest.importorskip("fontTools")
    if not Path(metrics.DEFAULT_FONT_DIR, "LiberationSerif-Regular.ttf").exists():
        pytest.skip("Liberation Serif fonts (fonts-liberation2) are not installed")
    source = Path(metrics.__file__).read_text(encoding="utf-8")
    assert metrics.generate_table() in source
