"""A clerk's year in a real browser: import units, enter outcomes, generate the decision,
issue its number, download it — and the commitment forms of a residential area."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
from playwright.sync_api import Error as PlaywrightError

from helpers import pdf_text, table_rows, texts

# Units the district's People's Committee decides, with their category (none of a commune's
# residential areas, no primary school: Circular 124 Điều 10, Điều 1 khoản 2).
NEW_UNITS = [("Ban Quản lý công trình công cộng huyện", "Cơ quan", "Cơ quan, đơn vị",
              "Thị trấn Sơn Lư", "Xuất sắc", "95"),
             ("Công ty TNHH Lâm nghiệp A & B", "Doanh nghiệp", "Doanh nghiệp vừa", "Xã Sơn Hà",
              "Khá", "78"),
             ('Trường THCS "Tam Thanh"', "Cơ sở giáo dục", "Trường trung học cơ sở",
              "Xã Tam Thanh", "Trung bình", "60")]
# The sample register's latest numbers of 2022: the district's decision 2158/QĐ-UBND of
# 14/11/2022 and the police's Tờ trình 356/TTr-CAH of 10/11/2022; the next ones follow them.
# 18/11/2022 is after both and before the decision's deadline (20/11, Circular 124 Điều 9).


def units_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STT", "Tên đơn vị", "Loại hình", "Xã/Thị trấn", "Ghi chú", "Phân loại đơn vị"])
    for i, (name, kind, category, commune, _, _) in enumerate(NEW_UNITS, 1):
        sheet.append([i, name, kind, commune, "", category])
    book.save(path)
    return path


def draft_issue_download(page, clerk: str, issued_on: str, symbol: str, screenshot: Path,
                         button: str, *, previews: int | None = None,
                         warning: str | None = None) -> bytes:
    """On a filled document form: store the draft, issue its number on `issued_on` (with no
    «Cấp số» warning, or with the one containing `warning`, confirmed with «Vẫn cấp số»),
    take a screenshot to `screenshot`, and download it with `button`; the file's bytes."""
    page.fill("input#created_by", clerk)
    page.click("#generate")
    assert "Đã tạo dự thảo" in page.locator(".flash.success").inner_text()
    if previews is not None:
        assert page.locator(".preview img").count() == previews
    page.fill("input#issued_on", issued_on)
    page.click("#issue")
    if warning is None:
        assert page.locator("#issue-warnings").count() == 0, \
            page.locator("#issue-warnings").inner_text()
    else:
        assert "Chưa cấp số" in page.locator(".flash.error").inner_text()
        assert warning in page.locator("#issue-warnings").inner_text()
        page.click("#issue-anyway")
    page.wait_for_selector(".flash")
    assert f"Đã cấp số {symbol}" in page.locator(".flash").first.inner_text(), \
        page.locator(".flash").all_inner_texts()
    page.screenshot(path=str(screenshot), full_page=True)
    with page.expect_download() as info:
        page.click(button)
    return Path(info.value.path()).read_bytes()


def test_clerk_goes_from_excel_to_a_numbered_decision(server, page, tmp_path, screenshots):
    # 1. Import units from Excel, looking at the preview first.
    page.goto(server + "/don-vi/")
    page.locator("details summary").first.click()
    page.set_input_files("input[type=file]", str(units_xlsx(tmp_path / "don-vi.xlsx")))
    page.select_option("select#body_id", label="Ủy ban nhân dân huyện Quan Sơn")
    page.click("#import-units")
    assert "3</b> dòng sẽ được thêm" in page.content()
    page.click("#apply-import")
    assert page.locator(".flash.success").inner_text().startswith("Đã nhập: thêm 3 đơn vị")
    for name, *_ in NEW_UNITS:
        assert page.locator("#units", has_text=name).count() == 1

    # 2. Enter the year's outcomes for the new units.
    page.goto(server + "/danh-gia/?year=2022")
    for name, _, _, _, grade, score in NEW_UNITS:
        row = page.locator(f"#grid tr[data-unit='{name}']")
        row.locator("input[name$='-reviewed_score']").fill(score)
        if grade != "Trung bình":
            row.locator("input[name$='-safe']").check()
        row.locator("select[name$='-decided']").select_option(grade)
    page.click("#save-grid")
    assert "Đã lưu kết quả đánh giá năm 2022" in page.locator(".flash.success").inner_text()
    page.screenshot(path=str(screenshots / "assessment-grid.png"))

    # 3. Generate the decision for 2022 from the stored outcomes.
    page.goto(server + "/van-ban/")
    page.select_option("select#body", label="Ủy ban nhân dân huyện Quan Sơn")
    page.fill("input#year", "2022")
    page.click("#kind-decision")
    assert page.locator("input[value='Ban Quản lý công trình công cộng huyện']").count() == 1
    # 4. Store the draft, issue its number, then download it.
    data = draft_issue_download(page, "Hà Thị Thu", "2022-11-18", "2164/QĐ-UBND",
                                screenshots / "decision.png",
                                "#download-docx")

    body = texts(data)
    assert "Số: 2164/QĐ-UBND" in body
    assert "Quan Sơn, ngày 18 tháng 11 năm 2022" in body
    listed = {row[1]: row[3] for row in table_rows(data) if len(row) == 5 and row[0].isdigit()}
    for name, _, _, _, grade, _ in NEW_UNITS:
        assert listed[name] == grade
    assert listed["Xã Trung Thượng"] == "Xuất sắc"
    assert len(listed) == 24 + len(NEW_UNITS)


