"""Uploaded files kept between an import's preview and its confirmation.

The file is stored under a random token in a folder of the signed-in user's own in the
instance folder; the token, not a path, travels through the browser, so no user input
ever names a file on disk, and one user's token finds nothing for another. Each user keeps
at most MAX_FILES files and MAX_BYTES bytes (the oldest go first); files older than
KEEP_SECONDS are swept. A file is written under a temporary name and renamed, so a full
disk leaves no truncated file: it raises `DiskFull`, whose message the page shows.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import time
from pathlib import Path

from flask import current_app, g

from docgen.errors import UserError

KEEP_SECONDS = 6 * 3600
MAX_FILES = 5                    # per user: previews not yet confirmed
MAX_BYTES = 30 * 1024 * 1024     # per user, all kept files together
_TOKEN = re.compile(r"[0-9a-f]{32}")
SUFFIX, PARTIAL = ".upload", ".part"
FULL = (errno.ENOSPC, errno.EDQUOT)


class DiskFull(UserError):
    """The server's disk (or the account's quota on it) is full: nothing was written."""

    def __init__(self, what: str):
        super().__init__(f"Không lưu được {what}: ổ đĩa của máy chủ đã đầy (hoặc hết hạn mức "
                         "dung lượng). Chưa có gì được ghi; hãy báo quản trị giải phóng dung "
                         "lượng ổ đĩa rồi thử lại.")


def is_disk_full(exc: BaseException) -> bool:
    """Whether `exc` is a write refused for want of space (ENOSPC, EDQUOT)."""
    return isinstance(exc, OSError) and exc.errno in FULL


def write_atomic(path: Path, data: bytes, what: str) -> None:
    """Write `data` to `path` through a temporary file renamed into place; `DiskFull`
    (and nothing at `path`, no temporary file left) when the disk is full."""
    part = path.with_name(f".{path.name}.{secrets.token_hex(4)}{PARTIAL}")
    try:
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())  # tmpfs and quotas report ENOSPC at write or at close
        os.replace(part, path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        if is_disk_full(exc):
            raise DiskFull(what) from None
        raise


def _root() -> Path:
    return Path(current_app.instance_path) / "uploads"


def _folder() -> Path:
    """The signed-in user's folder (created owner-only)."""
    folder = _root() / str(int(g.user.id))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def sweep(now: float | None = None) -> int:
    """Delete every user's kept files older than KEEP_SECONDS, and leftovers of writes that
    were cut short; returns how many files went."""
    now = time.time() if now is None else now
    gone = 0
    root = _root()
    if not root.is_dir():
        return 0
    for path in root.glob("*/*"):
        try:
            age = now - path.stat().st_mtime
        except FileNotFoundError:
            continue
        if age > KEEP_SECONDS or (path.name.endswith(PARTIAL) and age > 600):
            path.unlink(missing_ok=True)
            gone += 1
    return gone


def _make_room(folder: Path, size: int) -> None:
    """Drop the user's oldest kept files until one more of `size` bytes fits the quota."""
    files = []
    for path in folder.glob(f"*{SUFFIX}"):
        try:  # another request's sweep may delete an expired file meanwhile
            stat = path.stat()
        except FileNotFoundError:
            continue
        files.append((stat.st_mtime, stat.st_size, path))
    files.sort()
    total = sum(item[1] for item in files)
    while files and (len(files) + 1 > MAX_FILES or total + size > MAX_BYTES):
        _, oldest_size, oldest = files.pop(0)
        total -= oldest_size
        oldest.unlink(missing_ok=True)


def keep(data: bytes) -> str:
    """Store `data` for the signed-in user; returns the token that finds it again. Expired
    uploads are swept and the user's oldest ones dropped to keep the quota. `DiskFull`
    when the disk is full (nothing is left behind)."""
    sweep()
    folder = _folder()
    _make_room(folder, len(data))
    token = secrets.token_hex(16)
    write_atomic(folder / f"{token}{SUFFIX}", data, "tệp tải lên để xem trước")
    return token


def fetch(token: str) -> bytes | None:
    """The signed-in user's stored bytes for `token`, or None when it is unknown, malformed,
    expired, dropped for the quota, or another user's."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    path = _folder() / f"{token}{SUFFIX}"
    try:
        if time.time() - path.stat().st_mtime > KEEP_SECONDS:
            return None
        return path.read_bytes()
    except FileNotFoundError:
        return None


def forget(token: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        (_folder() / f"{token}{SUFFIX}").unlink(missing_ok=True)
