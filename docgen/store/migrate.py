"""Schema migrations (Alembic, scripts shipped in `docgen/store/migrations/`).

A new database is made by running every revision; one older than the code is upgraded only
by `docgen db upgrade`, never at start-up; one made by release 0.1 (no alembic_version
table) is recognised by its tables and columns and stamped with the baseline first. The
start-up check (`ensure_current`) refuses a schema older or newer than the code.

Developers: `python -m docgen.store.migrations revision "what changed"` writes a new
revision by comparing models.py with a scratch database at head (see migrations/README.md).
"""

from __future__ import annotations

import contextlib
import functools
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import Connection, Engine

from ..errors import UserError

BASELINE = "0001"
VERSION_TABLE = "alembic_version"
UPGRADE_COMMAND = "docgen db upgrade"
# Any fixed number: PostgreSQL's advisory lock that lets one process at a time migrate.
_PG_LOCK = 0x646F6367


class SchemaError(UserError):
    """The database's schema is not the one this code works with; exit status 2."""


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands: its revision (None when unversioned) against the code's."""

    current: str | None
    head: str
    tables: frozenset[str]   # the tables other than alembic_version and sqlite_*
    script_location: str | None = None   # None: the scripts shipped in the package

    @property
    def empty(self) -> bool:
        return not self.tables and self.current is None

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    @property
    def known(self) -> bool:
        """Whether the code knows the revision (a newer docgen may have written another)."""
        if self.current is None:
            return True
        try:
            return _script(self.script_location).get_revision(self.current) is not None
        except CommandError:
            return False

    @property
    def ahead(self) -> bool:
        return self.current is not None and not self.up_to_date and (
            not self.known or self.current not in _ancestors(self.head, self.script_location))


def config(connection: Connection | None = None,
           script_location: str | Path | None = None) -> Config:
    """Alembic's configuration without an alembic.ini: the scripts shipped in the package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location or _scripts_folder()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _scripts_folder() -> Path:
    # A wheel installs the package as plain files, so this is a real folder.
    return Path(str(resources.files("docgen.store") / "migrations"))


@functools.cache
def _script(script_location: str | None = None) -> ScriptDirectory:
    return ScriptDirectory.from_config(config(script_location=script_location))


def head(script_location: str | None = None) -> str:
    """The newest revision the code ships."""
    return _script(script_location).get_current_head()


def _ancestors(revision: str, script_location: str | None = None) -> set[str]:
    return {r.revision for r in _script(script_location).walk_revisions("base", revision)}


def describe(engine: Engine) -> str:
    """The database for a message: the SQLite file, or the URL without its password."""
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        return str(Path(engine.url.database).resolve())
    return engine.url.render_as_string(hide_password=True)


def state(engine_or_connection: Engine | Connection,
          script_location: str | None = None) -> SchemaState:
    """Read the database's revision and tables (no lock, no write)."""
    with _connection(engine_or_connection) as conn:
        tables = _tables(conn)
        current = MigrationContext.configure(conn).get_current_revision() \
            if VERSION_TABLE in set(inspect(conn).get_table_names()) else None
    return SchemaState(current, head(script_location), frozenset(tables), script_location)


@contextlib.contextmanager
def _connection(target: Engine | Connection):
    if isinstance(target, Connection):
        yield target
    else:
        with target.connect() as conn:
            yield conn


def _tables(conn: Connection) -> set[str]:
    return {t for t in inspect(conn).get_table_names()
            if t != VERSION_TABLE and not t.startswith("sqlite_")}


def ensure_current(engine: Engine, script_location: str | None = None) -> SchemaState:
    """The start-up check: create the schema on an empty database, else refuse (SchemaError)
    one older or newer than the code, saying what to do."""
    found = state(engine, script_location)
    if found.empty:
        upgrade(engine, script_location=script_location)
        return state(engine, script_location)
    if not found.up_to_date:
        raise SchemaError(refusal(found, engine))
    return found


def refusal(found: SchemaState, engine: Engine) -> str:
    """Why the service will not run on this database, and the command that fixes it."""
    where = describe(engine)
    if found.ahead:
        return (f"Cơ sở dữ liệu «{where}» ở phiên bản lược đồ {found.current}, mới hơn chương "
                f"trình này (phiên bản mới nhất nó biết: {found.head}): một bản docgen mới hơn "
                "đã nâng cấp nó. Hãy cài lại bản docgen đó (hoặc mới hơn); dịch vụ không chạy "
                "để khỏi làm hỏng dữ liệu.")
    if found.current is None:
        differences = baseline_differences(engine)
        if differences:
            return (f"Cơ sở dữ liệu «{where}» có bảng nhưng không khớp lược đồ nào docgen "
                    f"biết ({'; '.join(differences)}). Không nâng cấp tự động: hãy kiểm tra "
                    "DOCGEN_DATABASE_URL hoặc khôi phục bản sao lưu (docgen restore).")
        what = "do phiên bản docgen trước tạo (chưa ghi phiên bản lược đồ)"
    else:
        what = f"ở phiên bản lược đồ {found.current}, cũ hơn chương trình ({found.head})"
    return (f"Cơ sở dữ liệu «{where}» {what}. Dịch vụ không chạy trên lược đồ cũ. Hãy sao "
            f"lưu (docgen backup TỆP.zip) rồi nâng cấp bằng lệnh: {UPGRADE_COMMAND}")


