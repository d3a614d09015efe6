"""Builders that regenerate the shipped DOCX templates reproducibly (`python -m docgen.builders`).

The templates are ordinary DOCX files a clerk may edit in Word; these builders are how the
project makes them lay out exactly per ND30. Each module here with `TEMPLATE` (a file name)
and `build(path)` makes one template. Run after changing a builder, then commit the file.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from collections.abc import Callable

from ..render import TEMPLATES_DIR


def builders() -> dict[str, Callable[[Path], None]]:
    """Template file name -> its build function."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "TEMPLATE") and hasattr(module, "build"):
            found[module.TEMPLATE] = module.build
    return found


def build_all(target: Path = TEMPLATES_DIR, only: list[str] | None = None) -> list[Path]:
    """Build every template (or those named in `only`) into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in sorted(builders().items()):
        if only and name not in only and name.removesuffix(".docx") not in only:
            continue
        path = target / name
        build(path)
        written.append(path)
    return written
