"""Faults: `docgen serve` killed with SIGKILL in the middle of a big batch download and of
a run of number issues, then started again — the database must be consistent (SQLite's
integrity check; no number without its DOCX; each body's numbers 1..n with no gap or
repeat; no stray file in the instance folder); `docgen batch` killed while writing leaves
no half-written output. LibreOffice killed during a conversion gives an error, in the
library and in the web app, and the next conversion works. What a kill leaves in the temp
and output folders is checked too."""

from __future__ import annotations

import array
import contextlib
import fcntl
import io
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import termios
import threading
import time
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest
import requests

import docgen
from docgen import pdf, store
from docgen.errors import UserError
from docgen.samples import load_sample
from docgen.store.sample_dossiers import CLERK as SAMPLE_CLERK
from helpers import texts

PASSWORD = "Mat-khau-thu-nghiem-2025"
INSTANCE_FILES = {"docgen.sqlite3", "docgen.sqlite3-wal", "docgen.sqlite3-shm", "secret_key",
                  "tmp", "locks", "queue.sqlite3", "queue.sqlite3-wal",
                  "queue.sqlite3-shm"}
needs_office = pytest.mark.skipif(not pdf.available(), reason="LibreOffice is not installed")
pytestmark = pytest.mark.slow  # kills the service, a batch or LibreOffice: `make test` runs them


# ---- processes -------------------------------------------------------------------------------

