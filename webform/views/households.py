"""Danh sách hộ đã lưu: the stored household lists by year (CCCD masked), and the district's
purge of a year's lists once the forms are printed, after a confirmation naming them."""

from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, g, redirect, render_template, request,
                   url_for)
from flask_wtf import FlaskForm

from docgen import store as q
from docgen.errors import UserError
from docgen.privacy import mask_cccd

from docgen.store import listing

from . import bad_year, row_id, scope, store, visible, year_arg
from .paging import page_and_size

bp = Blueprint("households", __name__, url_prefix="/ho-gia-dinh",
               template_folder="../templates/households")


@bp.get("/")
def index():
    """One year's stored lists a page at a time (`?year=`: the latest by default;
    `?commune=`), with the other years as links."""
    page, size = page_and_size()
    commune = request.args.get("commune", "").strip()[:100]
    with store().session(readonly=True) as s:
        years = listing.household_years(s, scope())
        year = years[0] if years else None
        if "year" in request.args:
            raw = request.args["year"]
            try:
                year = year_arg(raw)
            except ValueError:
                bad_year(raw)
        window, people = (listing.household_page(s, scope(), year, page, size, commune or None)
                          if year is not None else (None, 0))
    return render_template("households.html", years=years, year=year, window=window,
                           people=people, commune=commune)


@bp.get("/<int:unit_id>/<int:year>")
def show(unit_id: int, year: int):
    with store().session(readonly=True) as s:
        unit = visible(q.get_unit(s, unit_id), scope().unit)
        people = q.list_households(s, unit_id, year)
    if not people:
        abort(404)
    rows = [(p.full_name, p.birth_year or "", mask_cccd(p.id_number), p.address) for p in people]
    return render_template("household_list.html", unit=unit, year=year, rows=rows)


def _district_only() -> None:
    if not scope().is_district:
        abort(404)


def _choice() -> tuple[int | None, list[int] | None]:
    """The year and the area (None: every area) a purge request names."""
    source = request.form if request.method == "POST" else request.args
    year = source.get("year", type=year_arg)
    unit = source.get("unit", type=row_id)
    return year, ([unit] if unit else None)


@bp.get("/xoa")
def confirm():
    _district_only()
    year, unit_ids = _choice()
    if year is None:
        abort(404)
    try:
        with store().session(readonly=True) as s:
            plan = q.purge_plan(s, year, unit_ids, instance_path=_instance())
    except UserError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".index"))
    return render_template("household_purge.html", plan=plan,
                           unit=unit_ids[0] if unit_ids else None)


@bp.post("/xoa")
def purge():
    _district_only()
    year, unit_ids = _choice()
    expected = request.form.get("people", type=int)
    if not FlaskForm().validate_on_submit() or year is None or expected is None:
        flash("Phiên làm việc đã hết hạn; hãy xem lại danh sách rồi xác nhận lần nữa.", "error")
        return redirect(url_for(".index"))
    try:
        plan = q.purge(store(), year, unit_ids, username=g.user.username,
                       address=request.remote_addr or "", instance_path=_instance(),
                       expected=expected)
    except UserError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".index"))
    flash(f"Đã xóa vĩnh viễn {plan.describe()}"
          + (f"; cùng {len(plan.jobs)} tệp in hàng loạt." if plan.jobs else "."), "success")
    return redirect(url_for(".index"))


def _instance() -> str:
    return current_app.instance_path
