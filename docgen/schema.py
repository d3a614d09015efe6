"""One definition per document input: dataclass fields carrying their label and rules.

A kind's input is a dataclass whose fields are declared with the helpers below
(`text`, `integer`, `day`, `choice`, `items`, …). `parse(cls, data)` turns a JSON-like
dict into a validated instance or raises `InputError` naming every bad field by its
path ("units[3].name"). The web form builds its fields from the same metadata.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import re
import types
import typing
from dataclasses import MISSING, dataclass
from typing import Any
from collections.abc import Callable

from .errors import InputError
from .vietnamese import fold, format_number, lower_first, nfc

# Characters XML 1.0 forbids (all C0 controls but tab, newline, carriage return; lone
# surrogates; U+FFFE/U+FFFF). They are refused, never dropped: nothing typed vanishes.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"\s+")
_MARKERS = re.compile(r"\{_\{|\}_\}|\{_%|%_\}")
_REFUSED = re.compile(f"{_FORBIDDEN.pattern}|{_MARKERS.pattern}")    # either, in one pass
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")


@dataclass(frozen=True)
class Spec:
    """How one input field is labelled and validated; see the helper functions."""

    label: str
    kind: str  # text | integer | score | day | boolean | choice | items | record | text_list
    required: bool = True
    max_len: int = 500
    multiline: bool = False
    minimum: int | None = None
    maximum: int | None = None
    resolve: Callable[[str], Any] | None = None
    options: tuple[tuple[str, str], ...] = ()
    max_items: int = 100_000
    min_items: int = 0
    help: str = ""
    check: Callable[[str], str] | None = None  # text: a rule after cleaning (see `cccd`)


class FieldError(ValueError):
    """A cross-field rule's error (raised in `__post_init__`) that belongs to one field:
    `parse` reports it at that field's path, so a form shows it next to the field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


# ---- rules stated once ------------------------------------------------------------------

YEAR_MIN, YEAR_MAX = 2000, 2100   # the years of a plan, an assessment, a household list
BIRTH_YEAR_MIN = 1900
YES_WORDS = frozenset({"1", "true", "co", "x", "dat", "yes", "an toan"})   # folded
NO_WORDS = frozenset({"0", "false", "khong", "", "chua dat", "no", "khong dat"})
CCCD_DIGITS = 12
_CCCD_SEPARATORS = re.compile(r"[\s.\-]")


def check_cccd(value: str) -> str:
    """A CCCD number: exactly 12 ASCII digits once spaces, dots and dashes are dropped
    ("038 078 004 512" gives "038078004512"); ValueError otherwise. Full-width or other
    scripts' digits are refused: the printed form takes 0–9 only. The number is never
    quoted in the message (messages reach pages and logs: personal data)."""
    digits = _CCCD_SEPARATORS.sub("", value)
    if len(digits) == CCCD_DIGITS and re.fullmatch(r"[0-9]+", digits):
        return digits
    other = sum(c.isdigit() and c not in "0123456789" for c in digits)
    if other:
        raise ValueError(f"Số CCCD chỉ được gõ bằng chữ số 0–9 thông thường (số đã ghi có "
                         f"{other} chữ số kiểu khác, ví dụ chữ số toàn khổ); hãy gõ lại")
    ascii_digits = sum(c in "0123456789" for c in digits)
    raise ValueError(f"Số CCCD phải gồm đúng {CCCD_DIGITS} chữ số (số đã ghi có "
                     f"{len(digits)} ký tự, {ascii_digits} chữ số)")


def _field(spec: Spec, default: Any = MISSING, default_factory: Any = MISSING):
    return dataclasses.field(default=default, default_factory=default_factory,
                             metadata={"spec": spec})


def text(label: str, *, required: bool = True, max_len: int = 500, multiline: bool = False,
         default: Any = MISSING, help: str = "", check: Callable[[str], str] | None = None):
    """A text field; single-line text has its whitespace collapsed, multiline keeps lines.
    `check` (optional) normalises a non-empty value or raises ValueError."""
    if not required and default is MISSING:
        default = ""
    return _field(Spec(label, "text", required, max_len, multiline, help=help, check=check),
                  default)


