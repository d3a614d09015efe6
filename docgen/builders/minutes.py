"""Builds templates_docx/minutes.docx after ND30 Phụ lục III, Mẫu 1.9 (Biên bản): the unit's
letterhead with an optional Số and no date line, BIÊN BẢN and its trích yếu, Thời gian,
Địa điểm, Thành phần tham dự, Chủ trì, Thư ký, the content (the criteria and their
results as a table, the opinions, the conclusion), the closing time, the signatures of
the secretary (left) and the chair (right), and Nơi nhận under them."""

from __future__ import annotations

from . import blocks as b
from .lists import CELL, CELL_CENTER, CELL_HEAD, TAG
from .score_sheet import signature_pair

TEMPLATE = "minutes.docx"
WIDTHS = (700, 6854, 1800)
KHOAN = b.Style(bold=True, keep_next=True)


def build(path) -> None:
    doc = b.new_document()
    b.page_numbers(doc.sections[0])
    _header(doc)
    b.title_block(doc, "BIÊN BẢN", "{{ summary }}")
    b.paragraph(doc, "{{ time_line }}")
    b.paragraph(doc, "{{ location_line }}")
    b.paragraph(doc, "Thành phần tham dự:", b.Style(keep_next=True))
    _loop(doc, "attendees", "line")
    b.paragraph(doc, "{{ chair_line }}")
    b.paragraph(doc, "{{ secretary_line }}")
    b.paragraph(doc, "Nội dung:", KHOAN)
    b.paragraph(doc, "{{ criteria_title }}", KHOAN)
    _criteria(doc)
    b.paragraph(doc, "2. Ý kiến phát biểu", b.Style(bold=True, keep_next=True, before=6))
    _loop(doc, "opinions", "line")
    _loop(doc, "opinion_blanks", "line")
    b.paragraph(doc, "3. Kết luận", KHOAN)
    b.paragraph(doc, "{{ conclusion }}")
    b.paragraph(doc, "{{ end_line }}", b.Style(keep_next=True))
    _recipients(signature_pair(doc, "secretary", "chair"))
    b.paragraph(doc, "", b.Style(size=1, align=b.LEFT, indent=False, after=0))
    doc.core_properties.title = "Biên bản cuộc họp đánh giá An toàn về an ninh, trật tự"
    doc.core_properties.author = "docgen"
    b.save(doc, path)


def _header(doc) -> None:
    """The unit (its superior above) with its line, Quốc hiệu and Tiêu ngữ; under the unit
    its Số when it numbers its minutes. Mẫu 1.9 has no place-and-date line."""
    table = b.borderless_table(doc, [b.HEADER_LEFT, b.HEADER_RIGHT], rows=2)
    left, right = table.rows[0].cells
    b.agency(left)
    b.national_title(right)
    left, right = table.rows[1].cells
    b.paragraph(left, "{{ number_line }}", b.Style(size=13, align=b.CENTER, indent=False,
                                                   after=0, before=6))
    b.paragraph(right, "", b.Style(size=14, align=b.CENTER, indent=False, after=0, before=6))


def _loop(doc, items: str, name: str, style: b.Style = b.BODY) -> None:
    b.paragraph(doc, f"{{%p for {name} in {items} %}}")
    b.paragraph(doc, f"{{{{ {name} }}}}", style)
    b.paragraph(doc, "{%p endfor %}")


def _criteria(doc) -> None:
    """TT | Tiêu chí | Kết quả, the header row repeated on every page."""
    table = b.grid_table(doc, list(WIDTHS), rows=4)
    head, loop, row, end = table.rows
    for cell, title in zip(head.cells, ("TT", "Tiêu chí", "Kết quả"), strict=True):
        b.paragraph(cell, title, CELL_HEAD)
    b.row_flags(head, header=True)
    b.paragraph(b.merge_row(loop), "{%tr for c in criteria %}", TAG)
    b.paragraph(b.merge_row(end), "{%tr endfor %}", TAG)
    for cell, value, style in zip(row.cells, ("{{ c.tt }}", "{{ c.text }}", "{{ c.result }}"),
                                  (CELL_CENTER, CELL, CELL_CENTER), strict=True):
        b.paragraph(cell, value, style)
    b.row_flags(row)


def _recipients(table) -> None:
    """Nơi nhận at the left margin under the signatures, as Mẫu 1.9 places it: a last row
    of the signatures' table, so it never parts from them."""
    row = table.add_row()
    b.row_flags(row)
    left, right = row.cells
    for cell in row.cells:
        for p in list(cell.paragraphs):
            cell._tc.remove(p._p)
    b.paragraph(left, "Nơi nhận:", b.Style(size=12, bold=True, italic=True, align=b.LEFT,
                                           indent=False, after=0, before=12))
    for text in b.RECIPIENTS_LOOP:
        b.paragraph(left, text, b.Style(size=11, align=b.LEFT, indent=False, after=0))
    b.paragraph(right, "", b.Style(size=11, align=b.LEFT, indent=False, after=0))
