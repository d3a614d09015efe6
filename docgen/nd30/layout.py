"""Where the ND30 components of a document are: header block, title block, body and
footer, found per document when one file holds several (a merged batch of forms)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .document import Cell, Document, Line, Para, Table
from .text import fold, has_letters, is_typed_rule, is_upper, key

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
_NATIONAL_KEY, _MOTTO_KEY, _RECIPIENTS_KEY = key(NATIONAL_TITLE), key(MOTTO), "noinhan"
_NUMBER = re.compile(r"\s*so\s*:")
_DATE = re.compile(r"[^,]{1,80},\s*ngay\b")
BODY_MIN_CHARS = 30
_NOT_BODY = ("kinh gui",)       # "Kính gửi: …" lines are laid out as their own component


@dataclass
class Segment:
    """One document inside the file, from its Quốc hiệu to just before the next one."""

    blocks: list
    header_tables: list = field(default_factory=list)
    national: Line | None = None
    motto: Line | None = None
    motto_siblings: list = field(default_factory=list)
    agency: list = field(default_factory=list)        # Lines of the agency names
    agency_cell: Cell | None = None
    number: Line | None = None
    date: Line | None = None
    title: list = field(default_factory=list)         # kind line first, then trích yếu
    title_end: Para | None = None
    body: list = field(default_factory=list)          # top-level blocks of the body
    recipients_head: Line | None = None
    recipients: list = field(default_factory=list)    # entry Lines after "Nơi nhận:"
    signature_cell: Cell | None = None

    @property
    def has_footer(self) -> bool:
        return self.recipients_head is not None or self.signature_cell is not None

    @cached_property
    def body_paragraphs(self) -> list[Para]:
        """Body text paragraphs the body.paragraph rule judges: long, not centred."""
        return [block for block in self.body if isinstance(block, Para)
                and len(block.text.strip()) >= BODY_MIN_CHARS and not block.centred
                and not fold(block.text.strip()).startswith(_NOT_BODY)]


def segments(doc: Document) -> list[Segment]:
    """The documents of the file; the whole file is one segment without a Quốc hiệu."""
    starts = [i for i, block in enumerate(doc.blocks) if _national_line(block)]
    if not starts:
        return [_segment(doc.blocks, None)]
    bounds = [0, *starts[1:], len(doc.blocks)]
    return [_segment(doc.blocks[a:b], start - a)
            for a, b, start in zip(bounds, bounds[1:], starts, strict=False)]


def _national_line(block) -> Line | None:
    if isinstance(block, Para):
        paras = [block]
    else:
        paras = [p for row in block.rows[:2] for cell in row for p in cell.paras]
    return next((line for p in paras if "NAM" in p.text.upper() for line in p.lines
                 if key(line.text) == _NATIONAL_KEY), None)


def _segment(blocks: list, start: int | None) -> Segment:
    """The components of one document whose Quốc hiệu is in blocks[start] (None: none)."""
    seg = Segment(blocks)
    header_end = 0 if start is None else _read_header(seg, start)
    body_start = _read_title(seg, header_end)
    footer_start = _read_footer(seg, body_start)
    seg.body = blocks[body_start:footer_start]
    return seg


def _read_header(seg: Segment, start: int) -> int:
    """Fill the header components; return the index of the first block after them."""
    block = seg.blocks[start]
    seg.national = _national_line(block)
    if isinstance(block, Para):
        seg.motto_siblings = [b for b in seg.blocks[start:start + 6] if isinstance(b, Para)]
        seg.motto = _motto_after(seg.national, seg.motto_siblings)
        end = start + 1
        if seg.motto is not None:
            end = seg.blocks.index(seg.motto.para) + 1
        return end
    cell = seg.national.para.container
    seg.motto_siblings = cell.paras
    seg.motto = _motto_after(seg.national, cell.paras)
    seg.header_tables = [block]
    end = start + 1
    while end < len(seg.blocks) and isinstance(seg.blocks[end], Para) and seg.blocks[end].is_blank:
        end += 1
    if end < len(seg.blocks) and isinstance(seg.blocks[end], Table) and _looks_like_number_row(
            seg.blocks[end]):
        seg.header_tables.append(seg.blocks[end])
        end += 1
    lines = [line for table in seg.header_tables for row in table.rows for c in row
             for line in c.lines]
    seg.number = next((line for line in lines if _NUMBER.match(fold(line.text))), None)
    seg.date = next((line for line in lines if _DATE.match(fold(line.text))), None)
    _read_agency(seg, cell)
    return end


def _looks_like_number_row(table: Table) -> bool:
    lines = [line for row in table.rows[:2] for c in row for line in c.lines]
    return any(_NUMBER.match(fold(line.text)) or _DATE.match(fold(line.text)) for line in lines)


def _motto_after(national: Line, siblings: list[Para]) -> Line | None:
    lines = [line for p in siblings for line in p.lines]
    after = lines[lines.index(national) + 1:] if national in lines else []
    candidates = [line for line in after if line.stripped][:3]
    return next((line for line in candidates if key(line.text) == _MOTTO_KEY), None)


def _read_agency(seg: Segment, national_cell: Cell) -> None:
    if national_cell.column == 0:
        return
    left = national_cell.table.rows[national_cell.row][0]
    lines = left.lines
    if seg.number is not None and seg.number in lines:
        lines = lines[:lines.index(seg.number)]
    seg.agency_cell = left
    seg.agency = [line for line in lines if has_letters(line.text) and not is_typed_rule(line.text)
                  and not _DATE.match(fold(line.text))]


def _read_title(seg: Segment, index: int) -> int:
    """Fill the title block (kind, trích yếu); return the index where the body starts."""
    blocks = seg.blocks
    while index < len(blocks) and isinstance(blocks[index], Para) and blocks[index].is_blank:
        index += 1
    if index >= len(blocks) or not isinstance(blocks[index], Para):
        return index
    first = blocks[index]
    kind_lines = [line for line in first.lines if line.stripped]
    if not is_upper(kind_lines[0].shown):
        return index
    seg.title, seg.title_end = kind_lines, first
    index += 1
    while index < len(blocks) and len(seg.title) < 6 and not has_border(seg.title_end):
        block = blocks[index]
        if not isinstance(block, Para) or block.is_blank or not block.centred:
            break
        seg.title_end = block
        index += 1
        if _attached_line(block):
            break
        seg.title.extend(line for line in block.lines if line.stripped)
    while index < len(blocks) and isinstance(blocks[index], Para) and (
            blocks[index].is_blank or is_typed_rule(blocks[index].text)):
        index += 1
    return index


def _attached_line(para: Para) -> bool:
    """"(Kèm theo Quyết định số …)": bracketed, or set italic and not bold."""
    runs = [run for run in para.runs if run.text.strip()]
    return para.text.strip().startswith("(") or (
        all(run.props.italic for run in runs) and not any(run.props.bold for run in runs))


def has_border(para: Para) -> bool:
    """The paragraph draws a bottom border (a line under it)."""
    return para.props.bottom not in (None, "nil", "none")


def _read_footer(seg: Segment, body_start: int) -> int:
    """Fill Nơi nhận and the signature; return the index of the first footer block."""
    blocks = seg.blocks
    header = set(map(id, seg.header_tables))
    for index in range(body_start, len(blocks)):
        block = blocks[index]
        if isinstance(block, Table) and len(block.rows) <= 3 and id(block) not in header:
            for row in block.rows:
                for cell in row:
                    head = _recipients_head(cell.lines)
                    if head is not None:
                        seg.recipients_head = head
                        seg.recipients = _entries_after(head, cell.lines)
                        right = [c for c in row if c.column > cell.column]
                        seg.signature_cell = right[-1] if right else None
                        return index
        elif isinstance(block, Para) and _recipients_head(block.lines) is not None:
            seg.recipients_head = head = _recipients_head(block.lines)
            following = [b for b in blocks[index:index + 20] if isinstance(b, Para)]
            lines = [line for p in following for line in p.lines]
            seg.recipients = _entries_after(head, lines, stop_at_blank=True)
            return index
    return _read_signature_table(seg, body_start)


def _recipients_head(lines: list[Line]) -> Line | None:
    return next((line for line in lines if key(line.text) == _RECIPIENTS_KEY), None)


def _entries_after(head: Line, lines: list[Line], stop_at_blank: bool = False) -> list[Line]:
    entries = []
    for line in lines[lines.index(head) + 1:]:
        if not line.stripped:
            if stop_at_blank and entries:
                break
            continue
        entries.append(line)
    return entries


def _read_signature_table(seg: Segment, body_start: int) -> int:
    """Without Nơi nhận: the last small table whose right cell starts in upper case."""
    header = set(map(id, seg.header_tables))
    for index in range(len(seg.blocks) - 1, body_start - 1, -1):
        block = seg.blocks[index]
        if not isinstance(block, Table) or id(block) in header:
            continue
        if len(block.rows) > 2:
            return len(seg.blocks)
        for row in block.rows:
            lines = [line for line in row[-1].lines if line.stripped] if len(row) >= 2 else []
            if lines and is_upper(lines[0].shown):
                seg.signature_cell = row[-1]
                return index
        return len(seg.blocks)
    return len(seg.blocks)


def ending_paragraph(seg: Segment) -> Para | None:
    """The last paragraph with text in the body (inside a table when the body ends with one)."""
    for block in reversed(seg.body):
        paras = [block] if isinstance(block, Para) else block.paras()
        found = next((p for p in reversed(paras) if not p.is_blank), None)
        if found is not None:
            return found
    return None


def is_instruction(line: Line) -> bool:
    """A bracketed hint such as "(Ký, ghi rõ họ tên)"."""
    return line.stripped.startswith("(")


def signature_parts(cell: Cell) -> tuple[list[Line], Line | None]:
    """The authority/position lines at the top of the signature cell and the signer's name
    (the last line with letters, when it comes after them); hints in brackets skipped."""
    lines = cell.lines
    named = [i for i, line in enumerate(lines)
             if has_letters(line.text) and not is_instruction(line)]
    if not named:
        return [], None
    positions = []
    for line in lines[named[0]:]:
        if not line.stripped or is_instruction(line) or not (
                is_upper(line.shown) or line.templated):
            break
        if positions and line is line.para.lines[0] and (line.para.props.before or 0) >= 1440:
            break
        positions.append(line)
    positions = positions or [lines[named[0]]]
    last = lines.index(positions[-1])
    return positions, (lines[named[-1]] if named[-1] > last else None)
