"""docxtpl's `DocxTemplate`, reused between renders, with a step skipped or done otherwise
only where a cheap proof shows the output cannot differ from what docxtpl's own step gives.

`Template` keeps `patch_xml` of a template part (the same on every render) and skips
`resolve_listing` when the text holds no tab, line or page break (it only rewrites those).
`Reusable` is opened once and put back to its pristine state before each render, writes
its package with `docgen.docxzip` (the unchanged parts compressed once), parses the
rendered body inside its document (`fix_tables` and `map_tree` below), skipping docxtpl's
table fixing when XPath shows it would change nothing, and renders a header or footer
without Jinja once.
"""

from __future__ import annotations

import copy
import functools
from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem
from docx.oxml.parser import element_class_lookup
from docxtpl import DocxTemplate
from lxml import etree

from . import docxzip

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": W_NS}
_PROBE = "docgen-body-probe"    # stands for the body's content in the serialised shell
# docxtpl's `fix_tables` changes a table's grid only when one of its rows (nested tables'
# rows included) has more cells than the grid has columns, or when no row's cells (with
# their spans) fill all the columns; it fails on a span `int()` refuses. Without nested
# tables, a row's table is its nearest: one walk of the body (in C) finds every row that
# has too many cells or an odd span; a full row is looked for among the first rows first.
_TABLES = etree.XPath("descendant::w:tbl", namespaces=_NS)
_ODD = "w:tc/w:tcPr[1]/w:gridSpan[1][not(@w:val) or translate(@w:val, '0123456789', '') != ''" \
    " or string-length(@w:val) = 0]"
_BAD_ROW = etree.XPath("boolean(descendant::w:tr[count(w:tc) > count(ancestor::w:tbl[1]/"
                       f"w:tblGrid[1]/w:gridCol) or {_ODD}])", namespaces=_NS)
_FULL = "count(w:tc[not(w:tcPr[1]/w:gridSpan)]) + sum(w:tc/w:tcPr[1]/w:gridSpan[1]/@w:val) >= $n"
_FULL_ROW = etree.XPath(f"boolean(w:tr[position() <= 2][{_FULL}]) or boolean(w:tr[{_FULL}])"
                        f" or boolean(descendant::w:tr[{_FULL}])", namespaces=_NS)


class NotReusable(Exception):
    """A template rendered through a fresh DocxTemplate every time."""


class Template(DocxTemplate):
    """docxtpl's template, without repeating two pure text passes for nothing: the
    `patch_xml` of a template part (the same on every render) is kept, and
    `resolve_listing` is skipped for XML holding no tab, line or page break (it only
    rewrites those)."""

    def patch_xml(self, src_xml: str) -> str:
        return _patched(src_xml)

    def resolve_listing(self, xml: str) -> str:
        if "\t" in xml or "\n" in xml or "\a" in xml or "\f" in xml:
            return super().resolve_listing(xml)
        return xml


@functools.lru_cache(maxsize=128)
def _patched(src_xml: str) -> str:
    return DocxTemplate.patch_xml(None, src_xml)    # it does not use its instance


