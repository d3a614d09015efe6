"""Builds templates_docx/household_list.docx: the area's letterhead (no number), DANH SÁCH
and its title, the table STT | Họ và tên chủ hộ | Địa chỉ | Ký tên with its header row
repeated on every page and rows tall enough to sign in, the counts, the head's signature."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from . import blocks as b, lists

TEMPLATE = "household_list.docx"
WIDTHS = (800, 3500, 3000, 2054)     # twips; together the text width (165 mm)
ROW_HEIGHT = 624                     # 11 mm: room for a signature


def build(path) -> None:
    assert sum(WIDTHS) == b.TEXT_WIDTH
    doc = b.new_document()
    b.page_numbers(doc.sections[0])
    b.header_block(doc, superior="{{ issuer.superior }}", body="{{ issuer.name }}",
                   number="", place_date="{{ place_date }}")
    b.title_block(doc, "DANH SÁCH", "{{ summary }}")
    b.paragraph(doc, "{{ area_line }}", b.Style(align=b.CENTER, indent=False, after=6,
                                                keep_next=True))
    _table(doc)
    b.paragraph(doc, "", b.Style(size=6, align=b.LEFT, indent=False, after=0))
    b.paragraph(doc, "{{ count_line }}", b.Style(keep_next=True))
    b.paragraph(doc, "{{ share_line }}", b.Style(keep_next=True))
    _signature(doc)
    b.paragraph(doc, "", b.Style(size=1, align=b.LEFT, indent=False, after=0))
    doc.core_properties.title = ("Danh sách hộ gia đình đăng ký tham gia xây dựng khu dân cư "
                                 "An toàn về an ninh, trật tự")
    doc.core_properties.author = "docgen"
    b.save(doc, path)


def _table(doc) -> None:
    table = b.grid_table(doc, list(WIDTHS), rows=4)
    head, start, row, end = table.rows
    for cell, label in zip(head.cells, ("STT", "Họ và tên chủ hộ", "Địa chỉ", "Ký tên"),
                           strict=True):
        b.paragraph(cell, label, lists.CELL_HEAD)
    b.row_flags(head, header=True)
    b.paragraph(b.merge_row(start), "{%tr for r in rows %}", lists.TAG)
    b.paragraph(b.merge_row(end), "{%tr endfor %}", lists.TAG)
    for cell, value, centred in zip(row.cells, ("{{ r.stt }}", "{{ r.name }}",
                                                "{{ r.address }}", ""),
                                    (True, False, False, False), strict=True):
        b.paragraph(cell, value, lists.CELL_CENTER if centred else lists.CELL)
        cell.vertical_alignment = 1  # centre
    b.row_flags(row)
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(ROW_HEIGHT))
    height.set(qn("w:hRule"), "atLeast")
    row._tr.get_or_add_trPr().append(height)


def _signature(doc) -> None:
    """The head who made the list signs on the right; nothing on the left (no Nơi nhận)."""
    b.footer_block(doc, recipients_loop=None, signature=(("NGƯỜI LẬP DANH SÁCH", "line"),
                                                         ("{{ head.title }}", "line")),
                   name="{{ head.name }}")
