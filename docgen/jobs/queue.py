"""The task queue: Huey (https://huey.readthedocs.io), a maintained queue library with an
embedded SQLite storage (instance/queue.sqlite3: one machine, any number of processes, no
server) and Redis for several machines (DOCGEN_BROKER=redis://…). The queue carries only
job ids; each job's input, state and output live in the database (docgen.jobs.board).

Workers take tasks with Huey's `dequeue` and run them with `execute`, in threads of the
calling process: `docgen serve` runs them beside the web threads, `docgen worker` in
processes of their own (docgen.jobs.worker)."""

from __future__ import annotations

import errno
import logging
import os
import secrets
import shutil
import socket
import sys
import threading
import time
import traceback
from pathlib import Path

from sqlalchemy import delete

from .. import settings
from ..errors import UserError
from ..store.models import JobChunk, JobRow
from .board import DONE, FAILED, KEEP_SECONDS, RUNNING, WAITING, Board, JobView
from .folders import WorkFolders
from .roster import Roster
from . import runner

QUEUE_NAME = "docgen"
STALE_SECONDS = 30.0
WAIT_SECONDS = 120.0  # how long a request waits for a job it runs (DOCGEN_JOB_WAIT)
URGENT = 10  # the queue priority of a job a request waits for: ahead of batches
NO_WORKER = ("Chưa có máy xử lý nào nhận việc tạo PDF/xem trước; hãy thử lại sau hoặc báo "
             "quản trị.")


class NoWorker(UserError):
    """No worker took (or finished) a job a request waited for within its time."""

    def __init__(self, message: str = NO_WORKER):
        super().__init__(message)


def make_huey(instance_path: str | os.PathLike, broker: str | None = None):
    """Huey on `broker` (a redis:// URL) or on the SQLite file in the instance folder."""
    broker = broker if broker is not None else settings.BROKER.value()
    if broker:
        from huey import RedisHuey
        return RedisHuey(QUEUE_NAME, url=broker, results=False)
    from huey import SqliteHuey
    path = Path(instance_path) / "queue.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    # The owner's only, as the database (SQLite gives its -wal and -shm files the same mode).
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    return SqliteHuey(QUEUE_NAME, filename=str(path), results=False, timeout=30)


