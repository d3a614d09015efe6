"""The registry of document kinds; every entry point finds a kind here by its name.

Each module in this package that defines `KIND` (a `Kind` record) is a document kind;
the order of `ORDER` is the order users see them in.
"""

from __future__ import annotations

import importlib
import pkgutil

from ..errors import UserError
from .kinds import Kind

# The order of the year's work: the plan, the units' registrations and the households'
# commitments, each unit's assessment meeting (minutes) and scoring sheet, the proposal (Tờ
# trình), the decision, the report.
ORDER = ("plan", "registration", "commitment", "minutes", "score_sheet", "proposal", "decision",
         "report")


def _discover() -> dict[str, Kind]:
    found: dict[str, Kind] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        kind = getattr(module, "KIND", None)
        if isinstance(kind, Kind):
            if kind.name in found:
                raise RuntimeError(f"two document kinds are called {kind.name!r}")
            found[kind.name] = kind
    rank = {name: i for i, name in enumerate(ORDER)}
    return dict(sorted(found.items(), key=lambda item: (rank.get(item[0], len(ORDER)), item[0])))


KINDS: dict[str, Kind] = _discover()


def get(name: str) -> Kind:
    """The kind called `name`; a UserError listing the kinds otherwise."""
    try:
        return KINDS[name]
    except KeyError:
        raise UserError(f"Không có loại văn bản «{name}»; các loại hiện có: "
                        + ", ".join(KINDS)) from None
