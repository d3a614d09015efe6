"""Filling one form per row of a list, fast: one merged DOCX, a ZIP of DOCX files, or a PDF.

`fill(kind, rows, out)` validates every row with the kind's schema first (bad rows are
reported by row number and column, and skipped — or, with `strict`, stop everything),
then renders each row's `context()` with `docgen.fastfill.FastTemplate` (the template
prepared once, each form streamed into the output). Memory does not grow with the
number of rows, and output is written atomically.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from . import documents, importers, schema
from .errors import InputError, UserError
from .fastfill import FastTemplate, Progress
from .importers import Problem, Row, Table
from .output import atomic_output
from .privacy import mask_text
from .vietnamese import slug

Output = str | os.PathLike | BinaryIO
FORMATS = {".docx": "docx", ".zip": "zip", ".pdf": "pdf"}


@dataclass
class Result:
    """What a batch did: forms written, rows skipped with their problems, other notes."""

    written: int
    skipped: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def skipped_rows(self) -> list[int]:
        return sorted({p.row for p in self.skipped})

    def skipped_message(self) -> str:
        """"Đã bỏ qua 3 dòng lỗi: dòng 7 (Họ và tên): thiếu họ tên; …", or "" if none."""
        if not self.skipped:
            return ""
        return (f"Đã bỏ qua {len(self.skipped_rows)} dòng lỗi: "
                + "; ".join(str(p) for p in self.skipped))


def output_format(path: str | os.PathLike) -> str:
    """"docx", "zip" or "pdf" from the output file's extension; UserError otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UserError(f"Không hỗ trợ tệp kết quả «{Path(path).name}»: hãy đặt tên có đuôi "
                        ".docx (một tệp gộp), .zip (mỗi mẫu một tệp) hoặc .pdf")
    return FORMATS[suffix]


# --------------------------------------------------------------------------- rows

@dataclass
class _Good:
    number: int
    label: str
    parsed: Any


# A shared value that belongs to another: a row naming its own commune or residential area
# is dated at its own place, not at the place shared for the list (an uploaded list may hold
# several areas; the commitment form takes its place from the row's commune).
_TIED = {"place": ("commune", "area")}


def _merge(defaults: dict, row: dict) -> dict:
    merged = dict(defaults)
    for key, owners in _TIED.items():
        if key in merged and key not in row and any(row.get(o) for o in owners):
            del merged[key]
    for key, value in row.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _strip_personal(defaults: dict, cols, notes: list[str]) -> dict:
    """The defaults without the values each row must give itself (name, CCCD…)."""
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in defaults.items()}
    dropped = []
    for col in cols:
        if not col.personal:
            continue
        *parents, last = col.field.split(".")
        holder = out
        for part in parents:
            holder = holder.get(part) if isinstance(holder.get(part), dict) else {}
        if last in holder:
            del holder[last]
            dropped.append(col.header)
    if dropped:
        notes.append("Dữ liệu chung có thông tin riêng của từng dòng, không dùng cho các mẫu: "
                     + ", ".join(dropped))
    return out


def validate(kind: str, table: Table | Iterable[Row | dict], defaults: dict | None = None,
             notes: list[str] | None = None) -> tuple[list[_Good], list[Problem]]:
    """Parse every row with the kind's schema; bad rows become problems by row and column.

    A problem with a field no row gives (e.g. a bad year in the defaults) is not a row's
    fault: it raises a UserError naming the field at once.
    """
    record = documents.get(kind)
    cols = importers.columns(kind)
    by_field = {c.field: c for c in cols if c.used}
    notes = notes if notes is not None else []
    common = _strip_personal(defaults or {}, cols, notes)
    if isinstance(table, Table):
        rows, problems, headers = table.rows, list(table.problems), dict(table.headers)
    else:
        rows = [r if isinstance(r, Row) else Row(i, r) for i, r in enumerate(table, 1)]
        problems, headers = [], {}
    required = next(c for c in cols if c.required)
    good: list[_Good] = []
    shared: dict[str, str] = {}
    for row in rows:
        try:
            parsed = schema.parse(record.input, _merge(common, row.data))
        except InputError as exc:
            for path, message in exc.problems:
                column = _column_for(path, headers, by_field, row.data)
                if column is None:
                    shared.setdefault(path, message)
                else:
                    problems.append(Problem(row.number, column, message))
            continue
        label = _get(row.data, required.field) or ""
        good.append(_Good(row.number, str(label), parsed))
    if shared:
        lines = []
        for path, message in shared.items():
            col = by_field.get(re.sub(r"\[\d+\]", "", path))
            hint = (f" (thêm cột «{col.header}» vào danh sách hoặc ghi trong dữ liệu chung "
                    "--defaults)") if col else " (ghi trong dữ liệu chung --defaults)"
            lines.append(f"«{path}»: {message}{hint}")
        raise UserError("Dữ liệu chung của các mẫu chưa đúng: " + "; ".join(lines))
    problems.sort(key=lambda p: p.row)
    # Messages quote cells; they reach job pages, the terminal and logs: mask CCCD numbers.
    return good, [Problem(p.row, mask_text(p.column), mask_text(p.message)) for p in problems]


