"""The rows of a bulk print, one at a time: each merged with the shared data and
validated with the kind's schema, bad rows tallied (a count and the first problems, so a
list of any length reports in bounded memory) and good ones spooled to a temporary file
until the forms are written, so memory does not grow with the number of rows."""

from __future__ import annotations

import heapq
import pickle
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from . import documents, importers, schema
from .errors import InputError, UserError
from .importers import Problem, Row, Table
from .privacy import mask_text

MAX_REPORTED = 100      # problems kept for the report; the rest are only counted
SPOOL_IN_MEMORY = 1 << 20


@dataclass
class Good:
    """A valid row: its number in the list, its label (the name) and its parsed input."""

    number: int
    label: str
    parsed: Any


class Skipped:
    """Rows left out: how many, and their first `keep` problems (CCCD numbers masked)."""

    def __init__(self, keep: int = MAX_REPORTED) -> None:
        self.keep = keep
        self.rows = 0          # distinct rows with a problem
        self.problems = 0      # problems seen, kept or not
        self.kept: list[Problem] = []
        self._last_row: int | None = None

    def add(self, problem: Problem) -> None:
        if problem.row != self._last_row:
            self.rows += 1
            self._last_row = problem.row
        self.problems += 1
        if len(self.kept) < self.keep:
            self.kept.append(Problem(problem.row, mask_text(problem.column),
                                     mask_text(problem.message)))

    @property
    def more(self) -> int:
        """Problems counted but not kept."""
        return self.problems - len(self.kept)

    def listing(self) -> str:
        """The kept problems joined with "; ", and how many more there are."""
        return listing(sorted(self.kept, key=lambda p: p.row), self.more)


def listing(problems: list[Problem], more: int) -> str:
    text = "; ".join(str(p) for p in problems)
    if more:
        text += f"; … và {more:,} lỗi khác chưa liệt kê".replace(",", ".")
    return text


class Spool:
    """Good rows written away one by one (pickled, each on its own so no memo grows),
    read back in order; small spools stay in memory."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(  # noqa: SIM115  (closed by close())
            SPOOL_IN_MEMORY, prefix="docgen-rows-")
        self.count = 0

    def add(self, good: Good) -> None:
        pickle.dump((good.number, good.label, good.parsed), self._file, pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def __iter__(self) -> Iterator[Good]:
        self._file.seek(0)
        for _ in range(self.count):
            yield Good(*pickle.load(self._file))

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --------------------------------------------------------------------------- checking

# A shared value that belongs to another: a row naming its own commune or residential area
# is dated at its own place, not at the place shared for the list (an uploaded list may hold
# several areas; the commitment form takes its place from the row's commune).
_TIED = {"place": ("commune", "area")}


def _merge(defaults: dict, row: dict) -> dict:
    merged = dict(defaults)
    for key, owners in _TIED.items():
        if key in merged and key not in row and any(row.get(o) for o in owners):
            del merged[key]
    for key, value in row.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _strip_personal(defaults: dict, cols, notes: list[str]) -> dict:
    """The defaults without the values each row must give itself (name, CCCD…)."""
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in defaults.items()}
    dropped = []
    for col in cols:
        if not col.personal:
            continue
        *parents, last = col.field.split(".")
        holder = out
        for part in parents:
            holder = holder.get(part) if isinstance(holder.get(part), dict) else {}
        if last in holder:
            del holder[last]
            dropped.append(col.header)
    if dropped:
        notes.append("Dữ liệu chung có thông tin riêng của từng dòng, không dùng cho các mẫu: "
                     + ", ".join(dropped))
    return out


def _in_order(table) -> Iterator[Row | Problem]:
    """A list's rows and the reader's problems as one stream in row order."""
    if isinstance(table, Table):
        return heapq.merge(table.problems, table.rows, key=lambda item: item.number
                           if isinstance(item, Row) else item.row)
    if isinstance(table, importers.Listing):
        return iter(table)
    return (r if isinstance(r, (Row, Problem)) else Row(i, r) for i, r in enumerate(table, 1))


def check(kind: str, table: Table | importers.Listing | Iterable[Row | dict],
          defaults: dict | None = None, notes: list[str] | None = None
          ) -> Iterator[Good | Problem]:
    """Each row of `table` parsed with the kind's schema, in order: a Good, or the
    Problems of a bad row (by row and column); a reader's problems pass through.

    A problem with a field no row gives (e.g. a bad year in the defaults) is not a row's
    fault: once every row is read, it raises a UserError naming the field.
    """
    record = documents.get(kind)
    cols = importers.columns(kind)
    by_field = {c.field: c for c in cols if c.used}
    notes = notes if notes is not None else []
    common = _strip_personal(defaults or {}, cols, notes)
    headers = dict(getattr(table, "headers", {}))
    required = next(c for c in cols if c.required)
    shared: dict[str, str] = {}
    for row in _in_order(table):
        if isinstance(row, Problem):
            yield row
            continue
        try:
            parsed = schema.parse(record.input, _merge(common, row.data))
        except InputError as exc:
            for path, message in exc.problems:
                column = _column_for(path, headers, by_field, row.data)
                if column is None:
                    if len(shared) < MAX_REPORTED:
                        shared.setdefault(path, message)
                else:
                    yield Problem(row.number, column, message)
            continue
        label = _get(row.data, required.field) or ""
        yield Good(row.number, str(label), parsed)
    if shared:
        lines = []
        for path, message in shared.items():
            col = by_field.get(re.sub(r"\[\d+\]", "", path))
            hint = (f" (thêm cột «{col.header}» vào danh sách hoặc ghi trong dữ liệu chung "
                    "--defaults)") if col else " (ghi trong dữ liệu chung --defaults)"
            lines.append(f"«{path}»: {message}{hint}")
        raise UserError("Dữ liệu chung của các mẫu chưa đúng: " + "; ".join(lines))


def check_inputs(kind: str, inputs: Iterable[dict], label: str) -> Iterator[Good | Problem]:
    """Inputs made from the store, each validated: a Good, or Problems by position and
    the input's `label` field."""
    record = documents.get(kind)
    for number, data in enumerate(inputs, 1):
        try:
            yield Good(number, str(data.get(label, "")), schema.parse(record.input, data))
        except InputError as exc:
            for path, message in exc.problems:
                yield Problem(number, path, f"«{data.get(label, '')}»: {message}")


def _get(data: dict, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _column_for(path: str, headers: dict[str, str], by_field: dict, data: dict) -> str | None:
    """The header a schema problem belongs to; "" for the row as a whole; None when the
    field comes from no column (a problem of the shared data)."""
    if not path:
        return ""
    field_path = re.sub(r"\[\d+\]", "", path)
    for name in [field_path, *(f for f in by_field if f.startswith(field_path + "."))]:
        if name in headers:
            return headers[name]
        if name in by_field and _get(data, name) is not None:
            return by_field[name].header
    return None
