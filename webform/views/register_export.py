"""The register as Nghị định 30 wants it: the outgoing register printed in the Phụ lục IV
form and the Phụ lục VI metadata package, for one body and year (docgen.register)."""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, request, send_file, url_for

from docgen.register.book import print_book
from docgen.register.package import export_package
from docgen.errors import UserError

from . import or_404, row_id, scope, store, year_param
from .register import DOCX

bp = Blueprint("register_export", __name__, url_prefix="/so-van-ban")


def _body_year():
    """(body id, year) of the query string; None when either is missing (the caller
    redirects with a message); 404 for a body outside the user's scope."""
    body_id = request.args.get("body", type=row_id)
    year = year_param(default=lambda: None)
    if body_id is not None and not scope().body(body_id):
        or_404(None)
    return (body_id, year) if body_id is not None and year is not None else None


def _send(work, mimetype: str, name: str):
    chosen = _body_year()
    if chosen is None:
        flash("Hãy chọn một cơ quan và một năm rồi bấm «Lọc» trước khi in sổ hoặc xuất dữ "
              "liệu đặc tả.", "error")
        return redirect(url_for("register.index", **request.args))
    body_id, year = chosen
    try:
        with store().session(readonly=True) as s:
            data = work(s, body_id, year)
    except UserError as exc:
        flash(exc.message, "error")
        return redirect(url_for("register.index"))
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=f"{name}-{body_id}-{year}.{name_ext(mimetype)}")


def name_ext(mimetype: str) -> str:
    return "docx" if mimetype == DOCX else "zip"


@bp.get("/so-dang-ky")
def book():
    """Sổ đăng ký văn bản đi (Phụ lục IV) as a DOCX."""
    return _send(print_book, DOCX, "so-dang-ky-van-ban-di")


@bp.get("/du-lieu-dac-ta")
def metadata():
    """The Phụ lục VI metadata of every issued document, with the PDFs, as a ZIP."""
    return _send(export_package, "application/zip", "du-lieu-dac-ta-van-ban-di")
