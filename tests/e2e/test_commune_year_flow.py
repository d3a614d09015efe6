"""A commune's year in a real browser, from an empty database (`docgen serve --no-sample`) to an
issued decision: the clerk types the bodies and the units once, then only scores, flags and
the issue dates — every document form is pre-filled from the store (issue 12)."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl

from helpers import table_rows, texts

SERVE_ARGS = ("--no-sample",)  # read by conftest's `server`: an empty database

COMMUNE = "Xã Tam Lư"
UBND = "Ủy ban nhân dân xã Tam Lư"
POLICE = "Công an xã Tam Lư"
BCD = "Ban Chỉ đạo 138 xã Tam Lư"
YEAR = 2025

# (name, abbreviation, superior, parent, proposer), then its signers
# (name, position, authority, on behalf of).
BODIES = [
    ((UBND, "UBND", "", "", "Trưởng Công an xã"),
     [("Hà Văn Phong", "Chủ tịch", "TM.", "Ủy ban nhân dân"),
      ("Lương Thị Thoa", "Phó Chủ tịch", "KT.", "Chủ tịch")]),
    ((POLICE, "CAX", "Công an tỉnh Thanh Hóa", UBND, ""),
     [("Lương Văn Tâm", "Trưởng Công an xã", "", "")]),
    ((BCD, "BCĐ", "UBND xã Tam Lư", UBND, ""),
     [("Hà Văn Phong", "Trưởng ban\nChủ tịch UBND xã", "", "")]),
]

# (name, kind, category, score, "An toàn về ANTT", the class the policy suggests); the
# kindergarten is out of scope (Circular 124 Điều 1 khoản 2): no score, no flag, no class.
KINDERGARTEN = "Trường Mầm non Tam Lư"
UNITS = [
    ("Bản Lở", "Khu dân cư", "Thôn, bản, làng, ấp", "95", True, "Xuất sắc"),
    ("Bản Pha Mưng", "Khu dân cư", "Thôn, bản, làng, ấp", "82", True, "Khá"),
    ("Bản Hạ", "Khu dân cư", "Thôn, bản, làng, ấp", "60", False, "Trung bình"),
    ("Trạm Y tế xã Tam Lư", "Cơ quan", "Cơ quan, đơn vị", "91", True, "Xuất sắc"),
    ("Trường THCS Tam Lư", "Cơ sở giáo dục", "Trường trung học cơ sở", "78", True, "Khá"),
    (KINDERGARTEN, "Cơ sở giáo dục", "Trường mầm non, mẫu giáo", None, False, None),
]
SUPERIOR_PLAN = {"number": "32/KH-BCĐ", "date": f"{YEAR}-02-27",
                 "issuer": "Ban Chỉ đạo 138 tỉnh Thanh Hóa"}
IN_SCOPE = [u for u in UNITS if u[0] != KINDERGARTEN]


def units_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["STT", "Tên đơn vị", "Loại hình", "Xã/Thị trấn", "Phân loại đơn vị"])
    for i, (name, kind, category, *_) in enumerate(UNITS, 1):
        sheet.append([i, name, kind, COMMUNE, category])
    book.save(path)
    return path


def filled_fields(page) -> dict[str, str]:
    """The form's editable fields with a value, by name (what the clerk would see typed)."""
    return page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll(
        'form#document-form input:not([type=hidden]), form#document-form textarea, '
        + 'form#document-form select'))
        .map(e => [e.name, e.type === 'checkbox' ? (e.checked ? 'y' : '') : e.value])
        .filter(([name, value]) => name && value))""")


CLASSES = {"Xuất sắc": "xuat_sac", "Khá": "kha", "Trung bình": "trung_binh", "Yếu": "yeu"}


def listed(fields: dict[str, str]) -> dict[str, tuple[str, str, str]]:
    """A document form's list of units: name → (class code, score, "An toàn" checked)."""
    rows = sorted({int(m[1]) for k in fields if (m := re.fullmatch(r"units-(\d+)-name", k))})
    return {fields[f"units-{i}-name"]: (fields.get(f"units-{i}-grade", ""),
                                        fields.get(f"units-{i}-score", ""),
                                        fields.get(f"units-{i}-safe", "")) for i in rows}


def success(page) -> str:
    return page.locator(".flash.success").inner_text()


def draft_and_issue(page, issued_on: str, symbol: str) -> None:
    """On a pre-filled document form: store the draft as it is, then issue its number on
    `issued_on` (the one value the clerk decides), with no warning to override."""
    page.click("#generate")
    assert "Đã tạo dự thảo" in success(page), page.locator(".flash, .error").all_inner_texts()
    page.fill("input#issued_on", issued_on)
    page.click("#issue")
    # A consistent year: no «Cấp số» warning (deadline, order of dates) to override.
    assert page.locator("#issue-warnings").count() == 0, \
        page.locator("#issue-warnings").inner_text()
    assert f"Đã cấp số {symbol}" in success(page), page.locator(".flash").all_inner_texts()


