"""Đơn vị: the units assessed each year — list, search, add, edit, delete, Excel in and out."""

from __future__ import annotations

import io

from flask import (Blueprint, abort, flash, redirect, render_template, request, send_file,
                   url_for)
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import SelectField, StringField

from docgen import domain, exchange, rules, store as q
from docgen.errors import InputError, UserError
from docgen.store import Assessment, Unit, competence, listing
from docgen.vietnamese import format_number

from ..forms import SelectChoice, choices
from . import (Deletion, as_id, confirm_delete, dry_run, file_label, form_page, log, or_404, row_id,
               save_from_form, scope, store, uploads, visible, year_param)
from .paging import page_and_size

bp = Blueprint("units", __name__, url_prefix="/don-vi", template_folder="../templates/units")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UnitForm(FlaskForm):
    name = StringField("Tên đơn vị")
    kind = SelectField("Loại hình", validate_choice=False,
                       choices=choices([(k.code, k.label) for k in domain.UNIT_KINDS]))
    category = SelectField("Phân loại đơn vị", validate_choice=False,
                           description="Loại trường, quy mô doanh nghiệp…: quyết định đơn vị "
                                       "có thuộc đối tượng đánh giá không và cấp nào quyết định")
    managed_by = SelectField("Cấp quản lý", validate_choice=False,
                             description="Mặc định: theo phân loại, nếu không thì theo cơ quan "
                                         "đánh giá")
    commune = StringField("Thuộc xã, thị trấn")
    body_id = SelectField("Cơ quan đánh giá", coerce=str, validate_choice=False)
    note = StringField("Ghi chú")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = category_choices()
        # Mặc định, cấp xã, cấp huyện, cấp tỉnh, Bộ: from the nearest tier up.
        self.managed_by.choices = choices(
            [("", "Mặc định"), *((code, label[:1].upper() + label[1:])
                                 for code, label in reversed(rules.TIERS.items()))])


def category_choices() -> list:
    """The categories of the loaded rules file, grouped by unit kind (labels from the file)."""
    found = rules.load_rules()
    options = [SelectChoice("", "Chưa ghi") if SelectChoice else ("", "Chưa ghi")]
    for kind in domain.UNIT_KINDS:
        for category in found.categories_of(kind.code):
            options.append(SelectChoice(category.code, category.label,
                                        render_kw={"data-kind": kind.code},
                                        optgroup=kind.label) if SelectChoice
                           else (category.code, category.label))
    return options


class ImportForm(FlaskForm):
    file = FileField("Tệp Excel (.xlsx)")
    body_id = SelectField("Đơn vị không ghi cơ quan đánh giá thì thuộc", coerce=str,
                          validate_choice=False)


def _bodies(form, bodies) -> None:
    form.body_id.choices = choices((str(b.id), b.name) for b in bodies)


def _filters() -> dict:
    """The units page's search, kind, body and commune (a body outside the user's scope:
    404; a commune only narrows what the scope shows)."""
    body_id = request.args.get("body", type=row_id)
    if body_id is not None and not scope().body(body_id):
        or_404(None)
    kind = request.args.get("kind") or None
    return {"search": request.args.get("q", "").strip()[:100],
            "kind": kind if domain.unit_kind(kind or "") else None, "body_id": body_id,
            "commune": request.args.get("commune", "").strip()[:100]}


def _query(s, wanted: dict):
    """The units the page lists, and its export holds: those matching, within the scope."""
    return listing.units_query(s, scope(), search=wanted["search"] or None, kind=wanted["kind"],
                               body_id=wanted["body_id"], commune=wanted["commune"] or None)


