"""The minutes of a unit's assessment meeting (Biên bản cuộc họp đánh giá, Circular 124
Điều 9 khoản 1 a–c and khoản 2 b): who met (by role), each criterion of the unit's kind
(the ones its registration printed) with its result, the opinions, the conclusion and the
two signatures, secretary and chair.

Layout: ND30 Phụ lục III, the model of a biên bản (Mẫu 1.9): the unit's letterhead, "Số"
only when the unit numbers its minutes, no place-and-date line (the time is in the body),
then Thời gian, Địa điểm, Thành phần, Chủ trì, Thư ký, Nội dung, the closing time ending
with "./.", the signatures (THƯ KÝ left, CHỦ TRÌ right) and Nơi nhận under them. Any field
left blank, or `handwritten`, prints dotted lines to fill in by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .. import domain
from ..metrics import ruler_choice
from ..schema import (Column, FieldError, boolean, choice, day, integer, items, record, text,
                      text_list)
from ..vietnamese import fold, nd30_date, upper
from . import common
from .commitment import in_sentence
from .kinds import Kind
from .registration import (KIND_OPTIONS, STANDARD, archive, commune_level, kind_criteria,
                           letterhead, unit_in_prose)

DOTS = "………………"
ARTICLES = {"khu_dan_cu": "Điều 4", "xa": "Điều 5", "co_quan": "Điều 6", "doanh_nghiep": "Điều 6",
            "co_so_giao_duc": "Điều 7"}
_TIME = re.compile(r"(\d{1,2})\s*(?:[:hg]|giờ)\s*(\d{2})?\s*(?:phút)?", re.IGNORECASE)


@dataclass(frozen=True)
class Result:
    code: str
    label: str


RESULTS = (Result("dat", "Đạt"), Result("chua_dat", "Chưa đạt"))
RESULT_OPTIONS = tuple((r.code, r.label) for r in RESULTS)


def result(value: str) -> Result | None:
    """"đạt", "Dat", "chua_dat", "Chưa đạt" → the result; None for anything else."""
    key = " ".join(fold(str(value).replace("_", " ")).split())
    return next((r for r in RESULTS if key in (r.code.replace("_", " "), fold(r.label))), None)


def clock(value: str) -> str:
    """"14:00", "14h", "14 giờ 30" → "14 giờ 00" / "14 giờ 30"; ValueError otherwise."""
    m = _TIME.fullmatch(value.strip())
    if not m or int(m[1]) > 23 or int(m[2] or 0) > 59:
        raise ValueError(f"«{value}» không phải giờ hợp lệ; ghi ví dụ 14:00 hoặc 14 giờ 30")
    return f"{int(m[1]):02d} giờ {int(m[2] or 0):02d}"


def _time(label: str):
    return text(label, required=False, max_len=20, check=clock, help="Ví dụ: 14:00")


@dataclass
class Attendee:
    """One person at the meeting, by role; the name may be left for writing by hand."""

    role: str = text("Thành phần", required=False, max_len=200,
                     help="Ví dụ: Bí thư chi bộ, Đại diện Công an xã")
    name: str = text("Họ và tên", required=False, max_len=100, help="Để trống để ghi tay")


@dataclass
class Criterion:
    """The meeting's finding on one criterion, in the order of the Circular's criteria."""

    result: Result | None = choice("Kết quả", result, RESULT_OPTIONS, required=False,
                                   default=None)
    note: str = text("Ghi chú", required=False, max_len=500)


@dataclass
class MinutesInput:
    """One unit's meeting; blanks print as dotted lines (and `handwritten` blanks every
    finding) so the paper can be filled in by hand at the meeting."""

    unit: str = text("Tên đơn vị", max_len=200, help="Ví dụ: Bản Na Mèo, Trường THPT Quan Sơn")
    kind: domain.UnitKind = choice("Loại hình", domain.unit_kind, KIND_OPTIONS)
    year: int = integer("Năm đánh giá", minimum=2000, maximum=2100)
    superior: str = text("Cơ quan cấp trên", required=False, max_len=200,
                         help="In phía trên tên đơn vị, ví dụ: UBND xã Na Mèo")
    commune: str = text("Xã, phường, thị trấn", required=False, max_len=100)
    symbol: str = text("Số, ký hiệu", required=False, max_len=40,
                       help="Chỉ khi đơn vị vào số biên bản, ví dụ: 12/BB-THPT")
    date: dt.date | None = day("Ngày họp", required=False, help="Để trống để ghi tay")
    start: str = _time("Giờ bắt đầu")
    end: str = _time("Giờ kết thúc")
    location: str = text("Địa điểm", required=False, max_len=300,
                         help="Ví dụ: Nhà văn hóa bản Na Mèo")
    chair: Attendee = record("Chủ trì", default_factory=Attendee)
    secretary: Attendee = record("Thư ký", default_factory=Attendee)
    attendees: list[Attendee] = items("Thành phần tham dự", max_items=40,
                                      help="Để trống dùng thành phần theo Thông tư 124, Điều 9")
    present: int | None = integer("Số người dự họp", minimum=1, maximum=100_000,
                                  required=False)
    agreed: int | None = integer("Số người nhất trí", minimum=0, maximum=100_000,
                                 required=False)
    households: int | None = integer("Số hộ gia đình", minimum=1, maximum=100_000,
                                     required=False)
    people: int | None = integer("Số cán bộ, người lao động, người học", minimum=1,
                                 maximum=1_000_000, required=False)
    criteria: list[Criterion] = items("Kết quả từng tiêu chí", max_items=30,
                                      help="Theo thứ tự tiêu chí của loại hình; để trống để "
                                           "ghi tay")
    opinions: list[str] = text_list("Ý kiến phát biểu", max_len=2000, max_items=30,
                                    help="Mỗi dòng một ý kiến; để trống để ghi tay")
    conclusion: Result | None = choice("Kết luận", result, RESULT_OPTIONS, required=False,
                                       default=None,
                                       help="Đơn vị đạt hay chưa đạt tiêu chuẩn; để trống để "
                                            "ghi tay")
    handwritten: bool = boolean("Bản để trống ghi tay",
                                help="In dòng chấm cho giờ, tên người, kết quả, ý kiến và "
                                     "kết luận")
    recipients: list[str] = text_list("Nơi nhận", max_len=300, max_items=10,
                                      help="Để trống: với khu dân cư là Thường trực Ban Chỉ "
                                           "đạo 138 của xã")
    archive: str = common.archive_field("")

    def __post_init__(self) -> None:
        from ..nd30.header_rules import number_problem  # the nd30 package loads lxml: on use
        if self.symbol and (problem := number_problem(f"Số: {self.symbol}")):
            raise FieldError("symbol", problem)
        if self.agreed is not None and self.present is not None and self.agreed > self.present:
            raise FieldError("agreed", f"Số người nhất trí ({self.agreed}) nhiều hơn số người "
                             f"dự họp ({self.present})")
        count = len(kind_criteria(self.kind.code, self.unit))
        if self.criteria and len(self.criteria) != count:
            raise FieldError("criteria", f"Loại hình {self.kind.label} có {count} tiêu chí, đã "
                             f"ghi kết quả cho {len(self.criteria)}")
        if self.date and self.date.year not in (self.year, self.year + 1):
            raise FieldError("date", f"Ngày họp {self.date:%d/%m/%Y} không thuộc năm đánh giá "
                             f"{self.year} hoặc năm sau đó")


_AREA_WORD = re.compile(r"^(bản|thôn|xóm|ấp|làng|buôn|sóc|khối|khu phố|tổ dân phố|khu)\b",
                        re.IGNORECASE)


def area_head(unit: str) -> str:
    """The head of a residential area by its name: "Bản Na Mèo" → "Trưởng bản"."""
    m = _AREA_WORD.match(unit)
    word = m[1].lower() if m else "khu dân cư"
    return "Tổ trưởng tổ dân phố" if word == "tổ dân phố" else f"Trưởng {word}"


def roles(kind: str, unit: str, commune: str = "") -> tuple[str, list[str]]:
    """(chair, the others) by role as Circular 124 Điều 9 khoản 1 names them: a) a
    residential area, b) a commune's standing office, c) an agency, firm or school."""
    police = f"Công an {in_sentence(commune)}" if commune else "Công an cấp cơ sở"
    if kind == "khu_dan_cu":
        return area_head(unit), ["Bí thư chi bộ", "Đại diện Ban Công tác Mặt trận",
                                 "Đại diện các tổ chức đoàn thể quần chúng",
                                 f"Đại diện {police}"]
    if kind == "xa":
        where = in_sentence(unit)
        return (f"Thường trực Ban Chỉ đạo 138 {where}",
                [f"Đại diện Đảng ủy {where}", f"Đại diện Ủy ban nhân dân {where}",
                 f"Đại diện Ủy ban Mặt trận Tổ quốc {where}",
                 f"Trưởng Công an {where}", "Đại diện các tổ chức đoàn thể"])
    head = {"co_quan": "Thủ trưởng cơ quan", "doanh_nghiep": "Giám đốc doanh nghiệp",
            "co_so_giao_duc": "Hiệu trưởng"}[kind]
    return head, ["Đại diện cấp ủy Đảng", "Đại diện các tổ chức đoàn thể",
                  "Đại diện lực lượng bảo vệ", f"Đại diện {police}",
                  "Đại diện cơ quan có thẩm quyền quản lý"]


