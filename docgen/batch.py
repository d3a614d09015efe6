"""Filling one form per row of a list, fast: one merged DOCX, a ZIP of DOCX files, or a PDF.

`fill(kind, rows, out)` validates every row with the kind's schema first (bad rows are
reported by row number and column, and skipped — or, with `strict`, stop everything),
then renders with `FastTemplate`: the template's body is turned into Jinja source once
(docxtpl's own `patch_xml`), compiled once in the strict autoescaping environment of
`docgen.render`, rendered per row to an XML fragment with the kind's own `context()`,
and streamed into `word/document.xml` of a ZIP written entry by entry. Memory does not
grow with the number of rows, and output is written atomically.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Union

import jinja2
from docxtpl import DocxTemplate
from lxml import etree

from . import documents, importers, render, schema
from .errors import InputError, TemplateProblem, UserError
from .importers import Problem, Row, Table
from .output import atomic_output
from .vietnamese import slug

Output = Union[str, os.PathLike, BinaryIO]
Progress = Callable[[int, int], None]
FORMATS = {".docx": "docx", ".zip": "zip", ".pdf": "pdf"}
_PPR_HEAD = re.compile(r"<w:pPr>((?:<w:pStyle [^>]*/>)?(?:<w:keepNext(?: [^>]*)?/>)?"
                       r"(?:<w:keepLines(?: [^>]*)?/>)?)")
_DOCPR_ID = re.compile(r'(<wp:docPr\b[^>]*?\bid=")\d+(")')


@dataclass
class Result:
    """What a batch did: forms written, rows skipped with their problems, other notes."""

    written: int
    skipped: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def skipped_rows(self) -> list[int]:
        return sorted({p.row for p in self.skipped})

    def skipped_message(self) -> str:
        """"Đã bỏ qua 3 dòng lỗi: dòng 7 (Họ và tên): thiếu họ tên; …", or "" if none."""
        if not self.skipped:
            return ""
        return (f"Đã bỏ qua {len(self.skipped_rows)} dòng lỗi: "
                + "; ".join(str(p) for p in self.skipped))


def output_format(path: str | os.PathLike) -> str:
    """"docx", "zip" or "pdf" from the output file's extension; UserError otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UserError(f"Không hỗ trợ tệp kết quả «{Path(path).name}»: hãy đặt tên có đuôi "
                        ".docx (một tệp gộp), .zip (mỗi mẫu một tệp) hoặc .pdf")
    return FORMATS[suffix]


