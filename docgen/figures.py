"""The figures of a year's classification, computed once: counts per unit kind and class,
shares of each row, units recognised "An toàn về ANTT", and the change against last year.

Tables and sentences of a report both read a `Figures`; nothing else counts units.
Percentages are rounded half up to two decimals exactly as `vietnamese.percent` prints
them. A change in percentage points is computed from the exact shares and rounded once
(one unit in 13 more is 7,69 points whoever counts it, never 7,70 from 23,08 − 15,38).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any
from collections.abc import Iterable

from . import domain
from .vietnamese import format_number, percent

CLASSES = domain.UNIT_CLASSES
KINDS = domain.UNIT_KINDS


def share(part: int, whole: int) -> Decimal:
    """`part` as a percentage of `whole`, rounded half up to 2 decimals; 0 when `whole` is 0."""
    if not whole:
        return Decimal(0).scaleb(-2)
    hundredths = math.floor(Fraction(part * 10_000, whole) + Fraction(1, 2))
    return Decimal(hundredths).scaleb(-2)


def points(now: tuple[int, int], before: tuple[int, int]) -> Decimal:
    """The change in percentage points from `before` (part, whole) to `now`, from the exact
    shares, rounded half away from zero to 2 decimals; a share of nothing counts as 0."""
    def exact(part: int, whole: int) -> Fraction:
        return Fraction(part * 100, whole) if whole else Fraction(0)

    diff = exact(*now) - exact(*before)
    hundredths = math.floor(abs(diff) * 100 + Fraction(1, 2))
    return Decimal(-hundredths if diff < 0 else hundredths).scaleb(-2)


@dataclass(frozen=True)
class Tally:
    """One row of figures: the units of one kind (or of all kinds).

    `counts` follows `domain.UNIT_CLASSES`; `safe` is the number recognised "An toàn về
    ANTT", None when not known (a previous year given as counts without it).
    """

    label: str
    counts: tuple[int, ...]
    safe: int | None

    @property
    def total(self) -> int:
        return sum(self.counts)

    def count(self, grade: domain.UnitClass) -> int:
        return self.counts[CLASSES.index(grade)]

    def share(self, grade: domain.UnitClass) -> Decimal:
        return share(self.count(grade), self.total)

    def share_text(self, grade: domain.UnitClass) -> str:
        """"28,57%": the class's share of this row."""
        return percent(self.count(grade), self.total)

    @property
    def safe_share(self) -> Decimal | None:
        return None if self.safe is None else share(self.safe, self.total)

    @property
    def safe_share_text(self) -> str:
        return "" if self.safe is None else percent(self.safe, self.total)


@dataclass(frozen=True)
class Change:
    """A change against the previous year: in units and (None for totals) in percentage points."""

    delta: int
    points: Decimal | None = None

    @property
    def count_text(self) -> str:
        """"tăng 3 đơn vị", "giảm 2 đơn vị" or "không thay đổi"."""
        if not self.delta:
            return "không thay đổi"
        word = "tăng" if self.delta > 0 else "giảm"
        return f"{word} {format_number(abs(self.delta))} đơn vị"

    @property
    def points_text(self) -> str:
        """"tăng 4,76 điểm phần trăm", "giảm …" or "không thay đổi"; "" without points."""
        if self.points is None:
            return ""
        if not self.points:
            return "không thay đổi"
        word = "tăng" if self.points > 0 else "giảm"
        return f"{word} {format_number(abs(self.points))} điểm phần trăm"


