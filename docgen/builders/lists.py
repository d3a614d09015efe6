"""The list attached to a document on its own pages (the decision's units by class, the
proposal's scored units by kind): its title lines, then one table whose rows repeat per
group and per unit, the header row repeated on every page and a total row at the end.

The context gives `list_title`, `attached_line` ("(Kèm theo … số … ngày …)"), `groups`
(each with `heading` and `units`) and `total_line`."""

from __future__ import annotations

from typing import NamedTuple

from . import blocks as b

CELL = b.Style(size=13, align=b.LEFT, indent=False, after=0, before=2)
CELL_CENTER = b.Style(size=13, align=b.CENTER, indent=False, after=0, before=2)
CELL_HEAD = b.Style(size=13, bold=True, align=b.CENTER, indent=False, after=0, before=2)
GROUP = b.Style(size=13, bold=True, align=b.LEFT, indent=False, after=0, before=2)
TAG = b.Style(size=13, align=b.LEFT, indent=False, after=0)


class Column(NamedTuple):
    header: str
    value: str        # the Jinja expression of a unit's cell, "{{ u.name }}"
    width: int        # twips
    centred: bool = False


def grouped_list(doc, kind: str, columns: list[Column], *, text_twips: int = b.TEXT_WIDTH):
    """`kind` ("DANH SÁCH") and the title lines, then the grouped table across `text_twips`."""
    assert sum(c.width for c in columns) == text_twips, "the table fills the text width"
    b.paragraph(doc, kind, b.Style(bold=True, align=b.CENTER, indent=False, before=18, after=0,
                                   keep_next=True))
    b.paragraph(doc, "{{ list_title }}", b.Style(bold=True, align=b.CENTER, indent=False, after=0,
                                                 keep_next=True))
    b.paragraph(doc, "{{ attached_line }}", b.Style(italic=True, align=b.CENTER, indent=False,
                                                    after=0, keep_next=True))
    b.rule_under(doc, 120, text_twips=text_twips)
    b.paragraph(doc, "", b.Style(size=6, align=b.CENTER, indent=False, after=0))
    table = b.grid_table(doc, [c.width for c in columns], rows=7)
    head, group_for, group, unit_for, unit, unit_end, group_end = table.rows
    for cell, column in zip(head.cells, columns, strict=True):
        b.paragraph(cell, column.header, CELL_HEAD)
    b.row_flags(head, header=True)
    for row, tag in ((group_for, "{%tr for g in groups %}"), (unit_for, "{%tr for u in g.units %}"),
                     (unit_end, "{%tr endfor %}"), (group_end, "{%tr endfor %}")):
        b.paragraph(b.merge_row(row), tag, TAG)
    b.paragraph(b.merge_row(group), "{{ g.heading }}", GROUP)
    b.row_flags(group)
    for cell, column in zip(unit.cells, columns, strict=True):
        b.paragraph(cell, column.value, CELL_CENTER if column.centred else CELL)
    b.row_flags(unit)
    total = table.add_row()
    b.paragraph(b.merge_row(total), "{{ total_line }}", GROUP)
    b.row_flags(total)
    for row in table.rows:
        for cell in row.cells:
            if not cell.paragraphs:
                cell.add_paragraph()
    return table
