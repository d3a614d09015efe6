"""Lists of people or units from the Excel (.xlsx) or CSV files office staff keep.

`read(source, kind)` finds the header row (Vietnamese headers, matched with or without
diacritics, in any case, with aliases), turns every data row into a dict shaped like the
kind's input and reports each bad cell as (row number as Excel shows it, header, message).
Rows that hold nothing are not data and are skipped silently; a row with a bad cell is
never dropped silently: it is listed in `Table.problems`. A file that cannot be read at
all raises a UserError in Vietnamese. `stream(source, kind)` gives the same rows and
problems one at a time while reading the file (`docgen.listfiles` opens it), for lists
of any length in bounded memory. `blank_workbook(kind)` writes the empty list.

Workbooks are read through `docgen.workbooks`, which distrusts them (ZIP bombs, formulas,
merged cells, oversized sheets).
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from . import listfiles
from .errors import UserError
from .listfiles import Source
from .workbooks import (HEADER_SEARCH_ROWS, MAX_ROWS, Sheet, check_package,  # noqa: F401
                        has_value as _filled, letter as _letter, neutralise, pick_sheet,
                        unneutralise)
from .schema import (BIRTH_YEAR_MIN, Column,  # noqa: F401  (Column: kinds' list columns)
                     check_cccd, clean_text)
from .vietnamese import fold, short_date

FIRST_YEAR = BIRTH_YEAR_MIN  # the year rules are stated once, in docgen.schema


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

class Listing:
    """A list file read while it is used: the header is found and checked at once;
    iterating gives each data row (a Row) or the Problems of a bad one, in row order,
    reading the file as it goes. It can be iterated once."""

    def __init__(self, kind: str, source: str, sheet: str, headers: dict[str, str],
                 ignored: list[str], records: Iterator[Row | Problem]) -> None:
        self.kind, self.source, self.sheet = kind, source, sheet
        self.headers, self.ignored = headers, ignored
        self._records: Iterator[Row | Problem] | None = records

    def __iter__(self) -> Iterator[Row | Problem]:
        if self._records is None:
            raise RuntimeError("a Listing is read once")
        records, self._records = self._records, None
        return records


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
    listing = stream(source, kind, name=name)
    table = Table(kind=kind, source=listing.source, sheet=listing.sheet,
                  headers=listing.headers, ignored=listing.ignored)
    for item in listing:
        (table.rows if isinstance(item, Row) else table.problems).append(item)
    return table

def stream(source: Source, kind: str, *, name: str | None = None) -> Listing:
    """The list as `read` gives it, read while it is iterated (memory does not grow with
    its length): a file that cannot be read at all, or without its header, raises a
    UserError here; damage further down raises it while iterating."""
    cols = columns(kind)
    index = _index(cols)
    required = next(c for c in cols if c.required)

    def is_header(values: tuple) -> bool:
        return any(isinstance(v, str) and index.get(header_key(v)) is required for v in values)

    label, sheet, close = listfiles.open_list(source, name, is_header,
                                              lambda label: _no_header(label, cols))
    try:
        return _listing(sheet, cols, kind, label, close)
    except BaseException:
        if close is not None:
            close()
        raise


def _no_header(label: str, cols) -> UserError:
    required = next(c for c in cols if c.required)
    wanted = ", ".join(c.header for c in cols if c.used)
    return UserError(f"Không tìm thấy dòng tiêu đề có cột «{required.header}» trong "
                     f"{HEADER_SEARCH_ROWS} dòng đầu của tệp «{label}». Dòng tiêu đề cần có các "
                     f"cột (tùy chọn trừ «{required.header}»): {wanted}")


def _header(entries: Iterator, cols) -> tuple | None:
    """The header row (number, values, formulas), searched in the first rows of the sheet;
    `entries` then goes on with the rows below it."""
    required = next(c for c in cols if c.required)
    index = _index(cols)
    for number, values, formulas in entries:
        if number > HEADER_SEARCH_ROWS:
            return None
        if any(isinstance(v, str) and index.get(header_key(v)) is required for v in values):
            return number, values, formulas
    return None


# --------------------------------------------------------------------------- rows

def _listing(sheet: Sheet, cols, kind: str, label: str,
             close: Callable[[], None] | None) -> Listing:
    entries = sheet.entries()
    try:
        found = _header(entries, cols)
    except UserError:
        raise
    except Exception as exc:
        raise listfiles.broken(label, exc) from None
    if found is None:
        raise _no_header(label, cols)
    header_number, header, _ = found
    index = _index(cols)
    headers: dict[str, str] = {}
    ignored: list[str] = []
    layout: list[tuple[int, Column]] = []
    seen: dict[str, int] = {}
    for pos, raw in enumerate(header):
        if not _filled(raw):
            continue
        col = index.get(header_key(raw))
        if col is None:
            ignored.append(str(raw).strip())
            continue
        if col.field in seen:
            raise UserError(f"Tệp «{label}»: cột «{col.header}» có hai lần (cột "
                            f"{_letter(seen[col.field])} và cột {_letter(pos)}); hãy xóa một cột")
        seen[col.field] = pos
        headers[col.field] = str(raw).strip()
        if col.used:
            layout.append((pos, col))
    records = _records(sheet, entries, header_number, layout, headers, label, close)
    return Listing(kind, label, sheet.title, headers, ignored, records)


def _records(sheet: Sheet, entries: Iterator, header_number: int, layout, headers: dict,
             label: str, close: Callable[[], None] | None) -> Iterator[Row | Problem]:
    used_positions = {pos for pos, _ in layout}
    check = sheet.checker(header_number, used_positions)
    header_of = {pos: headers[col.field] for pos, col in layout}
    try:
        for number, values, formulas in entries:
            issue = check(number, values, formulas)
            if issue is not None:
                pos, message = issue
                yield Problem(number, header_of[pos], message)
                continue
            if not any(_filled(v) for p, v in enumerate(values) if p in used_positions):
                continue                                  # only STT / Ghi chú: not data
            row, problems = _read_row(values, layout, headers, number)
            if problems:
                yield from problems
            else:
                yield Row(number, row)
    except UserError:
        raise
    except Exception as exc:  # damage in the sheet's XML further down
        if close is None:
            raise
        raise listfiles.broken(label, exc) from None
    finally:
        if close is not None:
            close()



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
    text = unneutralise(_text(raw))  # a list docgen wrote (blank_workbook) reads back as written
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
    elif (isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer()
          or isinstance(raw, str) and re.fullmatch(r"\s*\d{4}\s*", raw)):
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
        digits = _text(raw).strip()
    return check_cccd(digits)  # the rule every path shares (docgen.schema)


def _integer(raw: Any) -> int:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer():
        return int(raw)
    text = _text(raw).strip()
    if re.fullmatch(r"\d{1,3}(\.\d{3})+|\d+", text):
        return int(text.replace(".", ""))
    raise ValueError(f"«{text}» không phải số nguyên")


# --------------------------------------------------------------------------- blank list

def blank_workbook(kind: str, *, rows: int = 500, values: list[dict] | None = None) -> bytes:
    """The list users fill: Vietnamese headers, widths, text-formatted CCCD cells, and a
    second sheet "Hướng dẫn" explaining each column; empty, or with `values` filled in
    (one dict per row keyed by column field, "signer.name"; lists joined by "; ")."""
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
    for r, row in enumerate(values or (), 2):
        for i, col in enumerate(order, 1):
            value = r - 1 if col is IGNORED[0] else row.get(col.field)
            if isinstance(value, (list, tuple)):
                value = "; ".join(value)
            if value not in (None, ""):
                ws.cell(row=r, column=i, value=neutralise(value)).font = plain
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

