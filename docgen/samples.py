"""The shipped sample dossiers (the `samples` package, read with importlib.resources): a
district's year in the three-level era (samples/quan-son-2022/) and a commune's year under
two-level government (samples/trung-ha-2025/). Each folder's `dossier.json` is its one
source; the document inputs beside it are generated from it through the store
(`python -m docgen.sample_build build`, docgen.store.sample_dossiers), never by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

from .shipped import samples_dir

SAMPLES_DIR = samples_dir()
DEFAULT_YEAR = "quan-son-2022"
# The dossiers, in the order they are loaded into a store (ids follow this order).
DOSSIERS = ("quan-son-2022", "trung-ha-2025")
DOSSIER_FILE = "dossier.json"


def sample_path(name: str, year: str = DEFAULT_YEAR) -> Path:
    """The path of sample `name` ("decision" → samples/quan-son-2022/decision.json)."""
    return SAMPLES_DIR / year / (name if "." in name else f"{name}.json")


def load_sample(name: str, year: str = DEFAULT_YEAR) -> dict:
    return json.loads(sample_path(name, year).read_text(encoding="utf-8"))


def load_dossier(folder: str) -> dict:
    """The source data of a sample dossier (samples/FOLDER/dossier.json)."""
    return load_sample(DOSSIER_FILE, folder)


def sample_inputs() -> list[tuple[str, str, str]]:
    """Every generated sample input as (folder, name, kind), in the dossiers' order:
    ("quan-son-2022", "decision-na-meo", "decision"), …"""
    return [(folder, entry["file"].removesuffix(".json"), entry["kind"])
            for folder in DOSSIERS for entry in load_dossier(folder)["documents"]]


def dump(data: dict) -> str:
    """A sample input as it is written to its file (stable, readable, final newline)."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
