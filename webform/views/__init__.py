"""One blueprint per area; helpers shared by the views live here."""

from __future__ import annotations

from flask import abort, current_app, flash

from docgen.errors import InputError, UserError
from docgen.store import Store


def store() -> Store:
    """The app's database (one Store per process)."""
    return current_app.extensions["docgen_store"]


def or_404(value):
    if value is None:
        abort(404)
    return value


def show_problems(form, exc: UserError) -> None:
    """Put an InputError's messages on the form's fields; flash what has no field."""
    if isinstance(exc, InputError):
        for name, messages in exc.by_field().items():
            field = form._fields.get(name.split(".")[0].split("[")[0]) if form else None
            if field is not None:
                field.errors = list(field.errors or []) + messages
            else:
                for message in messages:
                    flash(message, "error")
    else:
        flash(exc.message, "error")
