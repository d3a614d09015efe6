"""The classification policy: which class a score suggests, read from a TOML file a
district can replace (`DOCGEN_POLICY` or `load_policy(path)`); the shipped one is an example.

A suggestion is a hint for the committee, never what a document prints (see the
project's domain notes, `shared/domain/movement-assessment.md`: Decision 510's thresholds
are not confirmed).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from . import domain, tomlfile
from .settings import POLICY
from .shipped import data_file

SHIPPED = data_file("policy.toml")
ENV_VAR = POLICY.name
_TOP_KEYS = {"name", "warning", "class"}
_RULE_KEYS = {"code", "min_score", "requires_safe", "description"}


@dataclass(frozen=True)
class Rule:
    """One class and its conditions; a rule without conditions matches every score."""

    grade: domain.UnitClass
    min_score: float | None = None
    requires_safe: bool = False
    description: str = ""

    def matches(self, score: float, safe: bool) -> bool:
        if self.min_score is not None and score < self.min_score:
            return False
        return safe or not self.requires_safe

    def explain(self) -> str:
        """The rule in Vietnamese, for the assessment page."""
        parts = []
        if self.min_score is not None:
            parts.append(f"điểm từ {_number(self.min_score)} trở lên")
        if self.requires_safe:
            parts.append("được công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự”")
        text = " và ".join(parts) if parts else "các trường hợp còn lại"
        return f"{self.grade.label}: {text}"


@dataclass(frozen=True)
class Policy:
    """A loaded policy: its rules in the order they are tried, and the warning to show."""

    path: Path
    name: str
    warning: str
    rules: tuple[Rule, ...]

    def suggest(self, score: float | None, safe: bool) -> str | None:
        """The suggested class code for a score (0–100); None when there is no score."""
        if score is None:
            return None
        for rule in self.rules:
            if rule.matches(float(score), bool(safe)):
                return rule.grade.code
        return None  # unreachable: the last rule has no condition (checked on load)

    def describe(self) -> list[str]:
        return [rule.explain() for rule in self.rules]


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def load_policy(path: str | os.PathLike | None = None) -> Policy:
    """The policy in `path`; None reads `DOCGEN_POLICY`, else the shipped example.

    Raises UserError naming the file and the key for a broken or inconsistent file.
    """
    return tomlfile.load(POLICY.value() or SHIPPED if path is None else path,
                         "chính sách xếp loại", parse_policy)


def parse_policy(raw: bytes | str, path: str | os.PathLike = "<chính sách>") -> Policy:
    """A Policy from TOML text; UserError naming `path` and the key when it is wrong."""
    path = Path(path)
    where = f"Tệp chính sách xếp loại «{path}»"
    data = tomlfile.parse(raw, where)

    fail = tomlfile.failing(where)
    tomlfile.check_keys(data, _TOP_KEYS, fail)
    tomlfile.texts(data, ("name", "warning"), fail)
    entries = tomlfile.entries(data, "class", fail)
    rules: list[Rule] = []
    seen: set[str] = set()
    codes = ", ".join(c.code for c in domain.UNIT_CLASSES)
    for i, entry in enumerate(entries, 1):
        at = f"class[{i}]"
        if not isinstance(entry, dict):
            fail(at, "phải là một bảng [[class]]")
        tomlfile.check_keys(entry, _RULE_KEYS, fail, at)
        code = entry.get("code")
        grade = domain.unit_class(code) if isinstance(code, str) else None
        if grade is None or grade.code != code:
            fail(f"{at}.code", f"«{code}» không phải mã xếp loại; chọn một trong: {codes}")
        if code in seen:
            fail(f"{at}.code", f"xếp loại «{code}» đã có ở mục trước")
        seen.add(code)
        min_score = entry.get("min_score")
        if min_score is not None and (
                isinstance(min_score, bool) or not isinstance(min_score, (int, float))
                or not math.isfinite(min_score) or not 0 <= min_score <= 100):
            fail(f"{at}.min_score", f"«{min_score}» phải là số từ 0 đến 100")
        requires_safe = entry.get("requires_safe", False)
        if not isinstance(requires_safe, bool):
            fail(f"{at}.requires_safe", "phải là true hoặc false")
        description = entry.get("description", "")
        if not isinstance(description, str):
            fail(f"{at}.description", "phải là chuỗi văn bản")
        rules.append(Rule(grade, None if min_score is None else float(min_score),
                          requires_safe, description))
    last = rules[-1]
    if last.min_score is not None or last.requires_safe:
        fail(f"class[{len(rules)}]", "mục cuối cùng không được có điều kiện, để mọi điểm số "
             "đều có xếp loại đề xuất")
    return Policy(path=path, name=data.get("name", "") or path.name,
                  warning=" ".join(data.get("warning", "").split()), rules=tuple(rules))
