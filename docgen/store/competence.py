"""Who may decide for a stored unit: the competence and scope rules of docgen.rules applied
to the bodies in the store (the unit's commune body, the district above its body, the
province), and the Vietnamese messages that name the unit and the competent body."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import domain, rules as law
from ..errors import InputError
from ..rules import Competence, Exclusion, Rules
from ..vietnamese import fold
from .models import Body, Unit

NOT_STORED = "(chưa có trong danh sách cơ quan)"


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


def same_period(year: int, other: int, rules: Rules | None = None) -> bool:
    """Whether two assessment years fall in the same period of the rules."""
    rules = rules or law.load_rules()
    return rules.year_period(year) == rules.year_period(other)


class _Bodies:
    """Every stored body read once, with its tier and organ, for many units."""

    def __init__(self, session: Session):
        self.all = list(session.scalars(select(Body).order_by(Body.id)))
        self.tier = {b.id: law.tier(b.level) for b in self.all}
        self.organ = {b.id: law.organ(b.abbreviation) for b in self.all}
        self.communes: dict[str, list[Body]] = {}  # folded commune → its commune-tier bodies
        for b in self.all:
            if self.tier[b.id] == "xa" and b.commune:
                self.communes.setdefault(fold(b.commune), []).append(b)
        self.by_id = {b.id: b for b in self.all}
        self.places: dict[str, list[Body]] = {}  # place name → its bodies (166 in a province)
        for b in self.all:
            self.places.setdefault(b.place, []).append(b)
        self.found: dict[tuple, Body | None] = {}  # (unit's body, commune, rule) → body
        self.decided: dict[tuple, Decider] = {}
        self.allowed: dict[tuple, bool] = {}
        self.folded: dict[str, str] = {}
        # (kind, category, managed_by, body tier, date, matter) → (exclusion, rule): the
        # rules are read once per kind of unit, not once per unit of a 20,000-unit list.
        self.rules: dict[tuple, tuple[Exclusion | None, Competence | None]] = {}

    def in_place(self, anchor: Body, tier: str, organ: str) -> Body | None:
        """The body of `tier` and `organ` sharing `anchor`'s place (itself first)."""
        for body in [anchor, *self.places.get(anchor.place, ())]:
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

    def fold(self, text: str) -> str:
        if text not in self.folded:
            self.folded[text] = fold(text)
        return self.folded[text]

    def commune_anchors(self, unit: Unit) -> list[Body]:
        """The commune-tier bodies of the unit's commune: its own body when that is one,
        then those whose commune is the unit's."""
        commune = self.fold(unit.commune)
        own = self.by_id.get(unit.body_id)
        found = []
        if own is not None and self.tier.get(own.id) == "xa" and (
                not commune or self.fold(own.commune) in ("", commune)):
            found.append(own)
        if commune:
            found += self.communes.get(commune, [])
        return found

    def competent(self, unit: Unit, rule: Competence) -> Body | None:
        key = (unit.body_id, unit.commune, rule)
        if key not in self.found:
            self.found[key] = self._competent(unit, rule)
        return self.found[key]

    def _competent(self, unit: Unit, rule: Competence) -> Body | None:
        if rule.decider == "xa":
            for anchor in self.commune_anchors(unit):
                body = self.in_place(anchor, "xa", rule.organ)
                if body is not None:
                    return body
            return None
        if rule.decider in ("huyen", "tinh"):
            anchor = self.ancestor(self.by_id.get(unit.body_id), rule.decider)
            return self.in_place(anchor, rule.decider, rule.organ) if anchor else None
        return next((b for b in self.all if self.organ[b.id] == rule.organ), None)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _category_label(rules: Rules, unit) -> str:
    """The unit's category label, else its kind's (`unit`: a Unit or a row with kind,
    category)."""
    found = rules.category(unit.kind, unit.category) if unit.category else None
    kind = domain.unit_kind(unit.kind)
    return found.label if found else (kind.label if kind else unit.kind)


def _rules_for(bodies: _Bodies, rules: Rules, unit: Unit, on: dt.date, matter: str
               ) -> tuple[Exclusion | None, Competence | None]:
    body_tier = bodies.tier.get(unit.body_id, "")
    key = (unit.kind, unit.category, unit.managed_by, body_tier, on, matter)
    if key not in bodies.rules:
        excluded = rules.excluded(unit.kind, unit.category, matter)
        managed = rules.managing_tier(unit.kind, unit.category, unit.managed_by, body_tier)
        bodies.rules[key] = (excluded, None if excluded else rules.competent(
            unit.kind, category=unit.category, managed_by=managed, on=on, matter=matter))
    return bodies.rules[key]