def cccd(label: str = "Số CCCD", *, help: str = ""):
    """An optional CCCD number, stored as its 12 digits (`check_cccd`)."""
    return text(label, required=False, max_len=30, check=check_cccd, help=help)


def year(label: str, *, required: bool = True, help: str = ""):
    """A year of a plan, an assessment or a list: YEAR_MIN to YEAR_MAX."""
    return integer(label, minimum=YEAR_MIN, maximum=YEAR_MAX, required=required, help=help)


def birth_year(label: str = "Năm sinh", *, help: str = ""):
    """An optional year of birth: BIRTH_YEAR_MIN to this year."""
    return integer(label, minimum=BIRTH_YEAR_MIN, maximum=dt.date.today().year,
                   required=False, help=help)


def text_list(label: str, *, default: Callable[[], list[str]] | None = None,
              max_len: int = 2000, max_items: int = 200, min_items: int = 0, help: str = ""):
    """A list of paragraphs or lines; `default` builds the list used when none is given."""
    spec = Spec(label, "text_list", False, max_len, True, max_items=max_items,
                min_items=min_items, help=help)
    return _field(spec, default_factory=default or list)


def integer(label: str, *, minimum: int | None = None, maximum: int | None = None,
            required: bool = True, default: Any = MISSING, help: str = ""):
    """A whole number within [minimum, maximum]; optional ones default to None."""
    if not required and default is MISSING:
        default = None
    return _field(Spec(label, "integer", required, minimum=minimum, maximum=maximum,
                       help=help), default)


def score(label: str, *, help: str = ""):
    """An optional score on the 100-point scale: a number or text ("92,5"), 0 to 100, kept
    to 2 decimals; None when blank."""
    return _field(Spec(label, "score", False, help=help), None)


def day(label: str, *, required: bool = True, help: str = ""):
    """A calendar date: ISO "2022-02-05" or Vietnamese "05/02/2022"; optional ones default to
    None."""
    return _field(Spec(label, "day", required, help=help), None if not required else MISSING)


def boolean(label: str, *, default: bool = False, help: str = ""):
    return _field(Spec(label, "boolean", False, help=help), default)


def choice(label: str, resolve: Callable[[str], Any], options: tuple[tuple[str, str], ...], *,
           required: bool = True, default: Any = MISSING, help: str = ""):
    """One of `options` ((code, label) pairs); `resolve` maps typed text to a record or None."""
    return _field(Spec(label, "choice", required, resolve=resolve, options=options, help=help),
                  default)


def record(label: str, *, default_factory: Any = MISSING, help: str = ""):
    """A nested input (a dataclass), e.g. the signer."""
    return _field(Spec(label, "record", default_factory is MISSING, help=help),
                  default_factory=default_factory)


def items(label: str, *, min_items: int = 0, max_items: int = 100_000, help: str = ""):
    """A list of nested inputs (dataclasses), e.g. the units."""
    return _field(Spec(label, "items", False, min_items=min_items, max_items=max_items,
                       help=help), default_factory=list)


def spec_of(field: dataclasses.Field) -> Spec:
    return field.metadata["spec"]


def clean_text(value: Any, *, multiline: bool = False) -> str:
    """NFC text with newlines unified; single-line text has whitespace runs collapsed.

    Raises ValueError (Vietnamese message) for characters XML 1.0 cannot hold.
    """
    if type(value) is str and len(value) <= _CLEAN_CACHED:
        return _clean_short(value, multiline)     # kinds, classes, places repeat
    return _clean_text(value, multiline)


def _clean_text(value: Any, multiline: bool) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError("phải là văn bản")
    result = check_xml_chars(nfc(str(value)).replace("\r\n", "\n").replace("\r", "\n"))
    if multiline:
        return "\n".join(line.rstrip() for line in result.strip().split("\n"))
    return _SPACES.sub(" ", result).strip()


