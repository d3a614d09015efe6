"""Digital signatures (Nghị định 30/2020): a test certificate authority made here with
`cryptography`, a real decision PDF from LibreOffice, `docgen sign` / `docgen verify`,
pyHanko's validation and poppler's `pdfsig` agreeing, the images where ND30 puts them."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

import docgen
from docgen import pdf
from docgen.cli import main as cli
from docgen.samples import load_sample
from docgen.signing import layout, signature_fields
from docgen.signing.sign import ATTACHMENT, ORGANISATION, PERSON, VIETNAM
from docgen.signing.verify import appearance_text
from helpers import have
from signing_ca import NOW, PASSWORD, Authority, make_images

pytestmark = pytest.mark.skipif(
    not (have("soffice") and have("pdftotext") and have("pdfsig")),
    reason="LibreOffice or poppler-utils is not installed")

SIGNER = "Lò Văn Hùng"  # the sample decision's signer
BODY = "ỦY BAN NHÂN DÂN HUYỆN QUAN SƠN"


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    return Authority(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def keys(ca):
    person, person_cert = ca.issue(SIGNER, "person.p12")
    body, _ = ca.issue(BODY, "body.p12")
    expired, _ = ca.issue("Người hết hạn", "expired.p12", days=(-400, -10))
    unusable, _ = ca.issue("Người không ký", "nosign.p12", signing=False)
    revoked, revoked_cert = ca.issue("Người bị thu hồi", "revoked.p12")
    return dict(person=person, body=body, expired=expired, unusable=unusable,
                revoked=revoked, crl=ca.crl(revoked_cert))


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    """A blue signature (transparent PNG) and a red 40 mm seal at 300 dpi."""
    return make_images(tmp_path_factory.mktemp("images"))


@pytest.fixture(scope="module")
def decision_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "qd.pdf"
    docx = docgen.render_document("decision", load_sample("decision", "quan-son-2022"))
    path.write_bytes(pdf.to_pdf(docx))
    return path


@pytest.fixture
def sign(runner, monkeypatch):
    """Run `docgen sign` with the test password in DOCGEN_KEY_PASSWORD."""
    monkeypatch.setenv("DOCGEN_KEY_PASSWORD", PASSWORD)

    def run(src: Path, out: Path, key: Path, *extra: str):
        return runner.invoke(cli, ["sign", str(src), "-o", str(out), "--key", str(key), *extra])
    return run


@pytest.fixture(scope="module")
def signed_twice(ca, keys, images, decision_pdf, tmp_path_factory):
    """The decision signed by the person, then by the organisation, through the CLI."""
    from click.testing import CliRunner
    folder = tmp_path_factory.mktemp("signed")
    runner = CliRunner(env={"DOCGEN_KEY_PASSWORD": PASSWORD})
    once, twice = folder / "qd-nguoi-ky.pdf", folder / "qd-co-quan.pdf"
    first = runner.invoke(cli, ["sign", str(decision_pdf), "-o", str(once), "--key",
                                str(keys["person"]), "--image", str(images["signature"])])
    assert first.exit_code == 0, first.output
    second = runner.invoke(cli, ["sign", str(once), "-o", str(twice), "--key", str(keys["body"]),
                                 "--seal", str(images["seal"])])
    assert second.exit_code == 0, second.output
    return once, twice


def pdfsig(path: Path) -> list[str]:
    """pdfsig's 'Signature Validation' verdict per signature (certificates not checked:
    the test CA is not in poppler's NSS database)."""
    out = subprocess.run(["pdfsig", "-nocert", str(path)], capture_output=True, text=True)
    return re.findall(r"Signature Validation: (.+)", out.stdout)


def verify(runner, path: Path, ca: Authority):
    return runner.invoke(cli, ["verify", str(path), "--trust", str(ca.root)])


