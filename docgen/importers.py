"""Lists of people or units from the Excel (.xlsx) or CSV files office staff keep.

`read(source, kind)` finds the header row (Vietnamese headers, matched with or without
diacritics, in any case, with aliases), turns every data row into a dict shaped like the
kind's input and reports each bad cell as (row number as Excel shows it, header, message).
Rows that hold nothing are not data and are skipped silently; a row with a bad cell is
never dropped silently: it is listed in `Table.problems`. A file that cannot be read at
all raises a UserError in Vietnamese. `blank_workbook(kind)` writes the empty list.

Workbooks are distrusted: `check_package` refuses ZIP bombs from the sizes the ZIP declares
before openpyxl inflates anything, `pick_sheet` reads one sheet with rows and columns capped
and reports formulas without a cached value, formula errors and merged cells by cell
(`docgen.exchange` reads its files through the same two functions).
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import importlib
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Union

from .errors import UserError
from .schema import clean_text
from .vietnamese import fold, short_date

Source = Union[str, os.PathLike, bytes, BinaryIO]
HEADER_SEARCH_ROWS = 20       # a title or a note may sit above the header row
MAX_ROWS = 20_000
FIRST_YEAR = 1900
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


@dataclass(frozen=True)
class Column:
    """One column a kind's list may have.

    `field` is the input field it fills ("signer.name" for a nested one); `kind` says how
    a cell is read (text, year, cccd, integer, list); `required` rows without it are
    reported; `personal` values belong to each row and are never taken from the defaults;
    `used` False marks a column that is recognised and ignored (STT, Ghi chú).
    """

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    kind: str = "text"
    required: bool = False
    personal: bool = False
    used: bool = True
    help: str = ""
    example: str = ""
    width: int = 16


IGNORED = (
    Column("stt", "STT", ("TT", "Số TT", "Số thứ tự"), used=False, help="Số thứ tự (không in)",
           example="1", width=6),
    Column("note", "Ghi chú", ("Chú thích",), used=False, help="Ghi chú của người lập danh "
           "sách (không in)", example="", width=20),
)


@dataclass(frozen=True)
class Problem:
    """A bad cell or row: the row number as Excel shows it, the header, what is wrong."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"dòng {self.row} ({self.column})" if self.column else f"dòng {self.row}"
        return f"{where}: {self.message}"


@dataclass
class Row:
    """A data row: its number in the sheet and its values shaped like the kind's input."""

    number: int
    data: dict[str, Any]


@dataclass
class Table:
    """What a list file held: good rows, problems, and which header fills which field."""

    kind: str
    source: str
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)    # field -> header as typed
    ignored: list[str] = field(default_factory=list)          # headers not understood
    sheet: str = ""


def header_key(text: str) -> str:
    """A header reduced for matching: no diacritics, case, punctuation or "(…)" notes."""
    text = re.sub(r"\(.*?\)", " ", str(text))
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


def columns(kind: str) -> tuple[Column, ...]:
    """The columns of `kind`'s list (its document module's COLUMNS) plus STT and Ghi chú."""
    from . import documents
    record = documents.get(kind)
    module = importlib.import_module(record.input.__module__)
    found = getattr(module, "COLUMNS", None)
    if not found:
        raise UserError(f"Loại văn bản «{kind}» không điền hàng loạt từ danh sách được; các loại "
                        "điền được: " + ", ".join(batch_kinds()))
    return tuple(found) + IGNORED


def batch_kinds() -> list[str]:
    """Kinds whose document module declares the columns of a list."""
    from . import documents
    return [name for name, k in documents.KINDS.items()
            if getattr(importlib.import_module(k.input.__module__), "COLUMNS", None)]


def _index(cols: tuple[Column, ...]) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for col in cols:
        for name in (col.header, *col.aliases):
            key = header_key(name)
            if index.get(key, col) is not col:
                raise RuntimeError(f"header {name!r} names two columns")
            index[key] = col
    return index


def match_header(text: Any, cols: tuple[Column, ...]) -> Column | None:
    """The column a header cell names, or None."""
    if text is None:
        return None
    return _index(cols).get(header_key(text))


# --------------------------------------------------------------------------- files

