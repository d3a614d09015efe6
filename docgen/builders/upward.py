"""Blocks of the documents sent upward (the report, the proposal): the compact header of a
police office, whose long names need 12 pt, and the "Kính gửi" block (ND30 ô 9a)."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips

from ..metrics import text_width_pt
from . import blocks as b

# Kính gửi with several addressees: "Kính gửi:" starts ADDRESS_START twips in from the
# margin, the "- X;" lines hang at ADDRESS_TEXT so they align under the text after the colon.
ADDRESS_START = 1701
ADDRESS_TEXT = ADDRESS_START + int(text_width_pt("Kính gửi: ", 14) * 20) + 120


def compact_header(doc, *, numbered: bool = True) -> None:
    """The ND30 header with the agency lines at 12 pt in a cell without side padding;
    without the Số and date row when not `numbered` (a paper attached to the document).

    header_block sets them at 13 pt in a 62.5 mm column, where "CÔNG AN HUYỆN QUAN
    SƠN" (183 pt wide) breaks in two; at 12 pt (169 pt) it fits the unpadded column (177 pt).
    """
    table = b.borderless_table(doc, [b.HEADER_LEFT, b.HEADER_RIGHT], rows=2 if numbered else 1)
    left, right = table.rows[0].cells
    _no_side_padding(left)
    agency = b.Style(size=12, align=b.CENTER, indent=False, after=0)
    b.paragraph(left, "{%p if issuer.superior %}", agency)
    b.paragraph(left, "{{ issuer.superior }}", agency)
    b.paragraph(left, "{%p endif %}", agency)
    b.paragraph(left, "{{ issuer.name }}", b.Style(size=12, bold=True, align=b.CENTER,
                                                   indent=False, after=0))
    b.rule_under(left, 0.4 * b.HEADER_LEFT / 20, cell_twips=b.HEADER_LEFT + b.CELL_MARGINS)
    b.national_title(right)
    if not numbered:
        return
    left, right = table.rows[1].cells
    b.paragraph(left, "{{ number_line }}", b.Style(size=13, align=b.CENTER, indent=False,
                                                   after=0, before=6))
    b.paragraph(right, "{{ place_date }}", b.Style(size=14, italic=True, align=b.CENTER,
                                                   indent=False, after=0, before=6))


def _no_side_padding(cell) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    margins = OxmlElement("w:tcMar")
    for edge in ("left", "right"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    tc_pr.append(margins)


def addressee_block(doc) -> None:
    """ND30 ô 9a, upright 14 pt: one addressee centred on the "Kính gửi:" line; several in
    one paragraph with a hanging indent: the first "- X;" follows a tab, the others a line
    break, so all (and any wrapped line) start under the text after the colon."""
    plain = b.Style(align=b.CENTER, indent=False, before=6, after=6)
    b.paragraph(doc, "{%p if addressee_single %}", plain)
    b.paragraph(doc, "Kính gửi: {{ addressee_single }}", plain)
    b.paragraph(doc, "{%p else %}", plain)
    p = b.paragraph(doc, style=b.Style(align=b.LEFT, indent=False, before=6, after=6),
                    runs=[("Kính gửi:", False, False), ("\t", False, False),
                          ("{% for a in addressees %}{% if not loop.first %}", False, False),
                          ("\n", False, False),
                          ("{% endif %}{{ a }}{% endfor %}", False, False)])
    fmt = p.paragraph_format
    fmt.left_indent = Twips(ADDRESS_TEXT)
    fmt.first_line_indent = Twips(ADDRESS_START - ADDRESS_TEXT)
    fmt.tab_stops.add_tab_stop(Twips(ADDRESS_TEXT))
    b.paragraph(doc, "{%p endif %}", plain)
