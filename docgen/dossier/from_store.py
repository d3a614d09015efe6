"""The year's dossier of a body from the store: the register's documents of the assessment
year (their stored canonical inputs), the stored outcomes, the rules of competence, scope
and calendar. Rows are read as columns, one query per concern: a province's place has a
thousand units and hundreds of documents, and ORM objects for each cost more than the
checks."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from sqlalchemy import Row, or_, select
from sqlalchemy.orm import Session

from .. import documents
from ..errors import UserError
from ..rules import Rules, load_rules, may_decide, tier
from ..store.competence import deciders_for, problem, split_competent, year_date
from ..store.models import STATUS_DRAFT, STATUS_ISSUED, Assessment, Body, Document, Unit
from ..store.queries import bodies_in_place
from ..store.household_share import household_shares
from ..store.prefill_safe import recognition_problems
from ..store.unit_papers import sheet_disagreements
from ..vietnamese import fold, short_date
from . import checks
from .citations import first_citation
from .model import (DRAFT, ISSUED, KIND_WORDS, KINDS, MADE, PER_UNIT, STAGES, Citation, Dossier,
                    Finding, Listed, Paper, Ref, checklist, paper_words)

if TYPE_CHECKING:
    from ..store.accounts import Scope

# What the register's «Cấp số» warns about for the document being issued.
ISSUE_CODES = ("after_deadline", "date_order", "citation_mismatch", "citation_missing",
               "second_proposal")
LISTS = ("proposal", "decision", "report")


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _year(data: dict) -> int | None:
    try:
        return int(str(data.get("year", "")).strip())
    except ValueError:
        return None


def _citations(kind: str, data: dict) -> list[Citation]:
    out = []
    if kind == "decision" and (found := first_citation(data.get("proposal") or "", "proposal",
                                                       "proposal")):
        out.append(found)
    cited = data.get("decision") if kind == "report" else None
    if isinstance(cited, dict) and cited.get("number"):
        out.append(Citation("decision", str(cited["number"]).strip(), _date(cited.get("date")),
                            str(cited.get("issuer") or ""), "decision"))
    if kind == "plan" and isinstance(data.get("basis_plan"), dict):
        basis = data["basis_plan"]
        out.append(Citation("plan", str(basis.get("number", "")).strip(),
                            _date(basis.get("date")), str(basis.get("issuer") or ""),
                            "basis_plan"))
    if (found := first_citation(data.get("plan_reference") or "", "plan", "plan_reference")):
        out.append(found)
    return out


def _paper(doc: Row, body: Body, data: dict, pretend: dict[int, dt.date]) -> Paper:
    """`doc`: the register row's columns (DOCUMENT_COLUMNS); `body` its issuer."""
    record = documents.KINDS.get(doc.kind)
    status = (ISSUED if doc.status == STATUS_ISSUED
              else MADE if record is not None and record.abbreviation is None else DRAFT)
    date = doc.issued_on or _date(data.get("date"))
    label = paper_words(doc.kind, doc.symbol, date, status, doc.id, str(data.get("unit", "")))
    if doc.id in pretend:  # the draft «Cấp số» is about to issue
        status, date = ISSUED, pretend[doc.id]
        label = f"{KIND_WORDS[doc.kind]} này (nếu cấp số ngày {short_date(date)})"
    units = None
    if doc.kind in LISTS:
        units = [Listed(str(u.get("name", "")), str(u.get("kind", "")), u.get("grade") or None,
                        u.get("safe") if isinstance(u.get("safe"), bool) else None)
                 for u in data.get("units") or () if isinstance(u, dict)]
    elif doc.kind == "minutes":  # one unit, and what its meeting concluded
        conclusion = data.get("conclusion")
        units = [Listed(str(data.get("unit", "")), str(data.get("kind", "")), None,
                        conclusion == "dat" if conclusion in ("dat", "chua_dat") else None)]
    kinds = ((str(data.get("kind", "")),) if doc.kind in PER_UNIT
             else tuple(sorted({u.kind for u in units or ()})))
    paper = Paper(doc.kind, Ref(label, doc.id), body.name, doc.body_id, doc.symbol, date,
                  status, _year(data), units, None, _citations(doc.kind, data), kinds,
                  tier(body.level))
    if doc.kind == "proposal":
        paper.addressees = tuple(str(a) for a in data.get("addressees") or ())
    return paper


