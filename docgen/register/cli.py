"""`docgen register print | export`: the outgoing register of a body and year in the
Phụ lục IV form, and its documents' Phụ lục VI metadata as an exchange package."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import UserError

OUT = click.Path(dir_okay=False, path_type=Path)


@click.group()
def register() -> None:
    """Sổ đăng ký văn bản đi theo Nghị định 30/2020 (Phụ lục IV, Phụ lục VI)."""


def _read(body_id: int, year: int, work):
    """`work(session)` on the configured database, read-only."""
    from ..schema import YEAR_MAX, YEAR_MIN
    from ..store.configured import existing_store  # never creates an empty database
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise UserError(f"Năm {year} không hợp lệ (từ {YEAR_MIN} đến {YEAR_MAX})")
    store = existing_store()
    try:
        with store.session(readonly=True) as s:
            return work(s)
    finally:
        store.dispose()


def _options(command):
    command = click.option("--year", type=int, required=True, help="Năm của sổ.")(command)
    return click.option("--body", "body_id", type=int, required=True,
                        help="Mã cơ quan (xem trang Cơ quan).")(command)


@register.command("print")
@_options
@click.option("-o", "--output", type=OUT, default=None,
              help="Tệp DOCX (hoặc PDF với --pdf); mặc định so-van-ban-di-<mã>-<năm>.docx")
@click.option("--pdf", is_flag=True, help="Xuất PDF/A qua LibreOffice thay cho DOCX.")
@click.option("--volume", type=click.IntRange(1, 99), default=1, show_default=True,
              help="Quyển số.")
def print_(body_id: int, year: int, output: Path | None, pdf: bool, volume: int) -> None:
    """In sổ đăng ký văn bản đi của một cơ quan trong một năm (mẫu Phụ lục IV)."""
    from ..output import write_atomic
    from .book import print_book
    data = _read(body_id, year, lambda s: print_book(s, body_id, year, volume=volume))
    if pdf:
        from .. import pdf as converter
        data = converter.to_pdf(data)
    output = output or Path(f"so-van-ban-di-{body_id}-{year}.{'pdf' if pdf else 'docx'}")
    write_atomic(output, data)
    click.echo(f"Đã ghi sổ đăng ký văn bản đi năm {year} vào {output}")


@register.command("export")
@_options
@click.option("-o", "--output", type=OUT, required=True, help="Tệp ZIP.")
def export(body_id: int, year: int, output: Path) -> None:
    """Xuất dữ liệu đặc tả (Phụ lục VI) và tệp PDF của các văn bản đã cấp số thành một gói ZIP."""
    from ..output import write_atomic
    from .package import export_package
    write_atomic(output, _read(body_id, year, lambda s: export_package(s, body_id, year)))
    click.echo(f"Đã xuất dữ liệu đặc tả văn bản đi năm {year} vào {output}")