def _get(data: dict, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _column_for(path: str, headers: dict[str, str], by_field: dict, data: dict) -> str | None:
    """The header a schema problem belongs to; "" for the row as a whole; None when the
    field comes from no column (a problem of the shared data)."""
    if not path:
        return ""
    field_path = re.sub(r"\[\d+\]", "", path)
    for name in [field_path, *(f for f in by_field if f.startswith(field_path + "."))]:
        if name in headers:
            return headers[name]
        if name in by_field and _get(data, name) is not None:
            return by_field[name].header
    return None


# --------------------------------------------------------------------------- output

def fill(kind: str, rows: Table | Iterable[Row | dict], out: Output, *, fmt: str | None = None,
         defaults: dict | None = None, strict: bool = False, progress: Progress | None = None,
         template: str | os.PathLike | None = None) -> Result:
    """Fill one `kind` form per row into `out` (a path, or a binary file object).

    `fmt` is "docx" (one merged file, each form on its own page), "zip" (one DOCX per row,
    named "0007-nguyen-van-an.docx" by row number and name) or "pdf"; None takes it from
    the path's extension. `defaults` holds the fields shared by every row. Bad rows are
    skipped and listed in the result; `strict` raises a UserError listing them instead,
    before anything is written. `progress(done, total)` is called after each form.
    """
    if fmt is None:
        if not isinstance(out, (str, os.PathLike)):
            raise ValueError("fmt is required when writing to a file object")
        fmt = output_format(out)
    if fmt not in FORMATS.values():
        raise ValueError(f"unknown format {fmt!r}")
    record = documents.get(kind)
    notes: list[str] = []
    if isinstance(rows, Table) and rows.ignored:
        ignored = mask_text(", ".join(rows.ignored))
        notes.append(f"Cột không dùng đến, đã bỏ qua: {ignored}")
    good, problems = validate(kind, rows, defaults, notes)
    result = Result(written=0, skipped=problems, notes=notes)
    if problems and strict:
        raise UserError(f"Danh sách có {len(result.skipped_rows)} dòng lỗi, chưa tạo tệp nào "
                        "(bỏ --strict để in các dòng hợp lệ): "
                        + "; ".join(str(p) for p in problems))
    if not good:
        detail = (": " + "; ".join(str(p) for p in problems)) if problems else ""
        raise UserError("Không có dòng hợp lệ nào để điền" + detail)
    fast = FastTemplate(template or record.template)
    contexts = (record.context(g.parsed) for g in good)

    def produce(fh: BinaryIO) -> None:
        if fmt == "zip":
            result.written = _write_zip(fast, record, good, fh, progress)
        elif fmt == "docx":
            result.written = fast.write(fh, contexts, len(good), progress)
        else:
            result.written = _write_pdf(fast, contexts, len(good), fh, progress)

    if isinstance(out, (str, os.PathLike)):
        with atomic_output(out) as fh:
            produce(fh)
    else:
        produce(out)
    return result


def fill_inputs(kind: str, inputs: list[dict], out: Output, *, fmt: str,
                label: str, progress: Progress | None = None) -> Result:
    """Fill one `kind` document per input made from the store (a prefill function's dicts,
    no list file): each is validated, an invalid one is skipped and reported by its
    position and its `label` field; output as `fill` writes it."""
    record = documents.get(kind)
    good: list[_Good] = []
    problems: list[Problem] = []
    for number, data in enumerate(inputs, 1):
        try:
            good.append(_Good(number, str(data.get(label, "")), schema.parse(record.input, data)))
        except InputError as exc:
            problems += [Problem(number, path, f"«{data.get(label, '')}»: {message}")
                         for path, message in exc.problems]
    if not good:
        raise UserError("Không có văn bản nào để in" + (
            ": " + "; ".join(mask_text(str(p)) for p in problems) if problems else ""))
    result = Result(written=0, skipped=[Problem(p.row, mask_text(p.column), mask_text(p.message))
                                        for p in problems])
    fast = FastTemplate(record.template)

    def produce(fh: BinaryIO) -> None:
        contexts = (record.context(g.parsed) for g in good)
        if fmt == "zip":
            result.written = _write_zip(fast, record, good, fh, progress)
        elif fmt == "docx":
            result.written = fast.write(fh, contexts, len(good), progress)
        else:
            result.written = _write_pdf(fast, contexts, len(good), fh, progress)

    if isinstance(out, (str, os.PathLike)):
        with atomic_output(out) as fh:
            produce(fh)
    else:
        produce(out)
    return result


def _write_zip(fast: FastTemplate, record, good: list[_Good], out: BinaryIO,
               progress: Progress | None) -> int:
    base = None
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for done, item in enumerate(good, 1):
            ctx = record.context(item.parsed)
            if base is None:
                base = fast.base_package(ctx)
            name = f"{item.number:04d}-{slug(item.label)}.docx"
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)),
                        fast.single(ctx, base))
            if progress:
                progress(done, len(good))
    return len(good)


def _write_pdf(fast: FastTemplate, contexts: Iterable[dict], count: int, out: BinaryIO,
               progress: Progress | None) -> int:
    from . import pdf
    pdf.soffice()  # a clear message before any work when LibreOffice is missing
    # Through files: a merged document of thousands of pages never sits in memory, and
    # the long-job time limit of convert_file applies.
    with tempfile.TemporaryDirectory(prefix="docgen-batch-pdf-") as tmp:
        src, dst = Path(tmp) / "forms.docx", Path(tmp) / "forms.pdf"
        with open(src, "wb") as docx:
            written = fast.write(docx, contexts, count, progress)
        pdf.convert_file(src, dst)
        with open(dst, "rb") as fh:
            shutil.copyfileobj(fh, out, 1 << 20)
    return written
