"""Start-up checks: a damaged SQLite file stops `docgen serve` with what the administrator
should do (instead of a 500 on every page), and the database, its -wal and -shm files and
the working folders are private to the service's user, whatever the umask."""

from __future__ import annotations

import os
import random
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from docgen import store
from docgen.backup import backup, restore
from docgen.store.startup import DatabaseDamaged
from helpers import login

PAGE = 4096


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def filled_database(instance: Path, rows: int = 3000) -> Path:
    """A real database: the sample district and a long audit trail (many pages)."""
    db = store.Store(instance_path=instance)
    db.create_schema()
    db.seed_sample_if_empty()
    with db.session() as s:
        for i in range(rows):
            store.audit(s, "admin", "sửa đơn vị", target=f"unit:{i}",
                        detail=f"Lần sửa thứ {i}: " + "ghi chú dài " * 12)
    db.dispose()
    path = instance / "docgen.sqlite3"
    conn = sqlite3.connect(path)  # fold the WAL in: the damage below hits the file itself
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def damage_middle_pages(path: Path, pages: int = 4) -> None:
    """Overwrite `pages` pages in the middle of the file with noise, as a bad disk would."""
    count = path.stat().st_size // PAGE
    assert count > 50
    noise = random.Random(7).randbytes(pages * PAGE)
    with open(path, "r+b") as fh:
        fh.seek((count // 2) * PAGE)
        fh.write(noise)


def serve(instance: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
    env["DOCGEN_INSTANCE"] = str(instance)
    return subprocess.run([sys.executable, "-m", "docgen", "serve", "--port", "5998"], env=env,
                          capture_output=True, text=True, timeout=180)


def app_for(instance: Path):
    from webform import create_app
    return create_app({"TESTING": True, "INSTANCE_PATH": str(instance),
                       "ADMIN_PASSWORD": "mat-khau-quan-tri-thu-nghiem"})


# ---- a damaged database ----------------------------------------------------------------------

def test_a_damaged_database_stops_serve_with_what_to_do(tmp_path):
    instance = tmp_path / "instance"
    path = filled_database(instance)
    damage_middle_pages(path)
    damaged = path.read_bytes()
    done = serve(instance)
    assert done.returncode == 2, done.stderr
    assert f"Tệp cơ sở dữ liệu «{path.resolve()}» bị hỏng" in done.stderr
    assert "docgen restore BẢN-SAO-LƯU.zip --force" in done.stderr
    assert "giữ lại tệp hỏng" in done.stderr and "Traceback" not in done.stderr
    assert "đang chạy tại" not in done.stdout
    assert path.read_bytes() == damaged   # the damaged file is kept as it was


def test_a_file_that_is_no_database_is_refused_by_the_app(tmp_path):
    instance = tmp_path / "instance"
    path = filled_database(instance, rows=10)
    with open(path, "r+b") as fh:   # the header itself: "file is not a database"
        fh.write(b"\0" * 100)
    with pytest.raises(DatabaseDamaged, match="bị hỏng"):
        app_for(instance)


def test_docgen_db_check_reports_a_damaged_file(tmp_path, runner):
    from docgen.cli import main
    instance = tmp_path / "instance"
    damage_middle_pages(filled_database(instance))
    result = runner.invoke(main, ["db", "check"], env={"DOCGEN_INSTANCE": str(instance)})
    assert result.exit_code == 2 and "bị hỏng" in result.output


def test_the_advice_works_restore_the_backup_and_the_service_starts(tmp_path):
    instance = tmp_path / "instance"
    path = filled_database(instance, rows=500)
    archive = backup(tmp_path / "sao-luu.zip", instance=instance, url=None).path
    damage_middle_pages(path)
    damaged = path.read_bytes()
    with pytest.raises(DatabaseDamaged):
        app_for(instance)
    summary = restore(archive, instance=instance, url=None, force=True)
    assert summary.kept is not None and summary.kept.read_bytes() == damaged
    app = app_for(instance)
    client = app.test_client()
    assert login(client).status_code == 302
    assert "Bản Na Mèo" in client.get("/don-vi/").get_data(as_text=True)
    app.extensions["docgen_store"].dispose()


# ---- private files and folders -----------------------------------------------------------------

@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_database_wal_shm_and_working_folders_are_the_owners_only(tmp_path, umask_022):
    instance = tmp_path / "instance"
    app = app_for(instance)
    client = app.test_client()
    assert login(client).status_code == 302   # writes: the -wal and -shm files exist now
    for name in ("docgen.sqlite3", "docgen.sqlite3-wal", "docgen.sqlite3-shm", "secret_key",
                 "queue.sqlite3"):
        assert mode(instance / name) == 0o600, name
    assert mode(instance / "tmp") == 0o700
    assert not (instance / "uploads").exists() and not (instance / "previews").exists()
    assert mode(instance) == 0o700
    app.extensions["docgen_store"].dispose()


def test_release_0_1_files_are_narrowed_at_start(tmp_path, umask_022):
    instance = tmp_path / "instance"
    store.Store(instance_path=instance).create_schema()
    os.chmod(instance / "docgen.sqlite3", 0o644)   # as release 0.1 made them
    for name in ("uploads", "tmp"):
        (instance / name).mkdir(mode=0o755)
    app = app_for(instance)
    assert mode(instance / "docgen.sqlite3") == 0o600
    assert mode(instance / "tmp") == 0o700
    assert not (instance / "uploads").exists()   # its files are in the database now
    app.extensions["docgen_store"].dispose()