def read(source: Source, kind: str, *, name: str | None = None) -> Table:
    """The rows of a .xlsx or .csv list for `kind`; UserError when the file is unreadable.

    `name` is the file name shown in messages (and whose extension tells CSV from XLSX)
    when `source` is bytes or a file object.
    """
    cols = columns(kind)
    label, data = _load(source, name)
    suffix = Path(label).suffix.lower()
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise UserError(f"Tệp «{label}» là định dạng Excel cũ (.xls); hãy mở bằng Excel hoặc "
                        "LibreOffice, chọn Lưu thành «Excel Workbook (.xlsx)» rồi thử lại")
    if data[:2] == b"PK":
        sheet = _xlsx_sheet(data, label, cols)
    elif suffix == ".csv" or suffix == ".txt":
        sheet = Sheet("", _csv_rows(data, label))
    elif suffix in (".xlsx", ".xlsm"):
        hint = " (có vẻ là tệp văn bản CSV bị đổi đuôi; hãy đổi đuôi thành .csv)" \
            if _looks_like_text(data) else " (tệp bị hỏng hoặc không phải bảng tính)"
        raise UserError(f"Tệp «{label}» không phải bảng tính Excel .xlsx hợp lệ{hint}")
    else:
        raise UserError(f"Không đọc được tệp «{label}»: chỉ nhận bảng tính Excel .xlsx hoặc "
                        "tệp .csv (UTF-8)")
    return _table(sheet, cols, kind, label)


def _load(source: Source, name: str | None) -> tuple[str, bytes]:
    if isinstance(source, (bytes, bytearray)):
        return name or "danh sách", bytes(source)
    if hasattr(source, "read"):
        return name or getattr(source, "name", "danh sách"), source.read()
    path = Path(source)
    try:
        return name or path.name, path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"Không tìm thấy tệp «{path}»") from None
    except OSError as exc:
        raise UserError(f"Không đọc được tệp «{path}»: {exc.strerror}") from None


def _looks_like_text(data: bytes) -> bool:
    try:
        data[:4096].decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in data[:4096]


def _xlsx_sheet(data: bytes, label: str, cols) -> Sheet:
    """The sheet holding the list (see `pick_sheet`), with cached values of formulas."""
    import openpyxl
    check_package(data, label)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a broken ZIP or XML can raise almost anything in openpyxl
        kind = "tệp Word" if b"word/document.xml" in data else "bảng tính .xlsx"
        raise UserError(f"Tệp «{label}» không phải bảng tính Excel .xlsx hợp lệ (đây là {kind} "
                        f"bị hỏng hoặc sai định dạng: {type(exc).__name__})") from None
    index = _index(cols)
    required = next(c for c in cols if c.required)
    try:
        sheet, empty = pick_sheet(
            wb, data, label, lambda row: any(
                isinstance(v, str) and index.get(header_key(v)) is required for v in row),
            prefer=("Danh sách",))
    except UserError:
        raise
    except Exception as exc:
        raise UserError(f"Tệp «{label}» bị hỏng, không đọc hết được bảng tính "
                        f"({type(exc).__name__})") from None
    finally:
        wb.close()
    if sheet is None and empty:
        raise UserError(f"Bảng tính «{label}» trống: không có dòng dữ liệu nào")
    if sheet is None:
        raise _no_header(label, cols)
    return sheet


def _csv_rows(data: bytes, label: str) -> list[tuple[int, tuple]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"Tệp CSV «{label}» không phải mã UTF-8; trong Excel hãy chọn Lưu thành "
                        "«CSV UTF-8 (Comma delimited) (*.csv)» rồi thử lại") from None
    if not text.strip():
        raise UserError(f"Tệp «{label}» trống: không có dòng dữ liệu nào")
    first = text.lstrip().split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, tuple]] = []
    number = 0
    try:
        # Rows are numbered by record, as a spreadsheet shows the file (a quoted cell may
        # span several lines of text).
        for number, values in enumerate(reader, 1):
            if any(_filled(v) for v in values):
                rows.append((number, tuple(values)))
                if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                    raise UserError(f"Tệp «{label}» có hơn {MAX_ROWS:,} dòng; hãy chia thành "
                                    "nhiều tệp".replace(",", "."))
    except csv.Error as exc:  # an unclosed quote, a cell over csv's field size limit
        raise UserError(f"Tệp CSV «{label}» hỏng ở dòng {number + 1}: "
                        + ("ô quá dài (hơn 131.072 ký tự)" if "field larger" in str(exc)
                           else "dấu ngoặc kép không khớp hoặc ký tự lạ")) from None
    return rows


