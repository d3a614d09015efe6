"""The proposal for recognition (Tờ trình, TTr): the police office, standing body of the
Steering Committee 138, asks the People's Committee to recognise the year's classes, with
the dossier Decision 510 Điều 11 names attached on its own pages — the "Thống kê danh
sách chấm điểm, mức đề xuất đánh giá, phân loại" (each unit's self-assessed and reviewed
scores and the proposed class), grouped by unit kind.

The figures of the body (how many units in each class, how many "An toàn về ANTT") come
from the same computation as the report's (`docgen.figures`), never typed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .. import domain, figures
from ..schema import boolean, choice, integer, items, record, text, text_list
from ..vietnamese import format_number, percent, upper
from . import common
from .decision import DECISION_510, GRADE_OPTIONS, KIND_OPTIONS
from .kinds import Kind

ROMAN = ("I", "II", "III", "IV", "V")
_SCORE = re.compile(r"\d{1,3}([.,]\d{1,2})?")


def _score(label: str):
    return text(label, required=False, max_len=10, help="Số từ 0 đến 100, ví dụ: 92,5")


@dataclass
class Unit:
    """One unit of the scored list: its scores, the proposed class, "An toàn về ANTT"."""

    name: str = text("Tên đơn vị", max_len=300)
    kind: domain.UnitKind = choice("Loại hình", domain.unit_kind, KIND_OPTIONS)
    grade: domain.UnitClass = choice("Đề xuất xếp loại", domain.unit_class, GRADE_OPTIONS)
    self_score: str = _score("Điểm tự chấm")
    score: str = _score("Điểm thẩm định")
    safe: bool = boolean("Đạt “An toàn về ANTT”",
                         help="Đơn vị được công nhận đạt tiêu chuẩn “An toàn về an ninh, trật "
                              "tự” (Thông tư 124/2021/TT-BCA)")
    note: str = text("Ghi chú", required=False, max_len=900)

    def __post_init__(self) -> None:
        for field, label in (("self_score", "Điểm tự chấm"), ("score", "Điểm thẩm định")):
            raw = getattr(self, field).strip()
            if not raw:
                continue
            if not _SCORE.fullmatch(raw) or float(raw.replace(",", ".")) > 100:
                raise ValueError(f"{label} của «{self.name}» là «{raw}»: ghi số từ 0 đến 100, "
                                 "nhiều nhất 2 chữ số thập phân (ví dụ: 92,5)")
            setattr(self, field, format_number(f"{float(raw.replace(',', '.')):g}"))


@dataclass
class ProposalInput:
    """Everything the proposal prints; the figures are computed from `units`."""

    issuer: common.Issuer = record("Cơ quan trình")
    year: int = integer("Năm đánh giá", minimum=2000, maximum=2100)
    signer: common.Signer = record("Người ký")
    addressees: list[str] = text_list("Kính gửi", max_len=300, max_items=5,
                                      help="Cơ quan quyết định công nhận, ví dụ: Ủy ban nhân "
                                           "dân huyện Quan Sơn")
    units: list[Unit] = items("Thống kê danh sách chấm điểm", min_items=1, max_items=20_000)
    number: int | None = common.number_field()
    date: dt.date | None = common.date_field()
    summary: str = text("Trích yếu", required=False, max_len=500)
    committee: str = text("Là cơ quan thường trực của", required=False, max_len=200,
                          help="Ví dụ: Ban Chỉ đạo 138 huyện Quan Sơn")
    plan_reference: str = text("Kế hoạch triển khai", required=False, max_len=300,
                               help="Ví dụ: Kế hoạch số 45/KH-BCĐ ngày 09 tháng 5 năm 2022 "
                                    "của Ban Chỉ đạo 138 huyện Quan Sơn")
    legal_bases: list[str] = text_list(
        "Căn cứ", help="Mỗi dòng một căn cứ; để trống dùng Quyết định 510 và kế hoạch")
    closing: str = text("Câu kết", required=False, max_len=1000)
    recipients: list[str] = common.recipients_field(["Như trên"])
    archive: str = common.archive_field("VT")

    def __post_init__(self) -> None:
        common.refuse_duplicate_units(self.units)
        if not self.addressees:
            raise ValueError("Cần ghi cơ quan nhận tờ trình («Kính gửi»), ví dụ: Ủy ban nhân "
                             "dân huyện Quan Sơn")
        if self.date and self.date.year not in (self.year, self.year + 1):
            raise ValueError(f"Ngày ban hành {self.date:%d/%m/%Y} không thuộc năm đánh giá "
                             f"{self.year} hoặc năm sau đó")


def summary(data: ProposalInput) -> str:
    return data.summary or ("Về việc đề nghị công nhận kết quả đánh giá, phân loại phong trào "
                            f"toàn dân bảo vệ an ninh Tổ quốc năm {data.year}")


def _addressee_prose(data: ProposalInput) -> str:
    return ", ".join(a.strip().rstrip(".;,") for a in data.addressees)


def _bases(data: ProposalInput) -> list[str]:
    if data.legal_bases:
        return common.sentence_list(data.legal_bases)
    bases = [DECISION_510]
    if data.plan_reference:
        bases.append(f"Căn cứ {data.plan_reference.removeprefix('Căn cứ ').strip()}")
    return common.sentence_list(bases)


def _lead(data: ProposalInput) -> str:
    who = data.issuer.name
    reviewed = (f"kết quả thẩm định của {data.committee}" if data.committee
                else "kết quả thẩm định")
    return (f"Trên cơ sở kết quả tự đánh giá, chấm điểm của các đơn vị và {reviewed}, {who} "
            f"kính trình {_addressee_prose(data)} xem xét, công nhận kết quả đánh giá, phân loại "
            f"phong trào toàn dân bảo vệ an ninh Tổ quốc năm {data.year} đối với "
            f"{len(data.units):02d} đơn vị, cụ thể như sau:")


def class_lines(f: figures.Figures) -> list[str]:
    """"- Loại Xuất sắc: 11 đơn vị (25,00%);" per class, from the computed figures."""
    lines = []
    for i, grade in enumerate(figures.CLASSES):
        end = ";" if i < len(figures.CLASSES) - 1 else "."
        count = f.total.count(grade)
        amount = (f"{count:02d} đơn vị ({f.total.share_text(grade)})" if count
                  else "không có đơn vị nào")
        lines.append(f"- Loại {grade.label}: {amount}{end}")
    return lines


def safe_line(f: figures.Figures) -> str:
    safe, total = f.total.safe or 0, f.total.total
    return (f"Số đơn vị đạt tiêu chuẩn “An toàn về an ninh, trật tự”: {safe:02d}/{total:02d} "
            f"đơn vị, chiếm {percent(safe, total)}.")


def groups(units: list[Unit]) -> list[dict]:
    """The scored list by unit kind, in domain order, numbered inside each kind."""
    out = []
    present = [kind for kind in domain.UNIT_KINDS if any(u.kind is kind for u in units)]
    for n, kind in enumerate(present):
        mine = [u for u in units if u.kind is kind]
        out.append({
            "heading": f"{ROMAN[n]}. {upper(kind.label)} ({len(mine)} đơn vị)",
            "units": [{"stt": i, "name": u.name, "self_score": u.self_score,
                       "score": u.score, "grade": u.grade.label,
                       "safe": "Đạt" if u.safe else "Chưa đạt", "note": u.note}
                      for i, u in enumerate(mine, 1)],
        })
    return out


def context(data: ProposalInput) -> dict:
    ctx = common.header_context(data.issuer, kind_abbr="TTr", number=data.number,
                                date=data.date, year=data.year)
    ctx.update(common.signature_context(data.signer))
    ctx.update(common.recipient_lines(data.recipients, data.archive))
    ctx.update(common.addressee_context(data.addressees))
    f = figures.from_units(data.units, data.year)
    symbol = ctx["symbol"].strip() if data.number else ctx["symbol"]
    closing = data.closing or (f"{data.issuer.name} kính trình {_addressee_prose(data)} xem xét, "
                               "quyết định")
    ctx.update({
        "summary": summary(data),
        "bases": _bases(data),
        "lead": _lead(data),
        "class_lines": class_lines(f),
        "safe_line": safe_line(f),
        "attached": ("(Có Thống kê danh sách chấm điểm, mức đề xuất đánh giá, phân loại kèm "
                     "theo)"),
        "closing": closing.rstrip(" ./") + "./.",
        "list_title": f"Phong trào toàn dân bảo vệ an ninh Tổ quốc năm {data.year}",
        "attached_line": (f"(Kèm theo Tờ trình số {symbol} {ctx['date_text']} của "
                          f"{data.issuer.name})"),
        "groups": groups(data.units),
        "total_line": f"Tổng cộng: {len(data.units)} đơn vị",
        "year": data.year,
    })
    return common.keep_symbols_in(ctx)


KIND = Kind(
    name="proposal",
    label="Tờ trình đề nghị công nhận phân loại phong trào",
    abbreviation="TTr",
    template="proposal.docx",
    input=ProposalInput,
    context=context,
    summary=summary,
    description="Tờ trình của Công an (cơ quan thường trực Ban Chỉ đạo 138) đề nghị Ủy ban nhân "
                "dân công nhận kết quả đánh giá, phân loại, kèm Thống kê danh sách chấm điểm, "
                "mức đề xuất (Quyết định 510, Điều 11).",
)