# --------------------------------------------------------------------------- template

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
        raw = dict((i.filename, b) for i, b in self.parts)[self.document_part].decode("utf-8")
        start = re.search(r"<w:body\b[^>]*>", raw)
        self.head = raw[:start.start()] + "<w:body>"
        self.tail = "</w:body></w:document>"
        body = etree.tostring(self._docx.docx.element.body, encoding="unicode")
        inner = body[body.index(">") + 1:body.rindex("</w:body>")]
        cut = inner.rfind("<w:sectPr")
        self.sect_pr, inner = (inner[cut:], inner[:cut]) if cut >= 0 else ("", inner)
        source = self._docx.patch_xml(inner)
        # A template with running headers (page numbers) gets one section per form, so
        # numbering restarts and page 1 of every form hides its number; otherwise a page
        # break before the first paragraph of each following form is enough.
        self.sections = "<w:headerReference" in self.sect_pr or not source.startswith("<w:p")
        self.last_sect_pr = self.sect_pr          # the merged file's final section
        if self.sections:
            self.last_sect_pr = _restart_numbering(self.sect_pr)
            joined = _end_with_section(source, self.last_sect_pr)
        else:
            joined = _page_break_before(source)
        env = render.environment()
        self._plain = self._compile(env, source)
        self._joined = self._compile(env, joined)
        self._has_docpr = "docPr" in source
        self._docpr = 1000

    def _compile(self, env: jinja2.Environment, source: str) -> jinja2.Template:
        try:
            return env.from_string(source)
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateProblem(f"Mẫu «{self.name}» có lỗi cú pháp: {exc.message}") from None

    def fragment(self, context: dict, *, joined: bool = False) -> str:
        """The body XML of one form (no w:body, no final sectPr); `joined` adds the
        separator to the next form (a page break before it, or a section break after)."""
        template = self._joined if joined else self._plain
        try:
            xml = template.render(render.sanitize(context))
        except jinja2.UndefinedError as exc:
            raise TemplateProblem(f"Mẫu «{self.name}» dùng biến không có trong dữ liệu của "
                                  f"loại văn bản này: {exc.message}") from None
        except jinja2.TemplateError as exc:
            raise TemplateProblem(f"Mẫu «{self.name}» không kết xuất được: {exc}") from None
        if "{_" in xml or "_}" in xml:
            xml = (xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%")
                   .replace("%_}", "%}"))
        if "\t" in xml or "\n" in xml or "\a" in xml or "\f" in xml:
            xml = self._docx.resolve_listing(xml)      # tabs, line breaks in user text
        if self._has_docpr:                             # drawing ids must stay unique
            xml = _DOCPR_ID.sub(self._next_docpr, xml)
        return xml

    def _next_docpr(self, m: re.Match) -> str:
        self._docpr += 1
        return f"{m.group(1)}{self._docpr}{m.group(2)}"

    def other_parts(self, context: dict) -> Iterator[tuple[zipfile.ZipInfo, bytes]]:
        """Every part but the main document; headers, footers and core properties holding
        Jinja tags are rendered once with `context` (the first form's)."""
        for info, data in self.parts:
            if info.filename == self.document_part:
                continue
            if (info.filename.startswith(("word/header", "word/footer"))
                    or info.filename == "docProps/core.xml") and (b"{{" in data or b"{%" in data):
                source = self._docx.patch_xml(data.decode("utf-8"))
                xml = self._compile(render.environment(), source).render(render.sanitize(context))
                data = self._docx.resolve_listing(xml).encode("utf-8")
            yield info, data

    def write(self, out: BinaryIO, contexts: Iterable[dict], count: int,
              progress: Progress | None = None) -> int:
        """Write one DOCX holding `count` forms, one per context, streamed; returns count."""
        done = 0
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
                    fh.write(self.fragment(ctx, joined=joined).encode("utf-8"))
                    if progress:
                        progress(done, count)
                fh.write((self.last_sect_pr + self.tail).encode("utf-8"))
        return done

    def single(self, context: dict, base: bytes) -> bytes:
        """One form as DOCX bytes: `base` (the other parts, see `base_package`) plus it."""
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


def _chain(first: dict, rest: Iterator[dict]) -> Iterator[dict]:
    yield first
    yield from rest


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _page_break_before(source: str) -> str:
    """`source` with w:pageBreakBefore on its first paragraph (after the properties that
    CT_PPr's order puts before it)."""
    start = re.match(r"<w:p(?: [^>]*)?>", source)
    rest = source[start.end():]
    m = _PPR_HEAD.match(rest)
    if m:
        rest = rest[:m.end()] + "<w:pageBreakBefore/>" + rest[m.end():]
    else:
        rest = "<w:pPr><w:pageBreakBefore/></w:pPr>" + rest
    return source[:start.end()] + rest


def _restart_numbering(sect_pr: str) -> str:
    """A sectPr whose page numbers restart at 1 (w:pgNumType before w:cols, per CT_SectPr)."""
    if "<w:pgNumType" in sect_pr:
        return re.sub(r"<w:pgNumType\b[^>]*/>", '<w:pgNumType w:start="1"/>', sect_pr)
    m = re.search(r"<w:cols\b|<w:formProt\b|<w:vAlign\b|<w:noEndnote\b|<w:titlePg\b|"
                  r"<w:textDirection\b|<w:bidi\b|<w:rtlGutter\b|<w:docGrid\b|</w:sectPr>", sect_pr)
    return sect_pr[:m.start()] + '<w:pgNumType w:start="1"/>' + sect_pr[m.start():]