def test_clerk_prints_the_commitment_forms_of_an_area(server, page, screenshots):
    page.goto(server + "/cam-ket/")
    page.select_option("select#unit_id", index=next(
        i for i, text in enumerate(page.locator("select#unit_id option").all_inner_texts())
        if text.startswith("Bản Na Mèo")))
    page.fill("input#year", "2022")
    page.select_option("select#fmt", "pdf")
    page.click("#make-forms")
    # The job page refreshes itself until the file is ready (a PDF: LibreOffice runs).
    page.wait_for_selector("#job-download", timeout=120_000)
    assert page.locator("#job-stage").inner_text() == "Đã tạo 5 bản cam kết."
    page.screenshot(path=str(screenshots / "batch-job.png"))
    with page.expect_download() as info:
        page.click("#job-download")
    assert info.value.suggested_filename == "cam-ket-ban-na-meo-2022.pdf"
    text = pdf_text(Path(info.value.path()).read_bytes())
    assert text.count("BẢN CAM KẾT") == 5 and "Lò Văn Xuân" in text
    # The same forms as one DOCX to edit before printing.
    page.goto(server + "/cam-ket/")
    page.select_option("select#unit_id", index=next(
        i for i, text in enumerate(page.locator("select#unit_id option").all_inner_texts())
        if text.startswith("Bản Na Mèo")))
    page.fill("input#year", "2022")
    page.click("#make-forms")
    page.wait_for_selector("#job-download", timeout=60_000)
    with page.expect_download() as info:
        page.click("#job-download")
    data = Path(info.value.path()).read_bytes()
    body = texts(data)
    assert body.count("BẢN CAM KẾT") == 5
    assert any("Lò Văn Xuân" in line for line in body)


def household_list(path: Path, count: int) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STT", "Họ và tên", "Năm sinh", "Số CCCD", "Địa chỉ"])
    for i in range(1, count + 1):
        bad = i % 1000 == 0  # one row in a thousand has no name: skipped and listed
        sheet.append([i, "" if bad else f"Lò Văn Hộ {i}", 1950 + i % 50, f"0380{i:08d}",
                      f"Nhà số {i}"])
    book.save(path)
    return path


def test_a_long_batch_shows_its_progress_then_the_rows_it_skipped(server, page, tmp_path,
                                                                  screenshots):
    page.goto(server + "/cam-ket/")
    page.select_option("select#unit_id", index=next(
        i for i, text in enumerate(page.locator("select#unit_id option").all_inner_texts())
        if text.startswith("Bản Na Mèo")))
    page.fill("input#year", "2022")
    page.set_input_files("input#file", str(household_list(tmp_path / "ho.xlsx", 12_000)))
    page.click("#make-forms")
    # While the job runs its page refreshes itself and the bar moves on.
    seen: list[int] = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:  # (value of the bar or -1, the download is offered) of the page shown now
            value, ready = page.evaluate("[document.querySelector('#job-progress')?.value ?? -1,"
                                         " !!document.querySelector('#job-download')]")
        except PlaywrightError:  # the page was refreshing
            continue
        if value >= 0 and value not in seen:
            seen.append(int(value))
            if len(seen) == 2:
                page.screenshot(path=str(screenshots / "batch-progress.png"))
        if ready:
            break
        page.wait_for_timeout(100)
    assert len(seen) >= 2 and seen == sorted(seen), seen
    page.wait_for_selector("#job-download", timeout=60_000)
    assert page.locator("#job-stage").inner_text() == "Đã tạo 11.988 bản cam kết."
    rows = page.locator("#job-problems tbody tr").all_inner_texts()
    assert len(rows) == 12 and rows[0].split("\t")[:2] == ["1001", "Họ và tên"]
    with page.expect_download() as info:
        page.click("#job-download")
    body = texts(Path(info.value.path()).read_bytes())
    assert body.count("BẢN CAM KẾT") == 11_988


