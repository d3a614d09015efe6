"""Builds templates_docx/safe_decision.docx: ND30 Mẫu 1.2 (an individual decision) plus the
recognised units attached in their own section, grouped by unit kind."""

from __future__ import annotations

from . import blocks as b, lists

TEMPLATE = "safe_decision.docx"


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
    b.footer_block(doc)
    _attached_list(doc)
    doc.core_properties.title = "Quyết định công nhận đạt tiêu chuẩn An toàn về an ninh, trật tự"
    doc.core_properties.author = "docgen"
    b.save(doc, path)


def _attached_list(doc) -> None:
    section = b.new_section(doc)
    b.page_numbers(section, restart=True)
    b.header_block(doc, superior="{{ issuer.superior }}", body="{{ issuer.name }}",
                   number=None, place_date=None)
    lists.grouped_list(doc, "DANH SÁCH", [
        lists.Column("STT", "{{ u.stt }}", 794, centred=True),
        lists.Column("Tên đơn vị", "{{ u.name }}", 4252),
        lists.Column("Địa bàn", "{{ u.place }}", 2608),
        lists.Column("Ghi chú", "{{ u.note }}", 1700)])
