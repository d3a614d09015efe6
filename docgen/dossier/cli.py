"""`docgen dossier check`: the year's dossier of a body in the store, or of a folder of
DOCX files; exit status 1 when it finds something, 2 for a usage error."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import UserError


@click.group("dossier")
def dossier() -> None:
    """Hồ sơ năm: danh mục theo Thông tư 124 (Điều 9 khoản 2) và các điểm không thống nhất."""


@dossier.command("check")
@click.argument("folder", required=False, type=click.Path(path_type=Path))
@click.option("--body", "body_id", type=int, default=None,
              help="Mã cơ quan (xem trang Cơ quan); hồ sơ gồm văn bản của các cơ quan cùng "
                   "địa danh (UBND, Ban Chỉ đạo, Công an).")
@click.option("--year", type=int, default=None, help="Năm đánh giá.")
def check(folder: Path | None, body_id: int | None, year: int | None) -> None:
    """Kiểm tra hồ sơ năm của một cơ quan (--body, --year) hoặc của thư mục FOLDER gồm các
    tệp DOCX; thoát mã 1 nếu có điểm không thống nhất."""
    from ..schema import YEAR_MAX, YEAR_MIN
    from . import check_folder, check_year, lines
    from ..store.configured import existing_store  # a check never creates an empty database
    if folder is not None and (body_id is not None or year is not None):
        raise UserError("Chỉ ghi một trong hai: thư mục FOLDER, hoặc --body và --year")
    if folder is None:
        if body_id is None or year is None:
            raise UserError("Cần ghi --body (mã cơ quan) và --year (năm đánh giá), hoặc thư "
                            "mục FOLDER chứa các tệp DOCX của hồ sơ")
        if not YEAR_MIN <= year <= YEAR_MAX:
            raise UserError(f"Năm đánh giá {year} không hợp lệ (từ {YEAR_MIN} đến {YEAR_MAX})")
        store = existing_store()
        try:
            with store.session(readonly=True) as s:
                found = check_year(s, body_id, year)
        finally:
            store.dispose()
    else:
        found = check_folder(folder)
    click.echo("\n".join(lines(found)))
    if not found.ok:
        sys.exit(1)
