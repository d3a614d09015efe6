"""The fast fill: one DOCX template rendered for many rows (bulk forms).

The template's body is prepared once on its XML elements (lxml, python-docx's `oxml`
classes): the separator between two forms — a page break before the first paragraph, or
a section break (numbering restarted) after the last one when the form has running
headers — and unique drawing ids are set on the elements, then the body is turned into
Jinja source by docxtpl's own `patch_xml` and compiled once in `docgen.render`'s strict,
autoescaping environment. Each row is then one Jinja render of that source, finished as
docxtpl finishes a render (`resolve_listing` for tabs and line breaks in user text), and
streamed into `word/document.xml` of a ZIP written entry by entry. tests/test_fastfill.py
proves that every form is what docxtpl's public API would render from the same context.
"""

from __future__ import annotations

import copy
import io
import os
import zipfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

import jinja2
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml import etree

from . import render
from .errors import TemplateProblem, UserError

Progress = Callable[[int, int], None]
_MARKER = "docgen-forms"           # where the forms go in the serialised document
_DOCPR = "_docgen_docpr"           # the Jinja global numbering drawings
# CT_SectPr's children after w:pgNumType, in schema order (python-docx drops its table).
_AFTER_PGNUMTYPE = ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg",
                    "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid",
                    "w:printerSettings", "w:sectPrChange")
# The tiny paragraph that carries a section break when a form ends with a table or a loop.
_HOLDER_SPACING = {"w:before": "0", "w:after": "0", "w:line": "20", "w:lineRule": "exact"}


class _DrawingIds:
    """Numbers drawings as docxtpl's `fix_docpr_ids` does: 1001, 1002, … per document."""

    def __init__(self) -> None:
        self.last = 1000

    def __call__(self) -> int:
        self.last += 1
        return self.last


