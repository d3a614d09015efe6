"""A PDF batch in parts: the rows are checked once, then split into parts that are jobs of
their own (`pdf_part`), so every worker — each with its own LibreOffice — converts some;
the last part to finish queues the batch again, which joins the parts' PDFs (pypdf).

How many parts follows how many workers are live when the batch starts (the roster every
worker process writes into the queue's storage, docgen.jobs.roster), not a fixed size: a
part costs a conversion of its own, the queue's round trips and the join, which only pay
when another worker converts it at the same time. One worker (the default `docgen serve`)
converts a batch in one piece; N workers get N parts of equal size, none under MIN_PART_ROWS
forms; and no part passes MAX_PART_ROWS, whatever the count, to keep one conversion within
LibreOffice's time limit and memory."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

from sqlalchemy import func, select, update

from .. import batch as bulk
from ..errors import UserError
from ..importers import Problem, Table
from ..privacy import mask_text
from ..store.models import JobRow
from .board import DONE, FAILED, RUNNING, WAITING, Board

MIN_PART_ROWS = 100  # smaller parts cost more in start-up and join than they save
MAX_PART_ROWS = 2000  # one conversion of 2,000 forms takes a minute or two
PDF_STAGE = "Đang chuyển sang PDF (LibreOffice)"


def count(rows: int, workers: int) -> int:
    """How many parts `rows` forms make for `workers` live workers (1: one conversion):
    one a worker, each of at least MIN_PART_ROWS, none of more than MAX_PART_ROWS."""
    shared = min(max(1, workers), rows // MIN_PART_ROWS)
    return max(1, shared, math.ceil(rows / MAX_PART_ROWS))


def cut(rows: list, pieces: int) -> list[list]:
    """`rows` in `pieces` runs of their order, sizes differing by one at most."""
    size, extra = divmod(len(rows), pieces)
    out, start = [], 0
    for i in range(pieces):
        end = start + size + (1 if i < extra else 0)
        out.append(rows[start:end])
        start = end
    return out


def split(work, kind: str, table, defaults: dict | None) -> bool:
    """Hand a list to parts when more than one is worth it (count(): the live workers and
    the list's length); False (nothing done) for one conversion. Bad rows are found here,
    once, and kept on the job for its page."""
    rows = table.rows if isinstance(table, Table) else list(table)
    board = work.board
    stale = [p.id for p in board.parts(work.id)]
    if stale:  # parts of an attempt whose worker died: made again, or not at all
        with board.store.session() as s:
            Board.delete(s, stale)
    if count(len(rows), work.workers()) <= 1:
        return False
    notes: list[str] = []
    if isinstance(table, Table) and table.ignored:
        notes.append(f"Cột không dùng đến, đã bỏ qua: {mask_text(', '.join(table.ignored))}")
    good, problems = bulk.validate(kind, table, defaults, notes)
    if not good:
        detail = (": " + "; ".join(str(p) for p in problems)) if problems else ""
        raise UserError("Không có dòng hợp lệ nào để điền" + detail)
    numbers = {g.number for g in good}
    kept = [r for r in rows if r.number in numbers]
    pieces = count(len(kept), work.workers())
    if pieces <= 1:  # bad rows left too few for two parts: one conversion after all
        return False
    headers = dict(table.headers) if isinstance(table, Table) else {}
    chunks = cut(kept, pieces)
    ids = [board.create(work.owner, work.title, "pdf_part", {
        "kind": kind, "defaults": defaults, "list": {
            "rows": [[r.number, r.data] for r in chunk], "headers": headers,
            "table": True, "source": getattr(table, "source", "")}},
        parent=work.id, part=i, total=len(chunk)) for i, chunk in enumerate(chunks)]
    board.update(work.id, parts=len(chunks), parts_done=0, total=len(kept), done=0,
                 stage=PDF_STAGE, problems=[[p.row, p.column, p.message] for p in problems],
                 notes=notes)
    for job_id in ids:
        work.enqueue(job_id)
    work.delegated = True
    return True


def ready(work) -> bool:
    """Whether this job's parts have all been converted (it runs again to join them)."""
    row = work.board.row(work.id)
    return bool(row.parts) and row.parts_done >= row.parts


def merge(work, path: Path) -> bulk.Result:
    """Join the parts' PDFs in order into `path`; the Result the whole batch would give."""
    from pypdf import PdfWriter
    board = work.board
    row = board.row(work.id)
    work.stage = "Đang ghép các phần PDF"
    written = 0
    writer = PdfWriter()
    with tempfile.TemporaryDirectory(dir=work.folder) as tmp:
        for index, part in enumerate(board.parts(work.id)):
            if part.state != DONE:
                raise RuntimeError(f"part {part.part} of job {work.id} is {part.state}")
            piece = Path(tmp) / f"{part.part:04d}.pdf"
            with open(piece, "wb") as fh:
                for data in board.output(part.id):
                    fh.write(data)
            writer.append(str(piece))
            written += part.done
            if index == 0:  # the first part's archive declaration is the whole's
                keep_archive_declaration(writer, piece)
        with open(path, "wb") as fh:
            writer.write(fh)
    writer.close()
    done = [p.id for p in board.parts(work.id)]
    with board.store.session() as s:  # the parts' files are in the whole one now
        Board.delete(s, done)
        s.execute(update(JobRow).where(JobRow.id == work.id).values(parts=0, parts_done=0))
    return bulk.Result(written=written,
                       skipped=[Problem(*p) for p in json.loads(row.problems or "[]")],
                       notes=list(json.loads(row.notes or "[]")))


def keep_archive_declaration(writer, first: Path) -> None:
    """Give the joined PDF the first part's PDF/A-2b declaration (XMP metadata, output
    intent, language, document information): pypdf copies pages, not the catalog. Every
    part is exported with the same options, so the declaration holds for all of them. The
    tags' structure is not joined, so the file does not claim to be tagged (/MarkInfo)."""
    from pypdf import PdfReader
    from pypdf.generic import NameObject
    reader = PdfReader(str(first))
    root = reader.trailer["/Root"]
    for key in ("/Metadata", "/OutputIntents", "/Lang"):
        if key in root:
            writer.root_object[NameObject(key)] = root.raw_get(key).clone(writer)
    if reader.metadata:
        writer.add_metadata(dict(reader.metadata))


def part_ended(board: Board, parent_id: str, state: str, message: str, enqueue) -> None:
    """After a part ended: a failure fails its job; the last part done queues the job again."""
    if state == FAILED:
        if message:
            board.finish(parent_id, FAILED, message=message)
        return
    with board.store.session() as s:
        left = s.scalar(select(func.count()).select_from(JobRow).where(
            JobRow.parent_id == parent_id, JobRow.state != DONE))
        if left:
            return
        again = s.execute(update(JobRow).where(
            JobRow.id == parent_id, JobRow.state == RUNNING, JobRow.parts_done < JobRow.parts)
            .values(state=WAITING, parts_done=JobRow.parts, attempts=0, worker=""))
        if again.rowcount != 1:
            return
    enqueue(parent_id)
