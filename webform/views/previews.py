"""Pages and PDFs a request waits for, made by a job (docgen.jobs.preview) where
LibreOffice is: this process when it runs workers, else a `docgen worker`. Preview images
are kept per content in the database, in front of the job, so that the page made by one web
process and its images asked of another find them made once (docgen.store.kept_files)."""

from __future__ import annotations

import hashlib

from flask import current_app, g, render_template
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from docgen.jobs.preview import content, pages_of
from docgen.store import kept_files

from . import jobs, store
from .uploads import refused, sweep

# Images are made again from the document after this long (the sweep deletes them); the key
# is the content's digest, so an edited or issued document gets new images at once.
KEEP_SECONDS = 14 * 24 * 3600
WHAT = "ảnh xem trước"


def _wait() -> float | None:
    return current_app.config.get("JOB_WAIT")


def run(kind: str, payload: dict, title: str) -> bytes:
    """The output of a `kind` job run for the signed-in user; UserError (NoWorker: none
    answered in time) when there is none."""
    return jobs().run_and_wait(g.user.id, kind, payload, timeout=_wait(), title=title)


def previews(data: bytes, count: int = 2, *, pdf: bool = False) -> list[bytes]:
    """PNG images of the first pages of `data` (a DOCX; a PDF when `pdf`: a signed
    document's, stamps included), kept in the database or made by a `preview_pages` job;
    UserError when LibreOffice or poppler is missing or fails (DiskFull or NotKept when the
    database refuses to keep or give them), NoWorker when no worker answered."""
    key = f"{hashlib.sha256(data).hexdigest()[:24]}-{count}{'-pdf' if pdf else ''}"
    try:
        archive = kept_files.get(store(), kept_files.PREVIEW, key, owner_id=None)
    except SQLAlchemyError as exc:
        raise refused(exc, WHAT, "đọc") from None
    if archive is None:
        archive = run("preview_pages", {"content": content(data), "pdf": pdf, "pages": count,
                                        "dpi": 60}, "Ảnh xem trước")
        try:
            sweep()
            kept_files.put(store(), kept_files.PREVIEW, key, archive, owner_id=None,
                           keep_seconds=KEEP_SECONDS)
        except IntegrityError:
            pass  # another web process kept the same images meanwhile
        except SQLAlchemyError as exc:
            raise refused(exc, WHAT) from None
    return pages_of(archive)


def document_pdf(doc_id: int) -> bytes:
    """The PDF of a register document (not a signed one: that PDF is served as signed)."""
    return run("document_pdf", {"document": doc_id}, f"PDF văn bản {doc_id}")


def available() -> bool:
    """Whether PDFs and previews can be made: LibreOffice here, or workers elsewhere
    (a web process with no workers of its own leaves them to `docgen worker`)."""
    from docgen import pdf as pdfmod
    return not jobs().autostart or pdfmod.available()


def no_worker(exc):
    """The 503 page: no worker made the PDF or preview in time."""
    return render_template("error.html", title="Chưa có máy xử lý",
                           message=exc.message), 503