def test_person_then_organisation_gives_two_valid_signatures_and_pdfsig_agrees(
        runner, ca, signed_twice):
    once, twice = signed_twice
    result = verify(runner, twice, ca)
    assert result.exit_code == 0, result.output
    assert f"Chữ ký «{PERSON}» — người có thẩm quyền: {SIGNER}" in result.output
    assert f"Chữ ký «{ORGANISATION}» — cơ quan, tổ chức: {BODY}" in result.output
    assert "sau đó chỉ thêm chữ ký số (được phép)" in result.output  # the first, kept valid
    assert "2 chữ ký số hợp lệ, đúng thể thức." in result.output
    assert pdfsig(twice) == ["Signature is Valid."] * 2
    assert pdfsig(once) == ["Signature is Valid."]
    assert twice.read_bytes().startswith(once.read_bytes())  # an incremental update


def test_the_images_sit_where_nd30_puts_them(signed_twice):
    _, twice = signed_twice
    fields = signature_fields(twice)
    block = layout.signature_block(twice, SIGNER)
    assert block.title.text == "PHÓ CHỦ TỊCH" and block.name.text == SIGNER
    page, (x0, y0, x1, y1), signed = fields[PERSON]
    height = block.page_size[1]
    assert signed and page == block.page
    # Between the title line's bottom and the name line's top, centred under them.
    assert height - block.title.bottom >= y1 and y0 >= height - block.name.top
    assert abs((x0 + x1) / 2 - (block.name.x0 + block.name.x1) / 2) < 8
    seal_page, seal, _ = fields[ORGANISATION]
    assert seal_page == page
    assert seal[2] - seal[0] == pytest.approx(40 * layout.MM, abs=0.5)  # real size, 40 mm
    assert seal[0] < x0  # on its left
    assert layout.overlap_fraction(seal, (x0, y0, x1, y1)) == pytest.approx(1 / 3, abs=0.02)


def test_the_organisation_cannot_sign_before_the_person(sign, keys, images, decision_pdf,
                                                        tmp_path):
    out = tmp_path / "x.pdf"
    result = sign(decision_pdf, out, keys["body"], "--seal", str(images["seal"]))
    assert result.exit_code == 2
    assert "chưa có chữ ký số của người có thẩm quyền" in result.output
    assert not out.exists()


def test_an_attachment_gets_the_image_less_stamp_top_right(sign, runner, ca, keys,
                                                           decision_pdf, tmp_path):
    out = tmp_path / "kem-theo.pdf"
    result = sign(decision_pdf, out, keys["body"], "--attachment-of", "05/QĐ-UBND")
    assert result.exit_code == 0, result.output
    from pyhanko.pdf_utils.reader import PdfFileReader
    with open(out, "rb") as fh:
        sig = PdfFileReader(fh).embedded_signatures[0]
        shown = appearance_text(sig.sig_field)
        when = sig.self_reported_timestamp
        stream = sig.sig_field["/AP"]["/N"]
        # 10 pt, never shrunk to fit: no scaling in the appearance, the font Times (metrics)
        assert b" 10 Tf" in stream.data and not re.search(rb"\b0\.\d+ 0 0 0\.\d+ ", stream.data)
        font = stream["/Resources"]["/Font"]["/F1"]
        assert re.search(r"(TimesNewRoman|LiberationSerif)", str(font["/BaseFont"]))
        resources = sig.sig_field["/AP"]["/N"].get("/Resources", {})
        assert "/XObject" not in resources or all(
            x.get("/Subtype") != "/Image" for x in resources["/XObject"].values())
    local = when.astimezone(VIETNAM)
    assert shown == ("Kèm theo văn bản số: 05/QĐ-UBND\n"
                     f"Thời gian ký: {local:%d/%m/%Y %H:%M:%S} +07:00")
    page, (x0, y0, x1, y1), _ = signature_fields(out)[ATTACHMENT]
    width, height = layout.pages(out)[0][0]
    assert page == 0 and x0 > width / 2 and height - y1 < 10 * layout.MM
    checked = verify(runner, out, ca)
    assert checked.exit_code == 0, checked.output
    assert pdfsig(out) == ["Signature is Valid."]


