"""Sign-in, sign-out, passwords, users (district role) and the audit trail.

Every page needs a signed-in user (`require_login`, run before each request); a viewer
may not change anything; pages of other communes answer 404.
"""

from __future__ import annotations

import io
import threading
import time

import openpyxl
from flask import (Blueprint, abort, flash, g, redirect, render_template, request, send_file,
                   session, url_for)
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField

from docgen import store as q
from docgen.errors import UserError
from docgen.exchange import neutralise

from ..forms import choices
from . import as_id, form_page, log, or_404, show_problems, store

bp = Blueprint("auth", __name__, template_folder="../templates/auth")
PUBLIC = {"auth.login", "static"}
SELF_SERVICE = {"auth.logout", "auth.password"}
IDLE_SECONDS = 60 * 60
SEEN_STEP = 60  # the last-seen time is kept to the minute
IP_FAILURES, IP_WINDOW = 20, 15 * 60
_failures: dict[str, list[float]] = {}
_failures_lock = threading.Lock()


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
    """Before every request: a signed-in, active user with a fresh session, or the login page."""
    if request.endpoint in PUBLIC or request.endpoint is None:
        return None
    uid, seen = session.get("uid"), session.get("seen", 0)
    if uid and time.time() - seen > IDLE_SECONDS:
        session.clear()
        flash("Phiên đăng nhập đã hết hạn sau 60 phút không dùng; hãy đăng nhập lại.", "warning")
        uid = None
    user = None
    if uid:
        with store().session(readonly=True) as s:
            user = q.get_user(s, uid)
            if user is not None and user.active:
                g.scope = q.scope_for(s, user)
    if user is None or not user.active:
        session.clear()
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET"
                                else None))
    g.user = user
    now = int(time.time())
    if now - seen >= SEEN_STEP:  # a new cookie only when the idle clock moves a step
        session["seen"] = now
    if user.must_change_password and request.endpoint not in SELF_SERVICE:
        flash("Hãy đổi mật khẩu dùng một lần trước khi làm việc.", "warning")
        return redirect(url_for("auth.password"))
    if request.method == "POST" and not g.scope.can_write and request.endpoint not in SELF_SERVICE:
        abort(403)
    return None


def district_only() -> None:
    if not g.scope.is_district:
        abort(404)


def _ip_blocked(ip: str) -> bool:
    now = time.time()
    with _failures_lock:
        recent = [t for t in _failures.get(ip, []) if now - t < IP_WINDOW]
        _failures[ip] = recent
        return len(recent) >= IP_FAILURES


def _ip_failed(ip: str) -> None:
    with _failures_lock:
        _failures.setdefault(ip, []).append(time.time())


@bp.route("/dang-nhap", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        ip = request.remote_addr or ""
        if _ip_blocked(ip):
            flash("Có quá nhiều lần đăng nhập sai từ máy này; hãy thử lại sau 15 phút.", "error")
            return render_template("login.html", form=form), 429
        failure = None
        with store().session() as s:  # committed either way: the failure count must stick
            try:
                user = q.authenticate(s, form.username.data or "", form.password.data or "")
                uid, name = user.id, user.username
                q.audit(s, name, "đăng nhập", "", "", ip)
            except UserError as exc:
                failure = exc.message
                q.audit(s, (form.username.data or "")[:60], "đăng nhập sai", "", failure, ip)
        if failure:
            _ip_failed(ip)
            flash(failure, "error")
            return render_template("login.html", form=form), 401
        session.clear()
        session.permanent = True
        session["uid"], session["seen"] = uid, int(time.time())
        target = request.args.get("next") or ""
        # Only a path on this site: never an absolute URL an attacker planted.
        if not target.startswith("/") or target.startswith("//"):
            target = url_for("home.index")
        return redirect(target)
    return render_template("login.html", form=form)


@bp.post("/dang-xuat")
def logout():
    if FlaskForm().validate_on_submit():
        log("đăng xuất")
    session.clear()
    flash("Đã đăng xuất.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/doi-mat-khau", methods=["GET", "POST"])
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            with store().session() as s:
                q.change_password(s, q.get_user(s, g.user.id), form.old.data, form.new.data)
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


@bp.get("/nhat-ky/")
def audit():
    district_only()
    with store().session(readonly=True) as s:
        entries = q.list_audit(s, username=request.args.get("user") or None,
                               action=request.args.get("action") or None)
    return render_template("audit.html", entries=entries)


@bp.get("/nhat-ky/xuat.xlsx")
def audit_export():
    district_only()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Nhật ký"
    sheet.append(["Thời điểm (UTC)", "Người dùng", "Thao tác", "Đối tượng", "Chi tiết", "Địa chỉ"])
    with store().session(readonly=True) as s:
        for e in q.list_audit(s, limit=100_000):
            sheet.append([e.at, *(neutralise(v) for v in (e.username, e.action, e.target,
                                                           e.detail, e.address))])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return send_file(out, as_attachment=True, download_name="nhat-ky.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
