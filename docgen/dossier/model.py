"""The records of a dossier check: the checklist of Circular 124 Điều 9 khoản 2, the papers
found (from the register or from DOCX files), and the findings with their Vietnamese message."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from .. import domain
from ..vietnamese import fold, short_date

KIND_WORDS = {"plan": "Kế hoạch", "registration": "Bản đăng ký", "minutes": "Biên bản họp",
              "score_sheet": "Phiếu chấm điểm", "proposal": "Tờ trình", "decision": "Quyết định",
              "report": "Báo cáo", "household_list": "Danh sách hộ đăng ký",
              "unit_proposal": "Tờ trình của đơn vị", "unit_report": "Báo cáo của đơn vị",
              "safe_decision": "Quyết định công nhận “An toàn về ANTT”"}
# The legal order of the year's work: an earlier stage is never dated after a later one
# (the registration cites the plan, the Tờ trình rests on the units' meetings, the decision
# cites the Tờ trình, the report the decision).
STAGES = ("plan", "registration", "minutes", "proposal", "decision", "report")
# Papers made one per unit: all of them count, not one in force per issuer.
PER_UNIT = ("registration", "minutes", "score_sheet", "household_list", "unit_proposal",
            "unit_report")
KINDS = (*STAGES, "score_sheet", "household_list", "unit_proposal", "unit_report",
         "safe_decision")

OUTSIDE = "outside"          # produced outside docgen (a Party resolution, other papers)
UNSUPPORTED = "unsupported"  # a paper docgen will produce but does not yet (the minutes)
MISSING = "missing"
DRAFT = "draft"
MADE = "made"                # an unnumbered paper (a registration form) stored in the register
ISSUED = "issued"
STATUS_WORDS = {OUTSIDE: "ngoài hệ thống", UNSUPPORTED: "chưa hỗ trợ", MISSING: "chưa có",
                DRAFT: "dự thảo", MADE: "đã lập", ISSUED: "đã ban hành"}


@dataclass(frozen=True)
class Ref:
    """How a finding names a paper: its words, and where to open it (a register id or a file)."""

    label: str
    doc_id: int | None = None
    path: str = ""


@dataclass(frozen=True)
class Finding:
    """One inconsistency: `code` for programs, `message` in Vietnamese, the papers concerned."""

    code: str
    message: str
    refs: tuple[Ref, ...] = ()

    def concerns(self, doc_id: int) -> bool:
        return any(ref.doc_id == doc_id for ref in self.refs)


@dataclass(frozen=True)
class Listed:
    """A unit as one paper lists it: name, kind and class codes, "An toàn" (None: not said)."""

    name: str
    kind: str
    grade: str | None = None
    safe: bool | None = None

    @cached_property
    def key(self) -> str:
        """The name without case or diacritics: how papers are matched unit by unit."""
        return fold(self.name)


@dataclass
class Counts:
    """Figures a paper prints without its list (a report read from DOCX): totals per class
    code and the number "An toàn" (None: not printed)."""

    classes: dict[str, int]
    safe: int | None = None

    @property
    def total(self) -> int:
        return sum(self.classes.values())


@dataclass(frozen=True)
class Citation:
    """A paper cited by another: «Tờ trình số 05/TTr-CAH ngày 05 tháng 01 năm 2023»."""

    kind: str           # plan | proposal | decision
    symbol: str
    date: dt.date | None
    issuer: str = ""
    field: str = ""     # the citing input's field, for the message

    @property
    def words(self) -> str:
        day = f" ngày {short_date(self.date)}" if self.date else ""
        return f"{KIND_WORDS[self.kind]} số {self.symbol}{day}"


@dataclass
class Paper:
    """One document of the year, as found in the register or in a folder."""

    kind: str
    ref: Ref
    issuer: str = ""
    body_id: int | None = None
    symbol: str = ""
    date: dt.date | None = None
    status: str = DRAFT
    year: int | None = None
    units: list[Listed] | None = None
    counts: Counts | None = None
    citations: list[Citation] = field(default_factory=list)
    unit_kinds: tuple[str, ...] = ()   # kinds of the units it covers (for its deadline)
    tier: str = ""                     # the issuer's tier (rules.tier), for competence
    addressees: tuple[str, ...] = ()   # a Tờ trình's «Kính gửi»: the body asked to decide

    @property
    def issued(self) -> bool:
        return self.status == ISSUED

    def counted(self) -> Counts | None:
        """Its figures: from its list when it has one, else as printed."""
        if self.units is None:
            return self.counts
        classes = {c.code: 0 for c in domain.UNIT_CLASSES}
        for unit in self.units:
            if unit.grade in classes:
                classes[unit.grade] += 1
        safe = (sum(1 for u in self.units if u.safe) if any(u.safe is not None
                                                             for u in self.units) else None)
        return Counts(classes, safe)


@dataclass
class Item:
    """One line of the checklist: a paper the law asks for, its status and what exists."""

    part: str
    code: str
    label: str
    status: str
    papers: list[Paper] = field(default_factory=list)

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.status]


@dataclass
class Dossier:
    """The year's dossier of a body (or a folder): its checklist, findings and notes (what
    could not be read or checked, which is not a finding)."""

    title: str
    year: int | None
    items: list[Item]
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    body_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def missing(self) -> list[Item]:
        """The papers docgen makes that the dossier does not have yet (not a finding: a year
        in progress lacks its later papers)."""
        return [item for item in self.items if item.status == MISSING]

    def parts(self) -> list[tuple[str, list[Item]]]:
        """The checklist grouped by part, in order."""
        out: list[tuple[str, list[Item]]] = []
        for item in self.items:
            if not out or out[-1][0] != item.part:
                out.append((item.part, []))
            out[-1][1].append(item)
        return out


REGISTRATION_PART = "Hồ sơ đăng ký (Thông tư 124/2021/TT-BCA, Điều 9 khoản 2 điểm a)"
PROPOSAL_PART = "Hồ sơ đề nghị xét duyệt, công nhận (Điều 9 khoản 2 điểm b)"
DECISION_PART = "Quyết định công nhận (Điều 10; Quyết định 510/QĐ-BCA-V05, Điều 11)"
# (part, code, label, docgen kind or None, status when docgen has no such kind, status when
# the register has none)
CHECKLIST = (
    (REGISTRATION_PART, "resolution", "Nghị quyết của cấp ủy Đảng lãnh đạo về công tác bảo đảm "
     "an ninh, trật tự (nơi có tổ chức Đảng)", None, OUTSIDE, OUTSIDE),
    (REGISTRATION_PART, "plan", "Kế hoạch về bảo đảm an ninh, trật tự", "plan", MISSING,
     MISSING),
    (REGISTRATION_PART, "registration", "Bản đăng ký phấn đấu đạt tiêu chuẩn “An toàn về an "
     "ninh, trật tự”", "registration", MISSING, MISSING),
    (REGISTRATION_PART, "household_list", "Danh sách hộ gia đình đăng ký tham gia (khu dân cư, "
     "Điều 4 khoản 1)", "household_list", MISSING, MISSING),
    (PROPOSAL_PART, "unit_proposal", "Tờ trình đề nghị công nhận của từng đơn vị",
     "unit_proposal", MISSING, MISSING),
    (PROPOSAL_PART, "unit_report", "Báo cáo kết quả xây dựng “An toàn về an ninh, trật tự” của "
     "từng đơn vị", "unit_report", MISSING, MISSING),
    (PROPOSAL_PART, "proposal", "Tờ trình đề nghị xét duyệt, công nhận (kèm Thống kê danh sách "
     "chấm điểm)", "proposal", MISSING, MISSING),
    (PROPOSAL_PART, "report", "Báo cáo kết quả", "report", MISSING, MISSING),
    (PROPOSAL_PART, "minutes", "Biên bản cuộc họp đánh giá tình hình, kết quả thực hiện các "
     "tiêu chí", "minutes", UNSUPPORTED, MISSING),
    (PROPOSAL_PART, "other", "Các tài liệu khác có liên quan (phiếu chấm điểm…)", "score_sheet",
     OUTSIDE, OUTSIDE),
    (DECISION_PART, "safe_decision", "Quyết định công nhận đạt tiêu chuẩn “An toàn về an "
     "ninh, trật tự” và Giấy công nhận", "safe_decision", MISSING, MISSING),
    (DECISION_PART, "decision", "Quyết định công nhận kết quả đánh giá, phân loại",
     "decision", MISSING, MISSING),
)


def checklist(papers: list[Paper], known_kinds) -> list[Item]:
    """The checklist filled with `papers`; a line whose kind docgen does not know (yet) keeps
    its «ngoài hệ thống» / «chưa hỗ trợ» status."""
    items = []
    for part, code, label, kind, unknown, none in CHECKLIST:
        mine = [p for p in papers if kind and p.kind == kind]
        if kind is None or kind not in known_kinds:
            status = unknown
        elif any(p.issued for p in mine):
            status = ISSUED
        elif any(p.status == MADE for p in mine):
            status = MADE
        elif mine:
            status = DRAFT
        else:
            status = none
        items.append(Item(part, code, label, status, mine))
    return items


def paper_words(kind: str, symbol: str, date: dt.date | None, status: str,
                doc_id: int | None = None, unit: str = "") -> str:
    """«Quyết định số 15/QĐ-UBND ngày 10/02/2023», «dự thảo Tờ trình (mã 7)», «Bản đăng ký
    của Bản Na Mèo»."""
    word = KIND_WORDS.get(kind, kind)
    if status == ISSUED and symbol:
        return f"{word} số {symbol}" + (f" ngày {short_date(date)}" if date else "")
    if kind in PER_UNIT:
        return f"{word} của {unit}" if unit else word
    where = f" (mã {doc_id})" if doc_id is not None else ""
    return f"dự thảo {word}{where}"
