"""Excel in and out for the stored data: the units, a year's outcomes and the register.

An import is two steps: `preview_*_import` reads the file and says what it would add,
update and reject (with the row number Excel shows and a Vietnamese reason) WITHOUT
writing; `apply_*_import` writes a preview inside the caller's transaction, all or nothing.
Exports neutralise cells that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import documents, domain, rules, workbooks
from .errors import InputError, UserError
from .policy import Policy, load_policy
from .store import assessments as outcomes
from .store.competence import outcome_exclusions, outcome_refusals
from .store.models import Assessment, Body, Unit
from .store.numbering import list_documents
from .store.queries import check_unit, list_units
from .vietnamese import fold

HEADER_SEARCH_ROWS = workbooks.HEADER_SEARCH_ROWS  # rows are capped by workbooks.pick_sheet
FORMULA_START = workbooks.FORMULA_START
_FORMULA_LIKE = workbooks.FORMULA_LIKE
neutralise = workbooks.neutralise
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
YES, NO = "Có", "Không"


# ---- plans -------------------------------------------------------------------------------

@dataclass
class PlanRow:
    """A row that will be written: its Excel row, the unit's name, the validated values, the
    row it updates (None for an addition) and, for updates, field → (old, new)."""

    row: int
    name: str
    values: dict
    target_id: int | None = None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class Reject:
    """A row that will not be written and why, in Vietnamese."""

    row: int
    reason: str

    def __str__(self) -> str:
        return f"Dòng {self.row}: {self.reason}"


@dataclass
class ImportPlan:
    """What an import would do; `unchanged` rows match the database already."""

    what: str  # "units" | "outcomes"
    body_id: int
    year: int | None = None
    add: list[PlanRow] = field(default_factory=list)
    update: list[PlanRow] = field(default_factory=list)
    unchanged: list[PlanRow] = field(default_factory=list)
    reject: list[Reject] = field(default_factory=list)

    @property
    def writes(self) -> int:
        return len(self.add) + len(self.update)


# ---- reading -----------------------------------------------------------------------------

def header_key(text: Any) -> str:
    """A header compared without case, diacritics or punctuation: "Xã/Thị trấn" → "xa thi tran"."""
    return re.sub(r"[^a-z0-9]+", " ", fold(str(text))).strip() if text is not None else ""


def _plain(value: Any) -> Any:
    """A cell value as typed: text stripped and with our anti-formula apostrophe removed."""
    if isinstance(value, str) and not isinstance(value, CellProblem):
        value = workbooks.unneutralise(value.strip())
    return value


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class CellProblem(str):
    """A cell read_sheet could not take as it stands (an unevaluated formula, a formula
    error, a merged cell): the message naming the cell, in place of the value."""


def _cell_problem(record: dict) -> CellProblem | None:
    return next((v for v in record.values() if isinstance(v, CellProblem)), None)


Records = list[tuple[int, dict[str, Any]]]


def read_sheet(data: bytes, headers: dict[str, tuple[str, ...]], required: Iterable[str], *,
               prefer: tuple[str, ...] = ()) -> tuple[dict[str, int], Records]:
    """The rows of the list's sheet keyed by field, with their Excel row numbers.

    `headers` maps a field to its accepted header texts; `required` fields must have a
    column. The sheet is the visible one with the header row (one named like `prefer` when
    several have it). Blank rows are skipped; a cell that cannot be read as it stands holds
    a `CellProblem`. UserError for a file that is not a usable XLSX.
    """
    if not data:
        raise UserError("Tệp tải lên trống (0 byte): hãy chọn tệp Excel .xlsx có dữ liệu")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UserError("Đây là tệp Excel 97–2003 (.xls): hãy mở bằng Excel hoặc LibreOffice "
                        "và lưu lại dạng «Excel Workbook (.xlsx)» rồi tải lên lại")
    if not data.startswith(b"PK"):
        raise UserError("Tệp tải lên không phải bảng tính Excel .xlsx (có thể là CSV, PDF hoặc "
                        "tệp khác): hãy lưu bảng tính dạng .xlsx rồi tải lên lại")
    _check_package(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about features it drops on read
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a broken ZIP or XML can raise almost anything in openpyxl
        raise UserError(f"Không đọc được bảng tính: tệp .xlsx bị hỏng hoặc không đúng định dạng "
                        f"Excel ({type(exc).__name__})") from None
    keys = {header_key(h): name for name, texts in headers.items() for h in texts}
    required = list(required)

    def is_header(values: tuple) -> bool:
        return any(isinstance(v, str) and keys.get(header_key(v)) == required[0] for v in values)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sheet, empty = workbooks.pick_sheet(book, data, None, is_header, prefer=prefer)
        first = next((ws.title for ws in book.worksheets if ws.sheet_state == "visible"),
                     book.worksheets[0].title if book.worksheets else "")
    except UserError:
        raise
    except Exception as exc:
        raise UserError(f"Không đọc được bảng tính: tệp .xlsx bị hỏng ({type(exc).__name__})"
                        ) from None
    finally:
        book.close()
    if sheet is None and empty:
        raise UserError("Bảng tính trống: không có dòng dữ liệu nào")
    if sheet is None:
        wanted = ", ".join(f"«{texts[0]}»" for texts in headers.values())
        raise UserError(f"Không tìm thấy dòng tiêu đề có cột «{headers[required[0]][0]}» trong "
                        f"{HEADER_SEARCH_ROWS} dòng đầu của trang «{first}». Các cột dùng "
                        f"được: {wanted}")
    at, (header_row, values) = next((i, item) for i, item in enumerate(sheet.rows)
                                    if is_header(item[1]))
    layout: dict[str, int] = {}
    for pos, value in enumerate(values):
        name = keys.get(header_key(value)) if isinstance(value, str) else None
        if name and name not in layout:
            layout[name] = pos
    missing = [headers[n][0] for n in required if n not in layout]
    if missing:
        raise UserError(f"Dòng tiêu đề (dòng {header_row}) thiếu cột "
                        + ", ".join(f"«{m}»" for m in missing))
    issues = sheet.issues(header_row, set(layout.values()))
    field_at = {p: n for n, p in layout.items()}
    records = []
    for number, values in sheet.rows[at + 1:]:
        record = {n: _plain(values[p]) if p < len(values) else None for n, p in layout.items()}
        if number in issues:
            pos, message = issues[number]
            record[field_at[pos]] = CellProblem(message[:1].upper() + message[1:])
        if not all(_blank(v) for v in record.values()):
            records.append((number, record))
    if not records:
        raise UserError("Bảng tính không có dòng dữ liệu nào dưới dòng tiêu đề")
    return layout, records


def _check_package(data: bytes) -> None:
    """UserError for a ZIP that is broken, a ZIP bomb, or holds another kind of Office file."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except Exception:  # a corrupted directory raises BadZipFile, NotImplementedError, …
        raise UserError("Không đọc được bảng tính: tệp .xlsx bị hỏng (tải lại hoặc lưu lại "
                        "từ Excel rồi thử lại)") from None
    if "word/document.xml" in names:
        raise UserError("Tệp tải lên là văn bản Word (.docx), không phải bảng tính Excel "
                        ".xlsx")
    if "xl/workbook.xml" not in names:
        raise UserError("Tệp tải lên không phải bảng tính Excel .xlsx (tệp nén không có "
                        "bảng tính)")
    workbooks.check_package(data)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _first_problem(exc: InputError) -> str:
    return exc.problems[0][1] if exc.problems else str(exc)


