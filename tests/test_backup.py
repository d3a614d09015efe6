"""`docgen backup` and `docgen restore`: a consistent copy of the database and the instance
files that matter, a manifest with a sha256 per member, and a restore that checks all of
it, refuses to overwrite data without --force and leaves no half-written file."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import threading
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

import docgen
from docgen import backup, store
from docgen.cli import main
from docgen.errors import UserError
from docgen.policy import SHIPPED
from docgen.samples import load_sample
from helpers import texts


def _decision() -> dict:
    data = load_sample("decision")
    data.pop("number"), data.pop("date")
    return data


def _issue(db: store.Store, day: dt.date) -> int:
    with db.session() as s:
        doc = store.create_document(s, kind="decision", body_id=1, data=_decision(),
                                    created_by="văn thư", render=docgen.render_document)
    return store.issue_number(db, doc.id, issued_on=day, render=docgen.render_document).number


@pytest.fixture
def instance(tmp_path):
    """An instance folder as the service leaves it: the sample district, one issued
    decision, one draft, the secret key, a preview cache and a pending upload."""
    folder = tmp_path / "instance"
    db = store.Store(instance_path=folder)
    db.seed_sample_if_empty()
    _issue(db, dt.date(2023, 2, 10))
    with db.session() as s:
        store.create_document(s, kind="decision", body_id=1, data=_decision(),
                              created_by="văn thư", render=docgen.render_document)
    db.dispose()
    (folder / "secret_key").write_text("a" * 64)
    (folder / "previews").mkdir()
    (folder / "previews" / "abc-1.png").write_bytes(b"\x89PNG")
    (folder / "uploads").mkdir()
    (folder / "uploads" / "0123.upload").write_bytes(b"PK")
    return folder


def snapshot(folder: Path) -> dict:
    """Everything a restore must bring back, read through the data layer."""
    db = store.Store(instance_path=folder)
    try:
        with db.session(readonly=True) as s:
            docs = [(d.id, d.kind, d.body_id, d.year, d.number, d.symbol, d.issued_on, d.status,
                     d.summary, d.signer_name, d.docx, d.input_json)
                    for d in s.scalars(select(store.Document).order_by(store.Document.id))]
            units = [(u.id, u.name, u.kind, u.commune, u.body_id, u.note)
                     for u in s.scalars(select(store.Unit).order_by(store.Unit.id))]
            bodies = [(b.id, b.name, b.abbreviation, b.parent_id)
                      for b in s.scalars(select(store.Body).order_by(store.Body.id))]
            outcomes = [(a.unit_id, a.year, a.reviewed_score, a.decided)
                        for a in s.scalars(select(store.Assessment).order_by(store.Assessment.id))]
            counters = [(c.body_id, c.year, c.last) for c in s.scalars(select(store.Counter))]
    finally:
        db.dispose()
    return {"documents": docs, "units": units, "bodies": bodies, "outcomes": outcomes,
            "counters": counters, "secret_key": (folder / "secret_key").read_text()}


def test_a_backup_round_trips_the_register_the_units_and_the_issued_docx(instance, tmp_path):
    before = snapshot(instance)
    out = tmp_path / "sao-luu.zip"
    summary = backup.backup(out, instance=instance)
    assert summary.counts["unit"] == 45 and summary.counts["issued"] == 12  # 11 of the samples
    shutil.rmtree(instance)
    backup.restore(out, instance=instance)
    after = snapshot(instance)
    assert after == before
    issued = next(d for d in after["documents"] if d[3] == 2023)
    assert issued[4] == 1 and issued[5] == "01/QĐ-UBND"
    assert any("Số: 01/QĐ-UBND" in t for t in texts(issued[10]))


def test_the_restored_database_works_for_the_next_number(instance, tmp_path):
    out = tmp_path / "sao-luu.zip"
    backup.backup(out, instance=instance)
    shutil.rmtree(instance)
    backup.restore(out, instance=instance)
    db = store.Store(instance_path=instance)
    assert _issue(db, dt.date(2023, 3, 1)) == 2
    db.dispose()


def test_the_manifest_counts_and_fingerprints_every_member(instance, tmp_path):
    out = tmp_path / "sao-luu.zip"
    backup.backup(out, instance=instance)
    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = set(zf.namelist())
        for member, meta in manifest["files"].items():
            data = zf.read(member)
            assert hashlib.sha256(data).hexdigest() == meta["sha256"]
            assert len(data) == meta["size"]
    assert names == {"manifest.json", "database.sqlite3", "instance/secret_key"}
    assert out.stat().st_mode & 0o777 == 0o600  # it holds the secret key and every record
    assert manifest["format"] == 1 and manifest["program"] == "docgen"
    assert dt.datetime.fromisoformat(manifest["created"]).tzinfo is not None
    assert manifest["counts"] == {"body": 9, "unit": 45, "document": 13, "issued": 12,
                                  "household": 13,
                                  "app_user": manifest["counts"].get("app_user", 0)}


def test_the_copy_is_one_self_contained_sqlite_file(instance, tmp_path):
    out = tmp_path / "sao-luu.zip"
    backup.backup(out, instance=instance)
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(zipfile.ZipFile(out).read("database.sqlite3"))
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_a_districts_own_policy_is_backed_up_and_restored(instance, tmp_path, monkeypatch):
    policy = tmp_path / "chinh-sach.toml"
    policy.write_text(SHIPPED.read_text(encoding="utf-8") + "\n# huyện Quan Sơn\n",
                      encoding="utf-8")
    monkeypatch.setenv("DOCGEN_POLICY", str(policy))
    out = tmp_path / "sao-luu.zip"
    summary = backup.backup(out, instance=instance)
    assert "instance/policy.toml" in summary.files
    target = tmp_path / "moi"
    backup.restore(out, instance=target)
    assert (target / "policy.toml").read_text(encoding="utf-8") == policy.read_text(
        encoding="utf-8")


# ---- refusing --------------------------------------------------------------------------------

@pytest.fixture
def archive(instance, tmp_path) -> Path:
    out = tmp_path / "sao-luu.zip"
    backup.backup(out, instance=instance)
    return out


def _rezip(source: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of `source` with members replaced (or dropped with None), its CRCs right."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = change.get(info.filename, src.read(info))
            if data is not None:
                dst.writestr(info.filename, data)
        for name, data in change.items():
            if name not in src.namelist() and data is not None:
                dst.writestr(name, data)
    return target


def _flip(path: Path, offset: int) -> Path:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    out = path.with_name("hong.zip")
    out.write_bytes(bytes(data))
    return out


def _offset(path: Path, member: str = "database.sqlite3") -> int:
    """Where the middle of a member's data lies in the archive."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    return info.header_offset + 30 + len(info.filename) + info.compress_size // 2


