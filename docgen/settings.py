"""Where the service keeps its state, from the environment, in one place for the web app
and the command line (`DOCGEN_INSTANCE`, `DOCGEN_DATABASE_URL`)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def instance_path() -> Path:
    """The instance folder: `DOCGEN_INSTANCE`, else `instance/` beside the package."""
    env = os.environ.get("DOCGEN_INSTANCE")
    return Path(env).resolve() if env else PROJECT_DIR / "instance"


def database_url() -> str | None:
    """`DOCGEN_DATABASE_URL`, or None for the SQLite file in the instance folder."""
    return os.environ.get("DOCGEN_DATABASE_URL") or None


def open_store():
    """The Store the service uses, with its schema created (no sample data loaded)."""
    from .store import Store
    store = Store(database_url(), instance_path=instance_path())
    store.create_schema()
    return store
