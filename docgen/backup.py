"""Backup and restore of a docgen instance: the database and the instance files that matter.

`backup(out)` writes a ZIP holding a consistent copy of the SQLite database (sqlite3's
online backup API, safe while the service runs; issued documents live in it), the secret
key and a district's own policy, and `manifest.json` (format, date, counts, the sha256 of
every member). `restore(archive)` checks the manifest and every sha256 before touching
anything, refuses to overwrite a database holding data unless `force`, keeps the replaced
database beside the new one, and writes every file through a temporary file renamed into
place. Preview images and pending uploads are rows of the database, backed up with it and
swept when they expire. PostgreSQL is refused with a pointer to pg_dump.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from . import settings
from .errors import UserError
from .store.engine import DB_FILE

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database.sqlite3"
# Instance files worth keeping: the session key (sessions and CSRF tokens survive) and a
# policy the district put there. Member name → file name in the instance folder.
INSTANCE_FILES = {"instance/secret_key": "secret_key", "instance/policy.toml": "policy.toml"}
POLICY_MEMBER = "instance/policy.toml"
COUNTED = {"body": "cơ quan", "unit": "đơn vị", "document": "văn bản", "household": "hộ",
           "app_user": "người dùng"}
CHUNK = 1 << 20


@dataclass
class Summary:
    """What a backup holds or a restore brought back, for the command's last line."""

    path: Path
    created: str
    counts: dict[str, int]
    files: list[str] = field(default_factory=list)
    kept: Path | None = None   # the database a forced restore replaced

    def counts_text(self) -> str:
        return ", ".join(f"{self.counts.get(table, 0)} {label}" for table, label in COUNTED.items()
                         if table in self.counts)


def _database_path(instance: Path, url: str | None) -> Path:
    """The SQLite file of the service; UserError for another kind of database."""
    if not url:
        return instance / DB_FILE
    if url.startswith("sqlite:///") and "?" not in url and len(url) > len("sqlite:///"):
        return Path(url[len("sqlite:///"):])
    if url.startswith("sqlite"):
        raise UserError(f"Không sao lưu được cơ sở dữ liệu SQLite «{url}» (trong bộ nhớ hoặc "
                        "có tham số): hãy trỏ DOCGEN_DATABASE_URL tới một tệp")
    kind = url.split(":", 1)[0].split("+", 1)[0]
    raise UserError(f"Cơ sở dữ liệu {kind} không sao lưu bằng lệnh này: hãy dùng công cụ của "
                    "nó (với PostgreSQL: pg_dump -Fc … để sao lưu, pg_restore để khôi phục), "
                    "rồi sao lưu riêng thư mục instance (tệp secret_key)")


def _where(instance: str | os.PathLike | None, url: str | None) -> tuple[Path, Path]:
    folder = Path(instance).resolve() if instance else settings.instance_path()
    return folder, _database_path(folder, url if url is not None else settings.database_url())


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=30, isolation_level=None)


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
              for t in COUNTED if t in tables}
    if "document" in tables:
        counts["issued"] = conn.execute(
            "SELECT count(*) FROM document WHERE number IS NOT NULL").fetchone()[0]
    return counts


def _check(conn: sqlite3.Connection, what: str) -> None:
    result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise UserError(f"{what} bị hỏng (SQLite integrity_check: {result})")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _temporary(folder: Path, name: str) -> Path:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UserError(f"Không ghi được vào thư mục «{folder}»: {exc.strerror}") from None
    os.close(fd)
    return Path(tmp)


def _replace(tmp: Path, target: Path) -> None:
    """Make `tmp` durable, then rename it over `target` (atomic on one file system)."""
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    try:  # the rename itself survives a power cut once the folder is synced
        fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


# --------------------------------------------------------------------------- backup

