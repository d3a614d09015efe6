"""`python -m docgen.sample_build build` rewrites the sample inputs (samples/*/*.json) from
their dossiers (samples/*/dossier.json) through a throw-away store; `… check` exits 1
naming the files that differ. The inputs are what the store makes, never edited by hand."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from .samples import SAMPLES_DIR, dump, sample_path
from .store import Store, load_sample_district


def build_samples() -> dict[str, dict[str, dict]]:
    """Every generated sample input, per folder and file name, from a fresh store."""
    with tempfile.TemporaryDirectory(prefix="docgen-samples-") as folder:
        store = Store(f"sqlite:///{Path(folder) / 'samples.sqlite3'}")
        try:
            store.create_schema()
            with store.session() as session:
                return load_sample_district(session)
        finally:
            store.dispose()


def main(argv: list[str] | None = None) -> int:
    """build: write the files that differ; check: name them and return 1."""
    args = sys.argv[1:] if argv is None else argv
    if args not in (["build"], ["check"]):
        print("Cách dùng: python -m docgen.sample_build build|check", file=sys.stderr)
        return 2
    stale = []
    for folder, files in build_samples().items():
        for name, data in files.items():
            path, text = sample_path(name, folder), dump(data)
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
