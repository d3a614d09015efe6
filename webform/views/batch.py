"""Cam kết hàng loạt: the printable commitment forms of a residential area, in one go."""

from __future__ import annotations

import datetime as dt
import io
from typing import Callable

from flask import (Blueprint, abort, flash, g, redirect, render_template, request, send_file,
                   url_for)
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField

from docgen import batch as bulk, importers, store as q
from docgen.errors import UserError
from docgen.vietnamese import format_number, slug

from ..forms import choices
from ..jobs import Job
from . import as_id, jobs, scope, store

bp = Blueprint("batch", __name__, url_prefix="/cam-ket", template_folder="../templates/batch")
MIMES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "zip": "application/zip", "pdf": "application/pdf"}


class BatchForm(FlaskForm):
    unit_id = SelectField("Khu dân cư", coerce=str, validate_choice=False)
    year = StringField("Năm", default=str(dt.date.today().year))
    fmt = SelectField("Tải về dạng", validate_choice=False, choices=choices([("docx", "Một tệp DOCX gộp để in"),
                                              ("zip", "Tệp ZIP, mỗi hộ một tệp DOCX"),
                                              ("pdf", "Một tệp PDF gộp để in")]))
    file = FileField("Hoặc tải lên danh sách hộ (Excel .xlsx / .csv)")


def _areas():
    with store().session(readonly=True) as s:
        areas = [u for u in q.list_units(s, kind="khu_dan_cu") if scope().unit(u)]
        counts = {u.id: len(q.list_households(s, u.id)) for u in areas}
    return areas, counts


@bp.get("/")
def index():
    areas, counts = _areas()
    form = BatchForm()
    form.unit_id.choices = choices((str(u.id), f"{u.name} — {u.commune} ({counts[u.id]} hộ)")
                                   for u in areas)
    return render_template("batch.html", form=form, areas=areas, counts=counts)


@bp.post("/")
def make():
    areas, counts = _areas()
    form = BatchForm()
    form.unit_id.choices = choices((str(u.id), u.name) for u in areas)
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn hoặc lựa chọn không hợp lệ; hãy thử lại.", "error")
        return redirect(url_for(".index"))
    try:
        year = int(form.year.data)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        flash(f"Năm «{form.year.data}» không hợp lệ.", "error")
        return redirect(url_for(".index"))
    unit_id = as_id(form.unit_id.data)
    upload = request.files.get("file")
    fmt = form.fmt.data if form.fmt.data in MIMES else "docx"
    try:
        with store().session(readonly=True) as s:
            unit = q.get_unit(s, unit_id) if unit_id else None
            if unit is None or unit.kind != "khu_dan_cu" or not scope().unit(unit):
                raise UserError("Hãy chọn một khu dân cư trong danh sách.")
            stored = q.commitment_inputs(s, unit_id, year)
        if upload is not None and upload.filename:
            table = importers.read(upload.read(), "commitment", name=upload.filename)
            defaults = {k: v for k, v in (stored[0] if stored else {}).items()
                        if k in ("year", "place", "area", "commune", "district")} or \
                {"year": year, "area": unit.name, "commune": unit.commune, "place": unit.commune}
            rows = table
        else:
            if not stored:
                raise UserError(f"Khu dân cư «{unit.name}» chưa có danh sách hộ; hãy tải lên "
                                "tệp Excel danh sách hộ.")
            rows, defaults = stored, None
    except UserError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".index"))
    work = _work(rows, defaults, fmt, unit.name, year, user=g.user.username,
                 address=request.remote_addr or "", database=store())
    job = jobs().start(g.user.id, f"Bản cam kết — {unit.name} — năm {year}", work)
    return redirect(url_for(".job", job_id=job.id))


def _work(rows, defaults, fmt: str, area: str, year: int, *, user: str, address: str,
          database) -> Callable[[Job], None]:
    """The job: fill the forms into the job's folder, then record it in the audit trail."""
    def work(job: Job) -> None:
        path = job.folder / f"forms.{fmt}"
        job.stage = "Đang kiểm tra danh sách hộ"

        def progress(done: int, total: int) -> None:
            last = fmt == "pdf" and done == total
            job.progress(done, total, "Đang chuyển sang PDF (LibreOffice)" if last
                         else "Đang điền bản cam kết")

        result = bulk.fill("commitment", rows, path, fmt=fmt, defaults=defaults,
                           progress=progress)
        job.problems, job.notes = tuple(result.skipped), tuple(result.notes)
        job.progress(result.written, result.written, f"Đã tạo {format_number(result.written)} bản cam kết")
        with database.session() as s:
            q.audit(s, user, "tạo bản cam kết hàng loạt", area, f"{result.written} mẫu, {fmt}"
                    + (f", bỏ qua {len(result.skipped_rows)} dòng lỗi" if result.skipped else ""),
                    address)
        job.mimetype = MIMES[fmt]
        job.download_name = f"cam-ket-{slug(area)}-{year}.{fmt}"
        job.file = path  # last: the page offers the file only now
    return work


def _job(job_id: str) -> Job:
    job = jobs().get(job_id, g.user.id)
    if job is None:
        abort(404)
    return job


@bp.get("/viec/<job_id>")
def job(job_id: str):
    job = jobs().get(job_id, g.user.id)
    if job is None:
        return render_template("job_gone.html"), 404
    return render_template("job.html", job=job, ahead=jobs().waiting_before(job))


@bp.get("/viec/<job_id>/tai-ve")
def download(job_id: str):
    job = _job(job_id)
    if job.file is None or not job.file.exists():
        abort(404)
    response = send_file(job.file, mimetype=job.mimetype, as_attachment=True,
                         download_name=job.download_name, max_age=0)
    response.headers["X-Docgen-Forms"] = str(job.done)
    if job.problems:
        response.headers["X-Docgen-Skipped"] = str(len({p.row for p in job.problems}))
    return response


@bp.get("/danh-sach-mau.xlsx")
def blank_list():
    """The empty household list a clerk fills in Excel."""
    data = importers.blank_workbook("commitment")
    return send_file(io.BytesIO(data), mimetype="application/vnd.openxmlformats-officedocument."
                     "spreadsheetml.sheet", as_attachment=True, download_name="danh-sach-mau.xlsx")