def _decide(bodies: _Bodies, rules: Rules, unit: Unit, on: dt.date, matter: str) -> Decider:
    # Units alike (kind, category, managing tier, body, commune) share one answer: a list of
    # 20,000 units has a few dozen kinds of unit.
    key = (unit.kind, unit.category, unit.managed_by, unit.body_id, unit.commune, on, matter)
    found = bodies.decided.get(key)
    if found is None:
        found = bodies.decided[key] = _decide_anew(bodies, rules, unit, on, matter)
    return found


def _decide_anew(bodies: _Bodies, rules: Rules, unit: Unit, on: dt.date, matter: str
                 ) -> Decider:
    excluded, rule = _rules_for(bodies, rules, unit, on, matter)
    if excluded is not None:
        return Decider(None, excluded, None, f"Ngoài phạm vi: {_category_label(rules, unit)} "
                                             f"({excluded.source})")
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


def _any_may(bodies: _Bodies, decider: Decider, deciders: tuple[Body, ...],
             unit: Unit) -> bool:
    """Whether one of `deciders` may decide for `unit` (answers shared by units alike)."""
    key = (decider, unit.body_id, unit.commune, deciders)
    found = bodies.allowed.get(key)
    if found is None:
        found = bodies.allowed[key] = any(_may(bodies, decider, b, unit) for b in deciders)
    return found


def _may(bodies: _Bodies, decider: Decider, body: Body, unit: Unit) -> bool:
    if decider.rule is None:
        return False
    if decider.body is not None:
        return decider.body.id == body.id
    # The competent body is not stored: a body of the rule's tier and organ, in the unit's
    # place (its commune, or the chain of bodies above the unit's body).
    if not law.may_decide(decider.rule, body.level, body.abbreviation):
        return False
    own = bodies.by_id.get(unit.body_id)
    if decider.rule.decider == "xa":
        return any(anchor.place == body.place for anchor in bodies.commune_anchors(unit)) \
            or (own is not None and own.place == body.place)
    anchor = bodies.ancestor(own, decider.rule.decider)
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
        if _any_may(bodies, decider, (body,), unit):
            kept.append(unit)
        else:
            problems.append(problem(body, unit, decider, rules))
    return kept, problems


def competence_problems(session: Session, body: Body, units: Iterable[Unit], on: dt.date,
                        matter: str = "phan_loai", rules: Rules | None = None) -> list[str]:
    """A Vietnamese message for each unit `body` may not decide `matter` for: naming the unit
    and the competent body with the rule's source, or the exclusion's source."""
    return split_competent(session, body, units, on, matter, rules)[1]


# ---- the units a document lists ------------------------------------------------------------

class Selection(NamedTuple):
    """The units a body's document lists (its place's in the order entered, then its
    commune's entered by other bodies) and, for each group of
    units of its place left out, a message naming them and who decides them."""

    units: list[Unit]
    warnings: list[str]


def select_units(session: Session, body: Body, on: dt.date, *, matter: str = "phan_loai",
                 place: bool = False, sources: Iterable[Body] = (),
                 rules: Rules | None = None) -> Selection:
    """The units `body` may decide (`place` False: a decision), or that a body of its place
    decides (`place` True: the police's proposal and report), among the units of its place's
    bodies (and of `sources`), and of its commune for a commune-tier place. Units of the
    place left out are named in `warnings`; units out of scope are never selected."""
    rules = rules or law.load_rules()
    bodies = _Bodies(session)
    here = [b for b in bodies.all if b.id == body.id or b.place == body.place]
    assessed = {b.id for b in here} | {b.id for b in sources}
    communes = {fold(b.commune) for b in here if bodies.tier[b.id] == "xa" and b.commune}
    # The place's own units first, then those of its commune entered by other bodies.
    near = Unit.body_id.in_(sorted(assessed))
    own = list(session.scalars(select(Unit).where(near).order_by(Unit.id)))
    elsewhere: list[Unit] = []
    if communes:  # a province's other units are read as two columns, then only the commune's
        ids = [uid for uid, commune in session.execute(
            select(Unit.id, Unit.commune).where(~near, Unit.commune != ""))
            if bodies.fold(commune) in communes]
        for start in range(0, len(ids), 500):
            elsewhere += session.scalars(select(Unit).where(Unit.id.in_(ids[start:start + 500])))
        elsewhere.sort(key=lambda unit: unit.id)
    kept: list[Unit] = []
    left: dict[str, list[str]] = {}  # message template → unit names
    deciders = tuple(here) if place else (body,)
    for unit in own + elsewhere:
        decider = _decide(bodies, rules, unit, on, matter)
        if _any_may(bodies, decider, deciders, unit):
            kept.append(unit)
        elif unit.body_id in assessed:
            left.setdefault(_left_out(body, unit, decider, rules, place), []).append(unit.name)
    warnings = [template.format(names=_names(names), count=len(names))
                for template, names in left.items()]
    return Selection(kept, warnings)


