"""A unit's Tờ trình asking the competent body to recognise it as meeting the “An toàn về
an ninh, trật tự” standard (Circular 124 Điều 9 khoản 2 b), sent by the head of a
residential area, agency, firm or school through the Steering Committee's standing office
(Điều 9 khoản 1 a, c). Layout: ND30 Phụ lục III Mẫu 1.4 (văn bản có tên loại) with the
"Kính gửi" line; not numbered for a residential area (see `unit_letter`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..schema import day, text
from ..vietnamese import nd30_date
from . import common, unit_letter as letter
from .kinds import Kind
from .registration import STANDARD


@dataclass
class _Meeting:
    meeting_date: dt.date | None = day("Ngày họp đánh giá", required=False)
    closing: str = text("Câu kết", required=False, max_len=1000)


@dataclass
class UnitProposalInput(letter.Signature, _Meeting, letter.UnitPaper):
    """One unit's Tờ trình: the unit, where it is sent, its figures and who signs."""


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
