"""Effective run and paragraph properties: docDefaults → table style → paragraph style →
character style → direct formatting, each style with its basedOn chain, theme fonts and
theme colours resolved through the theme part."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from .ooxml import qn, wattr

_OFF = ("0", "false", "off", "none")

# Theme font slots as rFonts names them, and where the theme part keeps them.
_THEME_FONT = {
    "majorAscii": ("a:majorFont", "a:latin"), "majorHAnsi": ("a:majorFont", "a:latin"),
    "majorBidi": ("a:majorFont", "a:cs"), "majorEastAsia": ("a:majorFont", "a:ea"),
    "minorAscii": ("a:minorFont", "a:latin"), "minorHAnsi": ("a:minorFont", "a:latin"),
    "minorBidi": ("a:minorFont", "a:cs"), "minorEastAsia": ("a:minorFont", "a:ea"),
}
# Theme colour names used by w:color/@w:themeColor, mapped to the theme's scheme slots.
_THEME_COLOR = {"text1": "dk1", "text2": "dk2", "background1": "lt1", "background2": "lt2",
                "dark1": "dk1", "dark2": "dk2", "light1": "lt1", "light2": "lt2"}


class RunProps(NamedTuple):
    """Run formatting; None means "not set here, inherit". Fonts are (kind, name) pairs."""

    ascii: tuple | None = None
    hansi: tuple | None = None
    cs: tuple | None = None
    size: int | None = None            # half-points
    bold: bool | None = None
    italic: bool | None = None
    color: tuple | None = None         # (val, themeColor, tinted)
    underline: str | None = None
    hidden: bool | None = None
    caps: bool | None = None           # shown in capitals whatever the typed case

    def over(self, base: RunProps) -> RunProps:
        """These properties laid over `base`: set values win, None inherits."""
        return type(self)(*(b if v is None else v for v, b in zip(self, base, strict=True)))

    @property
    def size_pt(self) -> float:
        """Size in points; Word's default of 10 pt when no level sets one."""
        return (self.size or 20) / 2


class ParaProps(NamedTuple):
    """Paragraph formatting in twips (first_line negative for a hanging indent)."""

    jc: str | None = None
    left: int | None = None
    right: int | None = None
    first_line: int | None = None
    first_line_chars: int | None = None
    before: int | None = None
    after: int | None = None
    before_lines: int | None = None
    after_lines: int | None = None
    before_auto: bool | None = None
    after_auto: bool | None = None
    line: int | None = None
    line_rule: str | None = None
    contextual: bool | None = None
    bottom: str | None = None          # border value ("single", "double", "nil", …)
    top: str | None = None

    over = RunProps.over


def _on(el) -> bool | None:
    """An on/off property element: absent → None, present → its w:val (default on)."""
    if el is None:
        return None
    return (wattr(el, "val") or "1").lower() not in _OFF


def _int(value) -> int | None:
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


def _font(el, theme_attr: str, attr: str):
    theme = wattr(el, theme_attr)
    if theme:
        return ("theme", theme)
    name = wattr(el, attr)
    return ("font", name) if name else None


def parse_rpr(rpr) -> RunProps:
    """The properties set directly by one w:rPr element."""
    if rpr is None:
        return RunProps()
    values = {}
    for child in rpr:
        tag = child.tag
        if tag == _RFONTS:
            values["ascii"] = _font(child, "asciiTheme", "ascii")
            values["hansi"] = _font(child, "hAnsiTheme", "hAnsi")
            values["cs"] = _font(child, "cstheme", "cs")
        elif tag == _SZ:
            values["size"] = _int(wattr(child, "val"))
        elif tag in _TOGGLES:
            values[_TOGGLES[tag]] = _on(child)
        elif tag == _COLOR:
            tinted = wattr(child, "themeTint") or wattr(child, "themeShade")
            values["color"] = (wattr(child, "val"), wattr(child, "themeColor"), bool(tinted))
        elif tag == _U:
            values["underline"] = wattr(child, "val") or "single"
    return RunProps(**values)


