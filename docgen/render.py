"""The one renderer: DOCX template + context -> DOCX bytes, through docxtpl's public API.

`render(template, context)` is `DocxTemplate(template).render(context, jinja_env, autoescape)`
then what `save()` writes. Templates are read once (bytes cached by path and modification
time), opened once (loaded copies are pooled and put back to their pristine state before
each render), and each Jinja source is compiled once (docxtpl compiles every part on every
render); the package is written with the unchanged parts compressed once per template. Rendering
is strict: Jinja's `StrictUndefined` turns a missing variable into an error naming it and
the template, and autoescape keeps `&`, `<` and quotes in user text (docxtpl's default
would drop them). Every string in the context is NFC-normalised, and characters XML 1.0
cannot hold are refused with a message naming the context key — never silently dropped.
Bulk forms use `docgen.fastfill`, which renders what this module would, faster.
"""

from __future__ import annotations

import collections
import copy
import dataclasses
import functools
import io
import os
import threading
import zipfile
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem
from docxtpl import DocxTemplate

from . import docxzip
from .errors import InputError, TemplateProblem
from .schema import check_xml_chars
from .shipped import templates_dir
from .vietnamese import nfc

TEMPLATES_DIR = templates_dir()  # the templates_docx package, wherever it is installed

_cache: dict[Path, tuple[float, bytes]] = {}
_cache_lock = threading.Lock()


@dataclasses.dataclass(frozen=True)
class OwnTemplate:
    """A template held in memory (a district's own version from the store): `name` is what
    messages call it, `data` the DOCX bytes. Accepted wherever a template name or path is."""

    name: str
    data: bytes = dataclasses.field(repr=False)


def _name(template) -> str:
    return template.name if isinstance(template, OwnTemplate) else template_path(template).name


def template_path(template: str | os.PathLike) -> Path:
    """A shipped template by name ("decision.docx", a str) or any path to a user's DOCX.

    A shipped name wins over a file of that name in the current folder."""
    if isinstance(template, str) and os.sep not in template and "/" not in template:
        shipped = TEMPLATES_DIR / template
        if shipped.is_file():
            return shipped.resolve()
    return Path(template).resolve()


def template_bytes(template: str | os.PathLike) -> bytes:
    """The template's bytes, read once and cached until the file changes."""
    if isinstance(template, OwnTemplate):
        if not zipfile.is_zipfile(io.BytesIO(template.data)):
            raise TemplateProblem(f"Mẫu «{template.name}» không phải tệp DOCX hợp lệ")
        return template.data
    path = template_path(template)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise TemplateProblem(f"Không tìm thấy mẫu «{template}»") from None
    with _cache_lock:
        hit = _cache.get(path)
        if hit and hit[0] == mtime:
            return hit[1]
    data = path.read_bytes()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateProblem(f"Mẫu «{path.name}» không phải tệp DOCX hợp lệ")
    with _cache_lock:
        _cache[path] = (mtime, data)
    return data


class _Environment(jinja2.Environment):
    """Strict and autoescaping; keeps the last compiled sources, since docxtpl compiles
    the body, every header and footer and six core properties on each render."""

    def __init__(self, cache_size: int = 256):
        super().__init__(autoescape=True, undefined=jinja2.StrictUndefined)
        self._compiled: collections.OrderedDict[str, jinja2.Template] = \
            collections.OrderedDict()
        self._compiled_size = cache_size
        self._compiled_lock = threading.Lock()

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002
        if globals or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        with self._compiled_lock:
            hit = self._compiled.get(source)
            if hit is not None:
                self._compiled.move_to_end(source)
                return hit
        compiled = super().from_string(source)
        with self._compiled_lock:
            self._compiled[source] = compiled
            while len(self._compiled) > self._compiled_size:
                self._compiled.popitem(last=False)
        return compiled


_ENVIRONMENT = _Environment()


def environment() -> jinja2.Environment:
    """The Jinja environment every render uses: strict and autoescaping (shared)."""
    return _ENVIRONMENT