class Reusable(Template):
    """A template opened once and reused: before each render, `init_docx` puts back
    what docxtpl's render changes (the body, header and footer targets, the core
    properties, footnotes) instead of opening the whole package again."""

    def init_docx(self, reload: bool = True):
        if self.docx is None:
            super().init_docx()
            self._remember()
        elif self.is_rendered and reload:
            self._restore()
            self.is_rendered = False

    def _remember(self) -> None:
        doc = self.docx
        self._body_xml = self.xml_to_string(doc.element.body)
        self._shell = copy.deepcopy(doc.element)
        self._shell.body.clear()
        self._targets = [(rel, rel.target_part) for rel in doc.part.rels.values()
                         if rel.reltype in (self.HEADER_URI, self.FOOTER_URI)]
        core = [rel.target_part for rel in doc.part.package.rels.values()
                if rel.reltype == RT.CORE_PROPERTIES]
        if not core:
            # python-docx would add a default one stamped with the time of each render.
            raise NotReusable
        self._core, self._core_xml = core[0], copy.deepcopy(core[0].element)
        self._footnotes = [(part, part.blob) for part in doc.part.package.parts
                           if part.content_type == CT.WML_FOOTNOTES]
        # The parts the render leaves as loaded (header and footer parts are replaced
        # by new ones, not changed): each is compressed once, then its entry reused.
        changing = {id(doc.part), id(self._core)} | {id(p) for p, _ in self._footnotes}
        self._kept = {id(p): p for p in doc.part.package.parts if id(p) not in changing}
        self._entries: dict[Any, docxzip.Entry] = {}
        self._frame = _frame(self._shell, self._body_xml)
        self._parsed: etree._Element | None = None
        # Parts without Jinja (the shipped headers): rendered once, their new part reused.
        self._part_xml: dict[int, tuple[Any, str]] = {}
        self._constant: dict[str, str] = {}
        self._constant_bytes: set[bytes] = set()
        self._constant_parts: dict[tuple[str, bytes], Any] = {}

    def _restore(self) -> None:
        # A fresh document element with an empty body: docxtpl's render reads the body
        # only through `get_xml` (the template's, kept as text) and replaces it whole.
        # Taking the rendered body out of the old element again would cost more than a
        # render (lxml reconciles its namespaces node by node); dropping the element doesn't.
        part = self.docx.part
        part._element = copy.deepcopy(self._shell)
        self.docx = part.document
        for rel, target in self._targets:
            rel._target = target
        self._core._element = copy.deepcopy(self._core_xml)
        for part, blob in self._footnotes:
            part._blob = blob
        self._parsed = None

    def get_xml(self) -> str:
        return self._body_xml

    # A header, footer or footnotes part whose XML holds no Jinja delimiter renders to
    # the same text whatever the context: docxtpl's steps run once for it, then their
    # result is reused (the template's part, its new part, that part's compressed entry).

    def get_part_xml(self, part) -> str:
        hit = self._part_xml.get(id(part))
        if hit is None or hit[0] is not part:
            hit = self._part_xml[id(part)] = part, super().get_part_xml(part)
        return hit[1]

    def render_xml_part(self, src_xml, part, context, jinja_env=None):
        if part is self.docx._part or "{{" in src_xml or "{%" in src_xml or "{#" in src_xml:
            return super().render_xml_part(src_xml, part, context, jinja_env)
        out = self._constant.get(src_xml)
        if out is None:
            out = super().render_xml_part(src_xml, part, context, jinja_env)
            if len(self._constant) < 64:
                self._constant[src_xml] = out
                self._constant_bytes.add(out.encode("utf-8"))   # as docxtpl encodes it
        self.current_rendering_part = part
        return out

    def map_headers_footers_xml(self, rel_key, xml) -> None:
        if xml not in self._constant_bytes:
            return super().map_headers_footers_xml(rel_key, xml)
        new = self._constant_parts.get((rel_key, xml))
        if new is None:
            super().map_headers_footers_xml(rel_key, xml)
            new = self._constant_parts[rel_key, xml] = self.docx._part.rels[rel_key]._target
            self._kept[id(new)] = new
        self.docx._part.rels[rel_key]._target = new

    # docxtpl parses the rendered body alone (`fix_tables`), then moves it into the
    # document (`map_tree`), which makes lxml visit every node again to reconcile its
    # namespaces. Here the body is parsed in place, between the document's own start and
    # end (the shell as docxtpl would leave it), with the parser docxtpl uses; when that
    # parse reports nothing (well-formed, so no recovery happened) and no table would be
    # fixed, it is the tree docxtpl builds. Otherwise docxtpl's own steps run.

    def build_xml(self, context, jinja_env=None):
        xml = super().build_xml(context, jinja_env)
        if self._frame is None or not xml.startswith(self._frame[0]) or "docPr" in xml:
            return xml      # drawings: docxtpl's fix_docpr_ids wants a tree of its own
        try:
            return _InPlace(xml, *self._frame)  # handed only to `fix_tables` below
        except UnicodeEncodeError:
            return xml

    def fix_tables(self, xml):
        if isinstance(xml, _InPlace):
            body = xml.parse()
            if body is not None and not _fixes_tables(body):
                self._parsed = body
                xml.drop()      # the tree is built: its text is no longer needed
                return body
            xml = xml.text()
        return super().fix_tables(xml)

    def fix_docpr_ids(self, tree) -> None:
        if tree is not self._parsed:    # parsed in place only without drawings to number
            super().fix_docpr_ids(tree)

    def map_tree(self, tree) -> None:
        if tree is not self._parsed:
            return super().map_tree(tree)
        part = self.docx.part
        part._element = tree.getparent()
        self.docx = part.document

    def _parsed_part(self):
        """The document part when its element is the one parsed in place (it has no
        sibling: the text around the body is a serialised element)."""
        return self.docx.part if self._parsed is not None and \
            self.docx.part._element is self._parsed.getparent() else None

    def package_bytes(self) -> bytes:
        """The rendered package, as python-docx's `save` writes it (same entries in the
        same order, same content types), with each unchanged part compressed only once."""
        if self.pics_to_replace or self.crc_to_new_media or self.crc_to_new_embedded \
                or self.zipname_to_replace:
            raise NotReusable      # docxtpl's save post-processes those; never used here
        package = self.docx.part.package
        parts = list(package.iter_parts())
        writer = docxzip.Writer()
        types = tuple((p.partname, p.content_type) for p in parts)
        writer.add_entry(self._cached(types, lambda: (
            CONTENT_TYPES_URI.membername, _ContentTypesItem.from_parts(parts).blob)))
        writer.add_entry(self._rels(PACKAGE_URI, package.rels))
        for part in parts:
            if self._kept.get(id(part)) is part:
                writer.add_entry(self._cached(
                    id(part), lambda p=part: (p.partname.membername, p.blob)))
            elif part is self._parsed_part():
                # Its `blob` (`etree.tostring`), deflated while written: the same bytes
                # when the document element has no sibling (comments, instructions).
                sink = docxzip.Deflating()
                etree.ElementTree(part._element).write(sink, encoding="UTF-8", standalone=True)
                writer.add_entry(sink.entry(part.partname.membername))
            else:
                writer.add(part.partname.membername, part.blob)
            if len(part.rels):
                writer.add_entry(self._rels(part.partname, part.rels))
        return writer.close()

    def _rels(self, source, rels) -> docxzip.Entry:
        # What the rels item holds: the target part's name stands for its relative ref.
        key = (source, tuple((r.rId, r.reltype, r.is_external,
                              r._target if r.is_external else r._target.partname)
                             for r in rels.values()))
        return self._cached(key, lambda: (source.rels_uri.membername, rels.xml))

    def _cached(self, key, make) -> docxzip.Entry:
        """The compressed entry for `key` (the id of a part left as loaded, or all that
        determines a generated item), made from `make() -> (name, content)` once."""
        entry = self._entries.get(key)
        if entry is None:
            if len(self._entries) > 256:    # keys that vary from render to render
                self._entries = {k: v for k, v in self._entries.items() if type(k) is int}
            entry = self._entries[key] = docxzip.Entry.of(*make())
        return entry


