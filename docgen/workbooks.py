"""Reading workbooks that nobody is trusted to have made well: ZIP bombs refused from the
sizes the ZIP declares before openpyxl inflates anything, one sheet read with rows and
columns capped, formulas without a cached value, formula errors and merged cells reported
by cell. `docgen.importers` and `docgen.exchange` read every .xlsx through here."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable, Iterable, Iterator

from .errors import UserError
from .vietnamese import fold

HEADER_SEARCH_ROWS = 20       # a title or a note may sit above the header row
MAX_ROWS = 20_000
MAX_COLUMNS = 100             # lists have a dozen columns; cells further right are not read
EXCEL_ROWS = 1_048_576        # no sheet Excel writes has more rows
MAX_PART = 64 << 20           # bytes one part of a workbook may inflate to (20,000 rows: ~10 MB)
MAX_INFLATED = 128 << 20      # bytes the whole workbook may inflate to
MAX_RATIO = 100               # inflated/compressed size of a part over 1 MB (real sheets: ~15)
MAX_CELLS = 1_000_000         # cells one sheet may hold (20,000 rows of 50 columns)
MAX_MERGES = 10_000           # merged ranges in the list's sheet
ERROR_VALUES = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                          "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!"})
GUIDE_SHEETS = ("huong dan",)  # the blank list's guide sheet names headers but is no list
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Text a spreadsheet would run: a formula start, after any apostrophes (so that a value
# really beginning with "'=" also comes back unchanged from an export and re-import).
FORMULA_LIKE = re.compile("'*[" + re.escape("".join(FORMULA_START)) + "]")
_NEUTRALISED = re.compile("'" + FORMULA_LIKE.pattern)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what XML 1.0 forbids (openpyxl refuses)


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would treat as a formula gets a leading apostrophe, and a control
    character no workbook can hold is shown as «�» (every workbook docgen writes goes
    through here: a row stored before its field was checked must not stop an export)."""
    if isinstance(value, str):
        value = _CONTROL.sub("\ufffd", value)
        if FORMULA_LIKE.match(value):
            return "'" + value
    return value


def unneutralise(text: str) -> str:
    """The text `neutralise` was given: our anti-formula apostrophe taken off again."""
    return text[1:] if _NEUTRALISED.match(text) else text


