"""The one renderer: strict variables, escaping, NFC, refused control characters, caching."""

from __future__ import annotations

import os
import unicodedata

import docx
import pytest

from docgen import render
from docgen.errors import InputError, TemplateProblem
from helpers import texts


@pytest.fixture
def template(tmp_path):
    def make(*lines: str, name: str = "t.docx"):
        doc = docx.Document()
        for line in lines:
            doc.add_paragraph(line)
        path = tmp_path / name
        doc.save(path)
        return path
    return make


@pytest.mark.parametrize("value", [
    pytest.param("A & B <Chi nhánh> \"x\" 'y'", id="XML specials are printed as typed"),
    pytest.param("{{ not_evaluated }}", id="template syntax in a value stays literal"),
    pytest.param("Xã   Na  Mèo", id="runs of spaces in a context value are kept"),
])
def test_values_render_faithfully(template, value):
    assert texts(render.render(template("{{ v }}"), {"v": value})) == [value]


def test_values_are_nfc_normalised(template):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Ượng")
    out = texts(render.render(template("{{ v }}"), {"v": nfd}))
    assert out == ["Nguyễn Thị Ượng"] and unicodedata.is_normalized("NFC", out[0])


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x0c", "\x07", "\x1f", "\ufffe"])
def test_characters_xml_forbids_are_refused_naming_the_key(template, char):
    with pytest.raises(InputError) as err:
        render.render(template("{{ a.b[0] }}"), {"a": {"b": [f"x{char}y"]}})
    path, message = err.value.problems[0]
    assert path == "a.b[1]" and f"U+{ord(char):04X}" in message


def test_a_missing_variable_names_the_variable_and_the_template(template):
    with pytest.raises(TemplateProblem) as err:
        render.render(template("{{ present }} {{ absent }}", name="mau-rieng.docx"), {"present": 1})
    assert "absent" in err.value.message and "mau-rieng.docx" in err.value.message


def test_broken_jinja_names_the_template(template):
    with pytest.raises(TemplateProblem) as err:
        render.render(template("{% for x in %}", name="hong.docx"), {})
    assert "hong.docx" in err.value.message and "cú pháp" in err.value.message


def test_a_file_that_is_not_a_docx_is_a_template_problem(tmp_path):
    path = tmp_path / "x.docx"
    path.write_text("plain text")
    with pytest.raises(TemplateProblem):
        render.render(path, {})


def test_template_bytes_are_cached_until_the_file_changes(template):
    path = template("{{ v }}")
    first = render.template_bytes(path)
    assert render.template_bytes(path) is first
    doc = docx.Document()
    doc.add_paragraph("mới {{ v }}")
    doc.save(path)
    os.utime(path, (1, 1))
    assert render.template_bytes(path) is not first
    assert texts(render.render(path, {"v": "x"})) == ["mới x"]


def test_variables_of_a_template(template):
    assert render.template_variables(template("{{ a }} {% for x in items %}{{ x }}{% endfor %}")) \
        == {"a", "items"}


def test_render_document_with_input_already_validated_gives_the_same_document(sample):
    import docgen

    data = sample("decision")
    _, parsed = docgen.prepare("decision", data)
    assert texts(docgen.render_document("decision", data, parsed=parsed)) == \
        texts(docgen.render_document("decision", data))
    _, plan = docgen.prepare("plan", sample("plan"))
    with pytest.raises(TypeError, match="DecisionInput"):
        docgen.render_document("decision", data, parsed=plan)


def test_loaded_templates_are_pooled_within_bounds(template):
    """Each template version is opened once and reused; the pool keeps at most
    POOL_TEMPLATES versions, and an edited template is opened anew."""
    first = template("{{ v }}", name="first.docx")
    render.render(first, {"v": "một"})
    pooled = render._pool[render.template_bytes(first)][0]
    render.render(first, {"v": "hai"})
    assert render._pool[render.template_bytes(first)] == [pooled]
    for i in range(render.POOL_TEMPLATES + 3):
        assert texts(render.render(template(f"{i} {{{{ v }}}}", name=f"t{i}.docx"),
                                   {"v": "x"})) == [f"{i} x"]
    assert len(render._pool) <= render.POOL_TEMPLATES
    assert render.template_bytes(first) not in render._pool


def test_the_package_opens_in_zipfile_with_docxtpls_entry_order(template):
    import io
    import zipfile

    out = zipfile.ZipFile(io.BytesIO(render.render(template("{{ v }}"), {"v": "Mường Lát"})))
    assert out.testzip() is None
    names = out.namelist()
    assert names[:2] == ["[Content_Types].xml", "_rels/.rels"]
    assert names.index("word/document.xml") < names.index("word/_rels/document.xml.rels")
    assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in out.infolist())
