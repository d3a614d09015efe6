"""Mẫu riêng: the district uploads its own DOCX template of a kind, for one body or for all,
sees it checked and previewed with a body's real data, then uses it — or goes back."""

from __future__ import annotations

import io

from flask import Blueprint, flash, g, redirect, render_template, request, send_file, url_for
from flask_wtf import FlaskForm

from docgen import documents, store as q
from docgen.errors import UserError
from docgen.jobs import NoWorker
from docgen.store import own_templates as own

from . import as_id, file_label, latest_year, log, or_404, store
from .auth import district_only
from .previews import available as _pdf_available, previews as _previews
from .register import DOCX

bp = Blueprint("own_templates", __name__, url_prefix="/mau-rieng",
               template_folder="../templates/own_templates")


@bp.before_request
def _district() -> None:
    district_only()


def _csrf_ok() -> bool:
    if FlaskForm().validate_on_submit():
        return True
    flash("Phiên làm việc đã hết hạn; hãy tải lại trang rồi thử lại.", "error")
    return False


def _index(problems: list[str] | None = None, chosen: dict | None = None, status: int = 200):
    with store().session(readonly=True) as s:
        bodies = q.list_bodies(s)
        versions = own.list_versions(s)
        for v in versions:
            v.body_name = v.body.name if v.body else "Tất cả cơ quan"
    return render_template("own_templates.html", kinds=list(documents.KINDS.values()),
                           bodies=bodies, versions=versions, problems=problems or [],
                           chosen=chosen or {}, max_mb=own.MAX_BYTES // (1024 * 1024)), status


@bp.get("/")
def index():
    return _index()


@bp.post("/tai-len")
def upload():
    chosen = {"kind": request.form.get("kind", ""), "body": request.form.get("body_id", "")}
    if not _csrf_ok():
        return _index(chosen=chosen, status=400)
    kind = documents.KINDS.get(chosen["kind"])
    body_id = _body_choice()
    file = request.files.get("file")
    problems = []
    if kind is None:
        problems.append("Loại văn bản: hãy chọn một loại trong danh sách.")
    if not file or not file.filename:
        problems.append("Tệp mẫu: hãy chọn tệp DOCX cần tải lên.")
    with store().session(readonly=True) as s:
        if body_id == 0 or body_id is not None and q.get_body(s, body_id) is None:
            problems.append("Áp dụng cho: cơ quan đã chọn không còn trong danh sách.")
    if problems:
        return _index(problems, chosen, 422)
    name = file_label(file.filename)
    data = file.read(own.MAX_BYTES + 1)
    try:
        with store().session() as s:
            version, _ = own.upload(s, kind=kind.name, body_id=body_id, data=data, filename=name,
                                    uploaded_by=g.user.username, year=latest_year())
            version_id = version.id
            log("tải mẫu riêng", f"{kind.label} ({version.label})", name, tx=s)
    except own.TemplateRefused as exc:
        return _index([f"Mẫu «{name}» không được nhận, chưa dùng cho văn bản nào:",
                       *exc.problems], chosen, 422)
    flash("Mẫu đã qua kiểm tra và được lưu. Xem bản xem trước rồi bấm «Dùng mẫu này».",
          "success")
    return redirect(url_for(".show", version_id=version_id))


def _body_choice() -> int | None:
    """The body of «Áp dụng cho»: None for «Tất cả cơ quan» (left blank), 0 for anything
    that is no body's id — never «all bodies» for a value that is not blank."""
    raw = request.form.get("body_id", "")
    return None if not raw else as_id(raw) or 0


def _version(s, version_id: int):
    return or_404(own.get_version(s, version_id))


def _preview_docx(version_id: int) -> tuple[bytes, str]:
    """The version's document rendered with its body's data (all bodies: the signed-in
    user's body, else the first body)."""
    with store().session(readonly=True) as s:
        version = _version(s, version_id)
        body_id = version.body_id or g.user.body_id or next(
            (b.id for b in q.list_bodies(s)), None)
        year = own.body_latest_year(s, body_id) if body_id else None
        return own.preview(s, version, version.kind, body_id, year or latest_year())


@bp.get("/<int:version_id>")
def show(version_id: int):
    with store().session(readonly=True) as s:
        version = _version(s, version_id)
        body_name = version.body.name if version.body else "Tất cả cơ quan"
        used = own.documents_made_with(s, version_id)
    kind = documents.KINDS.get(version.kind)
    pages, problem, note = 0, "", ""
    try:
        docx, note = _preview_docx(version_id)
        if _pdf_available():
            pages = len(_previews(docx))
        else:
            problem = "Máy chủ chưa cài LibreOffice nên chưa có ảnh xem trước."
    except UserError as exc:
        problem = exc.message
    return render_template("own_template.html", version=version, kind=kind,
                           body_name=body_name, pages=pages, problem=problem, note=note,
                           used=used)


@bp.get("/<int:version_id>/trang-<int:page>.png")
def page_image(version_id: int, page: int):
    try:
        pages = _previews(_preview_docx(version_id)[0])
    except NoWorker:
        raise  # the 503 page, not a missing image
    except UserError:
        pages = []
    if not 1 <= page <= len(pages):
        or_404(None)
    return send_file(io.BytesIO(pages[page - 1]), mimetype="image/png", max_age=600)


@bp.get("/<int:version_id>/tai-ve.docx")
def download(version_id: int):
    with store().session(readonly=True) as s:
        version = _version(s, version_id)
        data, name = version.docx, f"mau-{version.kind}-{version.version}.docx"
    log("tải mẫu riêng", name)
    return send_file(io.BytesIO(data), mimetype=DOCX, as_attachment=True, download_name=name)


@bp.post("/<int:version_id>/dung")
def activate(version_id: int):
    if _csrf_ok():
        try:
            with store().session() as s:
                version = own.activate(s, version_id)
                label = documents.KINDS[version.kind].label if version.kind in documents.KINDS \
                    else version.kind
                where = version.body.name if version.body else "tất cả cơ quan"
                log("dùng mẫu riêng", f"{label} ({version.label})", where, tx=s)
        except UserError as exc:
            flash(exc.message, "error")
        else:
            flash(f"Từ nay {label} của {where} dùng {version.label}.", "success")
    return redirect(url_for(".show", version_id=version_id))


@bp.post("/mau-goc")
def use_shipped():
    kind = documents.KINDS.get(request.form.get("kind", ""))
    body_id = _body_choice()
    if kind is None or body_id == 0:
        or_404(None)
    if _csrf_ok():
        with store().session() as s:
            body = q.get_body(s, body_id) if body_id else None
            if body_id is not None and body is None:
                or_404(None)
            where = body.name if body else "tất cả cơ quan"
            own.use_shipped(s, kind.name, body_id)
            log("dùng mẫu gốc", kind.label, where, tx=s)
        flash(f"Từ nay {kind.label} của {where} dùng mẫu gốc của docgen; các phiên bản mẫu "
              "riêng vẫn được giữ.", "success")
    return redirect(url_for(".index"))
