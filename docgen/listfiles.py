"""List files opened: an .xlsx workbook (distrusted, see `docgen.workbooks`) or a CSV file
(UTF-8, any of three delimiters) turned into the `Sheet` holding the list, its rows read
only as they are asked for; a file that cannot be read at all is refused with a
Vietnamese UserError. `docgen.importers` finds the header and reads the rows."""

from __future__ import annotations

import codecs
import csv
import io
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from .errors import UserError
from .workbooks import HEADER_SEARCH_ROWS, MAX_ROWS, Sheet, check_package, has_value, pick_sheet

log = logging.getLogger(__name__)

Source = str | os.PathLike | bytes | BinaryIO


def open_list(source: Source, name: str | None, is_header: Callable[[tuple], bool],
              no_header: Callable[[str], UserError]
              ) -> tuple[str, Sheet, Callable[[], None] | None]:
    """The file's name for messages, its sheet holding the list (rows read as
    `entries()` are iterated) and the function closing it (None for CSV). `is_header`
    tells the header row; `no_header(label)` is the error when no sheet has one."""
    label, data = _load(source, name)
    if not data:
        raise UserError(f"Tệp «{label}» rỗng (0 byte): hãy chọn lại tệp danh sách")
    suffix = Path(label).suffix.lower()
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise UserError(f"Tệp «{label}» là định dạng Excel cũ (.xls); hãy mở bằng Excel hoặc "
                        "LibreOffice, chọn Lưu thành «Excel Workbook (.xlsx)» rồi thử lại")
    close = None
    if data[:2] == b"PK":
        sheet, close = _xlsx_sheet(data, label, is_header, no_header)
    elif suffix == ".csv" or suffix == ".txt":
        sheet = Sheet("", (), source=_csv_rows(data, label))
    elif suffix in (".xlsx", ".xlsm"):
        hint = " (có vẻ là tệp văn bản CSV bị đổi đuôi; hãy đổi đuôi thành .csv)" \
            if _looks_like_text(data) else " (tệp bị hỏng hoặc không phải bảng tính)"
        raise UserError(f"Tệp «{label}» không phải bảng tính Excel .xlsx hợp lệ{hint}")
    else:
        raise UserError(f"Không đọc được tệp «{label}»: chỉ nhận bảng tính Excel .xlsx hoặc "
                        "tệp .csv (UTF-8)")
    return label, sheet, close


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


def _xlsx_sheet(data: bytes, label: str, is_header: Callable[[tuple], bool],
                no_header: Callable[[str], UserError]) -> tuple[Sheet, Callable[[], None]]:
    """The sheet holding the list (see `pick_sheet`), with cached values of formulas, read
    while it is iterated; and the function closing the workbook."""
    import openpyxl
    check_package(data, label)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a broken ZIP or XML can raise almost anything in openpyxl
        kind = "tệp Word" if b"word/document.xml" in data else "bảng tính .xlsx"
        log.info("openpyxl refused %s: %r", label, exc)
        raise UserError(f"Tệp «{label}» không phải bảng tính Excel .xlsx hợp lệ (đây là {kind} "
                        "bị hỏng hoặc sai định dạng); hãy mở bằng Excel hoặc LibreOffice, lưu "
                        "lại thành .xlsx rồi thử lại") from None
    try:
        sheet, empty = pick_sheet(wb, data, label, is_header, prefer=("Danh sách",), stream=True)
        if sheet is None and empty:
            raise UserError(f"Bảng tính «{label}» trống: không có dòng dữ liệu nào")
        if sheet is None:
            raise no_header(label)
    except UserError:
        wb.close()
        raise
    except Exception as exc:
        wb.close()
        raise broken(label, exc) from None
    return sheet, wb.close


def broken(label: str, exc: Exception) -> UserError:
    """The refusal of a workbook that broke while read (the cause logged, not shown)."""
    log.info("reading %s broke: %r", label, exc)
    return UserError(f"Tệp «{label}» bị hỏng, không đọc hết được bảng tính; hãy mở bằng Excel "
                     "hoặc LibreOffice, lưu lại thành .xlsx rồi thử lại")


def _csv_rows(data: bytes, label: str) -> Callable[[], Iterator[tuple[int, tuple, tuple]]]:
    """The non-empty records of a CSV file as (number, values, ()), decoded and read as
    they are asked for; an undecodable or empty file is refused at once."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    blank = True
    try:
        for start in range(0, len(data), 1 << 20):   # checked a megabyte at a time
            text = decoder.decode(data[start:start + (1 << 20)])
            blank = blank and not text.strip()
        blank = blank and not decoder.decode(b"", final=True).strip()
    except UnicodeDecodeError:
        raise UserError(f"Tệp CSV «{label}» không phải mã UTF-8; trong Excel hãy chọn Lưu thành "
                        "«CSV UTF-8 (Comma delimited) (*.csv)» rồi thử lại") from None
    if blank:
        raise UserError(f"Tệp «{label}» trống: không có dòng dữ liệu nào")
    head = data[:1 << 20].decode("utf-8-sig", errors="ignore")
    first = head.lstrip().split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)

    def records() -> Iterator[tuple[int, tuple, tuple]]:
        text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        filled = number = 0
        try:
            # Rows are numbered by record, as a spreadsheet shows the file (a quoted cell
            # may span several lines of text).
            for number, values in enumerate(reader, 1):
                if any(has_value(v) for v in values):
                    filled += 1
                    if filled > MAX_ROWS + HEADER_SEARCH_ROWS:
                        raise UserError(f"Tệp «{label}» có hơn {MAX_ROWS:,} dòng; hãy chia thành "
                                        "nhiều tệp".replace(",", "."))
                    yield number, tuple(values), ()
        except csv.Error as exc:  # an unclosed quote, a cell over csv's field size limit
            raise UserError(f"Tệp CSV «{label}» hỏng ở dòng {number + 1}: "
                            + ("ô quá dài (hơn 131.072 ký tự)" if "field larger" in str(exc)
                               else "dấu ngoặc kép không khớp hoặc ký tự lạ")) from None
    return records
