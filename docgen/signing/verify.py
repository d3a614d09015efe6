"""`docgen verify`: each signature's validity (pyHanko), who signed when, what it covers,
whether the document changed after it, and the ND30 appearance (images, attachment stamp)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from ..errors import UserError
from . import layout, revocation
from .keys import common_name
from .pdfa import pdfa_lines, pdfa_status
from .sign import ATTACHMENT, ORGANISATION, PERSON, VIETNAM, signature_fields, stamp_text

ROLES = {PERSON: "người có thẩm quyền", ORGANISATION: "cơ quan, tổ chức",
         ATTACHMENT: "cơ quan, tổ chức (văn bản kèm theo)"}
USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"},
                            match_all_key_usages=False)


@dataclass
class Signature:
    field: str
    role: str
    signer: str
    when: datetime | None
    page: int
    rect: tuple[float, float, float, float]
    valid: bool
    trusted: bool
    covers: str
    changed_after: str | None
    problems: list[str] = field(default_factory=list)


def _load_certs(paths: list[Path]) -> list[asn1_x509.Certificate]:
    certs = []
    for path in paths:
        try:
            data = Path(path).read_bytes()
            cert = (x509.load_pem_x509_certificate(data) if b"-----BEGIN" in data
                    else x509.load_der_x509_certificate(data))
        except (OSError, ValueError):
            raise UserError(f"Không đọc được chứng thư số gốc «{path}».") from None
        certs.append(asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER)))
    return certs


def _literal(raw: str) -> bytes:
    """The bytes of a PDF literal string's body (escapes decoded)."""
    out, i = bytearray(), 0
    escapes = {"n": 10, "r": 13, "t": 9, "b": 8, "f": 12}
    while i < len(raw):
        char = raw[i]
        if char != "\\":
            out.append(ord(char))
            i += 1
            continue
        octal = re.match(r"[0-7]{1,3}", raw[i + 1:])
        if octal:
            out.append(int(octal[0], 8) & 0xFF)
            i += 1 + len(octal[0])
        else:
            nxt = raw[i + 1:i + 2]
            out.append(escapes.get(nxt, ord(nxt or "\\")))
            i += 2
    return bytes(out)


def appearance_text(annot) -> str:
    """The text a widget's appearance shows, one line per span: pyHanko marks each line
    with its /ActualText (UTF-16), which this reads back."""
    content = annot["/AP"]["/N"].data.decode("latin-1")
    lines = []
    for raw in re.findall(r"/ActualText \((.*?)(?<!\\)\)\s*>>", content, re.S):
        data = _literal(raw)
        lines.append(data[2:].decode("utf-16-be") if data[:2] == b"\xfe\xff"
                     else data.decode("latin-1"))
    return "\n".join(lines)


def _covers(status, total: int, revision: int) -> tuple[str, str | None]:
    covers = ("toàn bộ tệp" if status.coverage.name == "ENTIRE_FILE"
              else f"phiên bản {revision + 1}/{total} của tệp")
    if status.coverage.name == "ENTIRE_FILE":
        return covers, None
    level = status.modification_level.name if status.modification_level else "OTHER"
    if level in ("LTA_UPDATES", "FORM_FILLING"):
        return covers, "sau đó chỉ thêm chữ ký số (được phép)"
    return covers, "SAU KHI KÝ, NỘI DUNG TỆP ĐÃ BỊ THAY ĐỔI"


def verify(pdf: Path, *, trust: list[Path] = (), crls: list[Path] = (),
           crl_from_certificate: bool = False) -> list[Signature]:
    """Every signature of `pdf`, each with the problems found (empty when all is well).
    With `crls` (CRL files) or `crl_from_certificate` (the lists each certificate names,
    fetched), each signer's certificate is also checked for revocation."""
    pdf = Path(pdf)
    roots = _load_certs(list(trust))
    given = [revocation.read_crl(path) for path in crls]
    fetched: dict[str, revocation.Crl | str] = {}
    context = ValidationContext(trust_roots=roots, allow_fetching=False,
                                revocation_mode="soft-fail")
    if not pdf.is_file():
        raise UserError(f"Không tìm thấy tệp «{pdf}».")
    with open(pdf, "rb") as fh:
        try:
            reader = PdfFileReader(fh, strict=False)
            embedded = reader.embedded_signatures
        except Exception:
            raise UserError(f"Tệp «{pdf.name}» không phải tệp PDF đọc được.") from None
        fields = signature_fields(pdf)
        total = reader.xrefs.total_revisions
        found = []
        for sig in embedded:
            status = validate_pdf_signature(sig, context, key_usage_settings=USAGE)
            name = sig.field_name
            covers, changed = _covers(status, total, sig.signed_revision)
            page, rect, _ = fields.get(name, (-1, (0.0, 0.0, 0.0, 0.0), True))
            cert = status.signing_cert
            item = Signature(
                field=name, role=ROLES.get(name, "không rõ (chữ ký không do docgen tạo)"),
                signer=cert.subject.native.get("common_name", cert.subject.human_friendly),
                when=status.signer_reported_dt, page=page, rect=rect,
                valid=status.intact and status.valid, trusted=status.trusted,
                covers=covers, changed_after=changed)
            if not item.valid:
                item.problems.append("chữ ký không hợp lệ (nội dung đã ký bị sửa hoặc chữ ký "
                                     "hỏng)")
            if not item.trusted:
                item.problems.append("chứng thư số không dẫn tới chứng thư gốc tin cậy "
                                     "(chỉ định bằng --trust) hoặc đã hết hạn")
            if changed and changed.startswith("SAU"):
                item.problems.append("văn bản đã bị thay đổi sau khi ký")
            if given or crl_from_certificate:
                item.problems += _revocation(sig, cert, roots, given, fetched,
                                             crl_from_certificate)
            if name == ATTACHMENT:
                item.problems += _check_stamp(sig.sig_field, item, layout.pages(pdf)[0][0])
            found.append(item)
    _check_images(pdf, found)
    return found


