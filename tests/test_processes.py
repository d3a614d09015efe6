"""Several web processes on one instance: the secret key they all sign cookies with, and
`docgen serve --processes N` (gunicorn) — one start-up, N workers answering one address,
a killed worker replaced without signing anyone out, numbers issued through all of them
without gap or repeat, SIGTERM stopping them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from province import (Web, check_numbers, drafts, issue_numbers, signed_in, wait_until,
                      worker_pids)

# ---- the instance's secret key ---------------------------------------------------------------

RACER = """
import pathlib, sys, time
from webform import _instance_secret
base, me, rounds = pathlib.Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
for n in range(rounds):
    (base / f"ready-{n}-{me}").touch()
    while not (base / f"go-{n}").exists():
        time.sleep(0.001)
    print(_instance_secret(base / f"instance-{n}"), flush=True)
"""


def test_processes_starting_at_once_all_get_the_same_secret_key(tmp_path):
    count, rounds = 8, 10
    for n in range(rounds):
        (tmp_path / f"instance-{n}").mkdir()
    procs = [subprocess.Popen([sys.executable, "-c", RACER, str(tmp_path), str(i), str(rounds)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(count)]
    for n in range(rounds):  # all 8 processes create the key of a fresh folder at once
        wait_until(lambda n=n: len(list(tmp_path.glob(f"ready-{n}-*"))) == count
                   or any(p.poll() is not None for p in procs), 120, "the racers to be ready")
        (tmp_path / f"go-{n}").touch()
    answers = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * count, [err for _, err in answers]
    for n in range(rounds):
        keys = {out.split()[n] for out, _ in answers}
        folder = tmp_path / f"instance-{n}"
        assert keys == {(folder / "secret_key").read_text()}
        assert len(keys.pop()) == 64
        assert [p.name for p in folder.iterdir()] == ["secret_key"]  # no temporary file left
        assert (folder / "secret_key").stat().st_mode & 0o777 == 0o600


def test_an_empty_secret_key_file_is_replaced_by_a_real_key(tmp_path):
    """A first start killed between creating the file and writing it left it empty: the
    next start must not sign cookies with an empty key (Flask would refuse every session)."""
    from webform import _instance_secret
    (tmp_path / "secret_key").touch(mode=0o600)
    key = _instance_secret(tmp_path)
    assert len(key) == 64
    assert _instance_secret(tmp_path) == key == (tmp_path / "secret_key").read_text()


# ---- first start of several processes on PostgreSQL -------------------------------------------

def test_processes_starting_at_once_on_postgresql_seed_and_make_the_admin_once(pg):
    """Another process is in the middle of its first start (the sample district and the
    first administrator written, not yet committed): this one waits for it, then finds
    them — no second district, no second administrator."""
    import threading

    from docgen import store
    from docgen.store.models import Body, User
    from docgen.store.seed import load_sample_district
    from docgen.store.startup import first_start_lock
    first = store.Store(pg.url)
    found: dict = {}

    def start() -> None:
        found["seeded"] = pg.seed_sample_if_empty()
        with pg.session() as s:
            found["password"] = store.ensure_admin(s)

    try:
        with first.session() as s:
            first_start_lock(s)
            load_sample_district(s)
            store.ensure_admin(s, "mat-khau-cua-tien-trinh-dau")
            s.flush()
            expected = s.query(Body).count()
            second = threading.Thread(target=start)
            second.start()
            second.join(timeout=3)  # it waits on the lock (the old code seeded a second time)
        second.join(timeout=120)
        with pg.session(readonly=True) as s:
            bodies = s.query(Body).count()
            users = s.query(User).count()
    finally:
        first.dispose()
    assert found == {"seeded": False, "password": None}
    assert users == 1 and bodies == expected > 0


# ---- behind a reverse proxy ------------------------------------------------------------------

def _sign_in_from(app, forwarded_for: str, password: str, username: str = "admin") -> int:
    """A sign-in through a proxy at 127.0.0.1 for the client `forwarded_for`."""
    import re
    client = app.test_client()
    page = client.get("/dang-nhap").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    return client.post("/dang-nhap", data={"csrf_token": csrf, "username": username,
                                           "password": password},
                       environ_base={"REMOTE_ADDR": "127.0.0.1"},
                       headers={"X-Forwarded-For": forwarded_for}).status_code


def _proxied_app(tmp_path, proxies: str):
    from helpers import ADMIN_PASSWORD
    from webform import create_app
    return create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
                       "ADMIN_PASSWORD": ADMIN_PASSWORD, "PROXIES": proxies})


def test_behind_a_proxy_the_sign_in_limit_counts_each_client_not_the_proxy(tmp_path):
    """Unknown user names: the failures lock no account, only the address counts."""
    from helpers import ADMIN_PASSWORD
    app = _proxied_app(tmp_path, "1")
    assert [_sign_in_from(app, "10.0.0.7", "sai", "khong.co.ai") for _ in range(20)] == [401] * 20
    assert _sign_in_from(app, "10.0.0.7", ADMIN_PASSWORD) == 429  # that client is blocked …
    assert _sign_in_from(app, "10.0.0.8", ADMIN_PASSWORD) == 302  # … not every clerk
    from docgen.store.models import AuditEntry
    with app.extensions["docgen_store"].session(readonly=True) as s:
        assert "10.0.0.8" in {a.address for a in s.query(AuditEntry)}


def test_without_a_proxy_a_forged_forwarded_address_is_ignored(tmp_path):
    from helpers import ADMIN_PASSWORD
    app = _proxied_app(tmp_path, "0")
    failures = [_sign_in_from(app, f"10.0.0.{i}", "sai", "khong.co.ai") for i in range(20)]
    assert failures == [401] * 20
    assert _sign_in_from(app, "10.0.0.99", ADMIN_PASSWORD) == 429  # 127.0.0.1 is blocked


@pytest.mark.parametrize("raw", ["mot", "-1", "9"])
def test_a_wrong_proxy_count_stops_the_start_naming_the_setting(tmp_path, raw):
    from docgen.errors import UserError
    with pytest.raises(UserError, match=f"DOCGEN_PROXIES «{raw}» không hợp lệ"):
        _proxied_app(tmp_path, raw)


# ---- one import at a time per user, in every process ------------------------------------------

HOLDER = """
import pathlib, sys
from webform.limits import Slots
slots = Slots(1, pathlib.Path(sys.argv[1]))
print(slots.take(int(sys.argv[2])), flush=True)
sys.stdin.read()  # held until the test closes our stdin
"""


def test_a_user_runs_one_import_at_a_time_across_processes(app, client, db):
    from pathlib import Path

    from test_abuse import html, post_preview, ubnd, units_file, user_id
    admin = user_id(db, "admin")
    with subprocess.Popen(  # another web process, in the middle of the user's import
            [sys.executable, "-c", HOLDER, str(Path(app.instance_path) / "locks"), str(admin)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout.readline().strip() == "None"  # it took the slot
        refused = post_preview(client, ubnd(db), units_file(3))
        assert refused.status_code == 429
        assert "Bạn đang có một thao tác nhập khác đang chạy" in html(refused)
    # leaving the block closed its stdin: it ended, and its slot with it
    assert post_preview(client, ubnd(db), units_file(3)).status_code == 200  # its slot is free


def test_a_killed_process_leaves_no_slot_held(tmp_path):
    from webform.limits import Slots
    slots, other = Slots(1, tmp_path), Slots(1, tmp_path)
    with subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path), "7"],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout.readline().strip() == "None"
        assert slots.take(7) == "own"
        holder.kill()  # the kernel drops a dead process's flock
        holder.wait()
    assert slots.take(7) is None
    assert other.take(7) == "own"  # held by `slots` now
    assert other.take(8) is None  # another user's is free
    other.give_back(8)
    slots.give_back(7)
    assert other.take(7) is None
    other.give_back(7)


# ---- docgen serve --processes 2 --------------------------------------------------------------

@pytest.mark.slow
def test_serve_with_two_processes_shares_sessions_numbers_and_survives_a_killed_worker(
        tmp_path):
    env = {"DOCGEN_INSTANCE": str(tmp_path / "instance"), "DOCGEN_DATABASE_URL": None}
    web = Web(tmp_path, "web", env, processes=2)
    web.start()
    try:
        assert "với 2 tiến trình" in web.log.read_text()
        workers = wait_until(lambda: len(worker_pids(web.proc.pid)) == 2 and
                             worker_pids(web.proc.pid), 60, "two worker processes")
        session = signed_in(web.url)
        ids = drafts(None, 40, instance=tmp_path / "instance")
        issue_numbers([web.url], ids[:20], threads=4)
        # A worker killed as the OOM killer would: the master starts another, and the
        # signed-in session goes on in whichever process answers.
        os.kill(workers[0], signal.SIGKILL)
        wait_until(lambda: (pids := worker_pids(web.proc.pid)) and len(pids) == 2
                   and workers[0] not in pids, 60, "the killed worker to be replaced")
        for _ in range(10):
            assert session.get(web.url + "/so-van-ban/", timeout=60,
                               allow_redirects=False).status_code == 200
        issue_numbers([web.url], ids[20:], threads=4)
    finally:
        code = web.stop()
    assert code == 0  # SIGTERM: every process stopped cleanly
    assert worker_pids(web.pid) == []
    assert check_numbers(None, instance=tmp_path / "instance") == {(1, 2023): 40}
    assert "Traceback" not in web.log.read_text()


def test_serve_refuses_a_process_count_below_one(runner):
    from docgen.cli import main
    result = runner.invoke(main, ["serve", "--processes", "0"])
    assert result.exit_code == 2
    assert "--processes" in result.output


def test_gunicorn_options_bind_one_address_with_threads():
    from webform import processes
    settings = processes.options("::1", 8080, 3)
    assert settings["bind"] == ["[::1]:8080"] and settings["workers"] == 3
    assert settings["worker_class"] == "gthread" and settings["threads"] == processes.THREADS
    assert settings["preload_app"] is False
    assert processes.options("0.0.0.0", 80, 2)["bind"] == ["0.0.0.0:80"]



def test_without_gunicorn_several_processes_are_refused_in_vietnamese(monkeypatch):
    from docgen.errors import UserError
    from webform import processes
    for name in ("gunicorn", "gunicorn.app", "gunicorn.app.base"):
        monkeypatch.setitem(sys.modules, name, None)  # as on Windows: not installed
    made = []
    with pytest.raises(UserError, match="cần gunicorn"):
        processes.run(lambda: made.append(1), "127.0.0.1", 5000, 2)
    assert made == []  # refused before the app (and its database) was opened
