"""The fallback backend when no Python with `uno` is found: `soffice --convert-to` started
once per batch of files (not per file), each start on this instance's own profile."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import UserError
from .office import FAILED_MESSAGE, ProcessGroup, timeout_message

log = logging.getLogger(__name__)

# LibreOffice 7.4+ reads filter options as JSON; older versions ignore them. PDF/A-2b
# (SelectPdfVersion 2), tagged, fonts embedded: the same as uno_worker.PDF_EXPORT.
PDF_FILTER = ('pdf:writer_pdf_Export:{"EmbedStandardFonts":{"type":"boolean","value":"true"},'
              '"SelectPdfVersion":{"type":"long","value":"2"},'
              '"UseTaggedPDF":{"type":"boolean","value":"true"}}')
DOCX_FILTER = "MS Word 2007 XML"
START_ALLOWANCE = 10.0  # seconds added to a batch's time limit for LibreOffice's start-up


class BatchOffice(ProcessGroup):
    """Same interface as `Office`; a batch of n files gets n × the per-file time limit."""

    def __init__(self, soffice: str):
        self.soffice = soffice
        self.base = Path(tempfile.mkdtemp(prefix="docgen-lo-"))
        self.profile = self.base / "profile"
        self.starts = 0
        self.start_allowance = START_ALLOWANCE
        self._proc: subprocess.Popen | None = None
        self._closed = False

    def start(self) -> None:
        """Nothing to start ahead: each batch starts LibreOffice itself."""

    def convert(self, src: Path, dst: Path, timeout: float) -> None:
        self.convert_many([(src, dst)], timeout)

    def convert_many(self, pairs: list[tuple[Path, Path]], timeout: float) -> None:
        """Convert every (src, dst) pair with one LibreOffice start."""
        if self._closed:
            raise RuntimeError("this BatchOffice has been closed")
        with tempfile.TemporaryDirectory(dir=self.base) as tmp:
            inbox, outbox = Path(tmp, "in"), Path(tmp, "out")
            inbox.mkdir()
            inputs = []
            for i, (src, _) in enumerate(pairs):
                # Numbered links keep output names unique even when two sources share a name.
                link = inbox / f"{i:06d}{Path(src).suffix or '.docx'}"
                link.symlink_to(Path(src).resolve())
                inputs.append(str(link))
            cmd = [self.soffice, f"-env:UserInstallation={self.profile.as_uri()}", "--headless",
                   "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                   "--convert-to", PDF_FILTER, "--outdir", str(outbox), *inputs]
            if all(name.lower().endswith(".docx") for name in inputs):
                # Opened as DOCX only, so a broken one fails instead of printing as text.
                cmd.insert(-len(inputs), f"--infilter={DOCX_FILTER}")
            (self.profile / ".lock").unlink(missing_ok=True)
            with open(self.base / "office.log", "ab") as err:
                self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                              stdout=subprocess.DEVNULL, stderr=err,
                                              start_new_session=True)
            self.starts += 1
            try:
                self._proc.wait(self.start_allowance + timeout * len(pairs))
            except subprocess.TimeoutExpired:
                log.warning("a batch of %d passed its time limit; killing LibreOffice",
                            len(pairs))
                self._kill()
                raise UserError(timeout_message(timeout)) from None
            self._kill()  # oosplash's helpers, if any outlived it
            for i, (_, dst) in enumerate(pairs):
                out = outbox / f"{i:06d}.pdf"
                if not out.exists():
                    log.warning("LibreOffice made no PDF of %s; see %s", pairs[i][0],
                                self.base / "office.log")
                    where = f"Văn bản thứ {i + 1}: " if len(pairs) > 1 else ""
                    raise UserError(where + FAILED_MESSAGE)
                shutil.move(str(out), str(dst))

    def _kill(self) -> None:
        self._kill_group()

    def close(self, grace: float = 10.0) -> None:
        if self._closed:
            return
        self._closed = True
        self._kill()
        shutil.rmtree(self.base, ignore_errors=True)
