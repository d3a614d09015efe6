"""A fast reader for the rows of one worksheet, for lists of tens of thousands of rows.

openpyxl's read-only reader builds Python objects for every cell (a serialisable `Text`
per inline string): a 20,000-row list took 6–10 s on a busy two-core machine, most of an
import's preview. This reads the sheet's `<sheetData>` with regular expressions and gives
the SAME values as openpyxl's `ws.iter_rows(max_col=width, values_only=True)` with
`data_only=True` — numbers, dates by the cell's style, shared and inline strings,
booleans, error texts — several times faster. Anything it does not handle exactly
(another encoding, CDATA, comments, prefixed elements, phonetic runs, entities other than
XML's five) makes `rows` return None and the caller uses openpyxl. tests/test_abuse.py
checks the two agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_ROW = re.compile(r"<row\b([^>]*?)(?:/>|>(.*?)</row\s*>)", re.S)
_CELL = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c\s*>)", re.S)
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_VALUE = re.compile(r"<v\b[^>]*?(?:/>|>(.*?)</v\s*>)", re.S)
_INLINE = re.compile(r"<is\b[^>]*?(?:/>|>(.*?)</is\s*>)", re.S)
_TEXT = re.compile(r"<t\b[^>]*?(?:/>|>(.*?)</t\s*>)", re.S)
_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);")
# Each starts with a literal, so the scan of a large sheet runs at C speed.
_PREFIXED = re.compile(r"</?[\w.-]+:")
_OTHER_ENTITY = re.compile(r"&(?!#x[0-9a-fA-F]+;|#[0-9]+;|lt;|gt;|amp;|quot;|apos;)")
_UNSAFE_TEXT = ("<![CDATA[", "<!--", "<?", "<rPh")
_DECLARED = re.compile(r"""^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.-]+)["']""")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


_DECODED: dict[str, str] = {}


def _entity(match: re.Match) -> str:
    name = match.group(1)
    char = _DECODED.get(name)
    if char is None:
        char = (chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
                if name[0] == "#" else _NAMED[name])
        if len(_DECODED) < 100_000:
            _DECODED[name] = char
    return char


