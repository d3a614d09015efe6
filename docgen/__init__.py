"""docgen: Vietnamese administrative documents laid out per Nghị định 30/2020/NĐ-CP."""

from __future__ import annotations

import os
from typing import Any

__all__ = ["render_document", "prepare"]


def prepare(kind: str, data: dict[str, Any]):
    """Validate `data` for `kind`; returns (kind record, parsed input) or raises InputError."""
    from . import documents, schema  # imported on use: `import docgen.cli` stays light
    record = documents.get(kind)
    return record, schema.parse(record.input, data)


def render_document(kind: str, data: dict[str, Any], *,
                    template: str | os.PathLike | None = None, parsed: Any = None) -> bytes:
    """The DOCX bytes of one document of `kind` from its JSON-like input `data`.

    `template` None uses the shipped template of the kind; a path uses a user's own DOCX.
    `parsed`: `data` already validated by `prepare(kind, data)` (its second item), when the
    caller has it, so that it is not validated twice.
    """
    if parsed is None:
        record, parsed = prepare(kind, data)
    else:
        from . import documents
        record = documents.get(kind)
        if not isinstance(parsed, record.input):
            raise TypeError(f"parsed must be a {record.input.__name__}, the input of {kind!r}")
    from .render import render  # docxtpl and Jinja: on the first render, not on `import docgen`
    return render(template or record.template, record.context(parsed))