@pytest.mark.parametrize("key, extra, message", [
    ("expired", (), "đã hết hạn ngày"),
    ("unusable", (), "không dùng để ký số"),
    ("revoked", ("--crl",), "đã bị thu hồi ngày"),
], ids=["an expired certificate", "a certificate not for signing", "a revoked certificate"])
def test_an_unusable_certificate_is_refused_and_nothing_written(sign, keys, images, decision_pdf,
                                                                tmp_path, key, extra, message):
    out = tmp_path / "x.pdf"
    args = ["--image", str(images["signature"])]
    if extra:
        args += [extra[0], str(keys["crl"])]
    result = sign(decision_pdf, out, keys[key], *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists()


def test_the_revoked_certificate_signs_when_no_crl_is_given(sign, keys, images, decision_pdf,
                                                            tmp_path):
    out = tmp_path / "x.pdf"
    result = sign(decision_pdf, out, keys["revoked"], "--image", str(images["signature"]))
    assert result.exit_code == 0, result.output  # revocation is checked only against a CRL
    assert out.exists()


def test_a_wrong_password_is_refused_and_nothing_written(runner, monkeypatch, keys, images,
                                                         decision_pdf, tmp_path):
    monkeypatch.setenv("DOCGEN_KEY_PASSWORD", "sai")
    out = tmp_path / "x.pdf"
    result = runner.invoke(cli, ["sign", str(decision_pdf), "-o", str(out), "--key",
                                 str(keys["person"]), "--image", str(images["signature"])])
    assert result.exit_code == 2
    assert "Sai mật khẩu của tệp khóa «person.p12»" in result.output
    assert not out.exists()


def test_the_password_is_asked_when_not_in_the_environment(runner, monkeypatch, keys, images,
                                                           decision_pdf, tmp_path):
    monkeypatch.delenv("DOCGEN_KEY_PASSWORD", raising=False)
    out = tmp_path / "x.pdf"
    result = runner.invoke(cli, ["sign", str(decision_pdf), "-o", str(out), "--key",
                                 str(keys["person"]), "--image", str(images["signature"])],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Mật khẩu của tệp khóa person.p12" in result.output
    assert PASSWORD not in result.output
    assert signature_fields(out)[PERSON][2]


@pytest.mark.parametrize("option, image, message", [
    ("--image", "opaque", "phải là tệp PNG nền trong suốt"),
    ("--seal", "blue_seal", "phải màu đỏ"),
], ids=["an opaque signature image", "a blue seal"])
def test_images_not_as_nd30_wants_are_refused(sign, keys, images, signed_twice, decision_pdf,
                                              tmp_path, option, image, message):
    src = signed_twice[0] if option == "--seal" else decision_pdf
    key = keys["body"] if option == "--seal" else keys["person"]
    out = tmp_path / "x.pdf"
    result = sign(src, out, key, option, str(images[image]))
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_a_document_changed_after_signing_is_reported_by_both(runner, ca, signed_twice,
                                                              tmp_path):
    _, twice = signed_twice
    data = bytearray(twice.read_bytes())
    at = data.index(b"LibreOffice")  # in the XMP metadata: signed by both, not compressed
    data[at:at + 11] = b"LibreOfficX"
    broken = tmp_path / "sua.pdf"
    broken.write_bytes(bytes(data))
    result = verify(runner, broken, ca)
    assert result.exit_code == 1
    assert "chữ ký không hợp lệ" in result.output
    assert all(v != "Signature is Valid." for v in pdfsig(broken))


def test_content_added_after_the_signatures_is_reported(runner, ca, signed_twice, tmp_path):
    from pyhanko.pdf_utils.generic import StreamObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    _, twice = signed_twice
    changed = tmp_path / "them.pdf"
    with open(twice, "rb") as fh:
        writer = IncrementalPdfFileWriter(fh)
        stream = writer.add_object(StreamObject(stream_data=b"0 0 1 rg 100 100 50 50 re f"))
        writer.add_stream_to_page(0, stream)
        with open(changed, "wb") as out:
            writer.write(out)
    result = verify(runner, changed, ca)
    assert result.exit_code == 1
    assert "SAU KHI KÝ, NỘI DUNG TỆP ĐÃ BỊ THAY ĐỔI" in result.output


def test_a_signature_image_out_of_its_place_is_reported(runner, ca, keys, images, decision_pdf,
                                                        tmp_path):
    from docgen.signing import open_pkcs12
    from docgen.signing.sign import Picture, _sign
    signer, _ = open_pkcs12(keys["person"], PASSWORD)
    out = tmp_path / "lech.pdf"
    picture = Picture.open(images["signature"], what="chữ ký", colour="blue")
    _sign(decision_pdf, out, signer, field=PERSON, page=0, box=(60, 60, 210, 120),
          style=picture.style(), reason="thử")
    result = verify(runner, out, ca)
    assert result.exit_code == 1
    assert "ảnh chữ ký không nằm giữa chức vụ và họ tên người ký" in result.output
    assert pdfsig(out) == ["Signature is Valid."]  # valid, yet not as ND30 places it


def test_without_the_trusted_root_verify_reports_it(runner, signed_twice):
    result = runner.invoke(cli, ["verify", str(signed_twice[1])])
    assert result.exit_code == 1
    assert "không dẫn tới chứng thư gốc tin cậy" in result.output


def test_an_unsigned_pdf_fails_verification(runner, decision_pdf):
    result = runner.invoke(cli, ["verify", str(decision_pdf)])
    assert result.exit_code == 1
    assert "không có chữ ký số nào" in result.output


def test_one_role_must_be_chosen(sign, keys, decision_pdf, tmp_path):
    result = sign(decision_pdf, tmp_path / "x.pdf", keys["person"])
    assert result.exit_code == 2
    assert "Chọn đúng một trong --image" in result.output


SOFTHSM = Path("/usr/lib/softhsm/libsofthsm2.so")
TOKEN, PIN = "docgen-thu", "123456"


@pytest.fixture(scope="module")
def token(ca, keys, tmp_path_factory):
    """A SoftHSM2 token holding the person's key and certificate under the label
    «nguoi-ky», made with softhsm2-util and python-pkcs11."""
    if not (SOFTHSM.is_file() and have("softhsm2-util")):
        pytest.skip("SoftHSM2 is not installed (apt-get install softhsm2)")
    import os

    import pkcs11  # a dependency of docgen (python-pkcs11): its absence is a failure

    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n"
                    "log.level = ERROR\n")
    old = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN,
                    "--so-pin", "654321"], check=True, capture_output=True)
    key_pem = folder / "key.pem"
    key_pem.write_bytes(ca.keys["person.p12"].private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    subprocess.run(["softhsm2-util", "--import", str(key_pem), "--token", TOKEN, "--label",
                    "nguoi-ky", "--id", "01", "--pin", PIN], check=True, capture_output=True)
    key_pem.unlink()
    cert = pkcs12.load_key_and_certificates(keys["person"].read_bytes(), PASSWORD.encode())[1]
    from pkcs11 import Attribute, CertificateType, ObjectClass
    with pkcs11.lib(str(SOFTHSM)).get_token(token_label=TOKEN).open(
            rw=True, user_pin=PIN) as session:
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE,
            Attribute.CERTIFICATE_TYPE: CertificateType.X_509, Attribute.TOKEN: True,
            Attribute.LABEL: "nguoi-ky", Attribute.ID: b"\x01",
            Attribute.SUBJECT: cert.subject.public_bytes(),
            Attribute.VALUE: cert.public_bytes(Encoding.DER)})
    yield SOFTHSM
    if old is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = old


