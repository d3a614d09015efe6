"""The outgoing register (sổ đăng ký văn bản đi) printed in the Phụ lục IV form: the issued
documents of one body and year in number order, rendered into templates_docx/register_book.docx
(built by docgen.builders.register_book)."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from .. import documents, render
from ..documents.common import recipient_lines
from ..errors import UserError
from ..metrics import ruler_choice
from ..store.models import STATUS_ISSUED, Body, Document
from ..vietnamese import short_date, upper

TEMPLATE = "register_book.docx"
# ND30 Phụ lục III: the type name of each kind abbreviation docgen issues.
TYPE_NAMES = {"QĐ": "Quyết định", "KH": "Kế hoạch", "TTr": "Tờ trình", "BC": "Báo cáo",
              "CV": "Công văn", "TB": "Thông báo", "CTr": "Chương trình"}


def book_entries(session: Session, body_id: int, year: int) -> tuple[Body, list[Document]]:
    """The body and its issued documents of `year`, by number; UserError for an unknown body."""
    body = session.get(Body, body_id)
    if body is None:
        raise UserError(f"Không tìm thấy cơ quan (mã {body_id})")
    docs = session.scalars(select(Document).options(undefer(Document.input_json)).where(
        Document.body_id == body_id, Document.year == year, Document.status == STATUS_ISSUED)
        .order_by(Document.number))
    return body, list(docs)


def type_name(doc: Document) -> str:
    """«Quyết định», «Kế hoạch»…: the ND30 type name of the document's kind."""
    record = documents.get(doc.kind)
    return TYPE_NAMES.get(record.abbreviation or "", record.label)


def title(doc: Document) -> str:
    """«Tên loại và trích yếu»: «Quyết định về việc …» (the summary's «Về» lower-cased)."""
    summary = doc.summary.strip()
    if summary[:3] == "Về ":
        summary = "v" + summary[1:]
    return f"{type_name(doc)} {summary}".strip()


def recipients_and_archive(doc: Document) -> tuple[list[str], str]:
    """The Nơi nhận entries (without «- » and «;») and where the copy is kept («VT, CAH»)."""
    data = json.loads(doc.input_json)
    lines = recipient_lines(list(data.get("recipients") or []), data.get("archive") or "")
    entries = [line[2:].rstrip(";.") for line in lines["recipients"]]
    archive = entries.pop().removeprefix("Lưu: ")
    return entries, archive


def _row(doc: Document) -> dict:
    recipients, archive = recipients_and_archive(doc)
    # Copies, handover date and receipt are written by hand when the copies leave.
    return {"symbol": doc.symbol, "date": short_date(doc.issued_on), "title": title(doc),
            "signer": doc.signer_name, "recipients": "; ".join(recipients), "archive": archive,
            "copies": "", "sent": "", "receipt": "", "note": ""}


def book_context(body: Body, docs: list[Document], year: int, *, volume: int = 1) -> dict:
    """The register_book template's variables; the span is left as dots when empty."""
    dots = "…………"
    return {
        "issuer": {"superior": upper(body.superior), "name": upper(body.name),
                   "ruler": ruler_choice(upper(body.name))},
        "year": year, "volume": f"{volume:02d}",
        "first_date": short_date(docs[0].issued_on) if docs else dots,
        "last_date": short_date(docs[-1].issued_on) if docs else dots,
        "first_number": f"{docs[0].number:02d}" if docs else dots,
        "last_number": f"{docs[-1].number:02d}" if docs else dots,
        "rows": [_row(doc) for doc in docs],
    }


def print_book(session: Session, body_id: int, year: int, *, volume: int = 1) -> bytes:
    """The body's outgoing register of `year` as a DOCX in the Phụ lục IV form."""
    body, docs = book_entries(session, body_id, year)
    return render.render(TEMPLATE, book_context(body, docs, year, volume=volume))
