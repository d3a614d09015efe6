"""Document inputs pre-filled from the database: the decision, the report and the proposal
of a year from the stored outcomes, commitment forms from a residential area's households, the list
of units whose registration forms are printed in bulk.

Each returns plain dicts valid for the kind's input (`docgen.prepare` accepts them);
what could not be filled is said in Vietnamese in `warnings`, never silently dropped.
"""

from __future__ import annotations

import json
import re
from typing import NamedTuple

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, undefer

from .. import domain
from ..errors import UserError
from ..vietnamese import fold, format_number, lower_first, nd30_date
from .assessments import grid_of
from .competence import same_period, select_units, year_date
from .households import latest_counts, list_households
from .models import STATUS_ISSUED, Assessment, Body, Document, Signer, Unit
from .queries import bodies_in_place, list_signers

# Settings a clerk keeps from one year's document to the next of the same kind and body.
CARRY_OVER = {
    "decision": ("recipients", "archive", "executors", "effect"),
    "report": ("recipients", "archive", "addressees", "committee", "level"),
}
_COMMUNE_WORD = re.compile(r"^(xã|phường|thị trấn|đặc khu)\s+", re.IGNORECASE)
_DISTRICT_LEVELS = ("huyện", "quận", "thị xã", "thành phố")


class Prefill(NamedTuple):
    """A pre-filled input: `data` for the kind, `warnings` to show, `missing` units left out
    because they have no decided class for the year."""

    data: dict
    warnings: list[str]
    missing: list[Unit]


def _body(session: Session, body_id: int) -> Body:
    body = session.get(Body, body_id)
    if body is None:
        raise UserError(f"Không tìm thấy cơ quan (mã {body_id})")
    return body


def issuer_input(body: Body) -> dict:
    """The body as a document input's `issuer` record."""
    return {"name": body.name, "abbreviation": body.abbreviation, "place": body.place,
            "superior": body.superior}


def _signer(session: Session, body: Body, signer_id: int | None,
            warnings: list[str]) -> dict | None:
    if signer_id is not None:
        signer = session.get(Signer, signer_id)
        if signer is None:
            raise UserError(f"Không tìm thấy người ký (mã {signer_id})")
        return signer.as_input()
    signers = list_signers(session, body.id, active_only=True)
    if not signers:
        warnings.append(f"{body.name} chưa có người ký: hãy thêm người ký hoặc ghi vào mẫu")
        return None
    return signers[0].as_input()


def _in_place(body: Body):
    """The ids of the bodies sharing `body`'s place (queries.bodies_in_place), as a subquery:
    the look-ups below are one statement each."""
    return select(Body.id).where(or_(Body.id == body.id, Body.place == body.place))


def plan_reference(session: Session, body: Body, year: int) -> str:
    """"Kế hoạch số 45/KH-BCĐ ngày 09 tháng 5 năm 2022 của …": the latest plan issued in
    `year` by a body of the same place, or "" when the register has none."""
    doc = session.execute(select(Document.symbol, Document.issued_on, Body.name)
                          .join(Body, Body.id == Document.body_id).where(
        Document.kind == "plan", Document.status == STATUS_ISSUED, Document.year == year,
        Document.body_id.in_(_in_place(body)))
        .order_by(Document.issued_on.desc(), Document.id.desc()).limit(1)).first()
    if doc is None or doc.issued_on is None:
        return ""
    return f"Kế hoạch số {doc.symbol} {nd30_date(doc.issued_on)} của {doc.name}"


def proposal_reference(session: Session, body: Body, year: int) -> str:
    """"Tờ trình số 05/TTr-CAH ngày 05 tháng 01 năm 2023": the latest proposal issued by a
    body of `body`'s place for the assessment of `year`, or "" when the register has none."""
    doc = _latest_issued(session, body, year, "proposal")
    return f"Tờ trình số {doc.symbol} {nd30_date(doc.issued_on)}" if doc else ""


def decision_citation(session: Session, body: Body, year: int) -> dict | None:
    """The report's `decision`: number, date and issuer of the latest recognition decision
    of `year` issued by a body of `body`'s place, or None when the register has none."""
    doc = _latest_issued(session, body, year, "decision")
    if doc is None:
        return None
    return {"number": doc.symbol, "date": doc.issued_on.isoformat(), "issuer": doc.body.name}


