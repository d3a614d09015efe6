"""Signing in the register: the signature and seal images the district uploads (checked:
PNG with a transparent background, blue or red), the signatures a document received, and
the guard that keeps a signed document from ever changing (a correction is a new document)."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageStat
from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from ..errors import InputError, UserError
from ..schema import check_xml_chars
from ..vietnamese import fold
from .models import Body, Document, Signer, utcnow
from .signature_models import (ROLE_ORGANISATION, ROLE_PERSON, SEAL_MM_DEFAULT, BodySeal,
                               DocumentSignature, SignerImage)

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_SIDE = 4000  # pixels: a scan at 600 dpi of a 16 cm square; more is no image of a seal
SEAL_RANGE_MM = (30.0, 50.0)
SIGNATURE_FIELD, SEAL_FIELD, DIAMETER_FIELD = "signature_png", "seal_png", "diameter_mm"
SIGNATURE_LABEL, SEAL_LABEL = "Ảnh chữ ký", "Ảnh con dấu"
DIAMETER_LABEL = "Đường kính con dấu (mm)"
SIGNED_REFUSAL = ("Văn bản số {symbol} đã ký số: bản điện tử đã ký là bản gốc nên không được "
                  "{action}. Muốn đính chính, hãy soạn và ban hành một văn bản mới.")


# ---- the images ---------------------------------------------------------------------------

def check_png(data: bytes, *, field: str, label: str, colour: str) -> Image.Image:
    """The uploaded image when it is a PNG with a transparent background in `colour`
    ("blue" or "red"); else InputError on `field`, in Vietnamese, naming `label`."""
    def refuse(why: str):
        raise InputError([(field, f"{label}: {why}")])
    if not data:
        refuse("chưa chọn tệp ảnh")
    if len(data) > MAX_IMAGE_BYTES:
        refuse(f"tệp lớn hơn {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format != "PNG":
                refuse(f"phải là tệp PNG (tệp đã chọn là {image.format or 'không rõ'})")
            if max(image.size) > MAX_SIDE:
                refuse(f"ảnh {image.size[0]}×{image.size[1]} điểm ảnh, quá {MAX_SIDE} điểm ảnh "
                       "mỗi chiều")
            image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):
        refuse("không đọc được tệp ảnh PNG")
    if not (image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info):
        refuse("ảnh PNG phải có nền trong suốt (kênh alpha); ảnh đã chọn có nền đặc")
    rgba = image.convert("RGBA")
    low, high = rgba.getchannel("A").getextrema()
    if low == 255:
        refuse("ảnh PNG phải có nền trong suốt; ảnh đã chọn không có điểm nào trong suốt")
    if high <= 128:
        refuse("ảnh trong suốt hoàn toàn, không có nét nào")
    opaque = rgba.getchannel("A").point(lambda a: 255 if a > 128 else 0)
    red, _, blue = ImageStat.Stat(rgba.convert("RGB"), opaque).mean
    if (colour == "blue" and blue <= red) or (colour == "red" and red <= blue):
        refuse(f"phải màu {'xanh' if colour == 'blue' else 'đỏ'} (Nghị định 30/2020, Phụ lục I)")
    return image


def seal_diameter(value, image: Image.Image | None = None) -> float:
    """The seal's real diameter in mm: `value` typed (30–50), else what the PNG's resolution
    says when it is in that range, else 40 mm."""
    text = str(value if value is not None else "")
    try:  # a control character is no blank: str.strip() would take \x0b for a space
        check_xml_chars(text)
    except ValueError as exc:
        raise InputError([(DIAMETER_FIELD, f"{DIAMETER_LABEL}: {exc}")]) from None
    text = text.strip().replace(",", ".")
    if not text:
        dpi = (image.info.get("dpi") or (0, 0))[0] if image is not None else 0
        mm = image.size[0] / dpi * 25.4 if dpi else 0
        return round(mm, 1) if SEAL_RANGE_MM[0] <= mm <= SEAL_RANGE_MM[1] else SEAL_MM_DEFAULT
    try:
        mm = float(text)
    except ValueError:
        mm = -1.0
    if not SEAL_RANGE_MM[0] <= mm <= SEAL_RANGE_MM[1]:
        raise InputError([(DIAMETER_FIELD, f"{DIAMETER_LABEL}: ghi số từ {SEAL_RANGE_MM[0]:g} "
                                           f"đến {SEAL_RANGE_MM[1]:g} (con dấu tròn thường "
                                           "36–42 mm)")])
    return mm


def save_signer_image(session: Session, signer_id: int, data: bytes, *, filename: str = "",
                      uploaded_by: str = "") -> SignerImage:
    """Store (or replace) a signer's signature image after `check_png`."""
    signer = session.get(Signer, signer_id)
    if signer is None:
        raise UserError(f"Không tìm thấy người ký (mã {signer_id})")
    check_png(data, field=SIGNATURE_FIELD, label=SIGNATURE_LABEL, colour="blue")
    row = session.get(SignerImage, signer_id) or SignerImage(signer_id=signer_id)
    row.png, row.filename = data, filename[:200]
    row.uploaded_by, row.uploaded_at = uploaded_by[:100], utcnow()
    session.add(row)
    session.flush()
    return row


