"""`pip install docgen` from a built wheel works from any folder: the wheel is built from a
copy of the checkout, installed (not editable) into a fresh virtual environment, and from
another folder it renders the sample decision and serves the sign-in page — reading its
templates, samples and data from the installed packages, its state from the user's data
folder, nothing from the checkout."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from helpers import texts

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent
TOP_SKIP = {".git", ".venv", "build", "dist", "instance", ".pytest_cache", ".hypothesis",
            ".benchmarks"}


def skip(folder: str, names: list[str]) -> set[str]:
    """What the copy of the checkout leaves out (.gitignore's entries)."""
    top = Path(folder) == ROOT
    return {n for n in names if n == "__pycache__" or n.endswith(".egg-info")
            or top and (n in TOP_SKIP or n.startswith("out"))}


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, **kwargs)
    assert done.returncode == 0, f"{args}:\n{done.stdout}\n{done.stderr}"
    return done


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the fresh environment's bin folder, a clean environment for its commands)."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=skip)  # the build writes nothing into the checkout
    dist = base / "dist"
    run(sys.executable, "-m", "pip", "wheel", "-q", "--disable-pip-version-check",
        "--no-deps", "-w", dist, source, timeout=600)
    wheel, = dist.glob("docgen-*.whl")
    venv = base / "venv"
    run(sys.executable, "-m", "venv", venv, timeout=300)
    run(venv / "bin" / "python", "-m", "pip", "install", "-q", "--disable-pip-version-check",
        wheel, timeout=900)
    shutil.rmtree(source)  # nothing may be read from a checkout any more
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DOCGEN_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(HOME=str(base / "home"), XDG_DATA_HOME=str(base / "data"),
               PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    return wheel, venv / "bin", env


def test_the_wheel_holds_the_templates_samples_and_data(installed):
    names = set(zipfile.ZipFile(installed[0]).namelist())
    shipped = {f"templates_docx/{p.name}" for p in (ROOT / "templates_docx").glob("*.docx")}
    shipped |= {p.relative_to(ROOT).as_posix() for p in (ROOT / "samples").rglob("*.json")}
    shipped |= {"docgen/data/policy.toml", "samples/danh-sach-mau.xlsx",
                "samples/quan-son-2022/households.xlsx", "webform/templates/base.html"}
    assert shipped - names == set()


def test_the_installed_docgen_renders_the_sample_decision_from_another_folder(installed,
                                                                             tmp_path):
    _, bin_, env = installed
    where = run(bin_ / "python", "-c", "import docgen, docgen.samples as s; "
                "print(docgen.__file__); print(s.sample_path('decision'))",
                cwd=tmp_path, env=env).stdout.split()
    assert all(str(bin_.parent) in path for path in where), where  # site-packages, not ROOT
    out = tmp_path / "quyet-dinh.docx"
    run(bin_ / "docgen", "render", "decision", where[1], "-o", out, cwd=tmp_path, env=env,
        timeout=300)
    assert texts(out.read_bytes())[0] == "ỦY BAN NHÂN DÂN HUYỆN QUAN SƠN"
    checked = run(bin_ / "docgen", "check", out, cwd=tmp_path, env=env, timeout=300)
    assert "đúng thể thức" in checked.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quyet-dinh.docx"]


def test_the_installed_docgen_serves_the_sign_in_page_from_its_data_folder(installed, tmp_path):
    _, bin_, env = installed
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([bin_ / "docgen", "serve", "--port", str(port)], cwd=tmp_path,
                                env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap",
                                            timeout=5) as reply:
                    status, page = reply.status, reply.read().decode()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert status == 200 and "Đăng nhập" in page
    # Without DOCGEN_INSTANCE an installed docgen keeps its state in the user's data folder.
    assert (Path(env["XDG_DATA_HOME"]) / "docgen" / "docgen.sqlite3").is_file()
    assert list(tmp_path.iterdir()) == [log]
