"""Builds templates_docx/decision.docx: ND30 Mẫu 1.2 plus the attached list (own section)."""

from __future__ import annotations


from . import blocks as b

LIST_WIDTHS = [794, 3685, 1928, 1474, 1473]  # STT, name, kind, class, note (twips, 165 mm)
CELL = b.Style(size=13, align=b.LEFT, indent=False, after=0, before=2)
CELL_CENTER = b.Style(size=13, align=b.CENTER, indent=False, after=0, before=2)
CELL_HEAD = b.Style(size=13, bold=True, align=b.CENTER, indent=False, after=0, before=2)
GROUP = b.Style(size=13, bold=True, align=b.LEFT, indent=False, after=0, before=2)
TAG = b.Style(size=13, align=b.LEFT, indent=False, after=0)


TEMPLATE = "decision.docx"


def build(path) -> None:
    doc = b.new_document()
    b.page_numbers(doc.sections[0])
    b.header_block(doc, superior="{{ issuer.superior }}", body="{{ issuer.name }}",
                   number="{{ number_line }}", place_date="{{ place_date }}")
    b.title_block(doc, "QUYẾT ĐỊNH", "{{ summary }}")
    b.paragraph(doc, "{{ authority }}", b.Style(bold=True, align=b.CENTER, indent=False,
                                                before=6, after=12))
    b.paragraph(doc, "{%p for basis in bases %}", b.ITALIC_BODY)
    b.paragraph(doc, "{{ basis }}", b.ITALIC_BODY)
    b.paragraph(doc, "{%p endfor %}", b.ITALIC_BODY)
    b.paragraph(doc, "{{ proposer_line }}", b.ITALIC_BODY)
    b.paragraph(doc, "QUYẾT ĐỊNH:", b.Style(bold=True, align=b.CENTER, indent=False, before=6,
                                            after=12))
    b.paragraph(doc, runs=[("Điều 1. ", True, False), ("{{ article1 }}", False, False)])
    b.paragraph(doc, "{%p for line in article1_counts %}")
    b.paragraph(doc, "{{ line }}")
    b.paragraph(doc, "{%p endfor %}")
    b.paragraph(doc, runs=[("Điều 2. ", True, False), ("{{ article2 }}", False, False)])
    b.paragraph(doc, runs=[("Điều 3. ", True, False), ("{{ article3 }}", False, False)])
    b.footer_block(doc, recipients_loop=("{%p for r in recipients %}", "{{ r }}", "{%p endfor %}"),
                   signature=[("{%p for line in signer.lines %}", "tag"), ("{{ line }}", "line"),
                              ("{%p endfor %}", "tag")],
                   name="{{ signer.name }}")
    _attached_list(doc)
    doc.core_properties.title = "Quyết định công nhận phân loại phong trào"
    doc.core_properties.author = "docgen"
    b.save(doc, path)


def _attached_list(doc) -> None:
    section = b.new_section(doc)
    b.page_numbers(section, restart=True)
    b.header_block(doc, superior="{{ issuer.superior }}", body="{{ issuer.name }}",
                   number=None, place_date=None)
    b.paragraph(doc, "DANH SÁCH", b.Style(bold=True, align=b.CENTER, indent=False, before=18,
                                          after=0, keep_next=True))
    b.paragraph(doc, "{{ list_title }}", b.Style(bold=True, align=b.CENTER, indent=False, after=0,
                                                 keep_next=True))
    b.paragraph(doc, "{{ attached_line }}", b.Style(italic=True, align=b.CENTER, indent=False,
                                                    after=0, keep_next=True))
    b.rule_under(doc, 120)
    b.paragraph(doc, "", b.Style(size=6, align=b.CENTER, indent=False, after=0))
    table = b.grid_table(doc, LIST_WIDTHS, rows=7)
    head, group_for, group, unit_for, unit, unit_end, group_end = table.rows
    for cell, label in zip(head.cells, ("STT", "Tên đơn vị", "Loại hình", "Xếp loại",
                                        "Ghi chú")):
        b.paragraph(cell, label, CELL_HEAD)
    b.row_flags(head, header=True)
    for row, tag in ((group_for, "{%tr for g in groups %}"), (unit_for, "{%tr for u in g.units %}"),
                     (unit_end, "{%tr endfor %}"), (group_end, "{%tr endfor %}")):
        b.paragraph(b.merge_row(row), tag, TAG)
    b.paragraph(b.merge_row(group), "{{ g.heading }}", GROUP)
    b.row_flags(group)
    for cell, value, style in zip(unit.cells,
                                  ("{{ u.stt }}", "{{ u.name }}", "{{ u.kind }}", "{{ u.grade }}",
                                   "{{ u.note }}"),
                                  (CELL_CENTER, CELL, CELL, CELL_CENTER, CELL)):
        b.paragraph(cell, value, style)
    b.row_flags(unit)
    total = table.add_row()
    b.paragraph(b.merge_row(total), "{{ total_line }}", GROUP)
    b.row_flags(total)
    for row in table.rows:
        for cell in row.cells:
            if not cell.paragraphs:
                cell.add_paragraph()
