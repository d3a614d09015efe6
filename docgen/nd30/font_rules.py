"""Font rules over every run with text: family, colour and size, aggregated per value and
place so that a long table yields one line, not one per run."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .context import Context
from .findings import Issue
from .styles import RunProps
from .text import pt

REQUIRED_FONT = "Times New Roman"
BLACK = ("auto", "000000")
SIZE_RANGE = (10, 14)


class _Tally:
    """Counts paragraphs per fault key and remembers the first place each was seen."""

    def __init__(self):
        self.counts: dict = {}
        self.first: dict = {}
        self._last: dict = {}

    def add(self, fault, para) -> None:
        if self._last.get(fault) is para:
            return
        self._last[fault] = para
        self.counts[fault] = self.counts.get(fault, 0) + 1
        self.first.setdefault(fault, para)


def _tally(ctx: Context, faults_of: Callable[[RunProps], tuple], skip=frozenset()) -> _Tally:
    tally, cache = _Tally(), {}
    for para, run in ctx.visible_runs:
        if skip and id(para) in skip:
            continue
        faults = cache.get(run.props)
        if faults is None:
            faults = cache[run.props] = faults_of(run.props)
        for fault in faults:
            tally.add((fault, para.place), para)
    return tally


def _issues(tally: _Tally, message: Callable[[str, int, str], str]) -> Iterator[Issue]:
    for (fault, place), count in tally.counts.items():
        yield Issue(message(fault, count, place), tally.first[(fault, place)].location())


def check_family(ctx: Context) -> Iterator[Issue]:
    """The effective Latin font of every run with text is Times New Roman."""
    sheet = ctx.doc.sheet

    def faults(props: RunProps) -> tuple:
        wrong = []
        for which, slot in (("ascii", props.ascii), ("hAnsi", props.hansi), ("cs", props.cs)):
            if slot is None:
                continue                  # unset everywhere: Word's own default is TNR
            name = sheet.font_name(slot)
            if which == "cs" and not name:
                continue                  # complex-script font unnamed: not used for Latin
            if (name or "").strip().lower() != REQUIRED_FONT.lower():
                label = f"«{name or '?'}»"
                if slot[0] == "theme":
                    label += f" (phông chủ đề {slot[1]})"
                if label not in wrong:
                    wrong.append(label)
        return tuple(wrong)

    yield from _issues(_tally(ctx, faults), lambda font, count, place: (
        f"Phông chữ {font} ở {count} đoạn trong {place}; ND30 yêu cầu {REQUIRED_FONT}"))


def check_color(ctx: Context) -> Iterator[Issue]:
    """Text is black: no colour, "auto", 000000, or a theme colour that is black."""
    sheet = ctx.doc.sheet

    def faults(props: RunProps) -> tuple:
        if props.color is None:
            return ()
        value, theme, tinted = props.color
        label = (value or "").upper()
        if theme and not tinted:
            value = sheet.theme_color(theme) or value
            label = f"{(value or '?').upper()} (màu chủ đề {theme})"
        return () if (value or "auto").lower() in BLACK else (label,)

    yield from _issues(_tally(ctx, faults), lambda colour, count, place: (
        f"Chữ màu {colour} ở {count} đoạn trong {place}; ND30 yêu cầu chữ màu đen"))


def check_size(ctx: Context) -> Iterator[Issue]:
    """Text outside the components (which have their own sizes) is 10–14 pt."""
    low, high = SIZE_RANGE

    def faults(props: RunProps) -> tuple:
        return () if low <= props.size_pt <= high else (pt(props.size_pt),)

    yield from _issues(_tally(ctx, faults, ctx.claimed), lambda size, count, place: (
        f"Cỡ chữ {size} pt ở {count} đoạn trong {place}; ND30 cho phép {low}–{high} pt"))