class FastTemplate:
    """A DOCX template prepared once for many renders of its body."""

    def __init__(self, template: str | os.PathLike):
        data = render.template_bytes(template)
        self.name = render.template_path(template).name
        self._docx = DocxTemplate(io.BytesIO(data))     # patch_xml, resolve_listing
        self._docx.init_docx()
        self.document_part = str(self._docx.docx.part.partname).lstrip("/")
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            self.parts = [(info, zf.read(info)) for info in zf.infolist()]
        document = self._docx.docx.element
        body = document.body
        sect_pr = body.sectPr
        blocks = [child for child in body if child is not sect_pr]
        self.head, self.tail = _frame(document)
        self.sect_pr = _serialise([sect_pr]) if sect_pr is not None else ""
        first = blocks[0] if blocks else None
        # A template with running headers (page numbers) gets one section per form, so
        # numbering restarts and page 1 of every form hides its number; otherwise a page
        # break before the first paragraph of each following form is enough.
        self.sections = (sect_pr is not None and bool(sect_pr.findall(qn("w:headerReference")))
                         or first is None or first.tag != qn("w:p")
                         or _has_tag(first, ("{%p ", "{{p ")))
        self.last_sect_pr = self.sect_pr              # the merged file's final section
        if self.sections:
            restarted = _restart_numbering(sect_pr) if sect_pr is not None else None
            if restarted is not None:
                self.last_sect_pr = _serialise([restarted])
            joined = _end_with_section(blocks, restarted)
        else:
            joined = _page_break_before(blocks)
        self._ids = _DrawingIds()
        self._plain = self._compile(self._source(blocks))
        self._joined = self._compile(self._source(joined))

    def _source(self, blocks: list) -> str:
        """The Jinja source of `blocks`, as docxtpl's `build_xml` makes it (its
        `render_xml_part` puts each paragraph on a line of its own)."""
        blocks = [copy.deepcopy(b) for b in blocks]
        for block in blocks:
            for drawing in block.iter(qn("wp:docPr")):
                drawing.set("id", f"{{{{ {_DOCPR}() }}}}")
        source = self._docx.patch_xml(_serialise(blocks))
        return source.replace("<w:p>", "\n<w:p>").replace("<w:p ", "\n<w:p ")

    def _compile(self, source: str) -> jinja2.Template:
        try:
            # Globals only when drawings need them: they cost a lookup chain on every render.
            names = {_DOCPR: self._ids} if _DOCPR in source else None
            return render.environment().from_string(source, globals=names)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateProblem(f"Mẫu «{self.name}» có lỗi cú pháp ở dòng {exc.lineno}: "
                                  f"{exc.message}") from None

    def fragment(self, context: dict, *, joined: bool = False,
                 constant: Constant | None = None) -> str:
        """The body XML of one form (no w:body, no final sectPr); `joined` adds the
        separator to the next form (a page break before it, or a section break after).
        `constant` (one per run of forms) sanitises text the same on every form once."""
        template = self._joined if joined else self._plain
        try:
            clean = constant(context) if constant is not None else render.sanitize(context)
            xml = template.render(clean)
        except jinja2.UndefinedError as exc:
            raise TemplateProblem(f"Mẫu «{self.name}» dùng biến không có trong dữ liệu của "
                                  f"loại văn bản này: {exc.message}") from None
        except jinja2.TemplateError as exc:
            raise TemplateProblem(f"Mẫu «{self.name}» không kết xuất được: {exc}") from None
        xml = xml.replace("\n<w:p>", "<w:p>").replace("\n<w:p ", "<w:p ")
        if "{_" in xml or "_}" in xml:
            xml = (xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%")
                   .replace("%_}", "%}"))
        if "\t" in xml or "\n" in xml or "\a" in xml or "\f" in xml:
            xml = self._docx.resolve_listing(xml)      # tabs, line breaks in user text
        return xml

    def other_parts(self, context: dict) -> Iterator[tuple[zipfile.ZipInfo, bytes]]:
        """Every part but the main document; headers, footers and core properties holding
        Jinja tags are rendered once with `context` (the first form's)."""
        for info, data in self.parts:
            if info.filename == self.document_part:
                continue
            if (info.filename.startswith(("word/header", "word/footer"))
                    or info.filename == "docProps/core.xml") and (b"{{" in data or b"{%" in data):
                source = self._docx.patch_xml(data.decode("utf-8"))
                xml = self._compile(source).render(render.sanitize(context))
                data = self._docx.resolve_listing(xml).encode("utf-8")
            yield info, data

    def write(self, out: BinaryIO, contexts: Iterable[dict], count: int,
              progress: Progress | None = None) -> int:
        """Write one DOCX holding `count` forms, one per context, streamed; returns count."""
        done = 0
        self._ids.last = 1000
        constant = Constant()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            contexts = iter(contexts)
            first = next(contexts, None)
            if first is None:
                raise UserError("Không có mẫu nào để điền")
            for info, data in self.other_parts(first):
                zf.writestr(_entry(info.filename), data)
            with zf.open(_entry(self.document_part), "w") as fh:
                fh.write(self.head.encode("utf-8"))
                for ctx in _chain(first, contexts):
                    done += 1
                    last = done == count
                    joined = (not last) if self.sections else done > 1
                    fh.write(self.fragment(ctx, joined=joined, constant=constant)
                             .encode("utf-8"))
                    if progress:
                        progress(done, count)
                fh.write((self.last_sect_pr + self.tail).encode("utf-8"))
        return done

    def single(self, context: dict, base: bytes) -> bytes:
        """One form as DOCX bytes: `base` (the other parts, see `base_package`) plus it."""
        self._ids.last = 1000
        buf = io.BytesIO(base)
        buf.seek(0, io.SEEK_END)
        with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as zf:
            body = self.head + self.fragment(context) + self.sect_pr + self.tail
            zf.writestr(_entry(self.document_part), body.encode("utf-8"))
        return buf.getvalue()

    def base_package(self, context: dict) -> bytes:
        """A DOCX package without its main document, written once for many `single` calls."""
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for info, data in self.other_parts(context):
                zf.writestr(_entry(info.filename), data)
        return buf.getvalue()


