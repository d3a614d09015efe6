"""Văn bản: pick a kind, get its form pre-filled from the stored data, generate the DOCX."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from docgen import documents, render_document, schema, store as q
from docgen.errors import InputError, UserError
from docgen.samples import load_sample, sample_path
from docgen.store import listing, own_templates
from docgen.store.models import Unit
from docgen.store.plan_prefill import plan_input
from docgen.store.prefill import second_proposal_warning
from docgen.store.prefill_safe import safe_decision_input
from docgen.store.unit_prefill import household_list_input, unit_paper_input
from docgen.vietnamese import format_number

from .. import forms
from . import latest_year, log, or_404, row_id, scope, store, year_param

bp = Blueprint("documents", __name__, url_prefix="/van-ban",
               template_folder="../templates/documents")


PREFILL = {"plan": plan_input, "decision": q.decision_input, "report": q.report_input,
           "proposal": q.proposal_input, "safe_decision": safe_decision_input}
# A unit's own papers, pre-filled for the unit given as ?unit=.
UNIT_PREFILL = {
    "minutes": q.minutes_input, "score_sheet": q.score_sheet_input,
    "household_list": household_list_input,
    "unit_report": lambda s, unit_id, year: unit_paper_input(s, unit_id, year, "unit_report"),
    "unit_proposal": lambda s, unit_id, year: unit_paper_input(s, unit_id, year,
                                                               "unit_proposal")}


def _kind(name: str):
    kind = documents.KINDS.get(name)
    if kind is None:
        abort(404)
    return kind


@bp.get("/")
def index():
    """The kinds to draft; the unit list holds the units of the body chosen (`?body=`; by
    default the user's own, else the first), not a province's thousands."""
    bodies = _bodies()
    body_id = request.args.get("body", type=row_id)
    if body_id is not None and not any(b.id == body_id for b in bodies):
        or_404(None)
    own = getattr(g.user, "body_id", None)
    body_id = body_id or (own if any(b.id == own for b in bodies) else
                          bodies[0].id if bodies else None)
    with store().session(readonly=True) as s:
        units = list(s.execute(listing.units_query(s, scope(), body_id=body_id)  # 2 columns
                               .with_only_columns(Unit.id, Unit.name))) \
            if body_id is not None else []
    return render_template("documents_index.html", kinds=documents.KINDS.values(), bodies=bodies,
                           units=units, unit_kinds=UNIT_PREFILL, year=latest_year(),
                           body_id=body_id)


def _prefill(kind, body_id: int | None, year: int,
             unit_id: int | None = None) -> tuple[dict, list[str]]:
    """The kind's input pre-filled from the store, else from the shipped sample."""
    data, notes = None, []
    prefill = PREFILL.get(kind.name)
    if kind.name in UNIT_PREFILL and unit_id:
        try:
            with store().session(readonly=True) as s:
                papers = UNIT_PREFILL[kind.name](s, unit_id, year)
            # None when the unit has no such paper (a Tờ trình of a unit not safe): the
            # warnings say why, and the sample fills the form.
            data, notes = (papers.inputs[0] if papers.inputs else None), list(papers.warnings)
        except UserError as exc:
            notes = [exc.message]
    elif prefill and body_id:
        try:
            with store().session(readonly=True) as s:
                data, notes, _ = prefill(s, body_id, year)
                if kind.name == "proposal":
                    notes += filter(None, [second_proposal_warning(s, body_id, year)])
        except UserError as exc:
            notes = [exc.message]
    if data is None:
        data = load_sample(kind.name) if sample_path(kind.name).exists() else {}
        notes = notes + ["Biểu mẫu được điền sẵn từ dữ liệu mẫu; hãy sửa cho đúng đơn vị mình."]
    return data, notes


@bp.route("/<name>/moi", methods=["GET", "POST"])
def new(name: str):
    kind = _kind(name)
    if not scope().can_write:
        abort(403)  # a viewer reads issued documents in the register; nothing to draft
    form_cls = forms.form_class(kind.input)
    body_id = request.args.get("body", type=row_id)
    year = year_param(default=lambda: None)
    if body_id is not None and not scope().body(body_id):
        or_404(None)
    unit_id = request.args.get("unit", type=row_id)
    if unit_id is not None:
        with store().session(readonly=True) as s:
            unit = q.get_unit(s, unit_id)
        if unit is None or not scope().unit(unit):
            or_404(None)
    if request.method == "GET":
        if body_id is None and not scope().is_district:  # a commune clerk: their own body
            body_id = next((b.id for b in _bodies()), None)
        data, notes = _prefill(kind, body_id, year or latest_year(), unit_id)
        form = form_cls(data=forms.to_formdata(kind.input, data))
        forms.prepare_rows(form, kind.input)
        for note in notes:
            flash(note, "warning")
        return _page(kind, form, body_id)
    # The WTForms form (a bound field per cell of every row) is built only when a page is
    # shown again; a valid submission is read straight from the posted form data.
    form, posted = None, forms.submitted(kind.input)
    if posted is None:
        form = posted = form_cls()
        if not form.validate_on_submit():  # only CSRF and field types: the schema decides the rest
            return _page(kind, form, body_id, status=400)
    data = forms.from_form(kind.input, posted)
    try:
        parsed = schema.parse(kind.input, data)
    except InputError as exc:
        form = form or form_cls()
        loose = forms.attach_errors(form, exc.problems)
        for message in loose:
            flash(message, "error")
        flash("Biểu mẫu còn lỗi; hãy sửa các ô được đánh dấu đỏ.", "error")
        return _page(kind, form, body_id, status=422)
    try:
        author = _typed_author()
    except ValueError as exc:
        flash(f"{AUTHOR_LABEL}: {exc}.", "error")
        return _page(kind, form or form_cls(), body_id, status=422)
    target_body = request.form.get("body_id", type=row_id) or body_id
    if target_body is None:
        flash("Hãy chọn cơ quan ban hành trong danh sách.", "error")
        return _page(kind, form or form_cls(), body_id, status=422)
    if not scope().body(target_body):  # another commune's body
        or_404(None)
    try:
        with store().session(readonly=True) as s:  # the district's own template, if any
            version_id, template = own_templates.resolve(s, kind.name, target_body)
        render = functools.partial(render_document, template=template) if template \
            else render_document
        with store().session() as s:
            doc = q.create_document(
                s, kind=kind.name, body_id=target_body, data=data, created_by=author,
                render=render, parsed=parsed, scope=scope())
            doc.template_version_id = version_id
            doc_id = doc.id
            log("tạo văn bản", kind.label, f"dự thảo số {doc_id}", tx=s)
    except UserError as exc:
        flash(exc.message, "error")
        return _page(kind, form or form_cls(), body_id, status=422)
    flash("Đã tạo dự thảo. Kiểm tra bản xem trước rồi bấm «Cấp số» khi văn bản đã được ký.",
          "success")
    return redirect(url_for("register.show", doc_id=doc_id))


AUTHOR_LABEL, AUTHOR_MAX = "Người lập", 100


def _typed_author() -> str:
    """«Người lập» as typed (NFC, spaces collapsed), `_author()` when left blank; ValueError
    (Vietnamese) for a character no document or workbook can hold, or an overlong name —
    never cut or stored as is, since the register and its Excel export show it."""
    author = schema.clean_text(request.form.get("created_by") or "")
    if len(author) > AUTHOR_MAX:
        raise ValueError(f"dài {format_number(len(author))} ký tự, vượt quá giới hạn "
                         f"{AUTHOR_MAX} ký tự")
    return author or _author()


def _author() -> str:
    """«Người lập» by default: the signed-in user's full name, else their user name."""
    user = getattr(g, "user", None)
    return ((user.full_name or user.username).strip()[:100] if user else "") or "Văn thư"


def _bodies():
    with store().session(readonly=True) as s:
        return listing.bodies_seen(s, scope())


def _page(kind, form, body_id, status: int = 200):
    # The bodies are read only for a page to show: a successful POST does not need them.
    return render_template("document_form.html", kind=kind, form=form, bodies=_bodies(),
                           body_id=body_id, author=_author()), status
