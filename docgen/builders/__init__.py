"""Builders that regenerate the shipped DOCX templates reproducibly (`python -m docgen.builders`).

The templates are ordinary DOCX files a clerk may edit in Word; these builders are how the
project makes them lay out exactly per ND30. Run after changing a builder, then commit the file.
"""

from __future__ import annotations

from pathlib import Path

from ..render import TEMPLATES_DIR
from . import decision

BUILDERS = {"decision.docx": decision.build}


def build_all(target: Path = TEMPLATES_DIR) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in BUILDERS.items():
        path = target / name
        build(path)
        written.append(path)
    return written