class Queue:
    """The jobs of one database and one queue: start them, read them, run them."""

    def __init__(self, store, instance_path: str | os.PathLike, *, broker: str | None = None,
                 stale: float | None = None, keep_seconds: float = KEEP_SECONDS,
                 autostart: int = 0):
        self.board = Board(store, keep_seconds=keep_seconds)
        self.huey = make_huey(instance_path, broker)
        self._task = self.huey.task(name="docgen.run_job")(self._run)
        self.folders = WorkFolders(Path(instance_path) / "tmp", keep_seconds=keep_seconds)
        self.stale = stale if stale is not None else float(settings.JOB_STALE.value()
                                                           or STALE_SECONDS)
        self.heartbeat = max(0.05, min(5.0, self.stale / 6))
        self.roster = Roster(self.huey, self.stale)  # the live workers of every process
        self.autostart = autostart  # in-process workers started with the first job
        self.identity = f"{socket.gethostname()}-{os.getpid()}"
        self._wake = threading.Event()
        self._pool: Pool | None = None
        self._lock = threading.Lock()
        self._recovered = 0.0

    # ---- the web side ------------------------------------------------------------------------

    def start(self, owner: int, title: str, kind: str, payload: dict, *,
              back: str = "") -> JobView:
        """Record a job of `kind` with its JSON `payload`, queue it, and return it."""
        self.board.sweep()
        job_id = self.board.create(owner, title, kind, payload, back=back)
        try:
            self.enqueue(job_id)
        except Exception as exc:  # the queue refused it (its disk is full, Redis is down)
            with self.board.store.session() as s:
                Board.delete(s, [job_id])
            if self._disk_full():  # SQLite says "disk I/O error" when it cannot grow its log
                raise OSError(errno.ENOSPC, "no space left for the job queue") from exc
            raise
        if self.autostart:
            self.run_workers(self.autostart)
        return self.board.get(job_id)

    def _disk_full(self) -> bool:
        """Whether the embedded queue's disk has no room left (False with Redis)."""
        path = getattr(self.huey.storage, "filename", None)
        try:
            return path is not None and shutil.disk_usage(Path(path).parent).free < (1 << 20)
        except OSError:
            return False

    def enqueue(self, job_id: str, priority: int | None = None) -> None:
        if priority is not None and self.huey.storage.priority:  # Redis: first in, first out
            self._task(job_id, priority=priority)
        else:
            self._task(job_id)
        self._wake.set()

    def run_and_wait(self, owner: int, kind: str, payload: dict, *,
                     timeout: float | None = None, title: str = "") -> bytes:
        """Run a short job for a request and return its output bytes. A process with
        workers of its own runs it in the calling thread (no wait behind batches); otherwise
        it is queued ahead of batches for `docgen worker` and its row polled. UserError with
        the job's message when it failed; NoWorker when no worker ended it in `timeout`
        seconds (DOCGEN_JOB_WAIT, 120) — a job still waiting then is withdrawn."""
        if timeout is None:
            timeout = float(settings.JOB_WAIT.value() or WAIT_SECONDS)
        job_id = self.board.create(owner, title or kind, kind, payload)
        try:
            if self.autostart:
                self._run(job_id)
            else:
                self.enqueue(job_id, priority=URGENT)
                self._wait(job_id, timeout)
            row = self.board.row(job_id)
            if row is None or row.state != DONE:
                raise UserError(row.message if row is not None and row.message
                                else runner.UNEXPECTED)
            return b"".join(self.board.output(job_id))
        finally:
            self._withdraw(job_id)

    def _wait(self, job_id: str, timeout: float) -> None:
        """Poll the job's row (short, growing pauses) until it ends; NoWorker at `timeout`."""
        deadline = time.monotonic() + timeout
        pause = 0.02
        while True:
            row = self.board.row(job_id)
            if row is None or row.state in (DONE, FAILED):
                return
            if time.monotonic() >= deadline:
                if row.state == RUNNING:
                    raise NoWorker(f"Máy xử lý chưa tạo xong PDF/xem trước sau {timeout:g} "
                                   "giây; hãy thử lại sau hoặc báo quản trị.")
                raise NoWorker()
            self.recover(every=self.heartbeat)  # a worker that died: the job is run again
            time.sleep(min(pause, max(0.0, deadline - time.monotonic())))
            pause = min(pause * 1.5, 0.25)

    def _withdraw(self, job_id: str) -> None:
        """Delete a request's job once answered: its output was read, or nobody waits for
        it any more (a running one is left to end; the sweep takes it)."""
        with self.board.store.session() as s:  # one statement: a worker's claim races it
            gone = s.execute(delete(JobRow).where(JobRow.id == job_id,
                                                  JobRow.state.in_((WAITING, DONE, FAILED))))
            if gone.rowcount:
                s.execute(delete(JobChunk).where(JobChunk.job_id == job_id))

    def get(self, job_id: str, owner: int) -> JobView | None:
        """The job if it exists and is `owner`'s (jobs of dead workers are taken care of
        first, so the page tells the truth even with no worker running here)."""
        self.recover(every=self.heartbeat)
        return self.board.get(job_id, owner)

    def waiting_before(self, job: JobView) -> int:
        return self.board.waiting_before(job)

    def output(self, job_id: str):
        return self.board.output(job_id)

    # ---- the worker side ---------------------------------------------------------------------

    def recover(self, every: float = 0.0) -> None:
        """Queue again (or fail) the running jobs whose worker stopped beating."""
        now = time.monotonic()
        if now - self._recovered < every:
            return
        self._recovered = now
        try:
            for job_id in self.board.stale(self.stale):
                self.enqueue(job_id)
            self._requeue_lost()
        except Exception:  # a busy database: next time
            sys.stderr.write(traceback.format_exc())

    def _requeue_lost(self) -> None:
        """Queue again the jobs waiting for longer than `stale` that the queue no longer
        holds: a worker died after taking the task and before claiming the job, or a process
        died between recording a PDF batch's parts and queuing them. Claiming is atomic, so a
        job queued twice still runs once."""
        old = self.board.waiting_since(self.stale)
        if not old:
            return
        queued = {task.args[0] for task in self.huey.pending() if task.args}
        for job_id in old:
            if job_id not in queued:
                self.enqueue(job_id)

    def _run(self, job_id: str) -> None:
        runner.run(self.board, job_id, worker=self.identity, folder=self.folders.own,
                   heartbeat=self.heartbeat, enqueue=self.enqueue, workers=self.live_workers)

    def live_workers(self) -> int:
        """Workers running now in every process of this queue (at least 1: the caller)."""
        try:
            return max(1, self.roster.count())
        except Exception:  # the queue's storage was busy: as if alone (no split)
            sys.stderr.write(traceback.format_exc())
            return 1

    def run_one(self, wait: float = 0.0) -> bool:
        """Take one task off the queue and run it; False when the queue was empty."""
        task = self.huey.dequeue()
        if task is None:
            if wait:
                self._wake.wait(wait)
                self._wake.clear()
            return False
        self.huey.execute(task)
        return True

    def run_workers(self, count: int) -> Pool:
        """Start `count` worker threads in this process (once); they stop with `stop()`."""
        with self._lock:
            if self._pool is None and count > 0:
                self._pool = Pool(self, count)
            return self._pool

    def stop(self, timeout: float | None = None) -> None:
        """Stop this process's workers after their current job."""
        if self._pool is not None:
            self._pool.stop(timeout)
            self._pool = None
        self.huey.storage.close()


