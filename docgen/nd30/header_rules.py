"""Header block rules: Quốc hiệu, Tiêu ngữ, agency names, Số and the date line."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

from .context import Context
from .document import Cell, Line
from .findings import Issue
from .formatting import expect, single_size
from .layout import MOTTO, NATIONAL_TITLE
from .rulers import Ruler, drawing_among, drawing_issue, known_width, ruler_under
from .text import JINJA, nfc, pt

SIZE_SETS = ((13, 14), (12, 13))        # (Quốc hiệu, Tiêu ngữ) sizes that go together
DATE_SIZE_FOR_NATIONAL = {13: 14, 12: 13}
MOTTO_RULER = (0.90, 1.25)               # line length / motto text width
AGENCY_RULER = (0.25, 0.60)              # line length / issuing body text width
# Kind abbreviations of Phụ lục III that are not all capitals.
MIXED_CASE_SYMBOLS = ("QyĐ", "CTr", "TTr", "TrS")
_NUMBER = re.compile(r"(?P<label>\S+?)\s*:(?P<gap>\s*)(?P<number>[^/\s]*)(?P<tail>\s*)/"
                     r"(?P<symbol>.*)", re.S)
_DATE = re.compile(r"(?P<place>[^,]+),\s*ngày(?P<d>.*?)tháng(?P<m>.*?)năm(?P<y>.*)", re.S)
_BLANK = re.compile(r"[\s.…_]*")


def check_national_title(ctx: Context) -> Iterator[Issue]:
    """Quốc hiệu: the exact words, upper case, bold, 12–13 pt, centred."""
    for seg in ctx.segments:
        line = seg.national
        if line is None:
            continue
        text = nfc(" ".join(line.shown.split()))
        if text != NATIONAL_TITLE and not line.templated:
            yield Issue(f"Quốc hiệu viết là «{text}»; ND30 ghi «{NATIONAL_TITLE}» (chữ in hoa)",
                        line.location())
        yield from expect(line, "Quốc hiệu", bold=True, italic=False, size=(12, 13),
                          centred=True)


def check_motto(ctx: Context) -> Iterator[Issue]:
    """Tiêu ngữ: exact words with spaced hyphens, bold 13–14 pt, centred, size set, line."""
    for seg in ctx.segments:
        line = seg.motto
        if line is None:
            continue
        text = nfc(line.stripped)
        if text != MOTTO and not line.templated:
            dash = " (dùng gạch dài «–»)" if re.search("[–—]", text) else ""
            yield Issue(f"Tiêu ngữ viết là «{text}»{dash}; ND30 ghi «{MOTTO}» "
                        "(gạch nối «-» có dấu cách hai bên)", line.location())
        yield from expect(line, "Tiêu ngữ", bold=True, italic=False, size=(13, 14), centred=True)
        national, motto = seg.national and single_size(seg.national), single_size(line)
        if national in (12, 13) and motto in (13, 14) and (national, motto) not in SIZE_SETS:
            yield Issue(f"Cỡ chữ Quốc hiệu {pt(national)} pt và Tiêu ngữ {pt(motto)} pt không "
                        "cùng một bộ; ND30: 13 và 14 pt, hoặc 12 và 13 pt", line.location())
        ruler = ruler_under(line, seg.motto_siblings) or drawing_among(seg.motto_siblings)
        yield from _ruler_issues(ruler, line, "Tiêu ngữ", known_width([line]), MOTTO_RULER,
                                 "dài bằng dòng chữ")


def _ruler_issues(ruler: Ruler | None, line: Line, name: str, text_width: float | None,
                  bounds: tuple[float, float], expected: str) -> Iterator[Issue]:
    """Issues about the line drawn under a component, judged against its text width."""
    problem = drawing_issue(ruler, line, name, expected)
    if problem is not None:
        yield problem
    elif ruler.width_pt is not None and text_width:
        ratio = ruler.width_pt / text_width
        if not bounds[0] <= ratio <= bounds[1]:
            yield Issue(f"Đường kẻ dưới {name} dài {pt(ruler.width_pt)} pt, bằng "
                        f"{round(ratio * 100)} % dòng chữ ({pt(text_width)} pt); ND30 yêu cầu "
                        f"{expected} (chấp nhận {round(bounds[0] * 100)}–"
                        f"{round(bounds[1] * 100)} %)", ruler.para.location())


def check_agency(ctx: Context) -> Iterator[Issue]:
    """Agency names: upper case, 12–13 pt, centred; superior not bold, issuing bold, with a
    line of 1/3–1/2 of its text under the issuing body."""
    for seg in ctx.segments:
        if not seg.agency:
            continue
        bodies = _bodies(seg.agency)
        for line in seg.agency:
            text = line.shown
            name = f"Tên cơ quan «{text}»"
            if text != text.upper() and not line.templated:
                yield Issue(f"{name} không viết in hoa; ND30 yêu cầu chữ in hoa", line.location())
            yield from expect(line, name, italic=False, size=(12, 13), centred=True)
        if len(bodies) > 1:
            for line in bodies[0]:
                yield from expect(line, f"Tên cơ quan chủ quản «{line.stripped}»", bold=False)
        for line in bodies[-1]:
            yield from expect(line, f"Tên cơ quan ban hành «{line.stripped}»", bold=True)
        yield from _agency_ruler(seg.agency_cell, bodies[-1])


def _bodies(lines: list[Line]) -> list[list[Line]]:
    """Agency lines grouped into bodies: a paragraph is one body, unless its lines change
    from not bold to bold (superior and issuing body split by a line break)."""
    bodies: list[list[Line]] = []
    for line in lines:
        bold = all(run.props.bold for run in line.visible_runs)
        previous = bodies[-1][-1] if bodies else None
        if previous is not None and previous.para is line.para and bold == all(
                run.props.bold for run in previous.visible_runs):
            bodies[-1].append(line)
        else:
            bodies.append([line])
    return bodies


def _agency_ruler(cell: Cell, issuing: list[Line]) -> Iterator[Issue]:
    last = issuing[-1]
    text_width = known_width(issuing, last.para.width_twips())
    ruler = ruler_under(last, cell.paras) or drawing_among(cell.paras)
    yield from _ruler_issues(ruler, last, "tên cơ quan ban hành", text_width, AGENCY_RULER,
                             "dài 1/3 đến 1/2 dòng chữ")


def check_number(ctx: Context) -> Iterator[Issue]:
    """"Số: 05/QĐ-UBND": 13 pt, upright, not bold, centred; number ≥ 2 digits or blank."""
    for seg in ctx.segments:
        line = seg.number
        if line is None:
            continue
        yield from expect(line, "Số, ký hiệu", bold=False, italic=False, size=(13, 13),
                          centred=True)
        problem = number_problem(nfc(line.stripped))
        if problem:
            yield Issue(problem, line.location())


def number_problem(text: str) -> str | None:
    """What is wrong with a "Số: …/…" text, in Vietnamese, or None."""
    sample = "«Số: 05/QĐ-UBND» hoặc bản dự thảo «Số:      /QĐ-UBND»"
    probe = JINJA.sub("00", text)             # a template tag stands for a valid value
    if probe != text and "/" not in probe:
        return None
    match = _NUMBER.fullmatch(probe)
    if not match or match["label"] != "Số":
        return f"Số, ký hiệu «{text}» không đúng mẫu; ND30: {sample}"
    number, gap = match["number"], match["gap"]
    if not number and not gap:
        return f"Số, ký hiệu «{text}» thiếu khoảng trống để điền số; ND30: {sample}"
    if number and (gap != " " or match["tail"]):
        return (f"Số, ký hiệu «{text}» có dấu cách không đúng chỗ; ND30: một dấu cách sau "
                f"«Số:», không có dấu cách quanh «/» ({sample})")
    if number and not number.isdigit():
        return f"Số văn bản «{number}» không phải là số; ND30: {sample}"
    if len(number) == 1:
        return (f"Số văn bản «{number}» thiếu số 0 phía trước; ND30: số nhỏ hơn 10 ghi thêm "
                f"số 0 (ví dụ «Số: 0{number}/…»)")
    symbol = match["symbol"]
    if not _symbol_ok(symbol):
        return (f"Ký hiệu «{symbol}» không đúng; ND30: chữ in hoa nối bằng gạch nối «-», không "
                "có dấu cách (ví dụ «QĐ-UBND», «KH-BCĐ»)")
    return None


def _symbol_ok(symbol: str) -> bool:
    parts = symbol.split("-")
    return all(part and (part in MIXED_CASE_SYMBOLS or all(
        c.isdigit() or (c.isalpha() and c.isupper()) for c in part)) for part in parts)


def check_date(ctx: Context) -> Iterator[Issue]:
    """"Quan Sơn, ngày 05 tháng 02 năm 2022": italic, 13–14 pt, centred, ND30 zeros, a real
    date, a capital place name, the size set, and on the row of Số."""
    for seg in ctx.segments:
        line = seg.date
        if line is None:
            continue
        yield from expect(line, "Dòng địa danh, ngày tháng", bold=False, italic=True,
                          size=(13, 14), centred=True)
        problem = date_problem(nfc(line.stripped))
        if problem:
            yield Issue(problem, line.location())
        national, size = seg.national and single_size(seg.national), single_size(line)
        expected = DATE_SIZE_FOR_NATIONAL.get(national)
        if expected and size in (13, 14) and size != expected:
            yield Issue(f"Cỡ chữ dòng ngày tháng {pt(size)} pt không cùng bộ với Quốc hiệu "
                        f"{pt(national)} pt; ND30: Quốc hiệu 13 pt đi với ngày tháng 14 pt, "
                        "Quốc hiệu 12 pt với 13 pt", line.location())
        if seg.number is not None and not _same_row(seg.number, line):
            yield Issue("Dòng ngày tháng không cùng hàng với «Số:»; ND30: địa danh, ngày tháng "
                        "(ô 4) ngang hàng với số, ký hiệu (ô 3)", line.location())


def _same_row(first: Line, second: Line) -> bool:
    a, b = first.para.container, second.para.container
    return isinstance(a, Cell) and isinstance(b, Cell) and a.table is b.table and a.row == b.row


def date_problem(text: str) -> str | None:
    """What is wrong with a "<Địa danh>, ngày … tháng … năm …" text, in Vietnamese, or None."""
    match = _DATE.fullmatch(text)
    if not match:
        return (f"Dòng ngày tháng «{text}» không đúng mẫu; ND30: «Quan Sơn, ngày 05 tháng 02 "
                "năm 2022»")
    place = match["place"].strip()
    if place and not JINJA.match(place) and not place[0].isupper():
        return f"Địa danh «{place}» không viết hoa chữ cái đầu; ND30 viết hoa (ví dụ «Quan Sơn»)"
    day, month, year = (match[k].strip() for k in ("d", "m", "y"))
    for part in (day, month, year):
        if part and not _blank(part) and not part.isdigit():
            return f"Ngày tháng «{text}» có phần «{part}» không phải là số"
    if day.isdigit() and len(day) != 2:
        return (f"Ngày «{day}» ghi sai; ND30: ngày nhỏ hơn 10 ghi thêm số 0, ghi hai chữ số "
                "(ví dụ «ngày 05»)")
    if month.isdigit():
        problem = _month_problem(month)
        if problem:
            return problem
    if year and not _blank(year) and len(year) != 4:
        return f"Năm «{year}» ghi sai; ND30: ghi đủ bốn chữ số (ví dụ «năm 2022»)"
    if day.isdigit() and month.isdigit() and year.isdigit():
        try:
            datetime.date(int(year), int(month), int(day))
        except ValueError:
            return f"Ngày {day} tháng {month} năm {year} không có trên lịch"
    return None


def _month_problem(month: str) -> str | None:
    value = int(month)
    if not 1 <= value <= 12:
        return f"Tháng «{month}» không có trên lịch"
    if value <= 2 and month != f"0{value}":
        return (f"Tháng «{month}» thiếu số 0 phía trước; ND30: tháng 1, 2 ghi «01», «02» "
                f"(ví dụ «tháng 0{value}»)")
    if 3 <= value <= 9 and month != str(value):
        return (f"Tháng «{month}» có số 0 phía trước; ND30: tháng 3 đến 9 ghi không có số 0 "
                f"(ví dụ «tháng {value}»)")
    if value >= 10 and month != str(value):
        return f"Tháng «{month}» ghi sai; ND30 ghi «tháng {value}»"
    return None


def _blank(part: str) -> bool:
    """A field left blank in a draft (spaces, dots) or filled by a template tag."""
    return bool(_BLANK.fullmatch(part)) or bool(JINJA.fullmatch(part))
