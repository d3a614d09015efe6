"""The “An toàn về an ninh, trật tự” recognition from the store: the decision's input
pre-filled with the units the body is competent to recognise that met the standard, the
check that it never disagrees with the year's classification decision (kind "decision"),
and the certificates' inputs printed from an issued recognition decision."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from .. import domain, rules as law
from ..errors import UserError
from ..policy import load_policy
from ..vietnamese import fold, short_date
from .competence import split_competent, year_date
from .models import STATUS_ISSUED, Assessment, Body, Document, Unit
from .prefill import Prefill, _body, _signer, issuer_input, plan_reference
from .queries import bodies_in_place

KIND = "safe_decision"
CARRY_OVER = ("recipients", "archive", "executors", "effect", "office_head")
STANDARD = "“An toàn về an ninh, trật tự”"


def safe_decision_input(session: Session, body_id: int, year: int,
                        signer_id: int | None = None) -> Prefill:
    """The recognition decision of `year` by `body_id`: every stored unit the body may
    recognise (docgen.rules, matter "an_toan") whose outcome of the year is «An toàn»;
    units of the body's place it may not recognise, out of scope or without an outcome
    are named in `warnings`, as is any disagreement with the year's classification."""
    body = _body(session, body_id)
    outcomes = {row.unit_id: row for row in session.scalars(
        select(Assessment).where(Assessment.year == year))}
    units = list(session.scalars(select(Unit).order_by(Unit.id)))
    on = year_date(year)
    competent, refused = split_competent(session, body, units, on, "an_toan")
    place = {b.id for b in bodies_in_place(session, body)}
    warnings: list[str] = []
    listed, missing = [], []
    for unit in competent:
        row = outcomes.get(unit.id)
        if row is None:
            missing.append(unit)
        elif row.safe:
            listed.append(unit)
    # Who else decides: said only of the safe units the body's own place assesses.
    mine = {u.id for u in units if u.body_id in place and outcomes.get(u.id) is not None
            and outcomes[u.id].safe}
    kept = {u.id for u in competent}
    others = [message for unit_id, message in zip([u.id for u in units if u.id not in kept],
                                                  refused, strict=True) if unit_id in mine]
    if others:
        warnings.append(f"{len(others)} đơn vị đạt tiêu chuẩn {STANDARD} không có trong danh "
                        f"sách vì không thuộc thẩm quyền công nhận của {body.name}: "
                        + "; ".join(others))
    if missing:
        shown = ", ".join(f"«{u.name}»" for u in missing[:10])
        more = f" và {len(missing) - 10} đơn vị khác" if len(missing) > 10 else ""
        warnings.append(f"{len(missing)} đơn vị chưa có kết quả đánh giá năm {year} nên không "
                        f"có trong danh sách: {shown}{more}")
    if not listed:
        warnings.append(f"Chưa có đơn vị nào thuộc thẩm quyền của {body.name} đạt tiêu chuẩn "
                        f"{STANDARD} năm {year}")
    data: dict = {"issuer": issuer_input(body), "year": year,
                  "proposer": body.proposer or (f"Trưởng Công an {body.level}"
                                                if body.level else ""),
                  "units": [_unit_input(u) for u in listed]}
    if not data["proposer"]:
        warnings.append("Chưa xác định được cơ quan đề nghị: hãy ghi «Theo đề nghị của»")
    signer = _signer(session, body, signer_id, warnings)
    if signer:
        data["signer"] = signer
    if (reference := plan_reference(session, body, year)):
        data["plan_reference"] = reference
    data.update(_carry_over(session, body.id))
    classification = _latest(session, body.id, year, "decision")
    if classification is not None:
        warnings += compare(session, body, year, classification, {fold(u.name) for u in listed},
                            "danh sách này")
    return Prefill(data, warnings, missing)


def _unit_input(unit: Unit) -> dict:
    item = {"name": unit.name, "kind": unit.kind}
    if unit.kind != "xa" and unit.commune:
        item["commune"] = unit.commune
    return item


