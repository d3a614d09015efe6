"""Decision 510's scoring sheet as data: the criteria and standard points per unit kind, read
from a TOML file a province replaces (`DOCGEN_SCORING` or `load_scoring(path)`); the
shipped one is an example (Decision 510's criteria and points are not published)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from . import domain, tomlfile
from .settings import SCORING
from .shipped import data_file

SHIPPED = data_file("scoring.toml")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
_TOP_KEYS = {"name", "warning", "sheet"}
_SHEET_KEYS = {"kinds", "total", "section"}
_SECTION_KEYS = {"title", "item"}
_ITEM_KEYS = {"content", "points"}


@dataclass(frozen=True)
class Item:
    """One criterion: its number through the sheet (1, 2, …), wording and standard points."""

    number: int
    content: str
    points: float


@dataclass(frozen=True)
class Section:
    numeral: str
    title: str
    items: tuple[Item, ...]

    @property
    def points(self) -> float:
        return sum(item.points for item in self.items)


@dataclass(frozen=True)
class Sheet:
    """The criteria of the unit kinds in `kinds`; their points add up to `total`."""

    kinds: tuple[str, ...]
    total: float
    sections: tuple[Section, ...]

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)


@dataclass(frozen=True)
class Scoring:
    path: Path
    name: str
    warning: str
    sheets: dict[str, Sheet]    # unit kind code -> its sheet

    def sheet(self, kind: str) -> Sheet:
        return self.sheets[kind]


def load_scoring(path: str | os.PathLike | None = None) -> Scoring:
    """The criteria in `path`; None reads `DOCGEN_SCORING`, else the shipped example.

    Raises UserError naming the file, the entry and the key of a broken file.
    """
    return tomlfile.load(path or SCORING.value() or SHIPPED, "tiêu chí chấm điểm",
                         parse_scoring)


def parse_scoring(raw: bytes | str, path: str | os.PathLike = "<tiêu chí chấm điểm>") -> Scoring:
    """A Scoring from TOML text; UserError naming `path`, the entry and the key."""
    path = Path(path)
    where = f"Tệp tiêu chí chấm điểm «{path}»"
    data = tomlfile.parse(raw, where)

    fail = tomlfile.failing(where)

    def keys(table, allowed: set[str], at: str) -> None:
        if not isinstance(table, dict):
            fail(at, "phải là một bảng [[…]]")
        tomlfile.check_keys(table, allowed, fail, at)

    def entries(table: dict, key: str, at: str) -> list:
        return tomlfile.entries(table, key, fail, at)

    keys(data, _TOP_KEYS, "")
    tomlfile.texts(data, ("name", "warning"), fail)
    codes = ", ".join(k.code for k in domain.UNIT_KINDS)
    sheets: dict[str, Sheet] = {}
    for s, raw_sheet in enumerate(entries(data, "sheet", ""), 1):
        at = f"sheet[{s}]"
        keys(raw_sheet, _SHEET_KEYS, at)
        kinds = raw_sheet.get("kinds")
        if not isinstance(kinds, list) or not kinds:
            fail(f"{at}.kinds", f"cần danh sách mã loại hình, ví dụ [\"co_quan\"]; mã: {codes}")
        for code in kinds:
            kind = domain.unit_kind(code) if isinstance(code, str) else None
            if kind is None or kind.code != code:
                fail(f"{at}.kinds", f"«{code}» không phải mã loại hình; chọn trong: {codes}")
            if code in sheets:
                fail(f"{at}.kinds", f"loại hình «{code}» đã có phiếu ở mục trước")
        total = _points(raw_sheet.get("total"), f"{at}.total", fail)
        sections, number = [], 0
        for n, raw_section in enumerate(entries(raw_sheet, "section", at), 1):
            sat = f"{at}.section[{n}]"
            keys(raw_section, _SECTION_KEYS, sat)
            title = raw_section.get("title")
            if not isinstance(title, str) or not title.strip():
                fail(f"{sat}.title", "cần tên nhóm tiêu chí (chuỗi văn bản)")
            items = []
            for i, raw_item in enumerate(entries(raw_section, "item", sat), 1):
                iat = f"{sat}.item[{i}]"
                keys(raw_item, _ITEM_KEYS, iat)
                content = raw_item.get("content")
                if not isinstance(content, str) or not content.strip():
                    fail(f"{iat}.content", "cần nội dung chấm điểm (chuỗi văn bản)")
                number += 1
                items.append(Item(number, " ".join(content.split()),
                                  _points(raw_item.get("points"), f"{iat}.points", fail)))
            if n > len(ROMAN):
                fail(sat, f"nhiều nhất {len(ROMAN)} nhóm tiêu chí")
            sections.append(Section(ROMAN[n - 1], " ".join(title.split()), tuple(items)))
        sheet = Sheet(tuple(kinds), total, tuple(sections))
        added = sum(item.points for item in sheet.items)
        if not math.isclose(added, total):
            fail(f"{at}.total", f"tổng điểm chuẩn các tiêu chí là {number_text(added)}, "
                 f"khác tổng {number_text(total)}")
        sheets.update(dict.fromkeys(kinds, sheet))
    missing = [k.code for k in domain.UNIT_KINDS if k.code not in sheets]
    if missing:
        fail("sheet", "chưa có phiếu cho loại hình: " + ", ".join(missing))
    return Scoring(path=path, name=data.get("name", "") or path.name,
                   warning=" ".join(data.get("warning", "").split()), sheets=sheets)


def _points(value, key: str, fail) -> float:
    if (isinstance(value, bool) or not isinstance(value, (int, float))
            or not math.isfinite(value) or not 0 < value <= 100 or (value * 2) % 1):
        fail(key, f"«{value}» phải là số điểm lớn hơn 0, không quá 100 (có thể lẻ 0,5)")
    return float(value)


def number_text(value: float | None) -> str:
    """A point figure as a sheet prints it: "3", "92,5"; "" for None."""
    return "" if value is None else f"{round(value, 2):g}".replace(".", ",")