def _no_header(label: str, cols) -> UserError:
    required = next(c for c in cols if c.required)
    wanted = ", ".join(c.header for c in cols if c.used)
    return UserError(f"Không tìm thấy dòng tiêu đề có cột «{required.header}» trong "
                     f"{HEADER_SEARCH_ROWS} dòng đầu của tệp «{label}». Dòng tiêu đề cần có các "
                     f"cột (tùy chọn trừ «{required.header}»): {wanted}")


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _header_at(rows: list[tuple[int, tuple]], cols) -> int | None:
    """The index in `rows` of the header row, searched in the first rows of the sheet."""
    required = next(c for c in cols if c.required)
    index = _index(cols)
    for i, (number, values) in enumerate(rows):
        if number > HEADER_SEARCH_ROWS:
            break
        if any(isinstance(v, str) and index.get(header_key(v)) is required for v in values):
            return i
    return None


# --------------------------------------------------------------------------- workbooks

@dataclass
class Sheet:
    """The non-empty rows of one sheet as (Excel row number, values), and what its cells
    hide: formulas with no cached value by (row, column index), merged ranges."""

    title: str
    rows: list[tuple[int, tuple]]
    pending: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: list[tuple[str, int, int, int, int]] = field(default_factory=list)

    def issues(self, header: int, used: set[int]) -> dict[int, tuple[int, str]]:
        """Row number → (column index, message) for the first bad used cell of each data row
        below the `header` row: an unevaluated formula, a formula error, a merged cell."""
        found: dict[int, tuple[int, str]] = {}
        for (row, pos), formula in sorted(self.pending.items()):
            if row > header and pos in used and row not in found:
                shown = formula if len(formula) <= 60 else formula[:57] + "…"
                found[row] = (pos, f"ô {_cell(row, pos)} chứa công thức «{shown}» chưa có giá trị "
                                   "tính sẵn; hãy mở tệp bằng Excel hoặc LibreOffice, lưu lại rồi "
                                   "tải lên lại")
        for row, values in self.rows:
            if row > header and row not in found:
                bad = next((p for p in used if p < len(values) and isinstance(values[p], str)
                            and values[p] in ERROR_VALUES), None)
                if bad is not None:
                    found[row] = (bad, f"ô {_cell(row, bad)} là lỗi công thức «{values[bad]}»; "
                                       "hãy sửa công thức trong Excel")
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
        numbers = [row for row, _ in self.rows]
        done = 0  # rows up to here are covered by an earlier span: each row is visited once
        for first, last, pos, ref in spans:
            start = bisect.bisect_left(numbers, max(first, done + 1))
            done = max(done, last)
            for row in numbers[start:bisect.bisect_right(numbers, last)]:
                if row not in found:
                    found[row] = (pos, f"ô {ref} là ô gộp (merge) nên chỉ ô đầu có giá trị; "
                                       "hãy bỏ gộp ô và ghi giá trị vào từng ô")
        return found


def _cell(row: int, pos: int) -> str:
    return f"{_letter(pos)}{row}"


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
                raw = archive.read(info)
            except Exception:  # a bad CRC, an unsupported compression: openpyxl will say
                continue
            _count_elements(raw, info.filename, label)


def _count_elements(raw: bytes, part: str, label: str | None) -> None:
    rows = raw.count(b"<row") + raw.count(b":row ") + raw.count(b":row>")
    cells = sum(raw.count(b"<c" + end) + raw.count(b":c" + end) for end in (b" ", b">", b"/"))
    where = f"Phần «{part}» của {_subject(label, False)}"
    if rows > EXCEL_ROWS:
        raise UserError(f"{where} có hơn {EXCEL_ROWS:,} dòng, quá số dòng tối đa của Excel: tệp "
                        "bị hỏng hoặc không do Excel tạo ra".replace(",", "."))
    if cells > MAX_CELLS:
        raise UserError(f"{where} có hơn {MAX_CELLS:,} ô (kể cả ô trống đã định dạng); hãy chép "
                        "riêng danh sách sang một tệp mới rồi tải lên".replace(",", "."))


def pick_sheet(book, data: bytes, label: str | None, is_header: Callable[[tuple], bool], *,
               prefer: tuple[str, ...] = ()) -> tuple[Sheet | None, bool]:
    """The sheet of an open read-only `book` that holds the list, and whether every sheet
    is empty. The list is on the visible sheet whose header row `is_header` finds: the one
    named like the template's (`prefer`) if any, else the only one; several, or only a
    hidden one, is a UserError saying which sheets and what to do."""
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
    sheet = Sheet(ws.title, list(_rows(ws, label)))
    _inspect(book, data, ws, sheet, label)
    return sheet, False


