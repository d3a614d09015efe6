"""The fast fill renders what docxtpl renders: the same forms, row by row, both ways.

For the commitment and the registration forms, N rows (hostile values among them: `&`,
`<`, quotes, decomposed Unicode, tabs and line breaks, long text, empty fields) are
rendered by `docgen.render.render` (docxtpl's public API), one document per row, and by
`docgen.fastfill.FastTemplate`: one merged document, and one document per row. The merged
document's paragraphs — text, paragraph properties and every run's formatting — are the
docxtpl documents' paragraphs in order (only the separators differ: a page break before
a form, or a section break after it); each single document's body is docxtpl's, canonical
XML for canonical XML.
"""

from __future__ import annotations

import copy
import io
import struct
import unicodedata
import zipfile
import zlib

import pytest
from lxml import etree

from docgen import batch, documents, fastfill, importers, render, schema
from docgen.samples import SAMPLES_DIR, sample_inputs

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LONG = ("Chấp hành nghiêm chỉnh chủ trương của Đảng, chính sách, pháp luật của Nhà nước & "
        "các quy định <của địa phương> về bảo đảm an ninh, trật tự; ") * 6
NFD = unicodedata.normalize("NFD", "Nguyễn Thị Hằng Ngữ")

COMMITMENT_DEFAULTS = {"year": 2022, "district": "huyện Quan Sơn", "province": "tỉnh Thanh Hóa"}
COMMITMENTS = [
    {"full_name": "Lò Văn Thản", "birth_year": 1978, "id_number": "038078004512",
     "members": 5, "area": "Bản Na Mèo", "commune": "Xã Na Mèo", "place": "Na Mèo",
     "recipient": "Ban Công tác Mặt trận bản Na Mèo", "confirmer_name": "Vi Văn Hoàn"},
    {"full_name": 'Hà Văn "Bình" & <Con> \'Út\'', "area": "Bản <Son> & Bản Bách",
     "commune": "Xã Sơn Điện", "recipient": "Ban «Công tác» Mặt trận & Trưởng bản"},
    {"full_name": NFD, "area": unicodedata.normalize("NFD", "Khu phố Đồng Tâm"),
     "commune": "Thị trấn Sơn Lư", "address": "Số 7, ngõ 3 & đường Lê Lợi",
     "birth_year": "1990", "members": "3", "date": "2022-03-15"},
    {"full_name": "Phạm Thị Mai", "household": False, "unit": "Trường THCS Na Mèo & <Bán trú>",
     "position": "Giáo viên", "commune": "Xã Na Mèo", "area": "",
     "commitments": ["Cam kết thứ nhất:\tkhông vi phạm pháp luật;\nxuống dòng trong ô", LONG,
                     "{{ full_name }} {% if x %} là chữ, không phải biến"],
     "closing": "Nếu vi phạm, tôi xin chịu trách nhiệm trước pháp luật & cơ quan."},
    {"full_name": "A" * 100, "area": "B" * 100, "commune": "C" * 100, "address": "Đ" * 200,
     "recipient": "R" * 200, "closing": "K" * 500, "confirmer_title": "Trưởng bản",
     "confirmer_name": "Ê" * 100},
    {"full_name": "Cầm Bá Tiến", "area": "Bản Mùa Xuân", "commune": "Xã Mường Mìn",
     "place": "", "district": "", "province": "", "recipient": ""},
]

REGISTRATION_DEFAULTS = {"year": 2022, "commune": "Xã Na Mèo", "place": "Na Mèo",
                         "plan_reference": "Kế hoạch số 45/KH-BCĐ ngày 09 tháng 5 năm 2022"}
