"""The tables of digital signing (Nghị định 30/2020): a signer's handwritten-signature
image, a body's seal image and its real size, and each signature given to an issued
document with the signed PDF — the register's electronic original."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base, utcnow

ROLE_PERSON = "person"  # the competent person's signature, with the signature image
ROLE_ORGANISATION = "organisation"  # the body's signature, with the seal, after the person's
SIGNATURE_ROLES = {ROLE_PERSON: "người có thẩm quyền", ROLE_ORGANISATION: "cơ quan, tổ chức"}
SEAL_MM_DEFAULT = 40.0  # ND30 practice: round seals of 36–42 mm


class SignerImage(Base):
    """A signer's handwritten signature: a blue PNG with a transparent background."""

    __tablename__ = "signer_image"

    signer_id: Mapped[int] = mapped_column(ForeignKey("signer.id", ondelete="CASCADE"),
                                           primary_key=True)
    filename: Mapped[str] = mapped_column(String(200), default="")  # as uploaded
    uploaded_by: Mapped[str] = mapped_column(String(100), default="")
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    png: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class BodySeal(Base):
    """A body's seal: a red PNG with a transparent background, printed at `diameter_mm`."""

    __tablename__ = "body_seal"

    body_id: Mapped[int] = mapped_column(ForeignKey("body.id", ondelete="CASCADE"),
                                         primary_key=True)
    diameter_mm: Mapped[float] = mapped_column(Float, default=SEAL_MM_DEFAULT)
    filename: Mapped[str] = mapped_column(String(200), default="")
    uploaded_by: Mapped[str] = mapped_column(String(100), default="")
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    png: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class DocumentSignature(Base):
    """One signature of an issued document: whose (the certificate's name), by which user,
    when, and the PDF as it stood once signed. The last one's PDF is the electronic
    original; a document with any signature is never changed again."""

    __tablename__ = "document_signature"
    __table_args__ = (UniqueConstraint("document_id", "role", name="uq_document_signature_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # ROLE_PERSON | ROLE_ORGANISATION
    signer_name: Mapped[str] = mapped_column(String(200))  # the certificate's common name
    certificate: Mapped[str] = mapped_column(String(500), default="")  # subject, issuer, serial
    signed_by: Mapped[str] = mapped_column(String(60), default="")  # the user who did it
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sha256: Mapped[str] = mapped_column(String(64))  # of `pdf`
    size: Mapped[int] = mapped_column(Integer, default=0)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    @property
    def role_label(self) -> str:
        return SIGNATURE_ROLES.get(self.role, self.role)