def create_bodies(page, server) -> None:
    for (name, abbreviation, superior, parent, proposer), signers in BODIES:
        page.goto(server + "/co-quan/moi")
        page.fill("input#name", name)
        page.fill("input#abbreviation", abbreviation)
        page.fill("input#place", "Tam Lư")
        page.fill("input#superior", superior)
        if parent:
            page.select_option("select#parent_id", label=parent)
        page.fill("input#level", "xã")
        page.fill("input#commune", COMMUNE)
        page.fill("input#proposer", proposer)
        page.click("main form button[type=submit]")
        assert page.url.endswith("/co-quan/"), page.content()
        for signer, position, authority, on_behalf in signers:
            page.locator("tr", has_text=name).locator("text=+ thêm người ký").click()
            page.fill("input#name", signer)
            page.fill("#position", position)
            if authority:
                page.select_option("select#authority", authority)
                page.fill("#on_behalf", on_behalf)
            page.click("main form button[type=submit]")
            assert page.url.endswith("/co-quan/"), page.content()


def test_a_commune_year_from_an_empty_database(server, page, tmp_path, screenshots):
    # An empty store: no body, no unit.
    page.goto(server + "/co-quan/")
    assert page.locator("table.grid tbody tr").count() == 0

    # 1. The commune's bodies and their signers, typed once.
    create_bodies(page, server)
    page.screenshot(path=str(screenshots / "commune-bodies.png"), full_page=True)

    # 2. The commune's units from Excel, with their category; who decides each.
    page.goto(server + "/don-vi/")
    page.set_input_files("input[type=file]", str(units_xlsx(tmp_path / "don-vi.xlsx")))
    page.select_option("select#body_id", label=UBND)
    page.click("#import-units")
    assert f"{len(UNITS)}</b> dòng sẽ được thêm" in page.content()
    page.click("#apply-import")
    assert success(page).startswith(f"Đã nhập: thêm {len(UNITS)} đơn vị")
    page.goto(server + f"/don-vi/?year={YEAR}")
    deciders = {r[1]: r[5] for r in (row.split("\t") for row in
                                     page.locator("#units tbody tr").all_inner_texts())}
    assert deciders == {name: UBND for name, *_ in IN_SCOPE} | {
        KINDERGARTEN: "Ngoài phạm vi đánh giá"}, deciders
    page.screenshot(path=str(screenshots / "commune-units.png"), full_page=True)

    # 3. The year's scores and "An toàn" flags; the classes are the suggested ones.
    page.goto(server + f"/danh-gia/?year={YEAR}")
    page.select_option("select#body", label=UBND)
    page.click("main form.actions button[type=submit]")
    for name, _, _, score, safe, _ in IN_SCOPE:
        row = page.locator(f"#grid tr[data-unit='{name}']")
        row.locator("input[name$='-self_score']").fill(score)
        row.locator("input[name$='-reviewed_score']").fill(score)
        if safe:
            row.locator("input[name$='-safe']").check()
    kindergarten = page.locator(f"#grid tr[data-unit='{KINDERGARTEN}']")
    assert kindergarten.locator("input[name$='-safe'], select").count() == 0
    page.click("#save-grid")
    assert f"Đã lưu kết quả đánh giá năm {YEAR}" in success(page)
    page.click("#adopt-suggestions")  # no class chosen one by one
    assert success(page) == (f"Đã lấy mức đề xuất làm xếp loại quyết định năm {YEAR} cho "
                             f"{len(IN_SCOPE)} đơn vị.")
    grid = {name: page.locator(f"#grid tr[data-unit='{name}'] select[name$='-decided'] "
                               "option:checked").inner_text() for name, *_ in IN_SCOPE}
    assert grid == {name: suggested for name, *_, suggested in IN_SCOPE}, grid
    page.screenshot(path=str(screenshots / "commune-grid.png"), full_page=True)

    # 4. The plan of the commune's Steering Committee, pre-filled from the store and the
    # calendar (Quý I: Circular 124 khoản 1 of Điều 4–7).
    page.goto(server + "/van-ban/")
    page.select_option("select#body", label=BCD)
    page.fill("input#year", str(YEAR))
    page.click("#kind-plan")
    plan = filled_fields(page)
    assert plan["issuer-name"] == BCD and plan["issuer-superior"] == "UBND xã Tam Lư"
    assert plan["signer-name"] == "Hà Văn Phong"
    assert (plan["level"], plan["sublevel"], plan["standing_body"]) == ("xã", "bản",
                                                                        "Công an xã")
    assert plan["report_to"] == "Công an tỉnh Thanh Hóa"
    assert plan["plan_deadline"] == plan["units_deadline"] == f"{YEAR}-03-31"
    assert (plan["decision-number"], plan["decision-date"]) == ("510/QĐ-BCA-V05", "2022-01-20")
    # The province's plan is not in this store (the form says so): its citation is the one
    # thing the clerk copies from the paper they received.
    assert f"Chưa tìm thấy kế hoạch năm {YEAR} của cấp trên" in page.locator(".flash").inner_text()
    for name, value in SUPERIOR_PLAN.items():
        page.fill(f"input#basis_plan-{name}", value)
    typed = {k for k, v in filled_fields(page).items() if plan.get(k) != v}
    assert typed == {f"basis_plan-{name}" for name in SUPERIOR_PLAN}, typed
    draft_and_issue(page, f"{YEAR}-03-10", "01/KH-BCĐ")

    # 5. The police's Tờ trình: its scored list is the grid's, without the kindergarten.
    page.goto(server + "/van-ban/")
    page.select_option("select#body", label=POLICE)
    page.fill("input#year", str(YEAR))
    page.click("#kind-proposal")
    proposal = filled_fields(page)
    assert proposal["addressees"] == UBND and proposal["signer-name"] == "Lương Văn Tâm"
    assert proposal["plan_reference"] == (
        f"Kế hoạch số 01/KH-BCĐ ngày 10 tháng 3 năm {YEAR} của {BCD}")
    assert listed(proposal) == {name: (CLASSES[grid[name]], score, "y" if safe else "")
                                for name, _, _, score, safe, _ in IN_SCOPE}
    assert KINDERGARTEN in page.locator(".flash").inner_text()  # named, with the rule's source
    page.screenshot(path=str(screenshots / "commune-proposal.png"), full_page=True)
    draft_and_issue(page, f"{YEAR}-11-10", "01/TTr-CAX")

    # 6. The People's Committee's decision follows the issued Tờ trình, from the register.
    page.goto(server + "/van-ban/")
    page.select_option("select#body", label=UBND)
    page.fill("input#year", str(YEAR))
    page.click("#kind-decision")
    decision = filled_fields(page)
    assert decision["proposer"] == "Trưởng Công an xã"
    assert decision["proposal"] == f"Tờ trình số 01/TTr-CAX ngày 10 tháng 11 năm {YEAR}"
    assert decision["signer-name"] == "Hà Văn Phong" and decision["signer-authority"] == "TM."
    assert {name: grade for name, (grade, _, _) in listed(decision).items()} == {
        name: CLASSES[grid[name]] for name, *_ in IN_SCOPE}
    draft_and_issue(page, f"{YEAR}-11-14", "01/QĐ-UBND")
    page.screenshot(path=str(screenshots / "commune-decision.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#download-docx")
    data = Path(info.value.path()).read_bytes()
    body = texts(data)
    assert "Số: 01/QĐ-UBND" in body
    assert f"Tam Lư, ngày 14 tháng 11 năm {YEAR}" in body
    assert (f"Theo đề nghị của Trưởng Công an xã tại Tờ trình số 01/TTr-CAX ngày 10 tháng 11 "
            f"năm {YEAR}.") in body, body
    classes = {row[1]: row[3] for row in table_rows(data) if len(row) == 5 and row[0].isdigit()}
    assert classes == grid, classes
    assert not any(KINDERGARTEN in line for line in body)

    # 7. «Hồ sơ năm»: the plan, the Tờ trình and the decision issued, nothing inconsistent.
    page.goto(server + f"/ho-so-nam/?year={YEAR}")
    page.select_option("select#body", label=UBND)
    page.click("main form.actions button[type=submit]")
    page.screenshot(path=str(screenshots / "commune-dossier.png"), full_page=True)
    assert page.locator("#dossier-ok").count() == 1, page.locator("#findings").inner_text()
    for label, paper in [
            ("Kế hoạch về bảo đảm an ninh, trật tự",
             f"Kế hoạch số 01/KH-BCĐ ngày 10/03/{YEAR} — {BCD}"),
            ("Tờ trình đề nghị xét duyệt, công nhận (kèm",
             f"Tờ trình số 01/TTr-CAX ngày 10/11/{YEAR} — {POLICE}"),
            ("Quyết định công nhận kết quả đánh giá, phân loại",
             f"Quyết định số 01/QĐ-UBND ngày 14/11/{YEAR} — {UBND}")]:
        row = page.locator("#checklist tbody tr", has_text=label).inner_text().split("\t")
        assert row[1:] == ["Đã ban hành", paper], row
    # What this walk does not make (registrations, the report, minutes…) is listed as
    # missing, never as an inconsistency.
    assert page.locator("#findings").count() == 0
