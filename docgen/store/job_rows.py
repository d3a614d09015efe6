"""The durable jobs' tables: one row per job (its input, state, progress and outcome) and
its output file in 1 MiB chunks, so that any web process serves what any worker made."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, utcnow


class JobRow(Base):
    """A job: `kind` names its handler (docgen.jobs.handlers), `payload` its JSON input;
    a PDF batch's parts are jobs with `parent_id` set (`part` their order)."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_state_created", "state", "created"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner_id: Mapped[int] = mapped_column(Integer, index=True)
    parent_id: Mapped[str | None] = mapped_column(String(32), index=True)
    part: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(60))
    payload: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    state: Mapped[str] = mapped_column(String(10), default="waiting")
    stage: Mapped[str] = mapped_column(String(300), default="")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="[]")  # [[row, column, message], …]
    notes: Mapped[str] = mapped_column(Text, default="[]")  # ["…", …]
    mark: Mapped[str] = mapped_column(Text, default="")  # JSON: the household lists printed
    back: Mapped[str] = mapped_column(String(300), default="")
    download_name: Mapped[str] = mapped_column(String(300), default="")
    mimetype: Mapped[str] = mapped_column(String(120), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer, default=0)  # bytes of the output
    parts: Mapped[int] = mapped_column(Integer, default=0)  # parts handed to other workers
    parts_done: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    started: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished: Mapped[dt.datetime | None] = mapped_column(DateTime)
    heartbeat: Mapped[dt.datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str] = mapped_column(String(120), default="")


class JobChunk(Base):
    """One piece (at most 1 MiB) of a job's output file, in order of `seq`."""

    __tablename__ = "job_chunk"

    job_id: Mapped[str] = mapped_column(String(32), ForeignKey("job.id", ondelete="CASCADE"),
                                        primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
