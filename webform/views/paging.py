"""Lists a page at a time: the page number and size of the query string (`?page=`,
`?size=`), checked before any query runs."""

from __future__ import annotations

from flask import abort, make_response, render_template, request

PAGE_SIZE = 50  # rows of a list page unless `?size=` asks for another
MIN_SIZE, MAX_SIZE = 10, 200  # a larger or smaller size asked for is brought within these
MAX_PAGE = 1_000_000


def _refuse(title: str, message: str):
    abort(make_response(render_template("error.html", title=title, message=message), 400))


def _shown(raw: str) -> str:
    return f"«{raw[:20]}{'…' if len(raw) > 20 else ''}»" if raw.strip() else "để trống"


def page_arg(name: str = "page") -> int:
    """The page number asked for (1 when absent); a 400 page naming the value for anything
    that is not a whole number from 1. A number past the last page gives the last page."""
    raw = request.args.get(name)
    if raw is None:
        return 1
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_PAGE:
        _refuse("Số trang không hợp lệ", f"Số trang {_shown(raw)} không hợp lệ: hãy ghi số "
                                         "trang bằng chữ số, từ 1 trở lên.")
    return int(text)


def size_arg(default: int = PAGE_SIZE) -> int:
    """The rows per page asked for, brought within MIN_SIZE–MAX_SIZE (`default` when
    absent); a 400 page for anything that is not a whole number."""
    raw = request.args.get("size")
    if raw is None:
        return default
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        _refuse("Số dòng mỗi trang không hợp lệ",
                f"Số dòng mỗi trang {_shown(raw)} không hợp lệ: hãy ghi một số từ {MIN_SIZE} "
                f"đến {MAX_SIZE}.")
    return min(MAX_SIZE, max(MIN_SIZE, int(text)))


def page_and_size(default: int = PAGE_SIZE) -> tuple[int, int]:
    return page_arg(), size_arg(default)