def _revocation(sig, cert, roots, given, fetched, from_certificate: bool) -> list[str]:
    """The revocation problems of one signature's certificate (docgen.signing.revocation);
    `fetched` caches the lists read from distribution points (or why they could not be)."""
    def crypto(c):
        return x509.load_der_x509_certificate(c.dump())
    signer = crypto(cert)
    lists, problems = list(given), []
    if from_certificate:
        for url in revocation.distribution_points(signer):
            if url not in fetched:
                try:
                    fetched[url] = revocation.fetch_crl(url)
                except UserError as exc:
                    fetched[url] = exc.message
            got = fetched[url]
            if isinstance(got, str):
                problems.append(got[0].lower() + got[1:].rstrip("."))
            else:
                lists.append(got)
        if not revocation.distribution_points(signer) and not given:
            return [f"chứng thư số của «{common_name(signer)}» không ghi nơi phát "
                    "hành danh sách thu hồi (CRL); hãy chỉ định tệp bằng --crl"]
    issuers = [crypto(c) for c in (*roots, *sig.other_embedded_certs)]
    found = revocation.revocation_problems(signer, lists, issuers)
    # A list that could not be fetched matters only when no list cleared the certificate.
    return problems + found if found else []


def archive_format(pdf: Path) -> tuple[str, str | None]:
    """(the line `docgen verify` prints about PDF/A, a problem or None): a PDF/A file must
    still be PDF/A after its signatures (docgen.signing.pdfa)."""
    try:
        return pdfa_lines(*pdfa_status(Path(pdf).read_bytes()))
    except Exception:  # verify() has read the file: only the PDF/A details are unreadable
        return "Định dạng lưu trữ: không đọc được thông tin PDF/A", None


def _check_stamp(annot, item: Signature, size: tuple[float, float]) -> list[str]:
    problems = []
    x0, y0, x1, y1 = item.rect
    if item.page != 0 or x0 < size[0] / 2 or y1 < size[1] - 25 * layout.MM:
        problems.append("dòng chữ ký số của văn bản kèm theo không ở góc trên bên phải "
                        "trang đầu")
    shown = appearance_text(annot)
    symbol = re.search(r"Kèm theo văn bản số: (.+)", shown)
    if symbol is None or item.when is None or shown.strip() != stamp_text(
            symbol[1].strip(), item.when):
        problems.append(f"dòng chữ trên văn bản kèm theo («{shown}») không ghi đúng số, ký "
                        "hiệu văn bản chính và thời gian ký")
    return problems


def _check_images(pdf: Path, found: list[Signature]) -> None:
    person = next((s for s in found if s.field == PERSON), None)
    seal = next((s for s in found if s.field == ORGANISATION), None)
    if person is not None:
        try:
            block = layout.signature_block(pdf, person.signer)
        except UserError as exc:
            person.problems.append(exc.message)
        else:
            x0, y0, x1, y1 = person.rect
            gx0, gy0, gx1, gy1 = block.gap
            centred = abs((x0 + x1) / 2 - block.centre_x) <= 10
            between = y0 >= gy0 - 2 and y1 <= gy1 + 2
            if person.page != block.page or not (centred and between):
                person.problems.append("ảnh chữ ký không nằm giữa chức vụ và họ tên người ký")
    if seal is not None:
        if person is None:
            seal.problems.append("chữ ký của cơ quan không đi sau chữ ký của người có thẩm "
                                 "quyền")
            return
        share = layout.overlap_fraction(seal.rect, person.rect)
        diameter = (seal.rect[2] - seal.rect[0]) / layout.MM
        if seal.page != person.page or seal.rect[0] >= person.rect[0] or not 0.2 <= share <= 0.45:
            seal.problems.append(f"con dấu không trùm khoảng 1/3 ảnh chữ ký về bên trái "
                                 f"(trùm {share:.0%})")
        if not layout.SEAL_RANGE_MM[0] <= diameter <= layout.SEAL_RANGE_MM[1]:
            seal.problems.append(f"con dấu không đúng kích thước thật ({diameter:.0f} mm)")


def describe(sig: Signature) -> list[str]:
    """Lines `docgen verify` prints for one signature."""
    when = sig.when.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M:%S +07:00") if sig.when \
        else "không rõ"
    lines = [f"Chữ ký «{sig.field}» — {sig.role}: {sig.signer}",
             f"  Thời gian ký: {when}; trang {sig.page + 1}",
             f"  Phạm vi: {sig.covers}" + (f"; {sig.changed_after}" if sig.changed_after else ""),
             "  Hợp lệ: " + ("có" if sig.valid else "KHÔNG")
             + "; chứng thư tin cậy: " + ("có" if sig.trusted else "KHÔNG")]
    lines += [f"  Lỗi: {problem}" for problem in sig.problems]
    return lines
