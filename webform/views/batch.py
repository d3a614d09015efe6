"""In hàng loạt: the commitment forms of a residential area's households, the
registration forms of a list of units, the minutes of a commune's units and the scoring
sheets of a body's units, and the certificates of an issued recognition decision, made by
a background job the clerk watches."""

from __future__ import annotations

import io
import unicodedata
from urllib.parse import quote

from flask import (Blueprint, Response, abort, flash, g, redirect, render_template, request,
                   send_file, stream_with_context, url_for)
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField

from docgen import documents, importers, schema, store as q
from docgen.jobs import JobView
from docgen.jobs.handlers import MIMES, plain, rows_payload
from docgen.schema import YEAR_MAX, YEAR_MIN
from docgen.errors import InputError, UserError
from docgen.privacy import personal_detail
from docgen.store import batch_choices
from docgen.store.prefill_safe import certificate_inputs
from docgen.vietnamese import format_number, slug

from ..forms import choices
from . import as_id, file_label, jobs, log, row_id, scope, short_quotes, store, year_param

bp = Blueprint("batch", __name__, template_folder="../templates/batch")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _formats(each: str):
    return choices([("docx", "Một tệp DOCX gộp để in"),
                    ("zip", f"Tệp ZIP, mỗi {each} một tệp DOCX"),
                    ("pdf", "Một tệp PDF gộp để in")])


class BatchForm(FlaskForm):
    unit_id = SelectField("Khu dân cư", coerce=str, validate_choice=False)
    year = StringField("Năm")  # the views set the default: views.latest_year()
    fmt = SelectField("Tải về dạng", validate_choice=False, choices=_formats("hộ"))
    file = FileField("Hoặc tải lên danh sách hộ (Excel .xlsx / .csv)")


class RegistrationForm(FlaskForm):
    year = StringField("Năm đăng ký")
    date = StringField("Ngày đăng ký", render_kw={"type": "date"},
                       description="Để trống để in «ngày … tháng … năm» cho người ký tự ghi")
    plan_reference = StringField(
        "Thực hiện kế hoạch", description="Căn cứ in trong mọi bản, ví dụ: Kế hoạch số "
        "45/KH-BCĐ ngày 09 tháng 5 năm 2022 của Ban Chỉ đạo 138 huyện Quan Sơn; điền sẵn theo "
        "kế hoạch đã cấp số gần nhất trong năm")
    fmt = SelectField("Tải về dạng", validate_choice=False, choices=_formats("đơn vị"))
    file = FileField("Danh sách đơn vị đã điền người ký (Excel .xlsx / .csv)")


class MinutesForm(FlaskForm):
    commune = SelectField("Xã, thị trấn", validate_choice=False)
    year = StringField("Năm đánh giá")  # the view sets the default: views.year_param()
    variant = SelectField("Mẫu in", validate_choice=False, choices=choices([
        ("filled", "Điền sẵn kết quả đã lưu"), ("blank", "Để trống để ghi tay tại cuộc họp")]))
    fmt = SelectField("Tải về dạng", validate_choice=False, choices=_formats("đơn vị"))


class SheetsForm(FlaskForm):
    body_id = SelectField("Đơn vị của", validate_choice=False)
    year = StringField("Năm đánh giá")
    fmt = SelectField("Tải về dạng", validate_choice=False, choices=_formats("đơn vị"))


class CertificateForm(FlaskForm):
    document_id = SelectField("Quyết định công nhận đã cấp số", coerce=str, validate_choice=False)
    emblem_space = BooleanField("Chừa chỗ Quốc huy (giấy in sẵn phôi)")
    fmt = SelectField("Tải về dạng", validate_choice=False,
                      choices=choices([("pdf", "Một tệp PDF gộp để in"),
                                       ("zip", "Tệp ZIP, mỗi đơn vị một tệp DOCX"),
                                       ("docx", "Một tệp DOCX gộp")]))


def _year(form) -> int | None:
    """The form's year, or None after flashing why it is refused."""
    try:
        year = int(form.year.data)
        if YEAR_MIN <= year <= YEAR_MAX:
            return year
    except (TypeError, ValueError):
        pass
    flash(short_quotes(f"Năm «{form.year.data}» không hợp lệ: hãy ghi năm bằng chữ số, từ "
                       f"{YEAR_MIN} đến {YEAR_MAX}."), "error")
    return None


def _areas():
    """The areas the commitments page offers (those of the commune of `?commune=`, or of the
    first commune when the user sees too many to list), the communes, and the one chosen."""
    with store().session(readonly=True) as s:
        communes, commune, every = batch_choices.area_commune(s, scope(),
                                                              request.args.get("commune"))
        areas = batch_choices.areas(s, scope(), commune)
        counts = q.latest_counts(s, [u.id for u in areas])
    return areas, counts, communes, commune, every


