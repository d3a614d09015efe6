"""Competence, scope and calendar of the year's dossier, read from a TOML file a province can
replace (`DOCGEN_RULES` or `load_rules(path)`; the shipped one is docgen/data/rules.toml).

Pure data and functions — no database: callers pass a unit's kind, category and managing
tier, a body's level and abbreviation, and a date. Every rule carries its legal source.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from . import domain, tomlfile
from .errors import UserError
from .settings import RULES
from .shipped import data_file
from .vietnamese import fold

SHIPPED = data_file("rules.toml")
MATTERS = {"an_toan": "công nhận “An toàn về an ninh, trật tự”",
           "phan_loai": "đánh giá, phân loại phong trào"}
TIERS = {"bo": "Bộ", "tinh": "cấp tỉnh", "huyen": "cấp huyện", "xa": "cấp xã"}
ORGANS = {"UBND": "Ủy ban nhân dân", "BCĐ": "Ban Chỉ đạo 138", "BCA": "Bộ Công an"}
DOCUMENTS = ("registration", "proposal", "decision_an_toan", "report")
_KINDS = {k.code for k in domain.UNIT_KINDS}
# Body level words (Body.level) → tier.
_LEVEL_TIERS = {"tinh": "tinh", "thanh pho truc thuoc trung uong": "tinh",
                "huyen": "huyen", "quan": "huyen", "thi xa": "huyen", "thanh pho": "huyen",
                "xa": "xa", "phuong": "xa", "thi tran": "xa", "dac khu": "xa"}


@dataclass(frozen=True)
class Period:
    code: str
    name: str
    start: dt.date
    end: dt.date
    source: str


@dataclass(frozen=True)
class Category:
    kind: str
    code: str
    label: str
    managed_by: str = ""


@dataclass(frozen=True)
class Exclusion:
    kind: str
    categories: tuple[str, ...]
    matters: tuple[str, ...]
    source: str

    def message(self, unit_name: str, category_label: str) -> str:
        return (f"«{unit_name}» ({category_label.lower()}) không thuộc đối tượng đánh giá "
                f"({self.source})")


@dataclass(frozen=True)
class Competence:
    """Who decides `matters` for units of `kinds` (of `category`, managed by `managed_by`)."""

    periods: tuple[str, ...]
    matters: tuple[str, ...]
    kinds: tuple[str, ...]
    decider: str
    organ: str
    source: str
    confirmed: bool = True
    category: str = ""
    managed_by: str = ""

    @property
    def label(self) -> str:
        """«Ủy ban nhân dân cấp xã», «Ban Chỉ đạo 138 cấp huyện», «Bộ Công an»."""
        if self.organ == "BCA":
            return ORGANS["BCA"]
        return f"{ORGANS.get(self.organ, self.organ)} {TIERS[self.decider]}"


@dataclass(frozen=True)
class Deadline:
    document: str
    month: int
    day: int
    label: str
    source: str
    kinds: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    periods: tuple[str, ...] = ()
    confirmed: bool = True

    def on(self, year: int) -> dt.date:
        return dt.date(year, self.month, self.day)


@dataclass(frozen=True)
class Rules:
    path: Path
    name: str
    periods: tuple[Period, ...]
    categories: tuple[Category, ...]
    exclusions: tuple[Exclusion, ...]
    competences: tuple[Competence, ...]
    deadlines: tuple[Deadline, ...]

    def period(self, on: dt.date) -> Period:
        """The period holding `on` (the district era, two-level government, …)."""
        for period in self.periods:
            if period.start <= on <= period.end:
                return period
        raise UserError(f"Tệp quy tắc «{self.path}» không có giai đoạn nào chứa ngày "
                        f"{on:%d/%m/%Y}")

    def year_period(self, year: int) -> Period:
        """The period of a year's assessment: the one holding 1 November of the year, when
        the assessments close (Circular 124 Điều 8)."""
        return self.period(dt.date(year, 11, 1))

    def categories_of(self, kind: str) -> list[Category]:
        return [c for c in self.categories if c.kind == kind]

    def category(self, kind: str, code: str) -> Category | None:
        """The category `code` (or its label, any case or diacritics) of `kind`."""
        key = fold(str(code or "").replace("_", " "))
        return next((c for c in self.categories if c.kind == kind and key
                     in (fold(c.code.replace("_", " ")), fold(c.label))), None)

    def managing_tier(self, kind: str, category: str, managed_by: str, body_tier: str) -> str:
        """Who manages a unit: its own `managed_by`, else its category's, else the tier of
        the body that assesses it."""
        if managed_by:
            return managed_by
        found = self.category(kind, category)
        return (found.managed_by if found else "") or body_tier

    def excluded(self, kind: str, category: str, matter: str = "phan_loai") -> Exclusion | None:
        """The exclusion that keeps such a unit out of `matter`, or None when it is in scope."""
        for rule in self.exclusions:
            if rule.kind == kind and category in rule.categories and matter in rule.matters:
                return rule
        return None

    def competent(self, kind: str, *, category: str = "", managed_by: str = "",
                  on: dt.date, matter: str = "phan_loai") -> Competence | None:
        """The rule naming who decides `matter` for such a unit on date `on`; None when the
        file has none (the caller says so, naming the unit)."""
        period = self.period(on).code
        for rule in self.competences:
            if (period in rule.periods and matter in rule.matters and kind in rule.kinds
                    and rule.category in ("", category)
                    and rule.managed_by in ("", managed_by)):
                return rule
        return None

    def deadline(self, document: str, year: int, kinds: tuple[str, ...] | list[str] = ()
                 ) -> tuple[Deadline, dt.date] | None:
        """The deadline binding `document` of assessment `year` covering units of `kinds`:
        the earliest of their deadlines; None when no rule binds it."""
        period = self.year_period(year).code
        best: tuple[Deadline, dt.date] | None = None
        for kind in (tuple(kinds) or ("",)):
            rule = next((r for r in self.deadlines if r.document == document
                         and (not r.kinds or kind in r.kinds or not kind)
                         and (not r.years or year in r.years)
                         and (not r.periods or period in r.periods)), None)
            if rule is not None and (best is None or rule.on(year) < best[1]):
                best = (rule, rule.on(year))
        return best

    def calendar(self, year: int) -> list[tuple[Deadline, dt.date]]:
        """Every deadline of assessment `year`, in date order (one per document and kind)."""
        period = self.year_period(year).code
        seen: set[tuple[str, str]] = set()
        out: list[tuple[Deadline, dt.date]] = []
        for rule in self.deadlines:
            if (rule.years and year not in rule.years) or (rule.periods
                                                            and period not in rule.periods):
                continue
            keys = {(rule.document, k) for k in (rule.kinds or ("",))}
            if keys <= seen:
                continue
            seen |= keys
            out.append((rule, rule.on(year)))
        return sorted(out, key=lambda item: item[1])


def tier(level: str) -> str:
    """The tier of a body's level words («huyện», «Xã», «thị trấn» → huyen / xa); "" when
    the words name none."""
    return _LEVEL_TIERS.get(fold(level or "").strip(), "")


def organ(abbreviation: str) -> str:
    """The organ of a body's abbreviation: «UBND» → UBND, «BCĐ» → BCĐ, else itself."""
    text = fold(abbreviation or "").upper().replace(" ", "")
    if text.startswith("UBND"):
        return "UBND"
    if text.startswith("BCD"):
        return "BCĐ"
    return (abbreviation or "").strip()


