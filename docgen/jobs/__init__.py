"""Long work as durable jobs: batch printing and PDF conversion run by workers of a task
queue (Huey: SQLite in the instance folder, or Redis), their state, progress and output in
the database so every web process sees them and a restart loses none.

    queue = Queue(store, instance_path)          # DOCGEN_BROKER picks Redis
    job = queue.start(owner, title, "bulk_fill", payload, back="/cam-ket/")
    queue.run_workers(1)                          # or `docgen worker` elsewhere
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

# Each name and its module, imported on first use (with `handlers`, which registers the
# shipped kinds): `docgen --help` lists `docgen worker` without loading SQLAlchemy or Huey.
_HOMES = {**dict.fromkeys(("DONE", "FAILED", "KEEP_SECONDS", "RUNNING", "WAITING",
                           "WORKER_DIED", "Board", "JobView"), "board"),
          **dict.fromkeys(("Queue", "make_huey"), "queue"),
          **dict.fromkeys(("DISK_FULL_MESSAGE", "HANDLERS", "UNEXPECTED", "Work", "handler"),
                          "runner")}

if TYPE_CHECKING:
    from .board import DONE, FAILED, KEEP_SECONDS, RUNNING, WAITING, WORKER_DIED, Board, JobView
    from .queue import Queue, make_huey
    from .runner import DISK_FULL_MESSAGE, HANDLERS, UNEXPECTED, Work, handler

__all__ = ["DONE", "FAILED", "KEEP_SECONDS", "RUNNING", "WAITING", "WORKER_DIED", "Board",
           "JobView", "Queue", "make_huey", "DISK_FULL_MESSAGE", "HANDLERS", "UNEXPECTED",
           "Work", "handler"]


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    importlib.import_module(f"{__name__}.handlers")  # registers the shipped kinds
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
