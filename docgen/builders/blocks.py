"""ND30 building blocks for template builders (python-docx): page, header, title, footer.

Template builders compose these blocks and put Jinja tags in the text; the result is a
plain DOCX a clerk can open and edit. Sizes follow the 13/14 set of ND30 Phụ lục I:
Quốc hiệu 13, Tiêu ngữ 14, body 14, Số 13, Nơi nhận 12, its entries 11.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips

from ..metrics import RULER_WIDTHS, text_width_pt

FONT = "Times New Roman"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

PAGE_W, PAGE_H = 11906, 16838
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(20), Mm(20), Mm(30), Mm(15)
TEXT_WIDTH = PAGE_W - 1701 - 851  # twips between the margins (165 mm)
LANDSCAPE_TEXT_WIDTH = PAGE_H - 1701 - 851  # on a landscape page (252 mm)
# The header table is a little wider than the text (centred, about 1.3 mm into each
# margin) so the 13 pt bold Quốc hiệu fits on one line, as in ND30's own samples.
HEADER_LEFT = 3544  # twips, the agency column (62.5 mm)
HEADER_RIGHT = 5954  # the national title column (105 mm)
CELL_MARGINS = 216  # Word's default 0.19 cm left + right padding inside a cell
FOOTER_LEFT = 4536  # recipients column
INDENT = Twips(567)  # 1 cm first-line indent

LEFT, CENTER, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER,
                                WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY)


@dataclass(frozen=True)
class Style:
    """How a paragraph looks: size in pt, emphasis, alignment, indent and spacing in pt."""

    size: float = 14
    bold: bool = False
    italic: bool = False
    align: object = JUSTIFY
    indent: bool = True
    before: float = 0
    after: float = 6
    keep_next: bool = False


BODY = Style()
HEADING = Style(bold=True)
CENTERED = Style(align=CENTER, indent=False, after=0)
TITLE = Style(bold=True, align=CENTER, indent=False, after=0)
ITALIC_BODY = Style(italic=True)


def new_document() -> Document:
    """An empty A4 document with ND30 margins and Times New Roman 14 everywhere."""
    doc = Document()
    _drop_thumbnail(doc)
    _set_defaults(doc)
    section = doc.sections[0]
    set_page(section)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    return doc


def _drop_thumbnail(doc: Document) -> None:
    # python-docx's default package carries a 37 KB thumbnail of an empty page; every
    # template (and every form in a ZIP batch) would copy it.
    rels = doc.part.package.rels
    for r_id, rel in list(rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del rels[r_id]


def set_page(section, *, landscape: bool = False) -> None:
    """A4 and the ND30 margins on one section."""
    section.page_width, section.page_height = (Twips(PAGE_H), Twips(PAGE_W)) if landscape \
        else (Twips(PAGE_W), Twips(PAGE_H))
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
    section.header_distance = section.footer_distance = Mm(10)


def _set_defaults(doc: Document) -> None:
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr_default):
        rpr_default.remove(child)
    rpr_default.append(_fonts())
    for tag, val in (("w:sz", "28"), ("w:szCs", "28")):
        el = OxmlElement(tag)
        el.set(qn("w:val"), val)
        rpr_default.append(el)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "en-US")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr_default.append(lang)
    # Every style that names a theme font gets Times New Roman instead, so a clerk who
    # picks "Heading 1" or a table style in Word stays within ND30.
    for rfonts in styles.iter(qn("w:rFonts")):
        if rfonts.getparent() is not rpr_default:
            for attr in list(rfonts.attrib):
                del rfonts.attrib[attr]
            for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                rfonts.set(qn(key), FONT)
    for color in list(styles.iter(qn("w:color"))):
        color.getparent().remove(color)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(6), 1.0
    for name in ("Header", "Footer"):
        if name in [s.name for s in doc.styles]:
            doc.styles[name].font.name = FONT


def _fonts():
    rfonts = OxmlElement("w:rFonts")
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(key), FONT)
    return rfonts


def paragraph(container, text: str = "", style: Style = BODY, *, runs=None):
    """A paragraph in `container` (document or cell) with one run, or `runs` of
    (text, bold, italic)."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = style.align
    fmt.first_line_indent = INDENT if style.indent else None
    fmt.space_before, fmt.space_after = Pt(style.before), Pt(style.after)
    fmt.line_spacing = 1.0
    if style.keep_next:
        fmt.keep_with_next = True
    for chunk, bold, italic in (runs or [(text, style.bold, style.italic)]):
        run = p.add_run(chunk)
        run.font.name = FONT
        run.font.size = Pt(style.size)
        run.bold = bold or None
        run.italic = italic or None
    _mark_size(p, style.size)
    return p


def _mark_size(p, size: float) -> None:
    # The paragraph mark gets the same size so empty lines keep the set's height.
    ppr = p._p.get_or_add_pPr()
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), str(int(size * 2)))
    rpr.append(sz)
    ppr.append(rpr)