def parse_ppr(ppr) -> ParaProps:
    """The properties set directly by one w:pPr element (or a style's pPr)."""
    if ppr is None:
        return ParaProps()
    values = {}
    jc = ppr.find(_JC)
    if jc is not None:
        values["jc"] = wattr(jc, "val")
    ind = ppr.find(_IND)
    if ind is not None:
        values.update(_indent(ind))
    spacing = ppr.find(_SPACING)
    if spacing is not None:
        values.update(_spacing(spacing))
    contextual = ppr.find(_CONTEXTUAL)
    if contextual is not None:
        values["contextual"] = _on(contextual)
    borders = ppr.find(_PBDR)
    if borders is not None:
        for side in ("bottom", "top"):
            edge = borders.find(qn(f"w:{side}"))
            if edge is not None:
                values[side] = wattr(edge, "val")
    return ParaProps(**values)


def _indent(ind) -> dict:
    values = {}
    for key, names in (("left", ("start", "left")), ("right", ("end", "right"))):
        found = next((_int(wattr(ind, n)) for n in names if wattr(ind, n) is not None), None)
        if found is not None:
            values[key] = found
    hanging, first = _int(wattr(ind, "hanging")), _int(wattr(ind, "firstLine"))
    if hanging is not None or first is not None:
        values["first_line"] = -hanging if hanging is not None else first
        values["first_line_chars"] = 0
    hanging_chars = _int(wattr(ind, "hangingChars"))
    first_chars = _int(wattr(ind, "firstLineChars"))
    if hanging_chars or first_chars:
        values["first_line_chars"] = -hanging_chars if hanging_chars else first_chars
    return values


def _spacing(spacing) -> dict:
    values = {}
    for key, attr in (("before", "before"), ("after", "after"), ("line", "line"),
                      ("before_lines", "beforeLines"), ("after_lines", "afterLines")):
        number = _int(wattr(spacing, attr))
        if number is not None:
            values[key] = number
    for key, attr in (("before_auto", "beforeAutospacing"), ("after_auto", "afterAutospacing")):
        if wattr(spacing, attr) is not None:
            values[key] = wattr(spacing, attr).lower() not in _OFF
    if wattr(spacing, "lineRule"):
        values["line_rule"] = wattr(spacing, "lineRule")
    return values


_RFONTS, _SZ, _COLOR, _U = qn("w:rFonts"), qn("w:sz"), qn("w:color"), qn("w:u")
_TOGGLES = {qn("w:b"): "bold", qn("w:i"): "italic", qn("w:vanish"): "hidden",
            qn("w:caps"): "caps"}
_JC, _IND, _SPACING = qn("w:jc"), qn("w:ind"), qn("w:spacing")
_CONTEXTUAL, _PBDR = qn("w:contextualSpacing"), qn("w:pBdr")


