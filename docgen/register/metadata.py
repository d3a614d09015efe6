"""An issued document's metadata as Nghị định 30/2020 Phụ lục VI lists what a document
system keeps and exchanges: the body's identification code, number, symbol, date, type,
summary, signer, recipients, pages, urgency and confidentiality… as a dict (JSON) and XML.

The field list follows our reading of Phụ lục VI (the Decree's text is not among the
project's references; see README «Xuất dữ liệu đặc tả»)."""

from __future__ import annotations

import io
import json
from typing import NamedTuple

from lxml import etree

from ..store.models import Document
from .book import recipients_and_archive, type_name

LANGUAGE = "Tiếng Việt"
FORMAT_VERSION = "1"


class Field(NamedTuple):
    key: str      # the JSON key and XML element name
    label: str    # the Vietnamese name of the field, as Phụ lục VI names it


FIELDS = (
    Field("body_identifier", "Mã định danh của cơ quan, tổ chức ban hành"),
    Field("body_name", "Tên cơ quan, tổ chức ban hành"),
    Field("number", "Số văn bản"),
    Field("symbol", "Ký hiệu văn bản"),
    Field("number_symbol", "Số, ký hiệu văn bản"),
    Field("issued_on", "Ngày, tháng, năm văn bản"),
    Field("type_name", "Tên loại văn bản"),
    Field("summary", "Trích yếu nội dung"),
    Field("language", "Ngôn ngữ"),
    Field("pages", "Số trang"),
    Field("signer_name", "Người ký"),
    Field("signer_position", "Chức vụ người ký"),
    Field("recipients", "Nơi nhận"),
    Field("archive", "Đơn vị, người nhận bản lưu"),
    Field("urgency", "Mức độ khẩn"),
    Field("confidentiality", "Độ mật"),
    Field("register_year", "Năm của sổ đăng ký"),
    Field("kind", "Loại văn bản trong docgen"),
    Field("file", "Tệp văn bản điện tử"),
)
# docgen's documents carry neither urgency nor confidentiality: they are ordinary («Thường»).
ORDINARY = "Thường"


def signer_position(doc: Document) -> str:
    """«KT. Chủ tịch / Phó Chủ tịch»: the authority line and the position, one line."""
    signer = json.loads(doc.input_json).get("signer") or {}
    authority = " ".join(p for p in (signer.get("authority"), signer.get("on_behalf")) if p)
    position = " ".join(str(signer.get("position") or "").split())
    return " / ".join(p for p in (authority, position) if p)


def pdf_pages(pdf: bytes | None) -> int | None:
    """The page count of a PDF (None without one or when it cannot be read)."""
    if not pdf:
        return None
    from pyhanko.pdf_utils.reader import PdfFileReader
    try:
        return int(PdfFileReader(io.BytesIO(pdf), strict=False).root["/Pages"]["/Count"])
    except Exception:  # a damaged file: the count is simply not known
        return None


def document_metadata(doc: Document, *, pdf: bytes | None = None,
                      file: str | None = None) -> dict:
    """The Phụ lục VI record of an issued document; `pdf` (its electronic original, if any)
    gives the page count, `file` the name of that PDF in the package (None: no PDF)."""
    recipients, archive = recipients_and_archive(doc)
    return {
        "body_identifier": doc.body.identifier or "",
        "body_name": doc.body.name,
        "number": doc.number,
        "symbol": doc.symbol.partition("/")[2],
        "number_symbol": doc.symbol,
        "issued_on": doc.issued_on.isoformat() if doc.issued_on else None,
        "type_name": type_name(doc),
        "summary": doc.summary,
        "language": LANGUAGE,
        "pages": pdf_pages(pdf),
        "signer_name": doc.signer_name,
        "signer_position": signer_position(doc),
        "recipients": recipients,
        "archive": archive,
        "urgency": ORDINARY,
        "confidentiality": ORDINARY,
        "register_year": doc.year,
        "kind": doc.kind,
        "file": file,
    }


def metadata_xml(record: dict) -> bytes:
    """The record as XML: <van_ban> with one element per field (its Vietnamese name in a
    `label` attribute), a list as <item> children, None as an empty element."""
    root = etree.Element("van_ban", version=FORMAT_VERSION)
    for field in FIELDS:
        el = etree.SubElement(root, field.key, label=field.label)
        value = record.get(field.key)
        if isinstance(value, list):
            for item in value:
                etree.SubElement(el, "item").text = str(item)
        elif value is not None:
            el.text = str(value)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
