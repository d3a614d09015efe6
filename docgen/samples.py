"""The shipped sample dossiers (the `samples` package, read with importlib.resources): a
district's year in the three-level era (samples/quan-son-2022/) and a commune's year under
two-level government (samples/trung-ha-2025/). Each folder's `dossier.json` is its one
source; the document inputs beside it are generated from it through the store
(`python -m docgen.samples build`, docgen.store.sample_dossiers) and never edited by hand.
"""

from __future__ import annotations

import json
import sys
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


def main(argv: list[str] | None = None) -> int:
    """`python -m docgen.samples build` writes every generated sample file; `… check`
    exits 1 naming the files that differ from what the dossiers produce."""
    args = sys.argv[1:] if argv is None else argv
    if args not in (["build"], ["check"]):
        print("Cách dùng: python -m docgen.samples build|check", file=sys.stderr)
        return 2
    from .store.sample_dossiers import build_samples  # the store needs this module first

    stale = []
    for folder, files in build_samples().items():
        for name, data in files.items():
            path = sample_path(name, folder)
            text = dump(data)
            if path.exists() and path.read_text(encoding="utf-8") == text:
                continue
            stale.append(path)
            if args == ["build"]:
                path.write_text(text, encoding="utf-8")
    verb = "Đã ghi" if args == ["build"] else "Khác với hồ sơ mẫu"
    for path in stale:
        print(f"{verb}: {path.relative_to(SAMPLES_DIR.parent)}")
    return 1 if stale and args == ["check"] else 0


if __name__ == "__main__":
    sys.exit(main())