def save_body_seal(session: Session, body_id: int, data: bytes, *, diameter=None,
                   filename: str = "", uploaded_by: str = "") -> BodySeal:
    """Store (or replace) a body's seal image and its real diameter after the checks."""
    if session.get(Body, body_id) is None:
        raise UserError(f"Không tìm thấy cơ quan (mã {body_id})")
    image = check_png(data, field=SEAL_FIELD, label=SEAL_LABEL, colour="red")
    mm = seal_diameter(diameter, image)
    row = session.get(BodySeal, body_id) or BodySeal(body_id=body_id)
    row.png, row.diameter_mm, row.filename = data, mm, filename[:200]
    row.uploaded_by, row.uploaded_at = uploaded_by[:100], utcnow()
    session.add(row)
    session.flush()
    return row


def signer_image(session: Session, signer_id: int) -> SignerImage | None:
    return session.get(SignerImage, signer_id)


def body_seal(session: Session, body_id: int) -> BodySeal | None:
    return session.get(BodySeal, body_id)


def document_signer(session: Session, doc: Document) -> Signer | None:
    """The signer record of the document's body whose name is the document's signer."""
    wanted = fold(doc.signer_name or "")
    return next((s for s in session.scalars(select(Signer).where(
        Signer.body_id == doc.body_id).order_by(Signer.active.desc(), Signer.id))
        if fold(s.name) == wanted), None) if wanted else None


# ---- the signatures of a document -----------------------------------------------------------

def signatures(session: Session, document_id: int) -> list[DocumentSignature]:
    """The document's signatures in the order given (the person's first)."""
    return list(session.scalars(select(DocumentSignature).where(
        DocumentSignature.document_id == document_id).order_by(DocumentSignature.id)))


def signed_pdf(session: Session, document_id: int) -> bytes | None:
    """The electronic original: the PDF of the document's last signature, None unsigned."""
    return session.scalar(select(DocumentSignature.pdf).where(
        DocumentSignature.document_id == document_id)
        .order_by(DocumentSignature.id.desc()).limit(1))


def is_signed(session: Session, document_id: int) -> bool:
    with session.no_autoflush:
        return bool(session.scalar(select(func.count()).select_from(DocumentSignature).where(
            DocumentSignature.document_id == document_id)))


def refuse_if_signed(session: Session, doc: Document, action: str) -> None:
    """UserError when `doc` has a signature: it may not be `action` («sửa», «xóa»…)."""
    if doc.id is not None and is_signed(session, doc.id):
        raise UserError(SIGNED_REFUSAL.format(symbol=doc.symbol, action=action))


def _guard(session: Session, _context, _instances) -> None:
    """Before any flush: no change to, and no deletion of, a signed document's row —
    whichever code path tries it."""
    for doc in list(session.deleted):
        if isinstance(doc, Document):
            refuse_if_signed(session, doc, "xóa khỏi sổ văn bản đi")
    for doc in list(session.dirty):
        if isinstance(doc, Document) and session.is_modified(doc) \
                and inspect(doc).has_identity:
            refuse_if_signed(session, doc, "sửa, cấp số lại hay đổi số, ký hiệu")


event.listen(Session, "before_flush", _guard)

__all__ = ["ROLE_ORGANISATION", "ROLE_PERSON", "body_seal", "check_png", "document_signer",
           "is_signed", "refuse_if_signed", "save_body_seal", "save_signer_image",
           "seal_diameter", "signatures", "signed_pdf", "signer_image"]
