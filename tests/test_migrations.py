"""Schema migrations: a release-0.1 database (tests/data/release-0.1.*.sql, made by that
release's own code) is refused at start, upgraded by `docgen db upgrade` and keeps every
record, on SQLite and PostgreSQL; a new database is exactly what models.py describes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, MetaData, String, create_engine, inspect, text

from docgen import store
from docgen.store import migrate
from helpers import login

DATA = Path(__file__).parent / "data"
RELEASE_SQLITE = DATA / "release-0.1.sqlite.sql"
RELEASE_POSTGRESQL = DATA / "release-0.1.postgresql.sql"
# What tests/data/make_release_fixture.py put in the release-0.1 database.
RELEASE_COUNTS = {"body": 3, "signer": 5, "unit": 44, "assessment": 88, "household": 10,
                  "document": 2, "document_unit": 44, "counter": 1, "app_user": 3, "audit": 2}
OLD_PASSWORDS = {"admin": "Quan-tri-0.1-cu", "vanthu.sana": "Van-thu-0.1-cu"}


def docgen(*args: str, instance: Path | None = None, url: str | None = None):
    """Run the real command line in a child process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
    if instance is not None:
        env["DOCGEN_INSTANCE"] = str(instance)
    if url is not None:
        env["DOCGEN_DATABASE_URL"] = url
    return subprocess.run([sys.executable, "-m", "docgen", *args], env=env, capture_output=True,
                          text=True, timeout=180)


def load_release(instance: Path) -> Path:
    """The instance folder of an office running release 0.1: its SQLite file, as made then."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "docgen.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(RELEASE_SQLITE.read_text(encoding="utf-8"))
    conn.execute("PRAGMA journal_mode = WAL")  # as release 0.1 left its file
    conn.close()
    return path


def mode_of(path: Path) -> int:
    return path.stat().st_mode & 0o777


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
                for t in RELEASE_COUNTS}


def release_docx() -> bytes:
    """The issued decision's DOCX as release 0.1 stored it."""
    conn = sqlite3.connect(":memory:")
    conn.executescript(RELEASE_SQLITE.read_text(encoding="utf-8"))
    blob = conn.execute("SELECT docx FROM document WHERE symbol = '01/QĐ-UBND'").fetchone()[0]
    conn.close()
    return blob


def assert_every_record_is_there(engine) -> None:
    assert counts(engine) == RELEASE_COUNTS
    with engine.connect() as conn:
        one = lambda sql: conn.execute(text(sql)).one()  # noqa: E731
        assert one("SELECT full_name, birth_year, address FROM household "
                   "WHERE id_number = '038061009912'") == \
            ("Lò Văn Ún & con", 1961, "Bản Sa Ná")
        symbol, status, issued_on, docx = one(
            "SELECT symbol, status, issued_on, docx FROM document WHERE number = 1")
        assert (symbol, status, str(issued_on)) == ("01/QĐ-UBND", "issued", "2022-12-20")
        assert hashlib.sha256(bytes(docx)).digest() == hashlib.sha256(release_docx()).digest()
        assert one("SELECT role, body_id FROM app_user WHERE username = 'vanthu.sana'") == \
            ("commune", 3)
        assert one("SELECT detail FROM audit WHERE action = 'sửa đơn vị'") == \
            ("Thêm hộ Lò Văn Ún & con",)
        reason, = one("SELECT a.reason FROM assessment a JOIN unit u ON u.id = a.unit_id "
                      "WHERE u.name = 'Bản Bôn' AND a.year = 2022")
        assert "ma túy" in reason
        assert one("SELECT last FROM counter WHERE year = 2022") == (1,)


def assert_revision_0002_data(engine) -> None:
    """Revision 0002: a household belongs to its area's latest assessed year (2022 in the
    release's sample district); every register row holds its input in canonical form."""
    from docgen.store.numbering import canonical_input
    with engine.connect() as conn:
        assert conn.execute(text("SELECT DISTINCT year FROM household")).scalars().all() == [2022]
        rows = conn.execute(text("SELECT kind, input_json FROM document")).all()
    assert rows
    for kind, stored in rows:
        assert stored == canonical_input(kind, json.loads(stored)), kind


def drift(engine) -> list:
    """What models.py has that the database lacks, or the reverse (a forgotten revision)."""
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts={
            "compare_type": True, "compare_server_default": True}), store.Base.metadata)