def has_value(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def letter(pos: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(pos + 1)



@dataclass
class Sheet:
    """The non-empty rows of one sheet as (Excel row number, values), and what its cells
    hide: formulas with no cached value by (row, column index), merged ranges. A sheet
    read while it is used has no `rows` but a `source` of `entries`."""

    title: str
    rows: Iterable[tuple[int, tuple]]
    pending: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: list[tuple[str, int, int, int, int]] = field(default_factory=list)
    source: Callable[[], Iterator[tuple[int, tuple, tuple]]] | None = None

    def entries(self) -> Iterator[tuple[int, tuple, tuple]]:
        """(row number, values, the row's formulas with no cached value as (column index,
        formula)) of each row in order; a streamed sheet reads them as they are asked for."""
        if self.source is not None:
            return self.source()
        pending: dict[int, list[tuple[int, str]]] = {}
        for (row, pos), formula in sorted(self.pending.items()):
            pending.setdefault(row, []).append((pos, formula))
        return ((row, values, tuple(pending.get(row, ()))) for row, values in self.rows)

    def issues(self, header: int, used: set[int]) -> dict[int, tuple[int, str]]:
        """Row number → (column index, message) for the first bad used cell of each data row
        below the `header` row: an unevaluated formula, a formula error, a merged cell."""
        check = self.checker(header, used)
        found = {}
        for row, values, formulas in self.entries():
            issue = check(row, values, formulas)
            if issue is not None:
                found[row] = issue
        return found

    def checker(self, header: int, used: set[int]):
        """`check(row, values, formulas)`: the first bad used cell of a data row, as
        (column index, message), or None; rows must come in ascending order. `formulas`
        are the row's (column index, formula) with no cached value."""
        used = set(used)
        # A merged range shows its first cell's value in all its cells, but only that cell
        # holds it: the rows where a used cell is such a hidden one, as (first, last) spans.
        spans = []
        for ref, top, left, bottom, right in self.merged:
            beside = [p for p in sorted(used) if left < p <= right]      # in the first row
            below = [p for p in sorted(used) if left <= p <= right]      # in the rows below
            if beside and top > header:
                spans.append((top, top, beside[0], ref))
            if below and bottom > max(top, header):
                spans.append((max(top + 1, header + 1), bottom, below[0], ref))
        spans.sort()
        active: list[tuple[int, int, int, str]] = []   # spans begun, in sorted order
        ahead = iter(spans)
        upcoming = next(ahead, None)

        def check(row: int, values: tuple, formulas=()) -> tuple[int, str] | None:
            nonlocal upcoming
            if row <= header:
                return None
            for pos, formula in formulas:
                if pos in used:
                    shown = formula if len(formula) <= 60 else formula[:57] + "…"
                    return (pos, f"ô {_cell(row, pos)} chứa công thức «{shown}» chưa có giá trị "
                                 "tính sẵn; hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi "
                                 "tải lên lại")
            bad = next((p for p in used if p < len(values) and isinstance(values[p], str)
                        and values[p] in ERROR_VALUES), None)
            if bad is not None:
                return (bad, f"ô {_cell(row, bad)} là lỗi công thức «{values[bad]}»; "
                             "hãy sửa công thức trong Excel")
            while upcoming is not None and upcoming[0] <= row:
                active.append(upcoming)
                upcoming = next(ahead, None)
            if active:
                active[:] = [span for span in active if span[1] >= row]
            if active:                               # the first span, in order, holding row
                _, _, pos, ref = active[0]
                return (pos, f"ô {ref} là ô gộp (merge) nên chỉ ô đầu có giá trị; "
                             "hãy bỏ gộp ô và ghi giá trị vào từng ô")
            return None
        return check


def _cell(row: int, pos: int) -> str:
    return f"{letter(pos)}{row}"


def _subject(label: str | None, start: bool = True) -> str:
    """"Tệp «ds.xlsx»" / "Tệp tải lên" ("tệp …" inside a sentence)."""
    word = "Tệp" if start else "tệp"
    return f"{word} «{label}»" if label else f"{word} tải lên"


def check_package(data: bytes, label: str | None = None) -> None:
    """UserError for a ZIP whose parts would inflate beyond what a list needs (a ZIP bomb),
    judged from the sizes its directory declares (zipfile never inflates past them), or
    whose sheets are packed with more rows or cells than a list has: openpyxl parses about
    a million elements a second, even to find a sheet's size, so they are counted first."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception:  # a corrupted directory raises BadZipFile, NotImplementedError, …
        raise UserError(f"{_subject(label)} không phải bảng tính Excel .xlsx hợp lệ (tệp nén "
                        "bị hỏng); hãy lưu lại từ Excel rồi thử lại") from None
    advice = ("có thể là tệp độc hại (ZIP bomb); không đọc tệp này. Nếu là danh sách thật, hãy "
              "mở bằng Excel và lưu thành tệp .xlsx mới")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_PART or total > MAX_INFLATED:
            raise UserError(f"{_subject(label)} khi giải nén lên tới hơn "
                            f"{max(info.file_size, total) >> 20:,} MB (phần «{info.filename}»), "
                            f"vượt giới hạn {MAX_PART >> 20} MB: {advice}".replace(",", "."))
        if info.file_size > 1 << 20 and ratio > MAX_RATIO:
            raise UserError(f"{_subject(label)} có phần «{info.filename}» nén với tỷ lệ bất "
                            f"thường 1:{ratio:,.0f}: {advice}".replace(",", "."))
    for info in infos:
        if info.filename.endswith(".xml") and info.file_size > 1 << 20:
            try:
                with archive.open(info) as fh:
                    counts = _count(fh)
            except Exception:  # a bad CRC, an unsupported compression: openpyxl will say
                continue
            _check_counts(counts, info.filename, label)


_ROW_TAGS = (b"<row", b":row ", b":row>")
_CELL_TAGS = tuple(start + end for start in (b"<c", b":c") for end in (b" ", b">", b"/"))


def _count(fh, chunk: int = 64 << 10) -> dict[bytes, int]:
    """How often each row and cell tag occurs in the part read from `fh`, a chunk at a
    time (a tag split between two chunks is counted once)."""
    counts = dict.fromkeys(_ROW_TAGS + _CELL_TAGS, 0)
    tail = b""
    while True:
        data = fh.read(chunk)
        if not data:
            return counts
        for tag in counts:
            # the previous chunk's last len(tag) - 1 bytes: too short to hold a whole tag
            counts[tag] += (tail[1 - len(tag):] + data).count(tag)
        tail = data[-8:]


def _check_counts(counts: dict[bytes, int], part: str, label: str | None) -> None:
    rows = sum(counts[tag] for tag in _ROW_TAGS)
    cells = sum(counts[tag] for tag in _CELL_TAGS)
    where = f"Phần «{part}» của {_subject(label, False)}"
    if rows > EXCEL_ROWS:
        raise UserError(f"{where} có hơn {EXCEL_ROWS:,} dòng, quá số dòng tối đa của Excel: tệp "
                        "bị hỏng hoặc không do Excel tạo ra".replace(",", "."))
    if cells > MAX_CELLS:
        raise UserError(f"{where} có hơn {MAX_CELLS:,} ô (kể cả ô trống đã định dạng); hãy chép "
                        "riêng danh sách sang một tệp mới rồi tải lên".replace(",", "."))


def pick_sheet(book, data: bytes, label: str | None, is_header: Callable[[tuple], bool], *,
               prefer: tuple[str, ...] = (), stream: bool = False) -> tuple[Sheet | None, bool]:
    """The sheet of an open read-only `book` that holds the list, and whether every sheet
    is empty. The list is on the visible sheet whose header row `is_header` finds: the one
    named like the template's (`prefer`) if any, else the only one; several, or only a
    hidden one, is a UserError saying which sheets and what to do. With `stream`, the
    sheet's rows are read as its `entries()` are iterated (`book` must stay open)."""
    found, hidden, empty = [], [], True
    for ws in book.worksheets:
        if fold(ws.title).strip() in GUIDE_SHEETS:
            continue
        ws.reset_dimensions()  # some writers record a wrong sheet size
        head = [values for _, values in _rows(ws, label, limit=HEADER_SEARCH_ROWS)]
        empty = empty and not head and next(_rows(ws, label), None) is None
        if any(is_header(values) for values in head):
            (found if ws.sheet_state == "visible" else hidden).append(ws)
    preferred = [ws for ws in found
                 if any(fold(ws.title).startswith(fold(name)) for name in prefer)]
    chosen = preferred if preferred else found
    if len(chosen) > 1:
        names = ", ".join(f"«{ws.title}»" for ws in chosen)
        wanted = f" hoặc đặt tên trang cần đọc là «{prefer[0]}»" if prefer else ""
        raise UserError(f"{_subject(label)} có {len(chosen)} trang cùng có dòng tiêu đề danh "
                        f"sách ({names}) nên không rõ cần đọc trang nào: hãy để danh sách ở một "
                        f"trang (chuyển các trang kia sang tệp khác){wanted} rồi tải lên lại")
    if not chosen and hidden:
        raise UserError(f"Danh sách nằm ở trang đang ẩn «{hidden[0].title}» của "
                        f"{_subject(label, False)}: hãy bỏ ẩn trang "
                        "(nhấp chuột phải vào tên trang → Bỏ ẩn) rồi tải lên lại")
    if not chosen:
        return None, empty
    ws = chosen[0]
    merged, formulas = _scan(book, ws, label)
    if stream:
        sheet = Sheet(ws.title, (), merged=merged)
        sheet.source = lambda: _entries(book, data, ws, label, formulas)
        return sheet, False
    sheet = Sheet(ws.title, [], merged=merged)
    for number, values, pending in _entries(book, data, ws, label, formulas):
        sheet.rows.append((number, values))
        sheet.pending.update(((number, pos), formula) for pos, formula in pending)
    return sheet, False


def _rows(ws, label: str | None, limit: int | None = None, *, book=None):
    """(Excel row number, values) of the non-empty rows of `ws`, at most MAX_COLUMNS wide;
    UserError past MAX_ROWS filled rows or Excel's last row. `limit` stops at that row.
    Given the open read-only `book`, the faster `sheetrows` reader is used when it can."""
    from . import sheetrows
    filled = 0
    source = sheetrows.rows(book, ws, MAX_COLUMNS) if book is not None else None
    if source is None:
        source = ws.iter_rows(max_col=MAX_COLUMNS, values_only=True)
    for number, values in enumerate(source, 1):
        if limit is not None and number > limit:
            return
        if number > EXCEL_ROWS:
            raise UserError(f"Trang «{ws.title}» của {_subject(label, False)} có hơn "
                            f"{EXCEL_ROWS:,} dòng, quá số dòng tối đa của Excel: tệp bị hỏng "
                            "hoặc không do Excel tạo ra".replace(",", "."))
        # count() runs in C: a sheet declaring a million empty rows is skipped quickly.
        if values.count(None) == len(values) or not any(has_value(v) for v in values):
            continue
        filled += 1
        if filled > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise UserError(f"Trang «{ws.title}» của {_subject(label, False)} có hơn "
                            f"{MAX_ROWS:,} dòng; hãy chia thành nhiều tệp".replace(",", "."))
        yield number, values


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3}\d{1,7}(?::[A-Za-z]{1,3}'
                    rb'\d{1,7})?)"')


def _scan(book, ws, label: str | None) -> tuple[list[tuple[str, int, int, int, int]], bool]:
    """The merged ranges of `ws`'s XML, and whether it holds formulas; read a chunk at a
    time (each cut before a "<", so no tag is split)."""
    from openpyxl.utils.cell import range_boundaries
    path = getattr(ws, "_worksheet_path", None)
    archive = getattr(book, "_archive", None)
    merged: list[tuple[str, int, int, int, int]] = []
    formulas = False
    if not path or archive is None:
        return merged, formulas
    with archive.open(path) as fh:
        rest = b""
        while True:
            chunk = fh.read(64 << 10)
            raw = rest + chunk
            cut = raw.rfind(b"<") if chunk else len(raw)
            if cut <= 0 and chunk:
                rest = raw
                continue
            raw, rest = raw[:cut], raw[cut:]
            formulas = formulas or _FORMULA.search(raw) is not None
            for match in _MERGE.finditer(raw):
                if len(merged) >= MAX_MERGES:
                    raise UserError(f"Trang «{ws.title}» của {_subject(label, False)} có hơn "
                                    f"{MAX_MERGES:,} vùng ô gộp; hãy bỏ gộp ô (Merge) rồi tải "
                                    "lên lại".replace(",", "."))
                ref = match.group(1).decode().upper()
                left, top, right, bottom = range_boundaries(ref)
                merged.append((ref, top, left - 1, bottom, right - 1))
            if not chunk:
                return merged, formulas


def _entries(book, data: bytes, ws, label: str | None, formulas: bool):
    """(row number, values, formulas with no cached value) of the non-empty rows of `ws`,
    read as they are asked for. data_only hides a formula with no cached value as an
    empty cell: when the sheet has formulas, the formula view is read in step with it."""
    cached = _rows(ws, label, book=book)
    if not formulas:
        for number, values in cached:
            yield number, values, ()
        return
    import openpyxl
    twin_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        twin = twin_book[ws.title]
        twin.reset_dimensions()
        view = _rows(twin, label)
        ahead = next(view, None)
        for number, values in cached:
            while ahead is not None and ahead[0] < number:
                lone = _uncached(ahead[1], ())
                if lone:   # a row of uncached formulas looked empty
                    yield ahead[0], (None,) * len(ahead[1]), lone
                ahead = next(view, None)
            found: tuple = ()
            if ahead is not None and ahead[0] == number:
                found, ahead = _uncached(ahead[1], values), next(view, None)
            yield number, values, found
        while ahead is not None:
            lone = _uncached(ahead[1], ())
            if lone:
                yield ahead[0], (None,) * len(ahead[1]), lone
            ahead = next(view, None)
    finally:
        twin_book.close()


def _uncached(row: tuple, cached: tuple) -> tuple[tuple[int, str], ...]:
    return tuple((pos, value) for pos, value in enumerate(row)
                 if isinstance(value, str) and value.startswith("=")
                 and (pos >= len(cached) or cached[pos] is None))