def noun(data: MinutesInput) -> str:
    """What is built: «khu dân cư», «thị trấn», «cơ quan», «doanh nghiệp», «cơ sở giáo dục»."""
    if data.kind.code == "xa":
        return commune_level(data.unit)
    return data.kind.label.lower().split(",")[0]


def summary(data: MinutesInput) -> str:
    return (f"Cuộc họp đánh giá kết quả xây dựng {noun(data)} {STANDARD} năm {data.year}")


def _person(who: Attendee, blank: bool) -> str:
    name = who.name if who.name and not blank else DOTS
    return f"{name}, {who.role}" if who.role else name


def _attendees(data: MinutesInput) -> tuple[Attendee, Attendee, list[Attendee]]:
    """Chair, secretary and the others, each role defaulting to Circular 124 Điều 9's."""
    chair_role, others = roles(data.kind.code, data.unit, data.commune)
    chair = Attendee(data.chair.role or chair_role, data.chair.name)
    secretary = Attendee(data.secretary.role or "Người ghi biên bản", data.secretary.name)
    rest = data.attendees or [Attendee(role) for role in others]
    return chair, secretary, rest


def _when(data: MinutesInput, time: str, blank: bool) -> str:
    hour = time if time and not blank else "…… giờ ……"
    day = (nd30_date(data.date) if data.date and not blank
           else nd30_date(None, year=data.year).replace("     ", " …… "))
    return f"{hour}, {' '.join(day.split())}"


