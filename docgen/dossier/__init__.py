"""The year's dossier: what Circular 124 Điều 9 khoản 2 asks for, what the register (or a
folder of DOCX files) holds, and every inconsistency between the papers of one year.

    from docgen.dossier import check_year, check_folder, lines
    with store.session(readonly=True) as s:
        dossier = check_year(s, body_id=1, year=2022)
    dossier.ok, dossier.findings, dossier.items
"""

from __future__ import annotations

from .from_folder import check_folder
from .from_store import ISSUE_CODES, check_year, issue_findings
from .model import STATUS_WORDS, Dossier, Finding, Item, Paper, Ref
from .text import lines

__all__ = ["ISSUE_CODES", "STATUS_WORDS", "Dossier", "Finding", "Item", "Paper", "Ref",
           "check_folder", "check_year", "issue_findings", "lines"]
