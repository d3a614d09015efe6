"""Shared fixtures: sample data, the CLI runner, the Flask app, its store and clients, the
throw-away PostgreSQL server and its stores, a throw-away redis-server; the `--screenshots
DIR` option of the browser tests (tests/e2e/conftest.py)."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))

from docgen.samples import load_sample  # noqa: E402
from helpers import ADMIN_PASSWORD, login  # noqa: E402


# The long property tests (hypothesis tests that render documents, read workbooks or drive the
# web app) are `slow`, as are the modules marked so themselves (tests/test_faults.py,
# tests/test_wheel.py): `python -m pytest` leaves them out, `make test` runs them.
SLOW_PROPERTY_MODULES = {"test_hostile.py", "test_forms.py", "test_web.py"}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        if (item.path.name in SLOW_PROPERTY_MODULES
                and getattr(getattr(item, "obj", None), "is_hypothesis_test", False)):
            item.add_marker(pytest.mark.slow)


def pytest_addoption(parser):
    parser.addoption("--screenshots", metavar="DIR", default=None,
                     help="write the README's screenshots from tests/e2e into DIR (docs); "
                          "by default they go to a temporary folder")


@pytest.fixture
def sample():
    """A fresh deep copy of a sample input: `sample("decision")`."""
    def load(name: str, year: str = "quan-son-2022") -> dict:
        return copy.deepcopy(load_sample(name, year))
    return load


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def write_json(tmp_path):
    """Write a dict to a JSON file in tmp_path and return its path."""
    def write(data, name: str = "data.json") -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return path
    return write


@pytest.fixture
def app(tmp_path):
    from webform import create_app
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": True,
                      "INSTANCE_PATH": str(tmp_path / "instance"),
                      "ADMIN_PASSWORD": ADMIN_PASSWORD})
    yield app
    app.extensions["docgen_jobs"].stop(30)  # its worker thread, started with a first job


@pytest.fixture
def db(app):
    """The web form's store (docgen.store.Store) behind `app`."""
    return app.extensions["docgen_store"]


@pytest.fixture
def anonymous(app):
    """A client that has not signed in."""
    return app.test_client()


@pytest.fixture
def client(app):
    """A client signed in as the district administrator."""
    c = app.test_client()
    assert login(c).status_code == 302
    return c


def _pg_binaries() -> tuple[str, str] | None:
    import glob
    import shutil

    for folder in [None, *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]:
        initdb = shutil.which("initdb", path=folder)
        pg_ctl = shutil.which("pg_ctl", path=folder)
        if initdb and pg_ctl:
            return initdb, pg_ctl
    return None


@pytest.fixture(scope="session")
def postgres_url():
    """A throw-away PostgreSQL server on a Unix socket in a temporary folder (skips the test
    when the server binaries or psycopg are missing)."""
    import os
    import pwd
    import shutil
    import subprocess
    import tempfile

    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install psycopg[binary])")
    found = _pg_binaries()
    if found is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    initdb, pg_ctl = found
    folder = tempfile.mkdtemp(prefix="docgen-pg-")
    prefix: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no «postgres» user to run the server")
        os.chown(folder, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data = os.path.join(folder, "data")

    def run(*args):
        return subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120)

    done = run(initdb, "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
    if done.returncode:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"initdb failed: {done.stderr.strip()[:300]}")
    options = f"-c listen_addresses='' -k {folder} -c fsync=off -c max_connections=60"
    done = run(pg_ctl, "-D", data, "-o", options, "-l", os.path.join(folder, "log"), "-w",
               "start")
    if done.returncode:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"the PostgreSQL server did not start: {done.stderr.strip()[:300]}")
    try:
        yield f"postgresql+psycopg://postgres@/postgres?host={folder}"
    finally:
        run(pg_ctl, "-D", data, "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg(postgres_url):
    """An empty store (the current schema) in the test server's «postgres» database."""
    from docgen import store

    database = store.Store(postgres_url)
    store.Base.metadata.drop_all(database.engine)
    with database.engine.begin() as conn:  # the schema's version goes with its tables
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    database.create_schema()
    yield database
    database.dispose()


@pytest.fixture
def postgres_database(postgres_url):
    """Makes new, empty PostgreSQL databases on the test server: `postgres_database()` is the
    URL of one; all are dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def new() -> str:
        name = f"docgen_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        made.append(name)
        return postgres_url.replace("/postgres?", f"/{name}?")

    try:
        yield new
    finally:
        with admin.connect() as conn:
            for name in made:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_answers(port: int) -> bool:
    import socket
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_url():
    """A throw-away redis-server on a free loopback port, its files in a temporary folder,
    nothing saved to disk (skips the test when Debian's redis-server is not installed)."""
    import shutil
    import subprocess
    import tempfile
    import time

    binary = shutil.which("redis-server") or shutil.which("redis-server", path="/usr/bin")
    if binary is None:
        pytest.skip("no redis-server on this machine (Debian package redis-server)")
    folder = tempfile.mkdtemp(prefix="docgen-redis-")
    port = _free_port()
    with open(f"{folder}/log", "wb") as log:
        proc = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", folder,
             "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not _redis_answers(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                log = Path(folder, "log").read_text(encoding="utf-8", errors="replace")
                pytest.fail(f"redis-server did not start:\n{log}")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(folder, ignore_errors=True)