def _latest_issued(session: Session, body: Body, year: int, kind: str) -> Document | None:
    """The latest issued document of `kind` for the assessment of `year` by a body of
    `body`'s place (registered in `year` or the year after), or None."""
    docs = session.scalars(select(Document).where(
        Document.kind == kind, Document.status == STATUS_ISSUED,
        Document.year.in_((year, year + 1)), Document.body_id.in_(_in_place(body)))
        .options(undefer(Document.input_json))  # read with each row, not a query each
        .order_by(Document.issued_on.desc(), Document.id.desc()))
    for doc in docs:
        if doc.issued_on and _input_year(doc) == str(year):
            return doc
    return None


def proposals_of_year(session: Session, body_id: int, year: int) -> list[Document]:
    """The proposals (Tờ trình) for the assessment of `year` already in `body_id`'s register,
    drafts included (a draft is registered under the year it was made in), newest first."""
    docs = session.scalars(select(Document).where(
        Document.kind == "proposal", Document.body_id == body_id)
        .options(undefer(Document.input_json)).order_by(Document.id.desc()))
    return [doc for doc in docs if _input_year(doc) == str(year)]


def _input_year(doc: Document) -> str:
    try:  # an input stored before canonical form may hold the year as text
        return str(json.loads(doc.input_json).get("year")).strip()
    except (TypeError, ValueError, AttributeError):
        return ""


def second_proposal_warning(session: Session, body_id: int, year: int) -> str | None:
    """What the proposal form says before a second Tờ trình of `year` is made for the same
    body: the existing ones by number and date, or by draft id; None when there is none."""
    docs = proposals_of_year(session, body_id, year)
    if not docs:
        return None
    named = [f"số {doc.symbol} ngày {doc.issued_on:%d/%m/%Y}" if doc.is_issued and doc.issued_on
             else f"dự thảo số {doc.id} (lập ngày {doc.created_at:%d/%m/%Y})" for doc in docs]
    return (f"{docs[0].body.name} đã có tờ trình năm {year} trong sổ văn bản đi: "
            f"{'; '.join(named)}. Chỉ tạo thêm tờ trình khi thật cần; muốn sửa tờ trình đã có, "
            "hãy mở nó trong «Sổ văn bản đi».")


def _carry_over(session: Session, body_id: int, kind: str) -> dict:
    found = session.execute(select(Document.input_json).where(Document.body_id == body_id,
                                                              Document.kind == kind)
                            .order_by(Document.id.desc()).limit(1)).first()
    if found is None:
        return {}
    try:
        stored = json.loads(found.input_json)
    except (TypeError, ValueError):
        return {}
    return {k: stored[k] for k in CARRY_OVER.get(kind, ()) if stored.get(k) not in (None, "", [])}


def _safe(line) -> bool:
    """Whether a grid line counts "An toàn về ANTT" (never a unit out of that scope)."""
    return bool(line.assessment and line.assessment.safe) and line.excluded_safe is None


def _note(unit: Unit, row: Assessment) -> str:
    return row.note or unit.note


def list_note(unit: Unit, row: Assessment) -> str:
    """The Ghi chú of a unit in the proposal's and the decision's lists: its note and, when
    the committee decided a class other than the suggested one, why (the recorded reason)."""
    note = _note(unit, row).strip().rstrip(".;")
    if not (row.decided and row.suggested and row.decided != row.suggested and row.reason):
        return note
    reason = " ".join(row.reason.split()).rstrip(".;")
    if reason in note:  # already given with the note (the sample list carries it)
        return note
    # The list's own column gives the class proposed; the note says what the score alone gave
    # and why the committee moved away from it (never "Đề xuất loại …" beside another class).
    by_score, decided = domain.unit_class(row.suggested), domain.unit_class(row.decided)
    moved = "hạ" if decided.rank > by_score.rank else "nâng"
    why = f"Theo điểm đạt loại {by_score.label}; {moved} loại vì {lower_first(reason)}"
    return f"{note}; {lower_first(why)}" if note else why


def _missing_warning(missing: list[Unit], year: int,
                     lacking: str = "xếp loại quyết định") -> str:
    names = ", ".join(f"«{u.name}»" for u in missing[:10])
    more = f" và {len(missing) - 10} đơn vị khác" if len(missing) > 10 else ""
    return (f"{len(missing)} đơn vị chưa có {lacking} năm {year} nên không có trong "
            f"danh sách: {names}{more}")


