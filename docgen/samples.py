"""The shipped sample data (the `samples` package, read with importlib.resources): a
district's year."""

from __future__ import annotations

import json
from pathlib import Path

from .shipped import samples_dir

SAMPLES_DIR = samples_dir()
DEFAULT_YEAR = "quan-son-2022"


def sample_path(name: str, year: str = DEFAULT_YEAR) -> Path:
    """The path of sample `name` ("decision" → samples/quan-son-2022/decision.json)."""
    return SAMPLES_DIR / year / (name if "." in name else f"{name}.json")


def load_sample(name: str, year: str = DEFAULT_YEAR) -> dict:
    return json.loads(sample_path(name, year).read_text(encoding="utf-8"))