def may_decide(rule: Competence | None, body_level: str, body_abbreviation: str) -> bool:
    """Whether a body of this level and abbreviation is the one `rule` names."""
    return (rule is not None and tier(body_level) == rule.decider
            and organ(body_abbreviation) == rule.organ)


# --- loading -----------------------------------------------------------------------------

def load_rules(path: str | os.PathLike | None = None) -> Rules:
    """The rules in `path`; None reads `DOCGEN_RULES`, else the shipped file. UserError
    naming the file and the entry for a broken file."""
    return tomlfile.load(path or RULES.value() or SHIPPED, "quy tắc", parse_rules)


class _Reader:
    """Checks one TOML table's keys and types, naming the file, the entry and the key."""

    def __init__(self, where: str, table: str, index: int, entry: object, allowed: set[str]):
        self.spot = f"{where}, mục [[{table}]] thứ {index + 1}"
        if not isinstance(entry, dict):
            self.fail("", "phải là một bảng")
        self.entry = entry
        tomlfile.check_keys(entry, allowed, self.fail)

    def fail(self, key: str, message: str):
        raise UserError(f"{self.spot}{f', khóa «{key}»' if key else ''}: {message}")

    def text(self, key: str, *, required: bool = True, choices=None) -> str:
        value = self.entry.get(key, "")
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(key, "phải là chuỗi văn bản, không để trống" if required
                      else "phải là chuỗi văn bản")
        if choices is not None and value and value not in choices:
            self.fail(key, f"«{value}» không hợp lệ; chọn một trong: " + ", ".join(choices))
        return value.strip()

    def texts(self, key: str, choices, *, required: bool = False, single: str = ""
              ) -> tuple[str, ...]:
        value = self.entry.get(key, [self.entry[single]] if single in self.entry else [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, "phải là danh sách chuỗi")
        if required and not value:
            self.fail(key, "cần ít nhất một giá trị")
        for item in value:
            if choices is not None and item not in choices:
                self.fail(key, f"«{item}» không hợp lệ; chọn một trong: " + ", ".join(choices))
        return tuple(value)

    def flag(self, key: str, default: bool = True) -> bool:
        value = self.entry.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, "phải là true hoặc false")
        return value

    def date(self, key: str, default: dt.date) -> dt.date:
        value = self.entry.get(key, default)
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            self.fail(key, "phải là một ngày dạng 2025-07-01")
        return value

    def number(self, key: str, low: int, high: int) -> int:
        value = self.entry.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.fail(key, f"phải là số nguyên từ {low} đến {high}")
        return value


