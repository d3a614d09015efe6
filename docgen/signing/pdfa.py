"""Whether a PDF is PDF/A, and whether signing kept it so: the catalog's XMP identification
(pdfaid part and conformance) and its PDF/A output intent, in the first and the last
revision of the file."""

from __future__ import annotations

import io
import re
from typing import NamedTuple

from pyhanko.pdf_utils.reader import PdfFileReader


class PdfA(NamedTuple):
    part: str | None         # "2"; None: not declared
    conformance: str | None  # "B"
    output_intent: bool      # a /GTS_PDFA1 output intent in the catalog

    @property
    def label(self) -> str:
        return f"PDF/A-{self.part}{(self.conformance or '').lower()}" if self.part else ""


def _identification(root) -> PdfA:
    try:
        meta = root["/Metadata"].data.decode("utf-8", "replace")
    except (KeyError, AttributeError, TypeError):
        meta = ""
    found = {}
    for field in ("part", "conformance"):
        match = (re.search(rf"<pdfaid:{field}>\s*([^<\s]+)\s*</pdfaid:{field}>", meta)
                 or re.search(rf'pdfaid:{field}\s*=\s*["\']([^"\']+)["\']', meta))
        found[field] = match[1] if match else None
    try:
        intent = any(str(i.get_object().get("/S")) == "/GTS_PDFA1"
                     for i in root["/OutputIntents"])
    except (KeyError, AttributeError, TypeError):
        intent = False
    return PdfA(found["part"], found["conformance"], intent)


def _first_revision(data: bytes) -> PdfA:
    """The identification of the file as first written: the bytes up to the first %%EOF
    that read as a whole PDF (an incremental update only appends)."""
    at = data.find(b"%%EOF")
    while at != -1:
        try:
            return _identification(
                PdfFileReader(io.BytesIO(data[:at + 5]), strict=False).root)
        except Exception:  # a linearised file's first part: try the next end
            at = data.find(b"%%EOF", at + 5)
    return PdfA(None, None, False)


def pdfa_status(data: bytes) -> tuple[PdfA, PdfA]:
    """(the first revision's identification, the last revision's) of the PDF `data`."""
    last = _identification(PdfFileReader(io.BytesIO(data), strict=False).root)
    return _first_revision(data), last


def pdfa_lines(first: PdfA, last: PdfA) -> tuple[str, str | None]:
    """(the line verify prints, a problem or None): a file that was PDF/A before signing
    must still say so, with its output intent, after."""
    if not first.part:
        if last.part:
            return f"Định dạng lưu trữ: {last.label} (khai báo sau khi tạo tệp)", None
        return "Định dạng lưu trữ: không phải PDF/A (không có khai báo pdfaid trong XMP)", None
    if (last.part, last.conformance) != (first.part, first.conformance) or \
            (first.output_intent and not last.output_intent):
        what = last.label or "không còn khai báo PDF/A"
        return (f"Định dạng lưu trữ: KHÔNG CÒN {first.label} sau khi ký ({what})",
                f"tệp là {first.label} trước khi ký nhưng lần cập nhật sau đã làm mất khai "
                "báo PDF/A (XMP pdfaid hoặc output intent)")
    return (f"Định dạng lưu trữ: {last.label} — vẫn giữ sau khi ký (XMP pdfaid phần "
            f"{last.part}, mức {last.conformance}"
            + (", output intent PDF/A" if last.output_intent else "") + ")"), None