def sanitize(value: Any, path: str = "") -> Any:
    """A copy of a context with every string NFC-normalised; refuses XML-forbidden characters."""
    if isinstance(value, str):
        # Only normalise and check: context strings may hold deliberate runs of spaces
        # (a draft's blank number); user input was already cleaned by the schema.
        try:
            return check_xml_chars(nfc(value))
        except ValueError as exc:
            raise InputError([(path, str(exc))]) from None
    if isinstance(value, dict):
        return {k: sanitize(v, f"{path}.{k}" if path else str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [sanitize(v, f"{path}[{i + 1}]") for i, v in enumerate(value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return sanitize({f.name: getattr(value, f.name) for f in dataclasses.fields(value)}, path)
    return value


class _DocxTemplate(DocxTemplate):
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


class _ReusableTemplate(_DocxTemplate):
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
            raise _NotReusable
        self._core, self._core_xml = core[0], copy.deepcopy(core[0].element)
        self._footnotes = [(part, part.blob) for part in doc.part.package.parts
                           if part.content_type == CT.WML_FOOTNOTES]
        # The parts the render leaves as loaded (header and footer parts are replaced
        # by new ones, not changed): each is compressed once, then its entry reused.
        changing = {id(doc.part), id(self._core)} | {id(p) for p, _ in self._footnotes}
        self._kept = {id(p): p for p in doc.part.package.parts if id(p) not in changing}
        self._entries: dict[Any, docxzip.Entry] = {}

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

    def get_xml(self) -> str:
        return self._body_xml

    def package_bytes(self) -> bytes:
        """The rendered package, as python-docx's `save` writes it (same entries in the
        same order, same content types), with each unchanged part compressed only once."""
        if self.pics_to_replace or self.crc_to_new_media or self.crc_to_new_embedded \
                or self.zipname_to_replace:
            raise _NotReusable      # docxtpl's save post-processes those; never used here
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


class _NotReusable(Exception):
    """A template this module renders through a fresh DocxTemplate every time."""


_pool: collections.OrderedDict[bytes, list[_ReusableTemplate]] = collections.OrderedDict()
_plain_only: collections.OrderedDict[bytes, None] = collections.OrderedDict()
_pool_lock = threading.Lock()
POOL_TEMPLATES = 16     # template versions kept loaded
POOL_IDLE = 4           # loaded copies kept per version (one per concurrent render)
POOL_COPIES = 24        # loaded copies kept in all (about 5 MB each for the shipped ones)


def _acquire(data: bytes) -> _ReusableTemplate:
    with _pool_lock:
        idle = _pool.get(data)
        if idle:
            return idle.pop()
    return _ReusableTemplate(io.BytesIO(data))


def _release(data: bytes, doc: _ReusableTemplate) -> None:
    doc.init_docx()     # back to the pristine state now: the rendered tree is not kept
    with _pool_lock:
        idle = _pool.setdefault(data, [])
        _pool.move_to_end(data)
        if len(idle) < POOL_IDLE:
            idle.append(doc)
        while len(_pool) > POOL_TEMPLATES or sum(map(len, _pool.values())) > POOL_COPIES:
            _pool.popitem(last=False)   # the least recently used version


def _rendered(doc: DocxTemplate, context: dict[str, Any], name: str) -> None:
    try:
        doc.render(context, jinja_env=environment(), autoescape=True)
    except jinja2.UndefinedError as exc:
        raise TemplateProblem(
            f"Mẫu «{name}» dùng biến không có trong dữ liệu của loại văn bản này: {exc.message}"
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"Mẫu «{name}» có lỗi cú pháp ở dòng {exc.lineno}: {exc.message}") \
            from None
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"Mẫu «{name}» không kết xuất được: {exc}") from None


def render_plain(template: str | os.PathLike, context: dict[str, Any]) -> bytes:
    """`render` through a fresh DocxTemplate and its `save` (the reference it must equal)."""
    doc = _DocxTemplate(io.BytesIO(template_bytes(template)))
    _rendered(doc, sanitize(context), _name(template))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render(template: str | os.PathLike, context: dict[str, Any]) -> bytes:
    """Render `template` with `context` and return the DOCX bytes."""
    data = template_bytes(template)
    safe = sanitize(context)
    if data in _plain_only:
        return render_plain(template, context)
    doc = _acquire(data)
    try:
        doc.init_docx()
    except _NotReusable:
        with _pool_lock:
            _plain_only[data] = None
            while len(_plain_only) > POOL_TEMPLATES:
                _plain_only.popitem(last=False)
        return render_plain(template, context)
    _rendered(doc, safe, _name(template))   # on failure, `doc` is dropped
    try:
        out = doc.package_bytes()
    except _NotReusable:
        return render_plain(template, context)
    _release(data, doc)
    return out


def template_variables(template: str | os.PathLike) -> set[str]:
    """The top-level variables a template uses (for checking a user's own template)."""
    doc = DocxTemplate(io.BytesIO(template_bytes(template)))
    try:
        return set(doc.get_undeclared_template_variables(jinja_env=environment()))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(
            f"Mẫu «{_name(template)}» có lỗi cú pháp ở dòng {exc.lineno}: "
            f"{exc.message}") from None
