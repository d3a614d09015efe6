"""The choices of the bulk-printing pages within the user's scope, in SQL: the communes
and bodies to pick first, then a commune's residential areas or a year's issued decisions
— never every unit or document of a province loaded to fill a drop-down."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from ..vietnamese import fold
from .listing import _where, body_scope, unit_scope, units_query
from .models import STATUS_ISSUED, Body, Document, Unit

if TYPE_CHECKING:
    from .accounts import Scope

AREAS_AT_ONCE = 200  # up to this many areas in scope, the commitments page lists them all
AREA = "khu_dan_cu"


def unit_communes(session: Session, scope: Scope | None, kind: str | None = None
                  ) -> list[str]:
    """The communes (spelt as stored, sorted without diacritics) of the units `scope`
    sees, of one kind when given."""
    query = _where(select(Unit.commune).distinct(), unit_scope(session, scope),
                   Unit.kind == kind if kind else None)
    return sorted((c for c in session.scalars(query) if c), key=fold)


def bodies_with_units(session: Session, scope: Scope | None) -> list[tuple[int, str]]:
    """(id, name) of the bodies `scope` sees that assess at least one unit, in the order
    they were entered."""
    query = _where(select(Body.id, Body.name).where(exists().where(Unit.body_id == Body.id))
                   .order_by(Body.id), body_scope(scope, Body.id))
    return [(row.id, row.name) for row in session.execute(query)]


def area_count(session: Session, scope: Scope | None) -> int:
    """How many residential areas `scope` sees."""
    return session.scalar(_where(select(func.count()).select_from(Unit).where(Unit.kind == AREA),
                                 unit_scope(session, scope)))


def areas(session: Session, scope: Scope | None, commune: str | None) -> list[Unit]:
    """The residential areas `scope` sees, of `commune` (matched without diacritics) when
    given, in the order they were entered."""
    return list(session.scalars(units_query(session, scope, kind=AREA, commune=commune)))


def area_commune(session: Session, scope: Scope | None, asked: str | None
                 ) -> tuple[list[str], str | None, bool]:
    """The communes with areas `scope` sees; the one whose areas the commitments page
    lists: `asked` when it is one of them, else None (every area) when there are at most
    AREAS_AT_ONCE areas, else the first commune; and whether every area may be listed."""
    names = unit_communes(session, scope, AREA)
    wanted = fold(asked or "")
    chosen = next((c for c in names if fold(c) == wanted), None) if wanted else None
    every = area_count(session, scope) <= AREAS_AT_ONCE
    if chosen is None and names and not every:
        chosen = names[0]
    return names, chosen, every


def issued_decision_years(session: Session, scope: Scope | None) -> list[int]:
    """The years (newest first) of the issued recognition decisions `scope` sees."""
    query = _where(select(Document.year).distinct().where(
        Document.kind == "safe_decision", Document.status == STATUS_ISSUED), body_scope(scope))
    return sorted(session.scalars(query), reverse=True)


DECISIONS_AT_ONCE = 200  # up to this many decisions a year, the certificates page lists them all


def issued_decisions(session: Session, scope: Scope | None, year: int | None
                     ) -> list[tuple[int, str, str, str]]:
    """(body id, body name, document id, label) of the issued recognition decisions of `year` (every
    year: None) of the bodies `scope` sees, newest first: columns of one join."""
    query = _where(select(Body.id, Document.id, Document.symbol, Body.name)
                   .join(Body, Body.id == Document.body_id).where(
        Document.kind == "safe_decision", Document.status == STATUS_ISSUED).order_by(
        Document.year.desc(), Document.number.desc().nulls_first(), Document.id.desc()),
        body_scope(scope), Document.year == year if year is not None else None)
    return [(body, name, str(i), f"Quyết định số {symbol} — {name}")
            for body, i, symbol, name in session.execute(query)]


def decision_bodies(decisions: list[tuple[int, str, str, str]], asked: int | None
                    ) -> tuple[list[tuple[int, str, str, str]], int | None, bool]:
    """Of `issued_decisions`: those the page lists (of body `asked` when given, of the
    first body when there are more than DECISIONS_AT_ONCE), that body, and whether every
    body's may be listed at once."""
    every = len(decisions) <= DECISIONS_AT_ONCE
    bodies = {d[0] for d in decisions}
    if asked not in bodies:
        asked = None if every or not bodies else min(bodies)
    return [d for d in decisions if asked is None or d[0] == asked], asked, every