def rule_under(container, width_pt: float, *, cell_twips: int | None = None, size: float = 4,
               text_twips: int = TEXT_WIDTH):
    """A short solid line, centred: an empty paragraph with a bottom border `width_pt` long.

    `cell_twips` is the width of the table cell holding it; None means the body text,
    `text_twips` wide (LANDSCAPE_TEXT_WIDTH on a landscape page).
    """
    p = container.add_paragraph()
    inner = text_twips if cell_twips is None else cell_twips - CELL_MARGINS
    side = max(0, int((inner - width_pt * 20) / 2))
    fmt = p.paragraph_format
    fmt.alignment = CENTER
    fmt.left_indent = fmt.right_indent = Twips(side)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    _bottom_border(p)
    _mark_size(p, size)
    return p


def underline_paragraph(p, text: str, size: float, *, bold: bool, cell_twips: int) -> None:
    """A bottom border on `p` exactly as long as its `text` (the Tiêu ngữ's line)."""
    width = text_width_pt(text, size, bold=bold) * 20 + 40  # a hair wider so it never wraps
    side = max(0, int((cell_twips - CELL_MARGINS - width) / 2))
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = Twips(side)
    _bottom_border(p)


def _bottom_border(p) -> None:
    ppr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, val in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), val)
    borders.append(bottom)
    # pBdr must come before spacing/ind/jc in CT_PPr's sequence.
    anchor = None
    for tag in ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
                "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"):
        anchor = ppr.find(qn(tag))
        if anchor is not None:
            break
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        ppr.append(borders)


def borderless_table(doc, widths: list[int], rows: int = 1):
    """A table without borders with fixed column widths in twips (header and footer blocks)."""
    table = doc.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)
    _fixed_widths(table, widths)
    for row in table.rows:
        for cell in row.cells:
            cell._tc.remove(cell.paragraphs[0]._p)
    return table


def grid_table(doc, widths: list[int], rows: int = 1):
    """A table with single borders (lists of units, figures)."""
    table = doc.add_table(rows=rows, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        for key, val in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"),
                         ("w:color", "auto")):
            el.set(qn(key), val)
        borders.append(el)
    table._tbl.tblPr.append(borders)
    _fixed_widths(table, widths)
    for row in table.rows:
        for cell in row.cells:
            cell._tc.remove(cell.paragraphs[0]._p)
    return table


def _fixed_widths(table, widths: list[int]) -> None:
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(widths)))
    width.set(qn("w:type"), "dxa")
    existing = tbl_pr.find(qn("w:tblW"))
    if existing is not None:
        tbl_pr.remove(existing)
    tbl_pr.insert(1, width)
    for col, w in zip(table.columns, widths, strict=True):
        col.width = Twips(w)
        for cell in col.cells:
            cell.width = Twips(w)


def row_flags(row, *, header: bool = False) -> None:
    """Never split the row across pages; `header` repeats it at the top of every page."""
    tr_pr = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    tr_pr.append(cant)
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def merge_row(row):
    """Merge all cells of `row` into one (a group heading spanning the table)."""
    for cell in row.cells:
        if not cell.paragraphs:
            cell.add_paragraph()
    merged = row.cells[0].merge(row.cells[-1])
    for p in list(merged.paragraphs):
        merged._tc.remove(p._p)
    return merged


def national_title(cell) -> None:
    """Quốc hiệu 13 bold and Tiêu ngữ 14 bold with its line as long as the text."""
    paragraph(cell, NATIONAL_TITLE, Style(size=13, bold=True, align=CENTER, indent=False, after=0))
    motto = paragraph(cell, MOTTO, Style(size=14, bold=True, align=CENTER, indent=False, after=0))
    underline_paragraph(motto, MOTTO, 14, bold=True, cell_twips=HEADER_RIGHT)


def agency(cell, *, superior: str | None = "{{ issuer.superior }}",
           body: str = "{{ issuer.name }}") -> None:
    """The agency column: superior body upright (printed only when the context has one),
    issuing body bold, and the short line chosen by `issuer.ruler`."""
    tag = Style(size=13, align=CENTER, indent=False, after=0)
    if superior:
        paragraph(cell, "{%p if issuer.superior %}", tag)
        paragraph(cell, superior, tag)
        paragraph(cell, "{%p endif %}", tag)
    paragraph(cell, body, Style(size=13, bold=True, align=CENTER, indent=False, after=0))
    for i, width in enumerate(RULER_WIDTHS, 1):
        paragraph(cell, "{%p if issuer.ruler == 1 %}" if i == 1
                  else f"{{%p elif issuer.ruler == {i} %}}", tag)
        rule_under(cell, width, cell_twips=HEADER_LEFT)
    paragraph(cell, "{%p endif %}", tag)