def _stored(counts: dict, unit_id: int) -> str:
    """What an area's choice says of its stored list: «danh sách năm 2022: 5 hộ»."""
    if unit_id not in counts:
        return "chưa lưu danh sách hộ"
    year, count = counts[unit_id]
    return f"danh sách năm {year}: {format_number(count)} hộ"


@bp.get("/cam-ket/")
def index():
    areas, counts, communes, commune, every = _areas()
    form = BatchForm()
    form.year.data = str(year_param())
    form.unit_id.choices = choices((str(u.id), f"{u.name} — {u.commune} "
                                               f"({_stored(counts, u.id)})") for u in areas)
    return render_template("batch.html", form=form, areas=areas, counts=counts,
                           communes=communes, commune=commune, every=every)


@bp.post("/cam-ket/")
def make():
    form = BatchForm()
    form.unit_id.choices = []  # any id: checked below against the user's scope
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn hoặc lựa chọn không hợp lệ; hãy thử lại.", "error")
        return redirect(url_for(".index"))
    year = _year(form)
    if year is None:
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
            years = [] if stored else q.household_years(s, unit_id)
        source = None  # an uploaded list: the job and its file are named after it
        if upload is not None and upload.filename:
            source = file_label(upload.filename)
            table = importers.read(upload.read(), "commitment", name=source)
            defaults = {k: v for k, v in (stored[0] if stored else {}).items()
                        if k in ("year", "place", "area", "commune", "district")} or \
                {"year": year, "area": unit.name, "commune": unit.commune, "place": unit.commune}
            rows = table
        else:
            if not stored:
                saved = (f" (đã lưu danh sách năm {', '.join(map(str, years))})"
                         if years else "")
                raise UserError(f"Khu dân cư «{unit.name}» chưa có danh sách hộ năm {year}"
                                f"{saved}; hãy chọn năm của danh sách hoặc tải lên tệp Excel "
                                "danh sách hộ.")
            rows, defaults = stored, None
    except UserError as exc:
        flash(short_quotes(exc.message), "error")
        return redirect(url_for(".index"))
    if source is not None:  # rows may name other areas: the list, not the area picked
        stem = source.rsplit(".", 1)[0]
        return _start("commitment", rows, defaults, fmt, f"Bản cam kết — {source} — năm {year}",
                      target=source, file_name=f"cam-ket-{slug(stem) or 'danh-sach'}-{year}.{fmt}")
    return _start("commitment", rows, defaults, fmt, f"Bản cam kết — {unit.name} — năm {year}",
                  target=unit.name, file_name=f"cam-ket-{slug(unit.name)}-{year}.{fmt}",
                  printed_from=(unit_id, year))


@bp.get("/dang-ky/")
def registrations():
    form = RegistrationForm()
    year = year_param()
    form.year.data = str(year)
    with store().session(readonly=True) as s:
        bodies = [b for b in q.list_bodies(s) if scope().body(b.id)]
        # The plan the units register under: the latest one issued in the year in the user's area.
        form.plan_reference.data = next(
            (ref for b in bodies if (ref := q.plan_reference(s, b, year))), "")
    return render_template("registrations.html", form=form, bodies=bodies)


@bp.post("/dang-ky/")
def make_registrations():
    form = RegistrationForm()
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn; hãy thử lại.", "error")
        return redirect(url_for(".registrations"))
    year = _year(form)
    if year is None:
        return redirect(url_for(".registrations"))
    upload = request.files.get("file")
    fmt = form.fmt.data if form.fmt.data in MIMES else "docx"
    try:
        if upload is None or not upload.filename:
            raise UserError("Hãy chọn tệp Excel danh sách đơn vị (tải danh sách điền sẵn ở "
                            "mục 1, ghi người ký rồi tải lên).")
        defaults = _registration_defaults(form, year)
        name = file_label(upload.filename)
        table = importers.read(upload.read(), "registration", name=name)
    except UserError as exc:
        flash(short_quotes(exc.message), "error")
        return redirect(url_for(".registrations"))
    return _start("registration", table, defaults, fmt, f"Bản đăng ký — năm {year}",
                  target=name, file_name=f"dang-ky-{year}.{fmt}")


