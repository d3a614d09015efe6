"""A past commit of this repository, for a benchmark to measure in the same run as today's
tree: `export(rev)` writes its files to a temporary folder (`git archive`), and a child
process started with `env(folder)` imports `docgen` from there (`use_tree()`)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VARIABLE = "DOCGEN_BENCH_TREE"


def export(rev: str) -> Path | None:
    """The files of commit `rev` in a new temporary folder, or None (no git, no such commit)."""
    folder = Path(tempfile.mkdtemp(prefix=f"docgen-{rev}-"))
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return folder


def env(folder: Path | None) -> dict[str, str]:
    """The environment of a child that measures the tree in `folder` (None: today's)."""
    out = {k: v for k, v in os.environ.items() if k != VARIABLE}
    if folder is not None:
        out[VARIABLE] = str(folder)
    return out


def use_tree() -> None:
    """In a child: import `docgen` from the exported tree, if one was given, instead of the
    installed one (an editable install's import hook would otherwise win)."""
    folder = os.environ.get(VARIABLE)
    if folder:
        sys.path.insert(0, folder)
        sys.meta_path[:] = [f for f in sys.meta_path
                            if not getattr(f, "__module__", "").startswith("__editable__")]