class Pool:
    """Worker threads: each takes a task, runs it, and between tasks looks after the jobs
    of dead workers; an empty queue is polled with a growing pause (at most a second).
    One more thread writes the process's entry in the roster while they run."""

    def __init__(self, queue: Queue, count: int):
        from ..pdf import MAX_WORKERS  # LibreOffices a process runs at most
        self.queue = queue
        self.count = min(count, MAX_WORKERS)  # what the roster says: converters, not threads
        self.name = f"{queue.identity}-{secrets.token_hex(4)}"  # two queues in one process
        self._stop = threading.Event()
        self._enter()  # counted before the first job is taken
        self.threads = [threading.Thread(target=self._loop, name=f"docgen-worker-{i + 1}",
                                         daemon=True) for i in range(count)]
        self._beat = threading.Thread(target=self._beats, name="docgen-worker-roster",
                                      daemon=True)
        for thread in (*self.threads, self._beat):
            thread.start()

    def _enter(self) -> None:
        try:
            self.queue.roster.beat(self.name, self.count)
        except Exception:  # a busy or unreachable queue storage: the next beat tries again
            logging.getLogger("docgen.jobs").exception("Roster error")

    def _beats(self) -> None:
        while not self._stop.wait(self.queue.heartbeat):
            self._enter()

    def _loop(self) -> None:
        delay = 0.02
        while not self._stop.is_set():
            self.queue.recover(every=self.queue.heartbeat)
            try:
                ran = self.queue.run_one(wait=delay)
            except Exception:  # the queue's storage was busy or gone: try again later
                logging.getLogger("docgen.jobs").exception("Queue error")
                ran = False
                self._stop.wait(1.0)
            delay = 0.02 if ran else min(delay * 1.5, 1.0)

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        self.queue._wake.set()
        for thread in (*self.threads, self._beat):
            thread.join(timeout)
        try:
            self.queue.roster.leave(self.name)
        except Exception:  # the storage is gone: the entry ages out
            logging.getLogger("docgen.jobs").exception("Roster error")
