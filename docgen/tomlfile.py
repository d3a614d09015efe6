"""The TOML files a province replaces — the rules, the classification policy, the scoring
criteria: each read once per version of the file, with errors naming the file, the line
and the key, in Vietnamese."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from .errors import UserError

T = TypeVar("T")

# (parse function, resolved path, mtime, size) -> what it made of that version of the file
_cache: dict[tuple[Callable, str, int, int], Any] = {}


def load(path: str | os.PathLike, what: str, parse: Callable[[bytes, Path], T]) -> T:
    """`parse(raw, path)` of the file at `path`, kept while the file is unchanged (same
    modification time and size). `what` names the file for users («quy tắc»): a file that
    cannot be read is a UserError «Không đọc được tệp quy tắc «…»: …»."""
    path = Path(path)
    try:
        stat = path.stat()
        key = (parse, str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        if key in _cache:
            return _cache[key]
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"Không đọc được tệp {what} «{path}»: {exc.strerror or exc}") from None
    _cache[key] = made = parse(raw, path)
    return made


def parse(raw: bytes | str, where: str) -> dict[str, Any]:
    """The TOML document in `raw`; UserError starting with `where` («Tệp quy tắc «…»») when
    it is not UTF-8 text or not TOML (naming the line and column)."""
    import tomllib  # when a file is read, not when `docgen kinds` imports the scoring module
    try:
        return tomllib.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    except UnicodeDecodeError:
        raise UserError(f"{where} không phải văn bản UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        spot = f" ở dòng {at[1]}, cột {at[2]}" if at else ""
        raise UserError(f"{where} sai cú pháp TOML{spot} ({exc})") from None


def check_keys(table: Iterable[str], allowed: set[str],
               fail: Callable[[str, str], NoReturn], at: str = "") -> None:
    """`fail(key, message)` for the first key of `table` not in `allowed`, the key named
    under `at` («class[1].max_score»), the message listing the allowed ones."""
    for key in table:
        if key not in allowed:
            fail(f"{at}.{key}" if at else key,
                 "không phải khóa hợp lệ; các khóa hợp lệ: " + ", ".join(sorted(allowed)))


def failing(where: str) -> Callable[[str, str], NoReturn]:
    """`fail(key, message)`, raising UserError «{where}, khóa «key»: message»."""
    def fail(key: str, message: str) -> NoReturn:
        raise UserError(f"{where}, khóa «{key}»: {message}")
    return fail


def entries(table: dict, key: str, fail: Callable[[str, str], NoReturn], at: str = "") -> list:
    """The array of tables `[[key]]` of `table`; `fail` when it is missing or empty."""
    found = table.get(key)
    if not isinstance(found, list) or not found:
        fail(f"{at}.{key}" if at else key, f"cần ít nhất một mục [[{key}]]")
    return found


def texts(table: dict, keys: Iterable[str], fail: Callable[[str, str], NoReturn]) -> None:
    """`fail` for the first of `keys` whose value in `table` is there but not text."""
    for key in keys:
        if not isinstance(table.get(key, ""), str):
            fail(key, "phải là chuỗi văn bản")
