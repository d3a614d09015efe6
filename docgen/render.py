"""The one renderer: DOCX template + context -> DOCX bytes, through docxtpl's public API.

`render(template, context)` is `DocxTemplate(template).render(context, jinja_env, autoescape)`
then `save()`. Templates are read once (bytes cached by path and modification time) and
each Jinja source is compiled once (docxtpl compiles every part on every render). Rendering
is strict: Jinja's `StrictUndefined` turns a missing variable into an error naming it and
the template, and autoescape keeps `&`, `<` and quotes in user text (docxtpl's default
would drop them). Every string in the context is NFC-normalised, and characters XML 1.0
cannot hold are refused with a message naming the context key — never silently dropped.
Bulk forms use `docgen.fastfill`, which renders what this module would, faster.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
import io
import os
import threading
import zipfile
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate

from .errors import InputError, TemplateProblem
from .schema import check_xml_chars
from .shipped import templates_dir
from .vietnamese import nfc

TEMPLATES_DIR = templates_dir()  # the templates_docx package, wherever it is installed

_cache: dict[Path, tuple[float, bytes]] = {}
_cache_lock = threading.Lock()


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


def render(template: str | os.PathLike, context: dict[str, Any]) -> bytes:
    """Render `template` with `context` and return the DOCX bytes."""
    name = template_path(template).name
    safe = sanitize(context)
    doc = _DocxTemplate(io.BytesIO(template_bytes(template)))
    try:
        doc.render(safe, jinja_env=environment(), autoescape=True)
    except jinja2.UndefinedError as exc:
        raise TemplateProblem(
            f"Mẫu «{name}» dùng biến không có trong dữ liệu của loại văn bản này: {exc.message}"
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(f"Mẫu «{name}» có lỗi cú pháp ở dòng {exc.lineno}: {exc.message}") \
            from None
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"Mẫu «{name}» không kết xuất được: {exc}") from None
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def template_variables(template: str | os.PathLike) -> set[str]:
    """The top-level variables a template uses (for checking a user's own template)."""
    doc = DocxTemplate(io.BytesIO(template_bytes(template)))
    try:
        return set(doc.get_undeclared_template_variables(jinja_env=environment()))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(
            f"Mẫu «{template_path(template).name}» có lỗi cú pháp ở dòng {exc.lineno}: "
            f"{exc.message}") from None
