"""The shipped kinds of job: forms filled in bulk from a list (`bulk_fill`, a PDF of many
forms split into parts that any worker converts: docgen.jobs.parts) and documents filled
from inputs the store made (`bulk_inputs`). Each takes its whole input from the job's JSON
payload, so any worker on any machine can run it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import batch as bulk
from ..importers import Problem, Row, Table
from ..vietnamese import format_number
from . import parts
from .runner import Work, handler

MIMES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "zip": "application/zip", "pdf": "application/pdf"}
# What the job pages say of each kind: (noun, what a list's row is).
NOUNS = {"registration": ("bản đăng ký", "đơn vị"), "commitment": ("bản cam kết", "hộ"),
         "minutes": ("biên bản", "đơn vị"), "score_sheet": ("phiếu chấm điểm", "đơn vị"),
         "certificate": ("giấy công nhận", "đơn vị")}
PDF_STAGE = "Đang chuyển sang PDF (LibreOffice)"


def plain(value: Any) -> Any:
    """A JSON-ready copy: dates as ISO text (as a list's cells are read), tuples as lists."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def rows_payload(rows) -> dict:
    """A list (an importers.Table, or dicts/Rows) as JSON the worker turns back into it."""
    if isinstance(rows, Table):
        return {"rows": [[r.number, plain(r.data)] for r in rows.rows],
                "problems": [[p.row, p.column, p.message] for p in rows.problems],
                "headers": dict(rows.headers), "ignored": list(rows.ignored),
                "source": rows.source, "table": True}
    listed = [r if isinstance(r, Row) else Row(i, r) for i, r in enumerate(rows, 1)]
    return {"rows": [[r.number, plain(r.data)] for r in listed], "table": False}


def table_of(kind: str, data: dict):
    """The list `rows_payload` wrote."""
    rows = [Row(n, d) for n, d in data["rows"]]
    if not data.get("table"):
        return rows
    return Table(kind=kind, source=data.get("source", ""), rows=rows,
                 problems=[Problem(*p) for p in data.get("problems", ())],
                 headers=dict(data.get("headers", {})), ignored=list(data.get("ignored", ())))


@handler("bulk_fill")
def bulk_fill(work: Work) -> None:
    """Fill one form per row of a list (see webform's batch pages for the payload)."""
    p = work.input
    kind, fmt = p["kind"], p["fmt"]
    noun, each = NOUNS[kind]
    path = work.folder / f"forms.{fmt}"
    if p.get("printed_from"):  # the purge of that list erases this job too
        unit_id, year = p["printed_from"]
        work.mark = {"unit_id": unit_id, "year": year}
    if parts.ready(work):
        result = parts.merge(work, path)
    else:
        work.stage = f"Đang kiểm tra danh sách {each}"
        table = table_of(kind, p["list"])
        if fmt == "pdf" and parts.split(work, kind, table, p.get("defaults")):
            return  # the parts run on any worker; the last one queues this job again

        def progress(done: int, total: int) -> None:
            last = fmt == "pdf" and done == total
            work.progress(done, total, PDF_STAGE if last else f"Đang điền {noun}")

        result = bulk.fill(kind, table, path, fmt=fmt, defaults=p.get("defaults"),
                           progress=progress)
    work.problems, work.notes = tuple(result.skipped), tuple(result.notes)
    work.progress(result.written, result.written, f"Đã tạo {format_number(result.written)} {noun}")
    _audit(work, f"tạo {noun} hàng loạt", f"{result.written} mẫu, {fmt}"
           + (f", bỏ qua {len(result.skipped_rows)} dòng lỗi" if result.skipped else ""))
    work.mimetype, work.download_name = MIMES[fmt], p["file_name"]
    work.file = path  # last: the job is done only with its file


@handler("bulk_inputs")
def bulk_inputs(work: Work) -> None:
    """Fill one document per input made from the store (units' papers, households' lists)."""
    p = work.input
    kind, fmt, noun = p["kind"], p["fmt"], p["noun"]
    path = work.folder / f"forms.{fmt}"
    if p.get("printed_from"):  # the purge of those lists erases this job too
        ids, year = p["printed_from"]
        work.mark = {"unit_id": ids[0] if ids else 0, "year": year, "unit_ids": ids,
                     "what": noun, "people": p.get("people", 0)}
    work.stage = f"Đang điền {noun}"

    def progress(done: int, total: int) -> None:
        work.progress(done, total, PDF_STAGE if fmt == "pdf" and done == total
                      else f"Đang điền {noun}")

    result = bulk.fill_inputs(kind, p["inputs"], path, fmt=fmt, label=p["label"],
                              progress=progress)
    work.problems, work.notes = tuple(result.skipped), tuple(p.get("warnings", ()))
    work.progress(result.written, result.written, f"Đã tạo {format_number(result.written)} {noun}")
    _audit(work, f"tạo {noun} hàng loạt", f"{result.written} văn bản, {fmt}")
    work.mimetype, work.download_name = MIMES[fmt], p["file_name"]
    work.file = path


@handler("pdf_part")
def pdf_part(work: Work) -> None:
    """One part of a PDF batch: its rows (all valid) filled and converted by this worker."""
    p = work.input
    path = work.folder / "part.pdf"
    table = table_of(p["kind"], p["list"])
    result = bulk.fill(p["kind"], table, path, fmt="pdf", defaults=p.get("defaults"),
                       progress=lambda done, total: work.progress(done, total, PDF_STAGE))
    work.progress(result.written, result.written)
    work.file = path


def _audit(work: Work, action: str, detail: str) -> None:
    from .. import store as q
    p = work.input
    with work.board.store.session() as s:
        q.audit(s, p.get("user", ""), action, p.get("target", ""), detail, p.get("address", ""))


from . import preview as _preview  # noqa: E402,F401  registers document_pdf, preview_pages
