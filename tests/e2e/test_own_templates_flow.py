"""A district's own decision template in a real browser: upload it, see its preview, issue a
decision with it, go back to the shipped template; and templates that are refused."""

from __future__ import annotations

from pathlib import Path

import docx

from docgen.render import TEMPLATES_DIR
from helpers import full_text

OWN_SENTENCE = "Văn phòng niêm yết công khai Quyết định này tại trụ sở."


def changed_decision(path: Path, extra: str = OWN_SENTENCE) -> Path:
    """The shipped decision template with `extra` added after Điều 2, made with python-docx."""
    document = docx.Document(str(TEMPLATES_DIR / "decision.docx"))
    article2 = next(p for p in document.paragraphs if p.text.startswith("Điều 2."))
    article2.add_run(" " + extra)
    document.save(str(path))
    return path


def upload(page, server: str, path: Path) -> None:
    page.goto(server + "/mau-rieng/")
    page.select_option("select#kind", "decision")
    page.select_option("select#body_id", label="Tất cả cơ quan")
    page.set_input_files("input#file", str(path))
    page.click("#upload-template")


def draft_decision(page, server: str) -> None:
    page.goto(server + "/van-ban/")
    page.select_option("select#body", label="Ủy ban nhân dân huyện Quan Sơn")
    page.fill("input#year", "2022")
    page.click("#kind-decision")
    page.fill("input#created_by", "Hà Thị Thu")
    page.click("#generate")
    assert "Đã tạo dự thảo" in page.locator(".flash.success").inner_text()


def download(page, button: str = "#download-docx") -> bytes:
    with page.expect_download() as info:
        page.click(button)
    return Path(info.value.path()).read_bytes()


def test_district_uploads_a_decision_template_issues_with_it_and_goes_back(
        server, page, tmp_path, screenshots):
    upload(page, server, changed_decision(tmp_path / "Quyết định của huyện.docx"))
    assert "Mẫu đã qua kiểm tra" in page.locator(".flash.success").inner_text()
    # The preview: pages rendered with the district's real data, as images that load.
    images = page.locator(".preview img")
    assert images.count() >= 1
    for i in range(images.count()):
        image = page.request.get(server + images.nth(i).get_attribute("src"))
        assert image.ok and image.body().startswith(b"\x89PNG")
    assert "dữ liệu thật của Ủy ban nhân dân huyện Quan Sơn năm 2022" in \
        page.locator("#preview-note").inner_text()
    page.screenshot(path=str(screenshots / "own-template.png"), full_page=True)
    page.click("#activate")
    assert "dùng mẫu riêng số 1" in page.locator(".flash.success").inner_text()

    draft_decision(page, server)
    assert page.locator("#template-version").inner_text() == "mẫu riêng số 1"
    # After the sample register's 2158/QĐ-UBND of 14/11/2022, before the 20/11 deadline.
    page.fill("input#issued_on", "2022-11-18")
    page.click("#issue")
    assert page.locator("#issue-warnings").count() == 0, \
        page.locator("#issue-warnings").inner_text()
    assert "Đã cấp số 2164/QĐ-UBND" in page.locator(".flash.success").inner_text()
    issued = full_text(download(page))
    assert OWN_SENTENCE in issued and "Số: 2164/QĐ-UBND" in issued
    page.goto(server + "/so-van-ban/?year=2022")
    page.click("text=2164/QĐ-UBND")
    assert page.locator("#template-version").inner_text() == "mẫu riêng số 1"

    # Back to the shipped template: the next decision has the shipped wording.
    page.goto(server + "/mau-rieng/")
    page.locator("#template-versions button", has_text="Quay lại mẫu gốc").click()
    assert "dùng mẫu gốc của docgen" in page.locator(".flash.success").inner_text()
    assert page.locator("#template-versions", has_text="Không dùng").count() == 1
    draft_decision(page, server)
    assert page.locator("#template-version").inner_text() == "mẫu gốc"
    assert OWN_SENTENCE not in full_text(download(page))


def test_templates_that_would_fail_are_refused_with_their_problems(server, page, tmp_path):
    page.goto(server + "/mau-rieng/")
    kept = page.locator("#template-versions tbody tr").count()
    upload(page, server, changed_decision(tmp_path / "bien-la.docx", "Giao {{ chu_tich_xa }}."))
    problems = page.locator("#template-problems").inner_text()
    assert "Mẫu «bien-la.docx» không được nhận, chưa dùng cho văn bản nào" in problems
    assert "Mẫu dùng biến mà loại văn bản này không có: «chu_tich_xa»" in problems

    upload(page, server, changed_decision(tmp_path / "loi-cu-phap.docx", "{% if %}"))
    assert "có lỗi cú pháp" in page.locator("#template-problems").inner_text()

    text = tmp_path / "ghi-chu.docx"
    text.write_text("Đây không phải tệp Word", encoding="utf-8")
    upload(page, server, text)
    assert "Tệp «ghi-chu.docx» không phải tệp DOCX (Word) hợp lệ" in \
        page.locator("#template-problems").inner_text()

    big = tmp_path / "qua-lon.docx"
    big.write_bytes(b"PK\x03\x04" + b"\0" * (10 << 20))
    upload(page, server, big)
    assert "Tệp mẫu vượt quá giới hạn 10 MB" in page.content()
    page.goto(server + "/mau-rieng/")
    assert page.locator("#template-versions tbody tr").count() == kept   # nothing was kept