def _stat(pid: int) -> tuple[str, int] | None:
    """(command name, parent pid) of a live process, from /proc."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1:raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2:].split()
    return (None if fields[0] == "Z" else name), int(fields[1])


def descendants(root: int) -> dict[int, str]:
    """Live descendants of `root`: pid → command name."""
    parents: dict[int, tuple[str, int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            info = _stat(int(entry))
            if info and info[0]:
                parents[int(entry)] = info
    found: dict[int, str] = {}
    changed = True
    while changed:
        changed = False
        for pid, (name, ppid) in parents.items():
            if pid not in found and (ppid == root or ppid in found):
                found[pid] = name
                changed = True
    return found


def alive(pid: int) -> bool:
    info = _stat(pid)
    return info is not None and info[0] is not None


def using(folder: Path) -> list[int]:
    """Live processes whose command line names `folder` (a LibreOffice on a profile there)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            line = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if str(folder).encode() in line and alive(int(entry)):
            found.append(int(entry))
    return found


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python -m docgen serve` on a free port, with its own instance and temp folders."""

    def __init__(self, base: Path):
        self.instance = base / "instance"
        self.tmp = base / "tmp"        # TMPDIR of the service: its temporary files land here
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.log = base / "server.log"
        self.proc: subprocess.Popen | None = None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.children: set[int] = set()   # processes it started (LibreOffice), seen alive

    def start(self) -> None:
        env = {**os.environ, "DOCGEN_INSTANCE": str(self.instance), "TMPDIR": str(self.tmp),
               "DOCGEN_ADMIN_PASSWORD": PASSWORD, "DOCGEN_JOB_STALE": "3"}
        env.pop("DOCGEN_DATABASE_URL", None)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "docgen", "serve", "--port", str(self.port)],
                env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(self.url + "/dang-nhap", timeout=2)
                return
            except requests.ConnectionError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("docgen serve did not start:\n"
                                       + self.log.read_text()) from None
                time.sleep(0.2)

    def note_children(self) -> dict[int, str]:
        found = descendants(self.proc.pid) if self.proc else {}
        self.children |= set(found)
        return found

    def kill(self) -> None:
        """SIGKILL, as a power cut or the OOM killer would: nothing runs on the way out."""
        self.note_children()
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.note_children()
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        # Only processes this service started: its children seen alive, and LibreOffice
        # instances on a profile in its temp folder (orphaned when it was killed).
        for pid in self.children | set(using(self.tmp)):
            if alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def client(self) -> requests.Session:
        """A session signed in as the district administrator (when accounts exist)."""
        session = requests.Session()
        page = session.get(self.url + "/dang-nhap", timeout=30)
        if page.status_code == 200:
            token = _token(page.text)
            session.post(self.url + "/dang-nhap", data={
                "username": "admin", "password": PASSWORD, "csrf_token": token}, timeout=30)
        return session


def _token(html: str) -> str:
    """The CSRF token of the first form of a page."""
    tag = re.search(r'<input[^>]*name="csrf_token"[^>]*>', html).group(0)
    return re.search(r'value="([^"]+)"', tag).group(1)


@pytest.fixture
def server(tmp_path):
    server = Server(tmp_path)
    db = store.Store(instance_path=server.instance)  # the sample district, as on first run
    db.seed_sample_if_empty()
    db.dispose()
    yield server
    server.stop()


# ---- the consistency the register must keep --------------------------------------------------

def check_database(instance: Path) -> dict[tuple[int, int], int]:
    """SQLite's integrity check, every issued number with its DOCX, the numbers of each
    body and year 1..n with no gap or repeat and the counter at n. Returns n per (body, year)."""
    conn = sqlite3.connect(instance / "docgen.sqlite3")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = conn.execute("SELECT id, body_id, year, number, symbol, status, docx, "
                            "created_by FROM document").fetchall()
        counters = {(b, y): last for b, y, last in
                    conn.execute("SELECT body_id, year, last FROM counter")}
    finally:
        conn.close()
    numbers: dict[tuple[int, int], list[int]] = defaultdict(list)
    seeded: dict[tuple[int, int], int] = defaultdict(int)  # the sample register's last number
    for _, body, year, number, _, _, _, by in rows:
        if by == SAMPLE_CLERK and number is not None:
            seeded[(body, year)] = max(seeded[(body, year)], number)
    for doc_id, body, year, number, symbol, status, docx, by in rows:
        assert (number is not None) == (status == store.STATUS_ISSUED), doc_id
        assert docx, f"document {doc_id} has no DOCX"
        if number is None:
            continue
        if by != SAMPLE_CLERK:
            numbers[(body, year)].append(number)
        lines = texts(docx)  # opens the stored file: a half-written DOCX fails here
        assert any(f"Số: {symbol}" in line for line in lines), (doc_id, symbol)
        assert symbol.startswith(f"{number:02d}/")
    # After the sample register's numbers, each body's numbers of a year run on with no gap
    # or repeat, and the counter stands at the last one.
    for key, found in numbers.items():
        first = seeded[key] + 1
        assert sorted(found) == list(range(first, first + len(found))), (key, sorted(found))
        assert counters.get(key) == seeded[key] + len(found), (key, counters.get(key))
    for key, last in counters.items():
        assert last == seeded[key] + len(numbers.get(key, [])), (key, last)
    return {k: len(v) for k, v in numbers.items()}


def stray_files(instance: Path) -> list[str]:
    """Files in the instance folder that no finished operation leaves there."""
    stray = [p.name for p in instance.iterdir() if p.name not in INSTANCE_FILES]
    work = instance / "tmp"  # work files of running jobs, a folder per process
    if work.is_dir():
        stray += [f"tmp/{p.relative_to(work)}" for p in work.glob("*/*")
                  if not re.fullmatch(r"[^/]+-\d+-[0-9a-f]{8}/docgen-batch-[\w-]+",
                                      p.relative_to(work).as_posix())]
    return stray


def _drafts(instance: Path, count: int, **changes) -> list[int]:
    """`count` drafts of the sample decision for body 1: one rendered, the rest copied."""
    db = store.Store(instance_path=instance)
    data = load_sample("decision")
    data.pop("number"), data.pop("date")
    data.update(changes)
    try:
        with db.session() as s:
            first = store.create_document(s, kind="decision", body_id=1, data=data,
                                          created_by="văn thư", render=docgen.render_document).id
    finally:
        db.dispose()
    conn = sqlite3.connect(instance / "docgen.sqlite3")
    try:
        columns = ", ".join(c[1] for c in conn.execute("PRAGMA table_info(document)")
                            if c[1] != "id")
        with conn:
            for _ in range(count - 1):
                conn.execute(f"INSERT INTO document ({columns}) SELECT {columns} FROM document "
                             "WHERE id = ?", (first,))
        ids = [r[0] for r in conn.execute("SELECT id FROM document WHERE id >= ? ORDER BY id",
                                          (first,))]
    finally:
        conn.close()
    return ids


# ---- killed while issuing numbers ------------------------------------------------------------

def _issue_all(server: Server, ids: list[int], day: str, done: list) -> None:
    """POST «Cấp số» for each draft until the service dies under us."""
    try:
        session = server.client()
        token = _token(session.get(f"{server.url}/so-van-ban/", timeout=30).text)
        for doc_id in ids:
            # «Vẫn cấp số»: the sample cites a plan the register lacks (a dossier warning)
            session.post(f"{server.url}/so-van-ban/{doc_id}/cap-so",
                         data={"csrf_token": token, "issued_on": day, "confirm": day},
                         timeout=60, allow_redirects=False)
            done.append(doc_id)
    except requests.RequestException:
        pass  # killed mid-request: what the test is about


def test_killing_the_service_while_numbers_are_issued_loses_nothing(server):
    per_round = 100
    ids = _drafts(server.instance, 3 * per_round + 1)
    rng = random.Random()
    issued: dict = {}
    for round_ in range(3):
        server.start()
        todo = ids[round_ * per_round:(round_ + 1) * per_round]
        done: list[int] = []
        threads = [threading.Thread(target=_issue_all,
                                    args=(server, todo[i::3], "2023-02-10", done))
                   for i in range(3)]
        for thread in threads:
            thread.start()
        while not done and any(t.is_alive() for t in threads):
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 1.5))  # a random moment among the issues
        server.kill()
        for thread in threads:
            thread.join()
        assert 0 < len(done) < per_round, "the kill did not fall among the issues"
        issued = check_database(server.instance)  # straight after the crash
        assert stray_files(server.instance) == []
    server.start()  # and the service goes on numbering from where the register stands
    before = issued[(1, 2023)]
    session = server.client()
    token = _token(session.get(f"{server.url}/so-van-ban/", timeout=30).text)
    draft = ids[-1]
    session.post(f"{server.url}/so-van-ban/{draft}/cap-so",
                 data={"csrf_token": token, "issued_on": "2023-02-10",
                       "confirm": "2023-02-10"}, timeout=60, allow_redirects=False)
    server.stop()
    assert check_database(server.instance)[(1, 2023)] == before + 1
    assert _number(server.instance, draft) == before + 1
    assert stray_files(server.instance) == []
    assert "Traceback" not in server.log.read_text()  # no request failed on its own


def _number(instance: Path, doc_id: int) -> int | None:
    conn = sqlite3.connect(instance / "docgen.sqlite3")
    try:
        return conn.execute("SELECT number FROM document WHERE id = ?", (doc_id,)).fetchone()[0]
    finally:
        conn.close()


# ---- killed during a big batch download ------------------------------------------------------

def _household_list(rows: int) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    ws.append(["STT", "Họ và tên", "Năm sinh", "Số CCCD", "Địa chỉ"])
    for i in range(rows):
        ws.append([i + 1, f"Lò Văn Số {i + 1}", 1950 + i % 50, f"0380{i:08d}", f"Nhà số {i}"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _area_id(instance: Path) -> int:
    conn = sqlite3.connect(instance / "docgen.sqlite3")
    try:
        return conn.execute("SELECT id FROM unit WHERE name = 'Bản Na Mèo'").fetchone()[0]
    finally:
        conn.close()


def _kill_during_batch(server: Server) -> tuple[bool, str]:
    """Start a batch of 20,000 forms and SIGKILL the service while its job writes the
    file; (True when the job had not finished at the kill, the job page's address)."""
    server.start()
    session = server.client()
    token = _token(session.get(f"{server.url}/cam-ket/", timeout=30).text)
    reply = session.post(f"{server.url}/cam-ket/", data={
        "csrf_token": token, "unit_id": str(_area_id(server.instance)), "year": "2022",
        "fmt": "docx"}, files={"file": ("danh-sach.xlsx", _household_list(20_000))},
        timeout=300, allow_redirects=False)
    assert reply.status_code == 302, reply.text[:2000]
    job_url = server.url + reply.headers["Location"]
    # The job streams the forms into its folder tmp/<process>/docgen-batch-*, into a file that gets
    # its name only when complete: the kill is timed from its progress.
    deadline = time.monotonic() + 120
    while "Đang điền bản cam kết" not in session.get(job_url, timeout=30).text \
            and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(server.instance.glob("tmp/*/docgen-batch-*"))
    time.sleep(random.uniform(0.2, 1.0))
    running = 'data-state="running"' in session.get(job_url, timeout=30).text
    server.kill()
    return running, job_url


def test_killing_the_service_during_a_batch_download_leaves_the_instance_clean(server):
    _drafts(server.instance, 1)
    killed, job_url = _kill_during_batch(server)
    assert killed, "the batch finished before the kill: make the list longer"
    check_database(server.instance)
    assert stray_files(server.instance) == []
    server.start()  # starts again and serves
    session = server.client()
    assert session.get(f"{server.url}/so-van-ban/", timeout=30).status_code == 200
    # The job outlived the service: the restarted one sees its stale heartbeat and runs it again.
    deadline = time.monotonic() + 600
    while 'data-state="done"' not in (page := session.get(job_url, timeout=30).text) \
            and time.monotonic() < deadline:
        time.sleep(0.5)
    assert 'data-state="done"' in page and "20.000 bản cam kết" in page
    server.stop()
    check_database(server.instance)
    assert "Traceback" not in server.log.read_text()


def test_a_batch_killed_midway_leaves_no_temporary_folder_after_a_restart(server):
    assert _kill_during_batch(server)[0]
    left = list(server.instance.glob("tmp/*/docgen-batch-*"))  # left by the kill …
    assert left
    server.start()
    server.stop()
    assert not any(p.exists() for p in left)  # … and swept at the next start
    assert list(server.tmp.glob("docgen-batch-*")) == []


@needs_office
def test_stopping_the_service_leaves_no_libreoffice_profile_behind(server):
    small_id, = _drafts(server.instance, 1)
    server.start()
    session = server.client()
    assert session.get(f"{server.url}/so-van-ban/{small_id}/tai-ve.pdf",
                       timeout=120).status_code == 200
    server.stop()  # SIGTERM, as systemd or docker stop send it
    assert list(server.tmp.glob("docgen-lo-*")) == []


@pytest.fixture(scope="module")
def killed_cli_batch(tmp_path_factory):
    """`docgen batch` of 20,000 forms into out/cam-ket.docx, SIGKILLed while it writes."""
    base = tmp_path_factory.mktemp("cli-batch")
    (base / "out").mkdir()
    (base / "ds.xlsx").write_bytes(_household_list(20_000))
    (base / "chung.json").write_text('{"year": 2022, "area": "Bản Na Mèo", "commune": '
                                     '"Xã Na Mèo", "place": "Na Mèo"}', encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "docgen", "batch", "commitment",
                             str(base / "ds.xlsx"), "-o", str(base / "out" / "cam-ket.docx"),
                             "--defaults", str(base / "chung.json")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # The output has no name until it is complete (O_TMPFILE), so the kill is timed: the
    # 20,000 forms take several seconds to read, validate and write.
    time.sleep(random.uniform(2.0, 4.0))
    finished = proc.poll() is not None
    proc.kill()
    proc.wait()
    assert not finished, "the batch finished before the kill: make the list longer"
    return base / "out"


def test_a_killed_cli_batch_leaves_no_half_written_output(killed_cli_batch):
    assert not (killed_cli_batch / "cam-ket.docx").exists()


def test_a_killed_cli_batch_leaves_no_temporary_file(killed_cli_batch):
    assert list(killed_cli_batch.iterdir()) == []


# ---- LibreOffice killed during a conversion --------------------------------------------------

def _big_decision(units: int = 1500) -> bytes:
    data = load_sample("decision")
    data.pop("number"), data.pop("date")
    data["units"] = [{"name": f"Đơn vị số {i}", "kind": "Cơ quan", "grade": "Khá"}
                     for i in range(units)]
    return docgen.render_document("decision", data)


def _office_pids(pids) -> list[int]:
    return [pid for pid in pids if (_stat(pid) or ("", 0))[0] == "soffice.bin"]


def _queued(pid: int, fd: int = 0) -> int:
    """Bytes waiting in the pipe that is process `pid`'s descriptor `fd`, read through /proc
    without taking them (FIONREAD)."""
    pipe = os.open(f"/proc/{pid}/fd/{fd}", os.O_RDONLY | os.O_NONBLOCK)
    try:
        count = array.array("i", [0])
        fcntl.ioctl(pipe, termios.FIONREAD, count)
        return count[0]
    finally:
        os.close(pipe)


def _kill_office_in_a_conversion(pids: list[int], convert) -> threading.Thread:
    """Start `convert` in a thread and SIGKILL LibreOffice while that conversion is under
    way — certainly, whatever the machine's speed: the instance (its UNO helper and
    LibreOffice, `pids`) is stopped first, so the request waits unread in the helper's input
    and nothing is converted; once it is there, LibreOffice is killed and the helper let go.
    Returns the thread running `convert`."""
    helper, = (pid for pid in pids
               if b"uno_worker" in Path(f"/proc/{pid}/cmdline").read_bytes())
    victims = _office_pids(pids)
    assert victims, "no LibreOffice process to kill"
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    thread = threading.Thread(target=convert)
    try:
        thread.start()
        deadline = time.monotonic() + 120  # a bound for a stuck run, not a timing condition
        while _queued(helper) == 0:
            assert thread.is_alive() and time.monotonic() < deadline, \
                "the conversion request never reached the UNO helper"
            time.sleep(0.05)
        for pid in victims:
            os.kill(pid, signal.SIGKILL)
    finally:
        for pid in pids:
            if alive(pid):
                os.kill(pid, signal.SIGCONT)
    return thread


@needs_office
def test_libreoffice_killed_during_a_conversion_gives_a_user_error_and_the_next_works():
    small = docgen.render_document("decision", load_sample("decision"))
    pdf.to_pdf(small)  # LibreOffice up: the kill below falls in a conversion, not a start
    conv = pdf.converter()
    if conv.backend != "uno":
        pytest.skip("no Python with uno (python3-uno): conversions are one soffice each")
    big = _big_decision()
    result: list = []

    def convert():
        try:
            result.append(pdf.to_pdf(big))
        except UserError as exc:
            result.append(exc)

    _kill_office_in_a_conversion(conv.pids(), convert).join()
    assert isinstance(result[0], UserError), "the conversion ended before the kill"
    assert "LibreOffice dừng bất thường" in result[0].message
    again = pdf.to_pdf(small)
    assert again.startswith(b"%PDF")


@needs_office
def test_a_libreoffice_crash_in_the_web_app_shows_a_message_and_the_next_pdf_works(server):
    small_id, = _drafts(server.instance, 1)
    big_id = _drafts(server.instance, 1, units=[
        {"name": f"Đơn vị số {i}", "kind": "Cơ quan", "grade": "Khá"} for i in range(1500)])[0]
    server.start()
    session = server.client()
    first = session.get(f"{server.url}/so-van-ban/{small_id}/tai-ve.pdf", timeout=120)
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    replies: list = []
    office = [pid for pid in server.note_children() if pid != server.proc.pid]
    _kill_office_in_a_conversion(office, lambda: replies.append(session.get(
        f"{server.url}/so-van-ban/{big_id}/tai-ve.pdf", timeout=120, allow_redirects=False))
    ).join()
    reply = replies[0]
    assert reply.status_code == 302, "the conversion ended before the kill"
    assert reply.headers["Location"].endswith(f"/so-van-ban/{big_id}")
    page = session.get(f"{server.url}/so-van-ban/", timeout=30).text
    assert "LibreOffice dừng bất thường" in page and "Bạn vẫn tải được bản DOCX" in page
    again = session.get(f"{server.url}/so-van-ban/{small_id}/tai-ve.pdf", timeout=120)
    assert again.status_code == 200 and again.content.startswith(b"%PDF")
    server.stop()
    check_database(server.instance)


@needs_office
def test_libreoffice_does_not_outlive_a_killed_service(server):
    small_id, = _drafts(server.instance, 1)
    server.start()
    session = server.client()
    assert session.get(f"{server.url}/so-van-ban/{small_id}/tai-ve.pdf",
                       timeout=120).status_code == 200
    office = _office_pids(server.note_children())
    assert office
    server.kill()
    deadline = time.monotonic() + 15  # the UNO helper sees its input close and stops it
    while any(alive(pid) for pid in office) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(pid) for pid in office)


@needs_office
def test_libreoffice_started_for_a_service_that_died_does_not_run_on(tmp_path):
    from docgen.pdf.converter import uno_python
    from docgen.pdf.office import WORKER
    profile = tmp_path / "docgen-lo-test" / "profile"
    profile.parent.mkdir()
    helper = subprocess.Popen(
        [uno_python(pdf.soffice()), str(WORKER), "--soffice", pdf.soffice(), "--profile",
         str(profile), "--pipe", f"docgen-test-{os.getpid()}-{random.randrange(10**9)}"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        start_new_session=True)
    left: list[int] = []
    try:
        helper.stdout.close()  # docgen's end of the pipe is gone, as when it is killed
        helper.wait(timeout=90)
        time.sleep(2)
        left = using(tmp_path)
        assert left == []
    finally:
        for pid in left or using(tmp_path):  # the LibreOffice this test started
            os.kill(pid, signal.SIGKILL)
        if helper.poll() is None:
            helper.kill()
        helper.stdin.close()
        helper.wait()

