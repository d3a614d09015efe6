"""The web form through Flask's test client: every page, every form, CSRF, messages."""

from __future__ import annotations

import io
import re
import threading
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from docgen import store as q
from docgen.jobs import handler
from helpers import login, table_rows, texts


def token(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]


def html(response) -> str:
    return response.get_data(as_text=True)


def unit_id(db, name: str) -> int:
    with db.session(readonly=True) as s:
        return next(u.id for u in q.list_units(s) if u.name == name)


def body_id(db, abbreviation: str) -> int:
    with db.session(readonly=True) as s:
        return next(b.id for b in q.list_bodies(s) if b.abbreviation == abbreviation)


def body_named(db, name: str) -> int:
    with db.session(readonly=True) as s:
        return next(b.id for b in q.list_bodies(s) if b.name == name)


NA_MEO = "Ủy ban nhân dân xã Na Mèo"  # the commune's body: it assesses its residential areas


PAGES = [
    pytest.param("/", "Văn bản phong trào toàn dân", id="home"),
    pytest.param("/co-quan/", "Lò Văn Hùng", id="bodies and signers"),
    pytest.param("/co-quan/moi", "Thêm cơ quan", id="new body"),
    pytest.param("/don-vi/", "Bản Na Mèo", id="units"),
    pytest.param("/don-vi/moi", "Thêm đơn vị", id="new unit"),
    pytest.param("/danh-gia/?year=2022", "Chính sách xếp loại mẫu", id="assessment grid"),
    pytest.param("/van-ban/", "Quyết định công nhận", id="document kinds"),
    pytest.param("/so-van-ban/", "Sổ văn bản đi", id="register"),
    pytest.param("/cam-ket/", "Bản cam kết hàng loạt", id="batch commitments"),
    pytest.param("/dang-ky/", "Bản đăng ký hàng loạt", id="batch registrations"),
]


@pytest.mark.parametrize("url, text", PAGES)
def test_every_page_answers_in_vietnamese(client, url, text):
    response = client.get(url)
    assert response.status_code == 200
    assert text in html(response)
    assert 'lang="vi"' in html(response)