def sign_with_token(runner, src: Path, out: Path, images, pin: str):
    return runner.invoke(cli, ["sign", str(src), "-o", str(out), "--pkcs11-lib", str(SOFTHSM),
                               "--token-label", TOKEN, "--key-label", "nguoi-ky",
                               "--image", str(images["signature"])], input=pin + "\n")


def test_a_key_on_a_pkcs11_token_signs_with_the_pin_asked(runner, monkeypatch, ca, token,
                                                          images, decision_pdf, tmp_path):
    monkeypatch.delenv("DOCGEN_KEY_PASSWORD", raising=False)
    out = tmp_path / "qd-token.pdf"
    result = sign_with_token(runner, decision_pdf, out, images, PIN)
    assert result.exit_code == 0, result.output
    assert f"Mã PIN của thiết bị ký số {TOKEN}" in result.output and PIN not in result.output
    checked = verify(runner, out, ca)
    assert checked.exit_code == 0, checked.output
    assert f"người có thẩm quyền: {SIGNER}" in checked.output
    assert pdfsig(out) == ["Signature is Valid."]


def test_a_wrong_pin_is_refused_and_nothing_written(runner, monkeypatch, token, images,
                                                   decision_pdf, tmp_path):
    monkeypatch.delenv("DOCGEN_KEY_PASSWORD", raising=False)
    out = tmp_path / "x.pdf"
    result = sign_with_token(runner, decision_pdf, out, images, "000000")
    assert result.exit_code == 2
    assert f"Sai mã PIN của thiết bị ký số «{TOKEN}»" in result.output
    assert not out.exists()


