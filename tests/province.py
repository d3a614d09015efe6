"""Helpers of the multi-process tests (tests/test_processes.py, test_province_setup.py):
real `docgen serve` and `docgen worker` subprocesses, signing in and issuing numbers over
HTTP with CSRF tokens, drafts to number, and the register's consistency afterwards."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

import docgen
from docgen import store
from docgen.samples import load_sample
from docgen.store.models import Counter, Document
from docgen.store.sample_dossiers import CLERK as SAMPLE_CLERK
from helpers import ADMIN_PASSWORD, texts

DAY = "2023-02-10"  # the register year of the numbers issued: body 1, 2023


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, seconds: float, what: str):
    """Poll `check()` until it returns something true (returned); AssertionError naming
    `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def worker_pids(master: int) -> list[int]:
    """Live child processes of `master` running Python (gunicorn's workers), by pid."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == master and fields[0] != "Z" and b"docgen" in cmdline:
            found.append(int(entry))
    return sorted(found)


class Process:
    """A `docgen …` command run as a subprocess in a session (process group) of its own,
    its output in `base/name.log`; `env` is added to this process's environment."""

    def __init__(self, base: Path, name: str, args: list[str], env: dict):
        self.args, self.log = args, base / f"{name}.log"
        self.env = {**os.environ, "TMPDIR": str(base / f"{name}-tmp"), **env}
        self.env = {k: v for k, v in self.env.items() if v is not None}
        (base / f"{name}-tmp").mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen | None = None
        self.pid = 0

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "docgen", *self.args],
                                         env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid = self.proc.pid

    def kill(self) -> None:
        """SIGKILL to the whole group, as a power cut would: nothing runs on the way out."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.proc = None

    def stop(self) -> int | None:
        """SIGTERM, as systemd sends it; the exit status (SIGKILL after 30 s: None)."""
        if self.proc is None:
            return None
        self.proc.terminate()
        try:
            code = self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            code = None
        with contextlib.suppress(ProcessLookupError):  # what it left behind (LibreOffice)
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.proc = None
        return code


class Web(Process):
    """`docgen serve` on a free port (`processes` > 1: gunicorn), ready when started."""

    def __init__(self, base: Path, name: str, env: dict, *, processes: int = 1,
                 admin_password: str | None = ADMIN_PASSWORD, extra: tuple = ()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        args = ["serve", "--port", str(self.port), *extra]
        if processes > 1:
            args += ["--processes", str(processes)]
        super().__init__(base, name, args, {"DOCGEN_ADMIN_PASSWORD": admin_password,
                                            "DOCGEN_SOFFICE": "/nonexistent/soffice", **env})

    def start(self) -> None:
        super().start()

        def answers() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.args} exited:\n{self.log.read_text()}")
            with contextlib.suppress(requests.ConnectionError):
                return requests.get(self.url + "/dang-nhap", timeout=5).status_code == 200
            return False
        wait_until(answers, 120, f"{self.log.name} to answer")


def token(html: str) -> str:
    """The CSRF token of the first form of a page."""
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


def signed_in(url: str, username: str = "admin", password: str = ADMIN_PASSWORD
              ) -> requests.Session:
    session = requests.Session()
    page = session.get(url + "/dang-nhap", timeout=60)
    reply = session.post(url + "/dang-nhap", data={
        "username": username, "password": password, "csrf_token": token(page.text)},
        timeout=60, allow_redirects=False)
    assert reply.status_code == 302, reply.text[:500]
    return session


def issue_numbers(urls: list[str], ids: list[int], *, threads: int,
                  password: str = ADMIN_PASSWORD) -> None:
    """«Cấp số» for every draft in `ids` from `threads` threads spread over the web
    processes at `urls`, each thread a clerk signed in on its own: every POST must answer
    with the register's redirect."""
    failures: list[str] = []

    def run(part: list[int], url: str) -> None:
        try:
            session = signed_in(url, password=password)
            csrf = token(session.get(f"{url}/so-van-ban/", timeout=60).text)
            for doc_id in part:
                # «Vẫn cấp số»: the sample cites a plan the register lacks (a dossier warning)
                reply = session.post(f"{url}/so-van-ban/{doc_id}/cap-so", timeout=120,
                                     data={"csrf_token": csrf, "issued_on": DAY, "confirm": DAY},
                                     allow_redirects=False)
                if reply.status_code != 302:
                    failures.append(f"{url} {doc_id}: {reply.status_code}")
        except Exception as exc:  # noqa: BLE001  reported below, with the others
            failures.append(f"{url}: {exc!r}")

    workers = [threading.Thread(target=run, args=(ids[i::threads], urls[i % len(urls)]))
               for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == [], failures[:5]


def _store(url: str | None, instance: Path | None) -> store.Store:
    return store.Store(url, instance_path=instance)


def drafts(url: str | None, count: int, *, instance: Path | None = None) -> list[int]:
    """`count` drafts of the sample decision for body 1 (one rendered, the rest copies)."""
    db = _store(url, instance)
    data = load_sample("decision")
    data.pop("number"), data.pop("date")
    try:
        with db.session() as s:
            first = store.create_document(s, kind="decision", body_id=1, data=data,
                                          created_by="văn thư", render=docgen.render_document)
            columns = {c.key: getattr(first, c.key) for c in Document.__table__.columns
                       if c.key != "id"}
            copies = [Document(**columns) for _ in range(count - 1)]
            s.add_all(copies)
            s.flush()
            return [first.id, *(c.id for c in copies)]
    finally:
        db.dispose()


def check_numbers(url: str | None, *, instance: Path | None = None) -> dict:
    """Every issued number with its DOCX showing its symbol; after the sample register's
    numbers, each body's numbers of a year run on with no gap or repeat, the counter at the
    last. Returns how many were issued after the sample's, per (body, year)."""
    db = _store(url, instance)
    try:
        with db.session(readonly=True) as s:
            rows = s.query(Document.id, Document.body_id, Document.year, Document.number,
                           Document.symbol, Document.status, Document.docx,
                           Document.created_by).all()
            counters = {(c.body_id, c.year): c.last for c in s.query(Counter)}
    finally:
        db.dispose()
    seeded: dict = defaultdict(int)
    numbers: dict = defaultdict(list)
    for _, body, year, number, _, _, _, by in rows:
        if by == SAMPLE_CLERK and number is not None:
            seeded[(body, year)] = max(seeded[(body, year)], number)
    for doc_id, body, year, number, symbol, status, docx, by in rows:
        assert (number is not None) == (status == store.STATUS_ISSUED), doc_id
        if number is None or by == SAMPLE_CLERK:
            continue
        numbers[(body, year)].append(number)
        assert any(f"Số: {symbol}" in line for line in texts(docx)), (doc_id, symbol)
    for key, found in numbers.items():
        first = seeded[key] + 1
        assert sorted(found) == list(range(first, first + len(found))), (key, sorted(found))
        assert counters.get(key) == seeded[key] + len(found), (key, counters.get(key))
    return {key: len(found) for key, found in numbers.items()}
