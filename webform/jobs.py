"""Long work beside the requests: a job runs in a worker thread, writes its file in a
folder of its own under the instance's tmp/, and reports its progress to a page the
clerk watches; the file stays there to download (again) until it expires.

Jobs live in the service's memory: a restart forgets them (their folders are swept at
the next start, with the rest of tmp/) and their page says so.
"""

from __future__ import annotations

import dataclasses
import errno
import queue
import secrets
import shutil
import sys
import threading
import time
import traceback
from pathlib import Path
from collections.abc import Callable

from docgen.errors import UserError
from docgen.privacy import mask_text

KEEP_SECONDS = 2 * 3600  # a finished job's file can be downloaded for two hours
WAITING, RUNNING, DONE, FAILED = "waiting", "running", "done", "failed"
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
DISK_FULL_MESSAGE = ("Ổ đĩa của máy chủ đã đầy (hoặc hết hạn mức dung lượng) nên chưa tạo được "
                     "tệp; không có tệp dở dang nào được giữ lại. Hãy báo quản trị giải phóng "
                     "dung lượng ổ đĩa rồi tạo lại.")
UNEXPECTED = ("Đã có lỗi ngoài dự kiến khi tạo tệp; chưa có tệp nào được tạo. "
              "Hãy thử lại hoặc báo quản trị.")


@dataclasses.dataclass
class Job:
    """What the job page shows. Written by the worker, read by requests: each field is
    replaced whole (never mutated in place), so a reader sees a consistent value."""

    id: str
    owner: int
    title: str
    folder: Path
    state: str = WAITING
    stage: str = "Đang chờ đến lượt"
    done: int = 0
    total: int = 0
    message: str = ""
    problems: tuple = ()
    notes: tuple = ()
    file: Path | None = None
    download_name: str = ""
    mimetype: str = "application/octet-stream"
    back: str = ""  # the page that makes another job of the kind
    created: float = dataclasses.field(default_factory=time.time)
    finished: float | None = None

    @property
    def active(self) -> bool:
        return self.state in (WAITING, RUNNING)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    def progress(self, done: int, total: int, stage: str | None = None) -> None:
        self.done, self.total = done, total
        if stage:
            self.stage = stage


Work = Callable[[Job], None]


class Jobs:
    """The service's jobs: one worker thread (the work is Python and holds the GIL, so
    a second worker would only share the same core), a queue in front of it. The worker
    is a daemon: stopping the service does not wait for a job (its folder is swept at the
    next start)."""

    def __init__(self, folder: Path, *, keep_seconds: float = KEEP_SECONDS):
        self.folder = Path(folder)
        self.keep_seconds = keep_seconds
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._worker: threading.Thread | None = None

    def start(self, owner: int, title: str, work: Work, *, back: str = "") -> Job:
        """Queue `work(job)`; it fills `job.file` (inside `job.folder`) and its fields."""
        self.sweep()
        job_id = secrets.token_urlsafe(12)
        folder = self.folder / f"docgen-batch-{job_id}"
        folder.mkdir(parents=True)
        job = Job(id=job_id, owner=owner, title=title, folder=folder, back=back)
        with self._lock:
            self._jobs[job_id] = job
            if self._worker is None:
                self._worker = threading.Thread(target=self._serve, name="docgen-jobs",
                                                daemon=True)
                self._worker.start()
        self._queue.put((job, work))
        return job

    def _serve(self) -> None:
        while True:
            job, work = self._queue.get()
            self._run(job, work)
            del job, work  # the work holds its input (a list of thousands of rows): free it now

    def _run(self, job: Job, work: Work) -> None:
        job.state, job.stage = RUNNING, "Đang tạo"
        state, message = FAILED, ""
        try:
            work(job)
            if job.file is not None:
                state = DONE
        except UserError as exc:
            message = exc.message
        except OSError as exc:
            if exc.errno not in DISK_FULL:
                sys.stderr.write(mask_text(traceback.format_exc()))
            message = (DISK_FULL_MESSAGE if exc.errno in DISK_FULL else UNEXPECTED)
        except Exception:  # reported on the page; the details go to the service's log
            sys.stderr.write(mask_text(traceback.format_exc()))  # it may quote a row
            message = UNEXPECTED
        if state == FAILED:
            shutil.rmtree(job.folder, ignore_errors=True)
        job.finished, job.message = time.time(), message
        job.state = state  # last: a page that shows the end finds everything done

    def get(self, job_id: str, owner: int) -> Job | None:
        """The job, if it exists and is `owner`'s."""
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    def waiting_before(self, job: Job) -> int:
        """How many jobs started earlier have not finished."""
        with self._lock:
            return sum(1 for j in self._jobs.values() if j.active and j.created < job.created
                       and j is not job)

    def forget_erased(self) -> None:
        """Forget finished jobs whose folder was erased (the purge of the household lists
        their forms were printed from): their pages say they are gone."""
        with self._lock:
            gone = [j for j in self._jobs.values() if j.state == DONE and not j.folder.exists()]
            for job in gone:
                del self._jobs[job.id]

    def sweep(self) -> None:
        """Forget finished jobs older than `keep_seconds`, and delete their files."""
        now = time.time()
        with self._lock:
            old = [j for j in self._jobs.values()
                   if j.finished is not None and now - j.finished > self.keep_seconds]
            for job in old:
                del self._jobs[job.id]
        for job in old:
            shutil.rmtree(job.folder, ignore_errors=True)
