"""The shipped sample data (samples/ beside the package): a district's year."""

from __future__ import annotations

import json
from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "samples"
DEFAULT_YEAR = "quan-son-2022"


def sample_path(name: str, year: str = DEFAULT_YEAR) -> Path:
    """The path of sample `name` ("decision" → samples/quan-son-2022/decision.json)."""
    return SAMPLES_DIR / year / (name if "." in name else f"{name}.json")


def load_sample(name: str, year: str = DEFAULT_YEAR) -> dict:
    return json.loads(sample_path(name, year).read_text(encoding="utf-8"))