@bp.get("/")
def index():
    year = year_param()  # the year whose period decides who is competent
    wanted = _filters()
    page, size = page_and_size()
    with store().session(readonly=True) as s:  # render inside: the page reads unit.body
        bodies = listing.bodies_seen(s, scope())
        window = listing.paged(s, _query(s, wanted), page, size)
        communes = listing.communes(s) if scope().body_ids is None else sorted(
            {c for c in s.scalars(_query(s, {**wanted, "commune": "", "search": ""})
                                  .with_only_columns(Unit.commune).distinct().order_by(None))
             if c})
        form = ImportForm()
        _bodies(form, bodies)
        on = competence.year_date(year)
        deciders = competence.deciders_for(s, window.rows, on)
        recognisers = competence.deciders_for(s, window.rows, on, "an_toan")
        return render_template("units.html", units=window.rows, window=window, bodies=bodies,
                               kinds=domain.UNIT_KINDS, search=wanted["search"],
                               kind=wanted["kind"], body_id=wanted["body_id"],
                               commune=wanted["commune"], communes=communes, import_form=form,
                               year=year, deciders=deciders, recognisers=recognisers,
                               categories=_category_labels())


def _category_labels() -> dict[tuple[str, str], str]:
    return {(c.kind, c.code): c.label for c in rules.load_rules().categories}


# The fields of a unit its assessing body decides: read-only for a commune user who sees
# the unit only through their commune (q.save_unit refuses a change of them).
OWNER_FIELDS = ("name", "commune", "body_id")


@bp.route("/moi", methods=["GET", "POST"], defaults={"unit_id": None})
@bp.route("/<int:unit_id>", methods=["GET", "POST"])
def edit(unit_id: int | None):
    if unit_id is None and not scope().can_write:
        abort(403)  # nothing to read on a new record's page
    with store().session(readonly=True) as s:
        bodies = [b for b in q.list_bodies(s) if scope().body(b.id)]
        unit = visible(q.get_unit(s, unit_id), scope().unit) if unit_id else None
        owner = unit.body if unit is not None else None
    form = UnitForm(obj=unit) if request.method == "GET" else UnitForm()
    _bodies(form, bodies)
    locked = unit is not None and not scope().body(unit.body_id)
    if locked:  # its body is shown, though outside the user's list, and cannot be changed
        form.body_id.choices = choices([(str(owner.id), owner.name)])
        for name in OWNER_FIELDS:
            form[name].render_kw = {**(form[name].render_kw or {}), "disabled": True}
            form[name].description = f"Do {owner.name} hoặc tài khoản cấp huyện quản lý"
    if unit is not None:
        # A field the browser did not send (read-only) keeps its stored value: saving
        # never moves a unit unless the user picked another body on purpose.
        for name in OWNER_FIELDS:
            if request.method == "GET" or name not in request.form:
                stored = getattr(unit, name)
                form[name].data = str(stored) if name == "body_id" else stored
    if form.validate_on_submit() and save_from_form(form, "đơn vị",
                                                    lambda s: _save(s, form, unit)):
        return redirect(url_for(".index"))
    return form_page("unit_form.html", form, unit=unit)


def _save(s, form: UnitForm, unit) -> tuple[str, str]:
    """Store the posted unit within the user's scope: (its name, the audit detail, which
    records a change of assessing body «từ … sang …»)."""
    body_id = as_id(form.body_id.data)
    if body_id is None:
        raise InputError([("body_id", "Hãy chọn một cơ quan đánh giá trong danh sách")])
    saved = q.save_unit(s, id=unit.id if unit else None, name=form.name.data,
                        kind=form.kind.data, body_id=body_id, commune=form.commune.data,
                        note=form.note.data, category=form.category.data or "",
                        managed_by=form.managed_by.data or "", scope=scope())
    if unit is None or saved.body_id == unit.body_id:
        return saved.name, ""
    before, after = q.get_body(s, unit.body_id).name, q.get_body(s, saved.body_id).name
    return saved.name, f"cơ quan đánh giá: từ «{before}» sang «{after}»"


@bp.route("/<int:unit_id>/xoa", methods=["GET", "POST"])
def delete(unit_id: int):
    with store().session(readonly=True) as s:
        unit = visible(q.get_unit(s, unit_id), scope().unit)
        name, along = unit.name, _dependents(s, unit_id)
    deletion = Deletion(f"đơn vị «{name}»", url_for(".index"), along, blocked=dry_run(
        lambda s: q.delete_unit(s, unit_id, scope=scope())),
        kept=["Các văn bản trong sổ văn bản đi không thay đổi."])

    def delete_now():
        try:
            with store().session() as s:
                q.delete_unit(s, unit_id, scope=scope())
                log("xóa đơn vị", name, "; ".join(along), tx=s)
        except UserError as exc:
            flash(exc.message, "error")
        else:
            flash(f"Đã xóa đơn vị «{name}».", "success")
        return redirect(url_for(".index"))
    return confirm_delete(deletion, delete_now)


