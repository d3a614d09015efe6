"""A unit's own papers pre-filled from the store: the minutes of its assessment meeting and
its scoring sheet, one unit at a time or for all units of a commune (minutes) or of a body
(sheets); and the check that the sheets in the register agree with the Tờ trình's scores.

Each input is a plain dict valid for its kind; what the store cannot fill (names of the
people at the meeting, per-criterion points) is left blank to write by hand and said in
`warnings`. The store keeps each unit's outcome as totals (Assessment.self_score,
reviewed_score) and whether it is "An toàn về ANTT" (`safe`), not per criterion.
"""

from __future__ import annotations

import json
from typing import NamedTuple

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from ..documents.commitment import bare_name
from ..documents.minutes import roles
from ..documents.registration import kind_criteria
from ..errors import UserError
from ..rules import load_rules
from ..scoring import number_text
from ..vietnamese import fold, lower_first
from .assessments import get_assessment
from .households import latest_counts
from .models import STATUS_ISSUED, Body, Document, Unit
from .queries import bodies_in_place, list_units


class Papers(NamedTuple):
    """Pre-filled inputs (one per unit) and what the clerk should know about them."""

    inputs: list[dict]
    warnings: list[str]


def find_unit(session: Session, unit_id: int) -> Unit:
    """The unit `unit_id`; UserError naming the id when there is none."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise UserError(f"Không tìm thấy đơn vị (mã {unit_id})")
    return unit


def _common(unit: Unit, year: int, households: dict[int, int]) -> dict:
    """Name, kind, year, commune and letterhead: a residential area under its commune's
    People's Committee, as the registration list fills it."""
    data: dict = {"unit": unit.name, "kind": unit.kind, "year": year}
    if unit.commune:
        data["commune"] = unit.commune
        if unit.kind == "khu_dan_cu":
            data["superior"] = f"UBND {lower_first(unit.commune)}"
    if households.get(unit.id):
        data["households"] = households[unit.id]
    return data


def _counts(session: Session, units: list[Unit]) -> dict[int, int]:
    return {uid: count for uid, (_, count)
            in latest_counts(session, [u.id for u in units if u.kind == "khu_dan_cu"]).items()}


def minutes_input(session: Session, unit_id: int, year: int, *,
                  handwritten: bool = False) -> Papers:
    """The minutes of `unit_id`'s meeting for `year`: who attends by role (Circular 124
    Điều 9 khoản 1), each criterion's result and the conclusion from the stored outcome."""
    return _minutes(session, [find_unit(session, unit_id)], year, handwritten)


def minutes_inputs(session: Session, commune: str, year: int, *,
                   handwritten: bool = False) -> Papers:
    """The minutes of every unit of `commune` (matched without case or diacritics): its
    residential areas, agencies, firms and schools, and the commune itself."""
    key = fold(commune)
    units = [u for u in list_units(session)
             if fold(u.commune) == key or (u.kind == "xa" and fold(u.name) == key)]
    if not units:
        raise UserError(f"Không có đơn vị nào thuộc «{commune}»")
    return _minutes(session, units, year, handwritten)


def communes(session: Session) -> list[str]:
    """The communes the stored units lie in (and the communes that are units), sorted."""
    names = {u.commune for u in list_units(session) if u.commune}
    names |= {u.name for u in list_units(session, kind="xa")}
    return sorted(names, key=fold)


def _minutes(session: Session, units: list[Unit], year: int, handwritten: bool) -> Papers:
    counts = _counts(session, units)
    warnings: list[str] = []
    unknown, failed = [], []
    inputs = []
    for unit in units:
        data = _common(unit, year, counts)
        chair, others = roles(unit.kind, unit.name, unit.commune)
        data["chair"] = {"role": chair}
        data["attendees"] = [{"role": role} for role in others]
        data["location"] = (f"Nhà văn hóa {lower_first(unit.name)}" if unit.kind == "khu_dan_cu"
                            else f"Hội trường {unit.name}")
        row = get_assessment(session, unit.id, year)
        count = len(kind_criteria(unit.kind, unit.name))
        if handwritten:
            data["handwritten"] = True
        elif row is None:
            unknown.append(unit.name)
        elif row.safe:
            data["criteria"] = [{"result": "dat"}] * count
            data["conclusion"] = "dat"
        else:
            data["conclusion"] = "chua_dat"
            failed.append(unit.name)
        inputs.append(data)
    if unknown:
        warnings.append(f"{len(unknown)} đơn vị chưa có kết quả đánh giá năm {year}, để trống "
                        "kết quả và kết luận để ghi tay: " + _names(unknown))
    if failed:
        warnings.append(f"{len(failed)} đơn vị chưa đạt tiêu chuẩn “An toàn về an ninh, trật "
                        "tự”: kết quả từng tiêu chí để trống, hãy ghi tiêu chí chưa đạt: "
                        + _names(failed))
    warnings.append("Họ tên người dự họp chưa được lưu: in dòng chấm để ghi tay, hoặc điền vào "
                    "biểu mẫu.")
    deadline = load_rules().deadline("decision_an_toan", year,
                                     sorted({u.kind for u in units}))
    if deadline:
        rule, day = deadline
        warnings.append(f"Cuộc họp đánh giá cần xong trước hạn «{rule.label}» ngày "
                        f"{day:%d/%m/%Y} ({rule.source}).")
    return Papers(inputs, warnings)


def _names(names: list[str]) -> str:
    shown = ", ".join(f"«{n}»" for n in names[:10])
    return shown + (f" và {len(names) - 10} đơn vị khác" if len(names) > 10 else "")


