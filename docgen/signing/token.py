"""A signer's key on a PKCS#11 token (USB token, HSM; SoftHSM2 in the tests): opened with
the PIN for one signature, the certificate checked as for a PKCS#12 file. Nothing is kept."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography import x509

from ..errors import UserError
from .keys import check_certificate


@contextmanager
def open_token(lib: Path, token_label: str, key_label: str, pin: str, *,
               crl: Path | None = None) -> Iterator[tuple[object, x509.Certificate]]:
    """A pyHanko signer for the key `key_label` (its certificate has the same label) on
    the token `token_label`, and the certificate; the session closes on leaving."""
    try:
        import pkcs11.exceptions as p11_errors
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.general import SigningError
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
    except ImportError:
        raise UserError("Chưa cài hỗ trợ PKCS#11 (gói python-pkcs11: pip install "
                        "\"pyhanko[pkcs11]\").") from None
    if not Path(lib).is_file():
        raise UserError(f"Không tìm thấy thư viện PKCS#11 «{lib}» của thiết bị ký số.")
    try:
        session = open_pkcs11_session(str(lib), token_criteria=TokenCriteria(label=token_label),
                                      user_pin=pin)
    except p11_errors.PinIncorrect:
        raise UserError(f"Sai mã PIN của thiết bị ký số «{token_label}».") from None
    except p11_errors.PinLocked:
        raise UserError(f"Thiết bị ký số «{token_label}» đã bị khóa mã PIN.") from None
    except (p11_errors.PKCS11Error, OSError, RuntimeError) as exc:
        detail = str(exc) or type(exc).__name__
        raise UserError(f"Không mở được thiết bị ký số «{token_label}» ({detail}).") from None
    try:
        try:
            signer = PKCS11Signer(session, cert_label=key_label, key_label=key_label)
            der = signer.signing_cert.dump()
        except (p11_errors.PKCS11Error, SigningError) as exc:
            raise UserError(f"Không tìm thấy khóa và chứng thư số «{key_label}» trên thiết bị "
                            f"ký số «{token_label}» ({type(exc).__name__}).") from None
        cert = x509.load_der_x509_certificate(der)
        check_certificate(cert, crl=crl)
        yield signer, cert
    finally:
        session.close()
