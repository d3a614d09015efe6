"""Personal data as pages, exports, messages and logs may show it (Law on Personal Data
Protection 2025): CCCD numbers masked, and the words an audit entry uses for an export.

The masking rule: of a CCCD's 12 digits only the first 3 (the province code) and the last 2
are shown, «038•••••••45». The hidden digits 4–6 hold the sex, century and year of birth,
and 7–10 most of the serial. Any run of 9 or more digits in a message (a CCCD typed with
spaces or dots, one digit too many, an old 9-digit CMND, a number typed into another column)
is masked the same way. Only the printed commitment form shows the full number.
"""

from __future__ import annotations

import logging
import re
import traceback

MASK = "•"
KEEP_HEAD, KEEP_TAIL = 3, 2
# 9 or more digits, single spaces, dots or dashes allowed between them ("038 078 004 512").
_LONG_NUMBER = re.compile(r"(?<!\d)\d(?:[ .\-]?\d){8,}(?!\d)")


def mask_cccd(number: str | None) -> str:
    """«038•••••••45» for a 12-digit CCCD; "" for None or ""; the digits of any other value
    masked the same way (first 3 and last 2 kept), other characters dropped."""
    digits = re.sub(r"\D", "", number or "")
    if not digits:
        return ""
    if len(digits) <= KEEP_HEAD + KEEP_TAIL:
        return MASK * len(digits)
    hidden = len(digits) - KEEP_HEAD - KEEP_TAIL
    return digits[:KEEP_HEAD] + MASK * hidden + digits[-KEEP_TAIL:]


def mask_text(text: str) -> str:
    """`text` with every run of 9 or more digits masked like a CCCD (see the module)."""
    if not text or not any(c.isdigit() for c in text):
        return text
    return _LONG_NUMBER.sub(lambda m: mask_cccd(m.group()), text)


def personal_detail(people: int) -> str:
    """The audit detail of an export holding people's data: «có dữ liệu cá nhân của 5 người»."""
    return f"có dữ liệu cá nhân của {people} người"


class MaskingFilter(logging.Filter):
    """A logging filter masking CCCD-like numbers in a record's message and traceback (an
    error can quote a row: a database error lists the values it failed to write)."""

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
            record.exc_info, record.exc_text = None, None
        record.msg, record.args = mask_text(text), ()
        return True