def parse_rules(raw: bytes | str, path: str | os.PathLike = "<quy tắc>") -> Rules:
    """Rules from TOML text; UserError naming `path`, the entry and the key when wrong."""
    path = Path(path)
    where = f"Tệp quy tắc «{path}»"
    data = tomlfile.parse(raw, where)
    fail = tomlfile.failing(where)
    tomlfile.check_keys(data, {"name", "period", "category", "exclusion", "competence",
                               "deadline"}, fail)
    kinds, tiers, matters = sorted(_KINDS), list(TIERS), list(MATTERS)

    periods = []
    for i, entry in enumerate(tomlfile.entries(data, "period", fail)):
        r = _Reader(where, "period", i, entry, {"code", "name", "start", "end", "source"})
        periods.append(Period(r.text("code"), r.text("name"), r.date("start", dt.date.min),
                              r.date("end", dt.date.max), r.text("source", required=False)))
    period_codes = [p.code for p in periods]
    ordered = sorted(periods, key=lambda p: p.start)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.start <= before.end:
            raise UserError(f"{where}: giai đoạn «{before.code}» và «{after.code}» chồng lên nhau")

    categories = []
    for i, entry in enumerate(data.get("category", [])):
        r = _Reader(where, "category", i, entry, {"kind", "code", "label", "managed_by"})
        categories.append(Category(r.text("kind", choices=kinds), r.text("code"),
                                   r.text("label"),
                                   r.text("managed_by", required=False, choices=tiers)))
    category_codes = {c.code for c in categories}

    exclusions = []
    for i, entry in enumerate(data.get("exclusion", [])):
        r = _Reader(where, "exclusion", i, entry, {"kind", "categories", "matters", "source"})
        exclusions.append(Exclusion(r.text("kind", choices=kinds),
                                    r.texts("categories", category_codes, required=True),
                                    r.texts("matters", matters, required=True),
                                    r.text("source")))

    competences = []
    allowed = {"periods", "matters", "kind", "kinds", "category", "managed_by", "decider",
               "organ", "source", "confirmed"}
    for i, entry in enumerate(tomlfile.entries(data, "competence", fail)):
        r = _Reader(where, "competence", i, entry, allowed)
        competences.append(Competence(
            r.texts("periods", period_codes, required=True),
            r.texts("matters", matters, required=True),
            r.texts("kinds", kinds, required=True, single="kind"),
            r.text("decider", choices=tiers), r.text("organ", choices=list(ORGANS)),
            r.text("source"), r.flag("confirmed"),
            r.text("category", required=False, choices=category_codes),
            r.text("managed_by", required=False, choices=tiers)))

    deadlines = []
    allowed = {"document", "kinds", "years", "periods", "month", "day", "label", "source",
               "confirmed"}
    for i, entry in enumerate(tomlfile.entries(data, "deadline", fail)):
        r = _Reader(where, "deadline", i, entry, allowed)
        years = entry.get("years", []) if isinstance(entry, dict) else []
        if not isinstance(years, list) or not all(isinstance(y, int) for y in years):
            r.fail("years", "phải là danh sách năm")
        month, day = r.number("month", 1, 12), r.number("day", 1, 31)
        try:
            dt.date(2024, month, day)
        except ValueError:
            r.fail("day", f"ngày {day}/{month} không có thật")
        deadlines.append(Deadline(r.text("document", choices=DOCUMENTS), month, day,
                                  r.text("label"), r.text("source"),
                                  r.texts("kinds", kinds), tuple(years),
                                  r.texts("periods", period_codes), r.flag("confirmed")))
    tomlfile.texts(data, ("name",), fail)
    name = data.get("name", "")
    return Rules(path, name, tuple(periods), tuple(categories), tuple(exclusions),
                 tuple(competences), tuple(deadlines))
