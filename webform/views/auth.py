"""Sign-in, sign-out, passwords, users (district role) and the audit trail.

Every page needs a signed-in user (`require_login`, run before each request): the cookie
carries a session token whose record in the database says who and until when
(`docgen.store.signins`). A viewer may not change anything; pages of other communes answer 404.
"""

from __future__ import annotations

import io
import unicodedata
from urllib.parse import unquote, urlsplit

import openpyxl
from flask import (Blueprint, abort, flash, g, redirect, render_template, request, send_file,
                   session, url_for)
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField

from docgen import store as q
from docgen.errors import UserError
from docgen.exchange import neutralise
from docgen.store import signins
from docgen.store.models import utcnow

from ..forms import choices, shown
from . import as_id, check_year_arg, form_page, log, or_404, show_problems, store, vietnam_time

bp = Blueprint("auth", __name__, template_folder="../templates/auth")
PUBLIC = {"auth.login", "static"}
SELF_SERVICE = {"auth.logout", "auth.password"}
EXPIRED = {
    signins.EXPIRED_IDLE: "Phiên đăng nhập đã hết hạn sau 60 phút không dùng; hãy đăng nhập lại.",
    signins.EXPIRED_MAX_AGE: "Phiên đăng nhập đã quá 8 giờ; hãy đăng nhập lại.",
    "ended": "Phiên đăng nhập đã kết thúc (đã đăng xuất, mật khẩu đã đổi hoặc được đặt lại, "
             "hoặc tài khoản đã bị khóa); hãy đăng nhập lại.",
}


class LoginForm(FlaskForm):
    username = StringField("Tên đăng nhập")
    password = PasswordField("Mật khẩu")


class PasswordForm(FlaskForm):
    old = PasswordField("Mật khẩu hiện tại")
    new = PasswordField("Mật khẩu mới (ít nhất 10 ký tự)")


class UserForm(FlaskForm):
    username = StringField("Tên đăng nhập", description="Chữ không dấu, ví dụ: vanthu.namao")
    full_name = StringField("Họ và tên")
    role = SelectField("Vai trò", validate_choice=False,
                       choices=choices(list(q.ROLES.items())))
    body_id = SelectField("Cơ quan (với văn thư cấp xã hoặc người chỉ xem một xã)",
                          validate_choice=False)
    active = BooleanField("Đang hoạt động", default=True)


def require_login():
    """Before every request: a signed-in, active user with a live session, or the login page;
    then a `?year=` that is a year (views.check_year_arg)."""
    if request.endpoint in PUBLIC or request.endpoint is None:
        return None
    user = _signed_in()
    if user is None:
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET"
                                else None))
    g.user = user
    if user.must_change_password and request.endpoint not in SELF_SERVICE:
        flash("Hãy đổi mật khẩu dùng một lần trước khi làm việc.", "warning")
        return redirect(url_for("auth.password"))
    if request.method == "POST" and not g.scope.can_write and request.endpoint not in SELF_SERVICE:
        abort(403)
    check_year_arg()
    return None


