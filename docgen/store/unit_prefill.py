"""A unit's own papers pre-filled from the store: its Tờ trình and Báo cáo kết quả of the
“An toàn về an ninh, trật tự” year (sent to the body `competence.decider_for` names for
matter "an_toan", through its Steering Committee's standing office), one unit or every unit
of a body; and the list of households registering, one area or every area of a commune.

Each input is a plain dict valid for its kind; what the store cannot fill (who signs) is
left blank to write by hand, and what was left out is said in `warnings`.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..documents.commitment import bare_name, in_sentence
from ..documents.unit_letter import _AREA_HEADS as _HEADS, UNIT_KINDS
from ..errors import UserError
from ..vietnamese import fold, lower_first
from .competence import NOT_STORED, Decider, deciders_for, year_date
from .household_share import household_shares
from .households import list_households
from .models import Assessment, Body, Unit
from .queries import bodies_in_place, list_units
from .unit_papers import Papers, find_unit

_COMMITTEE = re.compile(r"^(Ban Chỉ đạo(?: \d+)?)\b")


def _committee(session: Session, decider: Decider, unit: Unit) -> str:
    """The Steering Committee whose standing office examines the papers: the stored one of
    the competent body's place, else one named like the stored ones for the unit's commune."""
    if decider.body is not None:
        found = next((b.name for b in bodies_in_place(session, decider.body)
                      if fold(b.name).startswith("ban chi dao")), "")
        if found:
            return found
    if decider.rule is not None and decider.rule.decider == "xa" and unit.commune:
        stored = next((name for name in session.scalars(select(Body.name).order_by(Body.id))
                       if fold(name).startswith("ban chi dao")), "")
        match = _COMMITTEE.match(stored)
        prefix = match.group(1) if match else "Ban Chỉ đạo"
        return f"{prefix} {in_sentence(unit.commune)}"
    return ""


def _addressed(session: Session, unit: Unit, decider: Decider, data: dict,
               warnings: list[str]) -> None:
    if decider.rule is None:
        warnings.append(f"«{unit.name}»: chưa xác định được cơ quan xét công nhận "
                        f"({lower_first(decider.label)}); hãy ghi «Kính gửi»")
        return
    data["addressees"] = [decider.label.removesuffix(" " + NOT_STORED)]
    committee = _committee(session, decider, unit)
    if committee:
        data["through"] = f"Thường trực {committee}"


def _base(unit: Unit, year: int) -> dict:
    data: dict = {"unit": unit.name, "kind": unit.kind, "year": year}
    if unit.commune:
        data["commune"] = unit.commune
        if unit.kind == "khu_dan_cu":
            data["superior"] = f"UBND {lower_first(unit.commune)}"
    data["place"] = bare_name(unit.commune) if unit.commune else unit.body.place
    return data


def _papers(session: Session, units: list[Unit], year: int, kind: str) -> Papers:
    deciders = deciders_for(session, units, year_date(year), matter="an_toan")
    outcomes = {a.unit_id: a for a in session.scalars(select(Assessment).where(
        Assessment.year == year, Assessment.unit_id.in_([u.id for u in units])))}
    shares = household_shares(session, [u.id for u in units if u.kind == "khu_dan_cu"], year)
    inputs, warnings, unsafe, unknown = [], [], [], []
    for unit in units:
        if unit.kind not in UNIT_KINDS:
            continue
        decider = deciders[unit.id]
        if decider.excluded is not None:
            warnings.append(f"«{unit.name}»: {lower_first(decider.label)}")
            continue
        outcome = outcomes.get(unit.id)
        if outcome is None:
            unknown.append(unit.name)
            if kind == "unit_proposal":
                continue
        elif kind == "unit_proposal" and not outcome.safe:
            unsafe.append(unit.name)
            continue
        data = _base(unit, year)
        _addressed(session, unit, decider, data, warnings)
        if unit.id in shares:
            data["signed"], data["households"] = shares[unit.id]
        elif unit.kind == "khu_dan_cu":
            listed = len(list_households(session, unit.id, year))
            if listed:
                data["households"] = listed
        if kind == "unit_report":
            data["safe"] = bool(outcome and outcome.safe)
        inputs.append(data)
    if unsafe:
        warnings.append(f"{len(unsafe)} đơn vị chưa đạt “An toàn về ANTT” năm {year} nên không "
                        f"lập tờ trình đề nghị công nhận: {_names(unsafe)}")
    if unknown:
        what = "không lập tờ trình" if kind == "unit_proposal" else "báo cáo để trống kết quả"
        warnings.append(f"{len(unknown)} đơn vị chưa có kết quả năm {year} ({what}): "
                        f"{_names(unknown)}")
    return Papers(inputs, warnings)


def _names(names: list[str]) -> str:
    shown = ", ".join(f"«{n}»" for n in names[:10])
    return shown + (f" và {len(names) - 10} đơn vị khác" if len(names) > 10 else "")


def unit_paper_input(session: Session, unit_id: int, year: int, kind: str) -> Papers:
    """The Tờ trình ("unit_proposal") or Báo cáo ("unit_report") of one unit for `year`."""
    unit = find_unit(session, unit_id)
    if unit.kind not in UNIT_KINDS:
        raise UserError(f"«{unit.name}» là {unit.kind_label.lower()}: chỉ lập cho khu dân cư, "
                        "cơ quan, doanh nghiệp, cơ sở giáo dục")
    return _papers(session, [unit], year, kind)


def unit_paper_inputs(session: Session, body_id: int, year: int, kind: str) -> Papers:
    """The papers of every residential area, agency, firm and school of `body_id`."""
    units = [u for u in list_units(session, body_id=body_id) if u.kind in UNIT_KINDS]
    if not units:
        raise UserError("Cơ quan này không có khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục "
                        "nào")
    return _papers(session, units, year, kind)


def household_list_input(session: Session, unit_id: int, year: int) -> Papers:
    """The list of households of one residential area's stored list of `year`."""
    return _lists(session, [find_unit(session, unit_id)], year)


