"""The database: one `Store` per process, holding the engine and handing out sessions.

SQLite (the default, a file in the instance folder) runs in WAL mode with foreign keys
on and a busy timeout; every write transaction there starts with BEGIN IMMEDIATE, so two
writers queue instead of failing half-way with "database is locked". The file and its
-wal and -shm companions are readable by the owner only (0600).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from . import migrate, startup
from .models import Body

BUSY_TIMEOUT_S = 30
DB_FILE = "docgen.sqlite3"


class Store:
    """The database at `url`, or the SQLite file `instance_path/docgen.sqlite3` when None.

    Reading `DOCGEN_DATABASE_URL` is the caller's business (the web app, the CLI).
    """

    def __init__(self, url: str | None = None, *, instance_path: str | os.PathLike | None = None,
                 echo: bool = False):
        if url is None:
            if instance_path is None:
                raise ValueError("Store needs a database URL or an instance_path")
            folder = Path(instance_path)
            startup.private_folder(folder)
            url = f"sqlite:///{folder / DB_FILE}"
        self.url = url
        self.engine: Engine = create_engine(url, echo=echo, **_engine_options(url))
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._local = threading.local()  # whether this thread has a write session open
        self._checked = False
        if self.is_sqlite:
            startup.private_database_file(self.engine)
            _configure_sqlite(self.engine)
        # Reads go through a deferred BEGIN so a long export does not hold the write lock.
        self._reader = sessionmaker(self.engine.execution_options(docgen_begin="DEFERRED"),
                                    expire_on_commit=False)
        self._writer = sessionmaker(self.engine.execution_options(docgen_begin="IMMEDIATE"),
                                    expire_on_commit=False)

    def create_schema(self) -> None:
        """Make the database ready for this code: check a SQLite file's integrity (once), then
        create the schema on an empty database by running the migrations, or check that the
        schema is the code's. Raises `startup.DatabaseDamaged` or `migrate.SchemaError`
        (UserErrors, exit status 2) saying what the administrator should do.
        """
        if not self._checked:
            startup.check_integrity(self.engine)
            self._checked = True
        migrate.ensure_current(self.engine)

    @contextlib.contextmanager
    def session(self, *, readonly: bool = False) -> Iterator[Session]:
        """A session in one transaction: committed when the block ends, rolled back on an error.

        Objects stay usable after the block (expire_on_commit=False). `readonly=True` takes
        no write lock on SQLite; use it for pages and exports that only read.
        """
        if not readonly:
            if self.is_sqlite and getattr(self._local, "writing", False):
                # An inner BEGIN IMMEDIATE would wait on the outer one for the busy timeout.
                raise RuntimeError("a write session is already open in this thread and SQLite "
                                   "has one writer: close it first (issue_number opens its own)")
            self._local.writing = True
        factory = self._reader if readonly else self._writer
        try:
            with factory() as session:
                try:
                    yield session
                    # Commit even a read: a rollback would expire the objects handed out.
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
        finally:
            if not readonly:
                self._local.writing = False

    def seed_sample_if_empty(self, **options) -> bool:
        """Load the sample district when the database has no body yet; True if it did."""
        from .seed import load_sample_district

        self.create_schema()
        with self.session() as session:
            startup.first_start_lock(session)  # two processes starting at once seed once
            if session.scalar(select(Body.id).limit(1)) is not None:
                return False
            load_sample_district(session, **options)
        return True

    def dispose(self) -> None:
        """Close every pooled connection (tests, shutdown)."""
        self.engine.dispose()


def _engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # One connection per thread from the pool; sqlite3's own timeout is the busy timeout.
        return {"connect_args": {"timeout": BUSY_TIMEOUT_S, "check_same_thread": False}}
    return {"pool_pre_ping": True}


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, busy timeout, and transactions begun by us, not by pysqlite."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # pysqlite would begin transactions lazily and never with IMMEDIATE: switch it off
        # and emit BEGIN ourselves in on_begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        mode = connection.get_execution_options().get("docgen_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")
