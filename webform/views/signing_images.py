"""The images of digital signing, uploaded by the district: each signer's handwritten
signature (blue PNG, transparent) and each body's seal (red PNG, transparent, real size)."""

from __future__ import annotations

import io

from flask import (Blueprint, abort, flash, g, redirect, render_template, request, send_file,
                   url_for)
from flask_wtf import FlaskForm

from docgen import store as q
from docgen.errors import InputError, UserError
from docgen.store import signatures as sig

from . import file_label, log, or_404, scope, store, vietnam_time

bp = Blueprint("signing_images", __name__, url_prefix="/co-quan",
               template_folder="../templates/signing")


def _allowed(body_id: int) -> None:
    """404 for a body out of the user's scope; 403 for a viewer (the pages are upload
    forms, and the images are what a forger wants) and, on a POST, unless the district's."""
    if not scope().body(body_id):
        abort(404)
    if not scope().can_write or (request.method == "POST" and not scope().is_district):
        abort(403)


def _problems(exc: UserError) -> dict[str, str]:
    if isinstance(exc, InputError):
        return {field: message for field, message in exc.problems}
    return {"": exc.message}


def _upload() -> tuple[bytes, str]:
    file = request.files.get("image")
    if not file or not file.filename:
        return b"", ""
    return file.read(sig.MAX_IMAGE_BYTES + 1), file_label(file.filename)


def _posted(save) -> tuple[dict, int, str | None]:
    """Check the form's token and run `save(data, filename)`, which stores the image in a
    transaction and returns the success message: (problems, status, message or None)."""
    if not FlaskForm().validate_on_submit():
        return {"": "Phiên làm việc đã hết hạn; hãy tải lại trang."}, 400, None
    data, name = _upload()
    try:
        return {}, 200, save(data, name)
    except UserError as exc:
        return _problems(exc), 422, None


@bp.route("/<int:body_id>/con-dau", methods=["GET", "POST"])
def seal(body_id: int):
    _allowed(body_id)
    problems, status = {}, 200
    if request.method == "POST":
        def save(data: bytes, name: str) -> str:
            with store().session() as s:
                body = or_404(q.get_body(s, body_id))
                row = sig.save_body_seal(s, body_id, data, filename=name,
                                         diameter=request.form.get(sig.DIAMETER_FIELD),
                                         uploaded_by=g.user.username)
                log("tải ảnh con dấu", body.name, f"{name}, {row.diameter_mm:g} mm", tx=s)
                return f"Đã lưu ảnh con dấu của {body.name} ({row.diameter_mm:g} mm)."
        problems, status, saved = _posted(save)
        if saved:
            flash(saved, "success")
            return redirect(url_for(".seal", body_id=body_id))
    with store().session(readonly=True) as s:
        body = or_404(q.get_body(s, body_id))
        current = sig.body_seal(s, body_id)
    return render_template(
        "seal.html", body=body, current=current, problems=problems,
        uploaded_at=vietnam_time(current.uploaded_at) if current else None,
        diameter=request.form.get(sig.DIAMETER_FIELD, ""), field=sig.SEAL_FIELD,
        label=sig.SEAL_LABEL, diameter_field=sig.DIAMETER_FIELD,
        diameter_label=sig.DIAMETER_LABEL), status


@bp.get("/<int:body_id>/con-dau.png")
def seal_png(body_id: int):
    _allowed(body_id)
    with store().session(readonly=True) as s:
        row = or_404(sig.body_seal(s, body_id))
        return send_file(io.BytesIO(row.png), mimetype="image/png", max_age=0)


def _signer(s, body_id: int, signer_id: int):
    signer = or_404(q.get_signer(s, signer_id))
    if signer.body_id != body_id:
        abort(404)
    return signer


@bp.route("/<int:body_id>/nguoi-ky/<int:signer_id>/chu-ky", methods=["GET", "POST"])
def signature(body_id: int, signer_id: int):
    _allowed(body_id)
    problems, status = {}, 200
    if request.method == "POST":
        def save(data: bytes, name: str) -> str:
            with store().session() as s:
                signer = _signer(s, body_id, signer_id)
                sig.save_signer_image(s, signer_id, data, filename=name,
                                      uploaded_by=g.user.username)
                log("tải ảnh chữ ký", signer.name, name, tx=s)
                return f"Đã lưu ảnh chữ ký của {signer.name}."
        problems, status, saved = _posted(save)
        if saved:
            flash(saved, "success")
            return redirect(url_for(".signature", body_id=body_id, signer_id=signer_id))
    with store().session(readonly=True) as s:
        signer = _signer(s, body_id, signer_id)
        body = signer.body
        current = sig.signer_image(s, signer_id)
    return render_template(
        "signature_image.html", body=body, signer=signer, current=current, problems=problems,
        uploaded_at=vietnam_time(current.uploaded_at) if current else None,
        field=sig.SIGNATURE_FIELD, label=sig.SIGNATURE_LABEL, diameter_field=None), status


@bp.get("/<int:body_id>/nguoi-ky/<int:signer_id>/chu-ky.png")
def signature_png(body_id: int, signer_id: int):
    _allowed(body_id)
    with store().session(readonly=True) as s:
        _signer(s, body_id, signer_id)
        row = or_404(sig.signer_image(s, signer_id))
        return send_file(io.BytesIO(row.png), mimetype="image/png", max_age=0)
