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