def _finish(session: Session, body: Body, signer_id: int | None, year: int, kind: str,
            data: dict, warnings: list[str], missing: list[Unit]) -> Prefill:
    """The parts every issued kind shares: signer, the year's plan, carried-over settings."""
    signer = _signer(session, body, signer_id, warnings)
    if signer:
        data["signer"] = signer
    reference = plan_reference(session, body, year)
    if reference:
        data["plan_reference"] = reference
    data.update(_carry_over(session, body.id, kind))
    return Prefill(data, warnings, missing)


def decision_input(session: Session, body_id: int, year: int,
                   signer_id: int | None = None) -> Prefill:
    """The recognition decision of `year` for the units `body_id` assesses, with their
    decided classes; signer: `signer_id` or the body's first active signer."""
    body = _body(session, body_id)
    chosen = select_units(session, body, year_date(year))  # only what the body decides
    warnings: list[str] = list(chosen.warnings)
    units, missing = [], []
    for line in grid_of(session, chosen.units, year):
        row = line.assessment
        if row is None or not row.decided:
            missing.append(line.unit)
            continue
        units.append({"name": line.unit.name, "kind": line.unit.kind, "grade": row.decided,
                      "note": list_note(line.unit, row)})
    if missing:
        warnings.append(_missing_warning(missing, year))
    if not units:
        warnings.append(f"Chưa có đơn vị nào có xếp loại quyết định năm {year}")
    proposer = body.proposer or (f"Trưởng Công an {body.level}" if body.level else "")
    data: dict = {"issuer": issuer_input(body), "year": year, "proposer": proposer,
                  "units": units}
    if not proposer:
        warnings.append("Chưa xác định được cơ quan đề nghị: hãy ghi «Theo đề nghị của»")
    elif (reference := proposal_reference(session, body, year)):
        data["proposal"] = reference  # «… tại Tờ trình số …», cited once (not in Điều 3)
    return _finish(session, body, signer_id, year, "decision", data, warnings, missing)


def report_input(session: Session, body_id: int, year: int, signer_id: int | None = None, *,
                 units_body_id: int | None = None) -> Prefill:
    """The report of `year` by `body_id` (the police office): figures from the decided
    classes of the units of `units_body_id`, or of every body of the same place (địa danh)."""
    body = _body(session, body_id)
    # What the bodies of the place decided (never a unit out of scope), of `units_body_id`'s
    # units only when given.
    sources = [_body(session, units_body_id)] if units_body_id is not None else []
    chosen = select_units(session, body, year_date(year), place=True, sources=sources)
    before = chosen if same_period(year, year - 1) else select_units(
        session, body, year_date(year - 1), place=True, sources=sources)
    if sources:
        chosen = chosen._replace(units=[u for u in chosen.units if u.body_id == units_body_id])
        before = before._replace(units=[u for u in before.units if u.body_id == units_body_id])
    warnings: list[str] = list(chosen.warnings)
    units, previous, missing = [], [], []
    for line in grid_of(session, chosen.units, year):
        row = line.assessment
        if row is None or not row.decided:
            missing.append(line.unit)
        else:
            units.append({"name": line.unit.name, "kind": line.unit.kind,
                          "grade": row.decided, "safe": _safe(line),
                          "note": _note(line.unit, row)})
    for line in grid_of(session, before.units, year - 1):
        row = line.assessment
        if row is not None and row.decided:
            previous.append({"name": line.unit.name, "kind": line.unit.kind,
                             "grade": row.decided, "safe": _safe(line)})
    if missing:
        warnings.append(_missing_warning(missing, year))
    if not units:
        warnings.append(f"Chưa có đơn vị nào có xếp loại quyết định năm {year}")
    data: dict = {"issuer": issuer_input(body), "year": year, "units": units}
    if body.level:
        data["level"] = body.level
    if previous:
        data["previous"] = {"year": year - 1, "units": previous}
    if (decision := decision_citation(session, body, year)):
        data["decision"] = decision
    committee = next((b.name for b in bodies_in_place(session, body)
                      if b.id != body.id and fold(b.name).startswith("ban chi dao")), "")
    if committee and fold(body.name).startswith("cong an"):
        data["committee"] = committee
    return _finish(session, body, signer_id, year, "report", data, warnings, missing)