def score_sheet_input(session: Session, unit_id: int, year: int) -> Papers:
    """`unit_id`'s scoring sheet for `year`: the stored totals, criteria lines blank."""
    return _sheets(session, [find_unit(session, unit_id)], year)


def score_sheet_inputs(session: Session, body_id: int, year: int) -> Papers:
    """The scoring sheets of every unit `body_id` assesses."""
    body = session.get(Body, body_id)
    if body is None:
        raise UserError(f"Không tìm thấy cơ quan (mã {body_id})")
    units = list_units(session, body_id=body_id)
    if not units:
        raise UserError(f"{body.name} chưa có đơn vị nào")
    return _sheets(session, units, year)


def _sheets(session: Session, units: list[Unit], year: int) -> Papers:
    warnings: list[str] = []
    missing = []
    inputs = []
    for unit in units:
        data = _common(unit, year, {})
        data["place"] = _place(unit)
        committee = _committee(session, unit.body)
        if committee:
            data["reviewing_body"] = committee
        row = get_assessment(session, unit.id, year)
        if row is None or (row.self_score is None and row.reviewed_score is None):
            missing.append(unit.name)
        else:
            if row.self_score is not None:
                data["self_score"] = row.self_score
            if row.reviewed_score is not None:
                data["reviewed_score"] = row.reviewed_score
        inputs.append(data)
    if missing:
        warnings.append(f"{len(missing)} đơn vị chưa có điểm năm {year}, để trống tổng điểm: "
                        + _names(missing))
    warnings.append("Điểm được lưu là tổng điểm: điểm từng tiêu chí để trống để ghi tay, hoặc "
                    "điền vào biểu mẫu (tổng phải khớp).")
    return Papers(inputs, warnings)


def _place(unit: Unit) -> str:
    """The date line's place: the commune's name without its kind word, else the body's."""
    return bare_name(unit.commune) if unit.commune else unit.body.place


def _committee(session: Session, body: Body) -> str:
    return next((b.name for b in bodies_in_place(session, body)
                 if fold(b.name).startswith("ban chi dao")), "")


def sheet_disagreements(session: Session, body_id: int, year: int) -> list[str]:
    """Where the scoring sheets of `year` in the register (drafts or issued, the latest per
    unit) disagree with the scores of the latest Tờ trình of `body_id`'s place, or with the
    stored outcome: one Vietnamese sentence per unit and score. [] when all agree."""
    body = session.get(Body, body_id)
    if body is None:
        raise UserError(f"Không tìm thấy cơ quan (mã {body_id})")
    ids = [b.id for b in bodies_in_place(session, body)]
    sheets: dict[str, tuple[Row, dict]] = {}
    proposal: tuple[Row, dict] | None = None
    for doc in session.execute(select(  # columns, not Documents: every year's are read
            Document.id, Document.kind, Document.status, Document.symbol, Document.number,
            Document.input_json).where(
            Document.kind.in_(("score_sheet", "proposal")), Document.body_id.in_(ids))
            .order_by(Document.id)):
        # A draft is registered in the year it was made: the assessment year is the input's.
        data = json.loads(doc.input_json)
        if str(data.get("year")).strip() != str(year):
            continue
        if doc.kind == "score_sheet":
            sheets[fold(str(data.get("unit", "")))] = (doc, data)
        elif proposal is None or doc.status == STATUS_ISSUED or \
                proposal[0].status != STATUS_ISSUED:
            proposal = (doc, data)      # the latest, an issued one before any draft
    listed = {fold(u.get("name", "")): u for u in proposal[1].get("units", [])} if proposal else {}
    units = {fold(u.name): u for b in ids for u in list_units(session, body_id=b)} \
        if sheets else {}
    out = []
    for key, (doc, data) in sheets.items():
        name = data.get("unit", "")
        totals = _sheet_totals(data)
        where = f"Phiếu chấm điểm của «{name}» ({_doc_label(doc)})"
        if proposal and key in listed:
            row = listed[key]
            for field, theirs, label in (("self", "self_score", "tự chấm"),
                                         ("reviewed", "score", "thẩm định")):
                ours, other = totals[field], _number(row.get(theirs))
                if ours is not None and other is not None and ours != other:
                    out.append(f"{where} ghi điểm {label} {number_text(ours)}, Tờ trình "
                               f"({_doc_label(proposal[0])}) ghi {number_text(other)}")
        elif proposal:
            out.append(f"{where}: đơn vị không có trong Tờ trình ({_doc_label(proposal[0])})")
        unit = units.get(key)
        row = get_assessment(session, unit.id, year) if unit else None
        if row is not None:
            for field, stored, label in (("self", row.self_score, "tự chấm"),
                                         ("reviewed", row.reviewed_score, "thẩm định")):
                ours = totals[field]
                if ours is not None and stored is not None and round(stored, 2) != ours:
                    out.append(f"{where} ghi điểm {label} {number_text(ours)}, kết quả đánh giá "
                               f"đã lưu ghi {number_text(stored)}")
    return out


def _doc_label(doc: Document | Row) -> str:
    return f"văn bản số {doc.symbol}" if doc.number else f"dự thảo số {doc.id}"


def _number(value) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return round(float(str(value).replace(",", ".")), 2)
    except ValueError:
        return None


def _sheet_totals(data: dict) -> dict[str, float | None]:
    """A stored sheet input's totals: given, else added up from every criterion's points."""
    out: dict[str, float | None] = {}
    for field, total, item in (("self", "self_score", "self_points"),
                               ("reviewed", "reviewed_score", "reviewed_points")):
        value = _number(data.get(total))
        points = [_number(p.get(item)) for p in data.get("points") or []]
        if value is None and points and None not in points:
            value = round(sum(points), 2)
        out[field] = value
    return out

