"""What rule functions read: the document model and, computed once, its layout."""

from __future__ import annotations

from functools import cached_property
from itertools import chain

from .document import Document, Para
from .fields import page_field_elements
from .layout import Segment, segments, signature_parts


class Context:
    """One checked document: its model, its segments and the paragraphs components claim."""

    def __init__(self, doc: Document):
        self.doc = doc

    @cached_property
    def segments(self) -> list[Segment]:
        return segments(self.doc)

    @cached_property
    def visible_runs(self) -> list:
        """(paragraph, run) for every run with printed text: body, tables, headers, footers."""
        doc = self.doc
        return [(para, run) for para in chain(doc.paras, *(part.paras for part in doc.parts))
                if not para.is_tag for run in para.runs if run.text.strip()]

    @cached_property
    def page_paras(self) -> dict[str, list[Para]]:
        """Per header/footer part name, its paragraphs holding a PAGE field."""
        found = {}
        for part in self.doc.parts:
            holders = set(page_field_elements(part.root))
            found[part.name] = [para for para in part.paras if para.el in holders]
        return found

    @cached_property
    def body_page_paras(self) -> list[Para]:
        """Body paragraphs holding a PAGE field (page numbers belong in the header)."""
        holders = set(page_field_elements(self.doc.body))
        return [para for para in self.doc.paras if para.el in holders] if holders else []

    @cached_property
    def claimed(self) -> set[int]:
        """Ids of paragraphs whose size a component rule checks (font.size skips them)."""
        paras = [para for paras in self.page_paras.values() for para in paras]
        for seg in self.segments:
            lines = [seg.national, seg.motto, seg.number, seg.date, seg.recipients_head,
                     *seg.agency, *seg.title, *seg.recipients]
            if seg.signature_cell is not None:
                positions, name = signature_parts(seg.signature_cell)
                lines += [*positions, name]
            paras += [line.para for line in lines if line is not None]
            paras += seg.body_paragraphs
        return {id(para) for para in paras}
