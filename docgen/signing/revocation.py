"""Revocation for `docgen verify`: each signer's certificate checked against certificate
revocation lists (CRL) — files given with `--crl`, or the lists the certificate itself
names (its CRL distribution points: file: URLs and http(s) URLs, fetched only when asked)."""

from __future__ import annotations

import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from cryptography import x509
from cryptography.x509.oid import ExtensionOID

from ..errors import UserError
from .keys import common_name

FETCH_TIMEOUT = 10  # seconds for one list
FETCH_LIMIT = 20 * 1024 * 1024  # bytes: a CRL larger than this is refused


class Crl(NamedTuple):
    where: str  # the file or URL it came from, for messages
    crl: x509.CertificateRevocationList


def parse_crl(data: bytes, where: str) -> Crl:
    """A CRL in PEM or DER; UserError naming `where` when it is none."""
    try:
        crl = (x509.load_pem_x509_crl(data) if data.lstrip().startswith(b"-----")
               else x509.load_der_x509_crl(data))
    except ValueError:
        raise UserError(f"«{where}» không phải danh sách thu hồi (CRL) hợp lệ.") from None
    return Crl(where, crl)


def read_crl(path: Path) -> Crl:
    """The CRL file at `path`; UserError when it cannot be read or parsed."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        raise UserError(f"Không đọc được danh sách thu hồi (CRL) «{path}».") from None
    return parse_crl(data, str(path))


def distribution_points(cert: x509.Certificate) -> list[str]:
    """The URLs of the certificate's CRL distribution points (none: [])."""
    try:
        points = cert.extensions.get_extension_for_oid(
            ExtensionOID.CRL_DISTRIBUTION_POINTS).value
    except x509.ExtensionNotFound:
        return []
    return [name.value for point in points for name in point.full_name or ()
            if isinstance(name, x509.UniformResourceIdentifier)]


def fetch_crl(url: str) -> Crl:
    """The CRL at `url` (file:, http:, https:); UserError when it cannot be had."""
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("file", "http", "https"):
        raise UserError(f"Không tải được danh sách thu hồi «{url}»: chỉ hỗ trợ địa chỉ file:, "
                        "http: và https:.")
    try:
        with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as answer:  # noqa: S310
            data = answer.read(FETCH_LIMIT + 1)
    except (OSError, ValueError) as exc:
        raise UserError(f"Không tải được danh sách thu hồi «{url}» ({exc}).") from None
    if len(data) > FETCH_LIMIT:
        raise UserError(f"Danh sách thu hồi «{url}» quá lớn.")
    return parse_crl(data, url)


def revocation_problems(cert: x509.Certificate, crls: list[Crl],
                        issuers: list[x509.Certificate], *,
                        now: datetime | None = None) -> list[str]:
    """What the lists say against `cert`: revoked (with its date), or no usable list of its
    issuer (none given, signature not verifiable or wrong, out of date). `issuers`: the
    certificates that may have signed the lists (trusted roots, the signature's chain)."""
    now = now or datetime.now(UTC)
    who = common_name(cert)
    own = [item for item in crls if item.crl.issuer == cert.issuer]
    if not own:
        return [f"không có danh sách thu hồi (CRL) của nơi cấp chứng thư số «{who}» "
                f"({cert.issuer.rfc4514_string()}) để kiểm tra"]
    problems = []
    for where, crl in own:
        signer = next((c for c in issuers if c.subject == crl.issuer), None)
        if signer is None or not crl.is_signature_valid(signer.public_key()):
            problems.append(f"chữ ký của danh sách thu hồi «{where}» không kiểm tra được hoặc "
                            "không hợp lệ")
            continue
        if crl.next_update_utc is not None and crl.next_update_utc < now:
            problems.append(f"danh sách thu hồi «{where}» đã hết hạn ngày "
                            f"{crl.next_update_utc:%d/%m/%Y}")
            continue
        revoked = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if revoked is not None:
            return [f"chứng thư số của «{who}» đã bị thu hồi ngày "
                    f"{revoked.revocation_date_utc:%d/%m/%Y} (theo «{where}»)"]
        return []  # a valid, current list of its issuer does not list it
    return problems