def backup(out: str | os.PathLike, *, instance: str | os.PathLike | None = None,
           url: str | None = None) -> Summary:
    """Write the backup ZIP to `out` (replaced whole, never half-written).

    `instance` None is DOCGEN_INSTANCE or the default instance folder; `url` None is
    DOCGEN_DATABASE_URL (None: the SQLite file in the instance folder).
    """
    folder, db_path = _where(instance, url)
    target = Path(out).resolve()
    if not target.parent.is_dir():
        raise UserError(f"Thư mục «{target.parent}» không tồn tại; không ghi được "
                        f"«{target.name}»")
    if not db_path.is_file():
        raise UserError(f"Không có cơ sở dữ liệu «{db_path}» để sao lưu (dịch vụ chưa chạy lần "
                        "nào với thư mục này? đặt DOCGEN_INSTANCE hoặc --instance)")
    with tempfile.TemporaryDirectory(prefix="docgen-backup-") as work:
        copy = Path(work) / DATABASE
        try:
            source = _connect(db_path)
            try:
                dest = _connect(copy)
                try:
                    source.backup(dest)  # one step: a consistent snapshot, writers go on
                    dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
                    _check(dest, "Bản sao cơ sở dữ liệu")
                    counts = _counts(dest)
                finally:
                    dest.close()
            finally:
                source.close()
        except sqlite3.DatabaseError as exc:
            raise UserError(f"Không đọc được cơ sở dữ liệu «{db_path}»: {exc}") from None
        members = {DATABASE: copy}
        for member, name in INSTANCE_FILES.items():
            if (folder / name).is_file():
                members[member] = folder / name
        policy = settings.POLICY.value()
        if policy and Path(policy).is_file():  # the district's policy, wherever it lives
            members[POLICY_MEMBER] = Path(policy)
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        manifest = {
            "format": FORMAT, "program": "docgen", "version": _version(), "created": created,
            "database": DATABASE, "counts": counts,
            "files": {m: {"sha256": _sha256(p), "size": p.stat().st_size}
                      for m, p in members.items()},
        }
        tmp = _temporary(target.parent, target.name)
        try:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
                for member, path in members.items():
                    zf.write(path, member)
            _replace(tmp, target)
        except OSError as exc:
            raise UserError(f"Không ghi được tệp «{target}»: {exc.strerror}") from None
        finally:
            tmp.unlink(missing_ok=True)
    return Summary(target, created, counts, sorted(members))


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("docgen")
    except Exception:  # not installed (run from a checkout)
        return "0"


# --------------------------------------------------------------------------- restore

def read_manifest(archive: str | os.PathLike) -> dict:
    """The manifest of a backup, checked against every member's sha256 and size;
    UserError naming what is wrong."""
    path = Path(archive)
    if not path.is_file():
        raise UserError(f"Không tìm thấy tệp sao lưu «{path}»")
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if MANIFEST not in names:
                raise UserError(f"Tệp «{path.name}» không phải bản sao lưu của docgen (không có "
                                f"{MANIFEST})")
            manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or \
                    not isinstance(manifest.get("files"), dict) or \
                    manifest.get("database") not in manifest["files"]:
                raise UserError(f"Tệp «{path.name}»: {MANIFEST} không đúng định dạng bản sao lưu "
                                f"(phiên bản {FORMAT})")
            extra = names - set(manifest["files"]) - {MANIFEST}
            if extra:
                raise UserError(f"Tệp «{path.name}» có phần không ghi trong {MANIFEST}: "
                                + ", ".join(sorted(extra)))
            for member, expected in manifest["files"].items():
                if member not in names:
                    raise UserError(f"Tệp sao lưu «{path.name}» thiếu phần «{member}»")
                digest, size = hashlib.sha256(), 0
                with zf.open(member) as fh:
                    for block in iter(lambda: fh.read(CHUNK), b""):
                        digest.update(block)
                        size += len(block)
                if digest.hexdigest() != expected.get("sha256") or size != expected.get("size"):
                    raise UserError(f"Tệp sao lưu «{path.name}» bị hỏng hoặc đã bị sửa: phần "
                                    f"«{member}» không khớp mã kiểm tra sha256 trong {MANIFEST}")
    except UserError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, ValueError, KeyError,
            OSError, EOFError, NotImplementedError) as exc:
        # A changed byte breaks a CRC (BadZipFile), the ZIP directory or the manifest JSON.
        raise UserError(f"Tệp sao lưu «{path.name}» bị hỏng, không khôi phục ({exc})") from None
    return manifest


