"""The one renderer: DOCX template + context -> DOCX bytes, through docxtpl's public API.

`render(template, context)` is `DocxTemplate(template).render(context, jinja_env, autoescape)`
then what `save()` writes. Templates are read once (bytes cached by path and modification
time), opened once (loaded copies are pooled and put back to their pristine state before
each render: `docgen.docxtemplate`, which also skips or shortens docxtpl's steps where a
check proves the output the same), and each Jinja source is compiled once (docxtpl compiles
every part on every render). Rendering
is strict: Jinja's `StrictUndefined` turns a missing variable into an error naming it and
the template, and autoescape keeps `&`, `<` and quotes in user text (docxtpl's default
would drop them). Every string in the context is NFC-normalised, and characters XML 1.0
cannot hold are refused with a message naming the context key — never silently dropped.
Bulk forms use `docgen.fastfill`, which renders what this module would, faster.
"""

from __future__ import annotations

import collections
import dataclasses
import io
import os
import threading
import zipfile
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from docxtpl import DocxTemplate

from .docxtemplate import NotReusable, Reusable, Template
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
        shipped = _shipped(template)
        if shipped is not None:
            return shipped
    return Path(template).resolve()


_shipped_paths: dict[str, Path] = {}


def _shipped(name: str) -> Path | None:
    hit = _shipped_paths.get(name)     # the installed package's files: each found once
    if hit is None:
        path = TEMPLATES_DIR / name
        if not path.is_file():
            return None
        hit = _shipped_paths[name] = path.resolve()
    return hit


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


class _Environment(ImmutableSandboxedEnvironment):
    """Sandboxed, strict and autoescaping; keeps the last compiled sources, since docxtpl
    compiles the body, every header and footer and six core properties on each render.
    A district uploads its own templates: the sandbox refuses `__globals__`, `__class__`,
    `os` and changing the data (SecurityError, a TemplateError), so a template can only
    read what docgen gives it."""

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
    """The Jinja environment every render uses: sandboxed, strict and autoescaping (shared)."""
    return _ENVIRONMENT


def sanitize(value: Any, path: str = "") -> Any:
    """A copy of a context with every string NFC-normalised; refuses XML-forbidden characters."""
    try:
        return _sanitized(value)
    except ValueError:
        return _sanitized_named(value, path)    # the same walk, naming the key (raises)


def _sanitized(value: Any) -> Any:
    # Context strings may hold deliberate runs of spaces (a draft's blank number): only
    # normalise and check; user input was already cleaned by the schema.
    if isinstance(value, str):
        return check_xml_chars(nfc(value))
    if isinstance(value, dict):
        return {k: _sanitized(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_sanitized(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _sanitized({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
    return value


def _sanitized_named(value: Any, path: str) -> Any:
    if isinstance(value, str):
        try:
            return check_xml_chars(nfc(value))
        except ValueError as exc:
            raise InputError([(path, str(exc))]) from None
    if isinstance(value, dict):
        return {k: _sanitized_named(v, f"{path}.{k}" if path else str(k))
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_sanitized_named(v, f"{path}[{i + 1}]") for i, v in enumerate(value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _sanitized_named(
            {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}, path)
    return value


_pool: collections.OrderedDict[bytes, list[Reusable]] = collections.OrderedDict()
_plain_only: collections.OrderedDict[bytes, None] = collections.OrderedDict()
_pool_lock = threading.Lock()
POOL_TEMPLATES = 16     # template versions kept loaded
POOL_IDLE = 4           # loaded copies kept per version (one per concurrent render)
POOL_COPIES = 24        # loaded copies kept in all (about 5 MB each for the shipped ones)


def _acquire(data: bytes) -> Reusable:
    with _pool_lock:
        idle = _pool.get(data)
        if idle:
            return idle.pop()
    return Reusable(io.BytesIO(data))


def _release(data: bytes, doc: Reusable) -> None:
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
    doc = Template(io.BytesIO(template_bytes(template)))
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
    except NotReusable:
        with _pool_lock:
            _plain_only[data] = None
            while len(_plain_only) > POOL_TEMPLATES:
                _plain_only.popitem(last=False)
        return render_plain(template, context)
    _rendered(doc, safe, _name(template))   # on failure, `doc` is dropped
    try:
        out = doc.package_bytes()
    except NotReusable:
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
