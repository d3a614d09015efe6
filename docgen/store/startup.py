"""Start-up checks of the store: a damaged SQLite file is refused with what to do, and the
files and folders holding personal data are private to the service's user (0600/0700)."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from sqlalchemy import exc as sa_exc
from sqlalchemy import text as sa_text
from sqlalchemy.engine import Engine

from ..errors import UserError

FILE_MODE = 0o600
FOLDER_MODE = 0o700
SQLITE_SIDE_FILES = ("", "-wal", "-shm", "-journal")
# SQLite's result codes for a file that is not (or no longer) a database.
_DAMAGED = ("SQLITE_CORRUPT", "SQLITE_NOTADB")


class DatabaseDamaged(UserError):
    """The SQLite file failed its integrity check; the message tells how to restore it."""


def sqlite_path(engine: Engine) -> Path | None:
    """The file of a SQLite engine; None for PostgreSQL, in-memory or URI databases."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:") \
            or database.startswith("file:"):
        return None
    return Path(database)


def private_folder(folder: Path, *, tighten: bool = False) -> Path:
    """Create `folder` (and its parents) readable by the owner only; `tighten` also narrows
    an existing folder that others can read (the service's own working folders)."""
    folder = Path(folder)
    existed = folder.is_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    if not existed or tighten:
        _narrow(folder, FOLDER_MODE)
    return folder


def private_database_file(engine: Engine) -> None:
    """Create the SQLite file with mode 0600 before SQLite does (it would use 0644 less the
    umask; its -wal and -shm files copy the database's mode), and narrow existing ones."""
    path = sqlite_path(engine)
    if path is None:
        return
    # There already, or no folder (SQLite will say so when it opens the file).
    with contextlib.suppress(FileExistsError, FileNotFoundError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    for suffix in SQLITE_SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            _narrow(side, FILE_MODE)


def _narrow(path: Path, mode: int) -> None:
    try:
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, mode)
    except OSError:  # another user's file: leave it to its owner
        pass


def check_integrity(engine: Engine) -> None:
    """SQLite's `PRAGMA quick_check` (about 0.1 s for 50 MB, see benchmarks/startup_check.py):
    DatabaseDamaged when it finds a problem or the file is not a database."""
    path = sqlite_path(engine)
    if path is None or not path.exists() or path.stat().st_size == 0:
        return
    try:
        with engine.connect() as conn:
            rows = [r[0] for r in conn.exec_driver_sql("PRAGMA quick_check(5)").fetchall()]
    except sa_exc.DatabaseError as exc:
        if getattr(exc.orig, "sqlite_errorname", "") not in _DAMAGED:
            raise
        engine.dispose()
        raise DatabaseDamaged(damaged_message(path, str(exc.orig))) from None
    if rows != ["ok"]:
        engine.dispose()
        raise DatabaseDamaged(damaged_message(path, "; ".join(rows)))


def damaged_message(path: Path, finding: str) -> str:
    """What the administrator reads when the database file is damaged."""
    return (f"Tệp cơ sở dữ liệu «{path.resolve()}» bị hỏng (SQLite quick_check: {finding}).\n"
            "Dịch vụ không chạy để khỏi ghi thêm vào tệp hỏng. Quản trị viên hãy:\n"
            "  1. dừng mọi tiến trình docgen đang dùng tệp này;\n"
            "  2. giữ lại tệp hỏng, không xóa (lệnh khôi phục tự đổi tên nó thành "
            f"«{path.name}.truoc-khoi-phuc-…» bên cạnh);\n"
            "  3. khôi phục bản sao lưu gần nhất: docgen restore BẢN-SAO-LƯU.zip --force\n"
            "  4. chạy lại docgen serve; các thay đổi sau lần sao lưu đó cần nhập lại.")


FIRST_START_LOCK = 0x646F6367  # "docg": the advisory lock of the first start's writes


def first_start_lock(session) -> None:
    """Wait, in `session`'s transaction, for another process's first-start writes (the
    sample district, the first administrator) to commit. PostgreSQL: a transaction-scoped
    advisory lock; SQLite's write transactions (BEGIN IMMEDIATE) queue already."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa_text("SELECT pg_advisory_xact_lock(:key)"), {"key": FIRST_START_LOCK})
