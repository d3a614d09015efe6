"""Cơ quan ban hành và người ký: issuing bodies and their signers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from docgen import records, store as q
from docgen.errors import UserError
from docgen.store import listing
from docgen.store.queries import BODY_SCOPE_FIELDS

from ..forms import choices, record_form_class
from . import (Deletion, as_id, confirm_delete, dry_run, form_page, log, or_404, save_from_form,
               scope, store)
from .auth import district_only

bp = Blueprint("bodies", __name__, url_prefix="/co-quan", template_folder="../templates/bodies")


# Generated from the register's records (docgen.records), with the page's own wording.
BodyForm = record_form_class(records.Body, selects=("parent_id",), wording={
    "name": ("Tên cơ quan (viết như trong câu)", "Ví dụ: Ủy ban nhân dân huyện Quan Sơn"),
    "place": ("Địa danh", "In ở dòng ngày tháng, ví dụ: Quan Sơn"),
    "superior": ("Cơ quan chủ quản (in phía trên)",
                 "Để trống nếu không in; ví dụ: UBND huyện Quan Sơn"),
    "commune": ("Thuộc xã, phường (với cơ quan cấp xã)", ""),
    "identifier": ("Mã định danh",
                   "Mã định danh điện tử của cơ quan (dạng 000.00.31.H56); ghi trong dữ liệu "
                   "đặc tả văn bản gửi đi"),
})
SignerForm = record_form_class(records.Signer, wording={
    "position": ("Chức vụ (mỗi dòng một chức danh)", ""),
    "on_behalf": ("Thay mặt / ký thay cho",
                  "TM.: tên tập thể; KT., Q., TL., TUQ.: chức danh người đứng đầu"),
})


def _parents(form, bodies, exclude: int | None = None) -> None:
    form.parent_id.choices = choices([("", "— không có —")] + [(str(b.id), b.name) for b in bodies
                                                                  if b.id != exclude])


def _lock_scope_fields(form, body, parent) -> None:
    """For a commune user: the fields that decide what users see are shown read-only (the
    browser does not send them); the current parent is shown even outside their scope."""
    for name in BODY_SCOPE_FIELDS:
        form[name].render_kw = {**(form[name].render_kw or {}), "disabled": True}
        form[name].description = "Do tài khoản cấp huyện quản lý"
        if body is not None and name not in request.form and request.method == "POST":
            stored = getattr(body, name)
            form[name].data = str(stored or "") if name == "parent_id" else stored
    form.identifier.render_kw = {**(form.identifier.render_kw or {}), "disabled": True}
    form.identifier.description = "Do tài khoản cấp huyện quản lý"
    if body is not None and request.method == "POST":
        form.identifier.data = body.identifier
    if parent is not None:
        form.parent_id.choices = choices([(str(parent.id), parent.name)])


def _posted(form, body) -> dict:
    """The values to save: a scope field the browser did not send (read-only) keeps the
    stored value; one it sent goes to save_body, which refuses a change by a commune."""
    values = {k: form[k].data for k in ("name", "abbreviation", "place", "superior", "level",
                                        "commune", "proposer")}
    values["parent_id"] = as_id(form.parent_id.data)
    # Only the district sets the identification code; for others it stays as stored.
    values["identifier"] = form.identifier.data if scope().is_district else None
    if body is not None:
        for name in BODY_SCOPE_FIELDS:
            if name not in request.form:
                values[name] = getattr(body, name)
    return values


@bp.get("/")
def index():
    with store().session(readonly=True) as s:  # render inside: the page reads relationships
        bodies = listing.bodies_seen(s, scope())
        signers = {b.id: [] for b in bodies}
        for signer in q.list_signers(s):  # one query, not one a body (166 in a province)
            if signer.body_id in signers:
                signers[signer.body_id].append(signer)
        return render_template("bodies.html", bodies=bodies, signers=signers)


@bp.route("/moi", methods=["GET", "POST"], defaults={"body_id": None})
@bp.route("/<int:body_id>", methods=["GET", "POST"])
def edit(body_id: int | None):
    if body_id is None or not scope().body(body_id):
        district_only()  # only the district creates bodies; others edit their own
    with store().session(readonly=True) as s:
        bodies = [b for b in q.list_bodies(s) if scope().body(b.id)]
        body = or_404(q.get_body(s, body_id)) if body_id else None
        parent = body.parent if body is not None else None
    form = BodyForm(obj=body) if request.method == "GET" else BodyForm()
    if request.method == "GET" and body is not None:
        form.parent_id.data = str(body.parent_id or "")
    _parents(form, bodies, body_id)
    if not scope().is_district:
        _lock_scope_fields(form, body, parent)
    if form.validate_on_submit():
        values = _posted(form, body)
        if save_from_form(form, "cơ quan", lambda s: q.save_body(
                s, id=body_id, scope=scope(), **values).name):
            return redirect(url_for(".index"))
    return form_page("body_form.html", form, body=body)


@bp.route("/<int:body_id>/xoa", methods=["GET", "POST"])
def delete(body_id: int):
    district_only()
    with store().session(readonly=True) as s:
        body = or_404(q.get_body(s, body_id))
        name = body.name
        signers = [signer.name for signer in body.signers]
    blocked = dry_run(lambda s: q.delete_body(s, body_id))  # accounts, units, documents…
    along = [f"người ký: {', '.join(signers)}"] if signers else []
    deletion = Deletion(f"cơ quan «{name}»", url_for(".index"), along, blocked=blocked)

    def delete_now():
        try:
            with store().session() as s:
                q.delete_body(s, body_id)
                log("xóa cơ quan", name, "; ".join(along), tx=s)
        except UserError as exc:
            flash(exc.message, "error")
        else:
            flash(f"Đã xóa cơ quan «{name}».", "success")
        return redirect(url_for(".index"))
    return confirm_delete(deletion, delete_now)


@bp.route("/<int:body_id>/nguoi-ky/moi", methods=["GET", "POST"], defaults={"signer_id": None})
@bp.route("/<int:body_id>/nguoi-ky/<int:signer_id>", methods=["GET", "POST"])
def signer(body_id: int, signer_id: int | None):
    if not scope().body(body_id):
        or_404(None)
    if signer_id is None and not scope().can_write:
        abort(403)  # nothing to read on a new record's page
    with store().session(readonly=True) as s:
        body = or_404(q.get_body(s, body_id))
        signer = or_404(q.get_signer(s, signer_id)) if signer_id else None
        if signer is not None and signer.body_id != body_id:
            or_404(None)
    form = SignerForm(obj=signer) if request.method == "GET" else SignerForm()
    if form.validate_on_submit() and save_from_form(form, "người ký", lambda s: q.save_signer(
            s, id=signer_id, body_id=body_id, name=form.name.data,
            position=form.position.data, authority=form.authority.data,
            on_behalf=form.on_behalf.data, active=form.active.data).name, body.name):
        return redirect(url_for(".index"))
    return form_page("signer_form.html", form, body=body, signer=signer)


@bp.route("/<int:body_id>/nguoi-ky/<int:signer_id>/xoa", methods=["GET", "POST"])
def delete_signer(body_id: int, signer_id: int):
    if not scope().body(body_id):
        or_404(None)
    with store().session(readonly=True) as s:
        signer = or_404(q.get_signer(s, signer_id))
        if signer.body_id != body_id:
            or_404(None)
        name, body = signer.name, signer.body.name
    deletion = Deletion(f"người ký «{name}» của {body}", url_for(".index"), kept=[
        "Các văn bản đã tạo vẫn giữ tên và chức vụ người ký như khi tạo."])

    def delete_now():
        with store().session() as s:
            q.delete_signer(s, signer_id)
            log("xóa người ký", name, body, tx=s)
        flash(f"Đã xóa người ký «{name}».", "success")
        return redirect(url_for(".index"))
    return confirm_delete(deletion, delete_now)
