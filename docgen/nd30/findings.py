"""What the checker reports: rules as records, findings, and their one-line text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple
from collections.abc import Callable, Iterable


@dataclass(frozen=True)
class Finding:
    """One departure from ND30: the rule id, what is wrong (Vietnamese) and where."""

    rule: str
    message: str
    location: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message} [{self.location}]"


class Issue(NamedTuple):
    """What a rule function yields; the checker adds the rule id and merges repeats."""

    message: str
    location: str


class Rule(NamedTuple):
    """One ND30 layout rule: id, Vietnamese title, description, and its check function."""

    id: str
    title_vi: str
    description: str
    check: Callable[..., Iterable[Issue]]


def format_findings(findings: Iterable[Finding]) -> str:
    """One line per finding: "<rule>: <message> [<location>]"."""
    return "\n".join(str(finding) for finding in findings)


def merged(rule: str, issues: Iterable[Issue]) -> list[Finding]:
    """Findings for one rule: identical messages merged, counting the other places."""
    first: dict[str, str] = {}
    counts: dict[str, int] = {}
    for message, location in issues:
        if message not in first:
            first[message] = location
        counts[message] = counts.get(message, 0) + 1
    return [Finding(rule, message, _with_count(first[message], counts[message] - 1))
            for message in first]


def _with_count(location: str, others: int) -> str:
    return f"{location} (và {others} chỗ khác)" if others else location
