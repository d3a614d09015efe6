"""`docgen db upgrade | current | check`: the database's schema version, for administrators.

The store (SQLAlchemy, Alembic) is imported when a command runs, not when `docgen` starts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from .store import Store


def _open(*, create: bool = False) -> Store:
    """The service's database; without `create`, UserError when its SQLite file is missing
    (a mistyped DOCGEN_INSTANCE must not leave an empty database behind)."""
    from . import settings
    from .store import Store
    from .store.configured import existing_store
    if not create:
        return existing_store()
    return Store(settings.database_url(), instance_path=settings.instance_path())


@click.group()
def db() -> None:
    """Phiên bản lược đồ cơ sở dữ liệu: xem, kiểm tra, nâng cấp."""


@db.command()
def upgrade() -> None:
    """Nâng cấp cơ sở dữ liệu lên phiên bản lược đồ của chương trình (sao lưu trước!)."""
    from .store import migrate, startup
    store = _open(create=True)
    try:
        startup.check_integrity(store.engine)
        where = migrate.describe(store.engine)
        done = migrate.upgrade(store.engine)
    finally:
        store.dispose()
    if done.created:
        click.echo(f"Đã tạo cơ sở dữ liệu mới «{where}» ở phiên bản lược đồ {done.after}.")
        return
    if done.stamped:
        click.echo(f"Đã nhận ra cơ sở dữ liệu của phiên bản docgen trước và ghi phiên bản "
                   f"lược đồ {migrate.BASELINE}.")
    before = done.before or (migrate.BASELINE if done.stamped else None)
    if before == done.after:
        click.echo(f"Cơ sở dữ liệu «{where}» đã ở phiên bản lược đồ mới nhất ({done.after}).")
    else:
        click.echo(f"Đã nâng cấp cơ sở dữ liệu «{where}» từ phiên bản lược đồ {before} lên "
                   f"{done.after}.")


@db.command()
def current() -> None:
    """In phiên bản lược đồ của cơ sở dữ liệu và phiên bản của chương trình."""
    from .store import migrate
    store = _open()
    try:
        found = migrate.state(store.engine)
        where = migrate.describe(store.engine)
    finally:
        store.dispose()
    if found.empty:
        status = "chưa có (cơ sở dữ liệu trống; docgen serve hoặc docgen db upgrade sẽ tạo)"
    elif found.current is None:
        status = "chưa ghi (do phiên bản docgen trước tạo; hãy chạy docgen db upgrade)"
    elif found.up_to_date:
        status = f"{found.current} (mới nhất)"
    elif found.ahead:
        status = f"{found.current} (mới hơn chương trình này)"
    else:
        status = f"{found.current} (cũ hơn chương trình: hãy chạy docgen db upgrade)"
    click.echo(f"Cơ sở dữ liệu: {where}")
    click.echo(f"Phiên bản lược đồ: {status}")
    click.echo(f"Chương trình cần: {found.head}")


@db.command()
def check() -> None:
    """Kiểm tra tệp cơ sở dữ liệu còn nguyên vẹn và lược đồ khớp chương trình; lỗi: mã 2."""
    from .store import migrate, startup
    store = _open()
    try:
        startup.check_integrity(store.engine)
        found = migrate.state(store.engine)
        if not found.up_to_date:
            raise migrate.SchemaError(migrate.refusal(found, store.engine) if not found.empty
                                      else "Cơ sở dữ liệu trống: chạy docgen db upgrade để tạo.")
        click.echo(f"Cơ sở dữ liệu «{migrate.describe(store.engine)}» nguyên vẹn, ở phiên bản "
                   f"lược đồ {found.current} (mới nhất).")
    finally:
        store.dispose()