def _rows(ws, label: str | None, limit: int | None = None):
    """(Excel row number, values) of the non-empty rows of `ws`, at most MAX_COLUMNS wide;
    UserError past MAX_ROWS filled rows or Excel's last row. `limit` stops at that row."""
    filled = 0
    for number, values in enumerate(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), 1):
        if limit is not None and number > limit:
            return
        if number > EXCEL_ROWS:
            raise UserError(f"Trang «{ws.title}» của {_subject(label, False)} có hơn "
                            f"{EXCEL_ROWS:,} dòng, quá số dòng tối đa của Excel: tệp bị hỏng "
                            "hoặc không do Excel tạo ra".replace(",", "."))
        # count() runs in C: a sheet declaring a million empty rows is skipped quickly.
        if values.count(None) == len(values) or not any(_filled(v) for v in values):
            continue
        filled += 1
        if filled > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise UserError(f"Trang «{ws.title}» của {_subject(label, False)} có hơn "
                            f"{MAX_ROWS:,} dòng; hãy chia thành nhiều tệp".replace(",", "."))
        yield number, values


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3}\d{1,7}(?::[A-Za-z]{1,3}'
                    rb'\d{1,7})?)"')


def _inspect(book, data: bytes, ws, sheet: Sheet, label: str | None) -> None:
    """Fill `sheet.merged` and `sheet.pending` from the sheet's XML and its formulas."""
    import openpyxl
    from openpyxl.utils.cell import range_boundaries
    path = getattr(ws, "_worksheet_path", None)
    archive = getattr(book, "_archive", None)
    if not path or archive is None:
        return
    raw = archive.read(path)
    for match in _MERGE.finditer(raw):
        if len(sheet.merged) >= MAX_MERGES:
            raise UserError(f"Trang «{ws.title}» của {_subject(label, False)} có hơn "
                            f"{MAX_MERGES:,} vùng ô gộp; hãy bỏ gộp ô (Merge) rồi tải lên "
                            "lại".replace(",", "."))
        ref = match.group(1).decode().upper()
        left, top, right, bottom = range_boundaries(ref)
        sheet.merged.append((ref, top, left - 1, bottom, right - 1))
    if not _FORMULA.search(raw):
        return
    # data_only hides a formula with no cached value as an empty cell; the formula view
    # tells the two apart.
    values = dict(sheet.rows)
    formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        twin = formulas[ws.title]
        twin.reset_dimensions()
        for number, row in _rows(twin, label):
            cached = values.get(number, ())
            for pos, value in enumerate(row):
                if isinstance(value, str) and value.startswith("=") and \
                        (pos >= len(cached) or cached[pos] is None):
                    sheet.pending[(number, pos)] = value
                    if number not in values:   # a row of uncached formulas looked empty
                        values[number] = (None,) * len(row)
                        sheet.rows.append((number, values[number]))
        sheet.rows.sort(key=lambda item: item[0])
    finally:
        formulas.close()


# --------------------------------------------------------------------------- rows

def _table(sheet: Sheet, cols, kind: str, label: str) -> Table:
    rows = sheet.rows
    at = _header_at(rows, cols)
    if at is None:
        raise _no_header(label, cols)
    table = Table(kind=kind, source=label, sheet=sheet.title)
    index = _index(cols)
    layout: list[tuple[int, Column]] = []
    seen: dict[str, int] = {}
    header_number, header = rows[at]
    for pos, raw in enumerate(header):
        if not _filled(raw):
            continue
        col = index.get(header_key(raw))
        if col is None:
            table.ignored.append(str(raw).strip())
            continue
        if col.field in seen:
            raise UserError(f"Tệp «{label}»: cột «{col.header}» có hai lần (cột "
                            f"{_letter(seen[col.field])} và cột {_letter(pos)}); hãy xóa một cột")
        seen[col.field] = pos
        table.headers[col.field] = str(raw).strip()
        if col.used:
            layout.append((pos, col))
    used_positions = {pos for pos, _ in layout}
    issues = sheet.issues(header_number, used_positions)
    header_of = {pos: table.headers[col.field] for pos, col in layout}
    for number, values in rows[at + 1:]:
        if number in issues:
            pos, message = issues[number]
            table.problems.append(Problem(number, header_of[pos], message))
            continue
        if not any(_filled(v) for p, v in enumerate(values) if p in used_positions):
            continue                                  # only STT / Ghi chú: not data
        row, problems = _read_row(values, layout, table.headers, number)
        if problems:
            table.problems.extend(problems)
        else:
            table.rows.append(Row(number, row))
    return table


