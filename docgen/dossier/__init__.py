"""The year's dossier: what Circular 124 Điều 9 khoản 2 asks for, what the register (or a
folder of DOCX files) holds, and every inconsistency between the papers of one year.

    from docgen.dossier import check_year, check_folder, lines
    with store.session(readonly=True) as s:
        dossier = check_year(s, body_id=1, year=2022)
    dossier.ok, dossier.findings, dossier.items
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Each name and the module that defines it, imported on first use: `docgen dossier --help`
# must not load python-docx (from_folder) or SQLAlchemy (from_store).
_HOMES = {"check_folder": "from_folder",
          "ISSUE_CODES": "from_store", "check_year": "from_store", "issue_findings": "from_store",
          "STATUS_WORDS": "model", "Dossier": "model", "Finding": "model", "Item": "model",
          "Paper": "model", "Ref": "model",
          "lines": "text"}

__all__ = ["ISSUE_CODES", "STATUS_WORDS", "Dossier", "Finding", "Item", "Paper", "Ref",
           "check_folder", "check_year", "issue_findings", "lines"]

if TYPE_CHECKING:
    from .from_folder import check_folder
    from .from_store import ISSUE_CODES, check_year, issue_findings
    from .model import STATUS_WORDS, Dossier, Finding, Item, Paper, Ref
    from .text import lines


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