def _names(names: list[str]) -> str:
    shown = ", ".join(f"“{n}”" for n in names[:10])
    return shown + (f" và {len(names) - 10} đơn vị khác" if len(names) > 10 else "")


def _left_out(body: Body, unit: Unit, decider: Decider, rules: Rules, place: bool) -> str:
    """A message template ({names}, {count}) for units left out of `body`'s list."""
    whose = f"danh sách của {body.name}"
    if decider.excluded is not None:
        return (f"{{names}} ({_lower_first(_category_label(rules, unit))}) không thuộc đối "
                f"tượng đánh giá ({decider.excluded.source}) nên không có trong {whose}")
    if decider.rule is None:
        return f"{{names}}: {_lower_first(decider.label)}; không có trong {whose}"
    label = decider.label.removesuffix(" " + NOT_STORED)
    if place:
        return (f"{{names}} do {label} quyết định ({decider.rule.source}), không phải cấp "
                f"của {body.name}: không có trong {whose}")
    return (f"{{names}} do {label} quyết định, không phải {body.name} "
            f"({decider.rule.source}): không có trong {whose}")


# ---- a unit's outcome ------------------------------------------------------------------------

def outcome_exclusions(unit: Unit, rules: Rules | None = None
                       ) -> tuple[Exclusion | None, Exclusion | None]:
    """(the exclusion from the classification, the exclusion from "An toàn về ANTT") of
    `unit`: a unit out of scope is never classed, never counted "An toàn"."""
    rules = rules or law.load_rules()
    return (rules.excluded(unit.kind, unit.category, "phan_loai"),
            rules.excluded(unit.kind, unit.category, "an_toan"))


def outcome_refusals(unit: Unit, decided, safe, rules: Rules | None = None
                     ) -> list[tuple[str, str]]:
    """(field, message) for a decided class or "An toàn" given to a unit out of scope."""
    rules = rules or law.load_rules()
    classed, recognised = outcome_exclusions(unit, rules)
    label = _category_label(rules, unit)
    refused = []
    if classed is not None and decided:
        refused.append(("decided", f"{classed.message(unit.name, label)}: không xếp loại"))
    if recognised is not None and safe:
        refused.append(("safe", f"{recognised.message(unit.name, label)}: không công nhận "
                                "“An toàn về an ninh, trật tự”"))
    return refused


# ---- a draft's linked units -----------------------------------------------------------------

class NotCompetent(InputError):
    """A draft listing units its issuer may not list: every unit's message on «units», and
    all of them in `message` (a page shows it whole)."""

    def __init__(self, body: Body, problems: list[str]):
        super().__init__([("units", message) for message in problems])
        self.message = (f"Không lưu được văn bản của {body.name}: danh sách có "
                        f"{len(problems)} đơn vị không thuộc thẩm quyền — " + "; ".join(problems))
        self.args = (self.message,)


# The kinds whose listed units must be decided by the issuer (decision) or by a body of the
# issuer's place (the police's proposal and report).
CHECKED_KINDS = {"decision": False, "proposal": True, "report": True}


def document_problems(session: Session, body: Body, kind: str, year: int,
                      units: Iterable[Unit], rules: Rules | None = None) -> list[str]:
    """Why a document of `kind` by `body` for assessment `year` may not list `units`: one
    message per unit (named, with who decides it, or why it is out of scope)."""
    if kind not in CHECKED_KINDS:
        return []
    rules = rules or law.load_rules()
    bodies = _Bodies(session)
    here = ([b for b in bodies.all if b.id == body.id or b.place == body.place]
            if CHECKED_KINDS[kind] else [body])
    on = year_date(year)
    problems = []
    for unit in units:
        decider = _decide(bodies, rules, unit, on, "phan_loai")
        if not _any_may(bodies, decider, tuple(here), unit):
            problems.append(problem(body, unit, decider, rules))
    return problems