# ---- verify: revocation (CRL) and PDF/A after signing -----------------------------------

@pytest.fixture(scope="module")
def signed_by_revoked(keys, images, decision_pdf, tmp_path_factory):
    """The decision signed by the revoked certificate (no CRL given when signing)."""
    from click.testing import CliRunner
    out = tmp_path_factory.mktemp("revoked") / "qd-thu-hoi.pdf"
    result = CliRunner(env={"DOCGEN_KEY_PASSWORD": PASSWORD}).invoke(cli, [
        "sign", str(decision_pdf), "-o", str(out), "--key", str(keys["revoked"]),
        "--image", str(images["signature"])])
    assert result.exit_code == 0, result.output
    return out


def test_verify_refuses_a_certificate_the_crl_revokes(runner, ca, keys, signed_by_revoked):
    result = runner.invoke(cli, ["verify", str(signed_by_revoked), "--trust", str(ca.root),
                                 "--crl", str(keys["crl"])])
    assert result.exit_code == 1
    assert "chứng thư số của «Người bị thu hồi» đã bị thu hồi ngày" in result.output
    without = verify(runner, signed_by_revoked, ca)  # no CRL: revocation is not checked
    assert without.exit_code == 0 and "đã bị thu hồi" not in without.output


def test_verify_with_a_crl_passes_certificates_it_does_not_list(runner, ca, keys,
                                                               signed_twice):
    result = runner.invoke(cli, ["verify", str(signed_twice[1]), "--trust", str(ca.root),
                                 "--crl", str(keys["crl"])])
    assert result.exit_code == 0, result.output
    assert "2 chữ ký số hợp lệ" in result.output


def test_an_out_of_date_or_foreign_crl_is_reported(runner, ca, keys, signed_twice, tmp_path):
    _, revoked_cert = ca.issue("Người khác", "khac.p12")
    stale = ca.crl(revoked_cert, "cu.crl", next_update=timedelta(days=-1))
    result = runner.invoke(cli, ["verify", str(signed_twice[1]), "--trust", str(ca.root),
                                 "--crl", str(stale)])
    assert result.exit_code == 1
    assert "danh sách thu hồi «" in result.output and "đã hết hạn ngày" in result.output
    forged = Authority(tmp_path)  # another CA of the same name: its list is not the CA's
    _, cert = forged.issue("Người ngoài", "ngoai.p12")
    result = runner.invoke(cli, ["verify", str(signed_twice[1]), "--trust", str(ca.root),
                                 "--crl", str(forged.crl(cert))])
    assert result.exit_code == 1
    assert "không kiểm tra được hoặc không hợp lệ" in result.output
    foreign = x509.CertificateRevocationListBuilder().issuer_name(x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "CA khác")])).last_update(NOW).next_update(
        NOW + timedelta(days=1)).sign(forged.key, hashes.SHA256())
    (tmp_path / "khac.crl").write_bytes(foreign.public_bytes(Encoding.DER))
    result = runner.invoke(cli, ["verify", str(signed_twice[1]), "--trust", str(ca.root),
                                 "--crl", str(tmp_path / "khac.crl")])
    assert result.exit_code == 1
    assert "không có danh sách thu hồi (CRL) của nơi cấp chứng thư số «Lò Văn Hùng»" in \
        result.output
    garbage = tmp_path / "rac.crl"
    garbage.write_bytes(b"not a crl")
    result = runner.invoke(cli, ["verify", str(signed_twice[1]), "--crl", str(garbage)])
    assert result.exit_code == 2
    assert "không phải danh sách thu hồi (CRL) hợp lệ" in result.output


