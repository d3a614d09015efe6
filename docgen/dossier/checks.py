"""The consistency checks of a year's papers, the same for the register and for a folder of
DOCX files: lists and figures that disagree, dates out of the legal order or after their
deadline, citations that do not match, a second Tờ trình."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .. import domain
from ..rules import Rules
from ..vietnamese import fold, short_date
from .model import ISSUED, KIND_WORDS, PER_UNIT, STAGES, Citation, Finding, Listed, Paper, Ref

NAMES_SHOWN = 5  # units named in one finding; more are counted
# What a paper of each kind must meet (docgen.rules DOCUMENTS); a plan only when it is a
# commune's (a unit's plan, Circular 124 Điều 5 khoản 1), not the district's own.
DEADLINE_OF = {"registration": "registration", "proposal": "proposal", "report": "report"}


def _grade(code: str | None) -> str:
    grade = domain.unit_class(code) if code else None
    return grade.label if grade else "chưa xếp loại"


def _names(names: list[str]) -> str:
    shown = ", ".join(f"«{n}»" for n in names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return shown + (f" và {more} đơn vị khác" if more > 0 else "")


def chosen(papers: list[Paper], kind: str) -> list[Paper]:
    """The papers of `kind` in force, one per issuer: its latest issued one, else its
    latest draft (papers come oldest first)."""
    by_issuer: dict[str, Paper] = {}
    for paper in papers:
        if paper.kind != kind:
            continue
        key = fold(paper.issuer) or str(paper.body_id)
        held = by_issuer.get(key)
        if held is None or paper.issued or not held.issued:
            by_issuer[key] = paper
    return list(by_issuer.values())


def merged(papers: list[Paper], label: str) -> Paper | None:
    """Several issuers' papers of one kind as one list (decisions of the People's Committee
    and of the Steering Committee together); None when there is none."""
    if not papers:
        return None
    if len(papers) == 1:
        return papers[0]
    units = None if any(p.units is None for p in papers) else [u for p in papers for u in p.units]
    return Paper(papers[0].kind, Ref(label), units=units)


# --- lists and figures -------------------------------------------------------------------

def compare(a: Paper, b: Paper) -> list[Finding]:
    """What `a` and `b` say differently of the same year's units: which units, their
    classes, their "An toàn" flags — by unit when both carry their lists, else by count."""
    refs = (a.ref, b.ref)
    wa, wb = a.ref.label, b.ref.label
    if a.units is not None and b.units is not None:
        return _compare_lists(a, b, refs, wa, wb)
    ca, cb = a.counted(), b.counted()
    if ca is None or cb is None:
        return []
    out = []
    if ca.total != cb.total:
        out.append(Finding("units_mismatch", f"{wa} có {ca.total} đơn vị, {wb} có {cb.total} "
                                             "đơn vị", refs))
    diffs = [f"loại {_grade(code)}: {ca.classes.get(code, 0)} và {cb.classes.get(code, 0)}"
             for code in (c.code for c in domain.UNIT_CLASSES)
             if ca.classes.get(code, 0) != cb.classes.get(code, 0)]
    if diffs:
        out.append(Finding("class_mismatch", f"Số đơn vị theo xếp loại khác nhau giữa {wa} và "
                                             f"{wb}: " + "; ".join(diffs), refs))
    if ca.safe is not None and cb.safe is not None and ca.safe != cb.safe:
        out.append(Finding("safe_mismatch", _safe_words(wa, ca.safe, wb, cb.safe), refs))
    return out


def _safe_words(wa: str, sa: int, wb: str, sb: int) -> str:
    return (f"Số đơn vị đạt “An toàn về an ninh, trật tự” khác nhau: {sa} theo {wa}, {sb} theo "
            f"{wb}")


def _compare_lists(a: Paper, b: Paper, refs, wa: str, wb: str) -> list[Finding]:
    la = {u.key: u for u in a.units}
    lb = {u.key: u for u in b.units}
    out = []
    only_a = [u.name for k, u in la.items() if k not in lb]
    only_b = [u.name for k, u in lb.items() if k not in la]
    if only_a or only_b:
        parts = []
        if only_a:
            parts.append(f"chỉ {wa} có {_names(only_a)}")
        if only_b:
            parts.append(f"chỉ {wb} có {_names(only_b)}")
        out.append(Finding("units_mismatch", f"{wa} liệt kê {len(la)} đơn vị, {wb} liệt kê "
                                             f"{len(lb)} đơn vị: " + "; ".join(parts), refs))
    common = [(la[k], lb[k]) for k in la if k in lb]
    graded = [(x, y) for x, y in common if x.grade is not None and y.grade is not None
              and x.grade != y.grade]
    if graded:
        ca, cb = a.counted(), b.counted()
        counts = [f"loại {c.label}: {ca.classes[c.code]} và {cb.classes[c.code]}"
                  for c in domain.UNIT_CLASSES if ca.classes[c.code] != cb.classes[c.code]]
        units = [f"{x.name}: {_grade(x.grade)} theo {wa}, {_grade(y.grade)} theo {wb}"
                 for x, y in graded[:NAMES_SHOWN]]
        more = f" và {len(graded) - NAMES_SHOWN} đơn vị khác" if len(graded) > NAMES_SHOWN else ""
        head = f"Xếp loại khác nhau giữa {wa} và {wb}"
        if counts:
            head += " (" + "; ".join(counts) + ")"
        out.append(Finding("class_mismatch", f"{head}: " + "; ".join(units) + more, refs))
    flagged = [(x, y) for x, y in common if x.safe is not None and y.safe is not None
               and x.safe != y.safe]
    if flagged:
        sa = sum(1 for u in a.units if u.safe)
        sb = sum(1 for u in b.units if u.safe)
        names = [f"{x.name} ({'đạt' if x.safe else 'chưa đạt'} theo {wa})" for x, _ in flagged]
        out.append(Finding("safe_mismatch", _safe_words(wa, sa, wb, sb) + "; khác ở: "
                           + ", ".join(names[:NAMES_SHOWN])
                           + (f" và {len(names) - NAMES_SHOWN} đơn vị khác"
                              if len(names) > NAMES_SHOWN else ""), refs))
    return out


def figures(papers: list[Paper], stored: dict[str, Paper] | None = None) -> list[Finding]:
    """Each document in force against the stored outcomes (`stored` by kind: the Tờ trình
    proposes the decided class or else the suggested one), and the documents against each
    other in the order of the year's work (Tờ trình → decision → report)."""
    proposals = chosen(papers, "proposal")
    proposal = proposals[-1] if proposals else None
    decision = merged(chosen(papers, "decision"), "các Quyết định công nhận của năm")
    reports = chosen(papers, "report")
    report = reports[-1] if reports else None
    out: list[Finding] = []
    line = [p for p in (proposal, decision, report) if p is not None]
    for paper in line:
        if stored and stored.get(paper.kind) is not None:
            out += compare(paper, stored[paper.kind])
    for before, after in zip(line, line[1:], strict=False):
        out += compare(before, after)
    if proposal is not None and report is not None and decision is not None:
        # the decision carries no "An toàn" flags: compare the Tờ trình's with the report's
        out += [f for f in compare(proposal, report) if f.code == "safe_mismatch"]
    return out