def _dependents(s, unit_id: int) -> list[str]:
    """What is deleted with a unit: its outcomes and its household lists, by year."""
    years = sorted(s.scalars(select(Assessment.year).where(Assessment.unit_id == unit_id)))
    lists = sorted(q.household_lists(s, unit_ids=[unit_id]), key=lambda item: item.year)
    along = []
    if years:
        along.append(f"kết quả đánh giá năm {', '.join(map(str, years))}")
    if lists:
        along.append("danh sách hộ " + ", ".join(
            f"năm {item.year} ({format_number(item.count)} hộ)" for item in lists))
    return along


@bp.get("/xuat.xlsx")
def export():
    """The units the units page lists with the same filters: never more than the user sees."""
    wanted = _filters()
    with store().session(readonly=True) as s:
        data = exchange.export_units(s, units=list(s.scalars(_query(s, wanted))))
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                     download_name="danh-sach-don-vi.xlsx")


def within_scope(plan):
    """Rows naming a body outside the user's scope become rejects, never writes."""
    for bucket in (plan.add, plan.update):
        for row in list(bucket):
            if not scope().body(row.values.get("body_id", plan.body_id)):
                bucket.remove(row)
                plan.reject.append(exchange.Reject(row.row, "Cơ quan đánh giá ghi trong dòng này "
                                                            "không thuộc phạm vi tài khoản"))
    plan.reject.sort(key=lambda r: r.row)
    return plan


@bp.post("/nhap")
def import_preview():
    with store().session(readonly=True) as s:
        bodies = q.list_bodies(s)
    form = ImportForm()
    _bodies(form, bodies)
    body_id = request.form.get("body_id", type=row_id)
    if not scope().body(body_id):  # another commune's body, before anything else is said
        or_404(None)
    upload = request.files.get("file")
    if not form.validate_on_submit() or upload is None or not upload.filename:
        flash("Hãy chọn một tệp Excel (.xlsx) để nhập.", "error")
        return redirect(url_for(".index"))
    data = upload.read()
    try:
        with store().session(readonly=True) as s:
            plan = within_scope(exchange.preview_units_import(s, data, body_id))
    except UserError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".index"))
    try:
        token = uploads.keep(data)
    except uploads.NotKept as exc:  # a full disk is DiskFull: its own page (507)
        flash(exc.message, "error")
        return redirect(url_for(".index"))
    return render_template("import_preview.html", plan=plan, token=token, body_id=body_id,
                           filename=file_label(upload.filename))


@bp.post("/nhap/xac-nhan")
def import_apply():
    if not FlaskForm().validate_on_submit():
        flash("Phiên làm việc đã hết hạn; hãy nhập lại tệp.", "error")
        return redirect(url_for(".index"))
    token = request.form.get("token", "")
    body_id = request.form.get("body_id", type=row_id)
    if body_id is not None and not scope().body(body_id):
        or_404(None)
    try:
        data = uploads.fetch(token)
    except UserError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".index"))
    if data is None or body_id is None:
        flash("Không còn tệp đã tải lên; hãy chọn lại tệp Excel.", "error")
        return redirect(url_for(".index"))
    try:
        with store().session() as s:
            plan = within_scope(exchange.preview_units_import(s, data, body_id))
            added, updated = exchange.apply_units_import(s, plan)
            log("nhập đơn vị từ Excel", "",
                f"thêm {added}, cập nhật {updated}, từ chối {len(plan.reject)}", tx=s)
    except UserError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".index"))
    uploads.forget(token)
    flash(f"Đã nhập: thêm {added} đơn vị, cập nhật {updated} đơn vị"
          + (f"; bỏ qua {len(plan.reject)} dòng lỗi." if plan.reject else "."), "success")
    return redirect(url_for(".index"))
