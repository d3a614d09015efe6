"""A unit's scoring sheet (Phiếu chấm điểm, Decision 510 Điều 7 and 11): the criteria of its
kind with their standard points (`docgen.scoring`, a file a province replaces), the points
the unit gave itself and those the reviewing body gave, and the totals.

The sheet is the unit's paper like the registration: its letterhead, no number (ND30
Phụ lục III has no abbreviation for it), the place and date on the header's second row.
Points per criterion are optional: the store keeps totals only, so a sheet pre-filled
from it prints the totals and leaves the criteria's points blank to write by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import domain, scoring
from ..schema import Column, FieldError, choice, day, integer, items, record, score, text
from ..metrics import ruler_choice
from ..vietnamese import nd30_date, upper
from . import common
from .commitment import bare_name
from .kinds import Kind
from .registration import KIND_OPTIONS, letterhead, unit_in_prose

DECISION_510 = "Quyết định số 510/QĐ-BCA-V05 của Bộ trưởng Bộ Công an"


@dataclass
class Points:
    """One criterion's points, in the order of the sheet's criteria."""

    self_points: float | None = score("Điểm tự chấm")
    reviewed_points: float | None = score("Điểm thẩm định")


@dataclass
class Person:
    """Who signs a column of the sheet; both may be left blank to write by hand."""

    name: str = text("Họ và tên", required=False, max_len=100)
    position: str = text("Chức vụ", required=False, max_len=200)


@dataclass
class ScoreSheetInput:
    """One unit's sheet; `points` (per criterion) may be left out, the totals may not clash."""

    unit: str = text("Tên đơn vị", max_len=200, help="Ví dụ: Bản Na Mèo, Trường THPT Quan Sơn")
    kind: domain.UnitKind = choice("Loại hình", domain.unit_kind, KIND_OPTIONS)
    year: int = integer("Năm đánh giá", minimum=2000, maximum=2100)
    superior: str = text("Cơ quan cấp trên", required=False, max_len=200,
                         help="In phía trên tên đơn vị, ví dụ: Ủy ban nhân dân xã Na Mèo")
    commune: str = text("Xã, phường, thị trấn", required=False, max_len=100)
    place: str = text("Địa danh", required=False, max_len=60, help="Để trống là tên xã")
    date: dt.date | None = day("Ngày chấm điểm", required=False,
                               help="Để trống để in «ngày … tháng … năm» cho người ký tự ghi")
    self_score: float | None = score("Tổng điểm tự chấm",
                                     help="Để trống thì cộng từ điểm từng tiêu chí")
    reviewed_score: float | None = score("Tổng điểm thẩm định")
    points: list[Points] = items("Điểm từng tiêu chí", max_items=100,
                                 help="Theo thứ tự tiêu chí của phiếu; để trống thì các dòng "
                                      "tiêu chí để trống cho ghi tay")
    reviewing_body: str = text("Cơ quan thẩm định", required=False, max_len=200,
                               help="Ví dụ: Ban Chỉ đạo 138 xã Na Mèo")
    reviewer: Person = record("Người thẩm định", default_factory=Person)
    head: Person = record("Thủ trưởng đơn vị", default_factory=Person)

    def __post_init__(self) -> None:
        if not self.place and not self.commune:
            # The row's fault in a list (no column to name): as the registration says it.
            raise ValueError("Cần ghi địa danh ở dòng ngày tháng hoặc tên xã của đơn vị")
        sheet = scoring.load_scoring().sheet(self.kind.code)
        if not self.points:
            return
        criteria = sheet.items
        if len(self.points) != len(criteria):
            raise FieldError("points", f"Phiếu của loại hình {self.kind.label} có "
                             f"{len(criteria)} tiêu chí, đã ghi điểm cho {len(self.points)}")
        for item, given in zip(criteria, self.points, strict=True):
            for key, label in (("self_points", "tự chấm"), ("reviewed_points", "thẩm định")):
                value = getattr(given, key)
                if value is not None and value > item.points:
                    raise FieldError(f"points[{item.number}].{key}",
                                     f"Điểm {label} của tiêu chí {item.number} là "
                                     f"{scoring.number_text(value)}, vượt điểm chuẩn "
                                     f"{scoring.number_text(item.points)}")
        for key, total, label in (("self_points", "self_score", "tự chấm"),
                                  ("reviewed_points", "reviewed_score", "thẩm định")):
            added = _sum([getattr(p, key) for p in self.points])
            given = getattr(self, total)
            if added is not None and given is not None and round(added, 2) != round(given, 2):
                raise FieldError(total, f"Tổng điểm {label} ghi {scoring.number_text(given)} "
                                 f"nhưng các tiêu chí cộng lại được "
                                 f"{scoring.number_text(added)}")


