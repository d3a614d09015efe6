"""Đánh giá năm YYYY: the year's outcomes as a grid of units, with the policy's suggestion."""

from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from docgen import domain, exchange, store as q
from docgen.errors import InputError, UserError
from docgen.policy import load_policy
from docgen.store.assessments import adopt_suggestions, grid_of, shown_changes
from docgen.store import listing
from docgen.store.competence import outcome_refusals

from . import file_label, log, or_404, row_id, scope, store, uploads, year_param
from .paging import page_arg, size_arg
from .units import XLSX

bp = Blueprint("assessments", __name__, url_prefix="/danh-gia",
               template_folder="../templates/assessments")
FIELDS = ("self_score", "reviewed_score", "safe", "decided", "reason", "note")


class ImportForm(FlaskForm):
    file = FileField("Tệp Excel kết quả (.xlsx)")


def _year() -> int:
    """The year asked for in the query string or the posted form (a 400 page for one that is
    no year: outcomes are never saved under another year), else the default year."""
    source = request.args if "year" in request.args else request.form
    return year_param(source)


def _bodies():
    with store().session(readonly=True) as s:
        return listing.bodies_seen(s, scope())


def _body_id(bodies) -> int | None:
    wanted = request.args.get("body", type=row_id) or request.form.get("body", type=row_id)
    if wanted and any(b.id == wanted for b in bodies):
        return wanted
    if wanted:
        or_404(None)
    with store().session(readonly=True) as s:
        return listing.busiest_body(s, bodies)


@bp.get("/")
def index():
    bodies = _bodies()
    body_id = _body_id(bodies)
    year = _year()
    return _grid(bodies, body_id, year, typed=None, problems={})


GRID_SIZE = 50  # units a grid page shows unless `?size=` asks for another


def _grid(bodies, body_id, year, *, typed, problems, status=200):
    """The grid of one body's units, a page at a time (`?page=`, `?size=`, `?kind=`; a
    posted grid comes back on the page it was posted from)."""
    policy = load_policy()
    source = request.args if request.method == "GET" else request.form
    kind = source.get("kind") if domain.unit_kind(source.get("kind") or "") else None
    page = page_arg() if request.method == "GET" else (source.get("page", type=int) or 1)
    with store().session(readonly=True) as s:
        body = q.get_body(s, body_id) if body_id else None
        window = listing.paged(s, listing.grid_units(body_id, kind), page,
                               size_arg(GRID_SIZE)) if body else None
        rows = grid_of(s, window.rows, year) if body else []
        summary = q.summary(s, body_id, year) if body else []
        ready, blank = listing.adopt_counts(s, body_id, year) if body else (0, 0)
        return render_template("grid.html", bodies=bodies, body=body, year=year, rows=rows,
                               window=window, kind=kind, kinds=domain.UNIT_KINDS,
                               ready=ready, blank=blank,
                               summary=summary, classes=domain.UNIT_CLASSES, policy=policy,
                               typed=typed or {}, problems=problems,
                               import_form=ImportForm()), status


@bp.post("/")
def save():
    bodies = _bodies()
    body_id = or_404(_body_id(bodies))
    year = _year()
    if not FlaskForm().validate_on_submit():
        flash("Phiên làm việc đã hết hạn; hãy tải lại trang rồi nhập lại.", "error")
        return redirect(url_for(".index", body=body_id, year=year))
    typed: dict[int, dict] = {}
    for key, value in request.form.items():
        parts = key.split("-", 2)
        if len(parts) == 3 and parts[0] == "a" and parts[1].isdigit() and parts[2] in FIELDS:
            typed.setdefault(int(parts[1]), {})[parts[2]] = value
    for values in typed.values():
        values["safe"] = values.get("safe") == "1"
    policy = load_policy()
    problems: dict[int, dict[str, list[str]]] = {}
    with store().session(readonly=True) as s:
        allowed = {line.unit.id: line.unit for line in q.assessment_grid(s, body_id, year)}
    for unit_id, values in typed.items():
        if unit_id not in allowed:
            or_404(None)
        try:
            q.check_assessment(values, policy)
            refused = outcome_refusals(allowed[unit_id], values.get("decided"),
                                       values.get("safe"))
            if refused:  # a unit out of scope is never classed nor "An toàn"
                raise InputError(refused)
        except InputError as exc:
            problems[unit_id] = exc.by_field()
    if problems:
        flash(f"Chưa lưu: {len(problems)} đơn vị còn lỗi (đánh dấu đỏ). Những gì đã nhập vẫn "
              "được giữ nguyên.", "error")
        return _grid(bodies, body_id, year, typed=typed, problems=problems, status=422)
    with store().session() as s:
        for unit_id, values in typed.items():
            if _blank(values) and q.get_assessment(s, unit_id, year) is None:
                continue
            q.save_assessment(s, unit_id, year, policy=policy, **values)
        log("lưu kết quả đánh giá", f"năm {year}", f"{len(typed)} đơn vị", tx=s)
    flash(f"Đã lưu kết quả đánh giá năm {year}.", "success")
    return redirect(url_for(".index", body=body_id, year=year,
                            kind=request.form.get("kind") or None,
                            page=request.form.get("page", type=int) or None))


