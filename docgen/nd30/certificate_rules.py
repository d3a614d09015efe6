"""The certificate's own rules (Giấy công nhận, Circular 124 Điều 10): ND30 does not govern
its layout, so `check` applies these instead of ND30's paper, margins, sizes, title and body
rules, and keeps ND30's rules for what a certificate shares with a document (font, colour,
Quốc hiệu and Tiêu ngữ, the place and date, the signature). A document is a certificate when
its body has a paragraph «GIẤY CÔNG NHẬN»."""

from __future__ import annotations

from collections.abc import Iterator

from ..vietnamese import fold
from .context import Context
from .findings import Issue
from .ooxml import qn, wattr
from .page_rules import A4, PAPER_TOLERANCE, mm
from .text import pt

TITLE = "GIẤY CÔNG NHẬN"
TITLE_SIZE = (24, 32)
TEXT_SIZE = (12, 24)
MARGIN = (850, 1418)       # twips: 15–25 mm on every side, inside the frame
MARGIN_TOLERANCE = 3
# ND30 rules a certificate keeps; the others are replaced by the rules below.
KEPT = ("font.family", "font.color", "header.national_title", "header.motto", "header.body",
        "header.date", "footer.signature", "page.numbers")


def is_certificate(ctx: Context) -> bool:
    """The body has the certificate's title paragraph."""
    return any(fold(para.text.strip()) == fold(TITLE) for para in ctx.doc.paras
               if not para.is_tag)


def _titles(ctx: Context) -> list:
    """The title paragraphs: one per certificate (a merged file holds many)."""
    return [p for p in ctx.doc.paras if fold(p.text.strip()) == fold(TITLE)]


def check_paper(ctx: Context) -> Iterator[Issue]:
    """Every section is A4 landscape."""
    for section in ctx.doc.sections:
        size = (section.width, section.height)
        landscape = A4[::-1]
        if None in size or any(abs(a - b) > PAPER_TOLERANCE
                                for a, b in zip(size, landscape, strict=True)):
            shown = f"{mm(size[0])} × {mm(size[1])} mm" if None not in size else "không khai báo"
            yield Issue(f"Khổ giấy {section.name}: {shown}; Giấy công nhận in trên khổ A4 "
                        "ngang 297 × 210 mm", section.name)


def check_frame(ctx: Context) -> Iterator[Issue]:
    """Every section has a page border (the frame) on its four sides."""
    for section in ctx.doc.sections:
        borders = section.el.find(qn("w:pgBorders"))
        missing = [name for edge, name in (("top", "trên"), ("left", "trái"),
                                           ("bottom", "dưới"), ("right", "phải"))
                   if borders is None or borders.find(qn(f"w:{edge}")) is None
                   or wattr(borders.find(qn(f"w:{edge}")), "val") in ("none", "nil")]
        if missing:
            yield Issue(f"Thiếu khung viền trang (cạnh {', '.join(missing)}) ở {section.name}; "
                        "Giấy công nhận có khung viền in quanh trang", section.name)


def check_margins(ctx: Context) -> Iterator[Issue]:
    """Margins of 15–25 mm on every side keep the text inside the frame."""
    low, high = MARGIN
    for section in ctx.doc.sections:
        for side, name in (("top", "Lề trên"), ("bottom", "Lề dưới"), ("left", "Lề trái"),
                           ("right", "Lề phải")):
            value = section.margins.get(side)
            if value is None or not low - MARGIN_TOLERANCE <= value <= high + MARGIN_TOLERANCE:
                shown = f"{mm(value)} mm" if value is not None else "không khai báo"
                yield Issue(f"{name} {section.name}: {shown}; Giấy công nhận cần lề 15–25 mm "
                            "để chữ nằm trong khung", section.name)


def check_title(ctx: Context) -> Iterator[Issue]:
    """«GIẤY CÔNG NHẬN»: bold, centred, 24–32 pt."""
    for para in _titles(ctx):
        yield from _title_issues(para)


def _title_issues(para) -> Iterator[Issue]:
    low, high = TITLE_SIZE
    sizes = sorted({run.props.size_pt for run in para.runs if run.text.strip()})
    if any(not low <= s <= high for s in sizes):
        yield Issue(f"Tên giấy «{TITLE}» cỡ chữ {'/'.join(pt(s) for s in sizes)} pt; Giấy công "
                    f"nhận dùng cỡ {low}–{high} pt", para.location())
    if not all(run.props.bold for run in para.runs if run.text.strip()):
        yield Issue(f"Tên giấy «{TITLE}» chưa in đậm", para.location())
    if para.props.jc != "center":
        yield Issue(f"Tên giấy «{TITLE}» chưa căn giữa", para.location())


def check_sizes(ctx: Context) -> Iterator[Issue]:
    """Text other than the title is 12–24 pt."""
    low, high = TEXT_SIZE
    titles = {id(p) for p in _titles(ctx)}
    for para, run in ctx.visible_runs:
        if id(para) not in titles and not low <= run.props.size_pt <= high:
            yield Issue(f"Cỡ chữ {pt(run.props.size_pt)} pt; Giấy công nhận dùng cỡ "
                        f"{low}–{high} pt ngoài tên giấy", para.location())
