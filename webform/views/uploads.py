"""Uploaded files kept between an import's preview and its confirmation.

The file is stored under a random token in the instance folder; the token, not a path,
travels through the browser, so no user input ever names a file on disk.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import current_app

KEEP_SECONDS = 6 * 3600
_TOKEN = re.compile(r"[0-9a-f]{32}")


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "uploads"
    folder.mkdir(exist_ok=True)
    return folder


def keep(data: bytes) -> str:
    """Store `data`; returns the token that finds it again. Old uploads are swept."""
    folder = _folder()
    now = time.time()
    for old in folder.glob("*.upload"):
        if now - old.stat().st_mtime > KEEP_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{token}.upload").write_bytes(data)
    return token


def fetch(token: str) -> bytes | None:
    """The stored bytes for `token`, or None when it is unknown, malformed or expired."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    path = _folder() / f"{token}.upload"
    return path.read_bytes() if path.exists() else None


def forget(token: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        (_folder() / f"{token}.upload").unlink(missing_ok=True)