def proposal_input(session: Session, body_id: int, year: int,
                   signer_id: int | None = None) -> Prefill:
    """The proposal of `year` by `body_id` (the police office) to the People's Committee of
    the same place: every unit of the place's bodies with its scores and the class proposed
    (the decided one once entered, else the policy's suggestion)."""
    body = _body(session, body_id)
    place = bodies_in_place(session, body)
    chosen = select_units(session, body, year_date(year), place=True)
    warnings: list[str] = list(chosen.warnings)
    units, missing = [], []
    for line in grid_of(session, chosen.units, year):
        row = line.assessment
        grade = row and (row.decided or row.suggested)
        if not grade:
            missing.append(line.unit)
            continue
        unit = {"name": line.unit.name, "kind": line.unit.kind, "grade": grade,
                "safe": _safe(line), "note": list_note(line.unit, row)}
        for key, value in (("self_score", row.self_score), ("score", row.reviewed_score)):
            if value is not None:
                unit[key] = format_number(f"{value:g}")
        units.append(unit)
    if missing:
        warnings.append(_missing_warning(missing, year, "xếp loại đề xuất"))
    if not units:
        warnings.append(f"Chưa có đơn vị nào có xếp loại đề xuất năm {year}")
    data: dict = {"issuer": issuer_input(body), "year": year, "units": units}
    committee = next((b.name for b in place
                      if b.id != body.id and fold(b.name).startswith("ban chi dao")), "")
    if committee:
        data["committee"] = committee
    deciding = next((b.name for b in place
                     if b.id != body.id and fold(b.name).startswith("uy ban nhan dan")), "")
    if deciding:
        data["addressees"] = [deciding]
    else:
        warnings.append("Chưa xác định được Ủy ban nhân dân nhận tờ trình: hãy ghi «Kính gửi»")
    return _finish(session, body, signer_id, year, "proposal", data, warnings, missing)


def commitment_inputs(session: Session, unit_id: int, year: int) -> list[dict]:
    """One commitment-form input per household of a residential area's list of `year`."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise UserError(f"Không tìm thấy khu dân cư (mã {unit_id})")
    body = unit.body
    place = _COMMUNE_WORD.sub("", unit.commune).strip() or body.place
    district = (f"{body.level.capitalize()} {body.place}"
                if body.level.lower() in _DISTRICT_LEVELS else "")
    out = []
    for h in list_households(session, unit_id, year):
        data = {"full_name": h.full_name, "year": year, "place": place, "area": unit.name,
                "commune": unit.commune, "district": district}
        if h.birth_year:
            data["birth_year"] = h.birth_year
        if h.id_number:
            data["id_number"] = h.id_number
        if h.address:
            data["address"] = h.address
        out.append(data)
    return out


def registration_rows(session: Session, units: list[Unit]) -> list[dict]:
    """The list of units for bulk registration forms (importers' columns of "registration"),
    filled with what the store knows: name, kind, commune; for a residential area the
    households of its latest stored list and its superior, the commune's People's Committee,
    which also receives it (Circular 124 Điều 10.1, the form's default); for a commune, the
    district's People's Committee that recognises it (Điều 10.2). Who signs is not stored:
    the clerk fills it in, and the recipient of an agency, firm or school, which depends on
    who manages it."""
    counts = {unit_id: count for unit_id, (_, count)
              in latest_counts(session, [u.id for u in units]).items()}
    districts: dict[int, str] = {}
    rows = []
    for unit in units:
        row = {"unit": unit.name, "kind": unit.kind_label, "commune": unit.commune}
        if unit.kind == "khu_dan_cu":
            if unit.commune:
                row["superior"] = f"UBND {lower_first(unit.commune)}"
            if counts.get(unit.id):
                row["households"] = counts[unit.id]
        elif unit.kind == "xa":
            if unit.body_id not in districts:
                districts[unit.body_id] = _district_committee(session, unit.body)
            if districts[unit.body_id]:
                row["recipients"] = [districts[unit.body_id]]
        rows.append(row)
    return rows


def _district_committee(session: Session, body: Body) -> str:
    """The name of the district People's Committee among the bodies of `body`'s place."""
    return next((b.name for b in bodies_in_place(session, body)
                 if b.level.lower() in _DISTRICT_LEVELS
                 and fold(b.name).startswith("uy ban nhan dan")), "")
