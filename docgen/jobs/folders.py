"""Work folders in a shared instance folder: each process writes under its own
tmp/<host>-<pid>-<random>/, and the sweep removes only the folders of processes that are
gone (same host, process no longer running) or, for other hosts, older than the expiry."""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import socket
import time
from pathlib import Path

from .board import KEEP_SECONDS


def _host() -> str:
    return socket.gethostname().replace("-", "_") or "host"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class WorkFolders:
    """This process's work folder under `tmp` (made on first use, mode 0700)."""

    def __init__(self, tmp: str | os.PathLike, *, keep_seconds: float = KEEP_SECONDS):
        self.tmp = Path(tmp)
        self.keep_seconds = keep_seconds
        self._own: Path | None = None
        self._pid = 0

    @property
    def own(self) -> Path:
        if self._own is None or self._pid != os.getpid():  # a forked worker gets its own
            self._pid = os.getpid()
            self._own = self.tmp / f"{_host()}-{self._pid}-{secrets.token_hex(4)}"
            self._own.mkdir(parents=True, exist_ok=True, mode=0o700)
            atexit.register(shutil.rmtree, self._own, ignore_errors=True)  # a clean stop
        return self._own

    def sweep(self) -> list[Path]:
        """Remove the folders no running process owns; returns them."""
        removed = []
        host, now = _host(), time.time()
        try:
            entries = list(self.tmp.iterdir())
        except OSError:
            return removed
        for path in entries:
            if path == self._own or not path.is_dir():
                continue
            parts = path.name.rsplit("-", 2)
            if len(parts) == 3 and parts[1].isdigit():
                gone = (not _alive(int(parts[1])) if parts[0] == host
                        else now - _mtime(path) > self.keep_seconds)
            else:  # a folder of an older release (tmp/docgen-batch-*): its process is gone
                gone = (path.name.startswith("docgen-batch-")
                        or now - _mtime(path) > self.keep_seconds)
            if gone:
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
        return removed


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
