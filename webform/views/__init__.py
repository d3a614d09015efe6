"""One blueprint per area; helpers shared by the views live here."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable

from flask import abort, current_app, flash, g, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

from docgen import store as q
from docgen.schema import YEAR_MAX, YEAR_MIN
from docgen.errors import InputError, UserError
from docgen.store import Assessment, Store


def store() -> Store:
    """The app's database (one Store per process)."""
    return current_app.extensions["docgen_store"]


def jobs():
    """The app's long jobs (webform.jobs.Jobs)."""
    return current_app.extensions["docgen_jobs"]


def log(action: str, target: str = "", detail: str = "", *, tx: Session | None = None) -> None:
    """Record an action of the signed-in user in the audit trail: in the transaction of
    the store session `tx` when given (the entry stands or falls with the change it
    records), else in a transaction of its own."""
    user = getattr(g, "user", None)
    entry = (user.username if user else "", action, target, detail, request.remote_addr or "")
    g.audited = True  # webform.downloads records a file only when its view did not
    if tx is not None:
        q.audit(tx, *entry)
        return
    with store().session() as s:
        q.audit(s, *entry)


def save_from_form(form, what: str, save: Callable[[Session], str | tuple[str, str]],
                   detail: str = "") -> bool:
    """Run `save(session)` — it stores the form's record and returns its name, or (name,
    detail) to record more than `detail` — in one transaction with the audit entry «lưu
    <what>»; then flash «Đã lưu <what> «name».» and True. On a UserError its messages go
    next to the form's fields, and False."""
    try:
        with store().session() as s:
            name = save(s)
            if isinstance(name, tuple):
                name, detail = name
            log(f"lưu {what}", name, detail, tx=s)
    except UserError as exc:
        show_problems(form, exc)
        return False
    flash(f"Đã lưu {what} «{name}».", "success")
    return True


def form_page(template: str, form, **context):
    """The page of a form: 200 when shown, 422 when a submission came back with errors."""
    status = 200 if request.method == "GET" or not form.errors else 422
    return render_template(template, form=form, **context), status


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


# Ids are INTEGER columns: 32-bit on PostgreSQL, so no row has a larger id on either
# database, and a larger number must never reach a query (SQLite raises OverflowError,
# PostgreSQL "integer out of range": a 500 either way).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in routes: a whole number from 0 to MAX_ID; a larger one matches no
    route, so it answers 404 (registered as "int" in create_app)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def as_id(value) -> int | None:
    """A row id from form text, or None for anything that is not a whole number from 1 to
    MAX_ID (so a form field answers with its own message)."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID else None


def row_id(value) -> int:
    """An id from a query string or form: `request.args.get("body", type=row_id)`.
    ValueError (the caller's default, usually None) when it is not a whole number; 404 when
    it is one that no row can have (0, negative, beyond MAX_ID)."""
    number = int(str(value).strip())
    if not 0 < number <= MAX_ID:
        abort(404)
    return number


def year_arg(value) -> int:
    """A year from a query string or form: `type=year_arg`; ValueError (the default) unless
    it is a year from schema.YEAR_MIN to YEAR_MAX, so no other number reaches a query."""
    year = int(str(value).strip())
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValueError(f"year out of range: {year}")
    return year


def scope():
    """What the signed-in user may see (docgen.store.Scope)."""
    return g.scope


def visible(value, check):
    """`value` when the user's scope allows it (check: scope.unit, scope.body…), else 404."""
    if value is None or not check(value):
        abort(404)
    return value


def file_label(name: str) -> str:
    """An uploaded file's name as the browser sent it, fit to show and to record: NFC,
    without control characters (which no database or workbook takes), at most 120."""
    shown = "".join(c for c in unicodedata.normalize("NFC", name)
                    if unicodedata.category(c)[0] != "C").strip()
    return shown[:120] or "tệp tải lên"