def _signed_in():
    """The user of the request's session token (setting g.scope and g.session_key), or None
    after clearing the cookie and saying why the session ended."""
    token = session.get("sid")
    if not isinstance(token, str) or not token:
        session.clear()
        return None
    key, now = signins.token_key(token), utcnow()
    with store().session(readonly=True) as s:
        row = signins.get_session(s, key)
        why = "ended" if row is None else signins.expiry(row, now)
        user = row.user if not why and row.user.active else None
        if user is not None:
            g.scope = q.scope_for(s, user)
    if why or user is None:
        if row is not None:
            with store().session() as s:
                signins.end_session(s, key)
        session.clear()
        flash(EXPIRED.get(why, EXPIRED["ended"]), "warning")
        return None
    if signins.needs_touch(row, now):  # one write a minute at most moves the idle clock
        with store().session() as s:
            signins.touch(s, key, now)
    g.session_key = key
    return user


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path of this site, else None: no scheme or host, no "//" start,
    no backslash, control, format or space character (browsers drop some and turn "\\" into
    "/"), also once percent-decoded."""
    if not target or len(target) > 2000:
        return None
    for text in (target, unquote(target)):
        if not text.startswith("/") or text.startswith("//"):
            return None
        if any(ch == "\\" or unicodedata.category(ch)[0] in "CZ" for ch in text):
            return None
        parts = urlsplit(text)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            return None
    return target


def district_only() -> None:
    if not g.scope.is_district:
        abort(404)


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        ip = request.remote_addr or ""
        blocked, failure, token = False, None, None
        previous = session.get("sid")
        with store().session() as s:  # committed either way: the failure count must stick
            if signins.address_blocked(s, ip):
                blocked = True
            else:
                try:
                    user = q.authenticate(s, form.username.data or "", form.password.data or "")
                    if isinstance(previous, str):  # a new sign-in replaces this browser's
                        signins.end_session(s, signins.token_key(previous))
                    token = signins.start_session(s, user.id, ip)
                    q.audit(s, user.username, "đăng nhập", "", "", ip)
                except UserError as exc:
                    failure = exc.message
                    signins.record_failure(s, ip)
                    q.audit(s, (form.username.data or "")[:60], "đăng nhập sai", "", failure, ip)
        if blocked:
            flash("Có quá nhiều lần đăng nhập sai từ máy này; hãy thử lại sau 15 phút.", "error")
            return render_template("login.html", form=form), 429
        if failure:
            flash(failure, "error")
            return render_template("login.html", form=form), 401
        session.clear()
        session.permanent = True
        session["sid"] = token
        return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
    return render_template("login.html", form=form)


@bp.post("/dang-xuat")
def logout():
    # Every session of the user ends, so a copy of this cookie stops working too.
    with store().session() as s:
        signins.end_sessions(s, g.user.id)
        log("đăng xuất", tx=s)
    session.clear()
    flash("Đã đăng xuất.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/doi-mat-khau", methods=["GET", "POST"])
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            with store().session() as s:
                q.change_password(s, q.get_user(s, g.user.id), form.old.data, form.new.data,
                                  keep=g.session_key)
                q.audit(s, g.user.username, "đổi mật khẩu", "", "", request.remote_addr or "")
        except UserError as exc:
            show_problems(form, exc)
        else:
            flash("Đã đổi mật khẩu.", "success")
            return redirect(url_for("home.index"))
    return render_template("password.html", form=form), 200 if not form.errors else 422


@bp.get("/nguoi-dung/")
def users():
    district_only()
    with store().session(readonly=True) as s:
        return render_template("users.html", users=q.list_users(s))


@bp.route("/nguoi-dung/moi", methods=["GET", "POST"], defaults={"user_id": None})
@bp.route("/nguoi-dung/<int:user_id>", methods=["GET", "POST"])
def user(user_id: int | None):
    district_only()
    with store().session(readonly=True) as s:
        target = or_404(q.get_user(s, user_id)) if user_id else None
        bodies = q.list_bodies(s)
    form = UserForm(obj=target) if request.method == "GET" else UserForm()
    form.body_id.choices = choices([("", "— không gắn —")] + [(str(b.id), b.name) for b in bodies])
    if request.method == "GET" and target is not None:
        form.body_id.data = str(target.body_id or "")
    one_time = None
    if form.validate_on_submit():
        one_time = q.new_password() if user_id is None else None
        try:
            with store().session() as s:
                saved = q.save_user(s, id=user_id, username=form.username.data or "",
                                    full_name=form.full_name.data or "", role=form.role.data,
                                    body_id=as_id(form.body_id.data), password=one_time,
                                    active=form.active.data)
                q.audit(s, g.user.username, "tạo người dùng" if user_id is None else
                        "sửa người dùng", saved.username, saved.role, request.remote_addr or "")
                name = saved.username
        except UserError as exc:
            show_problems(form, exc)
        else:
            if one_time:
                flash(f"Đã tạo người dùng «{name}». Mật khẩu dùng một lần (chỉ hiện lần này): "
                      f"{one_time}", "success")
            else:
                flash(f"Đã lưu người dùng «{name}».", "success")
            return redirect(url_for(".users"))
    return form_page("user_form.html", form, target=target)


@bp.post("/nguoi-dung/<int:user_id>/dat-lai-mat-khau")
def reset(user_id: int):
    district_only()
    with store().session() as s:
        target = or_404(q.get_user(s, user_id))
        password = q.reset_password(s, user_id)
        q.audit(s, g.user.username, "đặt lại mật khẩu", target.username, "",
                request.remote_addr or "")
    flash(f"Mật khẩu dùng một lần mới của «{target.username}» (chỉ hiện lần này): {password}",
          "success")
    return redirect(url_for(".users"))


# The audit's times are stored in UTC and shown, on the page and in its export, in Vietnam.
AUDIT_TIME = "Thời điểm (giờ Việt Nam, UTC+7)"


@bp.app_template_filter("vietnam_time")
def _vietnam_time(at):
    return vietnam_time(at)


bp.add_app_template_global(shown)  # a field's value on the pages a viewer reads


@bp.get("/nhat-ky/")
def audit():
    district_only()
    with store().session(readonly=True) as s:
        entries = q.list_audit(s, username=request.args.get("user") or None,
                               action=request.args.get("action") or None)
    return render_template("audit.html", entries=entries, time_header=AUDIT_TIME)


@bp.get("/nhat-ky/xuat.xlsx")
def audit_export():
    district_only()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Nhật ký"
    sheet.append([AUDIT_TIME, "Người dùng", "Thao tác", "Đối tượng", "Chi tiết", "Địa chỉ"])
    with store().session(readonly=True) as s:
        for e in q.list_audit(s, limit=100_000):
            sheet.append([vietnam_time(e.at), *(neutralise(v) for v in (
                e.username, e.action, e.target, e.detail, e.address))])
    for (cell,) in sheet.iter_rows(min_row=2, max_col=1):
        cell.number_format = "dd/mm/yyyy hh:mm:ss"
    sheet.column_dimensions["A"].width = 20
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return send_file(out, as_attachment=True, download_name="nhat-ky.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
