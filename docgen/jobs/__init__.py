"""Long work as durable jobs: batch printing and PDF conversion run by workers of a task
queue (Huey: SQLite in the instance folder, or Redis), their state, progress and output in
the database so every web process sees them and a restart loses none.

    queue = Queue(store, instance_path)          # DOCGEN_BROKER picks Redis
    job = queue.start(owner, title, "bulk_fill", payload, back="/cam-ket/")
    queue.run_workers(1)                          # or `docgen worker` elsewhere
"""

from .board import DONE, FAILED, KEEP_SECONDS, RUNNING, WAITING, WORKER_DIED, Board, JobView
from .queue import Queue, make_huey
from .runner import DISK_FULL_MESSAGE, HANDLERS, UNEXPECTED, Work, handler
from . import handlers  # noqa: E402,F401  registers the shipped kinds

__all__ = ["DONE", "FAILED", "KEEP_SECONDS", "RUNNING", "WAITING", "WORKER_DIED", "Board",
           "JobView", "Queue", "make_huey", "DISK_FULL_MESSAGE", "HANDLERS", "UNEXPECTED",
           "Work", "handler"]
