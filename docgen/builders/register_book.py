"""Builds templates_docx/register_book.docx: the outgoing register (sổ đăng ký văn bản đi)
as Nghị định 30/2020 Phụ lục IV gives it, for printing and binding at the end of the year —
a cover (the bodies, SỔ ĐĂNG KÝ VĂN BẢN ĐI, the year, the dates and numbers it spans, the
volume), then one table of ten columns across A4 landscape with its header and column
numbers repeated on every page, one row per issued document.

The context gives `issuer` (as documents have it), `year`, `first_date`, `last_date`,
`first_number`, `last_number`, `volume` and `rows` (see docgen.register.book)."""

from __future__ import annotations

from typing import NamedTuple

from . import blocks as b, lists

TEMPLATE = "register_book.docx"
TAG = lists.TAG
CELL = b.Style(size=12, align=b.LEFT, indent=False, after=0, before=2)
CELL_CENTER = b.Style(size=12, align=b.CENTER, indent=False, after=0, before=2)
CELL_HEAD = b.Style(size=12, bold=True, align=b.CENTER, indent=False, after=0, before=2)
CELL_NUMBER = b.Style(size=12, italic=True, align=b.CENTER, indent=False, after=0)
COVER = b.Style(size=14, align=b.CENTER, indent=False, after=6)


class Column(NamedTuple):
    header: str
    value: str        # the Jinja expression of a row's cell
    width: int        # twips
    centred: bool = False


# Phụ lục IV, "Mẫu sổ đăng ký văn bản đi": the columns (1)–(10) in this order.
COLUMNS = (
    Column("Số, ký hiệu văn bản", "{{ r.symbol }}", 1400, True),
    Column("Ngày tháng văn bản", "{{ r.date }}", 1400, True),
    Column("Tên loại và trích yếu nội dung văn bản", "{{ r.title }}", 3050),
    Column("Người ký", "{{ r.signer }}", 1400),
    Column("Nơi nhận văn bản", "{{ r.recipients }}", 2100),
    Column("Đơn vị, người nhận bản lưu", "{{ r.archive }}", 1200),
    Column("Số lượng bản", "{{ r.copies }}", 900, True),
    Column("Ngày chuyển", "{{ r.sent }}", 1000, True),
    Column("Ký nhận", "{{ r.receipt }}", 936),
    Column("Ghi chú", "{{ r.note }}", 900),
)


def build(path) -> None:
    assert sum(c.width for c in COLUMNS) == b.LANDSCAPE_TEXT_WIDTH
    doc = b.new_document()
    b.set_page(doc.sections[0], landscape=True)
    _cover(doc)
    b.new_section(doc, landscape=True)
    b.page_numbers(doc.sections[1], restart=True)
    _table(doc)
    b.paragraph(doc, "", b.Style(size=1, align=b.LEFT, indent=False, after=0))
    doc.core_properties.title = "Sổ đăng ký văn bản đi"
    doc.core_properties.author = "docgen"
    b.save(doc, path)


def _cover(doc) -> None:
    """The cover: the bodies at the top left, then the register's title and span centred."""
    table = b.borderless_table(doc, [b.HEADER_LEFT, b.LANDSCAPE_TEXT_WIDTH - b.HEADER_LEFT])
    b.agency(table.rows[0].cells[0])
    b.paragraph(table.rows[0].cells[1], "", b.Style(size=13, align=b.CENTER, indent=False, after=0))
    for _ in range(4):
        b.paragraph(doc, "", COVER)
    b.paragraph(doc, "SỔ ĐĂNG KÝ VĂN BẢN ĐI", b.Style(bold=True, align=b.CENTER, indent=False,
                                                        after=24))
    b.paragraph(doc, "Năm: {{ year }}", b.Style(bold=True, align=b.CENTER, indent=False,
                                                 after=12))
    b.paragraph(doc, "Từ ngày {{ first_date }} đến ngày {{ last_date }}", COVER)
    b.paragraph(doc, "Từ số {{ first_number }} đến số {{ last_number }}", COVER)
    b.paragraph(doc, "Quyển số: {{ volume }}", COVER)


def _table(doc) -> None:
    table = b.grid_table(doc, [c.width for c in COLUMNS], rows=5)
    head, numbers, start, row, end = table.rows
    for cell, column in zip(head.cells, COLUMNS, strict=True):
        b.paragraph(cell, column.header, CELL_HEAD)
        cell.vertical_alignment = 1  # centre
    b.row_flags(head, header=True)
    for i, cell in enumerate(numbers.cells, 1):
        b.paragraph(cell, f"({i})", CELL_NUMBER)
    b.row_flags(numbers, header=True)
    b.paragraph(b.merge_row(start), "{%tr for r in rows %}", TAG)
    b.paragraph(b.merge_row(end), "{%tr endfor %}", TAG)
    for cell, column in zip(row.cells, COLUMNS, strict=True):
        b.paragraph(cell, column.value, CELL_CENTER if column.centred else CELL)
    b.row_flags(row)