@pytest.fixture
def crl_server(ca):
    """An HTTP server on the loopback address serving files of the CA's folder."""
    import functools
    import http.server
    import threading
    handler = functools.partial(_QuietHandler, directory=str(ca.folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


class _QuietHandler(__import__("http.server").server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # no request lines on stderr
        pass


@pytest.mark.parametrize("where", ["http", "file"])
def test_verify_reads_the_crl_the_certificate_names(runner, ca, images, decision_pdf,
                                                    crl_server, tmp_path, monkeypatch, where):
    name = f"dp-{where}.crl"
    url = f"{crl_server}/{name}" if where == "http" else (ca.folder / name).as_uri()
    key, cert = ca.issue("Người có nơi thu hồi", f"dp-{where}.p12", crl_url=url)
    signed = tmp_path / "qd.pdf"
    monkeypatch.setenv("DOCGEN_KEY_PASSWORD", PASSWORD)
    assert runner.invoke(cli, ["sign", str(decision_pdf), "-o", str(signed), "--key", str(key),
                               "--image", str(images["signature"])]).exit_code == 0
    args = ["verify", str(signed), "--trust", str(ca.root), "--crl-from-certificate"]
    missing = runner.invoke(cli, args)
    assert missing.exit_code == 1
    assert f"Lỗi: không tải được danh sách thu hồi «{url}»" in missing.output
    ca.crl(cert, name)
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "«Người có nơi thu hồi» đã bị thu hồi ngày" in result.output
    assert f"(theo «{url}»)" in result.output


def test_a_certificate_naming_no_crl_is_reported_when_one_is_asked_for(runner, ca,
                                                                       signed_twice):
    result = runner.invoke(cli, ["verify", str(signed_twice[1]), "--trust", str(ca.root),
                                 "--crl-from-certificate"])
    assert result.exit_code == 1
    assert "không ghi nơi phát hành danh sách thu hồi (CRL)" in result.output


def test_a_signed_pdfa_is_still_pdfa_2b_and_verify_says_so(runner, ca, signed_twice):
    from test_pdfa import pdfa_identification
    once, twice = signed_twice
    for path in (once, twice):
        assert pdfa_identification(path.read_bytes()) == ("2", "B")
    result = verify(runner, twice, ca)
    assert result.exit_code == 0, result.output
    assert "Định dạng lưu trữ: PDF/A-2b — vẫn giữ sau khi ký (XMP pdfaid phần 2, mức B, " \
           "output intent PDF/A)" in result.output


def test_an_update_that_drops_the_pdfa_identification_is_reported(runner, ca, signed_twice,
                                                                  tmp_path):
    from pyhanko.pdf_utils.generic import NameObject, StreamObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    changed = tmp_path / "mat-pdfa.pdf"
    with open(signed_twice[1], "rb") as fh:
        writer = IncrementalPdfFileWriter(fh)
        meta = writer.add_object(StreamObject(stream_data=b"<x:xmpmeta xmlns:x='adobe:ns:meta/'/>"))
        writer.root[NameObject("/Metadata")] = meta
        writer.update_root()
        with open(changed, "wb") as out:
            writer.write(out)
    result = verify(runner, changed, ca)
    assert result.exit_code == 1
    assert "Định dạng lưu trữ: KHÔNG CÒN PDF/A-2b sau khi ký" in result.output
    assert "làm mất khai báo PDF/A" in result.output
