"""Text helpers for matching Vietnamese document components: folding and case."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NOT_KEY = re.compile(r"[^a-z0-9]+")
_TYPED_RULE = re.compile(r"[_\-‐–—‾=]{3,}")
# Template tags (docxtpl/Jinja): a paragraph of control tags only disappears on rendering,
# a {{ placeholder }} stands for text whose case and punctuation are not known yet.
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_CONTROL_ONLY = re.compile(r"(\s*(\{%.*?%\}|\{#.*?#\}))+\s*", re.S)


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower case without diacritics: "Nơi nhận:" -> "noi nhan:"."""
    stripped = "".join(c for c in unicodedata.normalize("NFD", text)
                       if not unicodedata.combining(c))
    return stripped.replace("đ", "d").replace("Đ", "D").lower()


def key(text: str) -> str:
    """Letters and digits of the folded text only: "Độc lập – Tự do" -> "doclaptudo"."""
    return _NOT_KEY.sub("", fold(text))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def is_upper(text: str) -> bool:
    """Has letters and all of them are capitals."""
    return any(c.isalpha() for c in text) and text == text.upper()


def is_control_only(text: str) -> bool:
    """Only template control tags ("{%p if … %}", "{%tr endfor %}"): not printed."""
    return bool(_CONTROL_ONLY.fullmatch(text))


def is_templated(text: str) -> bool:
    """Holds a template tag, so its final wording is not known."""
    return "{" in text and bool(JINJA.search(text))


def has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def is_typed_rule(text: str) -> bool:
    """A line imitated with typed characters: "________" or "-------"."""
    return bool(_TYPED_RULE.fullmatch(text.strip()))


def pt(value: float, digits: int = 1) -> str:
    """A measure in the Vietnamese way: 13 -> "13", 12.5 -> "12,5"."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def sizes(runs) -> str:
    """The distinct point sizes of runs, "13" or "12/14"."""
    found = sorted({run.props.size_pt for run in runs})
    return "/".join(pt(size) for size in found) or "?"
