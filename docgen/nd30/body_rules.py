"""Title block and body rules: kind and trích yếu, body paragraphs, the closing "./."."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Context
from .document import Para
from .findings import Issue
from .formatting import alignment_vi, expect
from .layout import ending_paragraph
from .rulers import drawing_among, drawing_issue, known_width, ruler_under
from .text import pt

TITLE_SIZE = (13, 14)
BODY_SIZE = (13, 14)
FIRST_LINE_INDENTS = (567, 720)          # 1 cm and 1.27 cm in twips
INDENT_TOLERANCE = 15
MIN_PARAGRAPH_GAP = 120                  # 6 pt, in twips, before + after
AUTO_SPACING = 280                       # Word's "auto" spacing, 14 pt
LINE_AUTO = (240, 360)                   # single to 1.5 lines, in 240ths of a line
LINE_EXACT = (260, 420)                  # 13 to 21 pt, in twips
ENDING = "./."


def check_title(ctx: Context) -> Iterator[Issue]:
    """Kind and trích yếu: bold, centred, 13–14 pt; a short line under the trích yếu."""
    for seg in ctx.segments:
        if not seg.title:
            continue
        kind, summary = seg.title[0], seg.title[1:]
        yield from expect(kind, f"Tên loại văn bản «{kind.stripped}»", bold=True, italic=False,
                          size=TITLE_SIZE, centred=True)
        for line in summary:
            yield from expect(line, f"Trích yếu «{line.stripped}»", bold=True, italic=False,
                              size=TITLE_SIZE, centred=True)
        if summary:
            yield from _title_ruler(seg)


def _title_ruler(seg) -> Iterator[Issue]:
    """A solid line under the trích yếu, shorter than its text."""
    summary = seg.title[1:]
    last = seg.title_end.lines[-1]
    text_width = known_width(summary, last.para.width_twips())
    end = seg.blocks.index(seg.title_end)
    block = seg.blocks[seg.blocks.index(seg.title[0].para):end + 3]
    ruler = ruler_under(last, seg.blocks) or drawing_among(block)
    problem = drawing_issue(ruler, last, "trích yếu", "ngắn (1/3 đến 1/2 dòng chữ)")
    if problem is not None:
        yield problem
    elif ruler.width_pt is not None and text_width and not 0 < ruler.width_pt < text_width:
        yield Issue(f"Đường kẻ dưới trích yếu dài {pt(ruler.width_pt)} pt, không ngắn hơn dòng "
                    f"chữ ({pt(text_width)} pt); ND30 yêu cầu đường kẻ ngắn (1/3 đến 1/2 dòng "
                    "chữ)", ruler.para.location())


def check_body(ctx: Context) -> Iterator[Issue]:
    """Body paragraphs: justified, first line 1 or 1.27 cm, 13–14 pt, ≥ 6 pt apart,
    single to 1.5 line spacing."""
    for seg in ctx.segments:
        for para in seg.body_paragraphs:
            for problem in paragraph_problems(para):
                yield Issue(problem, para.location())


def paragraph_problems(para: Para) -> Iterator[str]:
    """What is wrong with one body paragraph, each as a message without its place."""
    props = para.props
    if props.jc != "both":
        yield f"Đoạn thân văn bản {alignment_vi(props.jc)}; ND30 yêu cầu căn đều hai bên"
    indent = _first_line(para)
    if indent < 0:
        yield (f"Đoạn thân văn bản thụt treo (hanging) {_cm(-indent)} cm; ND30 yêu cầu thụt "
               "đầu dòng 1 cm hoặc 1,27 cm")
    elif not any(abs(indent - want) <= INDENT_TOLERANCE for want in FIRST_LINE_INDENTS):
        yield f"Đoạn thân văn bản thụt đầu dòng {_cm(indent)} cm; ND30 yêu cầu 1 cm hoặc 1,27 cm"
    runs = [run for run in para.runs if run.text.strip()]
    found = sorted({run.props.size_pt for run in runs})
    if any(not BODY_SIZE[0] <= size <= BODY_SIZE[1] for size in found):
        yield (f"Đoạn thân văn bản cỡ chữ {'/'.join(pt(s) for s in found)} pt; ND30 yêu cầu "
               "13–14 pt")
    gap = 0 if props.contextual else _spacing(props.before, props.before_lines,
                                               props.before_auto) + \
        _spacing(props.after, props.after_lines, props.after_auto)
    if gap < MIN_PARAGRAPH_GAP:
        why = " (đặt «không thêm khoảng cách giữa các đoạn cùng kiểu»)" if props.contextual \
            else ""
        yield (f"Khoảng cách giữa các đoạn thân văn bản {pt(gap / 20)} pt{why}; ND30 yêu cầu "
               "tối thiểu 6 pt")
    yield from _line_spacing(props.line, props.line_rule)


def _first_line(para: Para) -> float:
    props = para.props
    if props.first_line_chars:
        size = next((run.props.size_pt for run in para.runs if run.text.strip()), 14)
        return props.first_line_chars / 100 * size * 20
    return props.first_line or 0


def _spacing(twips: int | None, lines: int | None, auto: bool | None) -> float:
    if auto:
        return AUTO_SPACING
    if lines:
        return lines * 240 / 100
    return twips or 0


def _line_spacing(line: int | None, rule: str | None) -> Iterator[str]:
    if line is None:
        return
    if rule in (None, "auto"):
        if not LINE_AUTO[0] <= line <= LINE_AUTO[1]:
            yield (f"Giãn dòng đoạn thân văn bản {pt(line / 240, 2)} dòng; ND30 yêu cầu "
                   "từ 1 dòng (single) đến 1,5 dòng")
    elif not LINE_EXACT[0] <= line <= LINE_EXACT[1]:
        kind = "chính xác" if rule == "exact" else "tối thiểu"
        yield (f"Giãn dòng đoạn thân văn bản {kind} {pt(line / 20)} pt; ND30 yêu cầu 13–21 pt "
               "(từ 1 đến 1,5 dòng)")


def _cm(twips: float) -> str:
    return pt(twips / 567, 2)


def check_ending(ctx: Context) -> Iterator[Issue]:
    """The body of a signed document ends with "./."."""
    for seg in ctx.segments:
        if not seg.has_footer:
            continue
        para = ending_paragraph(seg)
        text = para.text.rstrip() if para is not None else ENDING
        if not text.endswith(ENDING) and not text.endswith(("}}", "%}")):
            yield Issue(f"Thân văn bản không kết thúc bằng «{ENDING}»; ND30: cuối nội dung "
                        f"văn bản ghi «{ENDING}»", para.location())
