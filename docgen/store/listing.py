"""Lists a page at a time: the queries behind the web form's long lists, with the user's
scope, the filters and the counts in SQL — never a Python loop over every row of a
province (5,000 units, 50,000 register entries, 300,000 households)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, exists, false, func, or_, select
from sqlalchemy.orm import Session

from .. import domain
from ..vietnamese import fold
from .models import Assessment, Body, Document, Household, Unit

if TYPE_CHECKING:
    from .accounts import Scope


@dataclass(frozen=True)
class Window:
    """One page of a list: its `rows`, the `total` count of the whole list, the page
    number (from 1, never past the last page) and the page size."""

    rows: list[Any]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def first(self) -> int:
        """The position of the page's first row in the whole list (from 1)."""
        return (self.page - 1) * self.size + 1

    def numbers(self, around: int = 2) -> list[int | None]:
        """The page numbers a pager shows: the first, the last and `around` either side of
        this one; None where numbers are left out."""
        shown = sorted({1, self.pages, *range(max(1, self.page - around),
                                               min(self.pages, self.page + around) + 1)})
        out: list[int | None] = []
        for n in shown:
            if out and n - out[-1] > 1:
                out.append(None)
            out.append(n)
        return out


def paged(session: Session, query: Select, page: int, size: int, *,
          scalars: bool = True) -> Window:
    """Page `page` (from 1; one past the last gives the last) of `size` rows of `query`,
    with the list's total counted in SQL."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    last = max(1, math.ceil(total / size))
    page = min(max(1, page), last)
    window = query.limit(size).offset((page - 1) * size)
    rows = list(session.scalars(window) if scalars else session.execute(window))
    return Window(rows, total, page, size)


def communes(session: Session, keep: Callable[[str], bool] = lambda folded: True) -> list[str]:
    """The communes units are stored under, spelt as stored, whose folded name passes `keep`
    (a few hundred distinct values in a province: folded here, matched in SQL)."""
    return sorted(c for c in session.scalars(select(Unit.commune).distinct())
                  if c and keep(fold(c)))


def unit_scope(session: Session, scope: Scope | None) -> ColumnElement | None:
    """The SQL form of `scope.unit`: units of the scope's bodies or of its commune (however
    the commune is spelt); None when the scope sees every unit."""
    if scope is None or scope.body_ids is None:
        return None
    clause = Unit.body_id.in_(sorted(scope.body_ids)) if scope.body_ids else false()
    if scope.commune:
        spellings = communes(session, lambda c: c == scope.commune)
        if spellings:
            clause = or_(clause, Unit.commune.in_(spellings))
    return clause


def body_scope(scope: Scope | None, column=Document.body_id) -> ColumnElement | None:
    """The SQL form of `scope.body` on `column`; None when the scope sees every body."""
    if scope is None or scope.body_ids is None:
        return None
    return column.in_(sorted(scope.body_ids)) if scope.body_ids else false()


def _where(query: Select, *clauses) -> Select:
    kept = [c for c in clauses if c is not None]
    return query.where(*kept) if kept else query


def units_query(session: Session, scope: Scope | None, *, search: str | None = None,
                kind: str | None = None, body_id: int | None = None,
                commune: str | None = None) -> Select:
    """The units `scope` sees, in the order they were entered: `search` matches any part of
    the name or commune without diacritics, `kind` a code or label, `commune` the folded
    commune name; each filter only narrows the scope."""
    query = _where(select(Unit).order_by(Unit.id), unit_scope(session, scope))
    if body_id is not None:
        query = query.where(Unit.body_id == body_id)
    if kind:
        record = domain.unit_kind(kind)
        query = query.where(Unit.kind == (record.code if record else kind))
    if commune:
        wanted = fold(commune)
        query = query.where(Unit.commune.in_(communes(session, lambda c: c == wanted)))
    needle = fold(search or "")
    if needle:
        query = query.where(or_(Unit.name_key.contains(needle, autoescape=True),
                                Unit.commune.in_(communes(session, lambda c: needle in c))))
    return query


def documents_query(scope: Scope | None, *, body_id: int | None = None,
                    year: int | None = None, kind: str | None = None,
                    status: str | None = None) -> Select:
    """The register as `scope` sees it, newest first (drafts, then numbers descending)."""
    query = _where(select(Document).order_by(
        Document.year.desc(), Document.number.desc().nulls_first(), Document.id.desc()),
        body_scope(scope))
    for column, value in ((Document.body_id, body_id), (Document.year, year),
                          (Document.kind, kind), (Document.status, status)):
        if value is not None:
            query = query.where(column == value)
    return query


def document_years(session: Session, scope: Scope | None, body_id: int | None = None
                   ) -> list[int]:
    """The register's years (newest first) within `scope`, of one body or of all."""
    query = _where(select(Document.year).distinct(), body_scope(scope),
                   Document.body_id == body_id if body_id is not None else None)
    return sorted(session.scalars(query), reverse=True)