def _registration_defaults(form: RegistrationForm, year: int) -> dict:
    """What every registration form shares, checked by the kind's own schema before any job
    starts (a mistake here would be every row's); UserError naming the form's field."""
    defaults = {"year": year}
    for f in (form.date, form.plan_reference):
        if (f.data or "").strip():
            defaults[f.name] = f.data.strip()
    probe = {"unit": "Bản", "kind": "Khu dân cư", "commune": "Xã", "signer": {
        "name": "Người ký", "position": "Trưởng bản"}}
    try:
        schema.parse(documents.get("registration").input, {**defaults, **probe})
    except InputError as exc:
        labels = {f.name: f.label.text for f in form}
        raise UserError("; ".join(f"{labels[path]}: {message}" if path in labels else message
                                  for path, message in exc.problems)) from None
    return defaults



@bp.get("/dang-ky/danh-sach.xlsx")
def unit_list():
    """The units the user may see (of one body with ?body=), filled with what the store
    knows, for the clerk to add who signs and upload back."""
    body_id = request.args.get("body", type=row_id)
    with store().session(readonly=True) as s:
        body = q.get_body(s, body_id) if body_id else None
        if body_id and (body is None or not scope().body(body_id)):
            abort(404)
        units = [u for u in q.list_units(s, body_id=body_id) if scope().unit(u)]
        data = importers.blank_workbook("registration", values=q.registration_rows(s, units))
        name = f"don-vi-{slug(body.name)}.xlsx" if body else "don-vi.xlsx"
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)


@bp.get("/dang-ky/danh-sach-mau.xlsx")
def blank_units():
    return send_file(io.BytesIO(importers.blank_workbook("registration")), mimetype=XLSX,
                     as_attachment=True, download_name="danh-sach-don-vi-mau.xlsx")


@bp.get("/bien-ban/")
def minutes():
    form, sheets = _minutes_form(), _sheets_form()
    form.year.data = sheets.year.data = str(year_param())
    return render_template("unit_papers.html", form=form, sheets=sheets, current="batch.minutes")


def _minutes_form() -> MinutesForm:
    form = MinutesForm()
    with store().session(readonly=True) as s:
        form.commune.choices = [(c, c) for c in batch_choices.unit_communes(s, scope())]
    return form


def _sheets_form() -> SheetsForm:
    form = SheetsForm()
    with store().session(readonly=True) as s:
        form.body_id.choices = [(str(i), name)
                                for i, name in batch_choices.bodies_with_units(s, scope())]
    return form


@bp.post("/bien-ban/")
def make_minutes():
    """The minutes of every unit of one commune the clerk may see, in one job."""
    form = _minutes_form()
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn; hãy thử lại.", "error")
        return redirect(url_for(".minutes"))
    year = _year(form)
    if year is None:
        return redirect(url_for(".minutes"))
    commune = form.commune.data or ""
    if commune not in dict(form.commune.choices):
        abort(404)
    fmt = form.fmt.data if form.fmt.data in MIMES else "docx"
    try:
        with store().session(readonly=True) as s:
            papers = q.minutes_inputs(s, commune, year, handwritten=form.variant.data == "blank")
    except UserError as exc:
        flash(short_quotes(exc.message), "error")
        return redirect(url_for(".minutes"))
    for warning in papers.warnings:
        flash(warning, "warning")
    return _start("minutes", papers.inputs, {}, fmt, f"Biên bản họp đánh giá — {commune}, {year}",
                  target=commune, file_name=f"bien-ban-{slug(commune)}-{year}.{fmt}")


@bp.post("/phieu-cham-diem/")
def make_sheets():
    """The scoring sheets of every unit one body assesses, in one job."""
    form = _sheets_form()
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn; hãy thử lại.", "error")
        return redirect(url_for(".minutes"))
    year = _year(form)
    if year is None:
        return redirect(url_for(".minutes"))
    names = dict(form.body_id.choices)
    if form.body_id.data not in names:
        abort(404)
    fmt = form.fmt.data if form.fmt.data in MIMES else "docx"
    try:
        with store().session(readonly=True) as s:
            papers = q.score_sheet_inputs(s, int(form.body_id.data), year)
    except UserError as exc:
        flash(short_quotes(exc.message), "error")
        return redirect(url_for(".minutes"))
    for warning in papers.warnings:
        flash(warning, "warning")
    name = names[form.body_id.data]
    return _start("score_sheet", papers.inputs, {}, fmt, f"Phiếu chấm điểm — {name}, {year}",
                  target=name, file_name=f"phieu-cham-diem-{slug(name)}-{year}.{fmt}")