@bp.post("/lay-de-xuat")
def adopt():
    """«Lấy mức đề xuất cho các đơn vị chưa quyết định»: every undecided class of the body
    and year shown set to the suggested one (viewers never get here: their POSTs are 403)."""
    body_id = or_404(_body_id(_bodies()))
    year = _year()
    back = url_for(".index", body=body_id, year=year)
    if not FlaskForm().validate_on_submit():
        flash("Phiên làm việc đã hết hạn; hãy tải lại trang rồi làm lại.", "error")
        return redirect(back)
    with store().session() as s:
        done = adopt_suggestions(s, body_id, year, scope=scope())
        if done.adopted:
            log("lấy mức đề xuất", f"năm {year}", _adopted_detail(done), tx=s)
    flash(_adopted_message(done, year), "success" if done.adopted else "warning")
    return redirect(back)


def _adopted_detail(done) -> str:
    names = ", ".join(u.name for u in done.adopted)
    return f"{len(done.adopted)} đơn vị: {names}"[:2000]


def _adopted_message(done, year: int) -> str:
    """The clerk's summary of `adopt_suggestions`, naming the units left undecided."""
    if done.adopted:
        text = (f"Đã lấy mức đề xuất làm xếp loại quyết định năm {year} cho "
                f"{len(done.adopted)} đơn vị.")
    else:
        text = f"Không có đơn vị nào chưa quyết định mà đã có mức đề xuất năm {year}."
    left = done.without_suggestion
    if left:
        names = ", ".join(f"«{u.name}»" for u in left[:10])
        more = f" và {len(left) - 10} đơn vị khác" if len(left) > 10 else ""
        text += (f" {len(left)} đơn vị chưa có mức đề xuất (chưa nhập điểm) nên vẫn chưa xếp "
                 f"loại: {names}{more}.")
    return text


def _blank(values: dict) -> bool:
    return not any(values.get(f) for f in FIELDS)


@bp.get("/xuat.xlsx")
def export():
    body_id = request.args.get("body", type=row_id)
    if not scope().body(body_id):
        or_404(None)
    year = _year()
    with store().session(readonly=True) as s:
        or_404(q.get_body(s, body_id) if body_id else None)
        data = exchange.export_outcomes(s, body_id, year)
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                     download_name=f"ket-qua-danh-gia-{year}.xlsx")


@bp.post("/nhap")
def import_preview():
    body_id = request.form.get("body", type=row_id)
    if body_id is not None and not scope().body(body_id):
        or_404(None)
    year = _year()
    form = ImportForm()
    upload = request.files.get("file")
    back = url_for(".index", body=body_id, year=year)
    if not form.validate_on_submit() or upload is None or not upload.filename or not body_id:
        flash("Hãy chọn một tệp Excel (.xlsx) để nhập.", "error")
        return redirect(back)
    data = upload.read()
    try:
        with store().session(readonly=True) as s:
            plan = exchange.preview_outcomes_import(s, data, body_id, year)
    except UserError as exc:
        flash(exc.message, "error")
        return redirect(back)
    for row in plan.update:  # labels and values as the clerk writes them, not codes
        row.changes = shown_changes(row.changes)
    try:
        token = uploads.keep(data)
    except uploads.NotKept as exc:  # a full disk is DiskFull: its own page (507)
        flash(exc.message, "error")
        return redirect(back)
    return render_template("import_preview.html", plan=plan, token=token,
                           body_id=body_id, year=year, filename=file_label(upload.filename),
                           action=url_for(".import_apply"), back=back)


@bp.post("/nhap/xac-nhan")
def import_apply():
    body_id = request.form.get("body_id", type=row_id)
    if body_id is not None and not scope().body(body_id):
        or_404(None)
    year = _year()
    back = url_for(".index", body=body_id, year=year)
    token = request.form.get("token", "")
    try:
        data = uploads.fetch(token)
    except UserError as exc:
        flash(exc.message, "error")
        return redirect(back)
    if not FlaskForm().validate_on_submit() or data is None or not body_id:
        flash("Không còn tệp đã tải lên; hãy chọn lại tệp Excel.", "error")
        return redirect(back)
    try:
        with store().session() as s:
            plan = exchange.preview_outcomes_import(s, data, body_id, year)
            added, updated = exchange.apply_outcomes_import(s, plan)
            log("nhập kết quả đánh giá từ Excel", f"năm {year}",
                f"thêm {added}, cập nhật {updated}", tx=s)
    except UserError as exc:
        flash(exc.message, "error")
        return redirect(back)
    uploads.forget(token)
    flash(f"Đã nhập kết quả năm {year}: thêm {added}, cập nhật {updated}"
          + (f"; bỏ qua {len(plan.reject)} dòng lỗi." if plan.reject else "."), "success")
    return redirect(back)