def header_block(doc, *, superior: str | None, body: str, number: str | None,
                 place_date: str | None) -> None:
    """The two-column header; `number` and `place_date` None for a document issued with a
    decision."""
    rows = 2 if number or place_date else 1
    table = borderless_table(doc, [HEADER_LEFT, HEADER_RIGHT], rows=rows)
    left, right = table.rows[0].cells
    agency(left, superior=superior, body=body)
    national_title(right)
    if rows == 2:
        left, right = table.rows[1].cells
        paragraph(left, number or "", Style(size=13, align=CENTER, indent=False, after=0, before=6))
        paragraph(right, place_date or "", Style(size=14, italic=True, align=CENTER, indent=False,
                                                 after=0, before=6))


def title_block(doc, kind: str, summary: str, *, line_pt: float = 120) -> None:
    """Kind in capitals, trích yếu, and a short line under it."""
    paragraph(doc, kind, Style(bold=True, align=CENTER, indent=False, before=18, after=0,
                               keep_next=True))
    paragraph(doc, summary, Style(bold=True, align=CENTER, indent=False, after=0, keep_next=True))
    rule_under(doc, line_pt)
    paragraph(doc, "", Style(size=6, align=CENTER, indent=False, after=0))


# The footer of every kind: Nơi nhận from `recipients`, the signer's lines and name.
RECIPIENTS_LOOP = ("{%p for r in recipients %}", "{{ r }}", "{%p endfor %}")
SIGNER_LINES = (("{%p for line in signer.lines %}", "tag"), ("{{ line }}", "line"),
                ("{%p endfor %}", "tag"))


def footer_block(doc, *, recipients_loop: tuple[str, str, str] | None = RECIPIENTS_LOOP,
                 signature: tuple[tuple[str, str], ...] = SIGNER_LINES,
                 name: str = "{{ signer.name }}") -> None:
    """Nơi nhận (left) and the signature (right).

    `recipients_loop` is (for-tag, item, endfor-tag) Jinja paragraphs; `signature` lists
    (text, kind) with kind "line" for an upper-case bold line or "tag" for a Jinja tag paragraph.
    """
    table = borderless_table(doc, [FOOTER_LEFT, TEXT_WIDTH - FOOTER_LEFT])
    row_flags(table.rows[0])  # Nơi nhận and the signature never split across pages
    left, right = table.rows[0].cells
    if recipients_loop:
        paragraph(left, "Nơi nhận:", Style(size=12, bold=True, italic=True, align=LEFT,
                                           indent=False, after=0, before=12))
        start, item, end = recipients_loop
        paragraph(left, start, Style(size=11, align=LEFT, indent=False, after=0))
        paragraph(left, item, Style(size=11, align=LEFT, indent=False, after=0))
        paragraph(left, end, Style(size=11, align=LEFT, indent=False, after=0))
    else:
        paragraph(left, "", Style(size=11, align=LEFT, indent=False, after=0))
    first = True
    for text, kind in signature:
        st = Style(size=14, bold=kind == "line", align=CENTER, indent=False, after=0,
                   before=12 if first else 0)
        paragraph(right, text, st)
        first = False
    for _ in range(4):
        paragraph(right, "", Style(size=14, align=CENTER, indent=False, after=0))
    paragraph(right, name, Style(size=14, bold=True, align=CENTER, indent=False, after=0))


def page_numbers(section, *, restart: bool = False) -> None:
    """Page numbers centred in the header, 14 pt, hidden on the section's first page."""
    section.different_first_page_header_footer = True
    section.header.is_linked_to_previous = False
    section.first_page_header.is_linked_to_previous = False
    header = section.header
    p = header.paragraphs[0]
    p.paragraph_format.alignment = CENTER
    run = p.add_run()
    run.font.name = FONT
    run.font.size = Pt(14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2"),
                       ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run._r.append(t)
    first = section.first_page_header.paragraphs[0]
    first.paragraph_format.alignment = CENTER
    if restart:
        sect_pr = section._sectPr
        pg = OxmlElement("w:pgNumType")
        pg.set(qn("w:start"), "1")
        # pgNumType sits after pgMar/paperSrc/pgBorders/lnNumType in CT_SectPr.
        cols = sect_pr.find(qn("w:cols"))
        if cols is not None:
            cols.addprevious(pg)
        else:
            sect_pr.append(pg)


def save(doc: Document, path) -> None:
    """Save `doc` reproducibly: the same builder gives the same bytes (fixed ZIP timestamps),
    so a rebuilt template shows as changed in git only when its content changed."""
    raw = io.BytesIO()
    doc.save(raw)
    raw.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    Path(path).write_bytes(out.getvalue())


def new_section(doc, *, landscape: bool = False):
    """A section starting on a new page (an attached list, an appendix)."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    set_page(section, landscape=landscape)
    return section
