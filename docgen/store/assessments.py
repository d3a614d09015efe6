"""A year's assessment outcomes: the grid of units, saving one unit's outcome (the policy
computes the suggested class), and the summary per unit kind × class."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import domain, records, schema
from ..errors import InputError, UserError
from ..policy import Policy, load_policy
from ..rules import Exclusion, load_rules
from ..vietnamese import format_number
from .competence import outcome_exclusions, outcome_refusals
from .models import Assessment, Unit, utcnow
from .queries import list_units

if TYPE_CHECKING:
    from .accounts import Scope

_MISSING: Any = object()
FIELDS = ("self_score", "reviewed_score", "safe", "decided", "reason", "note")
# The fields' names as the grid and the workbook head their columns ("Điểm thẩm định").
LABELS = {**{f.name: schema.spec_of(f).label for f in dataclasses.fields(records.Outcome)},
          "decided": "Xếp loại quyết định"}


@dataclass
class GridRow:
    """One line of the year's grid: the unit, its outcome (None if not entered yet),
    last year's decided class (None if none) and the rules keeping it out of scope."""

    unit: Unit
    assessment: Assessment | None
    previous: domain.UnitClass | None
    excluded: Exclusion | None = None  # out of the classification: never classed
    excluded_safe: Exclusion | None = None  # never recognised "An toàn về ANTT"


@dataclass
class SummaryRow:
    """Counts of decided classes for one unit kind (kind None: the total row)."""

    kind: domain.UnitKind | None
    label: str
    counts: dict[str, int] = field(default_factory=dict)  # class code → units
    undecided: int = 0  # units without a decided class
    safe: int = 0  # units recognised "An toàn về ANTT"

    @property
    def total(self) -> int:
        return sum(self.counts.values()) + self.undecided


def check_assessment(values: dict, policy: Policy) -> dict:
    """Validated outcome fields with `suggested` computed; InputError naming the field.

    The suggestion uses the reviewed score, or the self score while there is none. A
    decided class differing from the suggestion needs a reason; with no score there is
    nothing to differ from.
    """
    parsed = schema.parse(records.Outcome, {name: values.get(name) for name in FIELDS},
                          labelled=True)
    out = {"self_score": parsed.self_score, "reviewed_score": parsed.reviewed_score,
           "safe": parsed.safe, "decided": parsed.decided.code if parsed.decided else None,
           "reason": parsed.reason, "note": parsed.note}
    score = out["reviewed_score"] if out["reviewed_score"] is not None else out["self_score"]
    out["suggested"] = policy.suggest(score, out["safe"])
    if out["decided"] and out["suggested"] and out["decided"] != out["suggested"] \
            and not out["reason"]:
        decided = domain.unit_class(out["decided"]).label
        suggested = domain.unit_class(out["suggested"]).label
        raise InputError([("reason", f"Xếp loại quyết định «{decided}» khác xếp loại đề xuất "
                                     f"«{suggested}»: cần ghi lý do")])
    return out


def shown(name: str, value: Any) -> str:
    """An outcome field's value as a clerk writes it: scores "81" and "72,5" (not 81.0),
    a class by its label, "Có"/"Không" for «An toàn về ANTT», "(trống)" for nothing."""
    if value is None or value == "":
        return "(trống)"
    if name == "safe":
        return "Có" if value else "Không"
    if name in ("self_score", "reviewed_score") and isinstance(value, int | float):
        return format_number(value)
    if name in ("decided", "suggested"):
        record = domain.unit_class(str(value))
        return record.label if record else str(value)
    return str(value)


def shown_changes(changes: dict[str, tuple[Any, Any]]) -> dict[str, tuple[str, str]]:
    """An import preview's field → (old, new) with the fields' labels and values shown
    as clerks write them (`shown`)."""
    return {LABELS.get(name, name): (shown(name, old), shown(name, new))
            for name, (old, new) in changes.items()}


def get_assessment(session: Session, unit_id: int, year: int) -> Assessment | None:
    return session.scalar(select(Assessment).where(Assessment.unit_id == unit_id,
                                                   Assessment.year == year))


def save_assessment(session: Session, unit_id: int, year: int, *, policy: Policy | None = None,
                    **fields) -> Assessment:
    """Save one unit's outcome for `year`; fields not given keep their stored values.

    Fields: self_score, reviewed_score (0–100 or None), safe, decided (code or label or
    None), reason, note. `policy` None loads the configured policy.
    """
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown assessment fields: {sorted(unknown)}")
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise UserError(f"Không tìm thấy đơn vị (mã {unit_id})")
    if not isinstance(year, int) or not schema.YEAR_MIN <= year <= schema.YEAR_MAX:
        raise InputError([("year", f"Năm đánh giá «{year}» không hợp lệ")])
    row = get_assessment(session, unit_id, year)
    current = {name: getattr(row, name) for name in FIELDS} if row else {}
    current.update(fields)
    # A unit out of scope is never classed nor recognised "An toàn": refused when asked,
    # and a class or flag stored before its category said so is cleared.
    refused = outcome_refusals(unit, fields.get("decided"), fields.get("safe"))
    if refused:
        raise InputError(refused)
    classed, recognised = outcome_exclusions(unit)
    if classed is not None:
        current["decided"] = None
    if recognised is not None:
        current["safe"] = False
    values = check_assessment(current, policy or load_policy())
    if classed is not None:
        values["suggested"] = None
    if row is None:
        row = Assessment(unit_id=unit_id, year=year)
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = utcnow()
    session.flush()
    return row