def test_unknown_pages_and_records_give_a_vietnamese_404(client):
    for url in ("/khong-co", "/don-vi/99999", "/co-quan/99999", "/so-van-ban/99999",
                "/van-ban/khong-co/moi"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Không tìm thấy" in html(response)


@pytest.mark.parametrize("url, data", [
    pytest.param("/co-quan/moi", {"name": "X"}, id="body form"),
    pytest.param("/don-vi/moi", {"name": "X"}, id="unit form"),
    pytest.param("/danh-gia/", {"year": "2022"}, id="assessment grid"),
    pytest.param("/cam-ket/", {"fmt": "docx"}, id="batch form"),
    pytest.param("/dang-ky/", {"fmt": "docx"}, id="registration batch form"),
])
def test_post_without_csrf_token_is_refused(client, url, data):
    response = client.post(url, data=data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert "CSRF" in html(response)


def test_body_form_shows_messages_next_to_fields_and_keeps_input(client):
    t = token(client, "/co-quan/moi")
    response = client.post("/co-quan/moi", data={"csrf_token": t, "name": "Công an xã Na Mèo",
                                                 "abbreviation": "CAX", "place": ""})
    page = html(response)
    assert response.status_code == 422
    assert 'value="Công an xã Na Mèo"' in page  # what was typed is kept
    field = page.split('name="place"')[1].split("</div>\n  </div>")[0]
    assert "Địa danh không được để trống" in field
    response = client.post("/co-quan/moi", data={"csrf_token": t, "name": "Công an xã Na Mèo",
                                                 "abbreviation": "CA XA", "place": "Na Mèo"})
    assert response.status_code == 422
    assert "không được chứa dấu cách" in html(response)


def test_body_and_signer_are_saved(client, db):
    t = token(client, "/co-quan/moi")
    response = client.post("/co-quan/moi", data={
        "csrf_token": t, "name": "Công an xã Na Mèo", "abbreviation": "CAX", "place": "Na Mèo",
        "superior": "Công an tỉnh Thanh Hóa", "parent_id": "", "level": "xã",
        "commune": "Xã Na Mèo", "proposer": ""})
    assert response.status_code == 302
    new_id = body_id(db, "CAX")
    t = token(client, f"/co-quan/{new_id}/nguoi-ky/moi")
    bad = client.post(f"/co-quan/{new_id}/nguoi-ky/moi", data={
        "csrf_token": t, "name": "Vi Văn Lả", "position": "Phó Trưởng Công an xã",
        "authority": "KT.", "on_behalf": "", "active": "y"})
    assert bad.status_code == 422 and "thay mặt / ký thay cho" in html(bad)
    good = client.post(f"/co-quan/{new_id}/nguoi-ky/moi", data={
        "csrf_token": t, "name": "Vi Văn Lả", "position": "Phó Trưởng Công an xã",
        "authority": "KT.", "on_behalf": "Trưởng Công an xã", "active": "y"})
    assert good.status_code == 302
    assert "Vi Văn Lả" in html(client.get("/co-quan/"))


def test_unit_search_ignores_diacritics_and_case(client):
    page = html(client.get("/don-vi/?q=BAN NA MEO"))
    assert "Bản Na Mèo" in page and "Bản Sa Ná" not in page


def test_unit_form_refuses_duplicates_and_saves_hostile_names(client, db):
    t = token(client, "/don-vi/moi")
    ubnd = str(body_id(db, "UBND"))
    dup = client.post("/don-vi/moi", data={"csrf_token": t, "name": "xã na mèo",
                                           "kind": "xa", "body_id": ubnd})
    assert dup.status_code == 422 and "Xã Na Mèo" in html(dup)
    name = 'Công ty TNHH A & B <Chi nhánh> "Sơn Hà"'
    ok = client.post("/don-vi/moi", data={"csrf_token": t, "name": name, "kind": "doanh_nghiep",
                                          "body_id": ubnd, "commune": "", "note": ""})
    assert ok.status_code == 302
    page = html(client.get("/don-vi/"))
    assert "Công ty TNHH A &amp; B &lt;Chi nhánh&gt; &#34;Sơn Hà&#34;" in page


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_units_import_previews_then_applies(client, db):
    data = _xlsx([["Tên đơn vị", "Loại hình", "Xã/Thị trấn", "Ghi chú"],
                  ["Bản Hậu", "Khu dân cư", "Xã Na Mèo", ""],
                  ["Bản Na Mèo", "khu dan cu", "Xã Na Mèo", "Bản biên giới, cửa khẩu"],
                  ["", "Cơ quan", "", ""],
                  ["Trường Mầm non Sơn Thủy", "Nhà trẻ tư", "", ""]])
    t = token(client, "/don-vi/")
    preview = client.post("/don-vi/nhap", data={"csrf_token": t,
                                                "body_id": str(body_named(db, NA_MEO)),
                                                "file": (io.BytesIO(data), "don-vi.xlsx")},
                          content_type="multipart/form-data")
    page = html(preview)
    assert preview.status_code == 200
    assert "Bản Hậu" in page and "Thêm mới" in page and "Cập nhật" in page
    rejected = page.split('id="rejects"')[1].split("</table>")[0]
    rejects = re.findall(r'<td class="num">(\d+)</td><td>([^<]+)</td>', rejected)
    assert {int(r) for r, _ in rejects} == {4, 5}
    assert "Bản Hậu" not in html(client.get("/don-vi/"))  # nothing written by the preview
    token_value = re.search(r'name="token" value="([0-9a-f]+)"', page)[1]
    applied = client.post("/don-vi/nhap/xac-nhan", data={
        "csrf_token": t, "token": token_value, "body_id": str(body_named(db, NA_MEO))})
    assert applied.status_code == 302
    assert "Bản Hậu" in html(client.get("/don-vi/"))


@pytest.mark.parametrize("payload, name, words", [
    pytest.param(b"not a spreadsheet at all", "x.xlsx", "không phải", id="random bytes"),
    pytest.param(b"Ten don vi,Loai hinh\nA,Co quan\n", "x.xlsx", "không phải", id="csv renamed"),
    pytest.param(b"\xd0\xcf\x11\xe0" + b"\0" * 600, "x.xls", "xlsx", id="old xls"),
])
def test_broken_excel_gets_a_message_not_a_500(client, db, payload, name, words):
    t = token(client, "/don-vi/")
    response = client.post("/don-vi/nhap", data={"csrf_token": t,
                                                 "body_id": str(body_id(db, "UBND")),
                                                 "file": (io.BytesIO(payload), name)},
                           content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200
    assert words in html(response)


def test_upload_over_the_limit_is_refused_with_a_message(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    t = token(client, "/don-vi/")
    response = client.post("/don-vi/nhap", data={"csrf_token": t, "body_id": "1",
                                                 "file": (io.BytesIO(b"x" * 5000), "big.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "vượt quá giới hạn" in html(response)


def grid_form(client, year=2022, body=None) -> tuple[str, dict]:
    page = html(client.get(f"/danh-gia/?year={year}" + (f"&body={body}" if body else "")))
    t = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    body = re.search(r'name="body" value="(\d+)"', page)[1]
    return t, {"csrf_token": t, "body": body, "year": str(year)}


def test_assessment_grid_refuses_bad_scores_and_missing_reasons(client, db):
    _, form = grid_form(client, body=body_named(db, NA_MEO))
    na_meo, sa_na = unit_id(db, "Bản Na Mèo"), unit_id(db, "Bản Sa Ná")
    form.update({f"a-{na_meo}-reviewed_score": "150", f"a-{sa_na}-reviewed_score": "95",
                 f"a-{sa_na}-safe": "1", f"a-{sa_na}-decided": "Khá", f"a-{sa_na}-reason": ""})
    response = client.post("/danh-gia/", data=form)
    page = html(response)
    assert response.status_code == 422
    assert 'value="150"' in page  # typed value kept
    assert "0" in page and "100" in page and "cần ghi lý do" in page
    with db.session(readonly=True) as s:
        assert q.get_assessment(s, na_meo, 2022).reviewed_score != 150


def test_assessment_grid_saves_and_summary_counts(client, db):
    _, form = grid_form(client, 2023, body=body_named(db, NA_MEO))
    na_meo = unit_id(db, "Bản Na Mèo")
    form.update({f"a-{na_meo}-reviewed_score": "93", f"a-{na_meo}-safe": "1",
                 f"a-{na_meo}-decided": "Xuất sắc"})
    assert client.post("/danh-gia/", data=form).status_code == 302
    with db.session(readonly=True) as s:
        row = q.get_assessment(s, na_meo, 2023)
        assert (row.reviewed_score, row.safe, row.suggested, row.decided) == \
            (93, True, "xuat_sac", "xuat_sac")
    page = html(client.get(f"/danh-gia/?year=2023&body={body_named(db, NA_MEO)}"))
    summary = page.split('id="summary"')[1].split("</table>")[0]
    khu = re.search(r"<td>Khu dân cư</td>\s*<td class=\"num\">(\d+)</td>", summary)
    assert khu[1] == "1"


def test_outcomes_export_opens_and_lists_units(client, db):
    response = client.get(f"/danh-gia/xuat.xlsx?body={body_named(db, NA_MEO)}&year=2022")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    values = [c.value for row in book.active.iter_rows() for c in row]
    assert "Bản Na Mèo" in values


def _make_decision(client, db) -> int:
    ubnd = body_id(db, "UBND")
    url = f"/van-ban/decision/moi?body={ubnd}&year=2022"
    page = html(client.get(url))
    assert "Xã Na Mèo" in page
    form = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        form[name] = value.replace("&amp;", "&").replace("&#34;", '"').replace("&#39;", "'") \
            .replace("&lt;", "<").replace("&gt;", ">")
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', page,
                                 re.S):
        form[name] = body.replace("&amp;", "&").replace("&#34;", '"').replace("&lt;", "<") \
            .replace("&gt;", ">").replace("&#39;", "'")
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', options) or \
            re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', options) or \
            re.search(r'<option[^>]*value="([^"]*)"', options)
        form[name] = chosen[1] if chosen else ""
    form["body_id"] = str(ubnd)
    form["created_by"] = "Hà Thị Thu"
    response = client.post(url, data=form)
    assert response.status_code == 302, html(response)[:3000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_decision_is_generated_issued_and_downloaded(client, db):
    doc_id = _make_decision(client, db)
    page = html(client.get(f"/so-van-ban/{doc_id}"))
    assert "Dự thảo" in page and "Cấp số" in page
    draft = client.get(f"/so-van-ban/{doc_id}/tai-ve.docx").data
    assert "Số:      /QĐ-UBND" in texts(draft)
    t = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    # The sample register's Báo cáo 389/BC-CAH of 01/12/2022 predates a decision issued in
    # 2023: the year's dossier warns, and «Vẫn cấp số» confirms for that very date.
    issued = client.post(f"/so-van-ban/{doc_id}/cap-so",
                         data={"csrf_token": t, "issued_on": "2023-02-10"}, follow_redirects=True)
    assert "Chưa cấp số" in html(issued) and "389/BC-CAH" in html(issued)
    issued = client.post(f"/so-van-ban/{doc_id}/cap-so",
                         data={"csrf_token": t, "issued_on": "2023-02-10",
                               "confirm": "2023-02-10"}, follow_redirects=True)
    assert "Đã cấp số 01/QĐ-UBND" in html(issued)
    final = client.get(f"/so-van-ban/{doc_id}/tai-ve.docx")
    assert "attachment" in final.headers["Content-Disposition"]
    body = texts(final.data)
    assert "Số: 01/QĐ-UBND" in body and "Quan Sơn, ngày 10 tháng 02 năm 2023" in body
    names = {row[1] for row in table_rows(final.data) if len(row) == 5}
    assert "Xã Na Mèo" in names
    assert "Công ty Cổ phần Lâm sản 'Mường Mìn' <Chi nhánh Quan Sơn>" in names
    again = client.post(f"/so-van-ban/{doc_id}/cap-so",
                        data={"csrf_token": t, "issued_on": "2023-02-11"}, follow_redirects=True)
    assert "không cấp số lần nữa" in html(again)
    register = html(client.get("/so-van-ban/"))
    assert "01/QĐ-UBND" in register and "Hà Thị Thu" in register
    book = openpyxl.load_workbook(io.BytesIO(client.get("/so-van-ban/xuat.xlsx").data))
    assert any(c.value == "01/QĐ-UBND" for row in book.active.iter_rows() for c in row)


def test_unit_in_a_document_cannot_be_deleted(client, db):
    _make_decision(client, db)
    na_meo = unit_id(db, "Xã Na Mèo")
    t = token(client, "/don-vi/")
    response = client.post(f"/don-vi/{na_meo}/xoa", data={"csrf_token": t}, follow_redirects=True)
    assert "Không xóa được đơn vị «Xã Na Mèo»" in html(response)
    assert "Xã Na Mèo" in html(client.get("/don-vi/"))


def test_document_form_shows_schema_messages_next_to_fields(client, db):
    ubnd = body_id(db, "UBND")
    url = f"/van-ban/decision/moi?body={ubnd}&year=2022"
    t = token(client, url)
    response = client.post(url, data={"csrf_token": t,
                                      "issuer-name": "Ủy ban nhân dân huyện Quan Sơn",
                                      "issuer-abbreviation": "UBND", "issuer-place": "Quan Sơn",
                                      "year": "20x2", "signer-name": "Lò Văn Hùng",
                                      "signer-authority": "KT.", "signer-on_behalf": "Chủ tịch",
                                      "signer-position": "Phó Chủ tịch", "proposer": "",
                                      "units-0-name": "Bản\x0bBôn", "units-0-kind": "Khu dân cư",
                                      "units-0-grade": "Khá"})
    page = html(response)
    assert response.status_code == 422
    assert "«20x2» không phải số nguyên" in page
    assert "U+000B" in page
    assert "thiếu theo đề nghị của" in page.lower() or "không được để trống" in page


def run_batch(client, form: dict, *, seconds: float = 60, url: str = "/cam-ket/"):
    """POST a batch form, follow it to its job page and wait there, as the page's
    refresh does, until the job ends; (last page, its status)."""
    response = client.post(url, data=form, content_type="multipart/form-data")
    assert response.status_code == 302, html(response)[:2000]
    job_url = response.headers["Location"]
    assert job_url.startswith("/viec/")
    deadline = time.monotonic() + seconds
    while True:
        page = client.get(job_url)
        state = re.search(r'data-state="(\w+)"', html(page))[1]
        if state in ("done", "failed") or time.monotonic() > deadline:
            return page, state
        assert '<meta http-equiv="refresh" content="1">' in html(page)
        time.sleep(0.1)


def job_download(client, page):
    link = re.search(r'id="job-download" href="([^"]+)"', html(page))
    assert link, html(page)[:2000]
    response = client.get(link[1])
    response.get_data()  # read (and keep) the file the response streams, then close it
    response.close()
    return response


def test_batch_commitments_of_a_residential_area(client, db):
    na_meo = unit_id(db, "Bản Na Mèo")
    page, state = run_batch(client, {"csrf_token": token(client, "/cam-ket/"),
                                     "unit_id": str(na_meo), "year": "2022", "fmt": "docx"})
    assert state == "done" and "Đã tạo 5 bản cam kết" in html(page)
    response = job_download(client, page)
    assert response.status_code == 200
    assert response.headers["X-Docgen-Forms"] == "5"
    assert "cam-ket-ban-na-meo-2022.docx" in response.headers["Content-Disposition"]
    body = texts(response.data)
    assert sum(1 for t in body if t == "BẢN CAM KẾT") == 5
    for name in ("Lò Văn Xuân", "Vi Thị Hoa", "Phạm Bá Tình"):
        assert any(name in line for line in body)
    assert job_download(client, page).data == response.data  # kept for a second download
    with db.session(readonly=True) as s:
        entry = next(e for e in q.list_audit(s) if e.action == "tạo bản cam kết hàng loạt")
    assert (entry.action, entry.target, entry.detail) == \
        ("tạo bản cam kết hàng loạt", "Bản Na Mèo", "5 mẫu, docx")


def _household_list(rows) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["STT", "Họ và tên", "Năm sinh", "Số CCCD", "Địa chỉ"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_batch_from_an_uploaded_list_names_the_rows_it_skipped(client, db):
    upload = _household_list([[1, "Lò Văn An & <Con>", 1970, "038070000001", "Nhà 1"],
                              [2, "", 1971, "038070000002", "Nhà 2"],
                              [3, "Vi Thị Bình", "năm kia", "038070000003", "Nhà 3"],
                              [4, "Hà Văn Cường", 1972, "038070000004", "Nhà 4"]])
    page, state = run_batch(client, {
        "csrf_token": token(client, "/cam-ket/"), "unit_id": str(unit_id(db, "Bản Na Mèo")),
        "year": "2022", "fmt": "zip", "file": (io.BytesIO(upload), "danh-sach.xlsx")})
    assert state == "done" and "Đã tạo 2 bản cam kết" in html(page)
    listed = html(page).split('id="job-problems"')[1].split("<tbody>")[1]
    problems = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r)]
                for r in re.findall(r"<tr>(.*?)</tr>", listed)]
    assert [(row, column) for row, column, _ in problems] == [("3", "Họ và tên"),
                                                             ("4", "Năm sinh")]
    assert "Các dòng bị bỏ qua (2 dòng)" in html(page)
    response = job_download(client, page)
    assert response.headers["X-Docgen-Skipped"] == "2"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        names = archive.namelist()
        first = texts(archive.read(names[0]))
    assert names == ["0002-lo-van-an-con.docx", "0005-ha-van-cuong.docx"]
    assert any("Lò Văn An & <Con>" in line for line in first)


def test_a_batch_from_an_uploaded_list_of_several_areas_is_named_after_the_list(client, db):
    """Issue 12: each form is dated at its own area's place, and the job and its file carry
    the list's name, not the area picked in the dropdown."""
    book = openpyxl.Workbook()
    book.active.append(["Họ và tên", "Năm sinh", "Khu dân cư", "Xã"])
    book.active.append(["Lò Văn An", 1970, "Bản Hạ", "Xã Trung Hạ"])
    book.active.append(["Vi Thị Bình", 1971, "Bản Pọng", "Xã Sơn Thủy"])
    upload = io.BytesIO()
    book.save(upload)
    page, state = run_batch(client, {
        "csrf_token": token(client, "/cam-ket/"), "unit_id": str(unit_id(db, "Bản Na Mèo")),
        "year": "2022", "fmt": "zip",
        "file": (io.BytesIO(upload.getvalue()), "Danh sách hộ hai xã.xlsx")})
    assert state == "done" and "Danh sách hộ hai xã" in html(page)
    assert "Bản Na Mèo" not in html(page).split("<main")[1]
    response = job_download(client, page)
    assert "cam-ket-danh-sach-ho-hai-xa-2022.zip" in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        forms = [" ".join(texts(archive.read(n))) for n in archive.namelist()]
    assert len(forms) == 2
    assert "Trung Hạ, ngày" in forms[0] and "Sơn Thủy, ngày" in forms[1]
    assert all("Na Mèo" not in form for form in forms)


def test_a_batch_job_is_only_its_owners(client, app, db):
    page, state = run_batch(client, {"csrf_token": token(client, "/cam-ket/"),
                                     "unit_id": str(unit_id(db, "Bản Na Mèo")), "year": "2022",
                                     "fmt": "docx"})
    job_url = re.search(r'id="job-download" href="([^"]+)"', html(page))[1].rsplit("/", 1)[0]
    with db.session() as s:
        q.save_user(s, username="vanthu.khac", full_name="Văn thư khác", role=q.ROLE_DISTRICT,
                    password="mat-khau-van-thu-khac", must_change=False)
    other = app.test_client()
    assert login(other, "vanthu.khac", "mat-khau-van-thu-khac").status_code == 302
    gone = other.get(job_url)
    assert gone.status_code == 404 and "Không tìm thấy việc này" in html(gone)
    refused = other.get(job_url + "/tai-ve")
    assert refused.status_code == 404
    refused.close()
    assert client.get("/viec/khong-co-viec-nay").status_code == 404


RELEASE = threading.Event()


@handler("test.progress_then_fail")
def _progress_then_fail(job) -> None:
    job.progress(2, 5, "Đang điền bản cam kết")
    RELEASE.wait(30)
    raise RuntimeError("the worker failed")


def test_a_batch_job_shows_its_progress_while_it_runs(client, app, db):
    RELEASE.clear()
    with db.session(readonly=True) as s:
        admin = next(u for u in q.list_users(s) if u.username == "admin")
    job = app.extensions["docgen_jobs"].start(admin.id, "Việc thử", "test.progress_then_fail", {})
    url = f"/viec/{job.id}"
    for _ in range(100):
        page = html(client.get(url))
        if "2/5" in page:
            break
        time.sleep(0.05)
    assert "Đang điền bản cam kết: 2/5 bản" in page and 'value="40"' in page
    assert '<meta http-equiv="refresh" content="1">' in page
    RELEASE.set()
    for _ in range(100):
        page = html(client.get(url))
        if 'data-state="failed"' in page:
            break
        time.sleep(0.05)
    assert "Đã có lỗi ngoài dự kiến" in page and "refresh" not in page
    assert list(Path(app.instance_path).glob("tmp/*/docgen-batch-*")) == []


def test_batch_of_an_area_without_households_says_so(client, db):
    bon = unit_id(db, "Bản Sa Ná")  # a residential area with no household list
    t = token(client, "/cam-ket/")
    response = client.post("/cam-ket/", data={"csrf_token": t, "unit_id": str(bon), "year": "2022",
                                              "fmt": "zip"}, follow_redirects=True)
    assert "chưa có danh sách hộ" in html(response)


def test_blank_household_list_opens_in_excel(client):
    response = client.get("/cam-ket/danh-sach-mau.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    headers = [c.value for c in next(book.worksheets[0].iter_rows(max_row=1))]
    assert "Họ và tên" in headers


def _submit_prefilled(client, url: str, extra: dict | None = None):
    """GET a generated document form and POST it back as the browser would."""
    page = html(client.get(url))
    unescape = lambda v: (v.replace("&lt;", "<").replace("&gt;", ">").replace("&#34;", '"')  # noqa: E731
                          .replace("&#39;", "'").replace("&amp;", "&"))
    form = {n: unescape(v)
            for n, v in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)}
    for n, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', page, re.S):
        form[n] = unescape(body)
    for n, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', options) or \
            re.search(r'<option[^>]*value="([^"]*)"[^>]*selected', options) or \
            re.search(r'<option[^>]*value="([^"]*)"', options)
        form[n] = unescape(chosen[1]) if chosen else ""
    for n in re.findall(r'<input[^>]*checked[^>]*name="([^"]+)"', page) + \
            re.findall(r'<input[^>]*name="([^"]+)"[^>]*checked', page):
        form[n] = "y"
    form.update(extra or {})
    return client.post(url, data=form)


@pytest.mark.parametrize("kind, body", [("plan", "BCĐ"), ("decision", "UBND"),
                                        ("commitment", "UBND"), ("registration", "UBND"),
                                        ("report", "CAH"), ("proposal", "CAH")])
def test_every_kind_round_trips_through_its_generated_form(client, db, kind, body):
    response = _submit_prefilled(client, f"/van-ban/{kind}/moi?body={body_id(db, body)}&year=2022")
    assert response.status_code == 302, re.findall(r'role="(?:alert|status)">([^<]+)',
                                                   html(response))
    doc_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    data = client.get(f"/so-van-ban/{doc_id}/tai-ve.docx").data
    from docgen import nd30
    assert nd30.check(data) == []
    assert texts(data)


def test_without_libreoffice_the_page_says_so_and_docx_still_works(app, client, db, monkeypatch):
    monkeypatch.setenv("DOCGEN_SOFFICE", "/khong/co/soffice")
    monkeypatch.setenv("PATH", "/nonexistent")
    from docgen import pdf
    pdf.shutdown()
    doc_id = _make_decision(client, db)
    page = html(client.get(f"/so-van-ban/{doc_id}"))
    assert "chưa cài LibreOffice" in page
    assert client.get(f"/so-van-ban/{doc_id}/tai-ve.docx").status_code == 200
    response = client.get(f"/so-van-ban/{doc_id}/tai-ve.pdf", follow_redirects=True)
    assert "LibreOffice" in html(response) and "DOCX" in html(response)


def test_a_pdf_batch_without_libreoffice_says_so_and_the_docx_batch_works(client, db,
                                                                         monkeypatch):
    monkeypatch.setenv("DOCGEN_SOFFICE", "/khong/co/soffice")
    monkeypatch.setenv("PATH", "/nonexistent")
    from docgen import pdf
    pdf.shutdown()
    form = {"unit_id": str(unit_id(db, "Bản Na Mèo")), "year": "2022"}
    page, state = run_batch(client, {**form, "fmt": "pdf",
                                     "csrf_token": token(client, "/cam-ket/")})
    assert state == "failed"
    message = re.search(r'id="job-error">([^<]+)<', html(page))[1]
    assert "LibreOffice" in message and "job-download" not in html(page)
    page, state = run_batch(client, {**form, "fmt": "docx",
                                     "csrf_token": token(client, "/cam-ket/")})
    assert state == "done" and job_download(client, page).headers["X-Docgen-Forms"] == "5"


# ---- hostile text through the web forms (property tests) --------------------------------------

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402
from markupsafe import escape  # noqa: E402

HOSTILE_TEXT = st.text(alphabet=st.one_of(
    st.sampled_from(list("&<>\"'{}%_\t\n\x00\x0b\u202e\u0301") + ["😀", "ệ", "ﷺ", "𝕍"]),
    st.characters(codec="utf-8")), min_size=1, max_size=40) | st.just("x" * 100_000)
WEB_SETTINGS = dict(max_examples=25, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@settings(**WEB_SETTINGS)
@given(name=HOSTILE_TEXT, note=HOSTILE_TEXT)
def test_unit_form_never_fails_on_hostile_text(client, db, name, note):
    token_value = token(client, "/don-vi/moi")
    response = client.post("/don-vi/moi", data={"csrf_token": token_value, "name": name,
                                                "kind": "co_quan", "note": note,
                                                "body_id": str(body_id(db, "UBND"))})
    assert response.status_code in (302, 422)
    if response.status_code == 422:
        assert 'class="error"' in html(response) or 'flash error' in html(response)
        return
    with db.session(readonly=True) as s:
        saved = next(u for u in q.list_units(s) if u.id == max(x.id for x in q.list_units(s)))
    page = html(client.get(f"/don-vi/{saved.id}"))
    assert str(escape(saved.name)) in page


@settings(**WEB_SETTINGS)
@given(score=st.one_of(HOSTILE_TEXT, st.floats(allow_nan=True, allow_infinity=True).map(str),
                       st.integers(-10**30, 10**30).map(str)),
       reason=HOSTILE_TEXT)
def test_assessment_grid_never_fails_on_hostile_values(client, db, score, reason):
    _, form = grid_form(client, 2024)
    unit = unit_id(db, "Xã Na Mèo")
    form.update({f"a-{unit}-reviewed_score": score, f"a-{unit}-decided": "Khá",
                 f"a-{unit}-reason": reason})
    response = client.post("/danh-gia/", data=form)
    assert response.status_code in (302, 422)
    if response.status_code == 302:
        with db.session(readonly=True) as s:
            row = q.get_assessment(s, unit, 2024)
            assert row.reviewed_score is None or 0 <= row.reviewed_score <= 100


@settings(**WEB_SETTINGS)
@given(value=HOSTILE_TEXT)
def test_document_form_never_fails_on_hostile_text(client, db, value):
    response = _submit_prefilled(client, f"/van-ban/decision/moi?body={body_id(db, 'UBND')}"
                                 "&year=2022", {"proposer": value})
    assert response.status_code in (302, 422)
    if response.status_code == 302:
        doc_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
        data = client.get(f"/so-van-ban/{doc_id}/tai-ve.docx").data
        body = "\n".join(texts(data))
        from docgen.schema import clean_text
        said = f"Theo đề nghị của {clean_text(value).rstrip(' .;')}"
        # followed by the Tờ trình the register holds for the year, or by the full stop
        assert f"{said} tại Tờ trình số " in body or f"{said}." in body
