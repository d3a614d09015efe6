"""Filling one form per row of a list, fast: one merged DOCX, a ZIP of DOCX files, or a PDF.

`fill(kind, rows, out)` validates the rows one by one with the kind's schema (bad rows are
reported by row number and column, and skipped — or, with `strict`, stop everything),
spooling the good ones (`docgen.batchrows`), then renders each row's `context()` with
`docgen.fastfill.FastTemplate` (the template prepared once, each form streamed into the
output). Memory does not grow with the number of rows, and output is written atomically.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from . import documents
from .batchrows import MAX_REPORTED, Good, Skipped, Spool, check, check_inputs, listing
from .errors import UserError
from .fastfill import FastTemplate, Progress
from .importers import Listing, Problem, Row, Table
from .output import atomic_output
from .privacy import mask_text
from .vietnamese import slug

Output = str | os.PathLike | BinaryIO
FORMATS = {".docx": "docx", ".zip": "zip", ".pdf": "pdf"}
__all__ = ["FORMATS", "MAX_REPORTED", "Result", "fill", "fill_inputs", "fill_parsed",
           "output_format", "validate"]


@dataclass
class Result:
    """What a batch did: forms written, rows skipped, other notes.

    `skipped` holds the first MAX_REPORTED problems (by row and column), `skipped_count`
    the number of rows skipped and `problem_count` their problems, all of them (None:
    counted from `skipped`)."""

    written: int
    skipped: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped_count: int | None = None
    problem_count: int | None = None

    def __post_init__(self) -> None:
        if self.skipped_count is None:
            self.skipped_count = len({p.row for p in self.skipped})
        if self.problem_count is None:
            self.problem_count = len(self.skipped)

    @classmethod
    def of(cls, skipped: Skipped, notes: list[str]) -> Result:
        return cls(0, sorted(skipped.kept, key=lambda p: p.row), notes,
                   skipped_count=skipped.rows, problem_count=skipped.problems)

    @property
    def skipped_rows(self) -> list[int]:
        """The rows of the problems kept in `skipped` (all of them up to MAX_REPORTED
        problems; `skipped_count` counts every row)."""
        return sorted({p.row for p in self.skipped})

    def skipped_message(self) -> str:
        """"Đã bỏ qua 3 dòng lỗi: dòng 7 (Họ và tên): thiếu họ tên; …", or "" if none;
        past MAX_REPORTED problems it ends "… và 1.234 lỗi khác chưa liệt kê"."""
        if not self.skipped_count:
            return ""
        count = f"{self.skipped_count:,}".replace(",", ".")
        return (f"Đã bỏ qua {count} dòng lỗi: "
                + listing(self.skipped, self.problem_count - len(self.skipped)))


def output_format(path: str | os.PathLike) -> str:
    """"docx", "zip" or "pdf" from the output file's extension; UserError otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UserError(f"Không hỗ trợ tệp kết quả «{Path(path).name}»: hãy đặt tên có đuôi "
                        ".docx (một tệp gộp), .zip (mỗi mẫu một tệp) hoặc .pdf")
    return FORMATS[suffix]


# --------------------------------------------------------------------------- rows

_Good = Good                          # the name earlier callers used


def validate(kind: str, table: Table | Listing | Iterable[Row | dict],
             defaults: dict | None = None, notes: list[str] | None = None
             ) -> tuple[list[Good], list[Problem]]:
    """Every row parsed with the kind's schema, all kept: the good rows and every
    problem by row and column (CCCD numbers masked). `fill` streams instead
    (`batchrows.check`); this is for callers that want the whole list."""
    good: list[Good] = []
    problems: list[Problem] = []
    for item in check(kind, table, defaults, notes):
        (good if isinstance(item, Good) else problems).append(item)
    problems.sort(key=lambda p: p.row)
    return good, [Problem(p.row, mask_text(p.column), mask_text(p.message)) for p in problems]


# --------------------------------------------------------------------------- output

