"""The registry of document kinds; every entry point finds a kind here by its name.

Each kind is the module of this package named after it, which defines `KIND` (a `Kind`
record); `ORDER` names them in the order users see them. A kind's module is imported the
first time the kind is asked for, so that naming or listing kinds costs no import.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from ..errors import UserError
from .kinds import Kind

# The order of the year's work: the plan, the units' registrations and the households'
# commitments and the households' lists, each unit's assessment meeting (minutes), scoring
# sheet, report and Tờ trình, the recognition «An toàn về ANTT» and its certificates (by 15
# and 20 November), the police's proposal (Tờ trình), the decision, the report.
ORDER = ("plan", "registration", "commitment", "household_list", "minutes", "score_sheet",
         "unit_report", "unit_proposal", "safe_decision", "certificate", "proposal", "decision",
         "report")


class Registry(Mapping[str, Kind]):
    """The kinds by name, in `ORDER`: iterating and `in` import nothing; reading a kind
    imports its module (once) and checks that the module's `KIND` carries that name."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self._names = names
        self._loaded: dict[str, Kind] = {}

    def __getitem__(self, name: str) -> Kind:
        kind = self._loaded.get(name)
        if kind is None:
            if name not in self._names:
                raise KeyError(name)
            kind = self._load(name)  # importlib makes a concurrent first import wait
        return kind

    def _load(self, name: str) -> Kind:
        module = importlib.import_module(f"{__name__}.{name}")
        kind = getattr(module, "KIND", None)
        if not isinstance(kind, Kind) or kind.name != name:
            raise RuntimeError(f"{module.__name__} must define KIND, a Kind called {name!r}")
        self._loaded[name] = kind
        return kind

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


KINDS: Registry = Registry(ORDER)


def get(name: str) -> Kind:
    """The kind called `name`; a UserError listing the kinds otherwise."""
    try:
        return KINDS[name]
    except KeyError:
        raise UserError(f"Không có loại văn bản «{name}»; các loại hiện có: "
                        + ", ".join(KINDS)) from None
