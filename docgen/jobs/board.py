"""The jobs' record in the database: what every web process shows and every worker updates
(state, progress, rows skipped, the output in chunks), and the clean-up of old or abandoned
jobs. No queue here: docgen.jobs.queue hands job ids to workers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
from collections.abc import Iterator
from typing import BinaryIO

from sqlalchemy import delete, func, select, update

from ..importers import Problem
from ..store.models import JobChunk, JobRow, utcnow

KEEP_SECONDS = 2 * 3600  # a finished job's file can be downloaded for two hours
WAITING, RUNNING, DONE, FAILED = "waiting", "running", "done", "failed"
CHUNK = 1 << 20  # output bytes per job_chunk row
MAX_ATTEMPTS = 2  # a job whose worker died is tried once more, then reported failed
WORKER_DIED = ("Máy xử lý đã dừng giữa chừng (hai lần) khi tạo tệp này, nên chưa có tệp nào "
               "được tạo. Hãy tạo lại; nếu vẫn lỗi, hãy báo quản trị.")


@dataclasses.dataclass(frozen=True)
class JobView:
    """What the job page shows, read from the database in one go."""

    id: str
    owner: int
    title: str
    state: str
    stage: str
    done: int
    total: int
    message: str
    problems: tuple
    notes: tuple
    back: str
    download_name: str
    mimetype: str
    size: int
    mark: dict | None
    created: dt.datetime
    finished: dt.datetime | None
    attempts: int

    @property
    def active(self) -> bool:
        return self.state in (WAITING, RUNNING)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


def _view(row: JobRow, done: int | None = None) -> JobView:
    return JobView(
        id=row.id, owner=row.owner_id, title=row.title, state=row.state, stage=row.stage,
        done=row.done if done is None else done, total=row.total, message=row.message,
        problems=tuple(Problem(*p) for p in json.loads(row.problems or "[]")),
        notes=tuple(json.loads(row.notes or "[]")), back=row.back,
        download_name=row.download_name, mimetype=row.mimetype, size=row.size,
        mark=json.loads(row.mark) if row.mark else None, created=row.created,
        finished=row.finished, attempts=row.attempts)


class Board:
    """The jobs of one database (`store`: a docgen.store.Store)."""

    def __init__(self, store, *, keep_seconds: float = KEEP_SECONDS):
        self.store = store
        self.keep_seconds = keep_seconds

    # ---- creating and reading -------------------------------------------------------------

    def create(self, owner: int, title: str, kind: str, payload: dict, *, back: str = "",
               parent: str | None = None, part: int = 0, total: int = 0) -> str:
        """A waiting job; returns its id (random, unguessable)."""
        job_id = secrets.token_urlsafe(12)
        with self.store.session() as s:
            s.add(JobRow(id=job_id, owner_id=owner, title=title[:300], kind=kind, parent_id=parent,
                         part=part, payload=json.dumps(payload, ensure_ascii=False).encode(),
                         state=WAITING, stage="Đang chờ đến lượt", back=back, total=total,
                         created=utcnow(), problems="[]", notes="[]", mark=""))
        return job_id

    def get(self, job_id: str, owner: int | None = None) -> JobView | None:
        """The job, if it exists (and is `owner`'s when `owner` is given); parts are hidden."""
        with self.store.session(readonly=True) as s:
            row = s.get(JobRow, job_id)
            if row is None or row.parent_id is not None or (
                    owner is not None and row.owner_id != owner):
                return None
            done = None
            if row.parts and row.state == RUNNING:  # the parts' progress is the job's
                done = s.scalar(select(func.coalesce(func.sum(JobRow.done), 0))
                                .where(JobRow.parent_id == row.id))
            return _view(row, done)

    def payload(self, job_id: str) -> dict:
        with self.store.session(readonly=True) as s:
            return json.loads(s.scalar(select(JobRow.payload).where(JobRow.id == job_id)))

    def row(self, job_id: str) -> JobRow | None:
        with self.store.session(readonly=True) as s:
            return s.get(JobRow, job_id)

    def waiting_before(self, job: JobView) -> int:
        """How many jobs started earlier have not finished."""
        with self.store.session(readonly=True) as s:
            return s.scalar(select(func.count()).select_from(JobRow).where(
                JobRow.parent_id.is_(None), JobRow.state.in_((WAITING, RUNNING)),
                JobRow.created < job.created, JobRow.id != job.id))

    # ---- a worker's side --------------------------------------------------------------------

    def claim(self, job_id: str, worker: str) -> bool:
        """Take a waiting job for `worker`; False when it is not waiting (taken, finished)."""
        now = utcnow()
        with self.store.session() as s:
            taken = s.execute(update(JobRow).where(JobRow.id == job_id, JobRow.state == WAITING)
                              .values(state=RUNNING, worker=worker[:120], started=now,
                                      heartbeat=now,
                                      attempts=JobRow.attempts + 1, stage="Đang tạo"))
            return taken.rowcount == 1

    def update(self, job_id: str, **values) -> None:
        """Write progress fields (stage, done, total…) and the heartbeat of a running job."""
        values = {k: json.dumps(v, ensure_ascii=False) if k in ("problems", "notes", "mark")
                  and not isinstance(v, str) else v for k, v in values.items()}
        with self.store.session() as s:
            s.execute(update(JobRow).where(JobRow.id == job_id, JobRow.state == RUNNING)
                      .values(heartbeat=utcnow(), **values))

    def finish(self, job_id: str, state: str, **values) -> bool:
        """End a running job (DONE or FAILED) with its last fields; False if it was not
        running any more (another worker took it over)."""
        values = {k: json.dumps(v, ensure_ascii=False) if k in ("problems", "notes", "mark")
                  and not isinstance(v, str) else v for k, v in values.items()}
        for key in ("stage", "download_name"):  # String(300) columns (PostgreSQL checks)
            if isinstance(values.get(key), str):
                values[key] = values[key][:300]
        with self.store.session() as s:
            if state == FAILED:
                s.execute(delete(JobChunk).where(JobChunk.job_id == job_id))
            ended = s.execute(update(JobRow).where(JobRow.id == job_id, JobRow.state == RUNNING)
                              .values(state=state, finished=utcnow(), **values))
            return ended.rowcount == 1

    def save_output(self, job_id: str, fh: BinaryIO) -> int:
        """Store a file's bytes as the job's output, 1 MiB per row; returns its size."""
        size, seq = 0, 0
        with self.store.session() as s:
            s.execute(delete(JobChunk).where(JobChunk.job_id == job_id))
        while data := fh.read(CHUNK):
            with self.store.session() as s:  # one chunk per transaction: memory stays flat
                s.add(JobChunk(job_id=job_id, seq=seq, data=data))
            size, seq = size + len(data), seq + 1
        return size

    def output(self, job_id: str) -> Iterator[bytes]:
        """The job's output, chunk by chunk (each read in its own short transaction)."""
        seq = 0
        while True:
            with self.store.session(readonly=True) as s:
                data = s.scalar(select(JobChunk.data).where(JobChunk.job_id == job_id,
                                                            JobChunk.seq == seq))
            if data is None:
                return
            yield data
            seq += 1

    def parts(self, job_id: str) -> list[JobRow]:
        with self.store.session(readonly=True) as s:
            return list(s.scalars(select(JobRow).where(JobRow.parent_id == job_id)
                                  .order_by(JobRow.part)))

    # ---- clean-up ---------------------------------------------------------------------------

    def stale(self, seconds: float) -> list[str]:
        """Running jobs whose worker has not written for `seconds`: put back to waiting (to be
        queued again; returned) or, after MAX_ATTEMPTS, failed with the reason."""
        cutoff = utcnow() - dt.timedelta(seconds=seconds)
        again = []
        with self.store.session() as s:
            rows = list(s.scalars(select(JobRow).where(
                JobRow.state == RUNNING, JobRow.heartbeat < cutoff,
                (JobRow.parts == 0) | (JobRow.parts_done >= JobRow.parts))))
            for row in rows:
                if row.attempts < MAX_ATTEMPTS:
                    row.state, row.worker = WAITING, ""
                    row.stage = "Đang chờ làm lại (máy xử lý đã dừng giữa chừng)"
                    again.append(row.id)
                else:
                    row.state, row.message, row.finished = FAILED, WORKER_DIED, utcnow()
                    if row.parent_id:  # a part that failed fails its job
                        s.execute(update(JobRow).where(JobRow.id == row.parent_id,
                                                       JobRow.state == RUNNING)
                                  .values(state=FAILED, message=WORKER_DIED, finished=utcnow()))
        return again

    def waiting_since(self, seconds: float) -> list[str]:
        """Jobs (and parts) still waiting `seconds` after they were recorded."""
        cutoff = utcnow() - dt.timedelta(seconds=seconds)
        with self.store.session(readonly=True) as s:
            return list(s.scalars(select(JobRow.id).where(JobRow.state == WAITING,
                                                          JobRow.created < cutoff)))

    def sweep(self) -> int:
        """Delete finished jobs older than `keep_seconds` with their output; the count."""
        cutoff = utcnow() - dt.timedelta(seconds=self.keep_seconds)
        with self.store.session() as s:
            old = list(s.scalars(select(JobRow.id).where(JobRow.finished < cutoff)))
            if old:
                self.delete(s, old)
        return len(old)

    @staticmethod
    def delete(session, job_ids: list[str]) -> None:
        """Delete jobs, their parts and every chunk, in `session`."""
        parts = list(session.scalars(select(JobRow.id).where(JobRow.parent_id.in_(job_ids))))
        ids = list(job_ids) + parts
        session.execute(delete(JobChunk).where(JobChunk.job_id.in_(ids)))
        session.execute(delete(JobRow).where(JobRow.id.in_(ids)))
