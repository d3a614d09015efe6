"""Builds templates_docx/decision.docx: ND30 Mẫu 1.2 plus the attached list (own section).

`build_decision` is the layout both recognition decisions share (this one and
`safe_decision`): they differ only in their title and the columns of the attached list."""

from __future__ import annotations

from . import blocks as b, lists


TEMPLATE = "decision.docx"


def build(path) -> None:
    build_decision(path, "Quyết định công nhận phân loại phong trào", [
        lists.Column("STT", "{{ u.stt }}", 794, centred=True),
        lists.Column("Tên đơn vị", "{{ u.name }}", 3685),
        lists.Column("Loại hình", "{{ u.kind }}", 1928),
        lists.Column("Xếp loại", "{{ u.grade }}", 1474, centred=True),
        lists.Column("Ghi chú", "{{ u.note }}", 1473)])


def build_decision(path, title: str, columns: list[lists.Column]) -> None:
    """A decision of Mẫu 1.2 titled `title` (the file's properties) whose attached list,
    grouped by unit kind in its own section, has `columns`."""
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
    _attached_list(doc, columns)
    doc.core_properties.title = title
    doc.core_properties.author = "docgen"
    b.save(doc, path)


def _attached_list(doc, columns: list[lists.Column]) -> None:
    section = b.new_section(doc)
    b.page_numbers(section, restart=True)
    b.header_block(doc, superior="{{ issuer.superior }}", body="{{ issuer.name }}",
                   number=None, place_date=None)
    lists.grouped_list(doc, "DANH SÁCH", columns)