def test_clerk_prints_the_registrations_of_the_communes_units(server, page, tmp_path, screenshots):
    page.goto(server + "/dang-ky/")
    page.select_option("select#list-body", label="Ủy ban nhân dân huyện Quan Sơn")
    with page.expect_download() as info:
        page.click("#unit-list")
    assert info.value.suggested_filename == "don-vi-uy-ban-nhan-dan-huyen-quan-son.xlsx"
    # In Excel: keep the district's units in Na Mèo, write who signs each, save. The commune's
    # recipient is pre-filled (the district recognises it, Circular 124 Điều 10.2); a school's
    # depends on who manages it, so the clerk writes it.
    info.value.save_as(tmp_path / "don-vi.xlsx")
    book = openpyxl.load_workbook(tmp_path / "don-vi.xlsx")
    sheet = book["Danh sách"]
    heads = {c.value: c.column for c in sheet[1]}
    district = "Ủy ban nhân dân huyện Quan Sơn"
    signers = {"Trường PTDTBT THCS Na Mèo": ("Lương Văn Tiến", "Hiệu trưởng", None),
               "Xã Na Mèo": ("Lò Văn Pằn", "Chủ tịch Ủy ban nhân dân xã", district)}
    for row in range(sheet.max_row, 1, -1):
        name = sheet.cell(row, heads["Tên đơn vị"]).value
        if name in signers:
            signer, position, recipient = signers[name]
            sheet.cell(row, heads["Người ký"]).value = signer
            sheet.cell(row, heads["Chức vụ"]).value = position
            assert sheet.cell(row, heads["Kính gửi"]).value == recipient, name
            sheet.cell(row, heads["Kính gửi"]).value = district
        else:
            sheet.delete_rows(row)
    book.save(tmp_path / "dang-ky.xlsx")
    page.set_input_files("input#file", str(tmp_path / "dang-ky.xlsx"))
    page.fill("input#year", "2023")
    page.click("#make-registrations")
    page.wait_for_selector("#job-download", timeout=60_000)
    assert page.locator("#job-stage").inner_text() == "Đã tạo 2 bản đăng ký."
    assert page.locator("#job-problems").count() == 0
    with page.expect_download() as info:
        page.click("#job-download")
    assert info.value.suggested_filename == "dang-ky-2023.docx"
    body = texts(Path(info.value.path()).read_bytes())
    assert body.count("BẢN ĐĂNG KÝ") == 2
    assert "Phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2023" in body
    assert "Lương Văn Tiến" in body and "Lò Văn Pằn" in body
    page.click("text=Tạo đợt khác")
    assert page.url.endswith("/dang-ky/")
    page.screenshot(path=str(screenshots / "batch-registrations.png"), full_page=True)


def test_police_propose_the_classes_then_the_decision_cites_the_proposal(server, page, screenshots):
    # The police office writes the Tờ trình from the year's grid and gets its number.
    page.goto(server + "/van-ban/")
    page.select_option("select#body", label="Công an huyện Quan Sơn")
    page.fill("input#year", "2022")
    page.click("#kind-proposal")
    assert page.locator("textarea[name=addressees]").input_value() == \
        "Ủy ban nhân dân huyện Quan Sơn"
    # The sample register already holds the office's Tờ trình 356/TTr-CAH of 10/11/2022 and
    # its report 389/BC-CAH of 01/12/2022: numbers follow the dates, so this one is 390 of
    # 02/12/2022, and «Cấp số» warns that it would be the year's second Tờ trình (and late);
    # the clerk confirms with «Vẫn cấp số».
    pdf = draft_issue_download(page, "Lò Thị Mai", "2022-12-02", "390/TTr-CAH",
                               screenshots / "proposal.png",
                               "#download-pdf", previews=2,  # the body, the landscape list
                               warning="Công an huyện Quan Sơn đã có Tờ trình số "
                                       "356/TTr-CAH ngày 10/11/2022 cho năm đánh giá này")
    text = pdf_text(pdf)
    assert "TỜ TRÌNH" in text and "Số: 390/TTr-CAH" in text
    assert "THỐNG KÊ DANH SÁCH CHẤM ĐIỂM, MỨC ĐỀ XUẤT ĐÁNH GIÁ, PHÂN LOẠI" in text
    # The People's Committee's decision, pre-filled, says whose proposal it follows.
    page.goto(server + "/van-ban/")
    page.select_option("select#body", label="Ủy ban nhân dân huyện Quan Sơn")
    page.fill("input#year", "2022")
    page.click("#kind-decision")
    assert page.locator("input#proposer").input_value() == "Trưởng Công an huyện"
    assert page.locator("input#proposal").input_value() == (
        "Tờ trình số 390/TTr-CAH ngày 02 tháng 12 năm 2022")