def household_list_inputs(session: Session, commune: str, year: int,
                          units: list[Unit] | None = None) -> Papers:
    """The lists of every residential area of `commune` (matched without case or
    diacritics) among `units` (None: every stored unit)."""
    key = fold(commune)
    areas = [u for u in (units if units is not None else list_units(session))
             if u.kind == "khu_dan_cu" and fold(u.commune) == key]
    if not areas:
        raise UserError(f"Không có khu dân cư nào thuộc «{commune}»")
    return _lists(session, areas, year)


def _lists(session: Session, areas: list[Unit], year: int) -> Papers:
    shares = household_shares(session, [u.id for u in areas], year)
    inputs, warnings, empty = [], [], []
    for area in areas:
        if area.kind != "khu_dan_cu":
            raise UserError(f"«{area.name}» không phải khu dân cư")
        rows = list_households(session, area.id, year)
        if not rows:
            empty.append(area.name)
            continue
        data: dict = {"area": area.name, "commune": area.commune, "year": year,
                      "place": bare_name(area.commune) if area.commune else area.body.place,
                      "households": [{"full_name": h.full_name, "address": h.address}
                                     for h in rows]}
        if not area.commune:
            data["commune"] = area.body.name
        head = next((t for w, t in _HEADS if area.name.lower().startswith(w + " ")), "")
        if head:
            data["head_title"] = head
        if area.id in shares:
            signed, total = shares[area.id]
            data["signed"] = signed
            if total != len(rows):
                data["total"] = total
        inputs.append(data)
    if empty:
        warnings.append(f"{len(empty)} khu dân cư chưa lưu danh sách hộ năm {year}: "
                        f"{_names(empty)}")
    return Papers(inputs, warnings)