@bp.get("/giay-cong-nhan/")
def certificates():
    """The issued recognition decisions of one year (`?year=`; the year of `?document=`,
    else the latest year with one) of the bodies the user may see, newest first; of one
    body (`?body=`, the document's; the first when a year has too many to list)."""
    form = CertificateForm()
    asked = request.args.get("document", type=row_id)
    with store().session(readonly=True) as s:
        years = batch_choices.issued_decision_years(s, scope())
        doc = q.get_document(s, asked) if asked else None
        doc = doc if doc is not None and scope().body(doc.body_id) else None
        year = year_param(default=lambda: doc.year if doc else (years[0] if years else None))
        found = batch_choices.issued_decisions(s, scope(), year) if year in years else []
    bodies = sorted({(body, name) for body, name, _, _ in found})
    wanted = doc.body_id if doc else request.args.get("body", type=row_id)
    if wanted is not None and not scope().body(wanted):
        abort(404)  # another commune's body, as on every page filtered by body
    shown, body_id, every = batch_choices.decision_bodies(found, wanted)
    decisions = [(i, label) for _, _, i, label in shown]
    form.document_id.choices = choices(decisions)
    form.document_id.data = str(asked) if asked else form.document_id.data
    return render_template("certificates.html", form=form, decisions=decisions, years=years,
                           year=year, bodies=bodies, body_id=body_id, every=every)


@bp.post("/giay-cong-nhan/")
def make_certificates():
    form = CertificateForm()
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn; hãy thử lại.", "error")
        return redirect(url_for(".certificates"))
    fmt = form.fmt.data if form.fmt.data in MIMES else "pdf"
    doc_id = as_id(form.document_id.data)
    try:
        with store().session(readonly=True) as s:
            doc = q.get_document(s, doc_id) if doc_id else None
            if doc is None or doc.kind != "safe_decision" or not scope().body(doc.body_id):
                raise UserError("Hãy chọn một quyết định công nhận trong danh sách.")
            rows = certificate_inputs(s, doc.id, emblem_space=bool(form.emblem_space.data))
            symbol = doc.symbol
    except UserError as exc:
        flash(short_quotes(exc.message), "error")
        return redirect(url_for(".certificates"))
    return _start("certificate", rows, None, fmt, f"Giấy công nhận — Quyết định số {symbol}",
                  target=f"Quyết định số {symbol}",
                  file_name=f"giay-cong-nhan-{slug(symbol)}.{fmt}")


BULK_PAGES = {"registration": "batch.registrations", "commitment": "batch.index",
              "minutes": "batch.minutes", "score_sheet": "batch.minutes",
              "certificate": "batch.certificates", "household_list": "batch.household_lists",
              "unit_report": "batch.unit_papers", "unit_proposal": "batch.unit_papers"}


def _start(kind: str, rows, defaults, fmt: str, title: str, *, target: str, file_name: str,
           printed_from: tuple[int, int] | None = None):
    """Queue the job that fills `kind`'s forms (docgen.jobs.handlers.bulk_fill), and send
    the clerk to its page; `printed_from` (area id, year) names the household list the
    forms hold."""
    payload = {"kind": kind, "list": rows_payload(rows), "defaults": plain(defaults),
               "fmt": fmt, "target": target, "file_name": file_name, "user": g.user.username,
               "address": request.remote_addr or "",
               "printed_from": list(printed_from) if printed_from else None}
    job = jobs().start(g.user.id, title, "bulk_fill", payload, back=url_for(BULK_PAGES[kind]))
    return redirect(url_for(".job", job_id=job.id))


def _job(job_id: str) -> JobView:
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
    """The job's file, streamed from the database (any worker may have made it)."""
    job = _job(job_id)
    if job.state != "done":
        abort(404)
    if job.mark:  # commitment forms or households' lists: people's data
        log(f"tải {job.mark.get('what', 'bản cam kết')} hàng loạt", job.download_name,
            personal_detail(int(job.mark.get("people", job.done))))
    response = Response(stream_with_context(jobs().output(job.id)), mimetype=job.mimetype)
    _attachment(response, job.download_name)
    response.headers["Content-Length"] = str(job.size)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Docgen-Forms"] = str(job.done)
    if job.problems:
        response.headers["X-Docgen-Skipped"] = str(len({p.row for p in job.problems}))
    return response


def _attachment(response, name: str) -> None:
    """Content-Disposition as send_file writes it (an ASCII name, and the UTF-8 one)."""
    simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    value = {"filename": name} if simple == name else {
        "filename": simple, "filename*": f"UTF-8''{quote(name, safe='!#$&+^`|~')}"}
    response.headers.set("Content-Disposition", "attachment", **value)


@bp.get("/cam-ket/danh-sach-mau.xlsx")
def blank_list():
    """The empty household list a clerk fills in Excel."""
    return send_file(io.BytesIO(importers.blank_workbook("commitment")), mimetype=XLSX,
                     as_attachment=True, download_name="danh-sach-mau.xlsx")


from . import unit_batch  # noqa: E402,F401  the unit papers' routes, on this blueprint