def minutes_results(papers: list[Paper], stored: Paper) -> list[Finding]:
    """A meeting's conclusion (Đạt / Chưa đạt) that is not the stored "An toàn" outcome of
    its unit (the latest minutes of each unit)."""
    latest: dict[str, Paper] = {}
    for paper in papers:
        if paper.kind == "minutes" and paper.units and paper.units[0].safe is not None:
            latest[paper.units[0].key] = paper
    if not latest:  # no meeting concluded: the stored list (every unit) need not be keyed
        return []
    outcome = {u.key: u for u in stored.units or ()}
    out = []
    for key, paper in latest.items():
        said, kept = paper.units[0], outcome.get(key)
        if kept is not None and kept.safe is not None and kept.safe != said.safe:
            out.append(Finding("safe_mismatch", (
                f"{paper.ref.label} kết luận {'Đạt' if said.safe else 'Chưa đạt'} tiêu chuẩn "
                f"“An toàn về an ninh, trật tự”, nhưng {stored.ref.label} ghi "
                f"{'đạt' if kept.safe else 'chưa đạt'}"), (paper.ref,)))
    return out


# --- dates --------------------------------------------------------------------------------

def _dated(paper: Paper) -> str:
    """The paper's words with its date, unless they already say it."""
    day = short_date(paper.date) if paper.date else ""
    return paper.ref.label if not day or day in paper.ref.label else \
        f"{paper.ref.label} (ngày {day})"


