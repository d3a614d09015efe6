"""Every shipped template: rebuilt identically by its builder, ND30-clean, and using only
variables its kind provides."""

from __future__ import annotations

import pytest

from docgen import documents, nd30, render
from docgen.builders import builders
from docgen.samples import load_sample, sample_path

TEMPLATES = sorted(builders())
KINDS = [k for k in documents.KINDS.values() if sample_path(k.name).exists()]


@pytest.mark.parametrize("name", TEMPLATES)
def test_committed_template_is_what_its_builder_makes(name, tmp_path):
    builders()[name](tmp_path / name)
    assert (tmp_path / name).read_bytes() == render.template_path(name).read_bytes(), \
        f"templates_docx/{name} is stale: run python -m docgen.builders {name}"


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_passes_the_nd30_checker(name):
    assert nd30.check(render.template_path(name)) == []


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_template_uses_only_variables_the_kind_provides(kind):
    from docgen import schema
    context = kind.context(schema.parse(kind.input, load_sample(kind.name)))
    assert render.template_variables(kind.template) <= set(context)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_every_kind_has_a_template_and_an_abbreviation_rule(kind):
    assert render.template_path(kind.template).exists()
    assert kind.abbreviation is None or kind.abbreviation.isupper() or kind.abbreviation in (
        "QyĐ", "CTr", "TTr")
