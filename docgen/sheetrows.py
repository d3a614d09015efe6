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

import codecs
import io
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


# Bytes of the sheet inflated at a time: small, so that reading a list of 20,000 rows
# takes no more memory than one of 2,000 (a 2,000-row sheet is about 800 KB).
CHUNK = 64 << 10


class _Unusable(Exception):
    """The sheet holds something this reader does not handle exactly."""


def _pieces(fh) -> Iterator[str]:
    """The XML read from the binary file `fh`, decoded, in pieces that each end before a
    "<" (so no tag, reference or marker is split between two pieces); _Unusable for
    another declared encoding or bytes that are not UTF-8."""
    first = fh.read(CHUNK)
    declared = _DECLARED.match(first[:200].decode("latin-1").lstrip("\ufeff\xef\xbb\xbf"))
    if declared and declared.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise _Unusable
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    rest, chunk = "", first
    while True:
        try:
            text = rest + decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            raise _Unusable from None
        if not chunk:
            if text:
                yield text
            return
        cut = text.rfind("<")
        if cut > 0:
            yield text[:cut]
            text = text[cut:]
        rest, chunk = text, fh.read(CHUNK)


def _inside(pieces: Iterator[str]) -> Iterator[str]:
    """The text inside the one <sheetData> of the sheet, in pieces; _Unusable when there
    is none, more than one, or it holds what only openpyxl reads exactly."""
    state = "before"   # → "inside" → "after"
    for piece in pieces:
        start = 0
        if state == "before":
            start = piece.find("<sheetData")
            if start < 0:
                continue
            opened = piece.find(">", start)   # no ">" inside the tag: one piece holds it
            if opened < 0:
                raise _Unusable
            state = "inside"
            if piece[opened - 1] == "/":       # <sheetData/>: no rows
                state, start = "after", opened + 1
            else:
                start = opened + 1
        if state == "inside":
            end = piece.find("</sheetData", start)
            data = piece[start:] if end < 0 else piece[start:end]
            if any(marker in data for marker in _UNSAFE_TEXT) or _PREFIXED.search(data) \
                    or _OTHER_ENTITY.search(data):
                raise _Unusable
            if data:
                yield data
            if end < 0:
                continue
            state, start = "after", end
        if piece.find("<sheetData", start) >= 0:
            raise _Unusable
    if state != "after":
        raise _Unusable


def _usable(open_sheet) -> bool:
    """Whether the whole sheet can be read here (a pass over it, keeping nothing)."""
    try:
        with open_sheet() as fh:
            for _ in _inside(_pieces(fh)):
                pass
    except _Unusable:
        return False
    return True


def _sheet_data(raw: bytes) -> str | None:
    """The text inside <sheetData>, or None when the reader cannot take this sheet."""
    try:
        return "".join(_inside(_pieces(io.BytesIO(raw))))
    except _Unusable:
        return None


def _blocks(open_sheet) -> Iterator[str]:
    """The inside of <sheetData> in runs of whole rows (each cut before a "<row")."""
    with open_sheet() as fh:
        buffer = ""
        for data in _inside(_pieces(fh)):
            buffer += data
            cut = buffer.rfind("<row")
            if cut > 0:
                yield buffer[:cut]
                buffer = buffer[cut:]
        if buffer:
            yield buffer


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
    of `width` values, read as they are needed; None when this reader cannot take the
    sheet (use openpyxl)."""
    path = getattr(ws, "_worksheet_path", None)
    archive = getattr(book, "_archive", None)
    strings = getattr(ws, "_shared_strings", None)
    if path is None or archive is None or strings is None:
        return None

    def open_sheet():
        return archive.open(path)

    if not _usable(open_sheet):
        return None
    return _read(open_sheet, book, strings, width)


def _read(open_sheet, book, strings, width: int) -> Iterator[tuple]:
    state = [1, 0]  # the next row number to yield; the last row number read
    for block in _blocks(open_sheet):
        fast = _canonical(block, book, strings, width, state)
        yield from fast if fast is not None else _iterate(block, book, strings, width, state)


# Rows and cells as Excel, LibreOffice and openpyxl write them: attributes in this order,
# a value or an inline string. One pass over the sheet with few Python steps per cell.
_FAST = re.compile(
    r'<row r="(\d+)"[^>]*?(/?)>'
    r'|<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(\w+)")?'
    r'(?:/>|>(?:<v>([^<]*)</v>|(<is>)<t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)')


def _canonical(data: str, book, strings, width: int, state: list[int]) -> list[tuple] | None:
    """Every row of `data` when every row and cell has the canonical form (and `state`,
    the next row number and the last one read, moved on); else None."""
    cells = data.count("<c ") + data.count("<c>") + data.count("<c/")
    rows_seen = data.count("<row")
    out: list[tuple] = []
    values: list | None = None
    expected, matched_rows, matched_cells = state[0], 0, 0
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
    if matched_rows:
        state[:] = [expected, expected - 1]
    return out


def _iterate(data: str, book, strings, width: int, state: list[int]) -> Iterator[tuple]:
    empty = (None,) * width
    expected, last = state  # the next row number to yield; the last row number read
    for row in _ROW.finditer(data):
        mark = _attrs(row.group(1)).get("r")
        number = last = int(float(mark)) if mark else last + 1
        state[1] = last
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
        expected = state[0] = number + 1
        yield tuple(values)
