"""WTForms built from a document kind's input definition — the same one the CLI uses.

The form only collects text; validation happens once, in `docgen.schema.parse`, and its
field paths ("units[3].name") are mapped back onto form fields ("units-2-name") so each
message shows next to its field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import types
import typing
from typing import Any

from flask import current_app, g, request
from flask_wtf import FlaskForm
from wtforms import (BooleanField, FieldList, Form, FormField, SelectField, StringField,
                     TextAreaField)

from docgen import labels
from docgen.schema import Spec, spec_of

from . import widgets

EXTRA_ROWS = 3  # blank rows offered at the end of a list of records

try:  # WTForms 3.3 deprecates (value, label) tuples
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    SelectChoice = None


def choices(pairs) -> list:
    """Select options from (value, label) pairs, in the form this WTForms version wants."""
    return [SelectChoice(v, label) if SelectChoice else (v, label) for v, label in pairs]


@functools.cache
def _fields(cls: type) -> tuple[tuple[dataclasses.Field, Spec, Any], ...]:
    # Cached: resolving the string annotations is slow, and a form with a list of 40
    # units reads its row class's fields once per row.
    hints = typing.get_type_hints(cls)
    return tuple((f, spec_of(f), hints[f.name]) for f in dataclasses.fields(cls)
                 if "spec" in f.metadata)


def _record_type(hint: Any) -> Any:
    if typing.get_origin(hint) is list:
        return typing.get_args(hint)[0]
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    return args[0] if args else hint


def _wtf_field(spec: Spec, hint: Any, *, required: bool, in_rows: bool = False):
    kw = {"label": spec.label, "description": spec.help,
          "render_kw": {"data-required": "1"} if required else {}}
    if spec.kind == "text":
        if spec.multiline:
            return TextAreaField(widget=widgets.TextArea(), **kw)
        return StringField(widget=widgets.TextInput(), **kw)
    if spec.kind == "text_list":
        kw["description"] = (spec.help + " " if spec.help else "") + "(mỗi dòng một mục)"
        return TextAreaField(widget=widgets.TextArea(), **kw)
    if spec.kind in ("integer", "score"):
        # parsed by the schema, so bad text gets its message
        return StringField(widget=widgets.TextInput(), **kw)
    if spec.kind == "day":
        return StringField(widget=widgets.TextInput(),
                           **{**kw, "render_kw": {**kw["render_kw"], "type": "date"}})
    if spec.kind == "boolean":
        return BooleanField(widget=widgets.CheckboxInput(), **kw)
    if spec.kind == "choice":
        blank = [] if required and not in_rows else [("", "— chọn —")]
        return SelectField(validate_choice=False, choices=choices(blank + list(spec.options)),
                           widget=widgets.Select(), **kw)
    if spec.kind == "record":
        return FormField(subform_class(_record_type(hint)), label=spec.label)
    if spec.kind == "items":
        return FieldList(FormField(subform_class(_record_type(hint), in_rows=True)),
                         label=spec.label, min_entries=0)
    raise AssertionError(spec.kind)


_cache: dict[tuple[type, bool, bool], type] = {}


def subform_class(cls: type, *, csrf: bool = False, in_rows: bool = False) -> type:
    """A WTForms class with one field per input field of `cls` (nested forms for records);
    `in_rows` offers an empty choice in selects so spare table rows stay empty."""
    key = (cls, csrf, in_rows)
    if key in _cache:
        return _cache[key]
    base = FlaskForm if csrf else Form
    attrs = {}
    for field, spec, hint in _fields(cls):
        required = field.default is dataclasses.MISSING and \
            field.default_factory is dataclasses.MISSING
        attrs[field.name] = _wtf_field(spec, hint, required=required, in_rows=in_rows)
    form_cls = type(f"{cls.__name__}Form", (base,), attrs)
    form_cls.input_class = cls  # what its messages' field paths refer to (attach_errors)
    _cache[key] = form_cls
    return form_cls


def form_class(cls: type) -> type:
    """The top-level form (with CSRF) for a kind's input dataclass."""
    return subform_class(cls, csrf=True)