REGISTRATIONS = [
    {"unit": "Bản Na Mèo", "kind": "Khu dân cư", "superior": "UBND xã Na Mèo",
     "households": 126, "date": "2022-05-16", "copies": ["Như trên", "Công an xã Na Mèo"],
     "signer": {"position": "Trưởng bản", "name": "Vi Văn Hoàn"}},
    {"unit": "Trường THPT <Quan Sơn> & \"Bán trú\"", "kind": "co_so_giao_duc",
     "recipients": ["Ủy ban nhân dân huyện Quan Sơn & Công an huyện"], "people": 640,
     "superior": "Sở Giáo dục & Đào tạo", "signer": {"position": "Hiệu trưởng",
                                                      "name": NFD}},
    {"unit": "Công ty TNHH MTV Thủy điện 'Trung Sơn'", "kind": "Doanh nghiệp",
     "recipients": ["Ủy ban nhân dân huyện Quan Sơn"], "superior": "",
     "criteria": ["Tiêu chí một:\tđủ điều kiện;\ndòng thứ hai", LONG],
     "closing": "Đề nghị xem xét & công nhận.",
     "signer": {"authority": "KT.", "on_behalf": "Giám đốc", "position": "Phó Giám đốc",
                "name": "Nguyễn Văn Dũng"}},
    {"unit": "U" * 200, "kind": "Cơ quan", "recipients": ["R" * 300], "superior": "S" * 200,
     "signer": {"position": "P" * 100, "name": "N" * 100}},
    {"unit": "Bản Mùa Xuân", "kind": "khu dân cư", "commune": "", "place": "Mường Mìn",
     "recipients": ["Ủy ban nhân dân xã Mường Mìn"], "copies": [],
     "signer": {"position": "Trưởng bản", "name": "Lương Văn Mạnh"}},
]


def contexts(kind_name: str, defaults: dict, rows: list[dict]) -> list[dict]:
    kind = documents.get(kind_name)
    return [kind.context(schema.parse(kind.input, {**defaults, **row})) for row in rows]


