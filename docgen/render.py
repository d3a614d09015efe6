"""The one renderer: DOCX template + context -> DOCX bytes (docxtpl underneath).

Templates are read once (bytes cached by path and modification time). A template is
also prepared once (see `_prepare`): its body patched and compiled by `batch.FastTemplate`,
every other part rendered as docxtpl would; each render then only runs the compiled body.
Templates or outputs that path cannot reproduce exactly go through a fresh
`DocxTemplate`, as before. Rendering is strict: Jinja's `StrictUndefined` turns a missing
variable into an error naming it and the template, and autoescape keeps `&`, `<` and
quotes in user text (docxtpl's default would drop them). Every string in the context is
NFC-normalised, and characters XML 1.0 cannot hold are refused with a message naming
the context key — never silently dropped.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import threading
import zipfile
from pathlib import Path
from typing import Any
from xml.parsers import expat

import jinja2
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docxtpl import DocxTemplate
from jinja2 import meta

from .errors import InputError, TemplateProblem
from .schema import check_xml_chars
from .shipped import templates_dir
from .vietnamese import nfc

TEMPLATES_DIR = templates_dir()  # the templates_docx package, wherever it is installed

_cache: dict[Path, tuple[float, bytes]] = {}
_cache_lock = threading.Lock()
_prepared_cache: dict[Path, tuple[bytes, "_Prepared | None"]] = {}
_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
# docxtpl's render_properties renders these core properties through Jinja.
_CORE_PROPS = ("author", "comments", "identifier", "language", "subject", "title")
_TABLE_TOKEN = re.compile(r"<w:(tbl|tr|tc)(?=[ >/])[^>]*>|</w:(tbl|tr|tc)>"
                          r"|<w:(tblGrid|gridCol|gridSpan)\b[^>]*>")
_VALUE = re.compile(r'\bw:(w|val)="([^"]*)"')


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


def environment() -> jinja2.Environment:
    """The Jinja environment every render uses: strict and autoescaping."""
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


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


def render(template: str | os.PathLike, context: dict[str, Any]) -> bytes:
    """Render `template` with `context` and return the DOCX bytes."""
    prepared = _prepared(template)
    if prepared is not None:
        out = prepared.render(context)
        if out is not None:
            return out
    return _render_docxtpl(template, context)


def _render_docxtpl(template: str | os.PathLike, context: dict[str, Any]) -> bytes:
    """The reference path: a fresh DocxTemplate rendered and saved."""
    name = template_path(template).name
    safe = sanitize(context)
    doc = DocxTemplate(io.BytesIO(template_bytes(template)))
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


# --------------------------------------------------------------------------- prepared

@dataclasses.dataclass
class _Prepared:
    """A template ready for fast renders: its compiled body and its other parts."""

    fast: Any            # batch.FastTemplate
    base: bytes          # the package as docxtpl writes it, minus the main document part

    def render(self, context: dict[str, Any]) -> bytes | None:
        """The DOCX bytes, or None when docxtpl would have changed this output (it
        re-parses the body leniently and rewrites table grids): the caller then renders
        through docxtpl, so every output is the one docxtpl gives."""
        fast = self.fast
        body = fast.head + fast.fragment(context) + fast.sect_pr + fast.tail
        if not _grids_kept(body):
            return None
        data = body.encode("utf-8")
        parser = expat.ParserCreate(namespace_separator=" ")
        try:
            parser.Parse(data, True)
        except expat.ExpatError:
            return None
        buf = io.BytesIO(self.base)
        buf.seek(0, io.SEEK_END)
        with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(fast.document_part, data)
        return buf.getvalue()


def _prepared(template: str | os.PathLike) -> _Prepared | None:
    """The prepared form of `template`, made once per version of its bytes."""
    path = template_path(template)
    data = template_bytes(template)
    with _cache_lock:
        hit = _prepared_cache.get(path)
        if hit and hit[0] is data:
            return hit[1]
    prepared = _prepare(path, data)
    with _cache_lock:
        if len(_prepared_cache) >= 64:      # users' own templates: keep the cache bounded
            _prepared_cache.clear()
        _prepared_cache[path] = (data, prepared)
    return prepared


def _prepare(path: Path, data: bytes) -> _Prepared | None:
    """Prepare `path` for fast renders, or None for what only docxtpl renders exactly:
    a template it cannot patch or compile (its error messages carry line numbers),
    drawings (docxtpl renumbers their ids), a part other than the body whose output
    would depend on the context, a package without core properties."""
    from .batch import FastTemplate      # batch builds on this module
    try:
        fast = FastTemplate(path)
    except Exception:
        return None
    raw = dict((info.filename, blob) for info, blob in fast.parts)[fast.document_part]
    body_tag = re.search(rb"<w:body\b[^>]*>", raw)
    if (b"docPr" in raw or _W_NS not in fast.head or body_tag is None
            or body_tag.group() != b"<w:body>" or fast.sect_pr.count("<w:sectPr") > 1
            or (fast.sect_pr and not fast.sect_pr.endswith(("</w:sectPr>", "/>")))):
        return None
    try:
        base = _base_package(data, fast.document_part)
    except Exception:
        return None
    return None if base is None else _Prepared(fast, base)


def _base_package(data: bytes, document_part: str) -> bytes | None:
    """Every part but the main document, rendered and saved by docxtpl itself — once,
    since (checked here) none of them uses a variable of the context."""
    tpl = DocxTemplate(io.BytesIO(data))
    tpl.render_init()
    env = environment()
    try:
        tpl.docx.part.package.part_related_by(RT.CORE_PROPERTIES)
    except KeyError:
        return None                 # python-docx would add one stamped with the time
    sources = [getattr(tpl.docx.core_properties, prop) or "" for prop in _CORE_PROPS]
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        sources += [tpl.patch_xml(tpl.get_part_xml(part))
                    for _, part in tpl.get_headers_footers(uri)]
    if any(meta.find_undeclared_variables(env.parse(src)) for src in sources):
        return None
    if any(part.content_type.endswith(".footnotes+xml") and b"{" in part.blob
           for part in tpl.docx.part.package.parts):
        return None
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):     # as DocxTemplate.render does
        for rel_key, xml in list(tpl.build_headers_footers_xml({}, uri, env)):
            tpl.map_headers_footers_xml(rel_key, xml)
    tpl.render_properties({}, env)
    tpl.render_footnotes({}, env)
    tpl.is_rendered = True
    saved = io.BytesIO()
    tpl.save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != document_part:
                zout.writestr(info, zin.read(info))
    return out.getvalue()


def _grids_kept(xml: str) -> bool:
    """Whether docxtpl's `fix_tables` would leave every table grid of `xml` as it is.

    It counts, for each w:tbl, the w:tc of every w:tr below it (nested tables' rows
    included) and the columns they span (w:gridSpan), and rewrites w:tblGrid when a row
    has more cells than grid columns (and the grid has widths) or no row spans them all.
    False also for anything this scan does not model (it then defers to docxtpl).
    """
    if "<w:tbl" not in xml:
        return True
    if "<w:tblGridChange" in xml or "<w:tcPrChange" in xml:    # tracked grid/cell changes
        return False
    stack: list[list] = []      # ["tbl", cols, width, max_cells, max_span, grids]
    for m in _TABLE_TOKEN.finditer(xml):         # ["tr", cells, span] / ["tc", span]
        opened, closed, leaf = m.groups()
        top = stack[-1] if stack else None
        if opened:
            stack.append(["tbl", 0, 0.0, 0, 0, 0] if opened == "tbl"
                         else ["tr", 0, 0] if opened == "tr" else ["tc", None])
            if not m.group().endswith("/>"):
                continue
            closed = opened
        if closed:
            frame = stack.pop() if stack and stack[-1][0] == closed else None
            if frame is None:
                return False
            parent = stack[-1] if stack else None
            if closed == "tc":
                if parent is None or parent[0] != "tr":
                    return False
                parent[1] += 1
                parent[2] += 1 if frame[1] is None else frame[1]
            elif closed == "tr":
                for t in stack:
                    if t[0] == "tbl":
                        t[3], t[4] = max(t[3], frame[1]), max(t[4], frame[2])
            else:
                _, cols, width, max_cells, max_span, grids = frame
                if grids != 1 or (max_cells > cols and width > 0) or max_span < cols:
                    return False
            continue
        values = dict(_VALUE.findall(m.group()))
        if leaf == "tblGrid":
            if top is None or top[0] != "tbl":
                return False
            top[5] += 1
        elif leaf == "gridCol":
            if top is None or top[0] != "tbl" or top[5] != 1:
                return False
            top[1] += 1
            if "w" in values:
                try:
                    top[2] += float(values["w"])
                except ValueError:
                    return False
        elif top is not None and top[0] == "tc" and top[1] is None:     # gridSpan
            if not values.get("val", "").isdigit():
                return False
            top[1] = int(values["val"])
    return not stack


def template_variables(template: str | os.PathLike) -> set[str]:
    """The top-level variables a template uses (for checking a user's own template)."""
    doc = DocxTemplate(io.BytesIO(template_bytes(template)))
    try:
        return set(doc.get_undeclared_template_variables(jinja_env=environment()))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(
            f"Mẫu «{template_path(template).name}» có lỗi cú pháp ở dòng {exc.lineno}: "
            f"{exc.message}") from None