def to_formdata(cls: type, data: dict) -> dict:
    """Values for `form_cls(data=...)` from a JSON-like input (lists joined by lines)."""
    out: dict[str, Any] = {}
    for field, spec, hint in _fields(cls):
        value = data.get(field.name)
        if value is None:
            continue
        if spec.kind == "text_list":
            out[field.name] = "\n".join(value)
        elif spec.kind == "record":
            out[field.name] = to_formdata(_record_type(hint), value)
        elif spec.kind == "items":
            out[field.name] = [to_formdata(_record_type(hint), v) for v in value]
        elif spec.kind == "choice":
            out[field.name] = _choice_code(spec, value)
        elif spec.kind == "day" and isinstance(value, str):
            out[field.name] = _iso(value)
        else:
            out[field.name] = value
    return out


def _choice_code(spec: Spec, value: Any) -> str:
    """The option value (the record's code) for a stored code or label."""
    record = spec.resolve(str(value)) if spec.resolve else None
    return record.code if record is not None else str(value)


def _iso(value: str) -> str:
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value.strip())
    return f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}" if m else value


def from_form(cls: type, form: Form | Submitted) -> dict:
    """A JSON-like input from a submitted form; blank optional values are left out."""
    out: dict[str, Any] = {}
    for field, spec, hint in _fields(cls):
        wtf = form[field.name]
        if spec.kind == "record":
            out[field.name] = from_form(_record_type(hint), wtf.form)
        elif spec.kind == "items":
            item_cls = _record_type(hint)
            typed = [f.name for f, s, _ in _fields(item_cls)
                     if s.kind in ("text", "integer", "day", "score", "choice")]
            rows = [from_form(item_cls, entry.form) for entry in wtf.entries]
            # A row whose cells are all empty is one of the spare rows: not data (a choice
            # counts: a row may hold only a result chosen from a list).
            out[field.name] = [r for r in rows if any(str(r.get(n) or "").strip() for n in typed)]
        elif spec.kind == "text_list":
            text = wtf.data or ""
            out[field.name] = [line for line in text.splitlines() if line.strip()]
            if not out[field.name]:
                del out[field.name]
        elif spec.kind == "boolean":
            out[field.name] = bool(wtf.data)
        else:
            value = wtf.data
            if isinstance(value, (dt.date,)):
                value = value.isoformat()
            if value in (None, "") and field.default is not dataclasses.MISSING:
                continue
            out[field.name] = "" if value is None else value
    return out


class Submitted:
    """The values a submitted form of `cls` holds, read straight from the request's form
    data in the shape `from_form` reads (`form[name].data`, `.form`, `.entries`), the
    way WTForms would process them — without binding a field per cell of every row."""

    def __init__(self, cls: type, formdata, prefix: str = ""):
        self._fields = {f.name: (spec, hint) for f, spec, hint in _fields(cls)}
        self._formdata, self._prefix = formdata, prefix

    def __getitem__(self, name: str) -> types.SimpleNamespace:
        spec, hint = self._fields[name]
        key, formdata = self._prefix + name, self._formdata
        if spec.kind == "record":                   # FormField: prefix "name-"
            return types.SimpleNamespace(form=Submitted(_record_type(hint), formdata, key + "-"))
        if spec.kind == "items":                    # FieldList: rows "name-<index>-…"
            indices = set()
            for k in formdata:                      # as FieldList._extract_indices
                if k.startswith(key):
                    k = k[len(key) + 1:].split("-", 1)[0]
                    if k.isdigit():
                        indices.add(int(k))
            item_cls = _record_type(hint)
            return types.SimpleNamespace(entries=[
                types.SimpleNamespace(form=Submitted(item_cls, formdata, f"{key}-{i}-"))
                for i in sorted(indices)])
        if spec.kind == "boolean":                  # BooleanField.false_values
            raw = formdata.getlist(key)
            return types.SimpleNamespace(data=bool(raw) and raw[0] not in (False, "false", ""))
        return types.SimpleNamespace(data=formdata.get(key))


