"""Reading produced documents back in tests: text in order, runs and their formatting."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
from docx.oxml.ns import qn

W_P, W_R, W_T, W_TAB, W_BR = qn("w:p"), qn("w:r"), qn("w:t"), qn("w:tab"), qn("w:br")


def open_docx(data: bytes):
    """A python-docx Document from bytes."""
    return docx.Document(io.BytesIO(data))


def paragraph_text(p_el) -> str:
    """The text of a w:p: runs' text, tabs and breaks (tab-stop definitions are not text)."""
    parts = []
    for el in p_el.iter(W_T, W_TAB, W_BR):
        if el.tag == W_TAB and el.getparent().tag != W_R:
            continue
        parts.append(el.text or "" if el.tag == W_T else "\t" if el.tag == W_TAB else "\n")
    # A reader sees a non-breaking hyphen (U+2011, inside document symbols) as "-".
    return "".join(parts).replace("\u2011", "-")


def texts(data: bytes, *, keep_empty: bool = False) -> list[str]:
    """Every paragraph's text of the body, tables included, in document order."""
    body = open_docx(data).element.body
    out = [paragraph_text(p) for p in body.iter(W_P)]
    return out if keep_empty else [t for t in out if t.strip()]


def full_text(data: bytes) -> str:
    return "\n".join(texts(data))


def paragraphs_with(data: bytes, needle: str):
    """python-docx paragraphs (body and table cells) whose text contains `needle`."""
    doc = open_docx(data)
    found = []

    def visit(container):
        for p in container.paragraphs:
            if needle in p.text.replace("\u2011", "-"):
                found.append(p)
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    visit(cell)

    visit(doc)
    return found


def table_rows(data: bytes, index: int = -1) -> list[list[str]]:
    """Cell texts of one body table (the last by default), row by row, merged cells once."""
    doc = open_docx(data)
    table = doc.tables[index]
    rows = []
    for tr in table._tbl.tr_lst:
        rows.append(["\n".join(paragraph_text(p) for p in tc.iter(W_P)).strip()
                     for tc in tr.tc_lst])
    return rows


def pdf_text(pdf: bytes) -> str:
    """The text pdftotext reads back from a PDF (layout order)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(src), "-"], check=True,
                                capture_output=True)
        return result.stdout.decode("utf-8")


def png_grey(data: bytes) -> list[bytes]:
    """The rows of an 8-bit, non-interlaced PNG (pdftoppm's) as grey levels 0–255 (the
    first channel), decoded here: the tests need no imaging library."""
    import struct
    import zlib
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, bytearray()
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    assert depth == 8 and interlace == 0, (depth, interlace)
    step = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    stride = width * step
    raw = zlib.decompress(bytes(idat))
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):  # undo the row's filter (PNG spec, section 9)
            a = line[i - step] if i >= step else 0
            b, c = prev[i], (prev[i - step] if i >= step else 0)
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line[::step]))
        prev = line
    return rows


def have(program: str) -> bool:
    return shutil.which(program) is not None


ADMIN_PASSWORD = "mat-khau-quan-tri-thu-nghiem"


def login(client, username: str = "admin", password: str = ADMIN_PASSWORD):
    """Sign `client` in through the login form; returns the response."""
    import re
    page = client.get("/dang-nhap").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    return client.post("/dang-nhap", data={"csrf_token": token, "username": username,
                                           "password": password})


def xlsx(rows: list[list], title: str = "Sheet1") -> bytes:
    """A workbook of one sheet holding `rows`, as bytes."""
    import openpyxl
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
