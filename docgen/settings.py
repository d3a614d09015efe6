"""Every setting the service reads from the environment, as one table (name, default,
meaning) — the README's table is checked against it — and the values the web app and the
command line use. Nothing else in docgen reads `os.environ`; this module imports nothing of
docgen's (every layer may read a setting). The configured Store: docgen.store.configured."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, its default as the README states it, its meaning."""

    name: str
    default: str
    meaning: str

    def value(self) -> str | None:
        """The variable's value, None when it is unset or empty."""
        return os.environ.get(self.name) or None


INSTANCE = Setting(
    "DOCGEN_INSTANCE",
    "`instance/` in a source checkout; `~/.local/share/docgen` (or `$XDG_DATA_HOME/docgen`) "
    "when installed from a wheel",
    "folder for the SQLite database, the secret key and work files")
DATABASE_URL = Setting(
    "DOCGEN_DATABASE_URL", "SQLite file in the instance folder",
    "SQLAlchemy URL of another database")
SECRET_KEY = Setting(
    "DOCGEN_SECRET_KEY", "random, kept in the instance folder", "Flask secret key")
POLICY = Setting(
    "DOCGEN_POLICY", "`docgen/data/policy.toml`", "classification policy TOML file")
SCORING = Setting(
    "DOCGEN_SCORING", "`docgen/data/scoring.toml`",
    "scoring sheet criteria and standard points TOML file (Decision 510)")
RULES = Setting(
    "DOCGEN_RULES", "`docgen/data/rules.toml`",
    "competence, scope and calendar rules TOML file")
SOFFICE = Setting(
    "DOCGEN_SOFFICE", "`soffice` on PATH", "LibreOffice executable for PDF")
ADMIN_PASSWORD = Setting(
    "DOCGEN_ADMIN_PASSWORD", "a random one-time password, printed",
    "password of the first administrator (first run only)")

KEY_PASSWORD = Setting(
    "DOCGEN_KEY_PASSWORD", "asked at signing",
    "password of the PKCS#12 key file, or PIN of the PKCS#11 token, for `docgen sign` "
    "(never stored)")

PROXIES = Setting(
    "DOCGEN_PROXIES", "0",
    "number of reverse proxies in front of `docgen serve` whose X-Forwarded-For, "
    "-Proto and -Host headers are trusted (the client's address in sign-in limits and "
    "the audit trail)")

BROKER = Setting(
    "DOCGEN_BROKER", "SQLite queue file `queue.sqlite3` in the instance folder",
    "Redis URL of the job queue shared by several machines (`redis://host:6379/0`)")
JOB_STALE = Setting(
    "DOCGEN_JOB_STALE", "30",
    "seconds without a heartbeat after which a running job's worker counts as dead")
JOB_WAIT = Setting(
    "DOCGEN_JOB_WAIT", "120",
    "seconds a page waits for a worker to make a document's PDF or preview before answering 503")

SETTINGS: tuple[Setting, ...] = (INSTANCE, DATABASE_URL, SECRET_KEY, POLICY, SCORING, RULES,
                                 SOFFICE, ADMIN_PASSWORD, KEY_PASSWORD, PROXIES, BROKER,
                                 JOB_STALE, JOB_WAIT)


def _source_checkout() -> Path | None:
    """The checkout this package runs from (`pip install -e .` or the working tree), None
    when it is installed in site-packages. Only the instance folder depends on this."""
    root = Path(__file__).resolve().parent.parent
    try:
        project = (root / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return None  # site-packages holds no pyproject.toml
    return root if re.search(r'^name = "docgen"$', project, re.M) else None


def default_instance_path() -> Path:
    """Where the state lives without `DOCGEN_INSTANCE`: `instance/` in a source checkout
    (as always), else the user's data folder — never inside site-packages."""
    checkout = _source_checkout()
    if checkout is not None:
        return checkout / "instance"
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "docgen"


def instance_path() -> Path:
    """The instance folder: `DOCGEN_INSTANCE`, else `default_instance_path()`."""
    env = INSTANCE.value()
    return Path(env).resolve() if env else default_instance_path()


def database_url() -> str | None:
    """`DOCGEN_DATABASE_URL`, or None for the SQLite file in the instance folder."""
    return DATABASE_URL.value()

