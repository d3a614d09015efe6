"""render.render (a pooled template put back before each render, its own ZIP writer) gives
every part a plain `DocxTemplate(...).render(...)` and `save()` gives, in the same order."""

from __future__ import annotations

import io
import struct
import threading
import unicodedata
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.shared import Cm
from docxtpl import DocxTemplate
from lxml import etree

from docgen import documents, render, schema
from docgen.samples import sample_inputs

# Every generated input of both sample dossiers, as "folder/name", with its kind.
KIND_OF = {f"{folder}/{name}": kind for folder, name, kind in sample_inputs()}
SAMPLES = list(KIND_OF)
HOSTILE = "Hà & Vi <Chi nhánh> \"x\" 'y' " + unicodedata.normalize("NFD", "Nguyễn Thị Ượng")


def canonical(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n")


def plain(template, context) -> bytes:
    """What a user of docxtpl's public API gets, with the renderer's environment."""
    doc = DocxTemplate(io.BytesIO(render.template_bytes(template)))
    doc.render(render.sanitize(context), jinja_env=render.environment(), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def assert_same_package(want: bytes, got: bytes) -> None:
    a, b = zipfile.ZipFile(io.BytesIO(want)), zipfile.ZipFile(io.BytesIO(got))
    assert b.testzip() is None
    assert a.namelist() == b.namelist()
    for name in a.namelist():
        x, y = a.read(name), b.read(name)
        if name.endswith((".xml", ".rels")):
            x, y = canonical(x), canonical(y)
        assert x == y, name


def sample_context(name: str, sample, *, hostile: bool = False) -> tuple[str, dict]:
    folder, _, stem = name.rpartition("/")
    kind = documents.get(KIND_OF.get(name) or stem.split("-")[0])
    data = sample(stem, folder or "quan-son-2022")
    context = kind.context(schema.parse(kind.input, data))
    if hostile:
        context = _hostile(context)
    return kind.template, context


def _hostile(value):
    """Every string of a context with hostile text added (after validation, as a user's
    own template could receive it)."""
    if isinstance(value, str):
        return value + " " + HOSTILE if value.strip() else value
    if isinstance(value, dict):
        return {k: _hostile(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_hostile(v) for v in value]
    return value


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_renders_as_docxtpl_renders_it(name, sample):
    template, context = sample_context(name, sample)
    hostile = _hostile(context)
    # Alternate on the same pooled copy: each render starts from the pristine template.
    for ctx in (context, hostile, context):
        assert_same_package(plain(template, ctx), render.render(template, ctx))


def test_the_samples_cover_every_kind():
    assert set(KIND_OF.values()) >= set(documents.KINDS)


def _png() -> bytes:
    """A 1×1 white PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


@pytest.fixture
def own_template(tmp_path):
    """A user's template: variables in the body, a header, a footer, the title property,
    a table filled by a loop, and two pictures."""
    doc = docx.Document()
    section = doc.sections[0]
    section.header.paragraphs[0].text = "Đơn vị: {{ unit }}"
    section.footer.paragraphs[0].text = "Trang của {{ person }}"
    doc.core_properties.title = "Báo cáo {{ unit }}"
    doc.add_paragraph("Họ và tên: {{ person }}")
    table = doc.add_table(rows=3, cols=1)
    table.cell(0, 0).text = "{%tr for r in rows %}"
    table.cell(1, 0).text = "{{ r }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    doc.add_picture(io.BytesIO(_png()), width=Cm(1))
    doc.add_picture(io.BytesIO(_png()), width=Cm(1))
    path = tmp_path / "own.docx"
    doc.save(path)
    return path


OWN_CONTEXTS = [
    {"unit": "Thôn Na Mèo", "person": "Lò Văn Thản", "rows": ["một", "hai"]},
    {"unit": HOSTILE, "person": "A & B", "rows": [HOSTILE] * 5},
    {"unit": "", "person": "{{ not_evaluated }}", "rows": []},
]


def test_a_users_template_with_header_footer_title_and_pictures(own_template):
    for ctx in OWN_CONTEXTS + OWN_CONTEXTS:
        got = render.render(own_template, ctx)
        assert_same_package(plain(own_template, ctx), got)
    header = zipfile.ZipFile(io.BytesIO(got)).read("word/header1.xml").decode()
    assert "Đơn vị: " in header and "Thôn Na Mèo" not in header


def test_a_failed_render_leaves_no_trace_in_the_next(own_template):
    with pytest.raises(render.TemplateProblem):
        render.render(own_template, {"unit": "x", "rows": []})      # no `person`
    ctx = OWN_CONTEXTS[0]
    assert_same_package(plain(own_template, ctx), render.render(own_template, ctx))


def test_a_template_without_core_properties_renders_as_docxtpl(tmp_path, own_template):
    path = tmp_path / "nocore.docx"
    with zipfile.ZipFile(own_template) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "docProps/core.xml":
                continue
            if item.filename == "_rels/.rels":
                root = etree.fromstring(data)
                for rel in list(root):
                    if rel.get("Target").endswith("core.xml"):
                        root.remove(rel)
                data = etree.tostring(root)
            dst.writestr(item, data)
    for ctx in OWN_CONTEXTS[:2]:    # python-docx adds core properties stamped "now"
        got = zipfile.ZipFile(io.BytesIO(render.render(path, ctx)))
        want = zipfile.ZipFile(io.BytesIO(plain(path, ctx)))
        assert got.namelist() == want.namelist()
        for name in ("word/document.xml", "word/header1.xml", "word/footer1.xml"):
            assert canonical(got.read(name)) == canonical(want.read(name)), name
    assert render.template_bytes(path) in render._plain_only


def test_renders_from_eight_threads_are_each_right(sample, own_template):
    jobs = [sample_context(n, sample, hostile=h) for n in ("decision", "commitment", "report")
            for h in (False, True)] + [(own_template, c) for c in OWN_CONTEXTS]
    expected = [plain(t, c) for t, c in jobs]
    results: dict[tuple[int, int], bytes] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(worker: int) -> None:
        try:
            start.wait()
            for round_ in range(3):
                for i in range(len(jobs)):
                    j = (i + worker + round_) % len(jobs)
                    results[worker, round_ * 100 + j] = render.render(*jobs[j])
        except BaseException as exc:    # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 8 * 3 * len(jobs)
    for (_, key), got in results.items():
        assert_same_package(expected[key % 100], got)


# ---- the body parsed in place, docxtpl's fix_tables skipped when it changes nothing ------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def document_xml(package: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(package)).read("word/document.xml")


def test_every_shipped_template_parses_its_body_in_place():
    for kind in documents.KINDS.values():
        doc = render.Reusable(io.BytesIO(render.template_bytes(kind.template)))
        doc.init_docx()
        assert doc._frame is not None, kind.template


@pytest.mark.parametrize("units", [44, 700])
def test_the_decisions_document_part_is_docxtpls_byte_for_byte(sample, units):
    data = sample("decision")
    data["units"] = [dict(u, name=f"{u['name']} {i}")
                     for i, u in enumerate(data["units"] * (units // len(data["units"]) + 1))
                     ][:units]
    kind = documents.get("decision")
    context = kind.context(schema.parse(kind.input, data))
    doc = render._acquire(render.template_bytes(kind.template))
    doc.init_docx()
    render._rendered(doc, render.sanitize(context), kind.template)
    assert doc._parsed is not None      # the shortcut was taken
    got = doc.package_bytes()
    assert document_xml(got) == document_xml(plain(kind.template, context))
    assert_same_package(plain(kind.template, context), got)


def _table_template(path: Path, *, nested: bool = False, span: str | None = None) -> Path:
    """A user's template with a 3-column table whose middle row loops over columns
    (`{%tc for %}`): docxtpl's fix_tables widens or narrows its grid to the cells."""
    doc = docx.Document()
    doc.add_paragraph("Bảng của {{ person }}")
    table = doc.add_table(rows=3, cols=3)
    for i, text in enumerate(("Một", "Hai", "Ba")):
        table.cell(0, i).text = text
    row = table.rows[1].cells
    row[0].text, row[1].text, row[2].text = "{%tc for c in cols %}", "{{ c }}", "{%tc endfor %}"
    for i in range(3):
        table.cell(2, i).text = f"ô {i}"
    if span is not None:
        tc_pr = table.cell(2, 0)._tc.get_or_add_tcPr()
        grid_span = etree.SubElement(tc_pr, f"{W}gridSpan")
        grid_span.set(f"{W}val", span)
    if nested:
        inner = table.cell(2, 2).add_table(rows=1, cols=2)
        inner.cell(0, 0).text, inner.cell(0, 1).text = "{{ person }}", "trong"
    doc.save(path)
    return path


def _grid(package: bytes) -> list[list[str]]:
    root = etree.fromstring(document_xml(package))
    return [[c.get(f"{W}w") for c in tbl.find(f"{W}tblGrid")] for tbl in root.iter(f"{W}tbl")]


@pytest.mark.parametrize("nested", [False, True])
def test_tables_whose_grid_docxtpl_fixes_render_as_docxtpl(tmp_path, nested):
    path = _table_template(tmp_path / "table.docx", nested=nested)
    grids = []
    for cols in (["a", "b", "c"], ["a", "b", "c", "d", "e"], ["a"], [], ["x & <y>"] * 3):
        ctx = {"person": "Lò Văn Thản", "cols": cols}
        got = render.render(path, ctx)
        assert document_xml(got) == document_xml(plain(path, ctx)), cols
        assert_same_package(plain(path, ctx), got)
        grids.append(_grid(got)[0])
    assert len(grids[1]) == 5 and len(grids[0]) == 3    # fix_tables did widen the grid
    assert grids[0] != grids[1]


@pytest.mark.parametrize("span", ["2", "3", "7"])
def test_spanned_cells_count_as_docxtpl_counts_them(tmp_path, span):
    path = _table_template(tmp_path / "span.docx", span=span)
    for cols in (["a", "b", "c"], ["a", "b", "c", "d"], ["a"]):
        ctx = {"person": "A", "cols": cols}
        assert document_xml(render.render(path, ctx)) == document_xml(plain(path, ctx)), cols


def test_a_span_docxtpl_refuses_fails_as_it_fails(tmp_path):
    path = _table_template(tmp_path / "odd.docx", span="2.5")
    ctx = {"person": "A", "cols": ["a", "b", "c"]}
    with pytest.raises(ValueError) as want:
        plain(path, ctx)
    with pytest.raises(ValueError) as got:
        render.render(path, ctx)
    assert str(got.value) == str(want.value)


def test_a_body_that_is_not_well_formed_is_recovered_as_docxtpl_recovers_it(tmp_path):
    doc = docx.Document()
    doc.add_paragraph("Trước {{ raw|safe }} sau")
    doc.add_paragraph("{{ person }}")
    path = tmp_path / "broken.docx"
    doc.save(path)
    for raw in ("<w:r>", "</w:p>", "&nbsp;", "<x:y/>", "ok", "</w:t></w:r></w:p></w:body>"
                "<w:body><w:p><w:r><w:t>", "</w:t></w:r></w:p></w:body>tail<w:body><w:p><w:r><w:t>",
                "</w:t></w:r></w:p></w:body><!-- c --><w:body><w:p><w:r><w:t>"):
        ctx = {"raw": raw, "person": "Hà & Vi"}
        got = render.render(path, ctx)
        assert document_xml(got) == document_xml(plain(path, ctx)), raw


def test_headers_without_jinja_rendered_once_equal_docxtpls_every_time(tmp_path):
    """A constant header (its rendering reused from the first render) beside a footer and
    a second section's header that use the context."""
    doc = docx.Document()
    doc.sections[0].header.paragraphs[0].text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM & <x>"
    doc.sections[0].footer.paragraphs[0].text = "{{ person }}"
    doc.add_paragraph("Họ và tên: {{ person }}")
    second = doc.add_section()
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "Trang của {{ person }}"
    doc.add_paragraph("Phần hai")
    path = tmp_path / "headers.docx"
    doc.save(path)
    for person in ("Lò Văn Thản", "Hà & Vi", "Lò Văn Thản", HOSTILE):
        ctx = {"person": person}
        got = render.render(path, ctx)
        assert_same_package(plain(path, ctx), got)
        with zipfile.ZipFile(io.BytesIO(got)) as zf:
            texts = ["".join(etree.fromstring(zf.read(n)).itertext()) for n in zf.namelist()
                     if "/header" in n or "/footer" in n]
        assert sum("CỘNG HÒA" in t for t in texts) == 1
        assert sum(unicodedata.normalize("NFC", person) in t for t in texts) == 2
    pooled = render._pool[render.template_bytes(path)][0]
    assert len(pooled._constant_parts) == 1       # the constant header, loaded once