EXTRA = "9999"


def extra_revision(tmp_path: Path, body: str) -> str:
    """A copy of the shipped scripts with a revision EXTRA after the head, whose upgrade()
    is `body`."""
    folder = tmp_path / "scripts"
    shutil.copytree(migrate._scripts_folder(), folder,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / f"{EXTRA}_test.py").write_text(
        f'import sqlalchemy as sa\nfrom alembic import op\n\nrevision = "{EXTRA}"\n'
        f'down_revision = "{migrate.head()}"\nbranch_labels = None\ndepends_on = None\n\n\n'
        f"def upgrade():\n{body}\n", encoding="utf-8")
    return str(folder)


# ---- a new database ----------------------------------------------------------------------------

def test_a_new_database_is_made_by_the_migrations_and_matches_models_py(tmp_path):
    """Fails when models.py changed without a revision: write one (migrations/README.md)."""
    db = store.Store(instance_path=tmp_path)
    db.create_schema()
    assert migrate.state(db.engine).current == migrate.head()
    assert drift(db.engine) == []
    db.dispose()


def test_the_drift_check_sees_a_column_without_a_revision(tmp_path):
    db = store.Store(instance_path=tmp_path)
    db.create_schema()
    changed = MetaData()
    for table in store.Base.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["household"].append_column(Column("probe", String(4)))
    with db.engine.connect() as conn:
        found = compare_metadata(MigrationContext.configure(conn), changed)
    assert [d[:3] for d in found] == [("add_column", None, "household")]
    db.dispose()


def test_the_baseline_is_exactly_the_schema_release_0_1_made(tmp_path):
    old = sqlite3.connect(load_release(tmp_path / "old"))
    engine = create_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    migrate.upgrade(engine, migrate.BASELINE)
    engine.dispose()
    new = sqlite3.connect(tmp_path / "new.sqlite3")
    query = ("SELECT type, name, tbl_name, sql FROM sqlite_master "  # not the planner's stats
             "WHERE tbl_name != 'alembic_version' AND name NOT LIKE 'sqlite_stat%' "
             "ORDER BY name")
    assert new.execute(query).fetchall() == old.execute(query).fetchall()
    old.close()
    new.close()


# ---- release 0.1's database, on SQLite -------------------------------------------------------

def test_release_0_1_database_is_refused_at_start_with_the_command_to_run(tmp_path):
    instance = tmp_path / "instance"
    path = load_release(instance)
    before = path.read_bytes()
    done = docgen("serve", "--port", "5999", instance=instance)
    assert done.returncode == 2, done.stderr
    assert "phiên bản docgen trước" in done.stderr and "docgen db upgrade" in done.stderr
    assert "Traceback" not in done.stderr
    assert path.read_bytes() == before  # refused without writing a byte


def test_docgen_db_upgrade_keeps_every_record_of_release_0_1(tmp_path, runner):
    from docgen.cli import main
    instance = tmp_path / "instance"
    load_release(instance)
    env = {"DOCGEN_INSTANCE": str(instance)}
    assert "chưa ghi" in runner.invoke(main, ["db", "current"], env=env).output
    assert runner.invoke(main, ["db", "check"], env=env).exit_code == 2

    done = docgen("db", "upgrade", instance=instance)
    assert done.returncode == 0, done.stderr
    assert "Đã nhận ra cơ sở dữ liệu của phiên bản docgen trước" in done.stdout

    engine = create_engine(f"sqlite:///{instance / 'docgen.sqlite3'}")
    assert_every_record_is_there(engine)
    assert_revision_0002_data(engine)
    assert drift(engine) == []
    with engine.connect() as conn:  # the planner's statistics, refreshed by the upgrade
        analysed = {row[0] for row in conn.exec_driver_sql("SELECT tbl FROM sqlite_stat1")}
    assert {"document", "unit"} <= analysed
    engine.dispose()
    assert f"{migrate.head()} (mới nhất)" in runner.invoke(main, ["db", "current"], env=env).output
    assert runner.invoke(main, ["db", "check"], env=env).exit_code == 0
    again = runner.invoke(main, ["db", "upgrade"], env=env)
    assert again.exit_code == 0 and "đã ở phiên bản lược đồ mới nhất" in again.output


