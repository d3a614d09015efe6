"""DOCX → PDF through LibreOffice headless, kept running between conversions.

One module-level `Converter` serves the whole process (threads included): LibreOffice
starts on the first conversion with a profile directory of its own, stays up, and is
killed and restarted when a conversion passes its time limit or it dies. Output is PDF/A-2b
(tagged, fonts embedded: what an archive accepts).
`DOCGEN_SOFFICE` names the LibreOffice executable (default: `soffice` or
`libreoffice` on PATH); `configure(workers=2)` lets two instances convert at once.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterable
from pathlib import Path

from .. import settings
from ..errors import UserError
from .converter import Converter
from .preview import MISSING_PDFTOPPM, preview_pngs

__all__ = ["to_pdf", "to_pdf_many", "convert_file", "preview_pngs", "available", "soffice",
           "converter", "configure", "shutdown", "Converter", "MISSING", "MISSING_PDFTOPPM",
           "TIMEOUT", "LONG_TIMEOUT"]

TIMEOUT = 120  # seconds for one conversion call
LONG_TIMEOUT = 1800  # for convert_file: a merged document of 2,000 pages takes a minute or two
MAX_WORKERS = 8
MISSING = ("Không tìm thấy LibreOffice (soffice) nên không xuất được PDF; tệp DOCX "
           "vẫn dùng được. Cài gói libreoffice-writer-nogui để xuất PDF.")

_default: Converter | None = None
_default_lock = threading.Lock()


def soffice() -> str:
    """The LibreOffice executable, or a UserError saying it is not installed."""
    override = settings.SOFFICE.value()
    if override:
        if Path(override).is_file() and os.access(override, os.X_OK):
            return override
        raise UserError(f"{MISSING} (DOCGEN_SOFFICE={override} không phải tệp chạy được)")
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise UserError(MISSING)
    return found


def available() -> bool:
    """Whether PDF can be produced here (LibreOffice found), for showing PDF buttons."""
    try:
        soffice()
    except UserError:
        return False
    return True


_workers = 1


def configure(*, workers: int = 1) -> None:
    """How many LibreOffice instances may convert at once (each about 230 MB); applies to
    the next conversion (running instances are stopped)."""
    global _workers
    if not 1 <= workers <= MAX_WORKERS:
        raise ValueError(f"workers must be between 1 and {MAX_WORKERS}")
    _workers = workers
    shutdown()


def converter() -> Converter:
    """The process-wide converter; UserError when LibreOffice is not installed."""
    global _default
    exe = soffice()
    with _default_lock:
        if _default is None or _default.soffice != exe or _default.size != _workers:
            old, _default = _default, Converter(exe, size=_workers)
            if old is not None:
                old.close()
        return _default


def shutdown() -> None:
    """Stop the process-wide converter's LibreOffice instances (also run at exit)."""
    global _default
    with _default_lock:
        old, _default = _default, None
    if old is not None:
        old.close()


def _forget_in_child() -> None:
    # A forked child must not drive (or kill) its parent's LibreOffice: it starts its own.
    global _default, _default_lock
    _default, _default_lock = None, threading.Lock()


atexit.register(shutdown)
os.register_at_fork(after_in_child=_forget_in_child)


def convert_file(src: str | os.PathLike, dst: str | os.PathLike, *,
                 timeout: float = LONG_TIMEOUT) -> Path:
    """Write the PDF of the DOCX at `src` to `dst` (replaced whole, never half-written).

    Nothing passes through this process's memory, so a document of thousands of pages
    converts as well as a short one, given a long enough `timeout`.
    """
    source, target = Path(src).resolve(), Path(dst).resolve()
    if not source.is_file():
        raise UserError(f"Không tìm thấy tệp «{src}»")
    if not target.parent.is_dir():
        raise UserError(f"Thư mục «{target.parent}» không tồn tại; không ghi được «{target.name}»")
    conv = converter()
    # Named, not created (mkstemp would make it 0600): LibreOffice creates it per umask.
    tmp = target.parent / f".{target.name}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        conv.convert(source, Path(tmp), timeout)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def to_pdf(docx: bytes, *, timeout: float = TIMEOUT) -> bytes:
    """The PDF of one DOCX document (fonts embedded)."""
    return to_pdf_many([docx], timeout=timeout)[0]


def to_pdf_many(docs: Iterable[bytes], *, timeout: float = TIMEOUT) -> list[bytes]:
    """The PDFs of several DOCX documents, in order; `timeout` applies to each one.

    A failure names the document ("Văn bản thứ 3: …") and no PDF is returned.
    """
    conv = converter()
    with tempfile.TemporaryDirectory(prefix="docgen-pdf-") as tmp:
        pairs = []
        for i, docx in enumerate(docs):
            src = Path(tmp, f"{i:06d}.docx")
            src.write_bytes(docx)
            pairs.append((src, Path(tmp, f"{i:06d}.pdf")))
        if not pairs:
            return []
        conv.convert_many(pairs, timeout)
        return [dst.read_bytes() for _, dst in pairs]
