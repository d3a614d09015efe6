"""«Ký số»: an issued document signed by the competent person, then by the organisation;
the signed PDF downloaded as is. The key file and its password come with the one request
that signs, and are kept nowhere (not on disk, not in the session, not in the audit)."""

from __future__ import annotations

import io

from flask import (Blueprint, abort, flash, g, redirect, render_template, request, send_file,
                   url_for)
from flask_wtf import FlaskForm

from docgen import documents, store as q
from docgen.errors import UserError
from docgen.store import sign_document, signatures as sig
from docgen.store.signature_models import SIGNATURE_ROLES

from . import file_label, log, or_404, scope, store, vietnam_time, visible

bp = Blueprint("signing", __name__, url_prefix="/so-van-ban",
               template_folder="../templates/signing")
MAX_KEY_BYTES = 64 * 1024  # a PKCS#12 file holds a key and a few certificates: a few kB
MAX_REQUEST_BYTES = 128 * 1024  # the whole form; werkzeug keeps up to 500 kB in memory
KEY_FIELD, PASSWORD_FIELD = "key_file", "key_password"


def _state(doc_id: int) -> dict:
    """What the page shows: the document, its signatures and what is still to do."""
    with store().session(readonly=True) as s:
        doc = visible(q.get_document(s, doc_id), scope().document)
        done = sig.signatures(s, doc_id)
        signer = sig.document_signer(s, doc)
        has_image = bool(signer and sig.signer_image(s, signer.id))
        has_seal = sig.body_seal(s, doc.body_id) is not None
        body = doc.body
    roles = {d.role for d in done}
    nxt = (None if not doc.is_issued else q.ROLE_PERSON if q.ROLE_PERSON not in roles
           else q.ROLE_ORGANISATION if q.ROLE_ORGANISATION not in roles else None)
    for d in done:
        d.local_time = vietnam_time(d.signed_at)
    return dict(doc=doc, body=body, kind=documents.KINDS.get(doc.kind), done=done,
                next_role=nxt, role_label=SIGNATURE_ROLES.get(nxt, ""), signer=signer,
                has_image=has_image, has_seal=has_seal, key_field=KEY_FIELD,
                password_field=PASSWORD_FIELD)


def _page(doc_id: int, problem: str = "", status: int = 200):
    return render_template("sign.html", problem=problem, **_state(doc_id)), status


@bp.route("/<int:doc_id>/ky-so", methods=["GET", "POST"])
def show(doc_id: int):
    """The signatures so far and the form of the next one; a POST signs (one rule for both:
    an id too large for the database answers 404 to either method)."""
    if request.method == "GET":
        return _page(doc_id)
    if not scope().can_write:
        abort(403)
    with store().session(readonly=True) as s:
        visible(q.get_document(s, doc_id), scope().document)
    if request.content_length is None or request.content_length > MAX_REQUEST_BYTES:
        # Refused before the form is parsed: a small body is parsed in memory, so the key
        # never reaches a temporary file.
        return _page(doc_id, f"Yêu cầu ký số lớn hơn {MAX_REQUEST_BYTES // 1024} kB: tệp khóa "
                             "PKCS#12 (.p12, .pfx) chỉ vài kB; hãy chọn đúng tệp khóa.", 413)
    if not FlaskForm().validate_on_submit():
        return _page(doc_id, "Phiên làm việc đã hết hạn; hãy tải lại trang rồi ký lại.", 400)
    role = request.form.get("role", "")
    if role not in SIGNATURE_ROLES:
        return _page(doc_id, "Hãy chọn ký với tư cách người có thẩm quyền hoặc cơ quan.", 422)
    upload = request.files.get(KEY_FIELD)
    data = upload.read(MAX_KEY_BYTES + 1) if upload else b""
    name = file_label(upload.filename) if upload and upload.filename else ""
    if len(data) > MAX_KEY_BYTES:
        return _page(doc_id, f"Tệp khóa «{name}» lớn hơn {MAX_KEY_BYTES // 1024} kB: không "
                             "phải tệp PKCS#12 (.p12, .pfx).", 422)
    key = sign_document.Key(data, name, request.form.get(PASSWORD_FIELD, ""))
    label = SIGNATURE_ROLES[role]
    try:
        done = sign_document.sign(
            store(), doc_id, role, key, signed_by=g.user.username,
            then=lambda s, row: log("ký số", row_target(s, doc_id),
                                    f"{label}: {row.signer_name}", tx=s))
    except UserError as exc:
        return _page(doc_id, exc.message, 422)
    finally:
        del key  # nothing of it outlives the request
    flash(f"Đã ký số với tư cách {label} ({done.signer_name}).", "success")
    return redirect(url_for(".show", doc_id=doc_id))


def row_target(s, doc_id: int) -> str:
    doc = q.get_document(s, doc_id)
    return f"{doc.symbol} (văn bản {doc_id})"


@bp.get("/<int:doc_id>/ban-ky-so.pdf")
def download(doc_id: int):
    """The electronic original, byte for byte as signed."""
    with store().session(readonly=True) as s:
        doc = visible(q.get_document(s, doc_id), scope().document)
        pdf = or_404(sig.signed_pdf(s, doc_id))
        from .register import download_name
        name = f"{download_name(doc)} (bản ký số).pdf"
    log("tải bản ký số", name)
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=name)