def test_after_the_upgrade_the_web_app_serves_release_0_1_records(tmp_path, runner):
    from docgen.cli import main
    from webform import create_app
    instance = tmp_path / "instance"
    load_release(instance)
    assert runner.invoke(main, ["db", "upgrade"], env={"DOCGEN_INSTANCE": str(instance)}
                         ).exit_code == 0
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance)})
    client = app.test_client()
    assert login(client, "vanthu.sana", OLD_PASSWORDS["vanthu.sana"]).status_code == 302
    client = app.test_client()
    assert login(client, "admin", OLD_PASSWORDS["admin"]).status_code == 302
    assert "01/QĐ-UBND" in client.get("/so-van-ban/").get_data(as_text=True)
    assert client.get("/so-van-ban/1/tai-ve.docx").data == release_docx()
    app.extensions["docgen_store"].dispose()


def test_a_database_of_unknown_tables_is_neither_served_nor_upgraded(tmp_path, runner):
    from docgen.cli import main
    instance = tmp_path / "instance"
    path = load_release(instance)
    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE audit; CREATE TABLE notes (id INTEGER PRIMARY KEY);")
    conn.close()
    env = {"DOCGEN_INSTANCE": str(instance)}
    result = runner.invoke(main, ["db", "upgrade"], env=env)
    assert result.exit_code == 2
    assert "thiếu bảng audit" in result.output and "bảng lạ notes" in result.output
    result = runner.invoke(main, ["db", "check"], env=env)
    assert result.exit_code == 2 and "không khớp lược đồ" in result.output


# ---- older and newer schemas -------------------------------------------------------------------

def test_a_schema_older_than_the_code_is_refused_then_upgraded(tmp_path):
    scripts = extra_revision(tmp_path, '    op.add_column("household", sa.Column("probe", '
                                       'sa.Integer(), nullable=True))')
    db = store.Store(instance_path=tmp_path / "instance")
    db.create_schema()   # at the shipped head
    with pytest.raises(migrate.SchemaError) as refused:
        migrate.ensure_current(db.engine, scripts)
    assert f"cũ hơn chương trình ({EXTRA})" in refused.value.message
    assert "docgen db upgrade" in refused.value.message
    done = migrate.upgrade(db.engine, script_location=scripts)
    assert (done.before, done.after) == (migrate.head(), EXTRA)
    assert "probe" in {c["name"] for c in inspect(db.engine).get_columns("household")}
    db.dispose()


def test_a_schema_newer_than_the_code_is_refused_by_the_app_and_upgrade(tmp_path, runner):
    from docgen.cli import main
    from webform import create_app
    instance = tmp_path / "instance"
    db = store.Store(instance_path=instance)
    db.create_schema()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff'")
    db.dispose()
    with pytest.raises(migrate.SchemaError, match="mới hơn chương trình"):
        create_app({"TESTING": True, "INSTANCE_PATH": str(instance)})
    env = {"DOCGEN_INSTANCE": str(instance)}
    result = runner.invoke(main, ["db", "upgrade"], env=env)
    assert result.exit_code == 2 and "ffff" in result.output
    assert "ffff (mới hơn chương trình này)" in runner.invoke(main, ["db", "current"],
                                                             env=env).output


def test_a_batch_revision_on_sqlite_keeps_the_rows_that_refer_to_the_table(tmp_path):
    """Batch mode copies `unit` and drops the old table: with foreign keys on, SQLite would
    cascade-delete every assessment and household of the district."""
    scripts = extra_revision(tmp_path, '    with op.batch_alter_table("unit", recreate="always")'
                                       ' as batch:\n        batch.add_column(sa.Column("probe", '
                                       'sa.String(20), nullable=False, server_default=""))')
    instance = tmp_path / "instance"
    load_release(instance)
    db = store.Store(instance_path=instance)
    done = migrate.upgrade(db.engine, script_location=scripts)
    assert (done.before, done.after, done.stamped) == (None, EXTRA, True)
    assert counts(db.engine) == RELEASE_COUNTS
    with db.engine.connect() as conn:  # foreign keys are on again for the service
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    db.dispose()


def test_a_failing_revision_leaves_the_database_as_it_was(tmp_path):
    scripts = extra_revision(tmp_path, '    op.add_column("body", sa.Column("probe", '
                                       'sa.String(10)))\n'
                                       '    raise RuntimeError("revision failed half-way")')
    instance = tmp_path / "instance"
    load_release(instance)
    db = store.Store(instance_path=instance)
    with pytest.raises(RuntimeError, match="half-way"):
        migrate.upgrade(db.engine, script_location=scripts)
    found = migrate.state(db.engine)
    assert found.current is None   # not even the baseline stamp stayed
    assert "probe" not in {c["name"] for c in inspect(db.engine).get_columns("body")}
    assert counts(db.engine) == RELEASE_COUNTS
    db.dispose()