# What a paper needs of its register row (no ORM object: a place has hundreds of them).
DOCUMENT_COLUMNS = (Document.id, Document.kind, Document.status, Document.symbol,
                    Document.issued_on, Document.body_id, Document.input_json)
# What the checks need of a stored unit, with its outcome of the year.
UNIT_COLUMNS = (Unit.id, Unit.name, Unit.name_key, Unit.kind, Unit.category, Unit.managed_by,
                Unit.body_id, Unit.commune)


def _papers(session: Session, place: dict[int, Body], year: int, scope: Scope | None,
            pretend: dict[int, dt.date]) -> list[Paper]:
    """The register's documents of the assessment `year` by the bodies of `place`, oldest
    first: issued in the year or the next, and every draft whose input is of that year."""
    docs = session.execute(
        select(*DOCUMENT_COLUMNS)
        .where(Document.body_id.in_(list(place)), Document.kind.in_(KINDS),
               or_(Document.status == STATUS_DRAFT, Document.year.in_((year, year + 1))))
        .order_by(Document.issued_on.is_(None), Document.issued_on, Document.id))
    out = []
    for doc in docs:
        if scope is not None and not scope.document(doc):
            continue
        try:
            data = json.loads(doc.input_json)
        except (TypeError, ValueError):
            continue
        if isinstance(data, dict) and _year(data) == year:
            out.append(_paper(doc, place[doc.body_id], data, pretend))
    return out


def _stored(session: Session, bodies: list[Body], year: int
            ) -> tuple[dict[str, Paper], dict[str, Row]]:
    """The stored outcomes as each document should list them (decided classes; for the
    Tờ trình the decided class or else the suggested one), and the units by folded name
    (rows of UNIT_COLUMNS: docgen.store.competence reads a unit's attributes only)."""
    decided, proposed, units = [], [], {}
    rows = session.execute(  # columns only: a province's place has a thousand units
        select(*UNIT_COLUMNS, Assessment.decided, Assessment.suggested, Assessment.safe)
        .outerjoin(Assessment, (Assessment.unit_id == Unit.id) & (Assessment.year == year))
        .where(Unit.body_id.in_([b.id for b in bodies])).order_by(Unit.id))
    for row in rows:
        _, name, key, kind, *_, chosen, suggested, safe = row
        units.setdefault(key, row)
        if chosen:  # the same unit on both lists (Listed is frozen)
            decided.append(listed := Listed(name, kind, chosen, bool(safe)))
            proposed.append(listed)
        elif suggested:
            proposed.append(Listed(name, kind, suggested, bool(safe)))
    ref = Ref(f"kết quả đánh giá đã lưu năm {year}")
    stored = {"decision": Paper("decision", ref, units=decided),
              "report": Paper("report", ref, units=decided),
              "proposal": Paper("proposal", ref, units=proposed)}
    return stored, units


def _unit_problems(session: Session, body: Body, units: list[Row], on: dt.date,
                   rules: Rules) -> list[str]:
    """split_competent's messages, asked once per kind of unit: units alike in kind,
    category, managing tier, body and commune have the same decider (a list of thousands
    of residential areas is judged in a few calls)."""
    groups: dict[tuple, list[Row]] = {}
    for unit in units:
        groups.setdefault((unit.kind, unit.category, unit.managed_by, unit.body_id,
                           fold(unit.commune)), []).append(unit)
    firsts = [members[0] for members in groups.values()]
    wrong = {u.id for u in firsts} - {u.id for u in split_competent(
        session, body, firsts, on, "phan_loai", rules)[0]}
    if not wrong:
        return []
    deciders = deciders_for(session, [u for u in firsts if u.id in wrong], on, "phan_loai",
                            rules)
    return [problem(body, unit, deciders[members[0].id], rules)
            for members in groups.values() if members[0].id in wrong for unit in members]


