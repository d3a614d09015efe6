"""The test certificate authority and the ND30 images the signing tests share
(tests/test_signing.py, tests/test_sign_web.py, tests/e2e/test_signing_flow.py): made here
with `cryptography` and Pillow, nothing downloaded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, Encoding
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from PIL import Image, ImageDraw

PASSWORD = "mat-khau-khoa-thu"
NOW = datetime.now(UTC)


class Authority:
    """A root CA and the certificates it issues, written as PKCS#12 files under `folder`."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA thử nghiệm docgen")])
        self.cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                     .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                     .not_valid_before(NOW - timedelta(days=30))
                     .not_valid_after(NOW + timedelta(days=3650))
                     .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
                     .add_extension(_usage(cert_sign=True), True)
                     .sign(self.key, hashes.SHA256()))
        self.keys: dict[str, rsa.RSAPrivateKey] = {}
        self.root = folder / "root.pem"
        self.root.write_bytes(self.cert.public_bytes(Encoding.PEM))

    def issue(self, common_name: str, file: str, *, days: tuple[int, int] = (-1, 365),
              signing: bool = True, crl_url: str | None = None
              ) -> tuple[Path, x509.Certificate]:
        """`crl_url`: a CRL distribution point the certificate names."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        builder = (x509.CertificateBuilder()
                   .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                                               common_name)]))
                   .issuer_name(self.cert.subject).public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(NOW + timedelta(days=days[0]))
                   .not_valid_after(NOW + timedelta(days=days[1]))
                   .add_extension(_usage(signing=signing), True))
        if crl_url:
            builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                [x509.UniformResourceIdentifier(crl_url)], None, None, None)]), False)
        cert = builder.sign(self.key, hashes.SHA256())
        path = self.folder / file
        self.keys[file] = key
        path.write_bytes(pkcs12.serialize_key_and_certificates(
            common_name.encode(), key, cert, [self.cert],
            BestAvailableEncryption(PASSWORD.encode())))
        return path, cert

    def crl(self, revoked: x509.Certificate, name: str = "revoked.crl", *,
            next_update: timedelta = timedelta(days=7)) -> Path:
        entry = (x509.RevokedCertificateBuilder().serial_number(revoked.serial_number)
                 .revocation_date(NOW - timedelta(hours=1)).build())
        crl = (x509.CertificateRevocationListBuilder().issuer_name(self.cert.subject)
               .last_update(NOW - timedelta(days=30)).next_update(NOW + next_update)
               .add_revoked_certificate(entry).sign(self.key, hashes.SHA256()))
        path = self.folder / name
        path.write_bytes(crl.public_bytes(Encoding.PEM))
        return path


def _usage(*, signing: bool = False, cert_sign: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=signing, content_commitment=signing,
                         key_encipherment=not signing and not cert_sign, data_encipherment=False,
                         key_agreement=False, key_cert_sign=cert_sign, crl_sign=cert_sign,
                         encipher_only=False, decipher_only=False)


def _usage(*, signing: bool = False, cert_sign: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=signing, content_commitment=signing,
                         key_encipherment=not signing and not cert_sign, data_encipherment=False,
                         key_agreement=False, key_cert_sign=cert_sign, crl_sign=cert_sign,
                         encipher_only=False, decipher_only=False)


def make_images(folder: Path) -> dict[str, Path]:
    """A blue signature (transparent PNG) and a red 40 mm seal at 300 dpi, and two images
    ND30 refuses: the signature without transparency, a blue seal."""
    signature = Image.new("RGBA", (600, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(signature)
    draw.line([(40, 180), (160, 40), (260, 200), (380, 60), (560, 150)], fill=(20, 40, 200, 255),
              width=12)
    seal = Image.new("RGBA", (472, 472), (0, 0, 0, 0))  # 40 mm at 300 dpi
    draw = ImageDraw.Draw(seal)
    draw.ellipse((6, 6, 466, 466), outline=(220, 20, 30, 255), width=14)
    draw.ellipse((90, 90, 382, 382), outline=(220, 20, 30, 255), width=8)
    paths = dict(signature=folder / "chu-ky.png", seal=folder / "con-dau.png",
                 opaque=folder / "chu-ky.jpg.png", blue_seal=folder / "dau-xanh.png")
    signature.save(paths["signature"])
    seal.save(paths["seal"], dpi=(300, 300))
    signature.convert("RGB").save(paths["opaque"])
    Image.merge("RGBA", (*reversed(seal.split()[:3]), seal.split()[3])).save(paths["blue_seal"])
    return paths
