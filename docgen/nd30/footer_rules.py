"""Footer rules: "Nơi nhận:" with its entries, and the signature block."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .context import Context
from .document import Line
from .findings import Issue
from .formatting import alignment_vi, expect
from .layout import signature_parts
from .text import fold, nfc

RECIPIENTS_HEAD = "Nơi nhận:"
AUTHORITY_PREFIXES = ("TM.", "KT.", "Q.", "TL.", "TUQ.")
# Something that looks like an authority prefix, written right or wrong ("KT", "T/M.").
_PREFIX_LIKE = re.compile(r"(T/M|K/T|T\.M|K\.T|TM|KT|Q|TL|TUQ)(?![\w/])\.?\s*")
_PREFIX_OK = re.compile(r"(TM|KT|Q|TL|TUQ)\. \S")
# Courtesy titles and degrees ND30 leaves out before the signer's name.
NAME_TITLES = ("Ông", "Bà", "Đồng chí", "Đ/c", "GS.", "PGS.", "TS.", "ThS.", "KS.", "BS.")
_NAME_TITLE = re.compile(r"(Ông|Bà|Đồng chí|Đ/c)(\s|$)|(GS|PGS|TS|ThS|KS|BS)\.", re.I)
_TAG_STARTS, _TAG_ENDS = ("{{", "{%"), ("}}", "%}")
SIGNATURE_ROOM_LINES = 3
SIGNATURE_ROOM_TWIPS = 1440


def check_recipients(ctx: Context) -> Iterator[Issue]:
    """"Nơi nhận:" bold italic 12 pt, not underlined, left; entries 11 pt upright, "-" …
    ";", the last "- Lưu…" ending with "."."""
    for seg in ctx.segments:
        head = seg.recipients_head
        if head is None:
            continue
        yield from _head_issues(head)
        entries = seg.recipients
        if not entries:
            yield Issue("Sau «Nơi nhận:» không có nơi nhận nào; ND30: mỗi nơi nhận một dòng, "
                        "dòng cuối «- Lưu: VT, …»", head.location())
        for index, line in enumerate(entries):
            yield from _entry_issues(line, last=index == len(entries) - 1)


def _head_issues(head: Line) -> Iterator[Issue]:
    text = nfc(" ".join(head.text.split()))
    if text != RECIPIENTS_HEAD:
        yield Issue(f"«{text}» viết sai; ND30 ghi «{RECIPIENTS_HEAD}»", head.location())
    yield from expect(head, "«Nơi nhận:»", bold=True, italic=True, size=(12, 12))
    if any(run.props.underline not in (None, "none") for run in head.visible_runs):
        yield Issue("«Nơi nhận:» có gạch chân; ND30 yêu cầu không gạch chân", head.location())
    if head.para.props.jc in ("center", "right", "end"):
        yield Issue(f"«Nơi nhận:» {alignment_vi(head.para.props.jc)}; ND30 yêu cầu căn trái",
                    head.location())


def _entry_issues(line: Line, last: bool) -> Iterator[Issue]:
    text, where = line.stripped, line.location
    name = f"Dòng nơi nhận «{text}»"
    yield from expect(line, name, italic=False, size=(11, 11))
    start_known = not text.startswith(_TAG_STARTS)    # a template tag fills it in later
    end_known = not text.endswith(_TAG_ENDS)
    if start_known and not text.startswith("-"):
        yield Issue(f"{name} không bắt đầu bằng «-»; ND30: mỗi nơi nhận một dòng, đầu dòng "
                    "là gạch đầu dòng «-»", where())
    if end_known and not last and not text.endswith(";"):
        yield Issue(f"{name} không kết thúc bằng «;»; ND30: mỗi dòng nơi nhận kết thúc bằng "
                    "dấu chấm phẩy", where())
    if start_known and last and not fold(text).lstrip("- ").startswith("luu"):
        yield Issue(f"Dòng nơi nhận cuối «{text}» không phải «- Lưu: …»; ND30: dòng cuối là "
                    "«- Lưu: VT, …»", where())
    if end_known and last and not text.endswith("."):
        yield Issue(f"Dòng nơi nhận cuối «{text}» không kết thúc bằng dấu chấm «.»", where())


def check_signature(ctx: Context) -> Iterator[Issue]:
    """Authority and position upper case, bold, centred, 13–14 pt, prefix "TM. "…; the
    name bold, centred, 13–14 pt, without titles, with room to sign above it."""
    for seg in ctx.segments:
        if seg.signature_cell is None:
            continue
        positions, name = signature_parts(seg.signature_cell)
        for line in positions:
            label = f"Chức vụ người ký «{line.stripped}»"
            if line.shown != line.shown.upper() and not line.templated:
                yield Issue(f"{label} không viết in hoa; ND30 yêu cầu chữ in hoa",
                            line.location())
            yield from expect(line, label, bold=True, italic=False, size=(13, 14), centred=True)
        if positions and not positions[0].templated:
            yield from _prefix_issues(positions[0])
        if name is not None:
            yield from _name_issues(name)
            yield from _room_issues(seg.signature_cell.lines, positions[-1], name)


def _prefix_issues(line: Line) -> Iterator[Issue]:
    text = nfc(line.shown)
    if _PREFIX_LIKE.match(text) and not _PREFIX_OK.match(text):
        allowed = ", ".join(f"«{p}»" for p in AUTHORITY_PREFIXES)
        yield Issue(f"Quyền hạn người ký «{text}» viết sai; ND30 ghi {allowed} rồi một dấu cách "
                    "(ví dụ «TM. ỦY BAN NHÂN DÂN», «KT. CHỦ TỊCH»)", line.location())


def _name_issues(name: Line) -> Iterator[Issue]:
    text = nfc(name.stripped)
    label = f"Họ tên người ký «{text}»"
    yield from expect(name, label, bold=True, italic=False, size=(13, 14), centred=True)
    if _NAME_TITLE.match(text):             # a template tag cannot match: it starts with "{"
        yield Issue(f"{label} có danh xưng, học hàm hoặc học vị phía trước; ND30: không ghi "
                    "«Ông», «Bà», «Đồng chí», «TS.», «ThS.»… trước họ tên", name.location())


def _room_issues(lines: list[Line], position: Line, name: Line) -> Iterator[Issue]:
    """Room to sign and seal between the position and the name: blank lines, spacing, or
    a picture (a scanned signature) in between."""
    between = lines[lines.index(position) + 1:lines.index(name)]
    blank = sum(1 for line in between if not line.stripped)
    paras = list(dict.fromkeys(line.para for line in [position, *between, name]))
    drawn = any(para.has_drawing for para in paras)
    spacing = (position.para.props.after or 0) if position is position.para.lines[-1] else 0
    spacing += (name.para.props.before or 0) if name is name.para.lines[0] else 0
    spacing += sum((p.props.before or 0) + (p.props.after or 0) for p in paras[1:-1])
    if blank >= SIGNATURE_ROOM_LINES or spacing >= SIGNATURE_ROOM_TWIPS or drawn:
        return
    yield Issue(f"Không đủ chỗ ký giữa chức vụ và họ tên người ký ({blank} dòng trống); ND30: "
                "chừa chỗ ký, đóng dấu (ít nhất 3 dòng trống hoặc khoảng cách 1 inch)",
                name.location())
