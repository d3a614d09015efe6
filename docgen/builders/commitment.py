"""Builds templates_docx/commitment.docx: a citizen's commitment form on one A4 page.

No agency column and no number: the form is the citizen's, so Quốc hiệu and Tiêu ngữ
stand alone, centred. Two signature columns at the foot: the confirming head (left) and
the person committing (right), under an italic place and date on the right. It uses
ND30's 12/13/13 size set (body 13 pt) so eight commitments, the fields and room for two
handwritten signatures fit on one page with slack for longer addresses.
"""

from __future__ import annotations

from docx.shared import Pt, Twips

from . import blocks as b

TEMPLATE = "commitment.docx"
# Static words with the year as a tag: a clerk editing the template reads the title.
SUBTITLE = "Thực hiện tiêu chuẩn “An toàn về an ninh, trật tự” năm {{ year }}"
SIZE = 13
HALF = b.TEXT_WIDTH // 2
SIGNING_LINES = 4  # empty lines left for the handwritten signature
TAB_AT = 6520  # twips: "Năm sinh" after the name, on the same line
# A blank field prints a dotted gap sized for what is written by hand (12 digits of a CCCD,
# 4 of a year) that fits before the tab stop or the right margin; the context's gap may be
# longer. A filled field prints whole.
CCCD = "{{ id_number if id_number[:1] != '…' else id_number[:12] }}"
BIRTH = "{{ birth_year if birth_year[:1] != '…' else birth_year[:8] }}"
FIELD = b.Style(size=SIZE, after=6)
ITEM = b.Style(size=SIZE, after=6)
CENTRED = b.Style(size=SIZE, align=b.CENTER, indent=False, after=0)
HEAD = b.Style(size=SIZE, bold=True, align=b.CENTER, indent=False, after=0)


def build(path) -> None:
    doc = b.new_document()
    b.paragraph(doc, b.NATIONAL_TITLE, b.Style(size=12, bold=True, align=b.CENTER, indent=False,
                                                after=0))
    motto = b.paragraph(doc, b.MOTTO, b.Style(size=13, bold=True, align=b.CENTER, indent=False,
                                              after=0))
    b.underline_paragraph(motto, b.MOTTO, 13, bold=True, cell_twips=b.TEXT_WIDTH + b.CELL_MARGINS)
    b.paragraph(doc, "BẢN CAM KẾT", b.Style(size=14, bold=True, align=b.CENTER, indent=False,
                                            before=18, after=0, keep_next=True))
    b.paragraph(doc, SUBTITLE, b.Style(size=14, bold=True, align=b.CENTER, indent=False,
                                               after=0, keep_next=True))
    b.rule_under(doc, 120)
    b.paragraph(doc, "", b.Style(size=6, align=b.CENTER, indent=False, after=0))
    b.paragraph(doc, "{%p if recipient %}", CENTRED)
    b.paragraph(doc, "{{ recipient }}", b.Style(size=SIZE, align=b.CENTER, indent=False, after=6))
    b.paragraph(doc, "{%p endif %}", CENTRED)
    _two_fields(doc, "{{ name_label }} {{ full_name }}", f"Năm sinh: {BIRTH}")
    _two_fields(doc, f"Số CCCD: {CCCD}", "{{ members }}")
    b.paragraph(doc, "{%p for line in details %}", FIELD)
    b.paragraph(doc, "{{ line }}", FIELD)
    b.paragraph(doc, "{%p endfor %}", FIELD)
    b.paragraph(doc, "{{ intro }}", b.Style(size=SIZE, before=3, after=6))
    b.paragraph(doc, "{%p for item in commitments %}", ITEM)
    b.paragraph(doc, "{{ item }}", ITEM)
    b.paragraph(doc, "{%p endfor %}", ITEM)
    b.paragraph(doc, "{{ closing }}", ITEM)
    _signatures(doc)
    # A last, tiny paragraph: Word wants the body to end with one, not with a table.
    b.paragraph(doc, "", b.Style(size=1, align=b.LEFT, indent=False, after=0))
    doc.core_properties.title = "Bản cam kết thực hiện tiêu chuẩn An toàn về an ninh, trật tự"
    doc.core_properties.author = "docgen"
    b.save(doc, path)


def _two_fields(doc, left: str, right: str) -> None:
    """Two form fields on one line, the second at a tab stop (the blanks above are sized so
    an empty field never pushes the second to another line)."""
    p = b.paragraph(doc, left, FIELD)
    for text in (None, right):
        run = p.add_run(text)
        run.font.name, run.font.size = b.FONT, Pt(SIZE)
        if text is None:
            run.add_tab()
    p.paragraph_format.tab_stops.add_tab_stop(Twips(TAB_AT))


def _keep_with_next(row) -> None:
    """The row stays on the page of the rows below it."""
    for cell in row.cells:
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True


def _signatures(doc) -> None:
    """The place and date over the right column, then the two signatures row by row —
    headings, «(Ký, ghi rõ họ tên)», the signing space, the names — so the columns line
    up even when one heading («XÁC NHẬN CỦA TỔ TRƯỞNG TỔ DÂN PHỐ») takes two lines."""
    table = b.borderless_table(doc, [HALF, b.TEXT_WIDTH - HALF], rows=5)
    rows = table.rows
    b.paragraph(rows[0].cells[0], "", CENTRED)
    b.paragraph(rows[0].cells[1], "{{ place_date }}", b.Style(
        size=SIZE, italic=True, align=b.CENTER, indent=False, before=6, after=0))
    note = b.Style(size=SIZE, italic=True, align=b.CENTER, indent=False, after=0)
    for cell, heading, who in ((0, "{{ confirmer_heading }}", "{{ confirmer_name }}"),
                               (1, "{{ signer_heading }}", "{{ full_name }}")):
        b.paragraph(rows[1].cells[cell], heading, HEAD)
        b.paragraph(rows[2].cells[cell], "(Ký, ghi rõ họ tên)", note)
        for _ in range(SIGNING_LINES):
            b.paragraph(rows[3].cells[cell], "", CENTRED)
        b.paragraph(rows[4].cells[cell], who, HEAD)
    for row in rows:
        b.row_flags(row)
    for row in rows[:-1]:
        _keep_with_next(row)
