"""The files that travel in the wheel — templates, samples, data — found with
`importlib.resources` (never by walking up from a module or in the current folder)."""

from __future__ import annotations

from pathlib import Path

TEMPLATES = "templates_docx"  # the top-level package holding the DOCX templates
SAMPLES = "samples"           # the top-level package holding the sample district


def _folder(package: str, *parts: str) -> Path:
    from importlib import resources  # 10 ms of imports (zipfile, tempfile) not every command needs
    ref = resources.files(package).joinpath(*parts)
    # Wheels install unpacked, so files() is a real folder; a zip import is not supported.
    if not isinstance(ref, Path):
        raise RuntimeError(f"docgen needs {package} installed as files, not {type(ref).__name__}")
    return ref


def templates_dir() -> Path:
    """The folder of the shipped templates (templates_docx/)."""
    return _folder(TEMPLATES)


def samples_dir() -> Path:
    """The folder of the shipped samples (samples/)."""
    return _folder(SAMPLES)


def data_file(name: str) -> Path:
    """A data file shipped inside the docgen package (docgen/data/NAME): this module's own
    package, whose folder is known without importlib.resources."""
    return Path(__file__).resolve().with_name("data") / name
