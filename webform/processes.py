"""`docgen serve --processes N`: the web form in N processes behind one address (gunicorn).

The master process starts the app once before any worker forks — it checks the schema,
loads the sample district and creates the first administrator and the instance's secret
key, so N processes never race to do it — then each worker process builds its own app (its
own database connections, its own LibreOffice). A worker that dies is replaced by the
master; SIGTERM stops them all. Everything a request needs from an earlier one lives in the
database (sessions' sign-ins, sign-in limits, the register's counters) or in the signed
cookie, so any process answers any request. Not on Windows: gunicorn needs fork().
"""

from __future__ import annotations

import contextlib
import os

from flask import Flask

THREADS = 8            # per process, as waitress's in the single-process `docgen serve`
TIMEOUT_S = 300        # a worker silent this long is restarted (a 10 MB import takes < 60 s)
GRACEFUL_TIMEOUT_S = 30


def options(host: str, port: int, processes: int) -> dict:
    """gunicorn's settings for `docgen serve --processes`."""
    return {
        "bind": [f"[{host}]:{port}" if ":" in host else f"{host}:{port}"],
        "workers": processes,
        "worker_class": "gthread",
        "threads": THREADS,
        "timeout": TIMEOUT_S,
        "graceful_timeout": GRACEFUL_TIMEOUT_S,
        "keepalive": 5,
        "proc_name": "docgen",
        "errorlog": "-",
        "loglevel": "warning",
        "preload_app": False,  # each worker opens its own connections after the fork
        "worker_tmp_dir": _worker_tmp_dir(),
    }


def _worker_tmp_dir() -> str | None:
    """/dev/shm for the workers' heartbeat files when it exists (a disk-backed tmp can stall
    them under load and get them killed as silent)."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def run(make_app, host: str, port: int, processes: int, *, on_worker_start=None,
        banner: str = "") -> None:
    """Serve `make_app()` in `processes` gunicorn worker processes on host:port.

    `make_app` is called once in the master (the start-up checks; its app is then dropped)
    and once in each worker; `on_worker_start(app)` runs in each worker once its app is made;
    `banner` is printed once the start-up checks passed.
    """
    try:
        from gunicorn.app.base import BaseApplication
    except ImportError:  # Windows (no fork()), or an install without it
        from docgen.errors import UserError
        raise UserError("Chạy nhiều tiến trình (--processes) cần gunicorn, không có trên máy "
                        "này (gunicorn không chạy trên Windows): bỏ --processes, hoặc cài "
                        "gunicorn (pip install gunicorn).") from None

    first: Flask = make_app()  # raises UserError (exit status 2) before anything listens
    settings = options(host, port, processes)
    _dispose(first)  # no pooled connection crosses the fork
    if banner:
        print(banner, flush=True)

    class Application(BaseApplication):
        def load_config(self):
            for key, value in settings.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self):
            app = make_app()
            if on_worker_start is not None:
                on_worker_start(app)
            return app

    Application().run()


def _dispose(app: Flask) -> None:
    """Close the app's pooled database connections."""
    with contextlib.suppress(KeyError):
        app.extensions["docgen_store"].dispose()
