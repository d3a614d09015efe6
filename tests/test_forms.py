"""The generated forms' two shortcuts are exact: the fast widgets give WTForms' HTML byte
for byte, and a posted form read without WTForms (`forms.Submitted`) gives the same input
as the bound WTForms form, for every kind, hostile text, removed and repeated fields."""

from __future__ import annotations

import copy
import re

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings, strategies as st
from werkzeug.datastructures import MultiDict
from wtforms import widgets as wtf_widgets
from wtforms.fields import FieldList, FormField

from docgen import documents
from docgen.samples import load_sample
from webform import forms, widgets

KINDS = list(documents.KINDS)
HOSTILE = ["A & B <Chi nhánh> \"số 1\" 'x'", "", "  ", "Xã\tNa Mèo\r\ndòng 2", "</select>",
           "&amp; &#34; {{ x }}", "Nguyễn Thị Ượng", "x" * 3000]
BASE = {widgets.TextInput: wtf_widgets.TextInput, widgets.TextArea: wtf_widgets.TextArea,
        widgets.CheckboxInput: wtf_widgets.CheckboxInput, widgets.Select: wtf_widgets.Select}


@pytest.fixture(scope="module")
def context():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="kiem-thu", WTF_CSRF_ENABLED=False)
    with app.test_request_context():
        yield


def leaves(form):
    """Every field that renders itself (not a nested form or a list of rows)."""
    for field in form:
        if isinstance(field, FormField):
            yield from leaves(field.form)
        elif isinstance(field, FieldList):
            for entry in field.entries:
                yield from leaves(entry.form)
        else:
            yield field


def hostile(data, texts):
    """`data` with every string replaced by the next of `texts` (cycling)."""
    pool = iter(texts * 1000)
    def walk(value):
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return next(pool) if isinstance(value, str) else value
    return walk(copy.deepcopy(data))


def filled_form(kind: str, data: dict):
    cls = documents.KINDS[kind].input
    form = forms.form_class(cls)(data=forms.to_formdata(cls, data))
    forms.prepare_rows(form, cls)
    return form


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("variant", ["sample", "hostile", "hostile, shifted"])
def test_fast_widgets_give_wtforms_html_byte_for_byte(context, kind, variant):
    data = load_sample(kind)
    if variant != "sample":
        data = hostile(data, HOSTILE[1:] + HOSTILE[:1] if "shifted" in variant else HOSTILE)
    form = filled_form(kind, data)
    checked = set()
    for field in leaves(form):
        if field.type == "CSRFTokenField":
            continue
        ours = field.widget
        assert type(ours) in BASE, f"{field.name} uses {type(ours).__name__}, not a fast widget"
        for extra in ({}, {"class_": "x", "data_row_id": 7, "aria_label": "Ô «x» & y"}):
            fast = field(**extra)
            field.widget = BASE[type(ours)]()
            try:
                assert fast == field(**extra), field.name
            finally:
                field.widget = ours
        checked.add(type(ours))
    assert widgets.TextInput in checked


def test_a_select_with_a_chosen_value_and_the_blank_choice(context):
    form = filled_form("decision", load_sample("decision"))
    grade = form["units"].entries[0].form["grade"]
    html = str(grade())
    assert re.search(r'<option selected value="[a-z_]+">', html)
    assert html.count("<option") == len(grade.choices)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(
    st.sampled_from(["class_", "for_", "data_row_id", "aria_label", "name", "value", "id",
                     "maxlength", "required", "disabled", "type", "data-x"]),
    st.one_of(st.booleans(), st.integers(-5, 10**6), st.text(max_size=30)), max_size=8))
def test_attributes_are_wtforms_html_params(kwargs):
    assert widgets.attributes(**kwargs) == wtf_widgets.html_params(**kwargs)


# ---- a posted form read without WTForms ------------------------------------------------

def posted(kind: str, data: dict) -> MultiDict:
    """What a browser posts back for the form filled with `data`."""
    form = filled_form(kind, data)
    out = MultiDict()
    for field in leaves(form):
        if field.type == "BooleanField":
            if field.data:
                out.add(field.name, "y")
        elif field.type != "CSRFTokenField":
            out.add(field.name, field._value() if field.type != "SelectField" else
                    (field.data or ""))
    return out


def both(kind: str, formdata: MultiDict) -> tuple[dict, dict]:
    cls = documents.KINDS[kind].input
    bound = forms.form_class(cls)(formdata=formdata)
    return (forms.from_form(cls, forms.Submitted(cls, formdata)), forms.from_form(cls, bound))


@pytest.mark.parametrize("kind", KINDS)
def test_a_posted_form_reads_the_same_without_wtforms(context, kind):
    for data in (load_sample(kind), hostile(load_sample(kind), HOSTILE)):
        fast, slow = both(kind, posted(kind, data))
        assert fast == slow


MUTATIONS = st.lists(st.tuples(
    st.sampled_from(["drop", "repeat", "blank", "junk key", "row index", "false", "text"]),
    st.integers(0, 10**6), st.text(max_size=20)), max_size=12)


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), mutations=MUTATIONS)
def test_a_tampered_form_reads_the_same_without_wtforms(context, kind, mutations):
    formdata = posted(kind, load_sample(kind))
    keys = list(formdata.keys())
    for what, n, text in mutations:
        key = keys[n % len(keys)]
        if what == "drop":
            formdata.poplist(key)
        elif what == "repeat":
            formdata.add(key, text)
        elif what == "blank":
            formdata.setlist(key, [""])
        elif what == "junk key":
            formdata.add(text or "units", text)
        elif what == "row index":
            formdata.add(re.sub(r"-\d+-", f"-{n % 60}-", key), text)
        elif what == "false":
            formdata.setlist(key, ["false"])
        else:
            formdata.setlist(key, [text])
    fast, slow = both(kind, formdata)
    assert fast == slow
