"""What the start-up integrity check costs on a large SQLite database.

    python benchmarks/startup_check.py            # a 50 MB database, 5 runs of each case
    python benchmarks/startup_check.py --mb 200 --runs 3

The database is a district's register grown large: the sample district, 3,000 audit rows,
and issued documents whose DOCX blobs are 40 KB of incompressible bytes each (a real DOCX
is a ZIP), until the file reaches the size asked for. Each case runs on a new connection;
the file is in the page cache (a service restarting on a running machine). Cases:

- **baseline**: open the file and read one row (what any start-up does anyway);
- **quick_check**: `PRAGMA quick_check` (what `Store.create_schema` runs once);
- **integrity_check**: `PRAGMA integrity_check` (also checks indexes against tables);
- **create_schema**: the whole start-up path, `Store(...).create_schema()` (quick_check,
  the schema version check), on a database already at head.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from docgen import store

BLOB = 40 * 1024


def build(folder: Path, megabytes: int) -> Path:
    db = store.Store(instance_path=folder)
    db.create_schema()
    db.seed_sample_if_empty()
    db.dispose()
    path = folder / "docgen.sqlite3"
    conn = sqlite3.connect(path)
    conn.executemany(
        "INSERT INTO audit (at, username, action, target, detail, address) "
        "VALUES ('2026-01-02 03:04:05', 'admin', 'sửa đơn vị', ?, ?, '127.0.0.1')",
        [(f"unit:{i}", "ghi chú " * 20) for i in range(3000)])
    number = 0
    while path.stat().st_size < megabytes * 1024 * 1024:
        rows = []
        for _ in range(100):
            number += 1
            rows.append((2000 + number // 5000, number % 5000 + 1, f"{number}/QĐ-UBND",
                         '{"units": []}', os.urandom(BLOB)))
        conn.executemany(
            "INSERT INTO document (body_id, kind, year, number, symbol, issued_on, summary, "
            "signer_name, created_by, created_at, status, input_json, docx) VALUES (1, "
            "'decision', ?, ?, ?, '2022-12-20', 'Quyết định công nhận', 'Hà Văn Tôn', "
            "'admin', '2022-12-20 08:00:00', 'issued', ?, ?)", rows)
        conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def timed(action, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def pragma(path: Path, statement: str):
    def run():
        conn = sqlite3.connect(path)
        try:
            result = conn.execute(statement).fetchall()
            assert result in ([("ok",)], [(1,)]), result
        finally:
            conn.close()
    return run


def start_up(folder: Path):
    def run():
        db = store.Store(instance_path=folder)
        db.create_schema()
        db.dispose()
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="docgen-startup-") as work:
        folder = Path(work)
        started = time.perf_counter()
        path = build(folder, args.mb)
        size = path.stat().st_size / (1024 * 1024)
        print(f"database: {size:.1f} MiB, built in {time.perf_counter() - started:.1f} s; "
              f"{args.runs} runs each (median, min–max)")
        cases = {
            "baseline (open, read one row)": pragma(path, "SELECT 1 FROM body LIMIT 1"),
            "PRAGMA quick_check": pragma(path, "PRAGMA quick_check"),
            "PRAGMA integrity_check": pragma(path, "PRAGMA integrity_check"),
            "Store.create_schema() at head": start_up(folder),
        }
        baseline = None
        for name, action in cases.items():
            action()  # warm the page cache and the imports
            times = timed(action, args.runs)
            median = statistics.median(times)
            baseline = baseline or median
            print(f"{name:32} {median * 1000:8.1f} ms  ({min(times) * 1000:.1f}–"
                  f"{max(times) * 1000:.1f} ms)  {median / baseline:7.1f}× baseline")


if __name__ == "__main__":
    main()
