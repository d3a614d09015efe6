"""Digital signatures as Nghị định 30/2020 wants them (PAdES with pyHanko): the signer's
image, then the organisation's seal, or an attachment's stamp; and their verification.
The key is opened for one signature and never stored."""

from .keys import check_certificate, open_pkcs12, open_pkcs12_data
from .sign import sign_attachment, sign_organisation, sign_person, signature_fields
from .verify import describe, verify

__all__ = ["check_certificate", "open_pkcs12", "open_pkcs12_data", "sign_person",
           "sign_organisation", "sign_attachment", "signature_fields", "verify", "describe"]