def restore(archive: str | os.PathLike, *, instance: str | os.PathLike | None = None,
            url: str | None = None, force: bool = False) -> Summary:
    """Bring back the backup `archive` into the instance folder (see `backup`).

    Stop the service first: a running service would keep writing to the replaced file.
    A database that holds bodies, units or documents is replaced only with `force`; it is
    then kept as "docgen.sqlite3.truoc-khoi-phuc-<date>" beside the restored one.
    """
    folder, db_path = _where(instance, url)
    manifest = read_manifest(archive)
    folder.mkdir(parents=True, exist_ok=True)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_db = _temporary(db_path.parent, db_path.name)
    staged: list[tuple[Path, Path]] = []
    try:
        with zipfile.ZipFile(archive) as zf:
            with zf.open(manifest["database"]) as src, open(tmp_db, "wb") as dst:
                for block in iter(lambda: src.read(CHUNK), b""):
                    dst.write(block)
            for member, name in INSTANCE_FILES.items():
                if member in manifest["files"]:
                    tmp = _temporary(folder, name)
                    tmp.write_bytes(zf.read(member))
                    staged.append((tmp, folder / name))
        try:
            conn = _connect(tmp_db)
            try:
                _check(conn, "Cơ sở dữ liệu trong bản sao lưu")
                counts = _counts(conn)
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:  # a page so broken SQLite will not read it
            raise UserError(f"Cơ sở dữ liệu trong bản sao lưu bị hỏng ({exc})") from None
        current = _current_counts(db_path)
        if current and not force:
            held = Summary(db_path, "", current).counts_text() if "?" not in current \
                else "không đọc được"
            raise UserError(f"Cơ sở dữ liệu «{db_path}» đang có dữ liệu ({held}); khôi phục sẽ "
                            "thay toàn bộ. Hãy dừng dịch vụ rồi chạy lại với --force (cơ sở dữ "
                            "liệu cũ được giữ lại bên cạnh)")
        kept = _retire(db_path, keep=bool(current))
        _replace(tmp_db, db_path)
        for tmp, target in staged:
            if target.name == "secret_key":
                os.chmod(tmp, 0o600)
            _replace(tmp, target)
    finally:
        tmp_db.unlink(missing_ok=True)
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return Summary(Path(archive), manifest.get("created", ""), counts,
                   sorted(manifest["files"]), kept)


def _current_counts(db_path: Path) -> dict[str, int]:
    """Rows the database at `db_path` holds in counted tables; {} when empty or absent."""
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return {}
    try:
        conn = _connect(db_path)
        try:
            counts = _counts(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return {"?": 1}  # unreadable: replacing it still needs --force
    return counts if any(counts.get(t) for t in ("body", "unit", "document")) else {}


def _retire(db_path: Path, *, keep: bool) -> Path | None:
    """Move the database being replaced aside (`keep`) or delete it, with its -wal and -shm
    files: a stale -wal file would be replayed into the restored database."""
    if not db_path.exists():
        for suffix in ("-wal", "-shm"):
            db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
        return None
    try:  # fold the WAL into the file kept aside
        conn = _connect(db_path)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        pass
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = db_path.with_name(f"{db_path.name}.truoc-khoi-phuc-{stamp}") if keep else None
    for suffix in ("", "-wal", "-shm"):
        side = db_path.with_name(db_path.name + suffix)
        if not side.exists():
            continue
        if kept is not None:
            os.replace(side, kept.with_name(kept.name + suffix))
        else:
            side.unlink()
    return kept
