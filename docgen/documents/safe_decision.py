"""The decision recognising units that met the “An toàn về an ninh, trật tự” standard
(Circular 124 Điều 10; Quyết định, QĐ): ND30 Phụ lục III Mẫu 1.2 (an individual decision),
with the recognised units attached on their own pages, grouped by unit kind and numbered
straight through — the certificates (kind "certificate") carry that number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import domain
from ..schema import choice, integer, items, record, text, text_list
from ..vietnamese import upper
from . import common
from .commitment import CIRCULAR_124, in_sentence
from .decision import LAW_2015, LAW_2025, _authority, article3, proposer_line
from .kinds import Kind

KIND_OPTIONS = tuple((k.code, k.label) for k in domain.UNIT_KINDS)
STANDARD = "“An toàn về an ninh, trật tự”"
ROMAN = ("I", "II", "III", "IV", "V")


@dataclass
class SafeUnit:
    """One recognised unit: its name, kind and, for a residential area, its commune."""

    name: str = text("Tên đơn vị", max_len=300)
    kind: domain.UnitKind = choice("Loại hình", domain.unit_kind, KIND_OPTIONS)
    commune: str = text("Xã, thị trấn", required=False, max_len=100,
                        help="Địa bàn của khu dân cư, cơ quan, doanh nghiệp, trường học")
    note: str = text("Ghi chú", required=False, max_len=300)


@dataclass
class SafeDecisionInput:
    """Everything the recognition decision prints; optional fields have sensible defaults."""

    issuer: common.Issuer = record("Cơ quan ban hành")
    year: int = integer("Năm đánh giá", minimum=2000, maximum=2100)
    signer: common.Signer = record("Người ký")
    proposer: str = text("Theo đề nghị của", max_len=200, help="Ví dụ: Trưởng Công an huyện")
    units: list[SafeUnit] = items("Danh sách đơn vị đạt tiêu chuẩn", min_items=1,
                                  max_items=20_000)
    number: int | None = common.number_field()
    date: dt.date | None = common.date_field()
    authority: str = text("Thẩm quyền ban hành", required=False, max_len=200,
                          help="Mặc định: Chủ tịch + tên cơ quan ban hành")
    summary: str = text("Trích yếu", required=False, max_len=500)
    legal_bases: list[str] = text_list(
        "Căn cứ ban hành", help="Mỗi dòng một căn cứ; để trống dùng căn cứ mặc định")
    proposal: str = text("Tờ trình đề nghị", required=False, max_len=200,
                         help="In sau «Theo đề nghị của …», ví dụ: Tờ trình số 41/TTr-CAH ngày "
                              "10 tháng 11 năm 2022")
    office_head: str = text("Chánh Văn phòng (Điều 3)", required=False, max_len=200,
                            help="Mặc định: Chánh Văn phòng + tên cơ quan ban hành")
    plan_reference: str = text("Kế hoạch triển khai", required=False, max_len=300,
                               help="Ví dụ: Kế hoạch số 45/KH-BCĐ ngày 09 tháng 5 năm 2022 "
                                    "của Ban Chỉ đạo 138 huyện Quan Sơn")
    effect: str = text("Điều 2", required=False, max_len=1000, multiline=True,
                       help="Để trống: cấp Giấy công nhận cho các đơn vị tại Điều 1 và hiệu "
                            "lực kể từ ngày ký")
    executors: str = text("Điều 3 (trách nhiệm thi hành)", required=False, max_len=1000,
                          multiline=True)
    recipients: list[str] = common.recipients_field(["Như Điều 3"])
    archive: str = common.archive_field("VT")

    def __post_init__(self) -> None:
        if self.executors and self.office_head:
            raise ValueError("«Chánh Văn phòng (Điều 3)» (office_head) chỉ in trong Điều 3 mặc "
                             "định; khi đã ghi «Điều 3 (trách nhiệm thi hành)», hãy ghi chức "
                             "danh ấy vào đó và để trống ô này")
        common.refuse_duplicate_units(self.units)
        if self.date and self.date.year not in (self.year, self.year + 1):
            raise ValueError(f"Ngày ban hành {self.date:%d/%m/%Y} không thuộc năm đánh giá "
                             f"{self.year} hoặc năm sau đó")


def listed(units: list[SafeUnit]) -> list[SafeUnit]:
    """The units in the order of the attached list: by kind (khu dân cư, xã, cơ quan,
    doanh nghiệp, cơ sở giáo dục), input order inside; position i is the unit's STT i + 1."""
    rank = {k.code: i for i, k in enumerate(domain.UNIT_KINDS)}
    return sorted(units, key=lambda u: rank[u.kind.code])