def _text(raw: str) -> str:
    """Character data as an XML parser gives it: line ends normalised, references replaced."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _ENTITY.sub(_entity, raw) if "&" in raw else raw


def _attrs(raw: str) -> dict[str, str]:
    return {m.group(1): _text(m.group(2) if m.group(2) is not None else m.group(3))
            for m in _ATTR.finditer(raw)}


_COLUMNS: dict[str, int] = {}


def _column(ref: str) -> int:
    """The 1-based column of a cell reference ("AB12" → 28); 0 when unreadable."""
    letters = ref.rstrip("0123456789$")
    number = _COLUMNS.get(letters)
    if number is None:
        number = 0
        for char in letters.upper():
            if not "A" <= char <= "Z":
                return 0
            number = number * 26 + ord(char) - 64
        if len(_COLUMNS) < 20_000:
            _COLUMNS[letters] = number
    return number


def _sheet_data(raw: bytes) -> str | None:
    """The text inside <sheetData>, or None when the reader cannot take this sheet."""
    head = raw[:200].decode("latin-1")
    declared = _DECLARED.match(head.lstrip("\ufeff\xef\xbb\xbf"))
    if declared and declared.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    start = text.find("<sheetData")
    if start < 0 or text.find("<sheetData", start + 1) >= 0:
        return None
    opened = text.find(">", start)
    if opened < 0 or text[opened - 1] == "/":
        return ""  # <sheetData/>: no rows
    end = text.find("</sheetData", opened)
    if end < 0:
        return None
    data = text[opened + 1:end]
    if any(marker in data for marker in _UNSAFE_TEXT) or _PREFIXED.search(data) \
            or _OTHER_ENTITY.search(data):
        return None
    return data


def _value(attrs: dict[str, str], body: str | None, book, strings):
    kind = attrs.get("t", "n")
    if kind == "inlineStr":
        inline = _INLINE.search(body or "")
        if inline is None:
            return None
        return "".join(_text(t.group(1) or "") for t in _TEXT.finditer(inline.group(1) or ""))
    found = _VALUE.search(body or "")
    text = _text(found.group(1) or "") if found else ""
    if not text:
        return None
    if kind == "n":
        value = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
        style = int(attrs.get("s") or 0)
        if style in book._date_formats:
            from openpyxl.utils.datetime import from_excel
            try:
                return from_excel(value, book.epoch,
                                  timedelta=style in book._timedelta_formats)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return value
    if kind == "s":
        return strings[int(text)]
    if kind == "b":
        return bool(int(text))
    if kind == "d":
        from openpyxl.utils.datetime import from_ISO8601
        return from_ISO8601(text)
    return text  # "str" (a formula's text), "e" (an error such as #N/A)


def rows(book, ws, width: int) -> Iterator[tuple] | None:
    """The rows of the read-only sheet `ws` of `book` (gaps as rows of None), each a tuple
    of `width` values; None when this reader cannot take the sheet (use openpyxl)."""
    path = getattr(ws, "_worksheet_path", None)
    archive = getattr(book, "_archive", None)
    strings = getattr(ws, "_shared_strings", None)
    if path is None or archive is None or strings is None:
        return None
    data = _sheet_data(archive.read(path))
    if data is None:
        return None
    fast = _canonical(data, book, strings, width)
    return iter(fast) if fast is not None else _iterate(data, book, strings, width)


# Rows and cells as Excel, LibreOffice and openpyxl write them: attributes in this order,
# a value or an inline string. One pass over the sheet with few Python steps per cell.
_FAST = re.compile(
    r'<row r="(\d+)"[^>]*?(/?)>'
    r'|<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(\w+)")?'
    r'(?:/>|>(?:<v>([^<]*)</v>|(<is>)<t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)')


def _canonical(data: str, book, strings, width: int) -> list[tuple] | None:
    """Every row when every row and cell has the canonical form; else None."""
    cells = data.count("<c ") + data.count("<c>") + data.count("<c/")
    rows_seen = data.count("<row")
    out: list[tuple] = []
    values: list | None = None
    expected, matched_rows, matched_cells = 1, 0, 0
    dates = book._date_formats
    for number, closed, letters, style, kind, value, is_, inline in _FAST.findall(data):
        if number:
            matched_rows += 1
            if values is not None:
                out.append(tuple(values))
            row = int(number)
            if row < expected:
                return None  # out of order: leave it to the general reader
            out.extend([(None,) * width] * (row - expected))
            expected = row + 1
            values = [None] * width
            if closed:
                out.append(tuple(values))
                values = None
            continue
        matched_cells += 1
        if values is None:
            return None
        column = _COLUMNS.get(letters) or _column(letters)
        if column > width:
            continue
        if kind == "inlineStr":
            result = None if not is_ else \
                _text(inline) if ("&" in inline or "\r" in inline) else inline
        elif not value:
            result = None
        elif kind == "" or kind == "n":
            result = float(value) if ("." in value or "E" in value or "e" in value) \
                else int(value)
            if style and int(style) in dates:
                result = _value({"t": "n", "s": style}, f"<v>{value}</v>", book, strings)
        elif kind == "s":
            result = strings[int(value)]
        elif kind == "b":
            result = bool(int(value))
        elif kind == "d":
            result = _value({"t": "d"}, f"<v>{value}</v>", book, strings)
        else:
            result = _text(value) if ("&" in value or "\r" in value) else value
        values[column - 1] = result
    if values is not None:
        out.append(tuple(values))
    if matched_rows != rows_seen or matched_cells != cells:
        return None
    return out


def _iterate(data: str, book, strings, width: int) -> Iterator[tuple]:
    empty = (None,) * width
    expected, last = 1, 0  # the next row number to yield; the last row number read
    for row in _ROW.finditer(data):
        mark = _attrs(row.group(1)).get("r")
        number = last = int(float(mark)) if mark else last + 1
        if number < expected:  # a row out of order: openpyxl skips it too
            continue
        while expected < number:
            expected += 1
            yield empty
        values = [None] * width
        column = 0
        for cell in _CELL.finditer(row.group(2) or ""):
            attrs = _attrs(cell.group(1))
            ref = attrs.get("r")
            column = _column(ref) if ref else column + 1
            if 1 <= column <= width:
                values[column - 1] = _value(attrs, cell.group(2), book, strings)
        expected = number + 1
        yield tuple(values)
