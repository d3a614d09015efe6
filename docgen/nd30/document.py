"""A read-only model of a DOCX for the checker: sections, top-level blocks (paragraphs and
tables), every paragraph with its runs' effective properties, header and footer parts."""

from __future__ import annotations

import re
from functools import cached_property
from typing import NamedTuple

from docgen.metrics import text_width_pt

from .ooxml import REL_STYLES, REL_THEME, Package, Source, qn, wattr
from .styles import ParaProps, RunProps, StyleSheet
from .text import is_control_only, is_templated

P, R, TBL, TR, TC = qn("w:p"), qn("w:r"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_WRAPPERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")}
_RUN_CONTAINERS = _WRAPPERS | {qn(f"w:{n}") for n in (
    "hyperlink", "ins", "smartTag", "fldSimple", "moveTo", "dir", "bdo")}
_T, _TAB, _PTAB, _BR, _CR = (qn("w:t"), qn("w:tab"), qn("w:ptab"), qn("w:br"), qn("w:cr"))
_NB_HYPHEN = qn("w:noBreakHyphen")
_PPR, _RPR, _PSTYLE = qn("w:pPr"), qn("w:rPr"), qn("w:pStyle")
_DRAWINGS = (qn("w:drawing"), qn("w:pict"))
_SPACES = re.compile(r"\s+")
DEFAULT_CELL_MARGIN = 108          # twips, Word's "Table Normal"
_TRPR, _GRID_BEFORE = qn("w:trPr"), qn("w:gridBefore")
_TCPR, _GRID_SPAN, _CELL_WIDTH = qn("w:tcPr"), qn("w:gridSpan"), qn("w:tcW")
_CELL_MARGINS = f"{qn('w:tcPr')}/{qn('w:tcMar')}"
_TABLE_MARGINS = f"{qn('w:tblPr')}/{qn('w:tblCellMar')}"


class Run(NamedTuple):
    """Text of one run (line breaks as "\\n") and its effective properties."""

    text: str
    props: RunProps


def child(el, tag: str):
    """The first child of `el` with `tag`, or None (faster than el.find for one tag)."""
    for item in el:
        if item.tag == tag:
            return item
    return None


def block_elements(parent):
    """The w:p and w:tbl children of `parent`, looking through content controls."""
    for child in parent:
        if child.tag == P or child.tag == TBL:
            yield child
        elif child.tag in _WRAPPERS:
            yield from block_elements(child)


def _items(parent, tag):
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _items(child, tag)


def run_elements(p):
    """The w:r elements of a paragraph in reading order (deleted text left out)."""
    for child in p:
        if child.tag == R:
            yield child
        elif child.tag in _RUN_CONTAINERS:
            yield from run_elements(child)


def _run_text(r) -> str:
    if len(r) == 2 and r[1].tag == _T and r[0].tag == _RPR:   # the usual run
        return r[1].text or ""
    parts = []
    for child in r:
        tag = child.tag
        if tag == _T:
            parts.append(child.text or "")
        elif tag in (_TAB, _PTAB):
            parts.append("\t")
        elif tag in (_BR, _CR):
            parts.append("\n")
        elif tag == _NB_HYPHEN:
            parts.append("-")
    return "".join(parts)


def snippet(text: str, limit: int = 40) -> str:
    """One line of `text` for a location, shortened with an ellipsis."""
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


class Line:
    """One printed line of a paragraph: the text between hard line breaks."""

    def __init__(self, para: Para, text: str, runs: list[Run]):
        self.para, self.text, self.runs = para, text, runs

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def templated(self) -> bool:
        """The line holds a template tag: its final wording is not known."""
        return is_templated(self.text)

    @property
    def shown(self) -> str:
        """The text as printed: runs formatted as all capitals in upper case, stripped."""
        return "".join(run.text.upper() if run.props.caps else run.text
                       for run in self.runs).strip()

    @property
    def visible_runs(self) -> list[Run]:
        return [run for run in self.runs if run.text.strip()]

    def width_pt(self) -> float:
        """Printed width of the line's text in Times New Roman metrics."""
        return sum(text_width_pt(run.text, run.props.size_pt, bool(run.props.bold),
                                 bool(run.props.italic)) for run in self.runs)

    def location(self) -> str:
        return f"{self.para.where}: «{snippet(self.text)}»"


class Para:
    """A paragraph with its runs; `where` says where it is, in Vietnamese."""

    def __init__(self, el, sheet: StyleSheet, table_style: str | None, where: str | int,
                 place: str, container=None):
        """`where` is a description, or the paragraph's number in the body."""
        self.el, self._where, self.place, self.container = el, where, place, container
        self._sheet, self._table_style = sheet, table_style
        ppr = child(el, _PPR)
        style = child(ppr, _PSTYLE) if ppr is not None else None
        self._ppr, self._style = ppr, wattr(style, "val")
        self.runs = self._read_runs()
        self.text = "".join(run.text for run in self.runs)

    def _read_runs(self) -> list[Run]:
        runs, sheet, table_style, style = [], self._sheet, self._table_style, self._style
        children = self.el
        if any(child.tag != R and child.tag != _PPR for child in children):
            children = run_elements(self.el)      # runs nested in links, fields, revisions
        for r in children:
            if r.tag != R:
                continue
            text = _run_text(r)
            if not text:
                continue
            props = sheet.run(table_style, style, child(r, _RPR))
            if not props.hidden:
                runs.append(Run(text, props))
        return runs

    @property
    def where(self) -> str:
        if isinstance(self._where, str):
            return self._where
        cell = self.container
        if isinstance(cell, Cell):
            return (f"đoạn {self._where} (bảng {cell.table.index}, hàng {cell.row + 1}, "
                    f"cột {cell.column + 1})")
        return f"đoạn {self._where}"

    @cached_property
    def props(self) -> ParaProps:
        return self._sheet.para(self._table_style, self._style, self._ppr)

    def first_run_props(self) -> RunProps:
        """Properties of the first run (text or not), else of an unformatted run."""
        first = next(run_elements(self.el), None)
        rpr = first.find(_RPR) if first is not None else None
        return self._sheet.run(self._table_style, self._style, rpr)

    @cached_property
    def lines(self) -> list[Line]:
        """The paragraph split at hard line breaks; an empty paragraph is one empty line."""
        if "\n" not in self.text:
            return [Line(self, self.text, self.runs)]
        lines, runs, text = [], [], []
        for run in self.runs:
            pieces = run.text.split("\n")
            for i, piece in enumerate(pieces):
                if i:
                    lines.append(Line(self, "".join(text), runs))
                    runs, text = [], []
                if piece:
                    runs.append(Run(piece, run.props))
                    text.append(piece)
        lines.append(Line(self, "".join(text), runs))
        return lines

    @cached_property
    def has_drawing(self) -> bool:
        return any(True for _ in self.el.iter(*_DRAWINGS))

    @cached_property
    def is_tag(self) -> bool:
        """Only template control tags: the paragraph is removed when rendered."""
        return "{" in self.text and is_control_only(self.text)

    @property
    def is_blank(self) -> bool:
        """No printed text (it may still carry a border or a drawing)."""
        return not self.text.strip()

    @property
    def centred(self) -> bool:
        return self.props.jc == "center"

    def location(self) -> str:
        return f"{self.where}: «{snippet(self.text)}»" if self.text.strip() else self.where

    def width_twips(self) -> float | None:
        """Width between the paragraph's indents: its container's width minus indents."""
        container = self.container.content_width() if self.container is not None else None
        if container is None:
            return None
        props = self.props
        return container - (props.left or 0) - (props.right or 0)


class Cell:
    """A table cell: its own paragraphs (not those of nested tables) and its width."""

    def __init__(self, table: Table, el, row: int, column: int, width: int | None):
        self.table, self.el, self.row, self.column = table, el, row, column
        self.width = width
        self.paras: list[Para] = []

    def content_width(self) -> float | None:
        """Width inside the cell margins in twips; unknown widths share the page evenly."""
        if self.width is None:
            section = self.table.section
            cells = len(self.table.rows[self.row]) or 1
            return section.content_width() / cells if section else None
        return self.width - self.table.cell_margin(self.el, "left") - \
            self.table.cell_margin(self.el, "right")

    @property
    def lines(self) -> list[Line]:
        return [line for para in self.paras for line in para.lines]


class Table:
    """A table with its rows of cells; `index` counts tables from 1 in document order."""

    def __init__(self, el, index: int, style: str | None, sheet: StyleSheet, section):
        self.el, self.index, self.style, self.section = el, index, style, section
        self._sheet = sheet
        columns = el.find(qn("w:tblGrid"))
        grid = [_dxa(col) or 0 for col in columns.iter(qn("w:gridCol"))] \
            if columns is not None else []
        self.rows: list[list[Cell]] = []
        for row_index, tr in enumerate(_items(el, TR)):
            row_props = child(tr, _TRPR)
            position = int(wattr(child(row_props, _GRID_BEFORE), "val") or 0) \
                if row_props is not None else 0
            row = []
            for column, tc in enumerate(_items(tr, TC)):
                tcpr = child(tc, _TCPR)
                span = int(wattr(child(tcpr, _GRID_SPAN), "val") or 1) if tcpr is not None else 1
                width = sum(grid[position:position + span]) if len(grid) >= position + span \
                    else _dxa(child(tcpr, _CELL_WIDTH) if tcpr is not None else None)
                row.append(Cell(self, tc, row_index, column, width or None))
                position += span
            self.rows.append(row)

    def cell_margin(self, tc, side: str) -> int:
        """Left or right inner margin of a cell in twips: cell, table, style, Word default."""
        names = (side, "start" if side == "left" else "end")
        for margins in (tc.find(_CELL_MARGINS), self.el.find(_TABLE_MARGINS)):
            for name in names:
                value = _dxa(margins.find(qn(f"w:{name}"))) if margins is not None else None
                if value is not None:
                    return value
        found = self._sheet.table_cell_margin(self.style, side)
        return DEFAULT_CELL_MARGIN if found is None else found

    def paras(self):
        return [para for row in self.rows for cell in row for para in cell.paras]


def _dxa(el) -> int | None:
    if el is None or wattr(el, "type") not in (None, "dxa"):
        return None
    try:
        return int(float(wattr(el, "w")))
    except (TypeError, ValueError):
        return None


class Section:
    """One section's page setup and its (inherited) header and footer part names."""

    def __init__(self, el, index: int, previous: Section | None):
        self.el, self.index = el, index
        size, margins = el.find(qn("w:pgSz")), el.find(qn("w:pgMar"))
        self.width, self.height = _twips(size, "w"), _twips(size, "h")
        self.margins = {side: _twips(margins, side)
                        for side in ("top", "bottom", "left", "right", "gutter")}
        title = el.find(qn("w:titlePg"))
        self.title_page = title is not None and (wattr(title, "val") or "1") not in (
            "0", "false", "off")
        numbering = el.find(qn("w:pgNumType"))
        self.restarts = index == 0 or wattr(numbering, "start") is not None
        self.number_format = wattr(numbering, "fmt")
        self.headers = dict(previous.headers) if previous else {}
        self.footers = dict(previous.footers) if previous else {}
        for tag, refs in (("w:headerReference", self.headers), ("w:footerReference", self.footers)):
            for ref in el.iter(qn(tag)):
                refs[wattr(ref, "type") or "default"] = ref.get(qn("r:id"))

    @property
    def name(self) -> str:
        return f"phần {self.index + 1}"

    def content_width(self) -> float:
        """Width between the page margins in twips (A4 when the size is not declared)."""
        width = self.width or 11906
        m = self.margins
        return width - (m["left"] or 0) - (m["right"] or 0) - (m["gutter"] or 0)


def _twips(el, attr: str) -> int | None:
    value = wattr(el, attr)
    try:
        return abs(int(float(value))) if value is not None else None
    except ValueError:
        return None


class Part(NamedTuple):
    """A header or footer part: its kind ("header"/"footer"), name, root and paragraphs."""

    kind: str
    name: str
    root: object
    paras: list


class Document:
    """The checker's view of one DOCX file."""

    def __init__(self, source: Source):
        self.package = package = Package(source)
        self.sheet = StyleSheet(package.xml(package.related(REL_STYLES)),
                                package.xml(package.related(REL_THEME)))
        self.body = package.document.find(qn("w:body"))
        self.sections = self._read_sections()
        self.blocks: list = []            # top-level Para and Table objects in order
        self.paras: list[Para] = []       # every body paragraph, tables and text boxes too
        self.tables: list[Table] = []
        self._read_body()

    def _read_sections(self) -> list[Section]:
        found = [ppr_sect for ppr_sect in self.body.iter(qn("w:sectPr"))
                 if ppr_sect.getparent().tag in (_PPR, self.body.tag)]
        sections: list[Section] = []
        for index, el in enumerate(found or [self.body.makeelement(qn("w:sectPr"))]):
            sections.append(Section(el, index, sections[-1] if sections else None))
        return sections

    def _read_body(self) -> None:
        section_index = 0
        for el in block_elements(self.body):
            section = self.sections[min(section_index, len(self.sections) - 1)]
            if el.tag == P:
                para = self._para(el, None, "thân văn bản", section)
                if not para.is_tag:
                    self.blocks.append(para)
                ppr = el.find(_PPR)
                if ppr is not None and ppr.find(qn("w:sectPr")) is not None:
                    section_index += 1
            else:
                self.blocks.append(self._table(el, section))
        for box in self.body.iter(qn("w:txbxContent")):
            for el in block_elements(box):
                if el.tag == P:
                    self.paras.append(Para(el, self.sheet, None, "hộp văn bản", "hộp văn bản"))

    def _para(self, el, table_style, place, container) -> Para:
        para = Para(el, self.sheet, table_style, len(self.paras) + 1, place, container)
        self.paras.append(para)
        return para

    def _table(self, el, section) -> Table:
        style = wattr(el.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}"), "val") \
            or self.sheet.default_style("table")
        table = Table(el, len(self.tables) + 1, style, self.sheet, section)
        self.tables.append(table)
        for row in table.rows:
            for cell in row:
                for child in block_elements(cell.el):
                    if child.tag == P:
                        para = self._para(child, style, "bảng", cell)
                        if not para.is_tag:
                            cell.paras.append(para)
                    else:
                        self._table(child, section)
        return table

    @cached_property
    def parts(self) -> list[Part]:
        """Header and footer parts used by any section, each read once."""
        parts, seen = [], set()
        for section in self.sections:
            for kind, refs in (("header", section.headers), ("footer", section.footers)):
                for rel_id in refs.values():
                    name = self.package.target(rel_id)
                    if name and name not in seen:
                        seen.add(name)
                        parts.append(self._part(kind, name, section))
        return parts

    def _part(self, kind: str, name: str, section: Section) -> Part:
        root = self.package.xml(name)
        place = "đầu trang" if kind == "header" else "chân trang"
        paras = []
        if root is not None:
            elements = [el for box in [root, *root.iter(qn("w:txbxContent"))]
                        for el in box.iter(P) if _owner(el, box)]
            for number, el in enumerate(elements, 1):
                where = f"{place} {section.name}, đoạn {number}"
                paras.append(Para(el, self.sheet, None, where, place, section))
        return Part(kind, name, root, paras)

    def part(self, rel_id: str | None) -> Part | None:
        """The header or footer part a section's reference points to."""
        name = self.package.target(rel_id) if rel_id else None
        return next((part for part in self.parts if part.name == name), None)


def _owner(p, box) -> bool:
    """True when `box` is the nearest text container (part root or text box) of `p`."""
    parent = p.getparent()
    while parent is not None and parent is not box:
        if parent.tag == qn("w:txbxContent"):
            return False
        parent = parent.getparent()
    return parent is box
