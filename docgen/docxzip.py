"""A minimal ZIP writer for DOCX packages: entries deflated as `zipfile` deflates them,
entries compressed once reused as they are (a template's unchanged parts), and entries
deflated while they are written (a large part never held whole in memory)."""

from __future__ import annotations

import dataclasses
import struct
import time
import zlib

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_VERSION = 20                   # deflate, as zipfile writes it
_MADE_BY = (3 << 8) | _VERSION  # Unix, as zipfile writes it on this platform
_FILE_MODE = 0o600 << 16        # zipfile's writestr default
_UTF8 = 0x800


@dataclasses.dataclass(frozen=True)
class Entry:
    """One member, compressed: its name, CRC-32, sizes and deflated data."""

    name: bytes
    flags: int
    crc: int
    size: int
    data: bytes

    @classmethod
    def of(cls, name: str, content: bytes) -> Entry:
        sink = Deflating()
        sink.write(content)
        return sink.entry(name)


class Deflating:
    """A file to `write` a member's content into, piece by piece; `entry(name)` then
    gives the member, compressed (only the compressed data is kept)."""

    def __init__(self) -> None:
        self._deflater = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self._data: list[bytes] = []
        self._crc = 0
        self._size = 0

    def write(self, content: bytes) -> int:
        self._crc = zlib.crc32(content, self._crc)
        self._size += len(content)
        self._data.append(self._deflater.compress(content))
        return len(content)

    def entry(self, name: str) -> Entry:
        self._data.append(self._deflater.flush())
        flags = 0 if name.isascii() else _UTF8
        return Entry(name.encode("utf-8"), flags, self._crc, self._size, b"".join(self._data))


class Writer:
    """Entries in the order added; `close()` returns the ZIP bytes (no ZIP64: a
    document's parts and the package stay far below 4 GiB and 65,535 entries)."""

    def __init__(self) -> None:
        now = time.localtime()
        self._date = (now.tm_year - 1980) << 9 | now.tm_mon << 5 | now.tm_mday
        self._time = now.tm_hour << 11 | now.tm_min << 5 | now.tm_sec // 2
        self._chunks: list[bytes] = []
        self._central: list[bytes] = []
        self._offset = 0

    def add(self, name: str, content: bytes) -> None:
        self.add_entry(Entry.of(name, content))

    def add_entry(self, e: Entry) -> None:
        header = _LOCAL.pack(0x04034B50, _VERSION, e.flags, zlib.DEFLATED, self._time,
                             self._date, e.crc, len(e.data), e.size, len(e.name), 0)
        self._central.append(_CENTRAL.pack(
            0x02014B50, _MADE_BY, _VERSION, e.flags, zlib.DEFLATED, self._time, self._date,
            e.crc, len(e.data), e.size, len(e.name), 0, 0, 0, 0, _FILE_MODE, self._offset)
            + e.name)
        self._chunks += (header, e.name, e.data)
        self._offset += len(header) + len(e.name) + len(e.data)

    def close(self) -> bytes:
        central = b"".join(self._central)
        count = len(self._central)
        end = _END.pack(0x06054B50, 0, 0, count, count, len(central), self._offset, 0)
        return b"".join(self._chunks) + central + end
