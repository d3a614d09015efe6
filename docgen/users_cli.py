"""`docgen user …`: manage sign-in accounts from the command line (e.g. on first setup)."""

from __future__ import annotations

import click

from .errors import UserError


@click.group("user")
def user() -> None:
    """Quản lý tài khoản đăng nhập."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["district", "commune", "viewer"]), default="district",
              show_default=True,
              help="district: toàn quyền; commune: văn thư cấp xã; viewer: chỉ xem.")
@click.option("--body", "body_id", type=int, default=None,
              help="Mã cơ quan của văn thư cấp xã (xem trang Cơ quan).")
@click.option("--name", "full_name", default="", help="Họ và tên.")
def add(username: str, role: str, body_id: int | None, full_name: str) -> None:
    """Tạo tài khoản USERNAME và in mật khẩu dùng một lần."""
    from . import store as q
    from .store.configured import open_store
    db = open_store()
    password = q.new_password()
    with db.session() as s:
        saved = q.save_user(s, username=username, role=role, body_id=body_id,
                            full_name=full_name, password=password)
        q.audit(s, "cli", "tạo người dùng", saved.username, role)
        name = saved.username
    click.echo(f"Đã tạo tài khoản «{name}» ({q.ROLES[role]}). Mật khẩu dùng một lần: {password}")
    click.echo("Người dùng phải đổi mật khẩu khi đăng nhập lần đầu.")


@user.command("reset")
@click.argument("username")
def reset(username: str) -> None:
    """Đặt lại mật khẩu của USERNAME (in mật khẩu dùng một lần mới)."""
    from . import store as q
    from .store.configured import open_store
    db = open_store()
    with db.session() as s:
        found = q.find_user(s, username)
        if found is None:
            raise UserError(f"Không có tài khoản «{username}»")
        password = q.reset_password(s, found.id)
        q.audit(s, "cli", "đặt lại mật khẩu", found.username)
    click.echo(f"Mật khẩu dùng một lần mới của «{found.username}»: {password}")


@user.command("list")
def list_() -> None:
    """Liệt kê các tài khoản."""
    from . import store as q
    from .store.configured import open_store
    with open_store().session(readonly=True) as s:
        for u in q.list_users(s):
            state = "hoạt động" if u.active else "đã khóa"
            body = f", {u.body.name}" if u.body else ""
            click.echo(f"{u.username}\t{u.role_label}{body}\t{state}")


__all__ = ["user"]
