"""One blueprint per area; helpers shared by the views live here."""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, g
from sqlalchemy import func, select

from docgen.errors import InputError, UserError
from docgen.store import Assessment, Store


def store() -> Store:
    """The app's database (one Store per process)."""
    return current_app.extensions["docgen_store"]


def jobs():
    """The app's long jobs (webform.jobs.Jobs)."""
    return current_app.extensions["docgen_jobs"]


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


def latest_year() -> int:
    """The latest year with stored outcomes, or last year when there are none."""
    with store().session(readonly=True) as s:
        year = s.scalar(select(func.max(Assessment.year)))
    return year or dt.date.today().year - 1


def as_id(value) -> int | None:
    """A row id from form text, or None for anything that is not a positive whole number."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def scope():
    """What the signed-in user may see (docgen.store.Scope)."""
    return g.scope


def visible(value, check):
    """`value` when the user's scope allows it (check: scope.unit, scope.body…), else 404."""
    if value is None or not check(value):
        abort(404)
    return value
