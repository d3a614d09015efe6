"""One running LibreOffice with its own profile, driven through the UNO helper process.

An `Office` starts on first use and stays up between conversions (a start costs about a
second; a conversion of a one-page form about a tenth of that). A conversion past its time
limit, or a LibreOffice that dies, gets the whole process group killed; the next
conversion starts a fresh one on the same profile. Not thread-safe by itself: `Converter`
hands each instance to one thread at a time.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

from ..errors import UserError

log = logging.getLogger(__name__)

WORKER = Path(__file__).with_name("uno_worker.py")
START_TIMEOUT = 60.0  # seconds for LibreOffice to start and accept the UNO connection
_EOF = object()


def timeout_message(timeout: float) -> str:
    return (f"LibreOffice không chuyển xong sang PDF trong {timeout:g} giây nên đã bị dừng; "
            "lần chuyển sau sẽ dùng một LibreOffice mới. Hãy thử lại, hoặc chia văn bản "
            "thành nhiều phần nhỏ hơn.")


DIED_MESSAGE = ("LibreOffice dừng bất thường khi đang chuyển văn bản sang PDF; lần chuyển sau "
                "sẽ dùng một LibreOffice mới. Hãy thử lại.")


FAILED_MESSAGE = ("LibreOffice không tạo được tệp PDF từ văn bản này (không mở được tệp: có thể "
                  "tệp không phải DOCX hợp lệ)")


def group_pids(pgid: int) -> list[int]:
    """Processes whose process group is `pgid`, read from /proc (no psutil needed)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # Fields after the command name, which is in parentheses and may hold spaces.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry))
    return found


def bound_sockets(pids: list[int]) -> list[Path]:
    """Paths of the Unix sockets LibreOffice created in /tmp for these processes.

    LibreOffice does not remove its pipes when it is killed; docgen removes them after.
    """
    inodes = set()
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except OSError:
            continue
    found = []
    try:
        lines = Path("/proc/net/unix").read_text().splitlines()[1:]
    except OSError:
        return found
    for line in lines:
        fields = line.split()
        if len(fields) >= 8 and fields[6] in inodes and "/OSL_PIPE_" in fields[7]:
            found.append(Path(fields[7]))
    return list(dict.fromkeys(found))


class ProcessGroup:
    """Something that runs LibreOffice as a child process group (`self._proc`)."""

    _proc: subprocess.Popen | None = None

    def _kill_group(self) -> subprocess.Popen | None:
        """SIGKILL the whole group and reap it; returns the process that was running."""
        proc, self._proc = self._proc, None
        if proc is None:
            return None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return proc

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def pids(self) -> list[int]:
        """Every live process of this instance (helper, oosplash, soffice.bin)."""
        return group_pids(self._proc.pid) if self.running else []


class Office(ProcessGroup):
    """One LibreOffice + UNO helper pair; `base` holds its profile and scratch files."""

    def __init__(self, soffice: str, python: str, *, start_timeout: float = START_TIMEOUT):
        self.soffice = soffice
        self.python = python
        self.start_timeout = start_timeout
        self.base = Path(tempfile.mkdtemp(prefix="docgen-lo-"))
        self.profile = self.base / "profile"
        self.starts = 0
        self._proc: subprocess.Popen | None = None
        self._replies: queue.Queue = queue.Queue()
        self._seq = 0
        self.sockets: list[Path] = []
        self._closed = False

    # -- life cycle ------------------------------------------------------------------

    def start(self) -> None:
        """Start LibreOffice and wait until it accepts conversions; UserError if it cannot."""
        if self._closed:
            raise RuntimeError("this Office has been closed")
        self._kill()
        # A killed LibreOffice leaves its lock behind; nobody else uses this profile.
        (self.profile / ".lock").unlink(missing_ok=True)
        pipe = f"docgen-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        cmd = [self.python, str(WORKER), "--soffice", self.soffice, "--profile",
               str(self.profile), "--pipe", pipe, "--start-timeout", str(self.start_timeout)]
        with open(self.base / "office.log", "ab") as err:
            # A session of its own: one killpg reaches the helper, oosplash and soffice.bin.
            self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=err, start_new_session=True)
        self.starts += 1
        self._replies = replies = queue.Queue()
        threading.Thread(target=self._read, args=(self._proc.stdout, replies),
                         name="docgen-pdf-reader", daemon=True).start()
        ready = self._next(time.monotonic() + self.start_timeout + 5)
        if ready is None or ready is _EOF or not ready.get("ready"):
            detail = ("quá thời gian chờ" if ready is None else "tiến trình đã dừng"
                      if ready is _EOF else ready.get("error", ""))
            self._kill()
            raise UserError(f"Không khởi động được LibreOffice để xuất PDF ({detail}); "
                            f"xem {self.base / 'office.log'}")
        self.sockets = bound_sockets(self.pids())
        log.debug("LibreOffice started for %s (pid %s)", self.base, ready.get("office_pid"))

    @staticmethod
    def _read(stream, replies: queue.Queue) -> None:
        try:
            for line in stream:
                try:
                    replies.put(json.loads(line))
                except ValueError:
                    log.warning("unexpected output from the UNO helper: %r", line[:200])
        except (OSError, ValueError):
            pass  # the stream was closed under us by _kill
        finally:
            replies.put(_EOF)

    def _next(self, deadline: float):
        """The helper's next message, _EOF when it has exited, None past the deadline."""
        try:
            return self._replies.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return None

    def _kill(self) -> None:
        proc = self._kill_group()
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        for path in self.sockets:
            path.unlink(missing_ok=True)
        self.sockets = []

    def close(self, grace: float = 10.0) -> None:
        """Stop LibreOffice (politely, then by force) and remove the profile directory."""
        if self._closed:
            return
        self._closed = True
        proc = self._proc
        if proc is not None and proc.poll() is None:
            try:
                proc.stdin.write(b'{"quit": true}\n')  # the helper terminates LibreOffice
                proc.stdin.close()
                proc.wait(grace)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if proc is not None:
            # The helper may be gone while oosplash lingers; the group kill gets both.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        self._kill()
        shutil.rmtree(self.base, ignore_errors=True)

    # -- work ------------------------------------------------------------------------

    def convert(self, src: Path, dst: Path, timeout: float) -> None:
        """Write the PDF of `src` to `dst`; UserError on a time-out, a crash or a failure."""
        if not self.running:
            self.start()
        self._seq += 1
        request = {"id": self._seq, "src": str(src), "dst": str(dst)}
        try:
            self._proc.stdin.write((json.dumps(request, ensure_ascii=False) + "\n").encode())
            self._proc.stdin.flush()
        except OSError:
            self._kill()
            raise UserError(DIED_MESSAGE) from None
        deadline = time.monotonic() + timeout
        while True:
            answer = self._next(deadline)
            if answer is None:
                log.warning("conversion of %s passed %gs; killing LibreOffice", src, timeout)
                self._kill()
                raise UserError(timeout_message(timeout))
            if answer is _EOF:
                self._kill()
                raise UserError(DIED_MESSAGE)
            if answer.get("id") == self._seq:
                break
        if answer.get("ok"):
            return
        log.warning("conversion of %s failed: %s", src, answer.get("error"))
        if answer.get("fatal"):
            self._kill()
            raise UserError(DIED_MESSAGE)
        raise UserError(FAILED_MESSAGE)
