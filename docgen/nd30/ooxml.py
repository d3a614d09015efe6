"""Reading the parts of a DOCX package as lxml trees (no python-docx, no rendering)."""

from __future__ import annotations

import io
import os
import posixpath
import zipfile
from typing import BinaryIO

from lxml import etree

from docgen.errors import UserError

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
REL_OFFICE_DOCUMENT = _REL + "officeDocument"
REL_STYLES = _REL + "styles"
REL_THEME = _REL + "theme"
REL_HEADER = _REL + "header"
REL_FOOTER = _REL + "footer"

Source = str | os.PathLike | bytes | bytearray | BinaryIO

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def qn(name: str) -> str:
    """Clark name of a prefixed name: qn("w:p") -> "{http://…/main}p"."""
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def wattr(el, name: str):
    """Value of the w:-namespaced attribute `name` of `el`, or None (el may be None)."""
    return None if el is None else el.get(f"{{{NS['w']}}}{name}")


class NotADocx(UserError):
    """The file given to the checker is not a readable DOCX package."""


class Package:
    """The parts of one DOCX: the main document part and the parts it relates to."""

    def __init__(self, source: Source):
        try:
            with zipfile.ZipFile(_as_zip_input(source)) as archive:
                self._parts = {name: archive.read(name) for name in archive.namelist()
                               if name.endswith((".xml", ".rels"))}
        except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
            raise NotADocx(f"Không đọc được tệp DOCX: {exc}") from exc
        self.main_name = self._main_part_name()
        self.document = self.xml(self.main_name)
        self.relations = self._relations(self.main_name)
        if self.document is None or self.document.tag != qn("w:document"):
            raise NotADocx("Tệp không phải văn bản Word (thiếu phần word/document.xml)")

    def xml(self, name: str | None):
        """The parsed part `name`, alternate-content fallbacks removed; None if absent."""
        data = self._parts.get(name) if name else None
        if data is None:
            return None
        try:
            root = etree.fromstring(data, _PARSER)
        except (etree.XMLSyntaxError, ValueError) as exc:
            raise NotADocx(f"Không đọc được phần {name} của tệp DOCX: {exc}") from exc
        if b"Fallback" not in data:
            return root
        for fallback in list(root.iter(qn("mc:Fallback"))):
            fallback.getparent().remove(fallback)
        return root

    def related(self, rel_type: str) -> str | None:
        """Name of the first part related to the main part by `rel_type`, or None."""
        return next((t for t, kind in self.relations.values() if kind == rel_type), None)

    def target(self, rel_id: str) -> str | None:
        """Name of the part that relationship `rel_id` of the main part points to."""
        found = self.relations.get(rel_id)
        return found[0] if found else None

    def _main_part_name(self) -> str:
        rels = self.xml("_rels/.rels")
        if rels is not None:
            for rel in rels.iter(f"{{{NS['pr']}}}Relationship"):
                if rel.get("Type") == REL_OFFICE_DOCUMENT:
                    return rel.get("Target").lstrip("/")
        return "word/document.xml"

    def _relations(self, part: str) -> dict[str, tuple[str, str]]:
        folder, base = posixpath.split(part)
        rels = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        found = {}
        if rels is None:
            return found
        for rel in rels.iter(f"{{{NS['pr']}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target", "")
            name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target))
            found[rel.get("Id")] = (name, rel.get("Type"))
        return found


def _as_zip_input(source: Source):
    if isinstance(source, (bytes, bytearray)):
        return io.BytesIO(bytes(source))
    if isinstance(source, (str, os.PathLike)):
        return os.fspath(source)
    if hasattr(source, "read"):
        return source if hasattr(source, "seek") else io.BytesIO(source.read())
    raise TypeError(f"check() needs a path, bytes or a binary file, not {type(source).__name__}")
