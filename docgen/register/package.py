"""The register's exchange package: for each issued document of a body and year, its
Phụ lục VI metadata as JSON and XML and its PDF where the register holds one, in one ZIP
with a manifest."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from ..vietnamese import slug
from .book import book_entries
from .metadata import FIELDS, FORMAT_VERSION, document_metadata, metadata_xml

# `pdf_of(session, document)` -> the document's electronic original (PDF bytes) or None.
PdfOf = Callable[[Session, object], bytes | None]
_STAMP = (1980, 1, 1, 0, 0, 0)  # fixed: the same register gives the same package


def signed_pdf(session: Session, doc) -> bytes | None:
    """The last signed PDF the register keeps for `doc` (the digital-signing revision's
    `document_signature` table), or None when there is none or no such table."""
    if "document_signature" not in inspect(session.get_bind()).get_table_names():
        return None
    return session.execute(text(
        "SELECT pdf FROM document_signature WHERE document_id = :id "
        "ORDER BY signed_at DESC, id DESC LIMIT 1"), {"id": doc.id}).scalar()


def _write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_STAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def export_package(session: Session, body_id: int, year: int, *,
                   pdf_of: PdfOf = signed_pdf) -> bytes:
    """The ZIP of the body's issued documents of `year`: `<name>.json` and `<name>.xml` per
    document (docgen.register.metadata), `<name>.pdf` where `pdf_of` gives one, and
    `manifest.json` (the body, the year, the fields and every document's files)."""
    body, docs = book_entries(session, body_id, year)
    out = io.BytesIO()
    listed = []
    with zipfile.ZipFile(out, "w") as archive:
        for doc in docs:
            name = slug(f"{doc.number:02d}-{doc.symbol}")
            pdf = pdf_of(session, doc)
            record = document_metadata(doc, pdf=pdf, file=f"{name}.pdf" if pdf else None)
            _write(archive, f"{name}.json",
                   json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8"))
            _write(archive, f"{name}.xml", metadata_xml(record))
            if pdf:
                _write(archive, f"{name}.pdf", pdf)
            listed.append({"number_symbol": doc.symbol, "metadata": [f"{name}.json",
                                                                     f"{name}.xml"],
                           "pdf": record["file"]})
        manifest = {"format_version": FORMAT_VERSION, "body_identifier": body.identifier or "",
                    "body_name": body.name, "year": year,
                    "fields": {f.key: f.label for f in FIELDS}, "documents": listed}
        _write(archive, "manifest.json",
               json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
    return out.getvalue()