@dataclass(frozen=True)
class Upgraded:
    """What `upgrade` did: the revision before (None: new or unversioned) and after."""

    before: str | None
    after: str
    created: bool     # the database was empty
    stamped: bool     # a release-0.1 database was recognised and stamped with the baseline


def upgrade(engine: Engine, revision: str = "head",
            script_location: str | None = None) -> Upgraded:
    """Bring the database to `revision` in one transaction (all revisions or none).

    SQLite: BEGIN IMMEDIATE with foreign keys off, as SQLite's own procedure for altering
    a table requires (a batch copy drops the old table: with foreign keys on, that would
    cascade-delete the rows referring to it); foreign keys are checked before commit.
    PostgreSQL: an advisory lock, so two processes starting at once migrate once.
    """
    sqlite = engine.dialect.name == "sqlite"
    with engine.execution_options(docgen_begin="IMMEDIATE").connect() as conn:
        raw = conn.connection.driver_connection
        if sqlite:
            raw.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction
        try:
            with conn.begin():
                if not sqlite:
                    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK})")
                found = state(conn, script_location)
                if found.ahead:
                    raise SchemaError(refusal(found, engine))
                stamped = False
                if found.current is None and found.tables:
                    differences = baseline_differences(conn)
                    if differences:
                        raise SchemaError(refusal(found, engine))
                    MigrationContext.configure(conn).stamp(_script(script_location), BASELINE)
                    stamped = True
                broken = _foreign_key_problems(conn) if sqlite else 0
                command.upgrade(config(conn, script_location), revision)
                if sqlite and _foreign_key_problems(conn) > broken:
                    raise SchemaError("Nâng cấp bị hủy, dữ liệu giữ nguyên: sau khi nâng cấp có "
                                      "dòng tham chiếu tới dòng không tồn tại (foreign_key_check)")
                after = MigrationContext.configure(conn).get_current_revision()
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys = ON")
    if sqlite:  # statistics for the query planner (PostgreSQL's autovacuum keeps its own)
        analyze(engine)
    return Upgraded(found.current, after, found.empty, stamped)


def analyze(engine: Engine) -> None:
    """Refresh SQLite's table statistics (sqlite_stat1). Without them the planner guesses,
    and with a province's rows it picked a list index over the body-and-year one for the
    decision form's look-ups (70 ms instead of a few)."""
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


def _foreign_key_problems(conn: Connection) -> int:
    return len(conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall())


# ---- recognising a release-0.1 database ------------------------------------------------

def baseline_differences(target: Engine | Connection) -> list[str]:
    """How the database's tables and columns differ from the baseline's; [] when they match."""
    with _connection(target) as conn:
        found = _shape(conn)
    expected = _baseline_shape()
    problems = [f"thiếu bảng {t}" for t in sorted(expected.keys() - found.keys())]
    problems += [f"bảng lạ {t}" for t in sorted(found.keys() - expected.keys())]
    for table in sorted(expected.keys() & found.keys()):
        problems += [f"thiếu cột {table}.{c}" for c in sorted(expected[table] - found[table])]
        problems += [f"cột lạ {table}.{c}" for c in sorted(found[table] - expected[table])]
    return problems


def _shape(conn: Connection) -> dict[str, frozenset[str]]:
    inspector = inspect(conn)
    return {t: frozenset(c["name"] for c in inspector.get_columns(t)) for t in _tables(conn)}


@functools.cache
def _baseline_shape() -> dict[str, frozenset[str]]:
    """The tables and columns the baseline revision creates, read from a scratch database."""
    engine = create_engine("sqlite://")
    try:
        with engine.begin() as conn:
            command.upgrade(config(conn), BASELINE)
            return _shape(conn)
    finally:
        engine.dispose()


# ---- for developers ------------------------------------------------------------------------

def new_revision(message: str) -> Path:
    """Autogenerate a revision: models.py against a scratch SQLite database at head."""
    with tempfile.TemporaryDirectory(prefix="docgen-revision-") as work:
        engine = create_engine(f"sqlite:///{Path(work) / 'head.sqlite3'}")
        try:
            upgrade(engine)
            with engine.begin() as conn:
                number = len(list(_script().walk_revisions())) + 1
                script = command.revision(config(conn), message=message, autogenerate=True,
                                          rev_id=f"{number:04d}")
        finally:
            engine.dispose()
    return Path(script.path)
