"""Builds templates_docx/unit_proposal.docx and unit_report.docx: a unit's own Tờ trình and
Báo cáo (ND30 Mẫu 1.4) on its letterhead — the unit (its superior above), the number line
only when its own register gives one, "Kính gửi", the body, Nơi nhận and the head's
signature; page numbers from page 2. `TEMPLATE`/`build` are in the two thin modules."""

from __future__ import annotations

from . import blocks as b, upward

KHOAN = b.Style(bold=True, keep_next=True)
ROMAN = b.Style(bold=True, keep_next=True, indent=True)


def header(doc) -> None:
    """The unit's letterhead; the second row's left cell is empty without a symbol."""
    b.header_block(doc, superior="{{ issuer.superior }}", body="{{ issuer.name }}",
                   number="{{ number_line }}", place_date="{{ place_date }}")


def loop(doc, items: str, style: b.Style = b.BODY) -> None:
    b.paragraph(doc, f"{{%p for para in {items} %}}")
    b.paragraph(doc, "{{ para }}", style)
    b.paragraph(doc, "{%p endfor %}")


def opening(doc, kind: str) -> None:
    b.page_numbers(doc.sections[0])
    header(doc)
    b.title_block(doc, kind, "{{ summary }}")
    upward.addressee_block(doc)
    loop(doc, "bases")


def closing(doc, title: str) -> None:
    b.footer_block(doc)
    # Word wants the body to end with a paragraph; a tiny one keeps the page count.
    b.paragraph(doc, "", b.Style(size=1, align=b.LEFT, indent=False, after=0))
    doc.core_properties.title = title
    doc.core_properties.author = "docgen"


def household_line(doc) -> None:
    b.paragraph(doc, "{%p if household_line %}")
    b.paragraph(doc, "{{ household_line }}")
    b.paragraph(doc, "{%p endif %}")


def build_proposal(path) -> None:
    doc = b.new_document()
    opening(doc, "TỜ TRÌNH")
    loop(doc, "lead")
    household_line(doc)
    b.paragraph(doc, "{{ attached }}", b.ITALIC_BODY)
    b.paragraph(doc, "{{ closing }}", b.Style(keep_next=True))
    closing(doc, "Tờ trình đề nghị công nhận đạt tiêu chuẩn An toàn về an ninh, trật tự")
    b.save(doc, path)


def build_report(path) -> None:
    doc = b.new_document()
    opening(doc, "BÁO CÁO")
    b.paragraph(doc, "I. ĐẶC ĐIỂM, TÌNH HÌNH", ROMAN)
    loop(doc, "situation")
    household_line(doc)
    b.paragraph(doc, "II. KẾT QUẢ THỰC HIỆN CÁC TIÊU CHÍ", ROMAN)
    b.paragraph(doc, "{%p for c in results %}")
    b.paragraph(doc, "{{ c.text }}")
    b.paragraph(doc, "{{ c.result }}", b.Style(italic=True))
    b.paragraph(doc, "{%p endfor %}")
    b.paragraph(doc, "III. TỰ ĐÁNH GIÁ, KIẾN NGHỊ", ROMAN)
    b.paragraph(doc, "{{ conclusion }}")
    b.paragraph(doc, "IV. PHƯƠNG HƯỚNG NĂM TỚI", ROMAN)
    loop(doc, "directions")
    closing(doc, "Báo cáo kết quả xây dựng An toàn về an ninh, trật tự")
    b.save(doc, path)