def _sum(values: list[float | None]) -> float | None:
    """The sum when every value is given, None otherwise (a line left to write by hand)."""
    return None if any(v is None for v in values) else round(sum(values), 2)


def totals(data: ScoreSheetInput) -> tuple[float | None, float | None]:
    """(self-assessed, reviewed) totals: given, else added up from the criteria's points."""
    out = []
    for key, total in (("self_points", "self_score"), ("reviewed_points", "reviewed_score")):
        given = getattr(data, total)
        if given is None and data.points:
            given = _sum([getattr(p, key) for p in data.points])
        out.append(given)
    return out[0], out[1]


def summary(data: ScoreSheetInput) -> str:
    return f"Đánh giá, phân loại phong trào toàn dân bảo vệ an ninh Tổ quốc năm {data.year}"


def rows(data: ScoreSheetInput) -> list[dict]:
    """The table's rows: each section (Roman numeral, bold, its sum) then its criteria."""
    sheet = scoring.load_scoring().sheet(data.kind.code)
    given = {i: p for i, p in enumerate(data.points, 1)}
    num = scoring.number_text
    out = []
    for section in sheet.sections:
        mine = [given.get(item.number) for item in section.items]
        out.append({"section": True, "tt": section.numeral, "content": upper(section.title),
                    "points": num(section.points),
                    "self": num(_sum([p.self_points for p in mine]) if data.points else None),
                    "reviewed": num(_sum([p.reviewed_points for p in mine])
                                    if data.points else None)})
        for item, p in zip(section.items, mine, strict=True):
            out.append({"section": False, "tt": str(item.number), "content": item.content,
                        "points": num(item.points),
                        "self": num(p.self_points) if p else "",
                        "reviewed": num(p.reviewed_points) if p else ""})
    return out


def signatures(data: ScoreSheetInput) -> dict:
    """The two columns: the reviewing body (its representative's position under it) and
    the unit's head (their position, «THỦ TRƯỞNG ĐƠN VỊ» when not given)."""
    reviewer = [upper(data.reviewing_body or "Cơ quan thẩm định")]
    if data.reviewer.position:
        reviewer.append(upper(data.reviewer.position))
    return {"reviewer": {"lines": reviewer, "name": data.reviewer.name},
            "head": {"lines": [upper(data.head.position or "Thủ trưởng đơn vị")],
                     "name": data.head.name}}


def context(data: ScoreSheetInput) -> dict:
    sheet = scoring.load_scoring().sheet(data.kind.code)
    self_total, reviewed_total = totals(data)
    num = scoring.number_text
    ctx = {
        "issuer": {"superior": upper(data.superior), "name": upper(letterhead(data)),
                   "ruler": ruler_choice(upper(letterhead(data)))},
        "place_date": nd30_date(data.date, data.place or bare_name(data.commune),
                                year=None if data.date else data.year),
        "summary": summary(data),
        "basis": f"(Tiêu chí theo {DECISION_510})",
        "unit_line": f"Đơn vị: {unit_in_prose(data)} (loại hình: {data.kind.label.lower()}).",
        "rows": rows(data),
        "result_line": (f"Kết quả: điểm tự chấm {num(self_total) or '……'}/{num(sheet.total)} "
                        f"điểm, điểm thẩm định {num(reviewed_total) or '……'}/"
                        f"{num(sheet.total)} điểm./."),
        "total": {"points": num(sheet.total), "self": num(self_total),
                  "reviewed": num(reviewed_total)},
        "year": data.year,
    }
    ctx.update(signatures(data))
    return common.keep_symbols_in(ctx)


# The columns of a list of units whose sheets are printed in bulk (docgen batch score_sheet).
COLUMNS = (
    *common.unit_columns("phiếu"),
    Column("place", "Địa danh", ("Nơi ký",), width=14, example="Na Mèo",
           help="Địa danh ghi ở dòng ngày tháng"),
    Column("self_score", "Điểm tự chấm", ("Tổng điểm tự chấm",), width=12, example="98",
           help="Tổng điểm đơn vị tự chấm, từ 0 đến 100"),
    Column("reviewed_score", "Điểm thẩm định", ("Tổng điểm thẩm định",), width=12,
           example="96", help="Tổng điểm thẩm định, từ 0 đến 100"),
)


KIND = Kind(
    name="score_sheet",
    label="Phiếu chấm điểm đánh giá, phân loại phong trào",
    abbreviation=None,
    template="score_sheet.docx",
    input=ScoreSheetInput,
    context=context,
    summary=summary,
    description="Phiếu chấm điểm của một đơn vị theo Quyết định 510 (Điều 7, 11): tiêu chí, điểm "
                "chuẩn, điểm tự chấm, điểm thẩm định và tổng điểm; tiêu chí và điểm chuẩn lấy từ "
                "tệp tiêu chí chấm điểm (DOCGEN_SCORING).",
)