# ---- writing -----------------------------------------------------------------------------

def _sheet(book: Workbook, title: str, headers: list[tuple[str, int]]):
    """The first sheet of a new workbook, titled, with a bold frozen header row."""
    sheet = book.active
    sheet.title = title
    sheet.append([h for h, _ in headers])
    for pos, (_, width) in enumerate(headers, 1):
        cell = sheet.cell(row=1, column=pos)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(pos)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _append(sheet, values: list[Any]) -> None:
    sheet.append([neutralise(v) for v in values])
    lines = 1
    for cell in sheet[sheet.max_row]:
        cell.alignment = Alignment(vertical="top", wrap_text=isinstance(cell.value, str))
        if isinstance(cell.value, dt.date):
            cell.number_format = "DD/MM/YYYY"
        elif isinstance(cell.value, str):
            width = sheet.column_dimensions[cell.column_letter].width or 10
            per_line = max(int(width) - 2, 1)
            lines = max(lines, sum(-(-max(len(part), 1) // per_line)
                                   for part in cell.value.split("\n")))
    if lines > 1:
        # Neither Excel nor LibreOffice grows a row for wrapped text written by openpyxl.
        sheet.row_dimensions[sheet.max_row].height = 15 * lines


def _choices(book: Workbook, sheet, column: int, values: list[str], list_column: str) -> None:
    """A drop-down on `column` of `sheet` listing `values`, kept on a hidden sheet because
    a label may hold a comma ("Xã, thị trấn")."""
    lists = book["Danh mục"] if "Danh mục" in book.sheetnames else book.create_sheet("Danh mục")
    lists.sheet_state = "hidden"
    for row, value in enumerate(values, 1):
        lists[f"{list_column}{row}"] = value
    letter = get_column_letter(column)
    rule = DataValidation(type="list", allow_blank=True, showErrorMessage=False,
                          formula1=f"'Danh mục'!${list_column}$1:${list_column}${len(values)}")
    rule.add(f"{letter}2:{letter}{max(sheet.max_row, 2) + 500}")
    sheet.add_data_validation(rule)


def _finish(sheet) -> None:
    if sheet.max_row > 1:
        sheet.auto_filter.ref = sheet.dimensions


def _save(book: Workbook) -> bytes:
    book.properties.creator = "docgen"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---- units -------------------------------------------------------------------------------

UNIT_HEADERS = {
    "name": ("Tên đơn vị", "Đơn vị", "Tên"),
    "kind": ("Loại hình", "Loại", "Loại đơn vị"),
    "commune": ("Xã/Thị trấn", "Xã, thị trấn", "Xã", "Xã/phường", "Xã, phường, thị trấn",
                "Thuộc xã"),
    "body": ("Cơ quan đánh giá", "Cơ quan"),
    "note": ("Ghi chú",),
    "category": ("Phân loại đơn vị", "Phân loại"),
    "managed_by": ("Cấp quản lý",),
}
UNIT_FIELDS = ("name", "kind", "commune", "note", "category", "managed_by", "body_id")
# Columns an import may leave out: the stored value (or "" for a new unit) stays.
UNIT_OPTIONAL = ("commune", "note", "category", "managed_by")


def export_units(session: Session, body_id: int | None = None, *,
                 units: list | None = None) -> bytes:
    """The units (`units` in their order, else those of one body, or all) as XLSX: STT, Tên
    đơn vị, Loại hình, Xã/Thị trấn, Cơ quan đánh giá, Ghi chú, Phân loại đơn vị, Cấp quản lý
    (labels of the rules file)."""
    found = rules.load_rules()
    labels = {(c.kind, c.code): c.label for c in found.categories}
    book = Workbook()
    sheet = _sheet(book, "Đơn vị", [("STT", 6), ("Tên đơn vị", 48), ("Loại hình", 18),
                                    ("Xã/Thị trấn", 22), ("Cơ quan đánh giá", 36),
                                    ("Ghi chú", 36), ("Phân loại đơn vị", 30),
                                    ("Cấp quản lý", 14)])
    listed = list_units(session, body_id=body_id) if units is None else units
    for i, unit in enumerate(listed, 1):
        _append(sheet, [i, unit.name, unit.kind_label, unit.commune, unit.body.name, unit.note,
                        labels.get((unit.kind, unit.category), unit.category),
                        rules.TIERS.get(unit.managed_by, unit.managed_by)])
    _choices(book, sheet, 3, [k.label for k in domain.UNIT_KINDS], "A")
    _choices(book, sheet, 7, list(dict.fromkeys(c.label for c in found.categories)) or [""],
             "B")
    _choices(book, sheet, 8, list(rules.TIERS.values())[::-1], "C")
    _finish(sheet)
    return _save(book)


def _bodies_by_name(session: Session) -> dict[str, Body]:
    """Every body by its folded name (the first of the same name wins, as before)."""
    found: dict[str, Body] = {}
    for body in session.scalars(select(Body).order_by(Body.id)):
        found.setdefault(fold(body.name), body)
    return found


@dataclass(frozen=True)
class _Stored:
    """The stored fields of a unit an import compares with (no ORM object per row)."""

    id: int
    name: str
    kind: str
    commune: str
    note: str
    category: str
    managed_by: str
    body_id: int


def _units_by_key(session: Session, body_ids: Iterable[int] | None = None
                  ) -> dict[tuple[int, str], _Stored]:
    """(body id, name key) → the stored unit, in ONE query (all bodies when None)."""
    query = select(Unit.id, Unit.name, Unit.kind, Unit.commune, Unit.note, Unit.category,
                   Unit.managed_by, Unit.body_id, Unit.name_key)
    if body_ids is not None:
        query = query.where(Unit.body_id.in_(sorted(set(body_ids))))
    return {(row.body_id, row.name_key): _Stored(*row[:8]) for row in session.execute(query)}


def preview_units_import(session: Session, xlsx_bytes: bytes, body_id: int) -> ImportPlan:
    """What importing the units in `xlsx_bytes` would do; rows without a «Cơ quan đánh giá»
    go to `body_id`. Units are matched by name (without case or diacritics) within a body."""
    default = session.get(Body, body_id)
    if default is None:
        raise UserError(f"Không tìm thấy cơ quan (mã {body_id})")
    layout, records = read_sheet(xlsx_bytes, UNIT_HEADERS, ("name", "kind"), prefer=("Đơn vị",))
    plan = ImportPlan("units", body_id)
    seen: dict[tuple[int, str], int] = {}
    # The bodies and the stored units are read once, not once per row: a 20,000-row file
    # made 20,000 queries and folded every body's name for each row.
    bodies = _bodies_by_name(session)
    stored = _units_by_key(session)
    for number, record in records:
        if _cell_problem(record):
            plan.reject.append(Reject(number, str(_cell_problem(record))))
            continue
        try:
            name, kind, commune, note, category, managed_by = check_unit(
                _text(record.get("name")), _text(record.get("kind")),
                _text(record.get("commune")), _text(record.get("note")),
                _text(record.get("category")), _text(record.get("managed_by")))
        except InputError as exc:
            plan.reject.append(Reject(number, _first_problem(exc)))
            continue
        body = default
        if not _blank(record.get("body")):
            body = bodies.get(fold(_text(record["body"])))
            if body is None:
                plan.reject.append(Reject(number, f"Không có cơ quan đánh giá "
                                                  f"«{_text(record['body'])}» trong danh sách "
                                                  "cơ quan"))
                continue
        key = (body.id, fold(name))
        if key in seen:
            plan.reject.append(Reject(number, f"Đơn vị «{name}» trùng với dòng {seen[key]}"))
            continue
        seen[key] = number
        values = {"name": name, "kind": kind, "commune": commune, "note": note,
                  "category": category, "managed_by": managed_by, "body_id": body.id}
        for optional in UNIT_OPTIONAL:
            if optional not in layout:  # a column left out keeps the stored value
                values.pop(optional)
        existing = stored.get(key)
        row = PlanRow(number, name, values, existing.id if existing else None)
        if existing is None:
            for optional in UNIT_OPTIONAL:
                values.setdefault(optional, "")
            plan.add.append(row)
            continue
        row.changes = {k: (getattr(existing, k), v) for k, v in values.items()
                       if getattr(existing, k) != v}
        (plan.update if row.changes else plan.unchanged).append(row)
    return plan


def apply_units_import(session: Session, plan: ImportPlan) -> tuple[int, int]:
    """Write a units preview (in the caller's transaction); returns (added, updated)."""
    from .store.queries import save_unit

    if plan.what != "units":
        raise ValueError("not a units import plan")
    for row in plan.add:
        save_unit(session, **row.values)
    for row in plan.update:
        unit = session.get(Unit, row.target_id)
        if unit is None:
            raise UserError(f"Dòng {row.row}: đơn vị «{row.name}» đã bị xóa sau khi xem trước; "
                            "hãy tải tệp lên lại")
        current = {k: getattr(unit, k) for k in UNIT_FIELDS}
        save_unit(session, id=unit.id, **{**current, **row.values})
    return len(plan.add), len(plan.update)


# ---- a year's outcomes ---------------------------------------------------------------------

OUTCOME_HEADERS = {
    "name": ("Tên đơn vị", "Đơn vị", "Tên"),
    "self_score": ("Điểm tự chấm",),
    "reviewed_score": ("Điểm thẩm định",),
    "safe": ("An toàn về ANTT (Có/Không)", "An toàn về ANTT", "Đạt An toàn về ANTT",
             "An toàn"),
    "decided": ("Xếp loại quyết định", "Xếp loại", "Quyết định xếp loại"),
    "reason": ("Lý do", "Lý do khác đề xuất"),
    "note": ("Ghi chú",),
}


def _score_cell(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def export_outcomes(session: Session, body_id: int, year: int) -> bytes:
    """A year's outcomes of the units `body_id` assesses, as XLSX to fill in and import."""
    book = Workbook()
    headers = [("STT", 6), ("Tên đơn vị", 44), ("Loại hình", 16), ("Điểm tự chấm", 11),
               ("Điểm thẩm định", 11), ("An toàn về ANTT (Có/Không)", 14),
               ("Xếp loại đề xuất", 13), ("Xếp loại quyết định", 13), ("Lý do", 36),
               ("Ghi chú", 30), (f"Xếp loại năm {year - 1}", 13)]
    sheet = _sheet(book, f"Đánh giá {year}", headers)
    sheet.row_dimensions[1].height = 48
    for i, line in enumerate(outcomes.assessment_grid(session, body_id, year), 1):
        row = line.assessment
        _append(sheet, [
            i, line.unit.name, line.unit.kind_label,
            _score_cell(row.self_score) if row else None,
            _score_cell(row.reviewed_score) if row else None,
            (YES if row.safe else NO) if row else None,
            row.suggested_class.label if row and row.suggested else None,
            row.decided_class.label if row and row.decided else None,
            row.reason if row else None, row.note if row else None,
            line.previous.label if line.previous else None,
        ])
    _choices(book, sheet, 6, [YES, NO], "A")
    _choices(book, sheet, 8, [c.label for c in domain.UNIT_CLASSES], "B")
    _finish(sheet)
    return _save(book)


def _outcomes_by_unit(session: Session, body_id: int, year: int) -> dict[int, Any]:
    """Unit id → the stored outcome fields of `year` of the units `body_id` assesses, in
    ONE query (rows with the attributes of `outcomes.FIELDS`)."""
    query = (select(Assessment.unit_id, *(getattr(Assessment, f) for f in outcomes.FIELDS))
             .join(Unit, Unit.id == Assessment.unit_id)
             .where(Unit.body_id == body_id, Assessment.year == year))
    return {row.unit_id: row for row in session.execute(query)}


def preview_outcomes_import(session: Session, xlsx_bytes: bytes, body_id: int, year: int, *,
                            policy: Policy | None = None) -> ImportPlan:
    """What importing a year's outcomes would do. Rows name units of `body_id`; a column
    left out of the file keeps the stored values, a blank cell clears them."""
    body = session.get(Body, body_id)
    if body is None:
        raise UserError(f"Không tìm thấy cơ quan (mã {body_id})")
    policy = policy or load_policy()
    layout, records = read_sheet(xlsx_bytes, OUTCOME_HEADERS, ("name",),
                                 prefer=(f"Đánh giá {year}",))
    plan = ImportPlan("outcomes", body_id, year)
    scope_rules = rules.load_rules()  # read once: which units are out of scope
    seen: dict[int, int] = {}
    units = _units_by_key(session, [body_id])  # read once, not twice per row
    known = _outcomes_by_unit(session, body_id, year)
    for number, record in records:
        if _cell_problem(record):
            plan.reject.append(Reject(number, str(_cell_problem(record))))
            continue
        name = " ".join(_text(record.get("name")).split())
        if not name:
            plan.reject.append(Reject(number, "Thiếu tên đơn vị"))
            continue
        unit = units.get((body_id, fold(name)))
        if unit is None:
            plan.reject.append(Reject(number, f"Không có đơn vị «{name}» trong danh sách đơn vị "
                                              f"do {body.name} đánh giá"))
            continue
        if unit.id in seen:
            plan.reject.append(Reject(number, f"Đơn vị «{unit.name}» trùng với dòng "
                                              f"{seen[unit.id]}"))
            continue
        seen[unit.id] = number
        existing = known.get(unit.id)
        given = {k: (_text(v) if k in ("reason", "note") else v)
                 for k, v in record.items() if k != "name"}
        stored = {k: getattr(existing, k) for k in outcomes.FIELDS} if existing else {}
        try:
            values = outcomes.check_assessment({**stored, **given}, policy)
            refused = outcome_refusals(unit, "decided" in given and values["decided"],
                                       "safe" in given and values["safe"], scope_rules)
            if refused:  # out of scope: never classed nor "An toàn"
                raise InputError(refused)
        except InputError as exc:
            plan.reject.append(Reject(number, f"Đơn vị «{unit.name}»: {_first_problem(exc)}"))
            continue
        classed, recognised = outcome_exclusions(unit, scope_rules)
        if classed is not None:  # a class stored before the unit's category said so
            values.update(decided=None, suggested=None)
        if recognised is not None:
            values["safe"] = False
        row = PlanRow(number, unit.name, {k: values[k] for k in outcomes.FIELDS}, unit.id)
        if existing is None:
            # A row with nothing but the name (the blank form) creates no outcome.
            empty = not any(v not in (None, "", False) for v in row.values.values())
            (plan.unchanged if empty else plan.add).append(row)
            continue
        row.changes = {k: (stored[k], v) for k, v in row.values.items() if stored[k] != v}
        (plan.update if row.changes else plan.unchanged).append(row)
    return plan


def apply_outcomes_import(session: Session, plan: ImportPlan, *,
                          policy: Policy | None = None) -> tuple[int, int]:
    """Write an outcomes preview (in the caller's transaction); returns (added, updated)."""
    if plan.what != "outcomes" or plan.year is None:
        raise ValueError("not an outcomes import plan")
    policy = policy or load_policy()
    for row in [*plan.add, *plan.update]:
        outcomes.save_assessment(session, row.target_id, plan.year, policy=policy, **row.values)
    return len(plan.add), len(plan.update)


# ---- the register ----------------------------------------------------------------------------

def export_register(session: Session, body_id: int | None = None,
                    year: int | None = None, *, body_ids: frozenset[int] | None = None) -> bytes:
    """The register ("Sổ văn bản đi") as XLSX of `body_id` (else of `body_ids`, else of
    every body), in the order numbers were given; drafts last."""
    book = Workbook()
    sheet = _sheet(book, "Sổ văn bản đi", [
        ("STT", 6), ("Số", 7), ("Ký hiệu", 18), ("Ngày ban hành", 13), ("Loại văn bản", 28),
        ("Trích yếu nội dung", 60), ("Người ký", 22), ("Cơ quan ban hành", 32),
        ("Người soạn", 18), ("Trạng thái", 13)])
    docs = list_documents(session, body_id, year, body_ids=body_ids)
    docs.sort(key=lambda d: (d.number is None, d.body_id, d.year, d.number or 0, d.id))
    for i, doc in enumerate(docs, 1):
        kind = documents.KINDS.get(doc.kind)
        _append(sheet, [i, doc.number, doc.symbol, doc.issued_on,
                        kind.label if kind else doc.kind, doc.summary, doc.signer_name,
                        doc.body.name, doc.created_by,
                        "Đã cấp số" if doc.is_issued else "Dự thảo"])
    _finish(sheet)
    return _save(book)
