"""A unit's Tờ trình asking the competent body to recognise it as meeting the “An toàn về
an ninh, trật tự” standard (Circular 124 Điều 9 khoản 2 b), sent by the head of a
residential area, agency, firm or school through the Steering Committee's standing office
(Điều 9 khoản 1 a, c). Layout: ND30 Phụ lục III Mẫu 1.4 (văn bản có tên loại) with the
"Kính gửi" line; not numbered for a residential area (see `unit_letter`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import domain
from ..schema import choice, day, integer, text, text_list
from ..vietnamese import nd30_date
from . import common, unit_letter as letter
from .kinds import Kind
from .registration import STANDARD


@dataclass
class UnitProposalInput:
    """One unit's Tờ trình: the unit, where it is sent, its figures and who signs."""

    unit: str = text("Tên đơn vị", max_len=200, help="Ví dụ: Bản Na Mèo, Trường THPT Quan Sơn")
    kind: domain.UnitKind = choice("Loại hình", domain.unit_kind, letter.KIND_OPTIONS)
    year: int = integer("Năm", minimum=2000, maximum=2100)
    commune: str = text("Xã, phường, thị trấn", required=False, max_len=100)
    superior: str = text("Cơ quan cấp trên", required=False, max_len=200,
                         help="In phía trên tên đơn vị, ví dụ: UBND xã Na Mèo")
    place: str = text("Địa danh", required=False, max_len=60, help="Để trống là tên xã")
    symbol: str = text("Số, ký hiệu", required=False, max_len=40,
                       help="Theo sổ văn bản của cơ quan, doanh nghiệp, trường, ví dụ "
                            "12/TTr-THPT; khu dân cư để trống (không có sổ, không có dấu)")
    addressees: list[str] = text_list("Kính gửi", max_len=300, max_items=5,
                                      help="Cơ quan xét công nhận (Thông tư 124, Điều 10); "
                                           "khu dân cư để trống là Ủy ban nhân dân xã")
    through: str = text("Qua", required=False, max_len=300,
                        help="Thường trực Ban Chỉ đạo thẩm định hồ sơ (Điều 9 khoản 1)")
    date: dt.date | None = day("Ngày", required=False,
                               help="Để trống để in «ngày … tháng … năm» cho người ký tự ghi")
    plan_reference: str = text("Kế hoạch thực hiện", required=False, max_len=300)
    households: int | None = integer("Số hộ gia đình đang cư trú", minimum=1,
                                     maximum=100_000, required=False)
    signed: int | None = integer("Số hộ đã ký đăng ký tham gia", minimum=0, maximum=100_000,
                                 required=False)
    people: int | None = integer("Số cán bộ, người lao động, người học", minimum=1,
                                 maximum=1_000_000, required=False)
    meeting_date: dt.date | None = day("Ngày họp đánh giá", required=False)
    closing: str = text("Câu kết", required=False, max_len=1000)
    head_title: str = text("Chức danh người ký", required=False, max_len=100,
                           help="Để trống: Trưởng bản, Trưởng thôn… theo tên khu dân cư; Hiệu "
                                "trưởng, Giám đốc, Thủ trưởng cơ quan theo loại hình")
    head_name: str = text("Họ và tên người ký", required=False, max_len=100,
                          help="Để trống để người ký tự ghi")
    copies: list[str] = common.recipients_field(["Như trên"])
    archive: str = common.archive_field("")

    def __post_init__(self) -> None:
        letter.check(self)
        if self.signed is not None and self.households and self.signed > self.households:
            raise ValueError(f"Số hộ đã ký ({self.signed}) nhiều hơn số hộ gia đình "
                             f"({self.households})")


def summary(data: UnitProposalInput) -> str:
    return f"Về việc đề nghị công nhận {data.unit} đạt tiêu chuẩn {STANDARD} năm {data.year}"


def _lead(data: UnitProposalInput) -> list[str]:
    who = letter.prose(data)
    lines = [f"Thực hiện Bản đăng ký phấn đấu đạt tiêu chuẩn {STANDARD} năm {data.year}, "
             f"{who}{letter.located(data)} đã tổ chức thực hiện các tiêu chí quy định tại "
             f"{letter.article(data)}."]
    when = nd30_date(data.meeting_date) if data.meeting_date else ""
    meeting = (f"{when[:1].upper()}{when[1:]}, {data.unit} đã tổ chức cuộc họp" if when
               else f"{data.unit} đã tổ chức cuộc họp")
    count = len(letter.criteria(data))
    lines.append(f"{meeting} kiểm điểm, đánh giá tình hình, kết quả thực hiện; kết quả: "
                 f"{data.unit} thực hiện đạt {count:02d}/{count:02d} tiêu chí theo quy định.")
    return lines


def context(data: UnitProposalInput) -> dict:
    ctx = letter.common_context(data)
    closing = data.closing or (f"{letter.prose(data)} kính trình {letter.to_whom(data)} xem "
                               f"xét, công nhận {data.unit} đạt tiêu chuẩn {STANDARD} năm "
                               f"{data.year}")
    ctx.update({
        "summary": summary(data),
        "lead": _lead(data),
        "attached": (f"(Hồ sơ kèm theo: Báo cáo kết quả xây dựng {ctx['noun']} {STANDARD} năm "
                     f"{data.year}; Biên bản cuộc họp đánh giá"
                     + (f" {nd30_date(data.meeting_date)}" if data.meeting_date else "")
                     + ")"),
        "closing": closing.rstrip(" ./") + "./.",
    })
    return common.keep_symbols_in(ctx)


COLUMNS = letter.columns()

KIND = Kind(
    name="unit_proposal",
    label="Tờ trình đề nghị công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự” (của đơn vị)",
    abbreviation=None,
    template="unit_proposal.docx",
    input=UnitProposalInput,
    context=context,
    summary=summary,
    description="Tờ trình của khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục gửi cơ quan có "
                "thẩm quyền (Thông tư 124, Điều 9 khoản 2 b); điền sẵn theo đơn vị, in cho mọi "
                "đơn vị của một cơ quan cùng lúc.",
)
