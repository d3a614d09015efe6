"""PDF/A-2b output through a real LibreOffice: both backends (UNO helper and
`soffice --convert-to`) and `docgen render --pdf` write PDF/A-2b (XMP pdfaid part 2,
conformance B), tagged, A4, every font embedded — read back with poppler and pyHanko."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

import docgen
from docgen import pdf
from docgen.cli import main as cli
from docgen.pdf.converter import Converter
from helpers import have

pytestmark = pytest.mark.skipif(
    not (have("soffice") and have("pdfinfo") and have("pdffonts")),
    reason="LibreOffice or poppler-utils is not installed")


def xmp(data: bytes) -> str:
    """The document's XMP metadata stream (the catalog's /Metadata), as text."""
    reader = PdfFileReader(io.BytesIO(data))
    return reader.root["/Metadata"].data.decode("utf-8")


def pdfa_identification(data: bytes) -> tuple[str, str]:
    """(part, conformance) of the XMP's pdfaid schema, element or attribute form."""
    meta = xmp(data)
    found = {}
    for field in ("part", "conformance"):
        match = (re.search(rf"<pdfaid:{field}>\s*([^<\s]+)\s*</pdfaid:{field}>", meta)
                 or re.search(rf'pdfaid:{field}="([^"]+)"', meta))
        assert match, f"no pdfaid:{field} in the XMP metadata:\n{meta}"
        found[field] = match[1]
    return found["part"], found["conformance"]


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return dict(line.split(":", 1) for line in out.stdout.splitlines() if ":" in line)


def assert_pdfa_2b(data: bytes, tmp_path: Path) -> None:
    assert pdfa_identification(data) == ("2", "B")
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    info = pdfinfo(path)
    assert info["Tagged"].strip() == "yes"
    assert "(A4)" in info["Page size"]
    embedded = font_rows_embedded(path)
    assert len(embedded) >= 2  # regular and bold at least
    assert set(embedded) == {"yes"}, f"fonts not embedded: {embedded}"


def font_rows_embedded(path: Path) -> list[str]:
    """The 'emb' column of pdffonts per font, read by column position."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    header, rule, *rows = out.stdout.splitlines()
    start = header.index("emb")
    return [row[start:start + 3].strip() for row in rows]


@pytest.fixture(scope="module")
def decision_docx():
    from docgen.samples import load_sample
    return docgen.render_document("decision", load_sample("decision", "quan-son-2022"))


def test_the_uno_converter_writes_pdfa_2b(decision_docx, tmp_path):
    data = pdf.to_pdf(decision_docx)
    assert_pdfa_2b(data, tmp_path)


def test_the_batch_backend_writes_pdfa_2b(decision_docx, tmp_path):
    src = tmp_path / "d.docx"
    src.write_bytes(decision_docx)
    batch = Converter(pdf.soffice(), backend="batch")
    try:
        batch.convert(src, tmp_path / "d.pdf", pdf.TIMEOUT)
    finally:
        batch.close()
    data = (tmp_path / "d.pdf").read_bytes()
    assert_pdfa_2b(data, tmp_path)


def test_render_pdf_on_the_command_line_gives_pdfa(runner, write_json, sample, tmp_path):
    out = tmp_path / "qd.pdf"
    result = runner.invoke(cli, ["render", "decision", str(write_json(sample("decision"))),
                                 "-o", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    assert_pdfa_2b(out.read_bytes(), tmp_path)
