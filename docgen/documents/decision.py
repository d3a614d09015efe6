"""The decision recognising the year's classification of the movement (Quyết định, QĐ),
with the list of units attached on its own pages, grouped by class."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import domain
from ..schema import FieldError, choice, integer, items, record, text, text_list
from ..vietnamese import upper
from . import common
from .kinds import Kind

KIND_OPTIONS = tuple((k.code, k.label) for k in domain.UNIT_KINDS)
GRADE_OPTIONS = tuple((c.code, c.label) for c in domain.UNIT_CLASSES)
ROMAN = ("I", "II", "III", "IV")

LAW_2015 = ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015; Luật sửa đổi, "
            "bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính quyền địa "
            "phương ngày 22 tháng 11 năm 2019")
LAW_2025 = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025"
DECISION_510 = ("Căn cứ Quyết định số 510/QĐ-BCA-V05 ngày 20 tháng 01 năm 2022 của Bộ trưởng "
                "Bộ Công an ban hành Quy định tiêu chí đánh giá, phân loại phong trào toàn dân "
                "bảo vệ an ninh Tổ quốc")


@dataclass
class Unit:
    """One unit in the list: its name, kind and the class the committee decided."""

    name: str = text("Tên đơn vị", max_len=300)
    kind: domain.UnitKind = choice("Loại hình", domain.unit_kind, KIND_OPTIONS)
    grade: domain.UnitClass = choice("Xếp loại", domain.unit_class, GRADE_OPTIONS)
    note: str = text("Ghi chú", required=False, max_len=900)


@dataclass
class Recognition:
    """The fields and checks both recognition decisions share: this kind's and
    `safe_decision`'s. Each declares its own `units` (and may give a field other help); a
    field declared again keeps its place, so the forms list the fields in this order."""

    issuer: common.Issuer = record("Cơ quan ban hành")
    year: int = integer("Năm đánh giá", minimum=2000, maximum=2100)
    signer: common.Signer = record("Người ký")
    proposer: str = text("Theo đề nghị của", max_len=200, help="Ví dụ: Trưởng Công an huyện")
    units: list = items("Danh sách đơn vị", min_items=1, max_items=20_000)
    number: int | None = common.number_field()
    date: dt.date | None = common.date_field()
    authority: str = text("Thẩm quyền ban hành", required=False, max_len=200,
                          help="Mặc định: Chủ tịch + tên cơ quan ban hành")
    summary: str = text("Trích yếu", required=False, max_len=500)
    legal_bases: list[str] = text_list(
        "Căn cứ ban hành", help="Mỗi dòng một căn cứ; để trống dùng căn cứ mặc định")
    proposal: str = text("Tờ trình đề nghị", required=False, max_len=200,
                         help="In sau «Theo đề nghị của …», ví dụ: Tờ trình số 05/TTr-CAH ngày "
                              "05 tháng 01 năm 2023")
    office_head: str = text("Chánh Văn phòng (Điều 3)", required=False, max_len=200,
                            help="Mặc định: Chánh Văn phòng + tên cơ quan ban hành, ví dụ: Chánh "
                                 "Văn phòng HĐND và UBND huyện")
    plan_reference: str = text("Kế hoạch triển khai", required=False, max_len=300,
                               help="Ví dụ: Kế hoạch số 45/KH-BCĐ ngày 05 tháng 5 năm 2022 "
                                    "của Ban Chỉ đạo 138 huyện Quan Sơn")
    effect: str = text("Điều 2", required=False, max_len=1000, multiline=True)
    executors: str = text("Điều 3 (trách nhiệm thi hành)", required=False, max_len=1000,
                          multiline=True)
    recipients: list[str] = common.recipients_field(["Như Điều 3"])
    archive: str = common.archive_field("VT")

    def __post_init__(self) -> None:
        if self.proposer and not self.proposer.strip(" .;"):
            raise FieldError("proposer", f"«{self.proposer}» không phải chức danh người đề nghị "
                             "(dòng «Theo đề nghị của …» sẽ trống)")
        if self.executors and self.office_head:
            raise ValueError("«Chánh Văn phòng (Điều 3)» (office_head) chỉ in trong Điều 3 mặc "
                             "định; khi đã ghi «Điều 3 (trách nhiệm thi hành)», hãy ghi chức "
                             "danh ấy vào đó và để trống ô này")
        common.refuse_duplicate_units(self.units)
        if self.date and self.date.year not in (self.year, self.year + 1):
            raise ValueError(f"Ngày ban hành {self.date:%d/%m/%Y} không thuộc năm đánh giá "
                             f"{self.year} hoặc năm sau đó")


@dataclass
class DecisionInput(Recognition):
    """Everything the recognition decision prints; optional fields have sensible defaults."""

    units: list[Unit] = items("Danh sách đơn vị", min_items=1, max_items=20_000)

    def __post_init__(self) -> None:
        # A draft stored before `proposal` existed carries the Tờ trình in `proposer`.
        head, sep, tail = self.proposer.partition(" tại Tờ trình")
        if sep and not self.proposal:
            self.proposer, self.proposal = head.strip(), "Tờ trình" + tail.rstrip(" .")
        super().__post_init__()


def _authority(data: Recognition) -> str:
    if data.authority:
        return data.authority
    if data.signer.authority.code == "TM.":
        return data.issuer.name
    return f"Chủ tịch {data.issuer.name}"


def bases(data: Recognition, regulation: str, default_date: dt.date) -> list[str]:
    """The «Căn cứ …;» lines, each ending with ";": the «Theo đề nghị …» line that follows
    them closes with "." (ND30 Phụ lục III, Mẫu 1.2). Unless given: the law on local
    government in force on the date (else on `default_date`), `regulation` (a «Căn cứ …»
    line), and the district's plan when there is one."""
    if data.legal_bases:
        lines = data.legal_bases
    else:
        issued = data.date or default_date
        lines = [LAW_2025 if issued >= dt.date(2025, 7, 1) else LAW_2015, regulation]
        if data.plan_reference:
            lines.append(f"Căn cứ {data.plan_reference.removeprefix('Căn cứ ').strip()}")
    return [line[:-1] + ";" for line in common.sentence_list(lines)]


