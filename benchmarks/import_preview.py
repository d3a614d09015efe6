"""A 20,000-row unit import and outcome import: the preview's time, and the service's
sign-in page while ten such previews run.

    python benchmarks/import_preview.py [--rows 20000] [--previews 10] [--no-server]

1. In process: a fresh SQLite store with the sample district, whose People's Committee
   is given ROWS extra units (and outcomes of the year for half of them). Two workbooks
   are built with openpyxl: ROWS units (half of them stored, a quarter of those with a
   changed note, half new) and ROWS outcomes (every unit of the body, half with changed
   scores). `exchange.preview_units_import` and `preview_outcomes_import` are timed
   (best and median of three), beside the baseline: the same functions of `main`'s
   `docgen/exchange.py` (read with `git show`), which query the database once or twice per
   row. Both must produce the same plan.
2. Against the real service (`python -m docgen serve`, waitress, 8 threads) on a free
   loopback port with its own instance folder and the same extra units: PREVIEWS threads
   each POST the 20,000-row unit workbook to «Nhập từ Excel» in a bounded loop, while a
   further client GETs the sign-in page every 100 ms. Run twice: all previews from ONE
   user (the per-user limit answers 429 to all but one at a time), then from PREVIEWS
   different users (the service-wide limit keeps threads free for everyone else).
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from web_overhead import Client, Server, machine, ms, percentile  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("Khu dân cư", "Cơ quan", "Doanh nghiệp", "Cơ sở giáo dục")


# --------------------------------------------------------------------------- data

def unit_name(i: int) -> str:
    return f"Bản Thử Nghiệm số {i:05d}"


def add_units(store, rows: int, year: int) -> int:
    """`rows` extra units of the People's Committee (outcomes of `year` for the even ones);
    returns the body's id."""
    from sqlalchemy import insert, select

    from docgen.store.models import Assessment, Body, Unit
    from docgen.vietnamese import fold
    with store.session() as s:
        body_id = s.scalar(select(Body.id).where(Body.abbreviation == "UBND"))
        s.execute(insert(Unit), [
            {"name": unit_name(i), "name_key": fold(unit_name(i)), "kind": "khu_dan_cu",
             "commune": "Xã Trung Hạ", "body_id": body_id, "note": ""} for i in range(rows)])
        ids = list(s.scalars(select(Unit.id).where(Unit.name.like("Bản Thử Nghiệm số %"))
                             .order_by(Unit.id)))
        s.execute(insert(Assessment), [
            {"unit_id": uid, "year": year, "self_score": 80.0, "reviewed_score": 78.0,
             "safe": True, "suggested": "kha", "decided": None, "reason": "", "note": ""}
            for uid in ids[::2]])
    return body_id


