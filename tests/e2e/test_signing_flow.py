"""«Ký số» in a real browser (issue 15): the district uploads the signer's signature and the
body's seal, the clerk issues a decision, signs it as the person then as the organisation
with PKCS#12 keys of a test CA, downloads it; `docgen verify` and poppler's `pdfsig` both
report two valid signatures."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import have
from signing_ca import PASSWORD, Authority, make_images

pytestmark = pytest.mark.skipif(not (have("pdfsig") and have("pdftotext")),
                                reason="poppler-utils is not installed")

SIGNER = "Lò Văn Hùng"
BODY = "Ủy ban nhân dân huyện Quan Sơn"


def upload_images(page, server: str, images: dict[str, Path]) -> None:
    """Through the body's and the signer's pages, as the district does."""
    page.goto(server + "/co-quan/")
    page.locator("a", has_text=BODY).first.click()
    page.click("#seal-image")
    page.set_input_files("input#seal_png", str(images["seal"]))
    page.click("#upload-image")
    assert "Đã lưu ảnh con dấu" in page.locator(".flash.success").inner_text()
    assert page.locator("#current-diameter").inner_text() == "40.0"
    page.goto(server + "/co-quan/")
    page.locator("a", has_text=SIGNER).first.click()
    page.click("#signature-image")
    page.set_input_files("input#signature_png", str(images["opaque"]))  # no transparency
    page.click("#upload-image")
    assert "Ảnh chữ ký: ảnh PNG phải có nền trong suốt" in \
        page.locator("#signature_png-error").inner_text()
    page.set_input_files("input#signature_png", str(images["signature"]))
    page.click("#upload-image")
    assert "Đã lưu ảnh chữ ký" in page.locator(".flash.success").inner_text()


def issue_decision(page, server: str) -> None:
    page.goto(server + "/van-ban/")
    page.select_option("select#body", label=BODY)
    page.fill("input#year", "2022")
    page.click("#kind-decision")
    page.fill("input#created_by", "Hà Thị Thu")
    page.click("#generate")
    assert "Đã tạo dự thảo" in page.locator(".flash.success").inner_text()
    page.fill("input#issued_on", "2022-11-18")  # after the sample register's 14/11/2022
    page.click("#issue")
    assert "Đã cấp số" in page.locator(".flash.success").inner_text()


def sign(page, key: Path, password: str = PASSWORD) -> None:
    page.set_input_files("input#key_file", str(key))
    page.fill("input#key_password", password)
    page.click("#sign")


def test_a_clerk_issues_signs_twice_and_downloads_a_valid_original(
        server, page, tmp_path, screenshots):
    ca = Authority(tmp_path)
    person, _ = ca.issue(SIGNER, "nguoi-ky.p12")
    body, _ = ca.issue(BODY.upper(), "co-quan.p12")
    upload_images(page, server, make_images(tmp_path))
    issue_decision(page, server)
    page.click("#open-signing")
    assert "Ký với tư cách người có thẩm quyền" in page.locator("#sign-form h2").inner_text()

    sign(page, person, "mat-khau-sai")
    assert "Sai mật khẩu của tệp khóa «nguoi-ky.p12»" in page.locator("#sign-problem").inner_text()
    sign(page, person)
    assert f"Đã ký số với tư cách người có thẩm quyền ({SIGNER})" in \
        page.locator(".flash.success").inner_text()
    assert "Ký với tư cách cơ quan, tổ chức" in page.locator("#sign-form h2").inner_text()
    sign(page, body)
    assert "Đã ký số với tư cách cơ quan, tổ chức" in page.locator(".flash.success").inner_text()
    assert page.locator("#signatures tbody tr").count() == 2
    assert page.locator("#fully-signed").count() == 1
    page.screenshot(path=str(screenshots / "signed.png"), full_page=True)

    with page.expect_download() as info:
        page.click("#download-signed")
    signed = tmp_path / "ban-ky-so.pdf"
    signed.write_bytes(Path(info.value.path()).read_bytes())
    verified = subprocess.run([sys.executable, "-m", "docgen", "verify", str(signed), "--trust",
                               str(ca.root)], capture_output=True, text=True)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "2 chữ ký số hợp lệ, đúng thể thức." in verified.stdout
    pdfsig = subprocess.run(["pdfsig", "-nocert", str(signed)], capture_output=True, text=True)
    assert re.findall(r"Signature Validation: (.+)", pdfsig.stdout) == \
        ["Signature is Valid."] * 2

    # The register page: «Tải PDF» gives the same bytes; the preview shows the signed PDF.
    page.click("text=Về trang văn bản")
    assert "Đã ký số" in page.locator("#signed-note").inner_text()
    with page.expect_download() as info:
        page.click("#download-pdf")
    assert Path(info.value.path()).read_bytes() == signed.read_bytes()
    for i in range(page.locator(".preview img").count()):
        image = page.request.get(server + page.locator(".preview img").nth(i).get_attribute("src"))
        assert image.ok and image.body().startswith(b"\x89PNG")
