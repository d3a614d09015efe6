"""Reading citations and ND30 dates back from text: «Tờ trình số 05/TTr-CAH ngày 05 tháng 01
năm 2023», «Kế hoạch số 45/KH-BCĐ ngày 09 tháng 5 năm 2022 của Ban Chỉ đạo 138 …»."""

from __future__ import annotations

import datetime as dt
import re

from ..vietnamese import NB_HYPHEN, nfc
from .model import Citation

_WORDS = {"kế hoạch": "plan", "tờ trình": "proposal", "quyết định": "decision"}
_DATE = (r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"
         r"|ngày\s+(?P<d2>\d{1,2})/(?P<m2>\d{1,2})/(?P<y2>\d{4})")
_CITATION = re.compile(
    r"(?P<word>Kế hoạch|Tờ trình|Quyết định)\s+số\s+(?P<symbol>\d+/[^\s,;.()]+)"
    rf"(?:,?\s*(?:{_DATE}))?"
    r"(?:\s+của\s+(?P<issuer>.+?)(?=\s+(?:triển khai|về việc|ban hành|công nhận)\b|[;.,(]|$))?",
    re.IGNORECASE)
_ND30_DATE = re.compile(_DATE)


def clean(text: str) -> str:
    """Text as a reader sees it: NFC, the non-breaking hyphens of symbols as "-"."""
    return nfc(text or "").replace(NB_HYPHEN, "-")


def _date(match: re.Match) -> dt.date | None:
    day, month, year = (match["d"], match["m"], match["y"]) if match["d"] else (
        match["d2"], match["m2"], match["y2"])
    if not day:
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def nd30_date_in(text: str) -> dt.date | None:
    """The first «ngày 05 tháng 02 năm 2023» (or «ngày 05/02/2023») in `text`, else None."""
    match = _ND30_DATE.search(clean(text))
    return _date(match) if match else None


def citations_in(text: str, field: str = "") -> list[Citation]:
    """Every plan, Tờ trình or decision cited by number in `text` (Decision 510 and other
    numbers outside the year's dossier are kept: callers filter by kind and register)."""
    found = []
    for match in _CITATION.finditer(clean(text)):
        issuer = (match["issuer"] or "").strip()
        found.append(Citation(_WORDS[match["word"].lower()], match["symbol"].rstrip("-"),
                              _date(match), issuer, field))
    return found


def first_citation(text: str, kind: str, field: str = "") -> Citation | None:
    """The first citation of `kind` in `text`, or None (an empty field cites nothing)."""
    return next((c for c in citations_in(text, field) if c.kind == kind), None)
