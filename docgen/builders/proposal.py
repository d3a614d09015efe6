"""Builds templates_docx/proposal.docx: ND30 Mẫu 1.4 (Tờ trình) with the "Kính gửi" block,
then, on its own pages, the scored list of Decision 510 Điều 11 grouped by unit kind."""

from __future__ import annotations

from . import blocks as b, lists, upward

TEMPLATE = "proposal.docx"

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
    b.footer_block(doc)
    _scored_list(doc)
    doc.core_properties.title = "Tờ trình đề nghị công nhận phân loại phong trào"
    doc.core_properties.author = "docgen"
    b.save(doc, path)


def _loop(doc, items: str, name: str) -> None:
    b.paragraph(doc, f"{{%p for {name} in {items} %}}")
    b.paragraph(doc, f"{{{{ {name} }}}}")
    b.paragraph(doc, "{%p endfor %}")


def _scored_list(doc) -> None:
    """On landscape pages: ND30 lets a table attached to a document run across the page."""
    section = b.new_section(doc, landscape=True)
    b.page_numbers(section, restart=True)
    upward.compact_header(doc, numbered=False)
    lists.grouped_list(doc, "THỐNG KÊ DANH SÁCH CHẤM ĐIỂM, MỨC ĐỀ XUẤT ĐÁNH GIÁ, PHÂN LOẠI", [
        lists.Column("STT", "{{ u.stt }}", 750, centred=True),
        lists.Column("Tên đơn vị", "{{ u.name }}", 4400),
        lists.Column("Điểm tự chấm", "{{ u.self_score }}", 1250, centred=True),
        lists.Column("Điểm thẩm định", "{{ u.score }}", 1350, centred=True),
        lists.Column("Đề xuất xếp loại", "{{ u.grade }}", 1650, centred=True),
        lists.Column("An toàn về ANTT", "{{ u.safe }}", 1500, centred=True),
        lists.Column("Ghi chú", "{{ u.note }}", 3386)], text_twips=b.LANDSCAPE_TEXT_WIDTH)
