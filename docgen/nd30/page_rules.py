"""Page rules: paper size, margins and page numbers."""

from __future__ import annotations

from typing import NamedTuple
from collections.abc import Iterator

from .context import Context
from .findings import Issue
from .formatting import alignment_vi, size_range
from .ooxml import qn
from .text import pt

A4 = (11906, 16838)
PAPER_TOLERANCE = 20
TWIPS_PER_MM = 1440 / 25.4
KNOWN_PAPERS = {(12240, 15840): "Letter", (12240, 20160): "Legal", (8391, 11906): "A5",
                (16838, 23811): "A3", (10318, 14570): "B5"}


class Margin(NamedTuple):
    """A page margin's bounds in twips (as Word stores them) and as ND30 writes them."""

    side: str
    name_vi: str
    least: int
    most: int
    expected: str


MARGINS = (
    Margin("top", "Lề trên", 1134, 1418, "20–25 mm"),
    Margin("bottom", "Lề dưới", 1134, 1418, "20–25 mm"),
    Margin("left", "Lề trái", 1701, 1985, "30–35 mm"),
    Margin("right", "Lề phải", 851, 1134, "15–20 mm"),
)
MARGIN_TOLERANCE = 3
PAGE_NUMBER_SIZE = (13, 14)


def mm(twips: float) -> str:
    """Twips as millimetres written the Vietnamese way: 12240 -> "215,9"."""
    return pt(round(twips / TWIPS_PER_MM, 1))


def _is(size: tuple, paper: tuple) -> bool:
    """The page is `paper`, portrait or landscape, within the tolerance."""
    return any(all(abs(a - b) <= PAPER_TOLERANCE for a, b in zip(size, dims, strict=True))
               for dims in (paper, paper[::-1]))


def check_paper(ctx: Context) -> Iterator[Issue]:
    """Every section is A4, portrait or landscape."""
    for section in ctx.doc.sections:
        size = (section.width, section.height)
        if None in size:
            yield Issue(f"Khổ giấy {section.name} không được khai báo (w:pgSz); "
                        "ND30 yêu cầu A4 210 × 297 mm", section.name)
            continue
        if _is(size, A4):
            continue
        known = next((name for dims, name in KNOWN_PAPERS.items() if _is(size, dims)), None)
        label = f" ({known})" if known else ""
        yield Issue(f"Khổ giấy {section.name} là {mm(size[0])} × {mm(size[1])} mm{label}; "
                    "ND30 yêu cầu A4 210 × 297 mm", section.name)


def check_margins(ctx: Context) -> Iterator[Issue]:
    """Top and bottom 20–25 mm, left 30–35 mm (gutter included), right 15–20 mm."""
    for section in ctx.doc.sections:
        if section.el.find(qn("w:pgMar")) is None:
            yield Issue(f"Lề trang {section.name} không được khai báo (w:pgMar); ND30 yêu cầu "
                        "lề trên, dưới 20–25 mm, trái 30–35 mm, phải 15–20 mm", section.name)
            continue
        for side, name, low, high, expected in MARGINS:
            value = section.margins[side]
            if value is None:
                yield Issue(f"{name} {section.name} không được khai báo (w:pgMar); "
                            f"ND30 yêu cầu {expected}", section.name)
                continue
            if side == "left":
                value += section.margins["gutter"] or 0
            if not low - MARGIN_TOLERANCE <= value <= high + MARGIN_TOLERANCE:
                yield Issue(f"{name} {section.name} là {mm(value)} mm ({value} twip); "
                            f"ND30 yêu cầu {expected}", section.name)


def check_page_numbers(ctx: Context) -> Iterator[Issue]:
    """When a PAGE field exists: centred in the header, 13–14 pt, upright, not on page 1."""
    doc, pages = ctx.doc, ctx.page_paras
    if not any(pages.values()) and not ctx.body_page_paras:
        return
    for para in ctx.body_page_paras:
        yield Issue("Số trang đặt trong thân văn bản; ND30: số trang ở giữa phần đầu trang "
                    "(lề trên)", para.location())
    for part in doc.parts:
        if part.kind == "footer":
            for para in pages[part.name]:
                yield Issue("Số trang đặt ở chân trang; ND30: số trang ở giữa phần đầu trang "
                            "(lề trên)", para.location())
    checked = set()
    for section in doc.sections:
        yield from _section_numbers(ctx, section)
        default = doc.part(section.headers.get("default"))
        if default is not None and default.name not in checked:
            checked.add(default.name)
            for para in pages[default.name]:
                yield from _page_number_format(para)


def _section_numbers(ctx: Context, section) -> Iterator[Issue]:
    doc, pages = ctx.doc, ctx.page_paras
    default = doc.part(section.headers.get("default"))
    first = doc.part(section.headers.get("first"))
    on_default = bool(default and pages[default.name])
    if section.number_format not in (None, "decimal"):
        yield Issue(f"Số trang {section.name} kiểu «{section.number_format}»; "
                    "ND30 yêu cầu chữ số Ả Rập", section.name)
    if section.title_page:
        if section.restarts and first is not None and pages[first.name]:
            yield Issue(f"Số trang hiện trên trang 1 ({section.name}): đầu trang của trang đầu "
                        "có trường PAGE; ND30: không hiện số trang ở trang 1",
                        pages[first.name][0].location())
        if not on_default:
            yield Issue(f"{section.name.capitalize()} đặt «Trang đầu khác» nhưng đầu trang không "
                        "có số trang; ND30: số trang ở giữa đầu trang từ trang 2", section.name)
    elif section.restarts and on_default:
        yield Issue(f"Số trang hiện trên trang 1 ({section.name}): chưa đặt «Trang đầu khác» "
                    "(w:titlePg); ND30: không hiện số trang ở trang 1",
                    pages[default.name][0].location())


def _page_number_format(para) -> Iterator[Issue]:
    if para.props.jc != "center":
        yield Issue(f"Số trang {alignment_vi(para.props.jc)}; ND30 yêu cầu căn giữa",
                    para.location())
    props = [run.props for run in para.runs if run.text.strip()] or [para.first_run_props()]
    low, high = PAGE_NUMBER_SIZE
    found = sorted({p.size_pt for p in props})
    if any(not low <= size <= high for size in found):
        yield Issue(f"Số trang cỡ chữ {'/'.join(pt(s) for s in found)} pt; "
                    f"ND30 yêu cầu {size_range(low, high)}", para.location())
    if any(p.italic for p in props):
        yield Issue("Số trang in nghiêng; ND30 yêu cầu chữ đứng", para.location())

