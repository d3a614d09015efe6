"""A signer's key: a password-protected PKCS#12 file, opened for one signature and checked
(validity dates, key usage for signing, revocation when a CRL is given). Never stored."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.sign.signers import SimpleSigner

from ..errors import UserError


def common_name(cert: x509.Certificate) -> str:
    """The certificate subject's common name (or its whole subject when it has none)."""
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def _date(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y")


def check_certificate(cert: x509.Certificate, *, crl: Path | None = None,
                      issuer: x509.Certificate | None = None,
                      now: datetime | None = None) -> None:
    """UserError (Vietnamese) when `cert` may not sign now: expired or not yet valid, not
    for signing (keyUsage without digitalSignature/nonRepudiation), or revoked in `crl`."""
    now = now or datetime.now(UTC)
    who = common_name(cert)
    if now > cert.not_valid_after_utc:
        raise UserError(f"Chứng thư số của «{who}» đã hết hạn ngày "
                        f"{_date(cert.not_valid_after_utc)}; không ký được.")
    if now < cert.not_valid_before_utc:
        raise UserError(f"Chứng thư số của «{who}» chưa có hiệu lực (từ ngày "
                        f"{_date(cert.not_valid_before_utc)}); không ký được.")
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        raise UserError(f"Chứng thư số của «{who}» không dùng để ký số (mục keyUsage không "
                        "có digitalSignature hay nonRepudiation); không ký được.")
    if crl is not None:
        _check_crl(cert, crl, issuer)


def _check_crl(cert: x509.Certificate, path: Path, issuer: x509.Certificate | None) -> None:
    try:
        data = Path(path).read_bytes()
    except OSError:
        raise UserError(f"Không đọc được danh sách thu hồi (CRL) «{path}».") from None
    try:
        crl = (x509.load_pem_x509_crl(data) if data.lstrip().startswith(b"-----")
               else x509.load_der_x509_crl(data))
    except ValueError:
        raise UserError(f"Tệp «{path}» không phải danh sách thu hồi (CRL) hợp lệ.") from None
    if crl.issuer != cert.issuer:
        raise UserError(f"Danh sách thu hồi «{path}» không do nơi cấp chứng thư số của "
                        f"«{common_name(cert)}» phát hành.")
    if issuer is not None and not crl.is_signature_valid(issuer.public_key()):
        raise UserError(f"Chữ ký của danh sách thu hồi «{path}» không hợp lệ.")
    revoked = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
    if revoked is not None:
        raise UserError(f"Chứng thư số của «{common_name(cert)}» đã bị thu hồi ngày "
                        f"{_date(revoked.revocation_date_utc)}; không ký được.")


def open_pkcs12(path: Path, password: str, *, crl: Path | None = None
                ) -> tuple[SimpleSigner, x509.Certificate]:
    """A pyHanko signer for the PKCS#12 file at `path` and its certificate, after the
    checks of `check_certificate`; UserError on a wrong password or an unusable file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError:
        raise UserError(f"Không đọc được tệp khóa «{path}».") from None
    return open_pkcs12_data(data, password, path.name, crl=crl)


def open_pkcs12_data(data: bytes, password: str, name: str, *, crl: Path | None = None
                     ) -> tuple[SimpleSigner, x509.Certificate]:
    """As `open_pkcs12`, for the file's bytes (an upload, never written anywhere); `name`
    is the file's name for the messages."""
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, password.encode())
    except ValueError:
        raise UserError(f"Sai mật khẩu của tệp khóa «{name}», hoặc tệp không phải "
                        "PKCS#12 (.p12, .pfx).") from None
    if key is None or cert is None:
        raise UserError(f"Tệp khóa «{name}» không có khóa riêng kèm chứng thư số.")
    issuer = next((c for c in others if c.subject == cert.issuer), None)
    check_certificate(cert, crl=crl, issuer=issuer)
    signer = SimpleSigner.load_pkcs12_data(data, [], passphrase=password.encode())
    return signer, cert