def units_workbook(rows: int) -> bytes:
    """`rows` units: the first half stored (every fourth with a new note), the rest new."""
    from openpyxl import Workbook
    book = Workbook()  # shared strings, as Excel and LibreOffice write (not inline strings)
    sheet = book.active
    sheet.title = "Đơn vị"
    sheet.append(["STT", "Tên đơn vị", "Loại hình", "Xã/Thị trấn", "Cơ quan đánh giá", "Ghi chú"])
    for i in range(rows):
        stored = i < rows // 2
        number = i if stored else rows + i
        sheet.append([i + 1, unit_name(number), "Khu dân cư" if stored else KINDS[i % 4],
                      "Xã Trung Hạ", "", "ghi chú mới" if stored and i % 4 == 0 else ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def outcomes_workbook(rows: int, year: int) -> bytes:
    """An outcome for each of the `rows` extra units, every other one with new scores."""
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.title = f"Đánh giá {year}"
    sheet.append(["STT", "Tên đơn vị", "Điểm tự chấm", "Điểm thẩm định",
                  "An toàn về ANTT (Có/Không)", "Xếp loại quyết định", "Lý do", "Ghi chú"])
    for i in range(rows):
        score = 80 if i % 2 else 91
        sheet.append([i + 1, unit_name(i), score, score - 2, "Có", None, None, None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- in process

def baseline_module():
    """`main`'s docgen/exchange.py as a module of the installed package, or None."""
    try:
        source = subprocess.run(["git", "-C", str(ROOT), "show", "main:docgen/exchange.py"],
                                capture_output=True, check=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    spec = importlib.util.spec_from_loader("docgen._exchange_main", loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "docgen"
    sys.modules[spec.name] = module  # dataclasses look their module up
    exec(compile(source, "main:docgen/exchange.py", "exec"), module.__dict__)
    return module


def timed(call, repeat: int = 3) -> tuple[list[float], list[float], object]:
    """Wall times, CPU times (of this process: what a quiet machine would take) and the
    last result of `repeat` calls."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = call()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return times, cpu, result


def summary(plan) -> tuple:
    return (len(plan.add), len(plan.update), len(plan.unchanged), len(plan.reject),
            [(r.row, r.target_id, r.changes) for r in plan.update][:50])


def in_process(rows: int) -> None:
    from docgen import exchange
    from docgen.store import Store
    from docgen.store.seed import sample_year
    folder = Path(tempfile.mkdtemp(prefix="docgen-import-bench-"))
    store = Store(instance_path=folder)
    store.create_schema()
    store.seed_sample_if_empty()
    year = sample_year()
    body_id = add_units(store, rows, year)
    units_xlsx, outcomes_xlsx = units_workbook(rows), outcomes_workbook(rows, year)
    print(f"workbooks: units {len(units_xlsx) / 1e6:.1f} MB, outcomes "
          f"{len(outcomes_xlsx) / 1e6:.1f} MB, {rows} rows each")
    old = baseline_module()
    cases = [("units", lambda m: (lambda: m.preview_units_import(s, units_xlsx, body_id))),
             ("outcomes", lambda m: (lambda: m.preview_outcomes_import(s, outcomes_xlsx,
                                                                        body_id, year)))]
    for what, make in cases:
        with store.session(readonly=True) as s:
            new_times, new_cpu, new_plan = timed(make(exchange))
            line = (f"{what:9} preview  bulk: best {min(new_times):.2f} s (CPU "
                    f"{min(new_cpu):.2f} s), median {statistics.median(new_times):.2f} s")
            from docgen import sheetrows
            fast = sheetrows.rows
            sheetrows.rows = lambda *args: None  # the sheet read by openpyxl, as on main
            try:
                slow_times, slow_cpu, _ = timed(make(exchange), repeat=1)
            finally:
                sheetrows.rows = fast
            line += (f"\n          same, sheet read by openpyxl (main's reader): "
                     f"{slow_times[0]:.2f} s (CPU {slow_cpu[0]:.2f} s)")
            if old is not None:  # main's preview: openpyxl and one or two queries per row
                sheetrows.rows = lambda *args: None
                try:
                    old_times, old_cpu, old_plan = timed(make(old), repeat=1)
                finally:
                    sheetrows.rows = fast
                same = summary(old_plan) == summary(new_plan)
                line += (f"\n          baseline (main: openpyxl, queries per row): "
                         f"{old_times[0]:.2f} s (CPU "
                         f"{old_cpu[0]:.2f} s)   ratio {old_times[0] / min(new_times):.1f}x"
                         f"   same plan: {same}")
        print(line)
        print(f"          plan: add {len(new_plan.add)}, update {len(new_plan.update)}, "
              f"unchanged {len(new_plan.unchanged)}, reject {len(new_plan.reject)}")
    store.dispose()


# --------------------------------------------------------------------------- the service

def post_preview(client: Client, xlsx: bytes, body_id: int) -> int:
    """POST the workbook to the units' import preview; the status."""
    import re
    # A light page for the form token: the list of 20,000 units is not.
    status, _, page = client.request("GET", "/dang-ky/")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in (("csrf_token", token), ("body_id", str(body_id))):
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                 f'filename="don-vi.xlsx"\r\nContent-Type: application/octet-stream\r\n\r\n'
                 .encode() + xlsx + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    body = b"".join(parts)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items()),
               "Content-Type": f"multipart/form-data; boundary={boundary}"}
    client.conn.request("POST", "/don-vi/nhap", body=body, headers=headers)
    response = client.conn.getresponse()
    response.read()
    return response.status


def sign_in(server: Server, username: str) -> Client:
    """A client signed in as `username` (every benchmark user has the same password)."""
    import re

    import web_overhead
    client = Client(server.port)
    _, _, page = client.request("GET", "/dang-nhap")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    status, _, _ = client.request("POST", "/dang-nhap", {
        "csrf_token": token, "username": username, "password": web_overhead.PASSWORD})
    assert status == 302, f"sign-in of {username} failed ({status})"
    return client


def under_load(server: Server, users: list[str], xlsx: bytes, body_id: int,
               loops: int) -> dict:
    """Each user's thread POSTs the preview `loops` times; meanwhile a fresh client GETs
    the sign-in page every 100 ms. Times of both, and the previews' statuses."""
    clients = []
    for name in users:
        clients.append(sign_in(server, name))
    previews, statuses, probes = [], [], []
    lock = threading.Lock()
    running = threading.Event()
    running.set()

    def previewer(c: Client) -> None:
        for _ in range(loops):
            start = time.perf_counter()
            status = post_preview(c, xlsx, body_id)
            took = time.perf_counter() - start
            with lock:
                statuses.append(status)
                if status == 200:
                    previews.append(took)
            if status == 429:
                time.sleep(1)

    def prober() -> None:
        probe = Client(server.port)
        while running.is_set():
            start = time.perf_counter()
            status, _, _ = probe.request("GET", "/dang-nhap")
            probes.append(time.perf_counter() - start)
            assert status == 200, status
            time.sleep(0.1)

    threads = [threading.Thread(target=previewer, args=(c,)) for c in clients]
    probe = threading.Thread(target=prober)
    begin = time.perf_counter()
    probe.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    running.clear()
    probe.join()
    return {"previews": previews, "statuses": statuses, "sign_in": probes,
            "wall": time.perf_counter() - begin}


def against_service(rows: int, count: int, loops: int) -> None:
    from docgen import store as q
    from docgen.store.seed import sample_year
    import web_overhead
    server = Server()
    try:
        store = server.store()
        body_id = add_units(store, rows, sample_year())
        users = [f"nhap{i:02d}" for i in range(count)]
        with store.session() as s:
            for name in users:
                q.save_user(s, username=name, role="district", password=web_overhead.PASSWORD,
                            must_change=False)
        store.dispose()
        xlsx = units_workbook(rows)
        idle = Client(server.port)
        quiet = []
        for _ in range(20):
            start = time.perf_counter()
            idle.request("GET", "/dang-nhap")
            quiet.append(time.perf_counter() - start)
        print(f"\nsign-in page, idle service:           {ms(quiet)}")
        for label, who in (("one user", ["admin"] * count), ("distinct users", users)):
            r = under_load(server, who, xlsx, body_id, loops)
            codes = {code: r["statuses"].count(code) for code in sorted(set(r["statuses"]))}
            print(f"{count} preview threads, {label} ({loops} loops each, {r['wall']:.0f} s):")
            print(f"  previews answered 200 in          {ms(r['previews'])}" if r["previews"]
                  else "  no preview answered 200")
            print(f"  statuses                          {codes}")
            worst = max(r["sign_in"])
            print(f"  sign-in page meanwhile            {ms(r['sign_in'])}, worst "
                  f"{worst * 1000:.0f} ms (target under 1 s: "
                  f"{'met' if percentile(r['sign_in'], 100) < 1 else 'NOT met'})")
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--previews", type=int, default=10, help="concurrent preview threads")
    parser.add_argument("--loops", type=int, default=3, help="previews per thread")
    parser.add_argument("--no-server", action="store_true", help="only the in-process part")
    parser.add_argument("--no-in-process", action="store_true", help="only the service part")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    if not args.no_in_process:
        in_process(args.rows)
    if not args.no_server:
        against_service(args.rows, args.previews, args.loops)


if __name__ == "__main__":
    os.environ.pop("DOCGEN_DATABASE_URL", None)
    main()