def submitted(cls: type) -> Submitted | None:
    """The posted form of `cls` as `Submitted`, when building the WTForms form would read
    `request.form` and validate (no uploaded files; CSRF already checked by CSRFProtect,
    or switched off); None otherwise, and the caller builds the form as usual."""
    csrf_done = g.get("csrf_valid", False) or not current_app.config.get("WTF_CSRF_ENABLED", True)
    if request.method != "POST" or request.files or not request.form or not csrf_done:
        return None
    return Submitted(cls, request.form)


def attach_errors(form: Form, problems: list[tuple[str, str]]) -> list[str]:
    """Put schema messages on the matching form fields (a cross-field rule's on the field it
    names, `docgen.labels.place`); returns the messages with no field of their own, each
    opening with its field's label — never a field's internal name."""
    cls = getattr(form, "input_class", None)
    unplaced = []
    for path, message in problems:
        if cls is not None:
            path, message = labels.place(cls, path, message)
        target = _find(form, path)
        if target is None or isinstance(target, FormField):  # a record: no input to mark
            named = (labels.label(cls, path) if cls is not None else None) or ""
            unplaced.append(f"{named}: {message}" if named else message)
        else:
            if not isinstance(target.errors, list):
                target.errors = list(target.errors or [])
            target.errors.append(message)
    return unplaced


def _find(form, path: str):
    node = form
    if not path:
        return None
    for part in path.split("."):
        m = re.fullmatch(r"(\w+)(?:\[(\d+)\])?", part)
        if not m:
            return None
        name, index = m[1], m[2]
        holder = node.form if hasattr(node, "form") and isinstance(node, FormField) else node
        try:
            node = holder[name]
        except KeyError:
            return None
        if index is not None:
            i = int(index) - 1
            entries = getattr(node, "entries", [])
            if i >= len(entries):
                return node
            node = entries[i]
    return node


def prepare_rows(form: Form, cls: type) -> None:
    """Offer a few blank rows at the end of every list of records."""
    for field, spec, hint in _fields(cls):
        if spec.kind == "items":
            for _ in range(EXTRA_ROWS):
                form[field.name].append_entry()
        elif spec.kind == "record":
            prepare_rows(form[field.name].form, _record_type(hint))


def record_form_class(cls: type, *, wording: dict[str, tuple[str, str]] | None = None,
                      selects: tuple[str, ...] = ()) -> type:
    """The form (with CSRF) of a register record (`docgen.records`): one field per input
    field of `cls`, built as the document forms are. `wording` gives a field the label and
    description the page uses instead of the spec's; `selects` are id fields offered as a
    select whose choices the view sets."""
    attrs = {}
    for field, spec, hint in _fields(cls):
        label, help_text = (wording or {}).get(field.name, (spec.label, spec.help))
        if field.name in selects:
            attrs[field.name] = SelectField(label, description=help_text, coerce=str,
                                            validate_choice=False, widget=widgets.Select())
            continue
        required = field.default is dataclasses.MISSING and \
            field.default_factory is dataclasses.MISSING
        if spec.kind == "choice" and any(code == "" for code, _ in spec.options):
            # an option of code "" (signed directly) stands for the blank one
            attrs[field.name] = SelectField(label, description=help_text, validate_choice=False,
                                            choices=choices(spec.options), widget=widgets.Select())
            continue
        wtf = _wtf_field(dataclasses.replace(spec, label=label, help=help_text), hint,
                         required=required)
        if spec.kind == "boolean":
            wtf.kwargs["default"] = field.default
        attrs[field.name] = wtf
    form_cls = type(f"{cls.__name__}Form", (FlaskForm,), attrs)
    form_cls.input_class = cls
    return form_cls


def shown(field) -> str:
    """A field's value as a reader sees it, for pages without inputs (a viewer's): the
    chosen option's label, «Có» or «Không», or the text ("" when empty)."""
    if isinstance(field, BooleanField):
        return "Có" if field.data else "Không"
    if isinstance(field, SelectField):
        for value, label, *_ in field.iter_choices():
            if str(value) == str(field.data if field.data is not None else ""):
                return str(label) if value != "" else ""
        return str(field.data or "")
    return str(field.data if field.data is not None else "")
