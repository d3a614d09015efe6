"""One blueprint per area; helpers shared by the views live here."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import abort, current_app, flash, g, make_response, render_template, request
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

from docgen import labels, store as q
from docgen.schema import YEAR_MAX, YEAR_MIN
from docgen.errors import InputError, UserError
from docgen.store import Assessment, Store


def store() -> Store:
    """The app's database (one Store per process)."""
    return current_app.extensions["docgen_store"]


def jobs():
    """The app's long jobs (docgen.jobs.Queue)."""
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
    """Put an InputError's messages on the form's fields, naming fields by the labels the
    form shows (a cross-field rule's message goes to the field it names); flash what has no
    field, opening with its field's label."""
    if not isinstance(exc, InputError):
        flash(exc.message, "error")
        return
    cls = getattr(form, "input_class", None) if form else None
    for path, message in exc.problems:
        if cls is not None:
            path, message = labels.place(cls, path, message)
        name = path.split(".")[0].split("[")[0]
        field = form._fields.get(name) if form and name else None
        spec_label = labels.label(cls, name) if cls is not None and name else None
        if field is not None:
            if spec_label and message.startswith(spec_label) and field.label.text != spec_label:
                message = field.label.text + message[len(spec_label):]  # the form's wording
            field.errors = list(field.errors or []) + [message]
        else:
            named = labels.label(cls, path) if cls is not None and path else None
            flash(f"{named}: {message}" if named and not message.startswith(named)
                  else message, "error")


def latest_year() -> int:
    """The year every page opens on when none is asked for: the latest year with stored
    outcomes, or last year when there are none. No page computes a default of its own."""
    with store().session(readonly=True) as s:
        year = s.scalar(select(func.max(Assessment.year)))
    return year or dt.date.today().year - 1


ALL_YEARS = "tat-ca"  # `?year=tat-ca`: every year, on the pages that list several (the register)


def bad_year(raw: str):
    """Stop the request with a 400 page saying why `raw` is not a year."""
    shown = f"«{raw[:20]}{'…' if len(raw) > 20 else ''}»" if raw.strip() else "để trống"
    abort(make_response(render_template(
        "error.html", title="Năm không hợp lệ",
        message=f"Năm {shown} không hợp lệ: hãy ghi năm bằng chữ số, từ {YEAR_MIN} đến "
                f"{YEAR_MAX}."), 400))


def year_param(source=None, *, default: Callable[[], int | None] = latest_year,
               all_years: bool = False) -> int | None:
    """The `year` of the query string (or of `source`, e.g. request.form): `default()` when
    it is absent, None for ALL_YEARS where `all_years` allows it; a 400 page for anything
    else that is not a year from YEAR_MIN to YEAR_MAX (text, empty, out of range)."""
    values = request.args if source is None else source
    if "year" not in values:
        return default()
    raw = values.get("year", "")
    if all_years and raw == ALL_YEARS:
        return None
    try:
        return year_arg(raw)
    except ValueError:
        bad_year(raw)


# The pages that open on a year (`?year=`); pages of one record ignore a `year` they do not read.
YEAR_PAGES = frozenset({
    "units.index", "assessments.index", "assessments.export", "documents.index",
    "documents.new", "register.index", "register.export", "batch.index", "batch.registrations",
    "households.confirm"})


def check_year_arg() -> None:
    """Before every request: on a page that opens on a year, a `?year=` that is no year is a
    400 page — also where a view reads it its own way (its default is not another year)."""
    raw = request.args.get("year")
    if request.endpoint in YEAR_PAGES and raw is not None and raw != ALL_YEARS:
        try:
            year_arg(raw)
        except ValueError:
            bad_year(raw)


# Vietnam is UTC+7 all year (no daylight saving time).
VIETNAM_OFFSET = dt.timedelta(hours=7)


def vietnam_time(at: dt.datetime | None) -> dt.datetime | None:
    """A stored time (naive UTC) as Vietnam's wall-clock time (naive, UTC+7)."""
    if at is None:
        return None
    if at.tzinfo is not None:
        at = at.astimezone(dt.UTC).replace(tzinfo=None)
    return at + VIETNAM_OFFSET


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
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):  # no sign, no other script's digits
        raise ValueError(f"not a year: {text!r}")
    year = int(text)
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


_QUOTED = re.compile(r"«([^»]{100})[^»]{200,}»")


def short_quotes(message: str) -> str:
    """`message` with a «quoted value» over 300 characters (longer than any field holds)
    cut to its first 100, and control characters shown as �: a flash travels in the
    session cookie, which a browser drops past 4 kB — with the message in it."""
    message = _QUOTED.sub(lambda m: f"«{m.group(1)}…»", message)
    return "".join(c if c.isprintable() or c == "\n" else "\ufffd" for c in message)


# ---- deletions: a confirmation page naming what goes, then the delete ---------------------

class _Rollback(Exception):
    """Ends a dry run's transaction."""


def dry_run(delete: Callable[[Session], None]) -> str:
    """What stops `delete(session)`: its UserError's message, or "" when it would succeed.
    It runs in a transaction that is always rolled back, so the page says what the delete
    itself will decide."""
    try:
        with store().session() as s:
            delete(s)
            raise _Rollback
    except _Rollback:
        return ""
    except UserError as exc:
        return exc.message


@dataclass
class Deletion:
    """What a confirmation page shows before a delete: what is deleted (`what`, «đơn vị
    «Bản Na Mèo»»), what is deleted with it (`along`), what stays (`kept`), why it cannot be
    deleted (`blocked`, "" when it can) and the page to go back to (`back`)."""

    what: str
    back: str
    along: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    blocked: str = ""

    @property
    def token(self) -> str:
        """The confirmation a POST must carry: it changes when what the page said changes,
        so a confirmation given for other dependents deletes nothing."""
        said = "\n".join([self.what, *self.along, self.blocked])
        return hashlib.sha256(said.encode()).hexdigest()[:20]


def confirm_delete(deletion: Deletion, delete: Callable[[], object]):
    """Every delete in two steps: a GET shows what `deletion` says, with a button posting its
    token; a POST with the CSRF token and that token calls `delete()` and returns its
    response. Any other POST deletes nothing and shows the page again."""
    if not scope().can_write:
        abort(403)
    status = 200
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():
            flash("Phiên làm việc đã hết hạn; hãy xác nhận lại.", "error")
            status = 400
        elif request.form.get("confirm") == deletion.token and not deletion.blocked:
            return delete()
        elif request.form.get("confirm"):
            flash("Dữ liệu đã thay đổi từ lúc bạn xem trang xác nhận; hãy xem lại rồi xác nhận "
                  "lần nữa.", "warning")
            status = 409
    return render_template("confirm_delete.html", deletion=deletion), status
