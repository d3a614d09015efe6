"""«Ký số» of an issued document: its PDF/A signed by the competent person with the signature
image, then by the organisation with the seal (Nghị định 30/2020, Điều 5, mục II.7–8 of
Phụ lục I); each signed PDF stored with who signed and when. The key is read from the bytes
given for this one signature and is never stored."""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import UserError
from ..vietnamese import fold
from .models import Document, utcnow
from .signature_models import ROLE_ORGANISATION, ROLE_PERSON, DocumentSignature
from .signatures import body_seal, document_signer, signatures, signer_image


@dataclass(frozen=True)
class Key:
    """A PKCS#12 file's bytes, its name (for messages) and the password typed for it."""

    data: bytes
    name: str
    password: str

    def __repr__(self) -> str:  # never the password, not even in a traceback
        return f"Key({self.name!r})"


@dataclass(frozen=True)
class _Plan:
    document_id: int
    symbol: str
    role: str
    pdf: bytes | None  # the PDF to sign: None for the person (made from the DOCX)
    docx: bytes
    image: bytes  # the signature or the seal PNG
    signer_name: str
    diameter_mm: float = 0.0


def _plan(session: Session, document_id: int, role: str) -> _Plan:
    """What a signature of `role` needs, or a Vietnamese refusal saying what is missing."""
    doc = session.get(Document, document_id)
    if doc is None:
        raise UserError(f"Không tìm thấy văn bản (mã {document_id}) trong sổ văn bản đi")
    if not doc.is_issued:
        raise UserError("Văn bản chưa cấp số: chỉ ký số văn bản đã «Cấp số» (số, ký hiệu và "
                        "ngày ban hành đã có trên văn bản).")
    done = {s.role: s for s in signatures(session, document_id)}
    if role in done:
        who = done[role]
        raise UserError(f"Văn bản số {doc.symbol} đã có chữ ký số của {who.role_label} "
                        f"({who.signer_name}); không ký lại.")
    if role == ROLE_PERSON:
        signer = document_signer(session, doc)
        image = signer_image(session, signer.id) if signer else None
        if image is None:
            raise UserError(f"Chưa có ảnh chữ ký của người ký «{doc.signer_name}» thuộc "
                            f"{doc.body.name}: tài khoản cấp huyện tải ảnh lên ở trang người "
                            "ký của cơ quan (mục «Ảnh chữ ký») rồi mới ký số được.")
        return _Plan(document_id, doc.symbol, role, None, doc.docx, image.png, signer.name)
    if ROLE_PERSON not in done:
        raise UserError(f"Văn bản số {doc.symbol} chưa có chữ ký số của người có thẩm quyền; "
                        "cơ quan chỉ ký số sau người có thẩm quyền (Nghị định 30/2020, Điều 5).")
    seal = body_seal(session, doc.body_id)
    if seal is None:
        raise UserError(f"Chưa có ảnh con dấu của {doc.body.name}: tài khoản cấp huyện tải ảnh "
                        "lên ở trang cơ quan (mục «Ảnh con dấu») rồi mới ký số được.")
    return _Plan(document_id, doc.symbol, role, done[ROLE_PERSON].pdf, b"", seal.png,
                 doc.body.name, seal.diameter_mm)


def _open(key: Key, plan: _Plan):
    from ..signing import open_pkcs12_data
    from ..signing.keys import common_name
    if not key.data:
        raise UserError("Tệp khóa (PKCS#12): chưa chọn tệp .p12 hoặc .pfx.")
    if not key.password:
        raise UserError("Mật khẩu của tệp khóa: chưa nhập.")
    signer, cert = open_pkcs12_data(key.data, key.password, key.name)
    name = common_name(cert)
    if plan.role == ROLE_PERSON and fold(plan.signer_name) not in fold(name):
        raise UserError(f"Chứng thư số trong tệp «{key.name}» là của «{name}», không phải của "
                        f"người ký văn bản «{plan.signer_name}»; không ký được.")
    about = (f"{cert.subject.rfc4514_string()}; cấp bởi {cert.issuer.rfc4514_string()}; "
             f"số sê-ri {cert.serial_number:X}")
    return signer, cert, name, about[:500]


def _seal_png(png: bytes, diameter_mm: float) -> bytes:
    """The seal PNG with the resolution that makes it `diameter_mm` wide on paper."""
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        dpi = image.size[0] * 25.4 / diameter_mm
        out = io.BytesIO()
        image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def _signed(plan: _Plan, signer, cert, to_pdf: Callable[[bytes], bytes]) -> bytes:
    from .. import signing
    with tempfile.TemporaryDirectory(prefix="docgen-ky-so-") as folder:
        work = Path(folder)
        src, dst, image = work / "van-ban.pdf", work / "da-ky.pdf", work / "anh.png"
        if plan.role == ROLE_PERSON:
            src.write_bytes(to_pdf(plan.docx))
            image.write_bytes(plan.image)
            signing.sign_person(src, dst, signer, cert, image)
        else:
            src.write_bytes(plan.pdf)
            image.write_bytes(_seal_png(plan.image, plan.diameter_mm))
            signing.sign_organisation(src, dst, signer, image)
        return dst.read_bytes()


def sign(store, document_id: int, role: str, key: Key, *, signed_by: str,
         to_pdf: Callable[[bytes], bytes] | None = None,
         then: Callable[[Session, DocumentSignature], None] | None = None
         ) -> DocumentSignature:
    """Sign the issued document as `role` (ROLE_PERSON, then ROLE_ORGANISATION) with `key`
    and store the signed PDF; `then(session, signature)` runs in the same transaction (the
    audit entry). UserError, nothing stored, when anything is missing or refused."""
    if role not in (ROLE_PERSON, ROLE_ORGANISATION):
        raise ValueError(f"unknown signature role {role!r}")
    if to_pdf is None:
        from ..pdf import to_pdf
    with store.session(readonly=True) as s:
        plan = _plan(s, document_id, role)
    signer, cert, name, about = _open(key, plan)
    pdf = _signed(plan, signer, cert, to_pdf)
    row = DocumentSignature(document_id=document_id, role=role, signer_name=name[:200],
                            certificate=about, signed_by=signed_by[:60], signed_at=utcnow(),
                            sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf), pdf=pdf)
    try:
        with store.session() as s:
            s.scalar(select(Document.id).where(Document.id == document_id).with_for_update())
            _plan(s, document_id, role)  # nobody signed in the meantime
            if role == ROLE_ORGANISATION and not pdf.startswith(plan.pdf):
                raise UserError("Bản đã ký của người có thẩm quyền đã thay đổi trong lúc ký; "
                                "hãy ký lại.")
            s.add(row)
            s.flush()
            if then is not None:
                then(s, row)
    except IntegrityError:
        raise UserError(f"Văn bản số {plan.symbol} vừa được ký số trong lúc bạn ký; hãy tải "
                        "lại trang.") from None
    return row