def fill(kind: str, rows: Table | Listing | Iterable[Row | dict], out: Output, *,
         fmt: str | None = None, defaults: dict | None = None, strict: bool = False,
         progress: Progress | None = None,
         template: str | os.PathLike | None = None) -> Result:
    """Fill one `kind` form per row into `out` (a path, or a binary file object).

    `rows` is a `Table` (`importers.read`), a `Listing` (`importers.stream`: read while
    printing) or row dicts. `fmt` is "docx" (one merged file, each form on its own page),
    "zip" (one DOCX per row, named "0007-nguyen-van-an.docx" by row number and name) or
    "pdf"; None takes it from the path's extension. `defaults` holds the fields shared by
    every row. Rows are validated one by one and the good ones spooled to a temporary
    file, then written: memory does not grow with the list. Bad rows are skipped and
    reported (their count and the first MAX_REPORTED problems); `strict` raises a
    UserError listing them instead, before anything is written. `progress(done, total)`
    is called after each form.
    """
    fmt = _format(fmt, out)
    record = documents.get(kind)
    notes: list[str] = []
    ignored = getattr(rows, "ignored", None)
    if ignored:
        notes.append(f"Cột không dùng đến, đã bỏ qua: {mask_text(', '.join(ignored))}")
    with Spool() as spool:
        skipped = _spool(check(kind, rows, defaults, notes), spool)
        if skipped.rows and strict:
            raise UserError(f"Danh sách có {_count(skipped.rows)} dòng lỗi, chưa tạo tệp nào "
                            "(bỏ --strict để in các dòng hợp lệ): " + skipped.listing())
        if not spool.count:
            detail = (": " + skipped.listing()) if skipped.rows else ""
            raise UserError("Không có dòng hợp lệ nào để điền" + detail)
        result = Result.of(skipped, notes)
        fast = FastTemplate(template or record.template)
        _output(out, lambda fh: _write(fmt, fast, record, spool, spool.count, fh, progress),
                result)
    return result


def fill_inputs(kind: str, inputs: Iterable[dict], out: Output, *, fmt: str,
                label: str, progress: Progress | None = None) -> Result:
    """Fill one `kind` document per input made from the store (a prefill function's dicts,
    no list file): each is validated, an invalid one is skipped and reported by its
    position and its `label` field; output as `fill` writes it."""
    record = documents.get(kind)
    with Spool() as spool:
        skipped = _spool(check_inputs(kind, inputs, label), spool)
        if not spool.count:
            raise UserError("Không có văn bản nào để in" + (
                ": " + skipped.listing() if skipped.rows else ""))
        result = Result.of(skipped, [])
        fast = FastTemplate(record.template)
        _output(out, lambda fh: _write(fmt, fast, record, spool, spool.count, fh, progress),
                result)
    return result


def fill_parsed(kind: str, inputs: Iterable[Any], out: Output, *, fmt: str | None = None,
                count: int | None = None, progress: Progress | None = None,
                template: str | os.PathLike | None = None) -> Result:
    """Fill one `kind` form per already validated input (`schema.parse` results), streamed
    from `inputs` as they come: nothing is checked or skipped. `count` (the number of
    inputs, for `progress`) is taken from `len(inputs)` when None."""
    fmt = _format(fmt, out)
    record = documents.get(kind)
    total = len(inputs) if count is None else count
    items = (Good(n, "", parsed) for n, parsed in enumerate(inputs, 1))
    result = Result(written=0)
    fast = FastTemplate(template or record.template)
    _output(out, lambda fh: _write(fmt, fast, record, items, total, fh, progress), result)
    return result


def _format(fmt: str | None, out: Output) -> str:
    if fmt is None:
        if not isinstance(out, (str, os.PathLike)):
            raise ValueError("fmt is required when writing to a file object")
        fmt = output_format(out)
    if fmt not in FORMATS.values():
        raise ValueError(f"unknown format {fmt!r}")
    return fmt


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _spool(items: Iterable[Good | Problem], spool: Spool) -> Skipped:
    skipped = Skipped()
    for item in items:
        if isinstance(item, Good):
            spool.add(item)
        else:
            skipped.add(item)
    return skipped


def _output(out: Output, produce: Callable[[BinaryIO], int], result: Result) -> None:
    if isinstance(out, (str, os.PathLike)):
        with atomic_output(out) as fh:
            result.written = produce(fh)
    else:
        result.written = produce(out)


def _write(fmt: str, fast: FastTemplate, record, items: Iterable[Good], count: int,
           out: BinaryIO, progress: Progress | None) -> int:
    if fmt == "zip":
        return _write_zip(fast, record, items, count, out, progress)
    contexts = (record.context(item.parsed) for item in items)
    if fmt == "docx":
        return fast.write(out, contexts, count, progress)
    return _write_pdf(fast, contexts, count, out, progress)


def _write_zip(fast: FastTemplate, record, items: Iterable[Good], count: int, out: BinaryIO,
               progress: Progress | None) -> int:
    base = None
    done = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for done, item in enumerate(items, 1):
            ctx = record.context(item.parsed)
            if base is None:
                base = fast.base_package(ctx)
            name = f"{item.number:04d}-{slug(item.label)}.docx"
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)),
                        fast.single(ctx, base))
            if progress:
                progress(done, count)
    return done


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
