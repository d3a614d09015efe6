"""DOCX -> PDF through LibreOffice headless, with its own profile and a time limit."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import UserError

TIMEOUT = 120  # seconds for one conversion call


def soffice() -> str:
    """The LibreOffice executable, or a UserError saying it is not installed."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise UserError("Không tìm thấy LibreOffice (soffice) nên không xuất được PDF; tệp DOCX "
                        "vẫn dùng được. Cài gói libreoffice-writer-nogui để xuất PDF.")
    return found


def to_pdf(docx: bytes, *, timeout: float = TIMEOUT) -> bytes:
    """The PDF of one DOCX document (fonts embedded by LibreOffice's PDF export)."""
    exe = soffice()
    with tempfile.TemporaryDirectory(prefix="docgen-pdf-") as tmp:
        work = Path(tmp)
        src = work / "document.docx"
        src.write_bytes(docx)
        profile = (work / "profile").as_uri()
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work), str(src)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise UserError(f"LibreOffice không chuyển xong sang PDF trong {timeout:g} giây") \
                from None
        out = work / "document.pdf"
        if not out.exists():
            raise UserError("LibreOffice không tạo được tệp PDF từ văn bản này")
        return out.read_bytes()
