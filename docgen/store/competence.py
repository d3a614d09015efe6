"""Who may decide for a stored unit: the competence and scope rules of docgen.rules applied
to the bodies in the store (the unit's commune body, the district above its body, the
province), and the Vietnamese messages that name the unit and the competent body."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import rules as law
from ..rules import Competence, Exclusion, Rules
from ..vietnamese import fold
from .models import Body, Unit

NOT_STORED = "(chưa có trong danh sách cơ quan)"
OUT_OF_SCOPE = "Ngoài phạm vi đánh giá"


class Decider(NamedTuple):
    """Who decides a matter for a unit: the rule (None when the file has none or the unit is
    out of scope), the exclusion keeping it out of scope (None when in scope), the competent
    body in the store (None when not stored) and a label to show."""

    rule: Competence | None
    excluded: Exclusion | None
    body: Body | None
    label: str


def year_date(year: int) -> dt.date:
    """The day whose period rules a year's assessment (Rules.year_period: 1 November)."""
    return dt.date(year, 11, 1)


class _Bodies:
    """Every stored body read once, with its tier and organ, for many units."""

    def __init__(self, session: Session):
        self.all = list(session.scalars(select(Body).order_by(Body.id)))
        self.tier = {b.id: law.tier(b.level) for b in self.all}
        self.organ = {b.id: law.organ(b.abbreviation) for b in self.all}

    def in_place(self, anchor: Body, tier: str, organ: str) -> Body | None:
        """The body of `tier` and `organ` sharing `anchor`'s place (itself first)."""
        for body in [anchor, *(b for b in self.all if b.place == anchor.place)]:
            if self.tier[body.id] == tier and self.organ[body.id] == organ:
                return body
        return None

    def ancestor(self, body: Body | None, tier: str) -> Body | None:
        """`body` or the nearest body above it of `tier`."""
        seen: set[int] = set()
        while body is not None and body.id not in seen:
            if self.tier.get(body.id) == tier:
                return body
            seen.add(body.id)
            body = body.parent
        return None

    def commune_anchors(self, unit: Unit) -> list[Body]:
        """The commune-tier bodies of the unit's commune: its own body when that is one,
        then those whose commune is the unit's."""
        commune = fold(unit.commune)
        own = unit.body
        found = []
        if own is not None and self.tier.get(own.id) == "xa" and (
                not commune or fold(own.commune) in ("", commune)):
            found.append(own)
        if commune:
            found += [b for b in self.all if self.tier[b.id] == "xa"
                      and fold(b.commune) == commune]
        return found

    def competent(self, unit: Unit, rule: Competence) -> Body | None:
        if rule.decider == "xa":
            for anchor in self.commune_anchors(unit):
                body = self.in_place(anchor, "xa", rule.organ)
                if body is not None:
                    return body
            return None
        if rule.decider in ("huyen", "tinh"):
            anchor = self.ancestor(unit.body, rule.decider)
            return self.in_place(anchor, rule.decider, rule.organ) if anchor else None
        return next((b for b in self.all if self.organ[b.id] == rule.organ), None)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _category_label(rules: Rules, unit: Unit) -> str:
    found = rules.category(unit.kind, unit.category) if unit.category else None
    return found.label if found else unit.kind_label


def _decide(bodies: _Bodies, rules: Rules, unit: Unit, on: dt.date, matter: str) -> Decider:
    excluded = rules.excluded(unit.kind, unit.category, matter)
    if excluded is not None:
        return Decider(None, excluded, None, f"Ngoài phạm vi: {_category_label(rules, unit)} "
                                             f"({excluded.source})")
    body_tier = bodies.tier.get(unit.body_id, "")
    managed = rules.managing_tier(unit.kind, unit.category, unit.managed_by, body_tier)
    rule = rules.competent(unit.kind, category=unit.category, managed_by=managed, on=on,
                           matter=matter)
    if rule is None:
        return Decider(None, None, None, f"Chưa có quy tắc thẩm quyền cho "
                                         f"{_lower_first(_category_label(rules, unit))} "
                                         f"({rules.period(on).name})")
    body = bodies.competent(unit, rule)
    if body is not None:
        return Decider(rule, None, body, body.name)
    if rule.decider == "xa" and unit.commune and rule.organ != "BCA":
        label = f"{law.ORGANS[rule.organ]} {_lower_first(unit.commune)}"
    else:
        label = rule.label
    return Decider(rule, None, None, f"{label} {NOT_STORED}")


