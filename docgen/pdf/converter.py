"""A small pool of LibreOffice instances shared by threads, each with its own profile.

Each instance serves one thread at a time; a thread that finds them all busy waits for
one. Instances start on first use. The backend is UNO (a persistent LibreOffice driven by
`uno_worker.py` under a Python that has `uno`) when such a Python exists, else batches of
`soffice --convert-to` (see `batch.py`).
"""

from __future__ import annotations

import functools
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .batch import BatchOffice
from .office import Office

BACKENDS = ("auto", "uno", "batch")
_PROBE_TIMEOUT = 30.0


def _imports_uno(python: str) -> bool:
    try:
        probe = subprocess.run([python, "-c", "import uno"], stdin=subprocess.DEVNULL,
                               capture_output=True, timeout=_PROBE_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


@functools.lru_cache(maxsize=8)
def uno_python(soffice: str) -> str | None:
    """A Python that can `import uno`: this one, the system python3 (Debian's python3-uno)
    or the one bundled with LibreOffice; None when there is none."""
    bundled = Path(soffice).resolve().parent / "python"
    for python in (sys.executable, "/usr/bin/python3", str(bundled)):
        if Path(python).is_file() and _imports_uno(python):
            return python
    return None


class Converter:
    """Up to `size` LibreOffice instances for `soffice`; `backend` "auto", "uno" or "batch"."""

    def __init__(self, soffice: str, *, size: int = 1, backend: str = "auto"):
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
        if size < 1:
            raise ValueError("size must be at least 1")
        self.soffice = soffice
        self.size = size
        self.python = uno_python(soffice) if backend in ("auto", "uno") else None
        if backend == "uno" and self.python is None:
            raise RuntimeError("no Python with the uno module (install python3-uno)")
        self.backend = "uno" if self.python else "batch"
        self.offices: list[Office | BatchOffice] = []
        self._idle: queue.LifoQueue = queue.LifoQueue()
        self._lock = threading.Lock()
        self._closed = False

    def _new_office(self) -> Office | BatchOffice:
        if self.python:
            return Office(self.soffice, self.python)
        return BatchOffice(self.soffice)

    def _checkout(self) -> Office | BatchOffice:
        while True:
            with self._lock:
                if self._closed:
                    raise RuntimeError("this Converter has been closed")
                try:
                    return self._idle.get_nowait()
                except queue.Empty:
                    if len(self.offices) < self.size:
                        office = self._new_office()
                        self.offices.append(office)
                        return office
            try:
                # Bounded waits so a thread never sleeps through close().
                return self._idle.get(timeout=1.0)
            except queue.Empty:
                continue

    @contextmanager
    def office(self) -> Iterator[Office | BatchOffice]:
        """One instance for the calling thread's exclusive use."""
        office = self._checkout()
        try:
            yield office
        finally:
            self._idle.put(office)

    def start(self) -> None:
        """Start one instance now rather than on the first conversion."""
        with self.office() as office:
            if not office.running:
                office.start()

    def convert(self, src: Path, dst: Path, timeout: float) -> None:
        with self.office() as office:
            office.convert(src, dst, timeout)

    def convert_many(self, pairs: list[tuple[Path, Path]], timeout: float) -> None:
        """Convert every pair, spread over the pool; the first failure is raised."""
        if self.backend == "batch":
            with self.office() as office:
                office.convert_many(pairs, timeout)
            return
        todo = iter(list(enumerate(pairs)))
        errors: list[tuple[int, Exception]] = []
        todo_lock = threading.Lock()

        def work() -> None:
            with self.office() as office:
                while not errors:
                    with todo_lock:
                        i, pair = next(todo, (None, None))
                    if pair is None:
                        return
                    try:
                        office.convert(*pair, timeout)
                    except Exception as exc:  # re-raised in the caller's thread below
                        errors.append((i, exc))

        threads = [threading.Thread(target=work, name="docgen-pdf-batch")
                   for _ in range(min(self.size, len(pairs)) - 1)]
        for thread in threads:
            thread.start()
        work()
        for thread in threads:
            thread.join()
        if errors:
            index, exc = min(errors, key=lambda e: e[0])
            if len(pairs) > 1 and hasattr(exc, "message"):
                exc.message = f"Văn bản thứ {index + 1}: {exc.message}"
                exc.args = (exc.message,)
            raise exc

    def pids(self) -> list[int]:
        return [pid for office in self.offices for pid in office.pids()]

    def close(self) -> None:
        """Stop every instance and remove their profiles; safe to call twice."""
        with self._lock:
            self._closed = True
            offices = list(self.offices)
        for office in offices:
            office.close()
