"""Builds templates_docx/proposal.docx: ND30 Mẫu 1.4 (Tờ trình) with the "Kính gửi" block,
then, on its own pages, the scored list of Decision 510 Điều 11 grouped by unit kind."""

from __future__ import annotations

from . import blocks as b, upward

TEMPLATE = "proposal.docx"

# STT, name, self score, reviewed score, proposed class, "An toàn về ANTT", note: the 252 mm
# of a landscape page (ND30 lets a table attached to a document run across the page).
LIST_WIDTHS = [750, 4400, 1250, 1350, 1650, 1500, 3386]
assert sum(LIST_WIDTHS) == b.LANDSCAPE_TEXT_WIDTH
CELL = b.Style(size=13, align=b.LEFT, indent=False, after=0, before=2)
CELL_CENTER = b.Style(size=13, align=b.CENTER, indent=False, after=0, before=2)
CELL_HEAD = b.Style(size=13, bold=True, align=b.CENTER, indent=False, after=0, before=2)
GROUP = b.Style(size=13, bold=True, align=b.LEFT, indent=False, after=0, before=2)
TAG = b.Style(size=13, align=b.LEFT, indent=False, after=0)
KHOAN = b.Style(bold=True, keep_next=True)


def build(path) -> None:
    doc = b.new_document()
    b.page_numbers(doc.sections[0])
    upward.compact_header(doc)
    b.title_block(doc, "TỜ TRÌNH", "{{ summary }}")
    upward.addressee_block(doc)
    _loop(doc, "bases", "basis")
    b.paragraph(doc, "{{ lead }}")
    b.paragraph(doc, "1. Kết quả đánh giá, đề xuất xếp loại", KHOAN)
    _loop(doc, "class_lines", "line")
    b.paragraph(doc, "2. Kết quả công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự”", KHOAN)
    b.paragraph(doc, "{{ safe_line }}")
    b.paragraph(doc, "{{ attached }}", b.ITALIC_BODY)
    b.paragraph(doc, "{{ closing }}")
    b.footer_block(doc, recipients_loop=("{%p for r in recipients %}", "{{ r }}", "{%p endfor %}"),
                   signature=[("{%p for line in signer.lines %}", "tag"), ("{{ line }}", "line"),
                              ("{%p endfor %}", "tag")],
                   name="{{ signer.name }}")
    _scored_list(doc)
    doc.core_properties.title = "Tờ trình đề nghị công nhận phân loại phong trào"
    doc.core_properties.author = "docgen"
    b.save(doc, path)


def _loop(doc, items: str, name: str) -> None:
    b.paragraph(doc, f"{{%p for {name} in {items} %}}")
    b.paragraph(doc, f"{{{{ {name} }}}}")
    b.paragraph(doc, "{%p endfor %}")


def _scored_list(doc) -> None:
    section = b.new_section(doc, landscape=True)
    b.page_numbers(section, restart=True)
    upward.compact_header(doc, numbered=False)
    b.paragraph(doc, "THỐNG KÊ DANH SÁCH CHẤM ĐIỂM, MỨC ĐỀ XUẤT ĐÁNH GIÁ, PHÂN LOẠI",
                b.Style(bold=True, align=b.CENTER, indent=False, before=18, after=0,
                        keep_next=True))
    b.paragraph(doc, "{{ list_title }}", b.Style(bold=True, align=b.CENTER, indent=False, after=0,
                                                 keep_next=True))
    b.paragraph(doc, "{{ attached_line }}", b.Style(italic=True, align=b.CENTER, indent=False,
                                                    after=0, keep_next=True))
    b.rule_under(doc, 120, text_twips=b.LANDSCAPE_TEXT_WIDTH)
    b.paragraph(doc, "", b.Style(size=6, align=b.CENTER, indent=False, after=0))
    table = b.grid_table(doc, LIST_WIDTHS, rows=7)
    head, group_for, group, unit_for, unit, unit_end, group_end = table.rows
    for cell, label in zip(head.cells, ("STT", "Tên đơn vị", "Điểm tự chấm", "Điểm thẩm định",
                                        "Đề xuất xếp loại", "An toàn về ANTT", "Ghi chú")):
        b.paragraph(cell, label, CELL_HEAD)
    b.row_flags(head, header=True)
    for row, tag in ((group_for, "{%tr for g in groups %}"), (unit_for, "{%tr for u in g.units %}"),
                     (unit_end, "{%tr endfor %}"), (group_end, "{%tr endfor %}")):
        b.paragraph(b.merge_row(row), tag, TAG)
    b.paragraph(b.merge_row(group), "{{ g.heading }}", GROUP)
    b.row_flags(group)
    for cell, value, style in zip(unit.cells,
                                  ("{{ u.stt }}", "{{ u.name }}", "{{ u.self_score }}",
                                   "{{ u.score }}", "{{ u.grade }}", "{{ u.safe }}",
                                   "{{ u.note }}"),
                                  (CELL_CENTER, CELL, CELL_CENTER, CELL_CENTER, CELL_CENTER,
                                   CELL_CENTER, CELL)):
        b.paragraph(cell, value, style)
    b.row_flags(unit)
    total = table.add_row()
    b.paragraph(b.merge_row(total), "{{ total_line }}", GROUP)
    b.row_flags(total)
    for row in table.rows:
        for cell in row.cells:
            if not cell.paragraphs:
                cell.add_paragraph()
