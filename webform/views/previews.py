"""Pages and PDFs a request waits for, made by a job (docgen.jobs.preview) where
LibreOffice is: this process when it runs workers, else a `docgen worker`. Preview images
are cached per content in the instance folder, in front of the job."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import current_app, g, render_template

from docgen.jobs.preview import content, pages_of

from . import jobs
from .uploads import DiskFull, is_disk_full, write_atomic


def _wait() -> float | None:
    return current_app.config.get("JOB_WAIT")


def run(kind: str, payload: dict, title: str) -> bytes:
    """The output of a `kind` job run for the signed-in user; UserError (NoWorker: none
    answered in time) when there is none."""
    return jobs().run_and_wait(g.user.id, kind, payload, timeout=_wait(), title=title)


def previews(data: bytes, count: int = 2, *, pdf: bool = False) -> list[Path]:
    """PNG images of the first pages of `data` (a DOCX; a PDF when `pdf`: a signed
    document's, stamps included), from the cache or made by a `preview_pages` job;
    UserError when LibreOffice or poppler is missing or fails, NoWorker when no worker
    answered."""
    digest = hashlib.sha256(data).hexdigest()[:24]
    folder = Path(current_app.instance_path) / "previews"
    done = folder / f"{digest}.done"
    if not done.exists():
        pages = pages_of(run("preview_pages", {"content": content(data), "pdf": pdf,
                                               "pages": count, "dpi": 60},
                             "Ảnh xem trước"))
        # Each image through a temporary name, the marker last: a full disk leaves no
        # truncated image and no marker, and says so on the page instead of a 500.
        try:
            folder.mkdir(exist_ok=True)
            for i, png in enumerate(pages, 1):
                write_atomic(folder / f"{digest}-{i}.png", png, "ảnh xem trước")
            write_atomic(done, str(len(pages)).encode(), "ảnh xem trước")
        except OSError as exc:
            if is_disk_full(exc):
                raise DiskFull("ảnh xem trước") from None
            raise
    return [folder / f"{digest}-{i}.png" for i in range(1, int(done.read_text()) + 1)]


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
