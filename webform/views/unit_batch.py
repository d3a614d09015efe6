"""In hàng loạt, a unit's own papers: the Tờ trình or Báo cáo of every unit of a body, the
households' lists of a commune (Circular 124 Điều 4, Điều 9), and the page where the clerk
records how many households signed. Routes of the `batch` blueprint (see batch.py)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from docgen import store as q
from docgen.jobs.handlers import plain
from docgen.errors import InputError, UserError
from docgen.store import batch_choices, listing, unit_prefill
from docgen.store.models import Unit
from docgen.store.household_share import household_shares, record_share
from docgen.vietnamese import fold, slug

from ..forms import choices
from . import as_id, jobs, log, row_id, scope, short_quotes, store, year_param
from .batch import MIMES, _formats, _year, bp
from .paging import page_and_size

PAPER_KINDS = ("khu_dan_cu", "co_quan", "doanh_nghiep", "co_so_giao_duc")
UNIT_PAPERS = {"unit_proposal": ("tờ trình", "to-trinh"), "unit_report": ("báo cáo", "bao-cao")}


class UnitPapersForm(FlaskForm):
    body_id = SelectField("Đơn vị của", coerce=str, validate_choice=False)
    year = StringField("Năm")  # the views set the default: views.year_param()
    kind = SelectField("Văn bản", validate_choice=False, choices=choices([
        ("unit_proposal", "Tờ trình đề nghị công nhận"),
        ("unit_report", "Báo cáo kết quả xây dựng")]))
    fmt = SelectField("Tải về dạng", validate_choice=False, choices=_formats("đơn vị"))


class HouseholdListsForm(FlaskForm):
    commune = SelectField("Xã, phường, thị trấn", coerce=str, validate_choice=False)
    year = StringField("Năm")  # the views set the default: views.year_param()
    fmt = SelectField("Tải về dạng", validate_choice=False, choices=_formats("khu dân cư"))


class ShareForm(FlaskForm):
    unit_id = StringField()
    year = StringField()
    signed = StringField("Số hộ đã ký")
    total = StringField("Tổng số hộ đang cư trú")


def _my_bodies():
    with store().session(readonly=True) as s:
        return [b for b in q.list_bodies(s) if scope().body(b.id)]


@bp.get("/giay-to-don-vi/")
def unit_papers():
    """The form for a body's units, and its units a page at a time (of one body with
    `?body=`; a body outside the user's scope answers 404)."""
    form = UnitPapersForm()
    bodies = _my_bodies()
    form.body_id.choices = choices((str(b.id), b.name) for b in bodies)
    year = year_param()
    form.year.data = str(year)
    body_id = request.args.get("body", type=row_id)
    if body_id is not None and not scope().body(body_id):
        abort(404)  # another commune's body, as on every page filtered by body
    if body_id is not None:
        form.body_id.data = str(body_id)
    page, size = page_and_size()
    with store().session(readonly=True) as s:
        query = listing.units_query(s, scope(), body_id=body_id).where(Unit.kind.in_(PAPER_KINDS))
        window = listing.paged(s, query, page, size)
        return render_template("unit_letters.html", form=form, window=window, year=year,
                               bodies=bodies, body_id=body_id)


@bp.post("/giay-to-don-vi/")
def make_unit_papers():
    form = UnitPapersForm()
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn; hãy thử lại.", "error")
        return redirect(url_for(".unit_papers"))
    year = _year(form)
    body_id = as_id(form.body_id.data)
    kind = form.kind.data if form.kind.data in UNIT_PAPERS else "unit_proposal"
    fmt = form.fmt.data if form.fmt.data in MIMES else "docx"
    if year is None:
        return redirect(url_for(".unit_papers"))
    if body_id is None or not scope().body(body_id):
        flash("Hãy chọn cơ quan trong danh sách.", "error")
        return redirect(url_for(".unit_papers"))
    try:
        with store().session(readonly=True) as s:
            body = q.get_body(s, body_id)
            papers = unit_prefill.unit_paper_inputs(s, body_id, year, kind)
        if not papers.inputs:
            raise UserError("Không có đơn vị nào để lập văn bản: " + "; ".join(papers.warnings))
    except UserError as exc:
        flash(short_quotes(exc.message), "error")
        return redirect(url_for(".unit_papers"))
    noun, slug_ = UNIT_PAPERS[kind]
    return _start_store(kind, papers, fmt, f"{noun.capitalize()} của các đơn vị — {body.name} — "
                        f"năm {year}", target=body.name, label="unit",
                        file_name=f"{slug_}-{slug(body.name)}-{year}.{fmt}")


