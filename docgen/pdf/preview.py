"""Page previews: the first pages of a PDF as PNG images, through poppler's pdftoppm."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import UserError

PREVIEW_TIMEOUT = 60.0  # seconds for pdftoppm

MISSING_PDFTOPPM = ("Không tìm thấy pdftoppm nên không xem trước được trang; văn bản vẫn tải "
                    "về được. Cài gói poppler-utils để xem trước.")


def pdftoppm() -> str:
    """The pdftoppm executable found on PATH; UserError when poppler-utils is missing."""
    found = shutil.which("pdftoppm")
    if not found:
        raise UserError(MISSING_PDFTOPPM)
    return found


def preview_pngs(pdf: bytes, pages: int = 2, dpi: int = 60, *,
                 timeout: float = PREVIEW_TIMEOUT) -> list[bytes]:
    """PNG images of the first `pages` pages (fewer if the PDF is shorter) at `dpi`."""
    if pages < 1 or not 10 <= dpi <= 600:
        raise ValueError("pages must be ≥ 1 and dpi between 10 and 600")
    exe = pdftoppm()
    with tempfile.TemporaryDirectory(prefix="docgen-preview-") as tmp:
        src = Path(tmp, "in.pdf")
        src.write_bytes(pdf)
        cmd = [exe, "-png", "-r", str(dpi), "-f", "1", "-l", str(pages), str(src),
               str(Path(tmp, "page"))]
        try:
            result = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                                    timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise UserError(f"Không tạo xong ảnh xem trước trong {timeout:g} giây") from None
        # Names are page-1.png or page-01.png depending on the page count: sort by number.
        images = sorted(Path(tmp).glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        if result.returncode != 0 or not images:
            raise UserError("Không tạo được ảnh xem trước: tệp PDF bị hỏng hoặc không có trang")
        return [image.read_bytes() for image in images]