def _problems(session: Session, body: Body, paper: Paper, units: dict[str, Row],
              rules: Rules, on: dt.date, notes: list[str]) -> list[str]:
    """A message per unit `paper` lists that `body` may not decide (docgen.store.competence;
    a unit out of scope is the scope check's); a name the store does not hold is judged by
    its kind alone."""
    stored = [units[u.key] for u in paper.units or () if u.key in units]
    in_scope = [u for u in stored if rules.excluded(u.kind, u.category) is None]
    problems = _unit_problems(session, body, in_scope, on, rules)
    for listed in paper.units or ():
        if listed.key in units:
            continue
        rule = rules.competent(listed.kind, on=on, matter="phan_loai")
        if rule is None:
            notes.append(f"{paper.ref.label}: tệp quy tắc không nói cơ quan nào có thẩm "
                         f"quyền với «{listed.name}»")
        elif not may_decide(rule, body.level, body.abbreviation):
            problems.append(f"“{listed.name}” do {rule.label} quyết định, không phải "
                            f"{body.name} ({rule.source})")
    return problems


def _competence(session: Session, papers: list[Paper], units: dict[str, Row],
                bodies: dict[int, Body], rules: Rules, year: int, notes: list[str]
                ) -> list[Finding]:
    """Units a decision lists that its issuer is not competent for, and units a Tờ trình
    asks a stored body (its «Kính gửi») to recognise that the body may not decide."""
    by_name: dict[str, Body] | None = None  # every body, read for the first Tờ trình only
    out = []
    for paper in checks.chosen(papers, "decision") + checks.chosen(papers, "proposal"):
        on = paper.date or year_date(year)
        if paper.kind == "decision":
            deciders = [bodies.get(paper.body_id)]
        else:
            if by_name is None:
                by_name = {fold(b.name): b for b in session.scalars(select(Body))}
            deciders = [by_name.get(fold(name.strip().rstrip(".;,"))) for name in paper.addressees]
        for body in filter(None, deciders):
            problems = _problems(session, body, paper, units, rules, on, notes)
            if not problems:
                continue
            shown = "; ".join(problems[:checks.NAMES_SHOWN])
            more = len(problems) - checks.NAMES_SHOWN
            what = (f"của {body.name} liệt kê" if paper.kind == "decision"
                    else f"đề nghị {body.name} công nhận")
            out.append(Finding("not_competent", (
                f"{paper.ref.label} {what} {len(problems)} đơn vị không thuộc thẩm quyền của "
                f"cơ quan này: {shown}" + (f"; và {more} đơn vị khác" if more > 0 else "")),
                (paper.ref,)))
    return out


def _excluded_checker(units: dict[str, Row], rules: Rules):
    """is_excluded(listed, matter) for checks.excluded_listed; the rules are read once per
    kind, category and matter (a stored decision lists every unit of the place)."""
    found_rules: dict[tuple[str, str, str], tuple] = {}
    # Only a unit with a category can be out of scope: without one, no name is folded.
    categorised = any(unit.category for unit in units.values())

    def is_excluded(listed: Listed, matter: str) -> str | None:
        unit = units.get(listed.key) if categorised else None
        if unit is None or not unit.category:
            return None
        key = (unit.kind, unit.category, matter)
        if key not in found_rules:
            rule = rules.excluded(*key)
            found = rules.category(unit.kind, unit.category) if rule is not None else None
            found_rules[key] = (rule, found.label if found else unit.category)
        rule, label = found_rules[key]
        return None if rule is None else rule.message(unit.name, label)
    return is_excluded


def _lookup(session: Session, papers: list[Paper], bodies: list[Body]):
    """Citation → the register's issued documents of that symbol (by the cited issuer when
    named); [] when the register should hold it and does not; None when it cannot say."""
    pretended = {p.ref.doc_id: p for p in papers}
    names: set[str] = set()  # every body's folded name, read for the first unknown issuer

    def lookup(cited: Citation) -> list[Paper] | None:
        docs = list(session.scalars(select(Document).where(
            Document.kind == cited.kind, Document.symbol == cited.symbol,
            Document.status == STATUS_ISSUED).order_by(Document.issued_on, Document.id)))
        if cited.issuer:
            docs = [d for d in docs if fold(d.body.name) == fold(cited.issuer)] or docs
        found = [pretended.get(d.id) or Paper(d.kind, Ref(paper_words(
            d.kind, d.symbol, d.issued_on, ISSUED), d.id), d.body.name, d.body_id, d.symbol,
            d.issued_on, ISSUED) for d in docs]
        if found or not cited.issuer:
            return found
        if not names:
            names.update(fold(name) for name in session.scalars(select(Body.name)))
        if fold(cited.issuer) in names:
            return found
        return None if cited.kind == "plan" else found

    return lookup