class _InPlace:
    """A rendered body as the document to parse: UTF-8, between the text before and after
    it (half the memory of the body's text, which is dropped)."""

    def __init__(self, xml: str, start: str, before: bytes, after: bytes, children: int):
        self._children = children       # the document element's, as docxtpl leaves them
        body = memoryview(xml.encode("utf-8"))[len(start.encode("utf-8")):]
        self._start, self._data = start, b"".join((before, body, after))
        self._span = len(before), len(self._data) - len(after)

    def parse(self):
        """The body parsed in place (python-docx's element classes), or None if the
        parser had to recover from anything."""
        parser = etree.XMLParser(recover=True)      # docxtpl's fix_tables parser
        parser.set_element_class_lookup(element_class_lookup)
        root = etree.fromstring(self._data, parser)
        if len(parser.error_log) or root is None or len(root) != self._children:
            return None     # (text closing the body and opening another is well-formed)
        body = root.find(f"{{{W_NS}}}body")
        return body if body is not None and body.tail is None else None

    def drop(self) -> None:
        self._data = None

    def text(self) -> str:
        """The rendered body as docxtpl's `build_xml` gave it."""
        start, end = self._span
        return self._start + self._data[start:end].decode("utf-8")


def _frame(shell, body_xml: str) -> tuple[str, bytes, bytes, int] | None:
    """(the body's start tag as docxtpl serialises it, the document's text before the
    body's content, after it, the number of the document element's children) — or None
    when parsing in place could differ from docxtpl.

    The text around the body is what docxtpl's `map_tree` leaves (a probe body put in a
    copy of the shell, serialised); it is checked once on the template's own body."""
    start_in = body_xml[:body_xml.find(">") + 1]
    end_in = body_xml[body_xml.rfind("</"):]
    if not start_in or start_in.endswith("/>") or "docPr" in etree.tostring(shell).decode():
        return None
    root = _docxtpl_tree(shell, start_in + _PROBE + end_in)
    text = etree.tostring(root, encoding="unicode")
    if text.count(_PROBE) != 1:
        return None
    at = text.index(_PROBE)
    end_out = text.index(">", at) + 1
    if text[at + len(_PROBE):end_out] != end_in:
        return None
    if root.body.tail is not None:
        return None
    frame = start_in, text[:at].encode(), text[end_out:].encode(), len(root)
    # The check: the template's own body, parsed in place, is the tree docxtpl builds.
    parser = etree.XMLParser(recover=True)
    whole = etree.fromstring(text[:at] + body_xml[len(start_in):] + text[end_out:], parser)
    if len(parser.error_log) or \
            etree.tostring(whole) != etree.tostring(_docxtpl_tree(shell, body_xml)):
        return None
    return frame


def _docxtpl_tree(shell, body_xml: str):
    """A copy of `shell` with the body docxtpl's `fix_tables` and `map_tree` give."""
    root = copy.deepcopy(shell)
    root.replace(root.body, etree.fromstring(body_xml, etree.XMLParser(recover=True)))
    return root


def _fixes_tables(body) -> bool:
    """Whether docxtpl's `fix_tables` could change (or fail on) a table of `body`."""
    if body.nsmap.get("w") != W_NS:
        return True
    tables = _TABLES(body)
    grid, column, table = (f"{{{W_NS}}}{tag}" for tag in ("tblGrid", "gridCol", "tbl"))
    for t in tables:
        if t.find(grid) is None or next(t.iterancestors(table), None) is not None:
            return True     # docxtpl fails on it, or nested tables: let it do its work
    if tables and _BAD_ROW(body):
        return True
    for t in tables:
        columns = len(t.find(grid).findall(column))
        if columns and not _FULL_ROW(t, n=columns):
            return True
    return False