class Constant:
    """The context sanitised as `render.sanitize` does, keeping each top-level text (or
    list of texts) from one form to the next: a value equal to the last form's is not
    normalised and checked again (the commitments, the closing line, the headings)."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[Any, Any]] = {}

    def __call__(self, context: dict) -> dict:
        out = {}
        last = self._last
        for key, value in context.items():
            snapshot = _texts(value)
            kept = last.get(key)
            if snapshot is not None and kept is not None and kept[0] == snapshot:
                out[key] = kept[1]
                continue
            clean = render.sanitize(value, str(key))   # a bad character names `key`
            if snapshot is not None:
                last[key] = (snapshot, clean)
            out[key] = clean
        return out


def _texts(value: Any) -> str | tuple[str, ...] | None:
    """`value` as a str or a tuple of str when it is one, or a list or tuple of them (a
    copy: a list changed in place must not compare equal to itself); else None. Exactly
    str: a subclass such as Markup may compare equal yet render otherwise."""
    kind = type(value)
    if kind is str:
        return value
    if (kind is list or kind is tuple) and all(type(v) is str for v in value):
        return tuple(value)
    return None


# --------------------------------------------------------------------------- elements

def _frame(document) -> tuple[str, str]:
    """The main part's XML before and after the body's content, as python-docx writes it
    (declaration, w:document with its namespaces and any w:background, w:body)."""
    frame = copy.deepcopy(document)
    body = frame.body
    for child in list(body):
        body.remove(child)
    body.append(etree.Comment(_MARKER))
    xml = etree.tostring(frame, encoding="UTF-8", standalone=True).decode("utf-8")
    head, tail = xml.split(f"<!--{_MARKER}-->")
    return head, tail


def _serialise(elements: list) -> str:
    """`elements` as XML text without namespace declarations (the document's root holds
    them): serialised inside a body, whose tags are then dropped."""
    holder = OxmlElement("w:body")
    holder.extend(copy.deepcopy(e) for e in elements)
    xml = etree.tostring(holder, encoding="unicode")
    return xml[xml.index(">") + 1:xml.rindex("</w:body>")] if len(holder) else ""


def _has_tag(element, tags: tuple[str, ...] = ("{%",)) -> bool:
    """Whether the text of `element` holds a Jinja statement (any, or one of `tags`:
    docxtpl's paragraph tags `{%p …%}` replace their whole paragraph)."""
    text = "".join(element.itertext())
    return any(tag in text for tag in tags)


def _page_break_before(blocks: list) -> list:
    """`blocks` with w:pageBreakBefore on the first paragraph (python-docx puts it where
    CT_PPr's order says)."""
    first = copy.deepcopy(blocks[0])
    first.get_or_add_pPr().pageBreakBefore_val = True
    return [first, *blocks[1:]]


def _restart_numbering(sect_pr):
    """A copy of `sect_pr` whose page numbers restart at 1 (w:pgNumType/@w:start)."""
    restarted = copy.deepcopy(sect_pr)
    numbering = restarted.find(qn("w:pgNumType"))
    if numbering is None:
        numbering = OxmlElement("w:pgNumType")
        restarted.insert_element_before(numbering, *_AFTER_PGNUMTYPE)
    numbering.set(qn("w:start"), "1")
    return restarted


def _end_with_section(blocks: list, sect_pr) -> list:
    """`blocks` whose last paragraph carries a section break (a copy of `sect_pr`); when
    the form ends with a table or a loop, a tiny paragraph is added to hold it."""
    if sect_pr is None:
        return list(blocks)
    last = blocks[-1] if blocks else None
    if last is not None and last.tag == qn("w:p") and not _has_tag(last):
        holder, rest = copy.deepcopy(last), blocks[:-1]
    else:
        holder, rest = OxmlElement("w:p"), list(blocks)
        ppr = holder.get_or_add_pPr()
        spacing = OxmlElement("w:spacing", {qn(k): v for k, v in _HOLDER_SPACING.items()})
        ppr.append(spacing)
        run_props = OxmlElement("w:rPr")
        run_props.append(OxmlElement("w:sz", {qn("w:val"): "2"}))
        ppr.append(run_props)
    holder.get_or_add_pPr()._insert_sectPr(copy.deepcopy(sect_pr))
    return [*rest, holder]


# --------------------------------------------------------------------------- zip

def _chain(first: dict, rest: Iterator[dict]) -> Iterator[dict]:
    yield first
    yield from rest


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info