_CLEAN_CACHED = 100
_clean_short = functools.lru_cache(maxsize=8192)(_clean_text)


def check_xml_chars(text: str) -> str:
    """`text` unchanged, or ValueError naming the first character XML 1.0 cannot hold, or
    one of docxtpl's escape markers (it rewrites "{_{" to "{{" in the rendered document,
    so such text could not be printed as typed)."""
    if not _REFUSED.search(text):
        return text
    bad = _FORBIDDEN.search(text)
    if bad:
        raise ValueError(
            f"chứa ký tự điều khiển không in được (U+{ord(bad.group()):04X}) ở vị trí "
            f"{bad.start() + 1}; hãy xóa ký tự này")
    marker = _MARKERS.search(text)
    if marker:
        raise ValueError(f"chứa chuỗi «{marker.group()}» ở vị trí {marker.start() + 1}, dành "
                         "riêng cho mẫu văn bản; hãy bỏ dấu gạch dưới ở giữa")
    return text


def parse_date(value: Any) -> dt.date:
    """A date from a date, "YYYY-MM-DD" or "DD/MM/YYYY"; ValueError in Vietnamese otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError("phải là ngày dạng 05/02/2022 hoặc 2022-02-05")
    raw = value.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", raw)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", raw)
        if not m:
            raise ValueError(f"«{raw}» không phải ngày dạng 05/02/2022 hoặc 2022-02-05")
        d, mo, y = (int(g) for g in m.groups())
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise ValueError(f"ngày «{raw}» không tồn tại trong lịch") from None


@functools.cache
def _spec_fields(cls: type) -> dict[str, dataclasses.Field]:
    # Cached, as `_hints`: a record's schema fields by name (read, never changed).
    return {f.name: f for f in dataclasses.fields(cls) if "spec" in f.metadata}


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    # Cached: resolving annotations is slow and batches parse thousands of rows.
    return typing.get_type_hints(cls)


def _item_type(hint: Any) -> Any:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return _item_type(args[0])
    return args[0] if args else hint


def parse(cls: type, data: Any, path: str = "", *, labelled: bool = False) -> Any:
    """A validated `cls` from `data` (a dict); raises InputError listing every problem.
    `labelled`: each field's message opens with its label («Tên đơn vị dài …», «Chưa chọn
    loại hình»), for records whose messages are also shown away from their form."""
    problems: list[tuple[str, str]] = []
    result = _parse_record(cls, data, path, problems, labelled)
    if problems:
        raise InputError(problems)
    return result


def _parse_record(cls: type, data: Any, path: str, problems: list,
                  labelled: bool = False) -> Any:
    if not isinstance(data, dict):
        problems.append((path, "phải là một đối tượng (các cặp tên: giá trị)"))
        return None
    fields = _spec_fields(cls)
    known_problems = len(problems)
    for key in data:
        if key not in fields:
            problems.append((_join(path, str(key)),
                             "trường không có trong mẫu này; các trường hợp lệ: "
                             + ", ".join(fields)))
    hints = _hints(cls)
    values: dict[str, Any] = {}
    for name, field in fields.items():
        spec = spec_of(field)
        where = _join(path, name)
        raw = data.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip() and spec.kind != "text"):
            if spec.kind in ("items", "text_list") and spec.min_items:
                problems.append((where, f"thiếu {lower_first(spec.label)} (cần ít nhất "
                                        f"{spec.min_items} mục)"))
            elif field.default is not MISSING:
                values[name] = field.default
            elif field.default_factory is not MISSING:
                values[name] = field.default_factory()
            elif labelled and spec.kind == "choice":
                problems.append((where, f"Chưa chọn {lower_first(spec.label)}"))
            else:
                problems.append((where, f"thiếu {lower_first(spec.label)}"))
            continue
        try:
            values[name] = _parse_value(spec, hints[name], raw, where, problems)
        except ValueError as exc:
            message = str(exc)
            if labelled and not message.startswith(spec.label):
                message = f"{spec.label} {message}"
            problems.append((where, message))
    if len(values) < len(fields) or len(problems) > known_problems:
        return None  # nested problems: cross-field rules would only add noise
    try:
        return cls(**values)
    except FieldError as exc:  # a cross-field rule naming its field
        problems.append((_join(path, exc.field), str(exc)))
    except ValueError as exc:  # cross-field rules in __post_init__
        problems.append((path, str(exc)))
        return None


def _parse_value(spec: Spec, hint: Any, raw: Any, where: str, problems: list) -> Any:
    if spec.kind == "text":
        value = clean_text(raw, multiline=spec.multiline)
        if not value and spec.required:
            raise ValueError(f"{spec.label} không được để trống")
        if len(value) > spec.max_len:
            raise ValueError(f"dài {format_number(len(value))} ký tự, vượt quá giới hạn "
                             f"{format_number(spec.max_len)} ký tự")
        return spec.check(value) if spec.check and value else value
    if spec.kind == "integer":
        if isinstance(raw, bool) or not isinstance(raw, (int, str, float)):
            raise ValueError("phải là số nguyên")
        if isinstance(raw, float) and not raw.is_integer():
            raise ValueError(f"«{raw}» không phải số nguyên")
        if isinstance(raw, str) and re.fullmatch(r"[+-]?[0-9]{19,}", raw.strip()):
            raise ValueError("số quá lớn")
        if isinstance(raw, str) and not _INTEGER.fullmatch(raw.strip()):
            shown = raw.strip() if len(raw) <= 30 else raw.strip()[:30] + "…"
            raise ValueError(f"«{shown}» không phải số nguyên (chỉ gồm chữ số 0–9)")
        if isinstance(raw, int) and abs(raw) >= 10 ** 18:
            raise ValueError("số quá lớn")
        try:
            value = int(raw)
        except (ValueError, OverflowError):
            raise ValueError(f"«{raw}» không phải số nguyên") from None
        if spec.minimum is not None and value < spec.minimum:
            raise ValueError(f"phải từ {spec.minimum} trở lên (đang là {value})")
        if spec.maximum is not None and value > spec.maximum:
            raise ValueError(f"phải không quá {spec.maximum} (đang là {value})")
        return value
    if spec.kind == "day":
        return parse_date(raw)
    if spec.kind == "boolean":
        if isinstance(raw, bool):
            return raw
        folded = " ".join(fold(str(raw)).split())
        if folded in YES_WORDS:
            return True
        if folded in NO_WORDS:
            return False
        raise ValueError(f"«{raw}» phải là «Có» hoặc «Không»")
    if spec.kind == "score":
        return _score(raw)
    if spec.kind == "choice":
        found = spec.resolve(clean_text(raw)) if isinstance(raw, str) else None
        if found is None:
            raise ValueError(f"«{raw}» không hợp lệ; chọn một trong: "
                             + ", ".join(label for _, label in spec.options))
        return found
    if spec.kind == "record":
        return _parse_record(_item_type(hint), raw, where, problems)
    if spec.kind in ("items", "text_list"):
        if not isinstance(raw, list):
            raise ValueError("phải là một danh sách")
        if len(raw) > spec.max_items:
            raise ValueError(f"có {len(raw)} mục, vượt quá giới hạn {spec.max_items} mục")
        if len(raw) < spec.min_items:
            raise ValueError(f"cần ít nhất {spec.min_items} mục")
        if spec.kind == "items":
            item_cls = _item_type(hint)
            return [_parse_record(item_cls, item, f"{where}[{i + 1}]", problems)
                    for i, item in enumerate(raw)]
        out = []
        for i, item in enumerate(raw):
            try:
                line = clean_text(item, multiline=True)
            except ValueError as exc:
                problems.append((f"{where}[{i + 1}]", str(exc)))
                continue
            if len(line) > spec.max_len:
                problems.append((f"{where}[{i + 1}]", f"dài {format_number(len(line))} ký tự, "
                                 f"vượt quá giới hạn {format_number(spec.max_len)} ký tự"))
            elif line:
                out.append(line)
        return out
    raise AssertionError(spec.kind)


def _score(raw: Any) -> float:
    """A score kind's value (a blank one never reaches here)."""
    if isinstance(raw, bool):
        raise ValueError("phải là số từ 0 đến 100")
    typed = None
    if isinstance(raw, str):
        typed = raw.strip()
        try:
            raw = float(typed.replace(",", "."))
        except ValueError:
            raise ValueError(f"«{typed}» không phải số; ghi số từ 0 đến 100") from None
    try:
        value = float(raw)
    except (TypeError, ValueError, OverflowError):
        raise ValueError("phải là số từ 0 đến 100") from None
    if not math.isfinite(value) or not 0 <= value <= 100:  # as typed: 1e309 is no «inf»
        shown = typed if typed is not None else format(value, ".12g")
        raise ValueError(f"{shown} nằm ngoài thang điểm 0–100")
    return round(value, 2)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def dump(value: Any) -> Any:
    """The canonical JSON-ready form of a validated input (from `parse`): a dict of its
    fields in declaration order, dates as ISO text, choices as their codes, nested
    records as dicts. `parse` of it gives the same input back; `load` rebuilds it."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _dump_value(spec_of(f), getattr(value, f.name))
                for f in dataclasses.fields(value) if "spec" in f.metadata}
    raise TypeError(f"not a schema record: {value!r}")


def _dump_value(spec: Spec, value: Any) -> Any:
    if value is None:
        return None
    if spec.kind == "day":
        return value.isoformat()
    if spec.kind == "choice":
        return getattr(value, "code", value)
    if spec.kind == "record":
        return dump(value)
    if spec.kind == "items":
        return [dump(item) for item in value]
    if spec.kind == "text_list":
        return list(value)
    return value


def load(cls: type, data: dict) -> Any:
    """A `cls` rebuilt from its canonical form (`dump`), without validating it again;
    ValueError, TypeError or KeyError when `data` is not such a form."""
    hints = _hints(cls)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        if "spec" not in field.metadata:
            continue
        spec = spec_of(field)
        raw = data[field.name]
        if raw is None:
            values[field.name] = None
        elif spec.kind == "day":
            values[field.name] = dt.date.fromisoformat(raw)
        elif spec.kind == "choice":
            values[field.name] = spec.resolve(raw)
            if values[field.name] is None:
                raise ValueError(f"{field.name}: unknown code {raw!r}")
        elif spec.kind == "record":
            values[field.name] = load(_item_type(hints[field.name]), raw)
        elif spec.kind == "items":
            values[field.name] = [load(_item_type(hints[field.name]), item) for item in raw]
        elif spec.kind == "text_list":
            values[field.name] = list(raw)
        else:
            values[field.name] = raw
    return cls(**values)


def describe(cls: type, indent: str = "  ") -> list[str]:
    """Human-readable lines describing the fields of an input, for `docgen kinds`."""
    lines = []
    hints = _hints(cls)
    for field in dataclasses.fields(cls):
        if "spec" not in field.metadata:
            continue
        spec = spec_of(field)
        need = "bắt buộc" if (field.default is MISSING and field.default_factory is MISSING) \
            or spec.min_items else "tùy chọn"
        lines.append(f"{indent}{field.name}: {spec.label} ({need})")
        if spec.kind in ("record", "items"):
            lines.extend(describe(_item_type(hints[field.name]), indent + "    "))
    return lines


# --------------------------------------------------------------------------- list columns

@dataclass(frozen=True)
class Column:
    """One column a kind's list (Excel/CSV, read by `docgen.importers`) may have.

    `field` is the input field it fills ("signer.name" for a nested one); `kind` says how
    a cell is read (text, year, cccd, integer, list); `required` rows without it are
    reported; `personal` values belong to each row and are never taken from the defaults;
    `used` False marks a column that is recognised and ignored (STT, Ghi chú).
    """

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    kind: str = "text"
    required: bool = False
    personal: bool = False
    used: bool = True
    help: str = ""
    example: str = ""
    width: int = 16