def date_order(papers: list[Paper]) -> list[Finding]:
    """A paper dated before one of an earlier stage of the year's work (plan, registration,
    Tờ trình, decision, report) is out of order. Papers in force only."""
    dated = [p for kind in STAGES for p in (papers if kind in PER_UNIT
                                            else chosen(papers, kind))
             if p.kind == kind and p.date is not None]
    out = []
    for later in dated:
        rank = STAGES.index(later.kind)
        earlier = [p for p in dated if STAGES.index(p.kind) < rank and p.date > later.date]
        if earlier:
            worst = max(earlier, key=lambda p: p.date)
            out.append(Finding("date_order", (
                f"{_dated(later)} đề ngày trước {_dated(worst)}: "
                f"{KIND_WORDS[worst.kind].lower()} phải có trước "
                f"{KIND_WORDS[later.kind].lower()}"), (later.ref, worst.ref)))
    return out


def deadlines(papers: list[Paper], rules: Rules, year: int) -> list[Finding]:
    """Papers dated after the deadline the rules set for their kind and units."""
    out = []
    for paper in papers:
        document = DEADLINE_OF.get(paper.kind)
        if paper.kind == "plan" and paper.tier == "xa":
            document = "registration"
        if document is None or paper.date is None:
            continue
        found = rules.deadline(document, year, paper.unit_kinds)
        if found is None:
            continue
        rule, day = found
        if paper.date > day:
            note = "" if rule.confirmed else " (thời hạn chưa được xác nhận, cần đối chiếu)"
            dated = "" if paper.issued else f" (đề ngày {short_date(paper.date)})"
            out.append(Finding("after_deadline", (
                f"{paper.ref.label}{dated} ban hành sau thời hạn {short_date(day)}: "
                f"{rule.label} — {rule.source}{note}"), (paper.ref,)))
    return out


# --- citations ----------------------------------------------------------------------------

Lookup = Callable[[Citation], "list[Paper] | None"]


def citations(papers: list[Paper], lookup: Lookup, notes: list[str], *,
              where: str = "sổ văn bản") -> list[Finding]:
    """Each citation of a plan, a Tờ trình or a decision against the register or the folder
    (`where`; `lookup`: the issued papers of that symbol, or None when it cannot say, which
    goes to `notes`)."""
    out = []
    for paper in papers:
        for cited in paper.citations:
            found = lookup(cited)
            if found and cited.date:  # numbers start again each year: the cited date's year
                found = [f for f in found if f.date is None or f.date.year == cited.date.year]
            if found is None:
                notes.append(f"{paper.ref.label}: không đối chiếu được {cited.words}"
                             + (f" của {cited.issuer}" if cited.issuer else "")
                             + f" ({where} không có văn bản của cơ quan này để đối chiếu)")
                continue
            if not found:
                year = f" năm {cited.date.year}" if cited.date else ""
                out.append(Finding("citation_mismatch", (
                    f"{paper.ref.label} trích dẫn {cited.words} nhưng {where} không có "
                    f"{KIND_WORDS[cited.kind].lower()} nào đã cấp số {cited.symbol}{year}"),
                    (paper.ref,)))
                continue
            match = next((f for f in found if f.date == cited.date), None)
            if match is None:
                other = found[-1]
                said = f"ngày {short_date(cited.date)}" if cited.date else "không ghi ngày"
                out.append(Finding("citation_mismatch", (
                    f"{paper.ref.label} trích dẫn {KIND_WORDS[cited.kind]} số {cited.symbol} "
                    f"{said}, nhưng {where} ghi ngày "
                    f"{short_date(other.date) if other.date else '(chưa có)'}"),
                    (paper.ref, other.ref)))
                match = other
            if paper.date and match.date and paper.date < match.date:
                out.append(Finding("date_order", (
                    f"{_dated(paper)} trích dẫn {_dated(match)}, văn bản ban hành sau nó"),
                    (paper.ref, match.ref)))
    return out


