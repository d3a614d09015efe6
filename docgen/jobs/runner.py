"""Running one job in a worker: take it, give its handler a `Work` to report through,
beat the heartbeat while it runs, store its file in the database, and end it with what a
clerk needs to read (a failure's message in Vietnamese, details to the log only)."""

from __future__ import annotations

import errno
import json
import shutil
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from ..errors import UserError
from ..privacy import mask_text
from . import parts
from .board import DONE, FAILED, Board

DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
DISK_FULL_MESSAGE = ("Ổ đĩa của máy chủ đã đầy (hoặc hết hạn mức dung lượng) nên chưa tạo được "
                     "tệp; không có tệp dở dang nào được giữ lại. Hãy báo quản trị giải phóng "
                     "dung lượng ổ đĩa rồi tạo lại.")
UNEXPECTED = ("Đã có lỗi ngoài dự kiến khi tạo tệp; chưa có tệp nào được tạo. "
              "Hãy thử lại hoặc báo quản trị.")

HANDLERS: dict[str, Callable[[Work], None]] = {}


def handler(name: str):
    """Register `fn(work)` as the handler of jobs of kind `name` (in every process that
    imports its module: docgen.jobs.handlers for the shipped kinds)."""
    def register(fn):
        HANDLERS[name] = fn
        return fn
    return register


class Work:
    """What a handler sees of its job: its input, a folder of its own, and fields it sets
    (`file` last: a job ends done only with a file). Progress is written to the database
    at most every `every` seconds, and by the heartbeat."""

    def __init__(self, board: Board, row, folder: Path, enqueue: Callable[[str], None],
                 every: float = 0.25, workers: Callable[[], int] = lambda: 1):
        self.board, self.id, self.owner, self.title = board, row.id, row.owner_id, row.title
        self.parent, self.part, self.attempts = row.parent_id, row.part, row.attempts
        self.folder, self.enqueue, self.every = folder, enqueue, every
        self.workers = workers  # how many workers run now, all processes (parts.split)
        self.input: dict = board.payload(row.id)
        self.done, self.total = 0, 0
        self._stage = "Đang tạo"
        self.file: Path | None = None
        self.download_name, self.mimetype = "", "application/octet-stream"
        self.problems: tuple = ()
        self.notes: tuple = ()
        self.mark: dict | None = None
        self.delegated = False  # the handler handed the work to parts (docgen.jobs.parts)
        self._written = 0.0
        self._lock = threading.Lock()

    @property
    def stage(self) -> str:
        return self._stage

    @stage.setter
    def stage(self, text: str) -> None:
        self._stage = text
        self.flush(force=False)

    def progress(self, done: int, total: int, stage: str | None = None) -> None:
        self.done, self.total = done, total
        if stage:
            self._stage = stage
        self.flush(force=False)

    def flush(self, force: bool = True) -> None:
        """Write the progress (and the heartbeat) now, or if `every` seconds have passed."""
        with self._lock:
            now = time.monotonic()
            if not force and now - self._written < self.every:
                return
            self._written = now
            self.board.update(self.id, stage=self._stage, done=self.done, total=self.total)


def run(board: Board, job_id: str, *, worker: str, folder: Path, heartbeat: float,
        enqueue: Callable[[str], None],
        workers: Callable[[], int] = lambda: 1) -> str | None:
    """Run job `job_id` if it is still waiting; returns its end state (None: not taken,
    or handed to its parts). `workers()` counts the live workers (1: this one alone)."""
    if not board.claim(job_id, worker):
        return None
    row = board.row(job_id)
    if row.parent_id:
        parent = board.row(row.parent_id)
        if parent is None or parent.state != "running":  # its job failed or expired
            board.finish(job_id, FAILED, message="")
            return FAILED
    work_folder = Path(folder) / f"docgen-batch-{job_id}"
    work_folder.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()
    state, message, size, work = FAILED, "", 0, None
    beat = threading.Thread(target=_beat, args=(board, job_id, stop, heartbeat, lambda: work),
                            name=f"docgen-heartbeat-{job_id}", daemon=True)
    beat.start()
    try:
        work = Work(board, row, work_folder, enqueue, workers=workers)
        fn = HANDLERS.get(row.kind)
        if fn is None:
            raise RuntimeError(f"no handler for job kind {row.kind!r}")
        fn(work)
        if work.delegated:
            return None
        if work.file is not None:
            with open(work.file, "rb") as fh:
                size = board.save_output(job_id, fh)
            state = DONE
    except UserError as exc:
        message = exc.message
    except OSError as exc:
        if exc.errno not in DISK_FULL:
            sys.stderr.write(mask_text(traceback.format_exc()))
        message = DISK_FULL_MESSAGE if exc.errno in DISK_FULL else UNEXPECTED
    except Exception:  # reported on the page; the details go to the service's log
        sys.stderr.write(mask_text(traceback.format_exc()))  # it may quote a row
        message = UNEXPECTED
    finally:
        stop.set()
        beat.join()
        shutil.rmtree(work_folder, ignore_errors=True)
    fields = {"message": message}
    if work is not None:
        fields.update(stage=work.stage, done=work.done, total=work.total,
                      problems=[[p.row, p.column, p.message] for p in work.problems],
                      notes=list(work.notes), mark=json.dumps(work.mark) if work.mark else "",
                      download_name=work.download_name, mimetype=work.mimetype, size=size)
    if board.finish(job_id, state, **fields) and row.parent_id:
        parts.part_ended(board, row.parent_id, state, message, enqueue)
    return state


def _beat(board: Board, job_id: str, stop: threading.Event, every: float, work) -> None:
    """Write the heartbeat (with the latest progress) every `every` seconds until `stop`."""
    while not stop.wait(every):
        try:
            current = work()
            if current is not None:
                current.flush()
            else:
                board.update(job_id)
        except Exception:  # a busy database: the next beat tries again
            sys.stderr.write(mask_text(traceback.format_exc()))