@dataclass(frozen=True)
class Figures:
    """A year's figures: one `Tally` per unit kind (every kind, in domain order) and the total.

    `previous` holds last year's figures or None; `missing_kinds` names the kinds that
    have units this year but no figures last year (counted there as 0).
    """

    year: int
    kinds: tuple[Tally, ...]
    total: Tally
    previous: Figures | None = None
    missing_kinds: tuple[str, ...] = ()

    def kind(self, kind: domain.UnitKind) -> Tally:
        return self.kinds[KINDS.index(kind)]

    @property
    def shown_kinds(self) -> tuple[Tally, ...]:
        """The kinds a table shows: those with units this year or last. A commune's report
        has no row for communes; a district's keeps a kind whose units all went away."""
        before = self.previous.kinds if self.previous else (None,) * len(self.kinds)
        return tuple(row for row, old in zip(self.kinds, before, strict=True)
                     if row.total or (old is not None and old.total))

    def change(self, grade: domain.UnitClass) -> Change | None:
        """The change of one class against the previous year; None without a previous year."""
        if self.previous is None:
            return None
        now, before = self.total, self.previous.total
        return Change(now.count(grade) - before.count(grade),
                      points((now.count(grade), now.total),
                             (before.count(grade), before.total)))

    @property
    def total_change(self) -> Change | None:
        if self.previous is None:
            return None
        return Change(self.total.total - self.previous.total.total)

    @property
    def safe_change(self) -> Change | None:
        """None without a previous year or when either year's safe count is unknown."""
        if self.previous is None or self.previous.total.safe is None or self.total.safe is None:
            return None
        now, before = self.total, self.previous.total
        return Change(now.safe - before.safe,
                      points((now.safe, now.total), (before.safe, before.total)))


def _tally(label: str, counts: Iterable[int], safe: int | None) -> Tally:
    return Tally(label, tuple(counts), safe)


def _sum(label: str, rows: Iterable[Tally]) -> Tally:
    rows = list(rows)
    counts = tuple(sum(r.counts[i] for r in rows) for i in range(len(CLASSES)))
    safes = [r.safe for r in rows]
    return _tally(label, counts, None if None in safes else sum(safes))


TOTAL_LABEL = "Tổng cộng"


def from_units(units: Iterable[Any], year: int) -> Figures:
    """Figures of `units`: objects with `kind` (UnitKind), `grade` (UnitClass) and `safe`
    (bool, or None when unknown — the kind's safe count is then unknown too)."""
    units = list(units)
    rows = []
    for kind in KINDS:
        mine = [u for u in units if u.kind is kind]
        counts = [sum(1 for u in mine if u.grade is grade) for grade in CLASSES]
        safe = None if any(u.safe is None for u in mine) else sum(1 for u in mine if u.safe)
        rows.append(_tally(kind.label, counts, safe))
    return Figures(year, tuple(rows), _sum(TOTAL_LABEL, rows))


def from_counts(rows: Iterable[Any], year: int) -> Figures:
    """Figures from counts per kind: objects with `kind` and one attribute per class code
    (`xuat_sac`, `kha`, …) and `safe` (int or None). Kinds absent are counted as 0 and
    named in `missing_kinds`."""
    by_kind = {row.kind: row for row in rows}
    tallies, missing = [], []
    for kind in KINDS:
        row = by_kind.get(kind)
        if row is None:
            missing.append(kind.label)
            tallies.append(_tally(kind.label, (0,) * len(CLASSES), 0))
        else:
            tallies.append(_tally(kind.label, (getattr(row, g.code) for g in CLASSES), row.safe))
    return Figures(year, tuple(tallies), _sum(TOTAL_LABEL, tallies), missing_kinds=tuple(missing))


def compute(units: Iterable[Any], year: int, *, previous_units: Iterable[Any] | None = None,
            previous_counts: Iterable[Any] | None = None,
            previous_year: int | None = None) -> Figures:
    """This year's figures from its units, with last year's from its units or its counts
    (neither: no comparison). `previous_year` defaults to `year - 1`."""
    current = from_units(units, year)
    before_year = previous_year or year - 1
    if previous_units:
        before = from_units(previous_units, before_year)
    elif previous_counts:
        before = from_counts(previous_counts, before_year)
    else:
        return current
    missing = tuple(k for k in before.missing_kinds if current.kind(domain.unit_kind(k)).total)
    return Figures(year, current.kinds, current.total, before, missing)
