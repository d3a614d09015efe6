"""The short solid lines drawn under header components: paragraph borders, line shapes,
and the typed underscores that imitate them."""

from __future__ import annotations

import re
from typing import NamedTuple

from .document import Line, Para
from .findings import Issue
from .ooxml import qn
from .text import is_typed_rule

EMU_PER_PT = 12700
_LINE_SHAPES = ("line", "straightConnector1")
_VML_UNITS = {"pt": 1.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "pc": 12.0,
              "px": 0.75, "emu": 1 / EMU_PER_PT, "": 0.75}
_VML_LENGTH = re.compile(r"\s*(-?[\d.]+)\s*([a-z]*)")
_NO_BORDER = (None, "nil", "none")


class Ruler(NamedTuple):
    """A line found under some text: how it is drawn, its width in points, its style."""

    kind: str                 # "border", "drawing" or "typed"
    width_pt: float | None    # None when the width cannot be known
    style: str                # border value ("single", "double"…); "single" for shapes
    para: Para


def known_width(lines: list[Line], available_twips: float | None = None) -> float | None:
    """Printed width of the widest line, at most the space available; None when a template
    tag stands in for the text."""
    if any(line.templated for line in lines):
        return None
    width = max(line.width_pt() for line in lines)
    return width if available_twips is None else min(width, available_twips / 20)


def ruler_under(line: Line, siblings: list) -> Ruler | None:
    """The line drawn under `line`: a bottom border or line shape on its paragraph, or on
    the blank paragraphs right after it among `siblings`; typed underscores count too."""
    para = line.para
    later_lines = para.lines[para.lines.index(line) + 1:] if line in para.lines else []
    typed = next((later for later in later_lines if later.stripped), None)
    if typed is not None and is_typed_rule(typed.text):
        return Ruler("typed", typed.width_pt(), "typed", para)
    found = _drawn(para)
    if found:
        return found
    start = siblings.index(para) + 1 if para in siblings else len(siblings)
    for following in siblings[start:start + 2]:
        if not isinstance(following, Para):
            break
        if is_typed_rule(following.text):
            return Ruler("typed", following.lines[0].width_pt(), "typed", following)
        if not following.is_blank:
            break
        found = _drawn(following)
        if found:
            return found
    return None


def drawing_issue(ruler: Ruler | None, line: Line, name: str, expected: str) -> Issue | None:
    """What is wrong with how the line under `name` is drawn: missing, typed, not solid;
    None when it is a solid line (its length is judged by the caller)."""
    if ruler is None:
        return Issue(f"Không có đường kẻ dưới {name}; ND30 yêu cầu đường kẻ nét liền {expected}",
                     line.location())
    if ruler.kind == "typed":
        return Issue(f"Đường kẻ dưới {name} được gõ bằng ký tự (như «____»); ND30 yêu cầu "
                     "đường kẻ nét liền (viền dưới đoạn hoặc hình đường thẳng)",
                     ruler.para.location())
    if ruler.style != "single":
        return Issue(f"Đường kẻ dưới {name} kiểu «{ruler.style}»; ND30 yêu cầu nét liền đơn",
                     ruler.para.location())
    return None


def drawing_among(paras: list) -> Ruler | None:
    """A line shape anchored anywhere among `paras` (Word anchors floating lines to any
    nearby paragraph), for when none sits right under the text."""
    for para in paras:
        if isinstance(para, Para) and para.has_drawing:
            widths = drawing_line_widths(para.el)
            if widths:
                return Ruler("drawing", max(widths), "single", para)
    return None


def _drawn(para: Para) -> Ruler | None:
    if para.props.bottom not in _NO_BORDER:
        width = para.width_twips()
        return Ruler("border", None if width is None else width / 20, para.props.bottom, para)
    if para.has_drawing:
        widths = drawing_line_widths(para.el)
        if widths:
            return Ruler("drawing", max(widths), "single", para)
    return None


def drawing_line_widths(el) -> list[float]:
    """Widths in points of the straight-line shapes (DrawingML or VML) inside `el`."""
    widths = []
    for frame in el.iter(qn("wp:inline"), qn("wp:anchor")):
        geometry = frame.find(f".//{qn('a:prstGeom')}")
        extent = frame.find(qn("wp:extent"))
        if geometry is not None and geometry.get("prst") in _LINE_SHAPES and extent is not None:
            widths.append(int(extent.get("cx", "0")) / EMU_PER_PT)
    for shape in el.iter(qn("v:line")):
        start, end = _vml_point(shape.get("from", "0,0")), _vml_point(shape.get("to", "0,0"))
        widths.append(abs(end - start))
    for shape in el.iter(qn("v:shape")):
        if shape.get(qn("o:connectortype")) or (shape.get("type") or "").endswith("_x0000_t32"):
            widths.append(_vml_style_width(shape.get("style", "")))
    return widths


def _vml_length(text: str) -> float:
    match = _VML_LENGTH.match(text or "")
    if not match:
        return 0.0
    return float(match.group(1)) * _VML_UNITS.get(match.group(2), 0.75)


def _vml_point(text: str) -> float:
    return _vml_length(text.split(",")[0])


def _vml_style_width(style: str) -> float:
    for item in style.split(";"):
        name, _, value = item.partition(":")
        if name.strip() == "width":
            return _vml_length(value)
    return 0.0