def summary(data: SafeDecisionInput) -> str:
    return data.summary or f"Về việc công nhận đạt tiêu chuẩn {STANDARD} năm {data.year}"


def _bases(data: SafeDecisionInput) -> list[str]:
    """«Căn cứ …;» lines, each ending with ";" (the «Theo đề nghị …» line closes with ".")."""
    if data.legal_bases:
        lines = data.legal_bases
    else:
        issued = data.date or dt.date(data.year, 11, 30)
        lines = [LAW_2025 if issued >= dt.date(2025, 7, 1) else LAW_2015,
                 f"Căn cứ {CIRCULAR_124}"]
        if data.plan_reference:
            lines.append(f"Căn cứ {data.plan_reference.removeprefix('Căn cứ ').strip()}")
    return [line[:-1] + ";" for line in common.sentence_list(lines)]


def article2(data: SafeDecisionInput) -> str:
    if data.effect:
        return data.effect.strip()
    return (f"Các đơn vị có tên tại Điều 1 được cấp Giấy công nhận đạt tiêu chuẩn {STANDARD} "
            f"năm {data.year}. Quyết định này có hiệu lực kể từ ngày ký.")


def _place(unit: SafeUnit) -> str:
    """The Địa bàn column: the commune as written inside a sentence («xã Na Mèo»)."""
    return in_sentence(unit.commune) if unit.commune else ""


def context(data: SafeDecisionInput) -> dict:
    ctx = common.header_context(data.issuer, kind_abbr="QĐ", number=data.number,
                                date=data.date, year=data.year)
    ctx.update(common.signature_context(data.signer))
    ctx.update(common.recipient_lines(data.recipients, data.archive))
    ordered = listed(data.units)
    kinds = [(k, [u for u in ordered if u.kind is k]) for k in domain.UNIT_KINDS]
    kinds = [(k, us) for k, us in kinds if us]
    counts = [f"- {k.label}: {len(us):02d} đơn vị{';' if i < len(kinds) - 1 else '.'}"
              for i, (k, us) in enumerate(kinds)]
    groups, stt = [], 0
    for n, (kind, units) in enumerate(kinds):
        rows = []
        for unit in units:
            stt += 1
            rows.append({"stt": stt, "name": unit.name, "place": _place(unit),
                         "note": unit.note})
        groups.append({"heading": f"{ROMAN[n]}. {upper(kind.label)} ({len(units)} đơn vị)",
                       "units": rows})
    authority = _authority(data)
    symbol = ctx["symbol"].strip()
    total = len(data.units)
    ctx.update({
        "authority": upper(authority),
        "summary": summary(data),
        "bases": _bases(data),
        "proposer_line": proposer_line(data),
        "article1": (f"Công nhận {total:02d} đơn vị đạt tiêu chuẩn {STANDARD} năm {data.year} "
                     "(có danh sách kèm theo), gồm:"),
        "article1_counts": counts,
        "article2": article2(data),
        "article3": article3(data),
        "list_title": (f"Các đơn vị được công nhận đạt tiêu chuẩn {STANDARD} "
                       f"năm {data.year}"),
        "attached_line": (f"(Kèm theo Quyết định số {symbol if data.number else ctx['symbol']} "
                          f"{ctx['date_text']} của {authority})"),
        "groups": groups,
        "total_line": f"Tổng cộng: {total} đơn vị",
        "year": data.year,
    })
    return common.keep_symbols_in(ctx)


KIND = Kind(
    name="safe_decision",
    label="Quyết định công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
    abbreviation="QĐ",
    template="safe_decision.docx",
    input=SafeDecisionInput,
    context=context,
    summary=summary,
    description="Quyết định của Ủy ban nhân dân có thẩm quyền công nhận các đơn vị đạt tiêu "
                "chuẩn “An toàn về an ninh, trật tự” (Thông tư 124, Điều 10), kèm danh sách "
                "theo loại hình; từ quyết định đã cấp số in Giấy công nhận hàng loạt.",
)
