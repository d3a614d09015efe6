"""Shared expectations on one component line: bold, italic, size, alignment."""

from __future__ import annotations

from collections.abc import Iterator

from .document import Line
from .findings import Issue
from .text import pt, sizes

_ALIGNMENT = {None: "căn trái", "left": "căn trái", "start": "căn trái", "right": "căn phải",
              "end": "căn phải", "center": "căn giữa", "both": "căn đều hai bên",
              "distribute": "căn phân bố (distribute)"}


def alignment_vi(jc: str | None) -> str:
    """The Vietnamese name of a w:jc value."""
    return _ALIGNMENT.get(jc, f"căn «{jc}»")


def size_range(low: float, high: float) -> str:
    return f"{pt(low)} pt" if low == high else f"{pt(low)}–{pt(high)} pt"


def expect(line: Line, name: str, *, bold: bool | None = None, italic: bool | None = None,
           size: tuple[float, float] | None = None, centred: bool = False) -> Iterator[Issue]:
    """Issues for `line` (called `name` in messages) against the expected formatting."""
    runs = line.visible_runs
    if not runs:
        return
    if bold is True and not all(run.props.bold for run in runs):
        yield Issue(f"{name} không in đậm; ND30 yêu cầu chữ đậm", line.location())
    if bold is False and any(run.props.bold for run in runs):
        yield Issue(f"{name} in đậm; ND30 yêu cầu chữ không đậm", line.location())
    if italic is True and not all(run.props.italic for run in runs):
        yield Issue(f"{name} không in nghiêng; ND30 yêu cầu chữ nghiêng", line.location())
    if italic is False and any(run.props.italic for run in runs):
        yield Issue(f"{name} in nghiêng; ND30 yêu cầu chữ đứng", line.location())
    if size is not None and not all(size[0] <= run.props.size_pt <= size[1] for run in runs):
        yield Issue(f"{name} cỡ chữ {sizes(runs)} pt; ND30 yêu cầu {size_range(*size)}",
                    line.location())
    if centred and line.para.props.jc != "center":
        yield Issue(f"{name} {alignment_vi(line.para.props.jc)}; ND30 yêu cầu căn giữa",
                    line.location())


def single_size(line: Line) -> float | None:
    """The point size of the line when all its text has one size, else None."""
    found = {run.props.size_pt for run in line.visible_runs}
    return found.pop() if len(found) == 1 else None
