"""End-to-end fixtures: `docgen serve` started for real on a free port, and Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

PASSWORD = "mat-khau-e2e-thu-nghiem"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(request, tmp_path_factory):
    """Base URL of a real `docgen serve` on a temporary database; stopped after the module.
    A module's `SERVE_ARGS` (e.g. `("--no-sample",)`) are passed to `docgen serve`."""
    instance = tmp_path_factory.mktemp("instance")
    port = free_port()
    env = {**os.environ, "DOCGEN_INSTANCE": str(instance), "DOCGEN_ADMIN_PASSWORD": PASSWORD}
    env.pop("DOCGEN_DATABASE_URL", None)
    with open(instance / "server.log", "wb") as log:  # the server keeps its own copy
        proc = subprocess.Popen([sys.executable, "-m", "docgen", "serve", "--port", str(port),
                                 *getattr(request.module, "SERVE_ARGS", ())],
                                env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("docgen serve did not start:\n"
                                   + (instance / "server.log").read_text(errors="replace")
                                   ) from None
            time.sleep(0.3)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def screenshots(request, tmp_path_factory) -> Path:
    """Where the browser tests keep their screenshots: a temporary folder, or the folder given
    with `--screenshots` (`make screenshots` passes docs/, the README's images)."""
    folder = request.config.getoption("--screenshots")
    if folder is None:
        return tmp_path_factory.mktemp("screenshots")
    path = Path(folder).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A browser tab signed in as the district administrator."""
    context = browser.new_context(accept_downloads=True, locale="vi-VN",
                                  viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.goto(server + "/dang-nhap")
    p.fill("input#username", "admin")
    p.fill("input#password", PASSWORD)
    p.click("#login")
    assert p.locator("#logout").count() == 1
    yield p
    context.close()
