"""«In hàng loạt» of registration forms in the web form: the list of units pre-filled from
the store, filled with who signs, uploaded back, and printed by a job — every form read back
and checked, the skipped rows named, bad uploads refused in Vietnamese."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from docgen import nd30, store as q
from docgen.documents.registration import CRITERIA
from helpers import open_docx, pdf_text, texts
from test_web import html, job_download, run_batch, token

HEADERS = ("STT", "Tên đơn vị", "Loại hình", "Xã", "Cơ quan cấp trên", "Kính gửi", "Người ký",
           "Chức vụ", "Số hộ", "Số người", "Địa danh", "Ghi chú")


def unit_list(client, query: str = "") -> list[dict]:
    """The downloaded list of units, as one dict per row keyed by header."""
    response = client.get("/dang-ky/danh-sach.xlsx" + query)
    assert response.status_code == 200, html(response)[:500]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[:2] == ["Danh sách", "Hướng dẫn"]
    rows = list(book["Danh sách"].iter_rows(values_only=True))
    assert rows[0] == HEADERS
    return [dict(zip(HEADERS, row, strict=False)) for row in rows[1:]
            if any(v is not None for v in row)]


def workbook(rows: list[dict]) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append([row.get(h) for h in HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, data: bytes, *, name: str = "don-vi.xlsx", year: str = "2022",
           fmt: str = "docx", seconds: float = 60):
    return run_batch(client, {"csrf_token": token(client, "/dang-ky/"), "year": year,
                              "fmt": fmt, "file": (io.BytesIO(data), name)}, url="/dang-ky/",
                     seconds=seconds)


def test_the_unit_list_is_filled_from_the_store(client, db):
    rows = unit_list(client)
    with db.session(readonly=True) as s:
        units = q.list_units(s)
        na_meo = next(u for u in units if u.name == "Bản Na Mèo")
        households = len(q.list_households(s, na_meo.id))
    assert [r["Tên đơn vị"] for r in rows] == [u.name for u in units]
    assert [r["STT"] for r in rows] == list(range(1, len(units) + 1))
    row = next(r for r in rows if r["Tên đơn vị"] == "Bản Na Mèo")
    assert (row["Loại hình"], row["Xã"], row["Cơ quan cấp trên"], row["Số hộ"]) == \
        ("Khu dân cư", "Xã Na Mèo", "UBND xã Na Mèo", households) and households > 0
    commune = next(r for r in rows if r["Tên đơn vị"] == "Xã Na Mèo")
    assert commune["Kính gửi"] == "Ủy ban nhân dân huyện Quan Sơn"  # Circular 124 Điều 10.2
    assert all(r["Người ký"] is None and r["Chức vụ"] is None for r in rows)  # the clerk's part
    with db.session(readonly=True) as s:
        ubnd = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
    assert len(unit_list(client, f"?body={ubnd.id}")) == \
        sum(1 for u in units if u.body_id == ubnd.id)
    assert client.get("/dang-ky/danh-sach.xlsx?body=99999").status_code == 404
    blank = client.get("/dang-ky/danh-sach-mau.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(blank.data))["Danh sách"]
    assert next(sheet.iter_rows(values_only=True)) == HEADERS and sheet["B2"].value is None


def _signed(rows: list[dict], names: dict[str, tuple[str, str]]) -> list[dict]:
    """The rows of `names` with their signer (and a recipient for a school)."""
    out = []
    for row in rows:
        if row["Tên đơn vị"] in names:
            row = dict(row)
            row["Người ký"], row["Chức vụ"] = names[row["Tên đơn vị"]]
            if row["Loại hình"] == "Cơ sở giáo dục":
                row["Kính gửi"] = "Ủy ban nhân dân xã Na Mèo"
            out.append(row)
    return out


def test_registrations_are_printed_from_the_filled_list(client, db):
    rows = _signed(unit_list(client), {
        "Bản Na Mèo": ("Vi Văn Hoàn", "Trưởng bản"),
        "Xã Na Mèo": ("Lò Văn Lả", "Chủ tịch Ủy ban nhân dân xã"),
        "Trường PTDTBT THCS Na Mèo": ("Hà Thị Xuân", "Hiệu trưởng")})
    assert len(rows) == 3
    rows.insert(1, {"Tên đơn vị": "Bản Chưa Ghi Người Ký", "Loại hình": "Khu dân cư",
                    "Xã": "Xã Na Mèo"})
    page, state = upload(client, workbook(rows))
    assert state == "done", html(page)[:3000]
    assert "Đã tạo 3 bản đăng ký" in html(page)
    problems = re.findall(r"<tr><td class=\"num\">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td>",
                          html(page))
    assert [(row, column) for row, column, _ in problems] == [("3", "Người ký")]
    assert 'href="/dang-ky/"' in html(page)  # «Tạo đợt khác» comes back here
    response = job_download(client, page)
    assert "dang-ky-2022.docx" in response.headers["Content-Disposition"]
    assert response.headers["X-Docgen-Forms"] == "3" and response.headers["X-Docgen-Skipped"] == "1"
    data = response.data
    body = texts(data)
    assert body.count("BẢN ĐĂNG KÝ") == 3
    area = body.index("BẢN NA MÈO")  # the header: the area, its superior above it
    assert body[area - 1] == "UBND XÃ NA MÈO"
    assert "Phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2022" in body
    with db.session(readonly=True) as s:
        na_meo = next(u for u in q.list_units(s) if u.name == "Bản Na Mèo")
        households = len(q.list_households(s, na_meo.id))
    assert any(f"100% hộ gia đình đang cư trú trên địa bàn ({households} hộ)" in t for t in body)
    assert "Kính gửi:\tỦy ban nhân dân huyện Quan Sơn" in body     # the commune's
    assert "Kính gửi:\tỦy ban nhân dân xã Na Mèo" in body           # the area's and the school's
    assert any("bạo lực học đường" in t for t in body)              # the school's criteria
    items = [t for t in body if re.match(r"\d\. ", t)]
    assert len(items) == sum(len(CRITERIA[k]) for k in ("khu_dan_cu", "xa", "co_so_giao_duc"))
    for name in ("Vi Văn Hoàn", "Lò Văn Lả", "Hà Thị Xuân"):
        assert name in body
    assert "Bản Chưa Ghi Người Ký" not in " ".join(body)
    assert nd30.check(data) == []
    doc = open_docx(data)
    assert len(doc.sections) == 3  # each form numbers its own pages
    with db.session(readonly=True) as s:
        entry = next(e for e in q.list_audit(s) if e.action.startswith("tạo"))  # not the download
    assert (entry.action, entry.target, entry.detail) == \
        ("tạo bản đăng ký hàng loạt", "don-vi.xlsx", "3 mẫu, docx, bỏ qua 1 dòng lỗi")


def test_hostile_unit_names_survive_the_list_and_the_forms(client, db):
    hostile = ["=HYPERLINK(\"http://x\")", "+Bản & <Mới>", "Bản \"Hai\" 'Ba'", "-1 Bản",
               "@Bản Na"]
    with db.session() as s:
        ubnd = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
        for name in hostile:
            q.save_unit(s, name=name, kind="khu_dan_cu", commune="Xã Na Mèo", body_id=ubnd.id)
    response = client.get(f"/dang-ky/danh-sach.xlsx?body={ubnd.id}")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data))["Danh sách"]
    cells = [c for c in sheet["B"][1:] if c.value is not None]
    assert all(c.data_type == "s" for c in cells)                 # text, never a formula
    # A formula-like name shows with an apostrophe in Excel, which the upload takes off.
    listed = {("'" + n if n[0] in "=+-@" else n): ("Vi Văn Hoàn", "Trưởng bản") for n in hostile}
    rows = _signed(unit_list(client, f"?body={ubnd.id}"), listed)
    assert len(rows) == len(hostile)
    page, state = upload(client, workbook(rows), fmt="zip")
    assert state == "done" and f"Đã tạo {len(hostile)} bản đăng ký" in html(page)
    with zipfile.ZipFile(io.BytesIO(job_download(client, page).data)) as archive:
        printed = [texts(archive.read(n))[1] for n in archive.namelist()]
    assert printed == [name.upper() for name in hostile]


@pytest.mark.parametrize("data, name, year, message", [
    pytest.param(None, None, "2022", "Hãy chọn tệp Excel danh sách đơn vị", id="no file"),
    pytest.param(b"PK\x03\x04 not a workbook", "don-vi.xlsx", "2022", "don-vi.xlsx",
                 id="broken workbook"),
    pytest.param(b"", "don-vi.xlsx", "2022", "don-vi.xlsx", id="empty file"),
    pytest.param("Họ và tên,Năm sinh\nLò Văn An,1970\n".encode(), "ho.csv", "2022",
                 "Tên đơn vị", id="a household list"),
    pytest.param(workbook([]), "don-vi.xlsx", "20x2", "Năm «20x2» không hợp lệ", id="bad year"),
])
def test_a_bad_upload_is_refused_in_vietnamese_and_starts_no_job(client, app, data, name, year,
                                                                  message):
    form = {"csrf_token": token(client, "/dang-ky/"), "year": year, "fmt": "docx"}
    if data is not None:
        form["file"] = (io.BytesIO(data), name)
    response = client.post("/dang-ky/", data=form, content_type="multipart/form-data",
                           follow_redirects=True)
    assert response.status_code == 200
    page = html(response)
    assert "Bản đăng ký hàng loạt" in page and message in page
    assert "Traceback" not in page
    assert not list(Path(app.instance_path).glob("tmp/*/docgen-batch-*"))


def test_the_batch_pages_are_tabs_of_one_menu_entry(client):
    for url in ("/cam-ket/", "/dang-ky/"):
        page = html(client.get(url))
        assert '>In hàng loạt</a>' in page
        assert 'href="/cam-ket/"' in page and 'href="/dang-ky/"' in page
        assert re.search(rf'href="{url}"\s+class="active" aria-current="page"', page)
    home = html(client.get("/"))
    # the menu, and the card of every kind printed in bulk
    from webform.views.batch import BULK_PAGES
    assert home.count(">In hàng loạt</a>") == 1 + len(BULK_PAGES)
    kinds = html(client.get("/van-ban/"))
    assert "Soạn kế hoạch triển khai Quyết định 510" in kinds
    assert "Soạn bản cam kết thực hiện tiêu chuẩn “An toàn về an ninh, trật tự”" in kinds


def test_registrations_as_one_pdf(client):
    rows = _signed(unit_list(client), {"Bản Na Mèo": ("Vi Văn Hoàn", "Trưởng bản"),
                                       "Bản Sa Ná": ("Hà Văn Bôn", "Trưởng bản")})
    page, state = upload(client, workbook(rows), fmt="pdf", seconds=180)
    assert state == "done", html(page)[-2000:]
    response = job_download(client, page)
    assert response.mimetype == "application/pdf"
    assert "dang-ky-2022.pdf" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert text.count("BẢN ĐĂNG KÝ") == 2
    assert "Vi Văn Hoàn" in text and "Hà Văn Bôn" in text
    assert "Phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2022" in text


def test_a_hostile_file_name_is_recorded_clean(client, db):
    rows = _signed(unit_list(client), {"Bản Na Mèo": ("Vi Văn Hoàn", "Trưởng bản")})
    name = "=danh\x00sách\x1b[31m đơn vị <b>&amp;".replace("a\u0301", "á") + ".xlsx"
    decomposed = name.replace("á", "a\u0301")  # as macOS sends it
    page, state = upload(client, workbook(rows), name=decomposed)
    assert state == "done" and "Đã tạo 1 bản đăng ký" in html(page)
    with db.session(readonly=True) as s:
        entry = next(e for e in q.list_audit(s) if e.action.startswith("tạo"))  # not the download
    assert entry.target == "=danhsách[31m đơn vị <b>&amp;.xlsx"  # NFC, no control characters
    log = client.get("/nhat-ky/")
    assert "=danhsách[31m đơn vị &lt;b&gt;&amp;amp;.xlsx" in html(log)
    export = client.get("/nhat-ky/xuat.xlsx")
    assert export.status_code == 200
    cells = [c.value for row in openpyxl.load_workbook(io.BytesIO(export.data)).active
             for c in row]
    assert "'=danhsách[31m đơn vị <b>&amp;.xlsx" in cells  # and no formula


def test_the_date_and_the_plan_are_printed_on_every_form(client):
    rows = _signed(unit_list(client), {"Bản Na Mèo": ("Vi Văn Hoàn", "Trưởng bản"),
                                       "Xã Na Mèo": ("Lò Văn Lả", "Chủ tịch")})
    plan = ("Kế hoạch số 45/KH-BCĐ ngày 09 tháng 5 năm 2022 của Ban Chỉ đạo 138 huyện Quan "
            "Sơn & <Công an>")
    page, state = run_batch(client, {
        "csrf_token": token(client, "/dang-ky/"), "year": "2022", "fmt": "docx",
        "date": "2022-05-16", "plan_reference": plan,
        "file": (io.BytesIO(workbook(rows)), "don-vi.xlsx")}, url="/dang-ky/")
    assert state == "done" and "Đã tạo 2 bản đăng ký" in html(page)
    body = texts(job_download(client, page).data)
    assert body.count("Na Mèo, ngày 16 tháng 5 năm 2022") == 2
    assert body.count(f"Căn cứ {plan}.") == 2


@pytest.mark.parametrize("field, value, message", [
    ("date", "2019-05-16", "Ngày đăng ký 16/05/2019 không thuộc năm 2022 hoặc năm trước đó"),
    ("date", "16/5/22x", "Ngày đăng ký: "),
    ("plan_reference", "x" * 301, "Thực hiện kế hoạch: dài 301 ký tự, vượt quá giới hạn 300"),
    ("plan_reference", "Kế hoạch\x07số 45", "Thực hiện kế hoạch: chứa ký tự điều khiển"),
])
def test_a_bad_shared_value_is_refused_before_any_job(client, app, field, value, message):
    rows = _signed(unit_list(client), {"Bản Na Mèo": ("Vi Văn Hoàn", "Trưởng bản")})
    response = client.post("/dang-ky/", data={
        "csrf_token": token(client, "/dang-ky/"), "year": "2022", "fmt": "docx", field: value,
        "file": (io.BytesIO(workbook(rows)), "don-vi.xlsx")},
        content_type="multipart/form-data", follow_redirects=True)
    assert message in html(response)
    assert not list(Path(app.instance_path).glob("tmp/*/docgen-batch-*"))


def test_the_plan_is_suggested_from_the_register(client, db):
    import datetime as dt
    from docgen import render_document
    from docgen.samples import load_sample
    today = dt.date.today()
    page = f"/dang-ky/?year={today.year}"  # the page opens on views.latest_year() otherwise
    assert 'name="plan_reference" type="text" value=""' in html(client.get(page))
    data = _shifted(load_sample("plan"), today.year - 2022)  # the sample plan, this year
    data.pop("number", None)
    issued = dt.date(today.year, 5, 9)  # as the seed plan: 45/KH-BCĐ of 09/5
    with db.session() as s:
        committee = next(b for b in q.list_bodies(s) if b.abbreviation == "BCĐ")
        doc_id = q.create_document(s, kind="plan", body_id=committee.id, data=data,
                                   created_by="admin", render=render_document).id
    q.issue_number(db, doc_id, issued_on=issued, render=render_document)
    page = html(client.get(page))
    expected = (f"Kế hoạch số 01/KH-BCĐ ngày {issued.day:02d} tháng {issued.month} năm "
                f"{issued.year} của Ban Chỉ đạo 138 huyện Quan Sơn")
    assert f'value="{expected}"' in page


def _shifted(value, years: int):
    """A sample's input moved `years` on: its year and its ISO dates."""
    if isinstance(value, dict):
        return {k: (v + years if k == "year" else _shifted(v, years)) for k, v in value.items()}
    if isinstance(value, list):
        return [_shifted(v, years) for v in value]
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return f"{int(value[:4]) + years}{value[4:]}"
    return value