def _letter(pos: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(pos + 1)


def _read_row(values: tuple, layout, headers: dict[str, str], number: int):
    data: dict[str, Any] = {}
    problems: list[Problem] = []
    for pos, col in layout:
        raw = values[pos] if pos < len(values) else None
        header = headers[col.field]
        if not _filled(raw):
            if col.required:
                problems.append(Problem(number, header, f"thiếu {col.header.lower()}"))
            continue
        try:
            value = convert(col.kind, raw)
        except ValueError as exc:
            problems.append(Problem(number, header, str(exc)))
            continue
        if value in ("", []):
            if col.required:
                problems.append(Problem(number, header, f"thiếu {col.header.lower()}"))
            continue
        _put(data, col.field, value)
    return data, problems


def _put(data: dict, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


def convert(kind: str, raw: Any) -> Any:
    """A cell's value for a column of `kind`; ValueError with a Vietnamese message."""
    if kind == "year":
        return _year(raw)
    if kind == "cccd":
        return _cccd(raw)
    if kind == "integer":
        return _integer(raw)
    text = _text(raw)
    if kind == "list":
        return [clean_text(part) for part in re.split(r"[;\n]", text) if part.strip()]
    return clean_text(text)


def _text(raw: Any) -> str:
    if isinstance(raw, bool):
        return "có" if raw else "không"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return short_date(raw.date())
    if isinstance(raw, dt.date):
        return short_date(raw)
    if isinstance(raw, dt.time):
        return raw.strftime("%H:%M")
    return str(raw)


def _year(raw: Any) -> int:
    last = dt.date.today().year
    if isinstance(raw, (dt.date, dt.datetime)):
        value = raw.year
    elif isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer():
        value = int(raw)
    elif isinstance(raw, str) and re.fullmatch(r"\s*\d{4}\s*", raw):
        value = int(raw)
    else:
        value = None
    if value is None or not FIRST_YEAR <= value <= last:
        shown = _text(raw).strip()
        raise ValueError(f"«{shown}» không phải năm sinh hợp lệ (4 chữ số, từ {FIRST_YEAR} "
                         f"đến {last})")
    return value


def _cccd(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        digits = str(raw)
        # Excel stores a number typed into a General cell and drops its leading zeros:
        # 38078004512 was 038078004512. The province code (001–096) never starts 000.
        if 10 <= len(digits) < 12:
            digits = digits.zfill(12)
    else:
        text = _text(raw).strip()
        digits = re.sub(r"[\s.\-]", "", text) if re.fullmatch(r"[0-9\s.\-]+", text) else text
    if not re.fullmatch(r"[0-9]{12}", digits):  # \d would take full-width or Arabic digits
        raise ValueError(f"«{_text(raw).strip()}» không phải số CCCD (cần đúng 12 chữ số)")
    return digits


def _integer(raw: Any) -> int:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer():
        return int(raw)
    text = _text(raw).strip()
    if re.fullmatch(r"\d{1,3}(\.\d{3})+|\d+", text):
        return int(text.replace(".", ""))
    raise ValueError(f"«{text}» không phải số nguyên")


# --------------------------------------------------------------------------- blank list

def blank_workbook(kind: str, *, rows: int = 500) -> bytes:
    """The empty list users fill: Vietnamese headers, widths, text-formatted CCCD cells,
    and a second sheet "Hướng dẫn" explaining each column."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    cols = columns(kind)
    order = [IGNORED[0], *(c for c in cols if c.used), IGNORED[1]]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    bold = Font(name="Times New Roman", bold=True, size=12)
    plain = Font(name="Times New Roman", size=12)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for i, col in enumerate(order, 1):
        cell = ws.cell(row=1, column=i, value=col.header)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = col.width
        if col.kind == "cccd":          # text cells keep the leading zero of a CCCD
            for r in range(2, rows + 2):
                ws.cell(row=r, column=i).number_format = "@"
    ws.freeze_panes = "A2"
    guide = wb.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Bắt buộc", "Cách ghi", "Ví dụ"])
    for cell in guide[1]:
        cell.font, cell.fill = bold, fill
    for col in order:
        guide.append([col.header, "Có" if col.required else "Không", col.help, col.example])
    guide.append([])
    guide.append(["Lưu ý", "", "Mỗi dòng một " + ("người (hộ gia đình)" if kind == "commitment"
                                                   else "đơn vị") + "; dòng trống được bỏ qua. "
                  "Dòng có ô sai (thiếu tên, năm sinh không phải năm, CCCD không đủ 12 số) "
                  "được báo theo số dòng và không được in.", ""])
    widths = (26, 10, 70, 28)
    for i, width in enumerate(widths, 1):
        guide.column_dimensions[get_column_letter(i)].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.font = plain
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