def _carry_over(session: Session, body_id: int) -> dict:
    doc = _latest(session, body_id, None, KIND)
    stored = json.loads(doc.input_json) if doc is not None else {}
    return {k: stored[k] for k in CARRY_OVER if stored.get(k) not in (None, "", [])}


def _latest(session: Session, body_id: int, year: int | None, kind: str) -> Document | None:
    """The body's latest document of `kind` for the assessment of `year` (None: any year):
    the latest issued one, else the latest draft. The candidates are read as columns (a
    province's body has dozens a kind), the one chosen as a Document."""
    columns = (Document.id, Document.status) + ((Document.input_json,) if year is not None
                                                 else ())
    docs = list(session.execute(select(*columns).where(
        Document.body_id == body_id, Document.kind == kind)
        .order_by(Document.issued_on.desc().nulls_last(), Document.id.desc())))
    if year is not None:
        docs = [d for d in docs if json.loads(d.input_json).get("year") == year]
    issued = [d for d in docs if d.status == STATUS_ISSUED]
    chosen = (issued or docs or [None])[0]
    return None if chosen is None else session.get(Document, chosen.id,
                                                   options=[undefer(Document.input_json)])


def label(doc: Document) -> str:
    """«Quyết định số 15/QĐ-UBND» or «dự thảo quyết định (mã 7)»."""
    return f"Quyết định số {doc.symbol}" if doc.number else f"dự thảo quyết định (mã {doc.id})"


def _safe_classes() -> set[str]:
    """Class codes that imply «An toàn»: every rule of the policy giving the class asks it."""
    rules = load_policy().rules
    return {c.code for c in domain.UNIT_CLASSES
            if any(r.grade is c for r in rules)
            and all(r.requires_safe for r in rules if r.grade is c)}


def compare(session: Session, body: Body, year: int, classification: Document,
            recognised: set[str], recognised_label: str) -> list[str]:
    """Where the classification decision `classification` and a recognition list
    (`recognised`, folded names) disagree on «An toàn» for a unit `body` may recognise:
    a class that requires it (the policy) or a stored «An toàn» outcome, but not
    recognised; or recognised while the stored outcome of `year` says it is not."""
    units = json.loads(classification.input_json).get("units", [])
    stored = {}
    for unit in session.scalars(select(Unit).where(
            Unit.name_key.in_([fold(u["name"]) for u in units] + sorted(recognised)))):
        if unit.name_key not in stored or unit.body_id == body.id:
            stored[unit.name_key] = unit
    outcomes = {row.unit_id: row for row in session.scalars(select(Assessment).where(
        Assessment.year == year, Assessment.unit_id.in_([u.id for u in stored.values()])))}
    competent = {u.name_key for u in split_competent(session, body, list(stored.values()),
                                                     year_date(year), "an_toan")[0]}
    needs_safe = _safe_classes()
    where = label(classification)
    problems = []
    for item in units:
        key = fold(item["name"])
        if key in stored and key not in competent:
            continue
        grade = domain.unit_class(item.get("grade", ""))
        row = outcomes.get(stored[key].id) if key in stored else None
        if key in recognised:
            continue
        if grade is not None and grade.code in needs_safe:
            problems.append(f"«{item['name']}» xếp loại {grade.label} trong {where} (loại này "
                            f"yêu cầu đạt tiêu chuẩn {STANDARD}) nhưng không có trong "
                            f"{recognised_label}")
        elif row is not None and row.safe:
            problems.append(f"«{item['name']}» có trong {where}, kết quả năm {year} ghi đạt "
                            f"tiêu chuẩn {STANDARD} nhưng không có trong {recognised_label}")
    for key in sorted(recognised):
        row = outcomes.get(stored[key].id) if key in stored else None
        if row is not None and not row.safe:
            problems.append(f"«{stored[key].name}» có trong {recognised_label} nhưng kết quả "
                            f"năm {year} ghi chưa đạt tiêu chuẩn {STANDARD}")
    return problems