def proposer_line(data: Recognition) -> str:
    """«Theo đề nghị của Trưởng Công an huyện tại Tờ trình số 05/TTr-CAH ngày …»."""
    proposal = data.proposal.strip().rstrip(".;")
    at = f" tại {proposal}" if proposal else ""
    return f"Theo đề nghị của {data.proposer.rstrip(' .;')}{at}."


def article3(data: Recognition) -> str:
    """Who executes: given, or the Chánh Văn phòng, the proposer and the units of Điều 1."""
    if data.executors:
        return data.executors.rstrip(" ./") + "./."
    office = data.office_head or f"Chánh Văn phòng {data.issuer.name}"
    return (f"{office}, {data.proposer.rstrip(' .;')}, Thủ trưởng các cơ quan, đơn vị có liên "
            "quan và các đơn vị có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.")


def summary(data: DecisionInput) -> str:
    return data.summary or ("Về việc công nhận kết quả đánh giá, phân loại phong trào toàn dân "
                            f"bảo vệ an ninh Tổ quốc năm {data.year}")


def group_units(units: list[Unit]) -> list[tuple[domain.UnitClass, list[Unit]]]:
    """Units by class in the order Xuất sắc, Khá, Trung bình, Yếu, keeping input order inside."""
    return [(grade, [u for u in units if u.grade is grade]) for grade in domain.UNIT_CLASSES]


def recognition_context(data: Recognition, *, summary: str, bases: list[str],
                        article1: str, counts: list[str], article2: str, list_title: str,
                        groups: list[dict]) -> dict:
    """The context of a recognition decision: the header, signature and recipients, the
    authority, «Theo đề nghị…», Điều 3 and the attached list's lines, with the kind's own
    text (Điều 1 and its `counts`, Điều 2, the list's title and `groups`)."""
    ctx = common.header_context(data.issuer, kind_abbr="QĐ", number=data.number,
                                date=data.date, year=data.year)
    ctx.update(common.signature_context(data.signer))
    ctx.update(common.recipient_lines(data.recipients, data.archive))
    authority = _authority(data)
    symbol = ctx["symbol"].strip()
    ctx.update({
        "authority": upper(authority),
        "summary": summary,
        "bases": bases,
        "proposer_line": proposer_line(data),
        "article1": article1,
        "article1_counts": counts,
        "article2": article2,
        "article3": article3(data),
        "list_title": list_title,
        "attached_line": (f"(Kèm theo Quyết định số {symbol if data.number else ctx['symbol']} "
                          f"{ctx['date_text']} của {authority})"),
        "groups": groups,
        "total_line": f"Tổng cộng: {len(data.units)} đơn vị",
        "year": data.year,
    })
    return common.keep_symbols_in(ctx)


def context(data: DecisionInput) -> dict:
    grouped = group_units(data.units)
    counts = []
    for i, (grade, units) in enumerate(grouped):
        end = ";" if i < len(grouped) - 1 else "."
        amount = f"{len(units):02d} đơn vị" if units else "không có đơn vị nào"
        counts.append(f"- Loại {grade.label}: {amount}{end}")
    groups = []
    numbered = [(g, us) for g, us in grouped if us]
    for n, (grade, units) in enumerate(numbered):
        groups.append({
            "heading": f"{ROMAN[n]}. LOẠI {upper(grade.label)} ({len(units)} đơn vị)",
            "units": [{"stt": i, "name": u.name, "kind": u.kind.label, "grade": u.grade.label,
                       "note": u.note} for i, u in enumerate(units, 1)],
        })
    return recognition_context(
        data, summary=summary(data),
        bases=bases(data, DECISION_510, dt.date(data.year, 12, 31)),
        article1=(f"Công nhận kết quả đánh giá, phân loại phong trào toàn dân bảo vệ an ninh "
                  f"Tổ quốc năm {data.year} đối với {len(data.units):02d} đơn vị (có danh sách "
                  "kèm theo), cụ thể như sau:"),
        counts=counts,
        article2=data.effect or "Quyết định này có hiệu lực kể từ ngày ký.",
        list_title=(f"Các đơn vị được công nhận kết quả đánh giá, phân loại phong trào toàn "
                    f"dân bảo vệ an ninh Tổ quốc năm {data.year}"),
        groups=groups)


KIND = Kind(
    name="decision",
    label="Quyết định công nhận phân loại phong trào",
    abbreviation="QĐ",
    template="decision.docx",
    input=DecisionInput,
    context=context,
    summary=summary,
    description="Quyết định công nhận kết quả đánh giá, phân loại phong trào toàn dân bảo vệ "
                "an ninh Tổ quốc, kèm danh sách đơn vị theo từng loại.",
)