def missing_citations(papers: list[Paper]) -> list[Finding]:
    """A decision that cites no Tờ trình while one is issued; a report that cites no
    decision while one is issued (prefill would have cited them)."""
    out = []
    for citing, cited_kind, field in (("decision", "proposal", "Tờ trình đề nghị"),
                                      ("report", "decision",
                                       "Quyết định công nhận kết quả của năm")):
        issued = [p for p in papers if p.kind == cited_kind and p.issued]
        if not issued:
            continue
        for paper in chosen(papers, citing):
            if not any(c.kind == cited_kind for c in paper.citations):
                out.append(Finding("citation_missing", (
                    f"{paper.ref.label} không trích dẫn {issued[-1].ref.label} "
                    f"(mục «{field}»)"), (paper.ref, issued[-1].ref)))
    return out


# --- duplicates ---------------------------------------------------------------------------

def second_proposals(papers: list[Paper]) -> list[Finding]:
    """A second Tờ trình of the same issuer for the year: two issued, or a draft beside an
    issued one (issuing it would make the second)."""
    out = []
    groups: dict[str, list[Paper]] = {}
    for paper in papers:
        if paper.kind == "proposal":
            groups.setdefault(fold(paper.issuer) or str(paper.body_id), []).append(paper)
    for group in groups.values():
        issued = [p for p in group if p.status == ISSUED]
        if not issued:
            continue
        first = issued[0]
        for other in group:
            if other is first:
                continue
            what = ("đã có" if other.status == ISSUED else "đã cấp số; dự thảo này sẽ là Tờ "
                    "trình thứ hai nếu được cấp số")
            out.append(Finding("second_proposal", (
                f"{other.ref.label}: {first.issuer or 'cơ quan này'} đã có {first.ref.label} "
                f"cho năm đánh giá này ({what})"), (other.ref, first.ref)))
    return out


def excluded_listed(paper: Paper, is_excluded: Callable[[Listed, str], str | None]
                    ) -> list[Finding]:
    """Units out of scope that `paper` classes or counts "An toàn" (`is_excluded(unit,
    matter)`: the rule's message, or None when the unit is in scope)."""
    out = []
    for unit in paper.units or ():
        if unit.grade is not None and (message := is_excluded(unit, "phan_loai")):
            out.append(Finding("excluded_unit", f"{paper.ref.label} xếp loại "
                                                f"{_grade(unit.grade)} cho {message}",
                               (paper.ref,)))
        if unit.safe and (message := is_excluded(unit, "an_toan")):
            out.append(Finding("excluded_unit", f"{paper.ref.label} tính là đạt “An toàn về "
                                                f"an ninh, trật tự” cho {message}",
                               (paper.ref,)))
    return out


def unique(findings: Iterable[Finding]) -> list[Finding]:
    """Findings without repeats, in order: one message per pair of papers out of order
    (found by the order of the year's work and again by the citation)."""
    seen, out = set(), []
    for finding in findings:
        key = ((finding.code, frozenset(finding.refs)) if finding.code == "date_order"
               else (finding.code, finding.message))
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out