def results(data: MinutesInput, blank: bool) -> list[dict]:
    """The criteria of the unit's kind (as its registration printed them) with the result."""
    texts = kind_criteria(data.kind.code, data.unit, households=data.households,
                          people=data.people)
    found = data.criteria if data.criteria and not blank else [Criterion()] * len(texts)
    rows = []
    for i, (line, got) in enumerate(zip(texts, found, strict=True), 1):
        shown = got.result.label if got.result else ""
        if got.note:
            shown = f"{shown}: {got.note}" if shown else got.note
        rows.append({"tt": i, "text": line, "result": shown})
    return rows


def conclusion(data: MinutesInput, to: list[str], blank: bool) -> str:
    prose = unit_in_prose(data)
    votes = (f" ({data.agreed}/{data.present} người dự họp nhất trí)"
             if data.agreed is not None and data.present and not blank
             else " (……/…… người dự họp nhất trí)")
    verdict = data.conclusion if not blank else None
    where = f"đề nghị {to[0]}" if to else "báo cáo cấp có thẩm quyền"
    if verdict is None:
        return (f"Cuộc họp thống nhất đánh giá {prose} {DOTS} (đạt/chưa đạt) tiêu chuẩn "
                f"{STANDARD} năm {data.year}{votes}.")
    if verdict.code == "dat":
        return (f"Cuộc họp thống nhất đánh giá {prose} đạt tiêu chuẩn {STANDARD} năm "
                f"{data.year}{votes}; hoàn tất hồ sơ {where} xét duyệt, công nhận.")
    return (f"Cuộc họp thống nhất đánh giá {prose} chưa đạt tiêu chuẩn {STANDARD} năm "
            f"{data.year}{votes}.")


