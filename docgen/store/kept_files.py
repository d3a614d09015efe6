"""Files kept for a while in the database (`kept_file`), so that every web process on every
machine reaches them: an import's upload between its preview and its confirmation, and
documents' preview images. A file is written in one transaction as 1 MiB rows (all or
nothing: a full database leaves no piece behind), found again by its kind, key and owner,
and deleted by `sweep` once expired."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.exc import DBAPIError

from .models import KeptFile, utcnow

CHUNK = 1 << 20  # bytes per kept_file row, as job outputs (job_chunk)
UPLOAD, PREVIEW = "upload", "preview"
PG_DISK_FULL = "53100"  # SQLSTATE disk_full


@dataclass(frozen=True)
class Kept:
    """A kept file as the quota sees it."""

    key: str
    size: int
    created_at: dt.datetime


def _owned(kind: str, key: str, owner_id: int | None):
    """The WHERE clause of one owner's file (owner None: a file of no one, e.g. a preview)."""
    owner = KeptFile.owner_id.is_(None) if owner_id is None else KeptFile.owner_id == owner_id
    return (KeptFile.kind == kind, KeptFile.key == key, owner)


def put(store, kind: str, key: str, data: bytes, *, owner_id: int | None,
        keep_seconds: float) -> None:
    """Keep `data` as the file `key` of `kind` for `keep_seconds`, replacing one of the same
    key; raises the database's error (and keeps nothing) when it refuses the write."""
    now = utcnow()
    expires = now + dt.timedelta(seconds=keep_seconds)
    with store.session() as s:
        s.execute(delete(KeptFile).where(KeptFile.kind == kind, KeptFile.key == key))
        for seq, start in enumerate(range(0, max(len(data), 1), CHUNK)):
            s.add(KeptFile(owner_id=owner_id, kind=kind, key=key, seq=seq, size=len(data),
                           data=data[start:start + CHUNK], created_at=now, expires=expires))


def get(store, kind: str, key: str, *, owner_id: int | None) -> bytes | None:
    """The bytes of `owner_id`'s file `key`, or None when there is none, it is another
    owner's, it has expired, or a piece is missing."""
    with store.session(readonly=True) as s:
        rows = s.execute(select(KeptFile.seq, KeptFile.size, KeptFile.data)
                         .where(*_owned(kind, key, owner_id), KeptFile.expires > utcnow())
                         .order_by(KeptFile.seq)).all()
    if not rows or [r.seq for r in rows] != list(range(len(rows))):
        return None
    data = b"".join(r.data for r in rows)
    return data if len(data) == rows[0].size else None


def drop(store, kind: str, key: str, *, owner_id: int | None) -> None:
    """Delete `owner_id`'s file `key` (nothing when there is none or it is another's)."""
    with store.session() as s:
        s.execute(delete(KeptFile).where(*_owned(kind, key, owner_id)))


def owned(store, kind: str, owner_id: int) -> list[Kept]:
    """`owner_id`'s unexpired files of `kind`, oldest first."""
    with store.session(readonly=True) as s:
        rows = s.execute(select(KeptFile.key, KeptFile.size, KeptFile.created_at)
                         .where(KeptFile.kind == kind, KeptFile.owner_id == owner_id,
                                KeptFile.seq == 0, KeptFile.expires > utcnow())
                         .order_by(KeptFile.created_at, KeptFile.id)).all()
    return [Kept(r.key, r.size, r.created_at) for r in rows]


def make_room(store, kind: str, owner_id: int, size: int, *, max_files: int,
              max_bytes: int) -> int:
    """Drop `owner_id`'s oldest files of `kind` until one more of `size` bytes keeps them
    within `max_files` files and `max_bytes` bytes; returns how many went."""
    files = owned(store, kind, owner_id)
    total, gone = sum(f.size for f in files), []
    while files and (len(files) + 1 > max_files or total + size > max_bytes):
        oldest = files.pop(0)
        total -= oldest.size
        gone.append(oldest.key)
    if gone:
        with store.session() as s:
            s.execute(delete(KeptFile).where(KeptFile.kind == kind, KeptFile.key.in_(gone),
                                             KeptFile.owner_id == owner_id))
    return len(gone)


def sweep(store, now: dt.datetime | None = None) -> int:
    """Delete every expired file (of every kind and owner); returns how many rows went."""
    with store.session() as s:
        return s.execute(delete(KeptFile).where(
            KeptFile.expires <= (now or utcnow()))).rowcount or 0


def is_full(exc: BaseException) -> bool:
    """Whether a database error means its disk (or its size limit) is full: SQLite's
    SQLITE_FULL, PostgreSQL's disk_full."""
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    return ("database or disk is full" in str(orig)
            or getattr(orig, "sqlstate", None) == PG_DISK_FULL
            or getattr(orig, "pgcode", None) == PG_DISK_FULL)
