"""Page-number fields: the paragraphs of a part that hold a PAGE field."""

from __future__ import annotations

import re

from .ooxml import qn, wattr

_PAGE = re.compile(r"\bPAGE\b")
_P, _FLD_SIMPLE = qn("w:p"), qn("w:fldSimple")
_FLD_CHAR, _INSTR = qn("w:fldChar"), qn("w:instrText")


def page_field_elements(root) -> list:
    """The w:p elements under `root` that hold a PAGE field (simple or complex)."""
    if root is None:
        return []
    found, code, holder = [], None, None
    for el in root.iter(_FLD_SIMPLE, _FLD_CHAR, _INSTR):
        if el.tag == _FLD_SIMPLE:
            if _PAGE.search(wattr(el, "instr") or ""):
                found.append(next(el.iterancestors(_P), None))
        elif el.tag == _INSTR:
            if code is not None:
                code += el.text or ""
        elif wattr(el, "fldCharType") == "begin":
            code, holder = "", next(el.iterancestors(_P), None)
        elif code is not None:                      # "separate" or "end" closes the code
            if _PAGE.search(code):
                found.append(holder)
            code = None
    return list(dict.fromkeys(p for p in found if p is not None))