def deciders_for(session: Session, units: Iterable[Unit], on: dt.date,
                 matter: str = "phan_loai", rules: Rules | None = None) -> dict[int, Decider]:
    """`decider_for` of many units, reading the bodies once: {unit id: Decider}."""
    rules = rules or law.load_rules()
    bodies = _Bodies(session)
    return {unit.id: _decide(bodies, rules, unit, on, matter) for unit in units}


def decider_for(session: Session, unit: Unit, on: dt.date, matter: str = "phan_loai",
                rules: Rules | None = None) -> Decider:
    """Who decides `matter` ("phan_loai": Decision 510's classification; "an_toan": Circular
    124's recognition) for `unit` on date `on`; `rules` None: the loaded rules file."""
    return _decide(_Bodies(session), rules or law.load_rules(), unit, on, matter)


def _may(bodies: _Bodies, decider: Decider, body: Body, unit: Unit) -> bool:
    if decider.rule is None:
        return False
    if decider.body is not None:
        return decider.body.id == body.id
    # The competent body is not stored: a body of the rule's tier and organ, in the unit's
    # place (its commune, or the chain of bodies above the unit's body).
    if not law.may_decide(decider.rule, body.level, body.abbreviation):
        return False
    if decider.rule.decider == "xa":
        return any(anchor.place == body.place for anchor in bodies.commune_anchors(unit)) \
            or (unit.body is not None and unit.body.place == body.place)
    anchor = bodies.ancestor(unit.body, decider.rule.decider)
    return anchor is not None and anchor.place == body.place


def issuer_may_decide(session: Session, body: Body, unit: Unit, on: dt.date,
                      matter: str = "phan_loai", rules: Rules | None = None) -> bool:
    """Whether `body` is the one competent to decide `matter` for `unit` on `on` (never for
    a unit out of scope)."""
    bodies = _Bodies(session)
    decider = _decide(bodies, rules or law.load_rules(), unit, on, matter)
    return _may(bodies, decider, body, unit)


def problem(body: Body, unit: Unit, decider: Decider, rules: Rules) -> str:
    """The message saying why `body` may not decide for `unit`."""
    if decider.excluded is not None:
        return decider.excluded.message(unit.name, _category_label(rules, unit))
    if decider.rule is None:
        return f"“{unit.name}”: {_lower_first(decider.label)}"
    return (f"“{unit.name}” do {decider.label.removesuffix(' ' + NOT_STORED)} quyết định, "
            f"không phải {body.name} ({decider.rule.source})")


def split_competent(session: Session, body: Body, units: Iterable[Unit], on: dt.date,
                    matter: str = "phan_loai", rules: Rules | None = None
                    ) -> tuple[list[Unit], list[str]]:
    """(the units `body` may decide, in order; a message for each other unit)."""
    rules = rules or law.load_rules()
    bodies = _Bodies(session)
    kept, problems = [], []
    for unit in units:
        decider = _decide(bodies, rules, unit, on, matter)
        if _may(bodies, decider, body, unit):
            kept.append(unit)
        else:
            problems.append(problem(body, unit, decider, rules))
    return kept, problems


def competence_problems(session: Session, body: Body, units: Iterable[Unit], on: dt.date,
                        matter: str = "phan_loai", rules: Rules | None = None) -> list[str]:
    """A Vietnamese message for each unit `body` may not decide `matter` for: naming the unit
    and the competent body with the rule's source, or the exclusion's source."""
    return split_competent(session, body, units, on, matter, rules)[1]