def bodies_seen(session: Session, scope: Scope | None) -> list[Body]:
    """The bodies `scope` sees, in the order they were entered."""
    return list(session.scalars(_where(select(Body).order_by(Body.id),
                                       body_scope(scope, Body.id))))


@dataclass(frozen=True)
class Overview:
    """The home page's counts, each one SQL aggregate."""

    bodies: int
    units: int
    documents: int
    assessed: int


def overview(session: Session, scope: Scope | None, year: int) -> Overview:
    """What the home page counts within `scope`: bodies, units, register entries, and the
    outcomes of `year` of the units its bodies assess."""
    count = func.count()
    return Overview(
        bodies=session.scalar(_where(select(count).select_from(Body), body_scope(scope, Body.id))),
        units=session.scalar(_where(select(count).select_from(Unit),
                                    unit_scope(session, scope))),
        documents=session.scalar(_where(select(count).select_from(Document), body_scope(scope))),
        assessed=session.scalar(_where(
            select(count).select_from(Assessment).join(Unit, Unit.id == Assessment.unit_id)
            .where(Assessment.year == year), body_scope(scope, Unit.body_id))))


def grid_units(body_id: int, kind: str | None = None) -> Select:
    """The units a body assesses (of one kind when given), in the grid's order."""
    query = select(Unit).where(Unit.body_id == body_id).order_by(Unit.id)
    return query.where(Unit.kind == kind) if kind else query


def adopt_counts(session: Session, body_id: int, year: int) -> tuple[int, int]:
    """Among the body's units without a decided class in `year`: how many have a suggested
    class («Lấy mức đề xuất» decides them) and how many have none."""
    undecided = session.execute(
        select(Assessment.suggested.is_not(None), func.count())
        .select_from(Unit)
        .outerjoin(Assessment, (Assessment.unit_id == Unit.id) & (Assessment.year == year))
        .where(Unit.body_id == body_id, or_(Assessment.decided.is_(None),
                                            Assessment.decided == ""))
        .group_by(Assessment.suggested.is_not(None)))
    counts = {bool(ready): count for ready, count in undecided}
    return counts.get(True, 0), counts.get(False, 0)


def busiest_body(session: Session, bodies: list[Body]) -> int | None:
    """Of `bodies`, the one that assesses the most units (the first of them on a tie)."""
    counts = {body: count for body, count in session.execute(
        select(Unit.body_id, func.count()).group_by(Unit.body_id))}
    return max((b.id for b in bodies), key=lambda b: counts.get(b, 0), default=None)


def household_years(session: Session, scope: Scope | None) -> list[int]:
    """The years with stored household lists of units `scope` sees, newest first: one
    index lookup a year (`max(year) < last`), not a scan of every household."""
    years, below, seen = [], None, unit_scope(session, scope)
    while True:
        query = select(func.max(Household.year))
        year = session.scalar(query if below is None else query.where(Household.year < below))
        if year is None:
            return years
        below = year
        mine = _where(select(Household.id).join(Unit, Unit.id == Household.unit_id)
                      .where(Household.year == year).limit(1), seen)
        if seen is None or session.scalar(mine) is not None:
            years.append(year)


def household_page(session: Session, scope: Scope | None, year: int, page: int, size: int,
                   commune: str | None = None) -> tuple[Window, int]:
    """A page of `year`'s stored lists (HouseholdList, by area name) of the units `scope`
    sees, of one commune when given; and the households of all those lists. Along the
    (year, unit) index: a lookup per unit, the page's lists counted, one range count."""
    from .households import HouseholdList
    listed = exists().where(Household.unit_id == Unit.id, Household.year == year)
    query = _where(select(Unit.id, Unit.name, Unit.commune, Unit.body_id).where(listed)
                   .order_by(Unit.name_key, Unit.id), unit_scope(session, scope))
    if commune:
        wanted = fold(commune)
        query = query.where(Unit.commune.in_(communes(session, lambda c: c == wanted)))
    window = paged(session, query, page, size, scalars=False)
    ids = [row[0] for row in window.rows]
    counts = {unit: n for unit, n in session.execute(
        select(Household.unit_id, func.count()).where(Household.year == year,
                                                      Household.unit_id.in_(ids))
        .group_by(Household.unit_id))} if ids else {}
    people = select(func.count()).select_from(Household).where(Household.year == year)
    if unit_scope(session, scope) is not None or commune:
        people = people.where(Household.unit_id.in_(query.with_only_columns(Unit.id)
                                                    .order_by(None)))
    rows = [HouseholdList(year, *row, counts.get(row[0], 0)) for row in window.rows]
    return Window(rows, window.total, window.page, window.size), session.scalar(people)
