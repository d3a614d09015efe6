"""Limits that keep one user, or a full disk, from taking the whole service down.

- Heavy requests (an Excel import's preview and its confirmation, a bulk list read for a
  batch job) hold a slot: one at a time per user, IMPORT_SLOTS at a time in the process
  (default 1: Python runs one thread at a time, so a second import at once would not end
  sooner and would slow every page twice as much). A request that finds no slot is
  answered at once with 429 and a Vietnamese page; it never waits on a worker thread, so
  the other threads stay free for everyone else (the sign-in page, the lists). The total
  lives in the process: it protects the process's threads. A user's own slot is also a
  lock file in the instance folder's locks/ (flock), so with several web processes on one
  instance (`docgen serve --processes N`) a user still runs one import at a time.
- A write refused for want of space (ENOSPC, EDQUOT, SQLite's "database or disk is
  full") answers 507 with a page saying what could not be saved, instead of a 500.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from flask import Flask, current_app, g, render_template, request
from sqlalchemy.exc import OperationalError

try:
    import fcntl
except ImportError:  # Windows: one process (waitress), the in-memory slots suffice
    fcntl = None

HEAVY = frozenset({
    "units.import_preview", "units.import_apply",
    "assessments.import_preview", "assessments.import_apply",
    "batch.make", "batch.make_registrations",
})
IMPORT_SLOTS = 1
RETRY_SECONDS = 30


class Slots:
    """Non-blocking slots: at most one per user (in every process sharing `folder`, when
    given), at most `total` in all in this process."""

    def __init__(self, total: int, folder: Path | None = None):
        self.total = total
        self.folder = folder
        self._lock = threading.Lock()
        self._users: dict[int, int | None] = {}  # user id → its lock file's descriptor

    def take(self, user_id: int) -> str | None:
        """None when a slot is taken for `user_id`; else why not: "own" (the user already
        holds one, here or in another process) or "full" (every slot is held)."""
        with self._lock:
            if user_id in self._users:
                return "own"
            if len(self._users) >= self.total:
                return "full"
            fd = self._lock_file(user_id)
            if fd == -1:
                return "own"
            self._users[user_id] = fd
            return None

    def give_back(self, user_id: int) -> None:
        with self._lock:
            fd = self._users.pop(user_id, None)
            if fd is not None:
                os.close(fd)  # closing releases the flock

    def _lock_file(self, user_id: int) -> int | None:
        """The descriptor of the user's lock file, locked; -1 when another process holds
        it; None without a folder or flock (Windows: the slot is this process's only)."""
        if self.folder is None or fcntl is None:
            return None
        self.folder.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(self.folder / f"import-{int(user_id)}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return -1
        return fd


BUSY = {
    "own": ("Đang có thao tác nhập khác",
            "Bạn đang có một thao tác nhập khác đang chạy (xem trước hoặc ghi tệp Excel, hay "
            "đọc danh sách in hàng loạt). Hãy chờ thao tác đó xong — thường dưới một phút — "
            "rồi thử lại; không cần tải lên nhiều lần."),
    "full": ("Máy chủ đang bận",
             "Máy chủ đang xử lý tệp nhập của người dùng khác. Hãy thử lại sau khoảng nửa "
             "phút; các trang khác vẫn dùng bình thường."),
}


def _take_slot():
    if request.endpoint not in HEAVY or getattr(g, "user", None) is None:
        return None
    slots: Slots = current_app.extensions["docgen_slots"]
    refused = slots.take(g.user.id)
    if refused:
        title, message = BUSY[refused]
        response = current_app.make_response(
            (render_template("error.html", title=title, message=message), 429))
        response.headers["Retry-After"] = str(RETRY_SECONDS)
        return response
    g.heavy_slot = g.user.id
    return None


def _give_back(exc=None) -> None:
    user_id = g.pop("heavy_slot", None)
    if user_id is not None:
        current_app.extensions["docgen_slots"].give_back(user_id)


def _disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        from .views.uploads import is_disk_full
        return is_disk_full(exc)
    if isinstance(exc, sqlite3.OperationalError):  # the job queue's SQLite file (Huey)
        return "disk is full" in str(exc)
    return isinstance(exc, OperationalError) and "disk is full" in str(exc.orig)


def init_app(app: Flask) -> None:
    """Register the slots (after the sign-in check) and the full-disk page."""
    app.extensions["docgen_slots"] = Slots(int(app.config.get("IMPORT_SLOTS", IMPORT_SLOTS)),
                                           Path(app.instance_path) / "locks")
    app.before_request(_take_slot)
    app.teardown_request(_give_back)
    from .views.uploads import DiskFull

    @app.errorhandler(DiskFull)
    def disk_full_page(exc: DiskFull):
        return render_template("error.html", title="Ổ đĩa máy chủ đã đầy",
                               message=exc.message), 507

    @app.errorhandler(OSError)
    @app.errorhandler(OperationalError)
    @app.errorhandler(sqlite3.OperationalError)
    def maybe_disk_full(exc):
        if not _disk_full(exc):
            raise exc
        return disk_full_page(DiskFull("dữ liệu của thao tác này"))