class StyleSheet:
    """Styles, document defaults and theme of one document, with cached resolution."""

    def __init__(self, styles, theme):
        self._styles = {}
        self._defaults = {}
        if styles is not None:
            for style in styles.iter(qn("w:style")):
                self._styles[wattr(style, "styleId")] = style
                if (wattr(style, "default") or "").lower() in ("1", "true", "on"):
                    self._defaults.setdefault(wattr(style, "type"), wattr(style, "styleId"))
        defaults = styles.find(qn("w:docDefaults")) if styles is not None else None
        self.default_run = parse_rpr(_find(defaults, "w:rPrDefault", "w:rPr"))
        self.default_para = parse_ppr(_find(defaults, "w:pPrDefault", "w:pPr"))
        self._theme = theme
        self._runs: dict = {}            # resolved properties by styles and XML
        self._paras: dict = {}
        self._base_run = lru_cache(maxsize=None)(self._base_run_uncached)
        self._base_para = lru_cache(maxsize=None)(self._base_para_uncached)
        self._chain = lru_cache(maxsize=None)(self._chain_uncached)

    def default_style(self, kind: str) -> str | None:
        """Id of the default style of `kind` ("paragraph", "table"…), or None."""
        return self._defaults.get(kind)

    def table_cell_margin(self, style_id: str | None, side: str) -> int | None:
        """Cell margin `side` ("left"/"right") from a table style's chain, in twips."""
        for style in self._chain(style_id or self.default_style("table")):
            margins = _find(style, "w:tblPr", "w:tblCellMar")
            if margins is not None:
                for name in ((side, "start") if side == "left" else (side, "end")):
                    edge = margins.find(qn(f"w:{name}"))
                    if edge is not None and wattr(edge, "type") in (None, "dxa"):
                        return _int(wattr(edge, "w"))
        return None

    def run(self, table_style: str | None, para_style: str | None, rpr) -> RunProps:
        """Effective properties of a run whose w:rPr is `rpr` (None when absent)."""
        if rpr is None or not len(rpr):
            return self._base_run(table_style, para_style, None)
        cache_key = (table_style, para_style, *_signature(rpr))
        found = self._runs.get(cache_key)
        if found is None:
            style = rpr.find(_RSTYLE)
            base = self._base_run(table_style, para_style, wattr(style, "val"))
            found = self._runs[cache_key] = parse_rpr(rpr).over(base)
        return found

    def para(self, table_style: str | None, para_style: str | None, ppr) -> ParaProps:
        """Effective properties of a paragraph whose w:pPr is `ppr`."""
        base = self._base_para(table_style, para_style)
        if ppr is None:
            return base
        cache_key = (table_style, para_style, *_signature(ppr, _PBDR))
        found = self._paras.get(cache_key)
        if found is None:
            found = self._paras[cache_key] = parse_ppr(ppr).over(base)
        return found

    def font_name(self, font: tuple | None) -> str | None:
        """The typeface a (kind, name) font slot names; theme slots read the theme."""
        if font is None:
            return None
        kind, name = font
        if kind == "font":
            return name
        where = _THEME_FONT.get(name)
        if where is None or self._theme is None:
            return None
        found = self._theme.find(f".//{qn(where[0])}/{qn(where[1])}")
        return (found.get("typeface") or None) if found is not None else None

    def theme_color(self, name: str) -> str | None:
        """Hex RGB of a theme colour name ("text1", "accent1"…), or None if unknown."""
        if self._theme is None:
            return None
        slot = self._theme.find(f".//{qn('a:clrScheme')}/{qn('a:' + _THEME_COLOR.get(name, name))}")
        if slot is None or not len(slot):
            return None
        colour = slot[0]
        return (colour.get("lastClr") or colour.get("val")) if colour is not None else None

    def _chain_uncached(self, style_id: str | None) -> tuple:
        """The style and its basedOn ancestors, nearest first (cycles cut)."""
        chain, seen = [], set()
        while style_id and style_id not in seen and style_id in self._styles:
            seen.add(style_id)
            style = self._styles[style_id]
            chain.append(style)
            style_id = wattr(style.find(qn("w:basedOn")), "val")
        return tuple(chain)

    def _resolved_run(self, style_id: str | None) -> RunProps:
        props = RunProps()
        for style in self._chain(style_id):
            props = props.over(parse_rpr(style.find(qn("w:rPr"))))
        return props

    def _resolved_para(self, style_id: str | None) -> ParaProps:
        props = ParaProps()
        for style in self._chain(style_id):
            props = props.over(parse_ppr(style.find(qn("w:pPr"))))
        return props

    def _paragraph_style(self, style_id: str | None) -> str | None:
        """The style a paragraph uses: its own if defined, else the default (Normal)."""
        return style_id if style_id in self._styles else self.default_style("paragraph")

    def _base_run_uncached(self, table_style, para_style, char_style) -> RunProps:
        props = self.default_run
        for style_id in (table_style, self._paragraph_style(para_style), char_style):
            props = self._resolved_run(style_id).over(props)
        return props

    def _base_para_uncached(self, table_style, para_style) -> ParaProps:
        props = self.default_para
        for style_id in (table_style, self._paragraph_style(para_style)):
            props = self._resolved_para(style_id).over(props)
        return props


_RSTYLE = qn("w:rStyle")


def _signature(el, nested: str | None = None) -> list:
    """What parse_rpr/parse_ppr read from `el`: its children's tags and attributes (and
    those of the `nested` child's children), as a cache key cheaper than serialising."""
    found = []
    for child in el:
        found.append(child.tag)
        found.extend(child.items())
        if child.tag == nested:
            found.extend(_signature(child))
    return found


def _find(el, *path: str):
    for name in path:
        if el is None:
            return None
        el = el.find(qn(name))
    return el
