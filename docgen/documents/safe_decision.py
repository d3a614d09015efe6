"""The decision recognising units that met the “An toàn về an ninh, trật tự” standard
(Circular 124 Điều 10; Quyết định, QĐ): ND30 Phụ lục III Mẫu 1.2 (an individual decision),
with the recognised units attached on their own pages, grouped by unit kind and numbered
straight through — the certificates (kind "certificate") carry that number."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import domain
from ..schema import choice, items, text
from ..vietnamese import upper
from .commitment import CIRCULAR_124, in_sentence
from .decision import Recognition, bases, recognition_context
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
class SafeDecisionInput(Recognition):
    """Everything the recognition decision prints; optional fields have sensible defaults."""

    units: list[SafeUnit] = items("Danh sách đơn vị đạt tiêu chuẩn", min_items=1,
                                  max_items=20_000)
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


def listed(units: list[SafeUnit]) -> list[SafeUnit]:
    """The units in the order of the attached list: by kind (khu dân cư, xã, cơ quan,
    doanh nghiệp, cơ sở giáo dục), input order inside; position i is the unit's STT i + 1."""
    rank = {k.code: i for i, k in enumerate(domain.UNIT_KINDS)}
    return sorted(units, key=lambda u: rank[u.kind.code])


def summary(data: SafeDecisionInput) -> str:
    return data.summary or f"Về việc công nhận đạt tiêu chuẩn {STANDARD} năm {data.year}"


def article2(data: SafeDecisionInput) -> str:
    if data.effect:
        return data.effect.strip()
    return (f"Các đơn vị có tên tại Điều 1 được cấp Giấy công nhận đạt tiêu chuẩn {STANDARD} "
            f"năm {data.year}. Quyết định này có hiệu lực kể từ ngày ký.")


def _place(unit: SafeUnit) -> str:
    """The Địa bàn column: the commune as written inside a sentence («xã Na Mèo»)."""
    return in_sentence(unit.commune) if unit.commune else ""


def context(data: SafeDecisionInput) -> dict:
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
    return recognition_context(
        data, summary=summary(data),
        bases=bases(data, f"Căn cứ {CIRCULAR_124}", dt.date(data.year, 11, 30)),
        article1=(f"Công nhận {len(data.units):02d} đơn vị đạt tiêu chuẩn {STANDARD} năm "
                  f"{data.year} (có danh sách kèm theo), gồm:"),
        counts=counts, article2=article2(data),
        list_title=f"Các đơn vị được công nhận đạt tiêu chuẩn {STANDARD} năm {data.year}",
        groups=groups)


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