def _manifest_bytes(path: Path) -> bytes:
    return zipfile.ZipFile(path).read("manifest.json")


def _changed_db(path: Path) -> bytes:
    data = bytearray(zipfile.ZipFile(path).read("database.sqlite3"))
    data[len(data) // 2] ^= 0x01
    return bytes(data)


CORRUPTIONS = [
    pytest.param(lambda a: _flip(a, _offset(a)), "bị hỏng", id="a byte changed in the data"),
    pytest.param(lambda a: _flip(a, _offset(a, "manifest.json")), "bị hỏng",
                 id="a byte changed in the manifest"),
    pytest.param(lambda a: _flip(a, 35), "bị hỏng", id="a byte changed in a member's header"),
    pytest.param(lambda a: _flip(a, len(a.read_bytes()) - 10), "bị hỏng",
                 id="a byte changed in the ZIP directory"),
    pytest.param(lambda a: _rezip(a, a.with_name("sua.zip"), {"database.sqlite3": _changed_db(a)}),
                 "«database.sqlite3» không khớp mã kiểm tra sha256",
                 id="a repacked archive with a changed database"),
    pytest.param(lambda a: _rezip(a, a.with_name("sua.zip"), {"instance/secret_key": b"x" * 64}),
                 "«instance/secret_key» không khớp", id="a changed secret key"),
    pytest.param(lambda a: _rezip(a, a.with_name("sua.zip"), {"instance/secret_key": None}),
                 "thiếu phần «instance/secret_key»", id="a member left out"),
    pytest.param(lambda a: _rezip(a, a.with_name("sua.zip"), {"../thoat.txt": b"x"}),
                 "có phần không ghi trong manifest.json", id="a member slipped in"),
    pytest.param(lambda a: _rezip(a, a.with_name("sua.zip"), {"manifest.json": None}),
                 "không phải bản sao lưu", id="no manifest"),
    pytest.param(lambda a: _rezip(a, a.with_name("sua.zip"), {"manifest.json": b"{"}),
                 "bị hỏng", id="a manifest that is not JSON"),
    pytest.param(lambda a: _rezip(a, a.with_name("sua.zip"), {
        "manifest.json": _manifest_bytes(a).replace(b'"format": 1', b'"format": 9')}),
        "không đúng định dạng", id="a manifest of another format"),
    pytest.param(lambda a: a.with_name("x.zip").write_bytes(b"not a zip") and a.with_name("x.zip"),
                 "bị hỏng", id="not a ZIP at all"),
]


@pytest.mark.parametrize("corrupt, words", CORRUPTIONS)
def test_a_corrupted_archive_is_refused_and_nothing_is_written(archive, tmp_path, corrupt,
                                                               words):
    bad = corrupt(archive)
    target = tmp_path / "dich"
    with pytest.raises(UserError) as info:
        backup.restore(bad, instance=target)
    assert words in info.value.message
    assert not target.exists() or list(target.iterdir()) == []


def test_a_backup_of_a_database_with_a_corrupted_page_is_refused(archive, tmp_path):
    bad = _rezip(archive, tmp_path / "sua.zip", {})
    with zipfile.ZipFile(bad) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    broken = bytearray(zipfile.ZipFile(archive).read("database.sqlite3"))
    broken[4096:4096 + 8] = b"\xff" * 8  # the header of the second page, a table's root
    manifest["files"]["database.sqlite3"] = {"sha256": hashlib.sha256(broken).hexdigest(),
                                             "size": len(broken)}
    _rezip(archive, tmp_path / "trang-hong.zip", {
        "database.sqlite3": bytes(broken), "manifest.json": json.dumps(manifest).encode()})
    with pytest.raises(UserError) as info:
        backup.restore(tmp_path / "trang-hong.zip", instance=tmp_path / "dich")
    assert "bị hỏng" in info.value.message
    assert list((tmp_path / "dich").iterdir()) == []


def test_restoring_over_data_needs_force_and_keeps_the_old_database(instance, archive):
    with pytest.raises(UserError) as info:
        backup.restore(archive, instance=instance)
    assert "đang có dữ liệu (9 cơ quan, 45 đơn vị, 13 văn bản" in info.value.message
    assert "--force" in info.value.message
    db = store.Store(instance_path=instance)
    _issue(db, dt.date(2023, 3, 1))  # changed after the backup
    db.dispose()
    summary = backup.restore(archive, instance=instance, force=True)
    assert summary.kept is not None and summary.kept.exists()
    # The samples' registers (2022, 2025) and the decision issued before the backup.
    assert [c for c in snapshot(instance)["counters"] if c[1] == 2023] == [(1, 2023, 1)]
    old = sqlite3.connect(summary.kept)
    # (2022's numbers are the sample register's, up to 2158/QĐ-UBND)
    assert old.execute("SELECT max(number) FROM document WHERE year = 2023").fetchone()[0] == 2
    old.close()
    leftovers = [p.name for p in instance.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_a_postgresql_database_is_refused_with_pg_dump_advice(tmp_path):
    with pytest.raises(UserError) as info:
        backup.backup(tmp_path / "x.zip", instance=tmp_path,
                      url="postgresql+psycopg://docgen@localhost/docgen")
    assert "postgresql" in info.value.message and "pg_dump" in info.value.message


def test_an_instance_without_a_database_is_refused(tmp_path):
    with pytest.raises(UserError, match="Không có cơ sở dữ liệu"):
        backup.backup(tmp_path / "x.zip", instance=tmp_path / "trong")
    assert not (tmp_path / "x.zip").exists()


def test_a_backup_taken_while_numbers_are_issued_is_a_consistent_snapshot(instance, tmp_path):
    db = store.Store(instance_path=instance)
    stop = threading.Event()
    issued: list[int] = []
    errors: list[BaseException] = []

    def writer():
        day = dt.date(2023, 3, 1)
        try:
            while not stop.is_set():
                issued.append(_issue(db, day))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        archives = []
        for i in range(3):
            stop.wait(0.3)  # let a few numbers be issued in between
            out = tmp_path / f"dang-chay-{i}.zip"
            backup.backup(out, instance=instance)
            archives.append(out)
    finally:
        stop.set()
        thread.join()
        db.dispose()
    assert errors == [] and len(issued) >= 2
    for i, out in enumerate(archives):
        target = tmp_path / f"kiem-tra-{i}"
        backup.restore(out, instance=target)
        conn = sqlite3.connect(target / "docgen.sqlite3")
        numbers = [r[0] for r in conn.execute(
            "SELECT number FROM document WHERE number IS NOT NULL AND year = 2023 "
            "ORDER BY number")]
        last = conn.execute("SELECT last FROM counter WHERE year = 2023").fetchone()[0]
        missing_docx = conn.execute("SELECT count(*) FROM document WHERE number IS NOT NULL "
                                    "AND (docx IS NULL OR length(docx) = 0)").fetchone()[0]
        conn.close()
        assert numbers == list(range(1, len(numbers) + 1)) and last == len(numbers)
        assert missing_docx == 0


# ---- the commands ----------------------------------------------------------------------------

def test_the_commands_round_trip_through_docgen_instance(instance, tmp_path, runner, monkeypatch):
    monkeypatch.setenv("DOCGEN_INSTANCE", str(instance))
    monkeypatch.delenv("DOCGEN_DATABASE_URL", raising=False)
    out = tmp_path / "sao-luu.zip"
    result = runner.invoke(main, ["backup", str(out)])
    assert result.exit_code == 0, result.output
    assert "Đã sao lưu vào" in result.output and "45 đơn vị, 13 văn bản" in result.output
    result = runner.invoke(main, ["restore", str(out)])
    assert result.exit_code == 2
    assert "Lỗi: " in result.stderr and "--force" in result.stderr
    result = runner.invoke(main, ["restore", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert "Đã khôi phục" in result.output and "Cơ sở dữ liệu cũ được giữ tại" in result.output


def test_the_commands_take_an_instance_option(instance, tmp_path, runner):
    out = tmp_path / "sao-luu.zip"
    assert runner.invoke(main, ["backup", str(out), "--instance", str(instance)]).exit_code == 0
    target = tmp_path / "may-moi"
    result = runner.invoke(main, ["restore", str(out), "--instance", str(target)])
    assert result.exit_code == 0, result.output
    assert snapshot(target) == snapshot(instance)


def test_a_corrupted_archive_gives_exit_2_and_a_message(archive, runner, tmp_path):
    bad = _flip(archive, _offset(archive))
    result = runner.invoke(main, ["restore", str(bad), "--instance", str(tmp_path / "d")])
    assert result.exit_code == 2
    assert result.stderr.startswith("Lỗi: Tệp sao lưu «hong.zip» bị hỏng")


def test_a_backup_to_a_missing_folder_is_refused(instance, runner, tmp_path):
    result = runner.invoke(main, ["backup", str(tmp_path / "khong-co" / "x.zip"),
                                  "--instance", str(instance)])
    assert result.exit_code == 2 and "không tồn tại" in result.stderr