def _end_with_section(source: str, sect_pr: str) -> str:
    """`source` whose last paragraph carries a section break (a copy of the final sectPr)."""
    start = max(source.rfind("<w:p>"), source.rfind("<w:p "))
    last = source[start:] if start >= 0 else ""
    if last.endswith("</w:p>") and "{%" not in last and "<w:tbl" not in last \
            and "</w:tc>" not in last:
        if last.startswith("<w:p><w:pPr>") or re.match(r"<w:p [^>]*><w:pPr>", last):
            cut = start + last.index("</w:pPr>")
            return source[:cut] + sect_pr + source[cut:]
        open_end = start + last.index(">") + 1
        return source[:open_end] + f"<w:pPr>{sect_pr}</w:pPr>" + source[open_end:]
    # The body ends with a table or a loop: add a tiny paragraph to hold the break.
    return (source + '<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" '
            f'w:lineRule="exact"/><w:rPr><w:sz w:val="2"/></w:rPr>{sect_pr}</w:pPr></w:p>')


# --------------------------------------------------------------------------- rows

@dataclass
class _Good:
    number: int
    label: str
    parsed: Any


# A shared value that belongs to another: a row naming its own commune or residential area
# is dated at its own place, not at the place shared for the list (an uploaded list may hold
# several areas; the commitment form takes its place from the row's commune).
_TIED = {"place": ("commune", "area")}


def _merge(defaults: dict, row: dict) -> dict:
    merged = dict(defaults)
    for key, owners in _TIED.items():
        if key in merged and key not in row and any(row.get(o) for o in owners):
            del merged[key]
    for key, value in row.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _strip_personal(defaults: dict, cols, notes: list[str]) -> dict:
    """The defaults without the values each row must give itself (name, CCCD…)."""
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in defaults.items()}
    dropped = []
    for col in cols:
        if not col.personal:
            continue
        *parents, last = col.field.split(".")
        holder = out
        for part in parents:
            holder = holder.get(part) if isinstance(holder.get(part), dict) else {}
        if last in holder:
            del holder[last]
            dropped.append(col.header)
    if dropped:
        notes.append("Dữ liệu chung có thông tin riêng của từng dòng, không dùng cho các mẫu: "
                     + ", ".join(dropped))
    return out


def validate(kind: str, table: Table | Iterable[Row | dict], defaults: dict | None = None,
             notes: list[str] | None = None) -> tuple[list[_Good], list[Problem]]:
    """Parse every row with the kind's schema; bad rows become problems by row and column.

    A problem with a field no row gives (e.g. a bad year in the defaults) is not a row's
    fault: it raises a UserError naming the field at once.
    """
    record = documents.get(kind)
    cols = importers.columns(kind)
    by_field = {c.field: c for c in cols if c.used}
    notes = notes if notes is not None else []
    common = _strip_personal(defaults or {}, cols, notes)
    if isinstance(table, Table):
        rows, problems, headers = table.rows, list(table.problems), dict(table.headers)
    else:
        rows = [r if isinstance(r, Row) else Row(i, r) for i, r in enumerate(table, 1)]
        problems, headers = [], {}
    required = next(c for c in cols if c.required)
    good: list[_Good] = []
    shared: dict[str, str] = {}
    for row in rows:
        try:
            parsed = schema.parse(record.input, _merge(common, row.data))
        except InputError as exc:
            for path, message in exc.problems:
                column = _column_for(path, headers, by_field, row.data)
                if column is None:
                    shared.setdefault(path, message)
                else:
                    problems.append(Problem(row.number, column, message))
            continue
        label = _get(row.data, required.field) or ""
        good.append(_Good(row.number, str(label), parsed))
    if shared:
        lines = []
        for path, message in shared.items():
            col = by_field.get(re.sub(r"\[\d+\]", "", path))
            hint = (f" (thêm cột «{col.header}» vào danh sách hoặc ghi trong dữ liệu chung "
                    "--defaults)") if col else " (ghi trong dữ liệu chung --defaults)"
            lines.append(f"«{path}»: {message}{hint}")
        raise UserError("Dữ liệu chung của các mẫu chưa đúng: " + "; ".join(lines))
    problems.sort(key=lambda p: p.row)
    return good, problems


