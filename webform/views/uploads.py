"""Uploaded files kept between an import's preview and its confirmation.

The file is kept in the database (docgen.store.kept_files), so the confirmation may reach
any web process on any machine; it is found by a random token and the signed-in user's id
together, so the token, not a path, travels through the browser and one user's token finds
nothing for another. Each user keeps at most MAX_FILES files and MAX_BYTES bytes (the
oldest go first); files older than KEEP_SECONDS are swept. A file is written in one
transaction, so a full database keeps no piece of it: it raises `DiskFull`, whose message
the page shows; any other refusal of the database raises `NotKept`, said on the page too.
"""

from __future__ import annotations

import errno
import re
import secrets
import shutil
from pathlib import Path

from flask import current_app, g
from sqlalchemy.exc import SQLAlchemyError

from docgen.errors import UserError
from docgen.store import kept_files

from . import store

KEEP_SECONDS = 6 * 3600
MAX_FILES = 5                    # per user: previews not yet confirmed
MAX_BYTES = 30 * 1024 * 1024     # per user, all kept files together
_TOKEN = re.compile(r"[0-9a-f]{32}")
FULL = (errno.ENOSPC, errno.EDQUOT)
WHAT = "tệp tải lên để xem trước"
# Where older releases kept them, on each machine's disk: emptied once per process.
OLD_FOLDERS = ("uploads", "previews")


class DiskFull(UserError):
    """The server's disk (or the account's quota on it) is full: nothing was written."""

    def __init__(self, what: str):
        super().__init__(f"Không lưu được {what}: ổ đĩa của máy chủ đã đầy (hoặc hết hạn mức "
                         "dung lượng). Chưa có gì được ghi; hãy báo quản trị giải phóng dung "
                         "lượng ổ đĩa rồi thử lại.")


class NotKept(UserError):
    """The database refused to keep or give back a file for another reason than a full disk
    (it is down, unreachable…)."""

    def __init__(self, what: str, action: str = "lưu"):
        super().__init__(f"Không {action} được {what}: cơ sở dữ liệu của máy chủ đang lỗi hoặc "
                         "không trả lời. Chưa có gì được ghi; hãy thử lại sau ít phút, nếu vẫn "
                         "lỗi hãy báo quản trị.")


def is_disk_full(exc: BaseException) -> bool:
    """Whether `exc` is a write refused for want of space: ENOSPC, EDQUOT, or the database's
    own full disk."""
    if isinstance(exc, OSError):
        return exc.errno in FULL
    return kept_files.is_full(exc)


def refused(exc: SQLAlchemyError, what: str, action: str = "lưu") -> UserError:
    """The error a page shows for a database that refused to keep or read `what`."""
    current_app.logger.warning("kept file: %s: %s", what, exc)
    return DiskFull(what) if is_disk_full(exc) else NotKept(what, action)


def _owner() -> int:
    return int(g.user.id)


def remove_old_folders(instance: Path) -> None:
    """Delete what older releases kept in the instance folder (uploads, which may hold a
    list of people, and previews): nothing reads them since they are in the database."""
    for name in OLD_FOLDERS:
        shutil.rmtree(instance / name, ignore_errors=True)


def sweep() -> int:
    """Delete every expired kept file (uploads and previews, of every user); returns how
    many database rows went."""
    return kept_files.sweep(store())


def keep(data: bytes) -> str:
    """Keep `data` for the signed-in user; returns the token that finds it again. Expired
    files are swept and the user's oldest uploads dropped to keep the quota. `DiskFull`
    when the database's disk is full, `NotKept` for another refusal (nothing is kept)."""
    token = secrets.token_hex(16)
    try:
        sweep()
        kept_files.make_room(store(), kept_files.UPLOAD, _owner(), len(data),
                             max_files=MAX_FILES, max_bytes=MAX_BYTES)
        kept_files.put(store(), kept_files.UPLOAD, token, data, owner_id=_owner(),
                       keep_seconds=KEEP_SECONDS)
    except SQLAlchemyError as exc:
        raise refused(exc, WHAT) from None
    return token


def fetch(token: str) -> bytes | None:
    """The signed-in user's kept bytes for `token`, or None when it is unknown, malformed,
    expired, dropped for the quota, or another user's; `NotKept` (or `DiskFull`) when the
    database cannot be read."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    try:
        return kept_files.get(store(), kept_files.UPLOAD, token, owner_id=_owner())
    except SQLAlchemyError as exc:
        raise refused(exc, "tệp đã tải lên", "đọc") from None


def forget(token: str) -> None:
    """Delete the signed-in user's file `token` (its import is done); a database that refuses
    leaves it to expire."""
    if not _TOKEN.fullmatch(token or ""):
        return
    try:
        kept_files.drop(store(), kept_files.UPLOAD, token, owner_id=_owner())
    except SQLAlchemyError as exc:
        current_app.logger.warning("kept upload not deleted (it expires): %s", exc)
