"""Short jobs a page waits for (Queue.run_and_wait): a stored document's PDF
(`document_pdf`) and the PNG images of a document's first pages (`preview_pages`). They
run where LibreOffice is — a `docgen worker`, or the web process when it runs workers."""

from __future__ import annotations

import base64
import io
import zipfile

from ..errors import UserError
from .runner import Work, handler

GONE = "Văn bản này không còn trong sổ văn bản đi nên không tạo được PDF."


def content(data: bytes) -> str:
    """Bytes as the text a job's JSON payload carries."""
    return base64.b64encode(data).decode("ascii")


@handler("document_pdf")
def document_pdf(work: Work) -> None:
    """The PDF of the register's document `document` (its stored DOCX, as issued)."""
    from .. import pdf, store as q
    with work.board.store.session(readonly=True) as s:
        doc = q.get_document(s, int(work.input["document"]))
        if doc is None:
            raise UserError(GONE)
        docx = doc.docx
    work.stage = "Đang chuyển sang PDF (LibreOffice)"
    path = work.folder / "document.pdf"
    path.write_bytes(pdf.to_pdf(docx))
    work.mimetype, work.download_name = "application/pdf", "document.pdf"
    work.file = path


@handler("preview_pages")
def preview_pages(work: Work) -> None:
    """PNG images of the first `pages` pages at `dpi` of `content` (a DOCX, or a PDF when
    `pdf`), as a ZIP of page-1.png, page-2.png…"""
    from .. import pdf
    p = work.input
    data = base64.b64decode(p["content"])
    work.stage = "Đang tạo ảnh xem trước"
    images = pdf.preview_pngs(data if p.get("pdf") else pdf.to_pdf(data),
                              pages=int(p.get("pages", 2)), dpi=int(p.get("dpi", 60)))
    path = work.folder / "pages.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:  # PNGs are compressed
        for i, png in enumerate(images, 1):
            archive.writestr(f"page-{i}.png", png)
    work.mimetype, work.download_name = "application/zip", "pages.zip"
    work.file = path


def pages_of(archive: bytes) -> list[bytes]:
    """The PNG images of a `preview_pages` output, in page order."""
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        names = sorted(z.namelist(), key=lambda n: int(n.split("-")[1].split(".")[0]))
        return [z.read(n) for n in names]