def disagreements(session: Session, body_id: int, year: int) -> list[str]:
    """Every point where the body's recognition decision of `year` (kind "safe_decision")
    and its classification decision (kind "decision") disagree on «An toàn» for a unit,
    in Vietnamese naming the unit and both documents; [] when they agree or one is missing.
    Each is the latest issued one, else the latest draft."""
    body = _body(session, body_id)
    safe = _latest(session, body_id, year, KIND)
    classification = _latest(session, body_id, year, "decision")
    if safe is None or classification is None:
        return []
    names = {fold(u["name"]) for u in json.loads(safe.input_json).get("units", [])}
    return compare(session, body, year, classification, names, label(safe))


def recognition_problems(session: Session, body_id: int, year: int) -> list[str]:
    """What is wrong with the body's recognition decision of `year` (the latest issued, else
    the latest draft): each listed unit the body may not recognise (out of scope, or another
    body's to decide, naming it and the rule's source), an issue date after the deadline of
    docgen.rules ("decision_an_toan": the earliest among the kinds listed), then
    `disagreements`; [] when there is no such decision or nothing is wrong."""
    body = _body(session, body_id)
    safe = _latest(session, body_id, year, KIND)
    if safe is None:
        return []
    keys = [fold(u["name"]) for u in json.loads(safe.input_json).get("units", [])]
    found: dict[str, Unit] = {}
    for unit in session.scalars(select(Unit).where(Unit.name_key.in_(keys))):
        if unit.name_key not in found or unit.body_id == body.id:
            found[unit.name_key] = unit
    stored = [found[k] for k in keys if k in found]
    refused = split_competent(session, body, stored, year_date(year), "an_toan")[1]
    problems = [f"{label(safe)}: {message}" for message in refused]
    kinds = sorted({domain.unit_kind(u["kind"]).code
                    for u in json.loads(safe.input_json).get("units", [])})
    deadline = law.load_rules().deadline("decision_an_toan", year, kinds)
    if deadline is not None and safe.issued_on is not None and safe.issued_on > deadline[1]:
        problems.append(f"{label(safe)} ban hành ngày {short_date(safe.issued_on)}, sau hạn "
                        f"{short_date(deadline[1])} ({deadline[0].source})")
    return problems + disagreements(session, body_id, year)


def certificate_inputs(session: Session, document_id: int, *,
                       emblem_space: bool = False) -> list[dict]:
    """One certificate input per unit of an ISSUED recognition decision, in the order of its
    list (the certificate's number is the decision's number and the unit's STT)."""
    from ..documents.safe_decision import SafeDecisionInput, listed
    from ..schema import load
    doc = session.get(Document, document_id)
    if doc is None or doc.kind != KIND:
        raise UserError(f"Không tìm thấy quyết định công nhận “An toàn về an ninh, trật tự” "
                        f"(mã {document_id}) trong sổ văn bản đi")
    if not doc.is_issued:
        raise UserError(f"Quyết định (mã {doc.id}) còn là dự thảo: Giấy công nhận chỉ in từ "
                        "quyết định đã ký và cấp số")
    parsed = load(SafeDecisionInput, json.loads(doc.input_json))
    shared = {"issuer": issuer_input_of(parsed), "signer": json.loads(doc.input_json)["signer"],
              "year": parsed.year, "decision_number": parsed.number,
              "decision_date": parsed.date.isoformat(), "emblem_space": emblem_space}
    if parsed.authority:
        shared["authority"] = parsed.authority
    return [{**shared, "unit": u.name, "kind": u.kind.code, "serial": i,
             **({"commune": u.commune} if u.commune else {})}
            for i, u in enumerate(listed(parsed.units), 1)]


def issuer_input_of(parsed) -> dict:
    issuer = parsed.issuer
    return {"name": issuer.name, "abbreviation": issuer.abbreviation, "place": issuer.place}