@bp.get("/danh-sach-ho-dang-ky/")
def household_lists():
    """The form for a commune's lists, and the areas' signed shares a page at a time (of
    one commune with `?commune=`)."""
    year = year_param()
    commune = request.args.get("commune", "").strip()[:100] or None
    page, size = page_and_size()
    with store().session(readonly=True) as s:
        communes = batch_choices.unit_communes(s, scope(), batch_choices.AREA)
        window = listing.paged(s, listing.units_query(s, scope(), kind=batch_choices.AREA,
                                                      commune=commune), page, size)
        ids = [u.id for u in window.rows]
        counts = {item.unit_id: item.count for item in q.household_lists(s, year=year,
                                                                          unit_ids=ids)}
        shares = household_shares(s, ids, year)
    form = HouseholdListsForm()
    form.commune.choices = choices((c, c) for c in communes)
    if commune:
        form.commune.data = next((c for c in communes if fold(c) == fold(commune)), None)
    form.year.data = str(year)
    return render_template("household_lists.html", form=form, areas=window.rows, window=window,
                           counts=counts, shares=shares, year=year, share_form=ShareForm(),
                           communes=communes, commune=form.commune.data if commune else None)


@bp.post("/danh-sach-ho-dang-ky/")
def make_household_lists():
    form = HouseholdListsForm()
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn; hãy thử lại.", "error")
        return redirect(url_for(".household_lists"))
    year = _year(form)
    if year is None:
        return redirect(url_for(".household_lists"))
    fmt = form.fmt.data if form.fmt.data in MIMES else "docx"
    commune = (form.commune.data or "").strip()
    try:
        with store().session(readonly=True) as s:
            units = batch_choices.areas(s, scope(), commune) if commune else []
            papers = unit_prefill.household_list_inputs(s, commune, year, units)
            ids = [u.id for u in units if u.name in {d["area"] for d in papers.inputs}
                   and fold(u.commune) == fold(commune)]
        if not papers.inputs:
            raise UserError("; ".join(papers.warnings))
    except UserError as exc:
        flash(short_quotes(exc.message), "error")
        return redirect(url_for(".household_lists", year=year))
    return _start_store("household_list", papers, fmt, f"Danh sách hộ đăng ký — {commune} — "
                        f"năm {year}", target=commune, label="area",
                        file_name=f"danh-sach-ho-{slug(commune)}-{year}.{fmt}",
                        printed_from=(ids, year))


@bp.post("/danh-sach-ho-dang-ky/ti-le")
def record_household_share():
    form = ShareForm()
    year = year_param(request.form)
    back = url_for(".household_lists", year=year)
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn; hãy thử lại.", "error")
        return redirect(back)
    unit_id = as_id(form.unit_id.data)
    try:
        with store().session() as s:
            unit = q.get_unit(s, unit_id) if unit_id else None
            if unit is None or unit.kind != "khu_dan_cu" or not scope().unit(unit):
                abort(404)
            record_share(s, unit.id, year, signed=form.signed.data, total=form.total.data,
                         by=g.user.username)
            shown = household_shares(s, [unit.id], year).get(unit.id)
            log("ghi số hộ đã ký", unit.name, f"năm {year}: "
                + (f"{shown[0]}/{shown[1]} hộ" if shown else "xóa"), tx=s)
    except InputError as exc:
        flash(short_quotes("; ".join(m for _, m in exc.problems)), "error")
        return redirect(back)
    except UserError as exc:
        flash(short_quotes(exc.message), "error")
        return redirect(back)
    if shown is None:  # «Số hộ đã ký» left blank erases the record: say so
        flash(f"Đã xóa số hộ đã ký của «{unit.name}» năm {year}.", "success")
    else:
        flash(f"Đã ghi số hộ đã ký của «{unit.name}» năm {year}: {shown[0]}/{shown[1]} hộ.",
              "success")
    return redirect(back)


def _start_store(kind: str, papers, fmt: str, title: str, *, target: str, label: str,
                 file_name: str, printed_from: tuple[list[int], int] | None = None):
    """Queue the job that fills `kind` from inputs made from the store
    (docgen.jobs.handlers.bulk_inputs), and show its page."""
    inputs = plain(papers.inputs)
    people = (sum(len(d["households"]) for d in inputs) if kind == "household_list" else 0)
    noun = {"household_list": "danh sách hộ"}.get(kind) or UNIT_PAPERS[kind][0]
    payload = {"kind": kind, "inputs": inputs, "warnings": list(papers.warnings), "fmt": fmt,
               "label": label, "noun": noun, "people": people, "target": target,
               "file_name": file_name, "user": g.user.username,
               "address": request.remote_addr or "",
               "printed_from": [list(printed_from[0]), printed_from[1]] if printed_from
               else None}
    back = url_for(".household_lists" if kind == "household_list" else ".unit_papers")
    job = jobs().start(g.user.id, title, "bulk_inputs", payload, back=back)
    return redirect(url_for(".job", job_id=job.id))