def document_xml(docx: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")


def paragraphs(xml: bytes) -> list[tuple[bytes, list[tuple[str, bytes]]]]:
    """Every paragraph in document order (tables' too): its properties as canonical XML,
    without the separators the merged document adds, and its runs as (text, formatting)."""
    found = []
    for p in etree.fromstring(xml).iter(f"{W}p"):
        props = p.find(f"{W}pPr")
        if props is not None:
            props = copy.deepcopy(props)
            for tag in ("pageBreakBefore", "sectPr"):
                for element in props.findall(f"{W}{tag}"):
                    props.remove(element)
        runs = []
        for r in p.iter(f"{W}r"):
            text = "".join(c.text or "" if c.tag == f"{W}t" else "\t" if c.tag == f"{W}tab"
                           else "\n" if c.tag == f"{W}br" else "" for c in r)
            fmt = r.find(f"{W}rPr")
            runs.append((text, b"" if fmt is None else etree.tostring(fmt, method="c14n")))
        found.append((b"" if props is None else etree.tostring(props, method="c14n"), runs))
    return found


def canonical(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n")


def merged(kind_name: str, ctxs: list[dict]) -> bytes:
    fast = fastfill.FastTemplate(documents.get(kind_name).template)
    out = io.BytesIO()
    assert fast.write(out, ctxs, len(ctxs)) == len(ctxs)
    return document_xml(out.getvalue())


CASES = [("commitment", COMMITMENT_DEFAULTS, COMMITMENTS),
         ("registration", REGISTRATION_DEFAULTS, REGISTRATIONS)]


@pytest.mark.parametrize("kind_name, defaults, rows", CASES, ids=[c[0] for c in CASES])
def test_the_merged_forms_are_docxtpls_paragraph_by_paragraph(kind_name, defaults, rows):
    ctxs = contexts(kind_name, defaults, rows)
    template = documents.get(kind_name).template
    expected = [paragraphs(document_xml(render.render(template, c))) for c in ctxs]
    got = paragraphs(merged(kind_name, ctxs))
    assert len(got) == sum(map(len, expected))
    start = 0
    for row, want in enumerate(expected, 1):
        assert got[start:start + len(want)] == want, f"row {row}"
        start += len(want)


@pytest.mark.parametrize("kind_name, defaults, rows", CASES, ids=[c[0] for c in CASES])
def test_each_single_form_is_docxtpls_body(kind_name, defaults, rows):
    ctxs = contexts(kind_name, defaults, rows)
    fast = fastfill.FastTemplate(documents.get(kind_name).template)
    base = fast.base_package(ctxs[0])
    for row, ctx in enumerate(ctxs, 1):
        want = document_xml(render.render(documents.get(kind_name).template, ctx))
        assert canonical(document_xml(fast.single(ctx, base))) == canonical(want), f"row {row}"


def test_hostile_values_reach_the_forms_as_typed():
    xml = merged("commitment", contexts("commitment", COMMITMENT_DEFAULTS, COMMITMENTS))
    text = "\n".join("".join(t for t, _ in runs) for _, runs in paragraphs(xml))
    assert 'Hà Văn "Bình" & <Con> \'Út\'' in text.replace("HÀ VĂN", "Hà Văn")
    assert unicodedata.normalize("NFC", NFD) in text and NFD not in text
    assert "{{ full_name }} {% if x %} là chữ, không phải biến" in text
    assert "Cam kết thứ nhất:\tkhông vi phạm pháp luật;\nxuống dòng trong ô" in text
    assert "Đ" * 200 in text


@pytest.mark.parametrize("kind_name, separator, count", [
    ("commitment", "pageBreakBefore", 5),    # a page break before every form but the first
    ("registration", "sectPr", 4),           # a section (page numbers restart) each: a
])                                           # break after every form, the body's for the last
def test_forms_are_separated_once_each(kind_name, separator, count):
    defaults, rows = {c[0]: c[1:] for c in CASES}[kind_name]
    root = etree.fromstring(merged(kind_name, contexts(kind_name, defaults, rows)))
    assert len(root.findall(f".//{W}pPr/{W}{separator}")) == count
    if separator == "sectPr":
        assert len(list(root.iter(f"{W}sectPr"))) == count + 1
        for sect in root.iter(f"{W}sectPr"):
            assert sect.find(f"{W}pgNumType").get(f"{W}start") == "1"


def test_the_sample_households_fill_as_docxtpl_renders_them():
    table = importers.read(SAMPLES_DIR / "quan-son-2022" / "households.xlsx", "commitment")
    good, _ = batch.validate("commitment", table, COMMITMENT_DEFAULTS)
    kind = documents.get("commitment")
    ctxs = [kind.context(g.parsed) for g in good[:25]]
    got = paragraphs(merged("commitment", ctxs))
    want = [p for c in ctxs for p in paragraphs(document_xml(render.render(kind.template, c)))]
    assert len(ctxs) == 25 and got == want


def _png() -> bytes:
    """A 1×1 white PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


def test_drawings_get_the_ids_docxtpl_gives(tmp_path):
    """A user's template with a picture: ids renumbered from 1001 as docxtpl does."""
    import docx
    from docx.shared import Cm
    png = _png()
    source = docx.Document()
    source.add_paragraph("Họ và tên: {{ full_name }}")
    source.add_picture(io.BytesIO(png), width=Cm(1))
    source.add_picture(io.BytesIO(png), width=Cm(1))
    path = tmp_path / "own.docx"
    source.save(path)
    ctxs = [{"full_name": "Lò Văn <Thản>"}, {"full_name": "Hà & Vi"}]
    fast = fastfill.FastTemplate(path)
    base = fast.base_package(ctxs[0])
    for ctx in ctxs:
        want = document_xml(render.render(path, ctx))
        assert canonical(document_xml(fast.single(ctx, base))) == canonical(want)
    out = io.BytesIO()
    fast.write(out, ctxs, 2)
    ids = [e.get("id") for e in etree.fromstring(document_xml(out.getvalue())).iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert ids == ["1001", "1002", "1003", "1004"]


@pytest.mark.parametrize("folder, name, kind", sample_inputs(),
                         ids=[f"{f}/{n}" for f, n, _ in sample_inputs()])
def test_the_renderers_shortcuts_change_nothing_docxtpl_renders(folder, name, kind):
    """render.render keeps docxtpl's patch_xml of a template and skips resolve_listing
    when there is nothing to resolve: every part is what a plain DocxTemplate gives."""
    from docxtpl import DocxTemplate

    from docgen.samples import load_sample
    kind = documents.get(kind)
    data = load_sample(name, folder)
    if name == "commitment":     # tabs and line breaks for resolve_listing to resolve
        data["commitments"] = ["Một:\tmột;\nhai & <ba>", LONG]
    context = kind.context(schema.parse(kind.input, data))
    plain = DocxTemplate(io.BytesIO(render.template_bytes(kind.template)))
    plain.render(render.sanitize(context), jinja_env=render.environment(), autoescape=True)
    expected = io.BytesIO()
    plain.save(expected)
    want, got = (zipfile.ZipFile(io.BytesIO(d)) for d in (expected.getvalue(),
                                                          render.render(kind.template, context)))
    assert want.namelist() == got.namelist()
    for part in want.namelist():
        a, b = want.read(part), got.read(part)
        if part.endswith((".xml", ".rels")):
            a, b = canonical(a), canonical(b)
        assert a == b, part