# ---- PostgreSQL --------------------------------------------------------------------------------

def load_release_postgresql(url: str) -> None:
    engine = create_engine(url)
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:
            cursor.execute(RELEASE_POSTGRESQL.read_text(encoding="utf-8"))
        raw.commit()
    finally:
        raw.close()
        engine.dispose()


def postgresql_schema(engine) -> dict:
    """Every table's columns, keys, indexes and constraints, as PostgreSQL reports them."""
    inspector = inspect(engine)
    shape = {}
    for table in sorted(t for t in inspector.get_table_names() if t != "alembic_version"):
        shape[table] = {
            "columns": [(c["name"], str(c["type"]), c["nullable"], c["default"])
                        for c in inspector.get_columns(table)],
            "pk": inspector.get_pk_constraint(table),
            "fks": sorted((f["name"], tuple(f["constrained_columns"]), f["referred_table"],
                           tuple(f["referred_columns"]), str(f["options"]))
                          for f in inspector.get_foreign_keys(table)),
            "indexes": sorted((i["name"], tuple(i["column_names"]), i["unique"])
                              for i in inspector.get_indexes(table)),
            "uniques": sorted((u["name"], tuple(u["column_names"]))
                              for u in inspector.get_unique_constraints(table)),
        }
    return shape


def test_postgresql_baseline_is_exactly_the_schema_release_0_1_made(postgres_database):
    old_url, new_url = postgres_database(), postgres_database()
    load_release_postgresql(old_url)
    old, new = create_engine(old_url), create_engine(new_url)
    migrate.upgrade(new, migrate.BASELINE)
    assert postgresql_schema(new) == postgresql_schema(old)
    old.dispose()
    new.dispose()


def test_postgresql_release_0_1_database_is_refused_upgraded_and_keeps_every_record(
        postgres_database, tmp_path):
    url = postgres_database()
    load_release_postgresql(url)
    refused = docgen("serve", "--port", "5999", instance=tmp_path / "instance", url=url)
    assert refused.returncode == 2 and "docgen db upgrade" in refused.stderr

    done = docgen("db", "upgrade", instance=tmp_path / "instance", url=url)
    assert done.returncode == 0, done.stderr
    assert "phiên bản docgen trước" in done.stdout
    db = store.Store(url)
    assert_every_record_is_there(db.engine)
    assert drift(db.engine) == []
    db.create_schema()   # the start-up check passes now
    with db.session() as s:  # the sequences were carried over: a new row gets a new id
        body = store.save_body(s, name="Ủy ban nhân dân xã Mới", abbreviation="UBND",
                               place="Mới")
    assert body.id == RELEASE_COUNTS["body"] + 1
    db.dispose()


def test_postgresql_new_database_matches_models_py(postgres_database):
    db = store.Store(postgres_database())
    db.create_schema()
    assert migrate.state(db.engine).current == migrate.head()
    assert drift(db.engine) == []
    db.dispose()


def test_db_current_and_check_create_nothing_where_there_is_no_database(tmp_path, runner):
    from docgen.cli import main
    env = {"DOCGEN_INSTANCE": str(tmp_path / "sai-thu-muc")}
    for command in ("current", "check"):
        result = runner.invoke(main, ["db", command], env=env)
        assert result.exit_code == 2 and "Chưa có cơ sở dữ liệu" in result.output
    assert not (tmp_path / "sai-thu-muc").exists()
    result = runner.invoke(main, ["db", "upgrade"], env=env)
    assert result.exit_code == 0 and "Đã tạo cơ sở dữ liệu mới" in result.output
    assert mode_of(tmp_path / "sai-thu-muc" / "docgen.sqlite3") == 0o600


def test_the_migration_scripts_import_harmlessly_outside_alembic():
    """A scan of docgen's modules (pkgutil.walk_packages) imports env.py and the revisions."""
    import importlib
    env = importlib.import_module("docgen.store.migrations.env")
    assert callable(env.run)
    assert importlib.import_module("docgen.store.migrations.versions.0001_baseline").revision \
        == migrate.BASELINE