def recipients(data: MinutesInput) -> list[str]:
    """Given, else for a residential area the commune's standing office of the Steering
    Committee, which receives its dossier (Circular 124 Điều 9 khoản 1 a)."""
    if data.recipients:
        return data.recipients
    if data.kind.code == "khu_dan_cu" and data.commune:
        return [f"Thường trực Ban Chỉ đạo 138 {in_sentence(data.commune)}"]
    return []


def _end(data: MinutesInput, blank: bool) -> str:
    if data.end and not blank:
        return f"Cuộc họp kết thúc vào {data.end} cùng ngày./."
    return f"Cuộc họp kết thúc vào {_when(data, '', True)}./."


def context(data: MinutesInput) -> dict:
    blank = data.handwritten
    chair, secretary, rest = _attendees(data)
    to = recipients(data)
    opinions = data.opinions if data.opinions and not blank else []
    ctx = {
        "issuer": {"superior": upper(data.superior), "name": upper(letterhead(data)),
                   "ruler": ruler_choice(upper(letterhead(data)))},
        "number_line": f"Số: {data.symbol}" if data.symbol else "",
        "summary": summary(data),
        "time_line": f"Thời gian bắt đầu: {_when(data, data.start, blank)}.",
        "location_line": (f"Địa điểm: {data.location}." if data.location
                          else f"Địa điểm: {DOTS}{DOTS}"),
        "attendees": common.sentence_list(["- " + _person(a, blank)
                                           for a in (chair, *rest, secretary)]),
        "chair_line": f"Chủ trì: {_person(chair, blank)}.",
        "secretary_line": f"Thư ký: {_person(secretary, blank)}.",
        "criteria_title": (f"1. Kết quả thực hiện các tiêu chí ({ARTICLES[data.kind.code]} "
                           "Thông tư số 124/2021/TT-BCA)"),
        "criteria": results(data, blank),
        "opinions": [f"- {o.rstrip('.;')}." for o in opinions],
        "opinion_blanks": [] if opinions else [DOTS * 5] * 3,
        "conclusion": conclusion(data, to, blank),
        "end_line": _end(data, blank),
        "secretary": {"lines": ["THƯ KÝ"], "name": "" if blank else secretary.name},
        "chair": {"lines": ["CHỦ TRÌ"], "name": "" if blank else chair.name},
        "year": data.year,
    }
    ctx.update(common.recipient_lines(to, archive(data)))
    return common.keep_symbols_in(ctx)


# The columns of a list of units whose minutes are printed in bulk (docgen batch minutes);
# the attendees and findings come from the store or are written by hand.
COLUMNS = (
    *common.unit_columns("biên bản"),
    Column("location", "Địa điểm", ("Địa điểm họp",), width=24,
           example="Nhà văn hóa bản Na Mèo", help="Nơi họp"),
    Column("chair.name", "Chủ trì", ("Người chủ trì",), personal=True, width=20,
           example="Vi Văn Hoàn", help="Họ và tên người chủ trì; để trống để ghi tay"),
    Column("households", "Số hộ", ("Số hộ gia đình",), kind="integer", width=10,
           example="126", help="Với khu dân cư: số hộ gia đình đang cư trú"),
)


KIND = Kind(
    name="minutes",
    label="Biên bản cuộc họp đánh giá “An toàn về an ninh, trật tự”",
    abbreviation=None,
    template="minutes.docx",
    input=MinutesInput,
    context=context,
    summary=summary,
    description="Biên bản cuộc họp đánh giá kết quả xây dựng khu dân cư, xã, cơ quan, doanh "
                "nghiệp, cơ sở giáo dục đạt tiêu chuẩn “An toàn về an ninh, trật tự” (Thông tư "
                "124, Điều 9): thành phần theo vai trò, kết quả từng tiêu chí, kết luận; có bản "
                "để trống ghi tay và in cho mọi đơn vị của một xã.",
)
