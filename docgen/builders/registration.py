"""Builds templates_docx/registration.docx: a unit's registration on its own letterhead
(ND30 header with the unit as issuing body, no number), Kính gửi, the criteria, Nơi nhận
and the head's signature; page numbers from page 2."""

from __future__ import annotations

from docx.shared import Twips

from . import blocks as b

TEMPLATE = "registration.docx"
TO_INDENT = 1985 + 1247     # twips: where the recipients' "-" line up (3.5 cm + "Kính gửi: ")
TO_HANG = 1247              # width of "Kính gửi: " at 14 pt, a little rounded up


def build(path) -> None:
    doc = b.new_document()
    b.page_numbers(doc.sections[0])
    unit_header(doc)
    b.title_block(doc, "BẢN ĐĂNG KÝ", "Phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm "
                                    "{{ year }}")
    to = b.paragraph(doc, "{%p for line in to_lines %}", b.Style(align=b.LEFT, indent=False))
    to = b.paragraph(doc, "{{ line }}", b.Style(align=b.LEFT, indent=False, after=0))
    fmt = to.paragraph_format
    fmt.left_indent, fmt.first_line_indent = Twips(TO_INDENT), Twips(-TO_HANG)
    fmt.tab_stops.add_tab_stop(Twips(TO_INDENT))
    b.paragraph(doc, "{%p endfor %}", b.Style(align=b.LEFT, indent=False))
    b.paragraph(doc, "", b.Style(size=6, align=b.LEFT, indent=False, after=0))
    b.paragraph(doc, "{%p for basis in bases %}")
    b.paragraph(doc, "{{ basis }}")
    b.paragraph(doc, "{%p endfor %}")
    b.paragraph(doc, "{{ lead }}")
    b.paragraph(doc, "{%p for item in criteria %}")
    b.paragraph(doc, "{{ item }}")
    b.paragraph(doc, "{%p endfor %}")
    b.paragraph(doc, "{{ closing }}", b.Style(keep_next=True))
    b.footer_block(doc)
    b.row_flags(doc.tables[-1].rows[0])     # Nơi nhận and the signature stay on one page
    # Word wants the body to end with a paragraph; a tiny one keeps the page count.
    b.paragraph(doc, "", b.Style(size=1, align=b.LEFT, indent=False, after=0))
    doc.core_properties.title = "Bản đăng ký phấn đấu đạt tiêu chuẩn An toàn về an ninh, trật tự"
    doc.core_properties.author = "docgen"
    b.save(doc, path)


def unit_header(doc) -> None:
    """ND30 header of a unit's own paper (also the score sheet's): the unit (its superior
    above) with a line fitted to its name, Quốc hiệu and Tiêu ngữ; the second row holds only
    the place and date (no number)."""
    table = b.borderless_table(doc, [b.HEADER_LEFT, b.HEADER_RIGHT], rows=2)
    left, right = table.rows[0].cells
    b.agency(left)
    b.national_title(right)
    left, right = table.rows[1].cells
    b.paragraph(left, "", b.Style(size=13, align=b.CENTER, indent=False, after=0, before=6))
    b.paragraph(right, "{{ place_date }}", b.Style(size=14, italic=True, align=b.CENTER,
                                                   indent=False, after=0, before=6))
