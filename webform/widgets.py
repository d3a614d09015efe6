"""WTForms' widgets, giving the same HTML byte for byte, at a fraction of the cost.

A document's form shows a row of fields per unit: the decision of a district with 44
units has over 200 fields and 90 selects. WTForms builds every attribute with
`Markup.format` and, for each select, inspects the signature of `render_option` again;
the page took about 40 ms, three quarters of it in the widgets. These build the same
strings with plain formatting and `markupsafe.escape`; `tests/test_web.py` renders every
kind's form both ways and compares the HTML.
"""

from __future__ import annotations

from markupsafe import Markup, escape
from wtforms import widgets


def _key(key: str) -> str:
    key = key.rstrip("_")  # class_ → class, for_ → for
    return key.replace("_", "-") if key.startswith(("data_", "aria_")) else key


def attributes(**kwargs) -> str:
    """What `wtforms.widgets.html_params` gives: sorted, True as a bare name, False left
    out, values escaped (quotes included)."""
    out = []
    for key, value in sorted(kwargs.items()):
        if value is True:
            out.append(_key(key))
        elif value is not False:
            out.append(f'{_key(key)}="{escape(value)}"')
    return Markup(" ".join(out))


def _flagged(widget, field, kwargs: dict) -> dict:
    kwargs.setdefault("id", field.id)
    flags = getattr(getattr(field, "flags", None), "__dict__", {})  # the flags set on it
    for name in widget.validation_attrs:
        if name not in kwargs and name in flags:
            kwargs[name] = flags[name]
    return kwargs


class TextInput(widgets.TextInput):
    html_params = staticmethod(attributes)


class CheckboxInput(widgets.CheckboxInput):
    html_params = staticmethod(attributes)


class TextArea(widgets.TextArea):
    def __call__(self, field, **kwargs):
        params = attributes(name=field.name, **_flagged(self, field, kwargs))
        return Markup(f"<textarea {params}>\r\n{escape(field._value())}</textarea>")


class Select(widgets.Select):
    def __call__(self, field, **kwargs):
        if self.multiple or field.has_groups():
            return super().__call__(field, **kwargs)
        html = [f"<select {attributes(name=field.name, **_flagged(self, field, kwargs))}>"]
        for choice in field._iter_choices_normalized():
            value = str(choice.value) if isinstance(choice.value, bool) else choice.value
            label = escape(choice.label or choice.value)
            if choice.render_kw:
                options = {"value": value, **choice.render_kw}
                if choice.selected:
                    options["selected"] = True
                html.append(f"<option {attributes(**options)}>{label}</option>")
            else:
                selected = "selected " if choice.selected else ""
                html.append(f'<option {selected}value="{escape(value)}">{label}</option>')
        html.append("</select>")
        return Markup("".join(html))
