"""Writing results to disk so a failure never leaves a half-written file behind."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO
from collections.abc import Iterator

from .errors import UserError


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """A file to stream into; it replaces `path` only when the block succeeds.

    On Linux the file has no name until it is complete (O_TMPFILE), so even a process
    killed half-way leaves nothing behind; elsewhere a hidden temporary file is used.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"Thư mục «{folder}» không tồn tại; không ghi được «{target.name}»")
    anonymous = _anonymous_file(folder)
    if anonymous is not None:
        with _publish(anonymous, folder, target) as fh:
            yield fh
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UserError(f"Không ghi được vào thư mục «{folder}»: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w+b") as fh:
            yield fh
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes 0600; honour the umask
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise UserError(f"Không ghi được tệp «{target}»: {exc.strerror}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _anonymous_file(folder: Path) -> int | None:
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        return None
    try:
        return os.open(folder, flag | os.O_RDWR, 0o666 & ~current_umask())
    except OSError:  # a file system without O_TMPFILE support
        return None


@contextlib.contextmanager
def _publish(fd: int, folder: Path, target: Path) -> Iterator[BinaryIO]:
    """Stream into the unnamed file `fd`, then give it a name and rename it onto `target`."""
    with os.fdopen(fd, "w+b") as fh:
        yield fh
        fh.flush()
        temp = folder / f".{target.name}.{os.getpid()}.{id(fh):x}.tmp"
        try:
            try:
                os.link(f"/proc/self/fd/{fh.fileno()}", temp, follow_symlinks=True)
            except OSError:  # some file systems (overlays) cannot name such a file: copy it
                fh.seek(0)
                with open(temp, "xb") as named:
                    shutil.copyfileobj(fh, named, 1 << 20)
            os.replace(temp, target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise UserError(f"Không ghi được tệp «{target}»: {exc.strerror}") from None


def write_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `path` through a temporary file renamed into place."""
    with atomic_output(path) as fh:
        fh.write(data)
    return Path(path)
