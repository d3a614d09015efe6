"""Builds templates_docx/certificate.docx: the Giấy công nhận on A4 landscape inside a page
border (the printed frame), Quốc hiệu and Tiêu ngữ centred (an optional blank area above for
the national emblem of pre-printed paper), the title, the unit, and at the foot the
decision's number and date (left) with the place, date and signature (right)."""

from __future__ import annotations

from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from . import blocks as b

TEMPLATE = "certificate.docx"
MARGIN = Mm(20)                    # every side: the text stays well inside the frame
FRAME_SPACE = 24                   # pt between the page edge and the frame (about 8.5 mm)
TEXT_WIDTH = b.PAGE_H - 2 * 1134   # twips across the landscape page between the margins
FOOT_LEFT = 7370                   # the decision's column at the foot (130 mm)
EMBLEM_HEIGHT = 20                 # pt of each of the blank lines kept for the emblem


def build(path) -> None:
    doc = b.new_document()
    section = doc.sections[0]
    b.set_page(section, landscape=True)
    section.orientation = WD_ORIENT.LANDSCAPE     # printers read w:orient, not only the size
    section.top_margin = section.bottom_margin = MARGIN
    section.left_margin = section.right_margin = MARGIN
    frame(section)
    centred = b.Style(align=b.CENTER, indent=False, after=0)
    b.paragraph(doc, "{%p if emblem_space %}", centred)
    for _ in range(3):
        b.paragraph(doc, "", b.Style(size=EMBLEM_HEIGHT, align=b.CENTER, indent=False, after=0))
    b.paragraph(doc, "{%p endif %}", centred)
    b.paragraph(doc, b.NATIONAL_TITLE, b.Style(size=13, bold=True, align=b.CENTER,
                                               indent=False, after=0))
    motto = b.paragraph(doc, b.MOTTO, b.Style(size=14, bold=True, align=b.CENTER, indent=False,
                                              after=0))
    b.underline_paragraph(motto, b.MOTTO, 14, bold=True, cell_twips=TEXT_WIDTH + b.CELL_MARGINS)
    b.paragraph(doc, "GIẤY CÔNG NHẬN", b.Style(size=28, bold=True, align=b.CENTER, indent=False,
                                               before=18, after=0))
    b.paragraph(doc, "{{ authority }}", b.Style(size=14, bold=True, align=b.CENTER,
                                                indent=False, before=12, after=0))
    b.paragraph(doc, "Công nhận", b.Style(size=14, italic=True, align=b.CENTER, indent=False,
                                          before=6, after=0))
    b.paragraph(doc, "{{ unit }}", b.Style(size=22, bold=True, align=b.CENTER, indent=False,
                                           before=6, after=0))
    b.paragraph(doc, "{%p if place_line %}", centred)
    b.paragraph(doc, "{{ place_line }}", b.Style(size=14, italic=True, align=b.CENTER,
                                                 indent=False, after=0))
    b.paragraph(doc, "{%p endif %}", centred)
    b.paragraph(doc, "{{ standard_line }}", b.Style(size=16, bold=True, align=b.CENTER,
                                                    indent=False, before=6, after=6))
    _foot(doc)
    doc.core_properties.title = "Giấy công nhận đạt tiêu chuẩn An toàn về an ninh, trật tự"
    doc.core_properties.author = "docgen"
    doc.core_properties.category = "Giấy công nhận"
    b.save(doc, path)


def _foot(doc) -> None:
    """The decision's number and date, and the register's number (left); the place and
    date, who signs and the name (right)."""
    table = b.borderless_table(doc, [FOOT_LEFT, TEXT_WIDTH - FOOT_LEFT])
    b.row_flags(table.rows[0])
    left, right = table.rows[0].cells
    small = b.Style(size=13, align=b.LEFT, indent=False, after=0)
    b.paragraph(left, "", b.Style(size=13, align=b.LEFT, indent=False, after=0, before=30))
    b.paragraph(left, "{{ decision_line }}", b.Style(size=13, italic=True, align=b.LEFT,
                                                     indent=False, after=0))
    b.paragraph(left, "{{ serial_line }}", small)
    b.paragraph(right, "{{ place_date }}", b.Style(size=14, italic=True, align=b.CENTER,
                                                   indent=False, after=0, before=6))
    b.paragraph(right, "{%p for line in signer.lines %}", b.Style(size=14, align=b.CENTER,
                                                                  indent=False, after=0))
    b.paragraph(right, "{{ line }}", b.Style(size=14, bold=True, align=b.CENTER, indent=False,
                                             after=0))
    b.paragraph(right, "{%p endfor %}", b.Style(size=14, align=b.CENTER, indent=False, after=0))
    for _ in range(3):
        b.paragraph(right, "", b.Style(size=14, align=b.CENTER, indent=False, after=0))
    b.paragraph(right, "{{ signer.name }}", b.Style(size=14, bold=True, align=b.CENTER,
                                                    indent=False, after=0))


def frame(section) -> None:
    """A page border on the four sides (the printed frame), measured from the page edge."""
    sect_pr = section._sectPr
    borders = OxmlElement("w:pgBorders")
    borders.set(qn("w:offsetFrom"), "page")
    for edge in ("top", "left", "bottom", "right"):
        el = OxmlElement(f"w:{edge}")
        for key, val in (("w:val", "thinThickSmallGap"), ("w:sz", "24"),
                         ("w:space", str(FRAME_SPACE)), ("w:color", "auto")):
            el.set(qn(key), val)
        borders.append(el)
    # CT_SectPr: pgBorders follows pgSz, pgMar and paperSrc.
    sect_pr.find(qn("w:pgMar")).addnext(borders)