def _households(session: Session, units: dict[str, Row], year: int,
                notes: list[str]) -> list[Finding]:
    """Circular 124 Điều 4 khoản 1: 100% of the households of a residential area register.
    A recorded share below it is a finding; an area with no recorded share, a note."""
    findings, unrecorded = [], []
    areas = [unit for unit in units.values() if unit.kind == "khu_dan_cu"]
    shares = household_shares(session, [unit.id for unit in areas], year)
    for unit in areas:
        share = shares.get(unit.id)
        if share is None:
            unrecorded.append(unit.name)
        elif share[0] < share[1]:
            findings.append(Finding("households_share", (
                f"«{unit.name}»: {share[0]}/{share[1]} hộ gia đình đăng ký tham gia, chưa đủ "
                "100% (Thông tư 124/2021/TT-BCA, Điều 4 khoản 1)")))
    if unrecorded:
        notes.append("Chưa ghi số hộ gia đình đã đăng ký tham gia của: " + ", ".join(
            f"«{name}»" for name in unrecorded[:10]) + (
            f" và {len(unrecorded) - 10} khu dân cư khác" if len(unrecorded) > 10 else ""))
    return findings


def check_year(session: Session, body_id: int, year: int, rules: Rules | None = None, *,
               scope: Scope | None = None, pretend: dict[int, dt.date] | None = None
               ) -> Dossier:
    """The dossier of assessment `year` for the bodies of `body_id`'s place (its People's
    Committee, Steering Committee and police): the checklist and every inconsistency.
    `rules`: None loads the configured ones. `scope`: only the documents it sees (None:
    all). `pretend`: document ids taken as issued on a date (the warnings of «Cấp số»)."""
    rules = rules or load_rules()
    body = session.get(Body, body_id)
    if body is None:
        raise UserError(f"Không tìm thấy cơ quan (mã {body_id})")
    place = bodies_in_place(session, body)
    papers = _papers(session, {b.id: b for b in place}, year, scope, pretend or {})
    stored, units = _stored(session, place, year)
    notes: list[str] = []
    findings: list[Finding] = []
    findings += checks.figures(papers, stored)
    findings += _competence(session, papers, units, {b.id: b for b in place}, rules, year,
                            notes)
    is_excluded = _excluded_checker(units, rules)
    for paper in [*(p for k in LISTS for p in checks.chosen(papers, k)), stored["decision"],
                  *(p for p in papers if p.kind == "minutes")]:
        findings += checks.excluded_listed(paper, is_excluded)
    findings += checks.minutes_results(papers, stored["decision"])
    findings += [Finding("score_mismatch", message)
                 for message in sheet_disagreements(session, body_id, year)]
    findings += [Finding("recognition", message) for b in place
                 for message in recognition_problems(session, b.id, year)]
    findings += _households(session, units, year, notes)
    findings += checks.date_order(papers)
    findings += checks.deadlines(papers, rules, year)
    findings += checks.citations(papers, _lookup(session, papers, place), notes)
    findings += checks.missing_citations(papers)
    findings += checks.second_proposals(papers)
    title = f"Hồ sơ năm {year} — " + ", ".join(b.name for b in place)
    return Dossier(title, year, checklist(papers, documents.KINDS), checks.unique(findings),
                   list(dict.fromkeys(notes)), body_id)


def body_choices(session: Session, scope: Scope | None) -> list[Row]:
    """(id, name) of the bodies `scope` sees (None: all), in the order entered: the «Hồ sơ
    năm» page's choice of body."""
    rows = session.execute(select(Body.id, Body.name).order_by(Body.id))
    return [row for row in rows if scope is None or scope.body(row.id)]


def issue_findings(session: Session, doc_id: int, issued_on: dt.date,
                   rules: Rules | None = None) -> list[Finding]:
    """What issuing document `doc_id` on `issued_on` would leave wrong in its year's
    dossier: a date after its deadline or before a paper it cites or follows, a citation
    that does not match the register, a second Tờ trình. [] when the document has no year."""
    doc = session.get(Document, doc_id)
    if doc is None or doc.kind not in STAGES:
        return []
    try:
        year = _year(json.loads(doc.input_json))
    except (TypeError, ValueError):
        return []
    if year is None:
        return []
    dossier = check_year(session, doc.body_id, year, rules, pretend={doc_id: issued_on})
    return [f for f in dossier.findings if f.code in ISSUE_CODES and f.concerns(doc_id)]
