"""A unit's Báo cáo kết quả xây dựng “An toàn về an ninh, trật tự” of the year (Circular 124
Điều 9 khoản 2 b): the situation, each criterion of its kind (Điều 4, 6, 7) with its
result, and the unit's own conclusion, sent with the Tờ trình to the competent body.
Layout: ND30 Phụ lục III Mẫu 1.4 (văn bản có tên loại), "Kính gửi" as reports sent upward;
not numbered for a residential area (see `unit_letter`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..schema import Column, FieldError, boolean, text, text_list
from ..vietnamese import format_number
from . import common, unit_letter as letter
from .kinds import Kind
from .registration import STANDARD

MET, NOT_MET, BLANK = "Đạt", "Chưa đạt", "……………"
_NUMBERS = re.compile(r"\d{1,2}")


@dataclass
class _Outcome:
    safe: bool = boolean("Đạt tiêu chuẩn “An toàn về ANTT”",
                         help="Kết quả tự đánh giá của đơn vị (kết quả năm đã lưu)")
    unmet: str = text("Tiêu chí chưa đạt", required=False, max_len=60,
                      help="Số thứ tự các tiêu chí chưa đạt, ví dụ: 2, 4; để trống khi đạt "
                           "(khi chưa đạt mà để trống, cột kết quả để trống để ghi tay)")
    situation: list[str] = text_list("Đặc điểm, tình hình", max_items=20,
                                     help="Mỗi dòng một đoạn; để trống dùng câu chung")
    directions: list[str] = text_list("Phương hướng năm tới", max_items=20,
                                      help="Mỗi dòng một đoạn; để trống dùng câu chung")


@dataclass
class UnitReportInput(letter.Signature, _Outcome, letter.UnitPaper):
    """One unit's report: the unit, where it is sent, the year's outcome and who signs."""

    symbol: str = text("Số, ký hiệu", required=False, max_len=40,
                       help="Theo sổ văn bản của cơ quan, doanh nghiệp, trường, ví dụ "
                            "15/BC-THPT; khu dân cư để trống (không có sổ, không có dấu)")

    def __post_init__(self) -> None:
        super().__post_init__()
        count = len(letter.criteria(self))
        numbers = unmet_numbers(self.unmet)
        if numbers and self.safe:
            raise FieldError("unmet", "Đơn vị đạt tiêu chuẩn thì không có tiêu chí chưa đạt; "
                                      "bỏ chọn «Đạt» hoặc xóa ô này")
        wrong = [n for n in numbers if not 1 <= n <= count]
        if wrong:
            raise FieldError("unmet", f"Tiêu chí số {wrong[0]} không có: {self.kind.label.lower()}"
                                      f" có {count} tiêu chí")


def unmet_numbers(raw: str) -> list[int]:
    """"2, 4" → [2, 4]; ValueError for anything but numbers and separators."""
    if re.sub(r"[\d\s,;.]", "", raw or ""):
        raise FieldError("unmet", f"«{raw}»: chỉ ghi số thứ tự tiêu chí, ví dụ: 2, 4")
    return sorted({int(n) for n in _NUMBERS.findall(raw or "")})


def summary(data: UnitReportInput) -> str:
    return (f"Kết quả xây dựng {letter.NOUN[data.kind.code]} {STANDARD} năm {data.year}")


def results(data: UnitReportInput) -> list[dict]:
    """Each criterion with its result: all met when safe; else the unmet ones, or blanks
    for the head to write by hand when the unmet ones are not given."""
    unmet = unmet_numbers(data.unmet)
    out = []
    for i, text_ in enumerate(letter.criteria(data), 1):
        result = (MET if data.safe else NOT_MET if i in unmet else MET if unmet else BLANK)
        out.append({"text": f"{i}. {text_}", "result": f"Kết quả: {result}."})
    return out


def _situation(data: UnitReportInput) -> list[str]:
    if data.situation:
        return data.situation
    who = letter.prose(data)
    if data.kind.code == "khu_dan_cu":
        size = (f" có {format_number(data.households)} hộ gia đình đang cư trú"
                if data.households else "")
        return [f"{who}{size}. Trong năm {data.year}, dưới sự lãnh đạo của chi bộ, sự chỉ đạo "
                "của chính quyền và hướng dẫn của Công an cấp cơ sở, Nhân dân trên địa bàn đã "
                "tích cực tham gia xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc."]
    size = f" có {format_number(data.people)} cán bộ, người lao động" if data.people else ""
    where = letter.located(data)
    if where and not size:
        where = where.rstrip(",")
    return [f"{who}{where}{size}. Trong năm {data.year}, tổ chức Đảng, thủ trưởng và các đoàn "
            "thể đã quan tâm lãnh đạo, chỉ đạo công tác bảo đảm an ninh, trật tự và xây dựng phong "
            "trào toàn dân bảo vệ an ninh Tổ quốc."]


def _conclusion(data: UnitReportInput) -> str:
    who = letter.prose(data)
    if data.safe:
        return (f"Đối chiếu với các tiêu chí quy định tại {letter.article(data)}, {who} tự đánh "
                f"giá đạt tiêu chuẩn {STANDARD} năm {data.year} và đề nghị "
                f"{letter.to_whom(data)} xem xét, công nhận.")
    return (f"Đối chiếu với các tiêu chí quy định tại {letter.article(data)}, {who} tự đánh giá "
            f"chưa đạt tiêu chuẩn {STANDARD} năm {data.year}.")


def _directions(data: UnitReportInput) -> list[str]:
    if data.directions:
        return data.directions
    fix = "" if data.safe else ", khắc phục các tiêu chí chưa đạt"
    return [f"Tiếp tục duy trì, nâng cao chất lượng thực hiện các tiêu chí{fix}; đăng ký phấn "
            f"đấu đạt tiêu chuẩn {STANDARD} năm {data.year + 1}."]


def context(data: UnitReportInput) -> dict:
    ctx = letter.common_context(data)
    ctx.update({
        "summary": summary(data),
        "situation": _situation(data),
        "results": results(data),
        "conclusion": _conclusion(data),
        "directions": [d.rstrip(" ./") + ("./." if i == len(_directions(data)) - 1 else ".")
                       for i, d in enumerate(_directions(data))],
    })
    return common.keep_symbols_in(ctx)


COLUMNS = letter.columns(
    Column("safe", "Đạt An toàn về ANTT", ("An toàn về ANTT", "Đạt"), personal=True, width=12,
           example="Có", help="Có hoặc Không"),
    Column("unmet", "Tiêu chí chưa đạt", (), personal=True, width=12, example=""),
)

KIND = Kind(
    name="unit_report",
    label="Báo cáo kết quả xây dựng “An toàn về an ninh, trật tự” (của đơn vị)",
    abbreviation=None,
    template="unit_report.docx",
    input=UnitReportInput,
    context=context,
    summary=summary,
    description="Báo cáo của khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục về kết quả thực "
                "hiện từng tiêu chí (Thông tư 124, Điều 9 khoản 2 b); điền sẵn theo kết quả năm "
                "đã lưu, in cho mọi đơn vị của một cơ quan cùng lúc.",
)
