"""Where the ND30 signature images go (Phụ lục I mục II.7–8): the signature block found in
the PDF's text with poppler's `pdftotext -bbox-layout`, and the boxes derived from it.
Boxes are PDF user-space (x0, y0, x1, y1), origin at the bottom left, in points."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from ..errors import UserError

MM = 72 / 25.4
SEAL_MM = 40.0  # a seal's real diameter when its PNG does not say (36–42 mm in practice)
SEAL_RANGE_MM = (30.0, 50.0)
SIGNATURE_MAX_WIDTH = 150.0  # points: the signer's image at most ~53 mm wide
STAMP_SIZE = (240.0, 30.0)  # the attachment stamp's box, top right of the first page
STAMP_RIGHT = 20 * MM  # right margin
STAMP_TOP = 6 * MM  # from the top edge, in the top margin
MISSING_POPPLER = ("Không tìm thấy pdftotext (gói poppler-utils) nên không xác định được "
                   "vị trí khối chữ ký trong văn bản.")
RECIPIENTS = "nơi nhận"

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Line:
    text: str
    x0: float
    top: float  # from the top of the page, as pdftotext gives it
    x1: float
    bottom: float


@dataclass(frozen=True)
class Block:
    """The signature block: its page (0-based), the title line above and the name below."""

    page: int
    page_size: tuple[float, float]
    title: Line
    name: Line

    @property
    def centre_x(self) -> float:
        return (self.title.x0 + self.title.x1 + self.name.x0 + self.name.x1) / 4

    @property
    def gap(self) -> Box:
        """The space between title and name, in PDF coordinates."""
        height = self.page_size[1]
        return (min(self.title.x0, self.name.x0), height - self.name.top,
                max(self.title.x1, self.name.x1), height - self.title.bottom)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text)).strip().casefold()


def pages(pdf: Path) -> list[tuple[tuple[float, float], list[Line]]]:
    """Each page's (width, height) and text lines, read with `pdftotext -bbox-layout`."""
    if shutil.which("pdftotext") is None:
        raise UserError(MISSING_POPPLER)
    out = subprocess.run(["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(pdf), "-"],
                         capture_output=True, check=False)
    if out.returncode != 0:
        raise UserError(f"Không đọc được nội dung tệp PDF «{Path(pdf).name}».")
    text = re.sub(r'\sxmlns="[^"]+"', "", out.stdout.decode("utf-8"), count=1)
    start, end = text.find("<doc"), text.rfind("</doc>")
    root = ET.fromstring(text[start:end + len("</doc>")])
    found = []
    for page in root.iter("page"):
        lines = [Line(" ".join(w.text or "" for w in line.iter("word")),
                      float(line.get("xMin")), float(line.get("yMin")),
                      float(line.get("xMax")), float(line.get("yMax")))
                 for line in page.iter("line")]
        found.append(((float(page.get("width")), float(page.get("height"))), lines))
    return found


def signature_block(pdf: Path, signer: str | None = None) -> Block:
    """The ND30 footer's signature block (box 7): on the last page that holds «Nơi nhận»,
    the right-hand column's name line (the one reading `signer` if given, else its last
    line) and the title line just above it. UserError when there is none."""
    found = pages(pdf)
    for index in reversed(range(len(found))):
        (width, height), lines = found[index]
        anchors = [line for line in lines if _fold(line.text).startswith(RECIPIENTS)]
        if not anchors:
            continue
        anchor = anchors[-1]
        column = sorted((line for line in lines
                         if line.x0 > width * 0.45 and line.bottom > anchor.top - 40),
                        key=lambda line: line.top)
        names = [line for line in column if signer and _fold(line.text) == _fold(signer)]
        name = names[-1] if names else (column[-1] if column else None)
        above = [line for line in column if name and line.bottom <= name.top + 1]
        if name is None or not above:
            break
        return Block(index, (width, height), above[-1], name)
    raise UserError(f"Không tìm thấy khối chữ ký (chức vụ và họ tên người ký dưới «Nơi nhận») "
                    f"trong tệp «{Path(pdf).name}».")


def fit(size: tuple[float, float], max_w: float, max_h: float) -> tuple[float, float]:
    """`size` scaled to fit in max_w × max_h, keeping its proportions."""
    scale = min(max_w / size[0], max_h / size[1])
    return size[0] * scale, size[1] * scale


def signature_box(block: Block, image_size: tuple[int, int]) -> Box:
    """The signer's image centred between title and name (box 7c)."""
    x0, y0, x1, y1 = block.gap
    w, h = fit(image_size, SIGNATURE_MAX_WIDTH, max(y1 - y0 - 4, 10))
    cx, cy = block.centre_x, (y0 + y1) / 2
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def seal_box(signature: Box, diameter: float) -> Box:
    """The seal over the left third of the signer's image (box 8), centred on it vertically."""
    sx0, sy0, sx1, sy1 = signature
    right = sx0 + (sx1 - sx0) / 3
    cy = (sy0 + sy1) / 2
    return (right - diameter, cy - diameter / 2, right, cy + diameter / 2)


def stamp_box(page_size: tuple[float, float]) -> Box:
    """The attachment stamp at the top right of the first page."""
    width, height = page_size
    w, h = STAMP_SIZE
    return (width - STAMP_RIGHT - w, height - STAMP_TOP - h, width - STAMP_RIGHT,
            height - STAMP_TOP)


def seal_diameter(dpi: tuple[float, float] | None, size: tuple[int, int]) -> float:
    """The seal's diameter in points: from the PNG's resolution when it gives a real size
    in 30–50 mm, else 40 mm."""
    if dpi and dpi[0] > 0:
        mm = size[0] / dpi[0] * 25.4
        if SEAL_RANGE_MM[0] <= mm <= SEAL_RANGE_MM[1]:
            return mm * MM
    return SEAL_MM * MM


def overlap_fraction(seal: Box, signature: Box) -> float:
    """The share of the signer's image width that the seal covers."""
    covered = min(seal[2], signature[2]) - max(seal[0], signature[0])
    return max(covered, 0.0) / (signature[2] - signature[0])
