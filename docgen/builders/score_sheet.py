"""Builds templates_docx/score_sheet.docx: a unit's scoring sheet on its letterhead (ND30
header, no number, place and date), the title, the unit, then the table TT | Nội dung chấm
điểm | Điểm chuẩn | Điểm tự chấm | Điểm thẩm định with its sections, criteria and total row
(the header row repeated on every page), and two signatures: the reviewing body and the
unit's head."""

from __future__ import annotations

from . import blocks as b
from .lists import TAG
from .registration import unit_header

TEMPLATE = "score_sheet.docx"
WIDTHS = (650, 5504, 1050, 1050, 1100)
HEADERS = ("TT", "Nội dung chấm điểm", "Điểm chuẩn", "Điểm tự chấm", "Điểm thẩm định")
# 12 pt in the table, so that a residential area's sheet and its signatures fit one page.
CELL = b.Style(size=12, align=b.LEFT, indent=False, after=0, before=1)
CELL_CENTER = b.Style(size=12, align=b.CENTER, indent=False, after=0, before=1)
CELL_HEAD = b.Style(size=12, bold=True, align=b.CENTER, indent=False, after=0, before=1)
BOLD = b.Style(size=12, bold=True, align=b.LEFT, indent=False, after=0, before=1)
BOLD_CENTER = b.Style(size=12, bold=True, align=b.CENTER, indent=False, after=0, before=1)


def build(path) -> None:
    doc = b.new_document()
    b.page_numbers(doc.sections[0])
    unit_header(doc)
    b.title_block(doc, "PHIẾU CHẤM ĐIỂM", "{{ summary }}")
    b.paragraph(doc, "{{ basis }}", b.Style(italic=True, align=b.CENTER, indent=False, after=3))
    b.paragraph(doc, "{{ unit_line }}")
    _table(doc)
    b.paragraph(doc, "{{ result_line }}", b.Style(before=3, keep_next=True))
    signature_pair(doc, "reviewer", "head")
    b.paragraph(doc, "", b.Style(size=1, align=b.LEFT, indent=False, after=0))
    doc.core_properties.title = "Phiếu chấm điểm đánh giá, phân loại phong trào"
    doc.core_properties.author = "docgen"
    b.save(doc, path)


def _table(doc) -> None:
    table = b.grid_table(doc, list(WIDTHS), rows=8)
    head, loop, if_section, section, other, item, end_if, end_loop = table.rows
    for cell, title in zip(head.cells, HEADERS, strict=True):
        b.paragraph(cell, title, CELL_HEAD)
    b.row_flags(head, header=True)
    for row, tag in ((loop, "{%tr for r in rows %}"), (if_section, "{%tr if r.section %}"),
                     (other, "{%tr else %}"), (end_if, "{%tr endif %}"),
                     (end_loop, "{%tr endfor %}")):
        b.paragraph(b.merge_row(row), tag, TAG)
    _cells(section, BOLD_CENTER, BOLD)
    _cells(item, CELL_CENTER, CELL)
    total = table.add_row()
    merged = total.cells[0].merge(total.cells[1])
    for p in list(merged.paragraphs):
        merged._tc.remove(p._p)
    b.paragraph(merged, "Tổng cộng", BOLD_CENTER)
    for cell, value in zip(total.cells[2:], ("{{ total.points }}", "{{ total.self }}",
                                             "{{ total.reviewed }}"), strict=True):
        for p in list(cell.paragraphs):
            cell._tc.remove(p._p)
        b.paragraph(cell, value, BOLD_CENTER)
    b.row_flags(total)
    for row in table.rows:
        for cell in row.cells:
            if not cell.paragraphs:
                cell.add_paragraph()


def _cells(row, centred, left) -> None:
    values = ("{{ r.tt }}", "{{ r.content }}", "{{ r.points }}", "{{ r.self }}",
              "{{ r.reviewed }}")
    for i, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
        for p in list(cell.paragraphs):
            cell._tc.remove(p._p)
        b.paragraph(cell, value, left if i == 1 else centred)
    b.row_flags(row)


def signature_pair(doc, left: str, right: str):
    """Two signatures side by side: each column's upper-case bold lines (`X.lines`) and
    «(Ký, ghi rõ họ tên)» on the first row, room to sign and the name (`X.name`, blank to
    write by hand) on the second, so the names stand level however many lines are above."""
    half = b.TEXT_WIDTH // 2
    table = b.borderless_table(doc, [half, b.TEXT_WIDTH - half], rows=2)
    for row in table.rows:
        b.row_flags(row)
    centre = b.Style(size=14, align=b.CENTER, indent=False, after=0)
    for cell, who in zip(table.rows[0].cells, (left, right), strict=True):
        b.paragraph(cell, f"{{%p for line in {who}.lines %}}", centre)
        b.paragraph(cell, "{{ line }}", b.Style(size=14, bold=True, align=b.CENTER,
                                                indent=False, after=0))
        b.paragraph(cell, "{%p endfor %}", centre)
        b.paragraph(cell, "(Ký, ghi rõ họ tên)", b.Style(size=14, italic=True, align=b.CENTER,
                                                         indent=False, after=0))
    for cell, who in zip(table.rows[1].cells, (left, right), strict=True):
        for _ in range(3):      # room to sign, about 2 cm
            b.paragraph(cell, "", centre)
        b.paragraph(cell, f"{{{{ {who}.name }}}}", b.Style(size=14, bold=True, align=b.CENTER,
                                                          indent=False, after=0))
    # The titles stay with the names (and the first row with the line before the table).
    for cell in table.rows[0].cells:
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True
    return table
