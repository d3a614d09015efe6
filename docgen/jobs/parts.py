"""A PDF batch in parts: the rows are checked once, then split into parts that are jobs of
their own (`pdf_part`), so every worker — each with its own LibreOffice — converts some;
the last part to finish queues the batch again, which joins the parts' PDFs (pypdf)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from sqlalchemy import func, select, update

from .. import batch as bulk
from ..errors import UserError
from ..importers import Problem, Table
from ..privacy import mask_text
from ..store.models import JobRow
from .board import DONE, FAILED, RUNNING, WAITING, Board

PART_ROWS = 250  # forms per part: 2,000 forms make 8 parts, enough to share among workers
PDF_STAGE = "Đang chuyển sang PDF (LibreOffice)"


def split(work, kind: str, table, defaults: dict | None) -> bool:
    """Hand a list of more than PART_ROWS rows to parts; False (nothing done) for a shorter
    one. Bad rows are found here, once, and kept on the job for its page."""
    rows = table.rows if isinstance(table, Table) else list(table)
    if len(rows) <= PART_ROWS:
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
    headers = dict(table.headers) if isinstance(table, Table) else {}
    chunks = [kept[i:i + PART_ROWS] for i in range(0, len(kept), PART_ROWS)]
    board = work.board
    stale = [p.id for p in board.parts(work.id)]
    if stale:  # parts of an attempt whose worker died: made again
        with board.store.session() as s:
            Board.delete(s, stale)
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
        for part in board.parts(work.id):
            if part.state != DONE:
                raise RuntimeError(f"part {part.part} of job {work.id} is {part.state}")
            piece = Path(tmp) / f"{part.part:04d}.pdf"
            with open(piece, "wb") as fh:
                for data in board.output(part.id):
                    fh.write(data)
            writer.append(str(piece))
            written += part.done
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
