"""Write tests/data/release-0.1.{sqlite,postgresql}.sql: a database made by release 0.1's own
code (commit 8ce940f), for tests/test_migrations.py. Run once from a checkout:

    python tests/data/make_release_fixture.py [COMMIT]

The old code is taken with `git archive` into a temporary folder and run in a child
process: it creates the schema (`create_all`), seeds the sample district and adds users,
audit rows, households and documents (one issued). The SQLite file is dumped as is
(`iterdump`); the PostgreSQL file holds the DDL that the old `create_all` emits on
PostgreSQL (captured with a mock engine) and the same rows as INSERTs, with the sequences
moved past the ids, as a real server's would be.
"""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
COMMIT = "8ce940f"

CHILD = r'''
import datetime as dt, json, sys
from pathlib import Path
old, instance, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
sys.path.insert(0, str(old))
import docgen
assert Path(docgen.__file__).resolve().is_relative_to(old), docgen.__file__
from docgen import render_document, store
from sqlalchemy import create_mock_engine

db = store.Store(None, instance_path=instance)
db.create_schema()
assert db.seed_sample_if_empty()
with db.session() as s:
    store.ensure_admin(s, "Quan-tri-0.1-cu")
    store.save_user(s, username="vanthu.sana", full_name="Lò Thị Mai", role="commune",
                    body_id=3, password="Van-thu-0.1-cu", must_change=False)
    store.save_user(s, username="xem", full_name="Người xem", role="viewer",
                    password="Chi-xem-0.1", must_change=False)
    unit = store.find_unit(s, 1, "Bản Sa Ná")
    store.save_household(s, unit_id=unit.id, full_name="Lò Văn Ún & con", birth_year=1961,
                         id_number="038061009912", address="Bản Sa Ná", note="Hộ mới <2023>")
    store.audit(s, "admin", "đăng nhập", address="127.0.0.1")
    store.audit(s, "admin", "sửa đơn vị", target=f"unit:{unit.id}",
                detail="Thêm hộ Lò Văn Ún & con", address="127.0.0.1")
    prefill = store.decision_input(s, 1, 2022)
    decision = store.create_document(s, kind="decision", body_id=1, data=prefill.data,
                                     created_by="admin", render=render_document)
    plan = json.loads((old / "samples/quan-son-2022/plan.json").read_text(encoding="utf-8"))
    store.create_document(s, kind="plan", body_id=1, data=plan, created_by="admin",
                          render=render_document)
store.issue_number(db, decision.id, issued_on=dt.date(2022, 12, 20), render=render_document)
db.dispose()

ddl = []
mock = create_mock_engine("postgresql+psycopg://",
                          lambda sql, *a, **k: ddl.append(str(sql.compile(dialect=mock.dialect))))
store.Base.metadata.create_all(mock, checkfirst=False)
out.write_text(";\n".join(s.strip() for s in ddl) + ";\n", encoding="utf-8")
'''


def old_code(commit: str, folder: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit], check=True,
                             capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def pg_literal(value) -> str:
    """A value as PostgreSQL SQL (standard_conforming_strings is on since 9.1)."""
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return f"'\\x{value.hex()}'::bytea"
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def postgresql_dump(conn: sqlite3.Connection, ddl: str) -> str:
    """The old PostgreSQL DDL, then every row as an INSERT in dependency order."""
    from sqlalchemy import Boolean

    sys.path.insert(0, str(REPO))
    from docgen.store.models import Base  # only for the column types of these tables
    lines = [ddl]
    for table in Base.metadata.sorted_tables:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?",
                            (table.name,)).fetchone():
            continue
        columns = [c[1] for c in conn.execute(f'PRAGMA table_info("{table.name}")')]
        booleans = {c.name for c in table.columns if isinstance(c.type, Boolean)}
        for row in conn.execute(f'SELECT * FROM "{table.name}" ORDER BY rowid'):
            values = [("TRUE" if v else "FALSE") if name in booleans and v is not None
                      else pg_literal(v) for name, v in zip(columns, row, strict=True)]
            lines.append(f'INSERT INTO {table.name} ({", ".join(columns)}) VALUES '
                         f'({", ".join(values)});')
        if "id" in columns:
            lines.append(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                         f"(SELECT coalesce(max(id), 1) FROM {table.name}));")
    return "\n".join(lines) + "\n"


def main(commit: str = COMMIT) -> None:
    with tempfile.TemporaryDirectory(prefix="docgen-release-") as work:
        old = old_code(commit, Path(work) / "old")
        instance = Path(work) / "instance"
        ddl_file = Path(work) / "postgresql.ddl"
        subprocess.run([sys.executable, "-c", CHILD, str(old), str(instance), str(ddl_file)],
                       check=True, cwd=work)
        conn = sqlite3.connect(instance / "docgen.sqlite3")
        try:
            header = (f"-- A database made by docgen release 0.1 (commit {commit}), "
                      f"{dt.date.today().isoformat()}: tests/data/make_release_fixture.py\n")
            (HERE / "release-0.1.sqlite.sql").write_text(
                header + "\n".join(conn.iterdump()) + "\n", encoding="utf-8")
            (HERE / "release-0.1.postgresql.sql").write_text(
                header + postgresql_dump(conn, ddl_file.read_text(encoding="utf-8")),
                encoding="utf-8")
        finally:
            conn.close()


if __name__ == "__main__":
    main(*sys.argv[1:2])