def _get(data: dict, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _column_for(path: str, headers: dict[str, str], by_field: dict, data: dict) -> str | None:
    """The header a schema problem belongs to; "" for the row as a whole; None when the
    field comes from no column (a problem of the shared data)."""
    if not path:
        return ""
    field_path = re.sub(r"\[\d+\]", "", path)
    for name in [field_path, *(f for f in by_field if f.startswith(field_path + "."))]:
        if name in headers:
            return headers[name]
        if name in by_field and _get(data, name) is not None:
            return by_field[name].header
    return None


# --------------------------------------------------------------------------- output

def fill(kind: str, rows: Table | Iterable[Row | dict], out: Output, *, fmt: str | None = None,
         defaults: dict | None = None, strict: bool = False, progress: Progress | None = None,
         template: str | os.PathLike | None = None) -> Result:
    """Fill one `kind` form per row into `out` (a path, or a binary file object).

    `fmt` is "docx" (one merged file, each form on its own page), "zip" (one DOCX per row,
    named "0007-nguyen-van-an.docx" by row number and name) or "pdf"; None takes it from
    the path's extension. `defaults` holds the fields shared by every row. Bad rows are
    skipped and listed in the result; `strict` raises a UserError listing them instead,
    before anything is written. `progress(done, total)` is called after each form.
    """
    if fmt is None:
        if not isinstance(out, (str, os.PathLike)):
            raise ValueError("fmt is required when writing to a file object")
        fmt = output_format(out)
    if fmt not in FORMATS.values():
        raise ValueError(f"unknown format {fmt!r}")
    record = documents.get(kind)
    notes: list[str] = []
    if isinstance(rows, Table) and rows.ignored:
        notes.append(f"Cột không dùng đến, đã bỏ qua: {', '.join(rows.ignored)}")
    good, problems = validate(kind, rows, defaults, notes)
    result = Result(written=0, skipped=problems, notes=notes)
    if problems and strict:
        raise UserError(f"Danh sách có {len(result.skipped_rows)} dòng lỗi, chưa tạo tệp nào "
                        "(bỏ --strict để in các dòng hợp lệ): "
                        + "; ".join(str(p) for p in problems))
    if not good:
        detail = (": " + "; ".join(str(p) for p in problems)) if problems else ""
        raise UserError("Không có dòng hợp lệ nào để điền" + detail)
    fast = FastTemplate(template or record.template)
    contexts = (record.context(g.parsed) for g in good)

    def produce(fh: BinaryIO) -> None:
        if fmt == "zip":
            result.written = _write_zip(fast, record, good, fh, progress)
        elif fmt == "docx":
            result.written = fast.write(fh, contexts, len(good), progress)
        else:
            result.written = _write_pdf(fast, contexts, len(good), fh, progress)

    if isinstance(out, (str, os.PathLike)):
        with atomic_output(out) as fh:
            produce(fh)
    else:
        produce(out)
    return result


def _write_zip(fast: FastTemplate, record, good: list[_Good], out: BinaryIO,
               progress: Progress | None) -> int:
    base = None
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for done, item in enumerate(good, 1):
            ctx = record.context(item.parsed)
            if base is None:
                base = fast.base_package(ctx)
            name = f"{item.number:04d}-{slug(item.label)}.docx"
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)),
                        fast.single(ctx, base))
            if progress:
                progress(done, len(good))
    return len(good)


def _write_pdf(fast: FastTemplate, contexts: Iterable[dict], count: int, out: BinaryIO,
               progress: Progress | None) -> int:
    from . import pdf
    pdf.soffice()  # a clear message before any work when LibreOffice is missing
    # Through files: a merged document of thousands of pages never sits in memory, and
    # the long-job time limit of convert_file applies.
    with tempfile.TemporaryDirectory(prefix="docgen-batch-pdf-") as tmp:
        src, dst = Path(tmp) / "forms.docx", Path(tmp) / "forms.pdf"
        with open(src, "wb") as docx:
            written = fast.write(docx, contexts, count, progress)
        pdf.convert_file(src, dst)
        with open(dst, "rb") as fh:
            shutil.copyfileobj(fh, out, 1 << 20)
    return written