def assessment_grid(session: Session, body_id: int, year: int) -> list[GridRow]:
    """Every unit the body assesses, with this year's outcome and last year's decided class."""
    return grid_of(session, list_units(session, body_id=body_id), year)


def grid_of(session: Session, units: list[Unit], year: int) -> list[GridRow]:
    """`units` with this year's outcome, last year's decided class and whether the rules
    keep them out of the classification."""
    rules = load_rules()
    ids = [u.id for u in units]
    this_year: dict[int, Assessment] = {}
    previous: dict[int, str | None] = {}
    if ids:
        for row in session.scalars(select(Assessment).where(
                Assessment.unit_id.in_(ids), Assessment.year.in_((year, year - 1)))):
            if row.year == year:
                this_year[row.unit_id] = row
            else:
                previous[row.unit_id] = row.decided
    scope: dict[tuple[str, str], tuple] = {}  # (kind, category) → its two exclusions
    rows = []
    for u in units:
        key = (u.kind, u.category)
        if key not in scope:
            scope[key] = (rules.excluded(*key, "phan_loai"), rules.excluded(*key, "an_toan"))
        rows.append(GridRow(u, this_year.get(u.id), domain.unit_class(previous[u.id])
                            if previous.get(u.id) else None, *scope[key]))
    return rows


def summary(session: Session, body_id: int, year: int) -> list[SummaryRow]:
    """Decided classes counted per unit kind (every kind, in domain order), then a total row:
    one SQL aggregate by kind, category, class and flag (a province's body assesses hundreds
    of units); the rules' exclusions apply per (kind, category)."""
    rows = {k.code: SummaryRow(k, k.label, {c.code: 0 for c in domain.UNIT_CLASSES})
            for k in domain.UNIT_KINDS}
    total = SummaryRow(None, "Tổng cộng", {c.code: 0 for c in domain.UNIT_CLASSES})
    rules = load_rules()
    counted = session.execute(
        select(Unit.kind, Unit.category, Assessment.decided, Assessment.safe, func.count())
        .outerjoin(Assessment, (Assessment.unit_id == Unit.id) & (Assessment.year == year))
        .where(Unit.body_id == body_id)
        .group_by(Unit.kind, Unit.category, Assessment.decided, Assessment.safe))
    for kind, category, decided, safe, count in counted:
        if rules.excluded(kind, category, "phan_loai") is not None:
            continue  # never classed, never in a denominator
        safe = bool(safe) and rules.excluded(kind, category, "an_toan") is None
        for target in (rows.get(kind), total):
            if target is None:
                continue
            if decided in target.counts:
                target.counts[decided] += count
            else:
                target.undecided += count
            target.safe += count if safe else 0
    return [*rows.values(), total]


def recompute_suggestions(session: Session, body_id: int, year: int,
                          policy: Policy | None = None) -> int:
    """Recompute stored suggestions after the policy file changed; returns how many changed.

    Reasons are not checked here: the grid shows where decided and suggested now differ.
    """
    policy = policy or load_policy()
    changed = 0
    for line in assessment_grid(session, body_id, year):
        row = line.assessment
        if row is None:
            continue
        score = row.reviewed_score if row.reviewed_score is not None else row.self_score
        new = None if line.excluded is not None else policy.suggest(score, row.safe)
        if new != row.suggested:
            row.suggested = new
            changed += 1
    session.flush()
    return changed


@dataclass
class Adopted:
    """What `adopt_suggestions` did: units given their suggested class, and the undecided
    units left as they were because they have no suggestion (no score entered) — those
    with an outcome row first, then those with none."""

    adopted: list[Unit] = field(default_factory=list)
    without_suggestion: list[Unit] = field(default_factory=list)


def adopt_suggestions(session: Session, body_id: int, year: int, *,
                      scope: Scope | None = None) -> Adopted:
    """Set every undecided class (decided NULL) of the units `body_id` assesses in `year` to
    the suggested one; units outside `scope` (None: every unit) are not touched. A decided
    class equal to the suggestion needs no reason, so nothing here can be refused."""
    done, untouched = Adopted(), []
    for line in assessment_grid(session, body_id, year):
        if (scope is not None and not scope.unit(line.unit)) or line.excluded is not None:
            continue  # a unit out of scope is never classed
        row = line.assessment
        if row is not None and row.decided:
            continue
        if row is None or not row.suggested:
            # Units with an outcome entered (a note, a flag) first: those the clerk worked on.
            (untouched if row is None else done.without_suggestion).append(line.unit)
            continue
        row.decided = row.suggested
        row.updated_at = utcnow()
        done.adopted.append(line.unit)
    done.without_suggestion += untouched
    session.flush()
    return done
