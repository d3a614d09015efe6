"""A unit's Tờ trình and Báo cáo kết quả of the “An toàn về an ninh, trật tự” year (Circular
124 Điều 9 khoản 2 b): rendered from the samples and read back, ND30 layout, the rules of
their input, pre-filled from a real SQLite store (the competent body for matter "an_toan"),
printed in bulk for a body's units (counted document by document), and the web pages."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from docgen import nd30, render_document, schema, store as q
from docgen.batch import fill_inputs
from docgen.documents import get
from docgen.documents.registration import CRITERIA
from docgen.errors import InputError
from docgen.store.unit_prefill import unit_paper_input, unit_paper_inputs
from helpers import full_text, open_docx, texts
from test_web import html, job_download, run_batch, token, unit_id


def area(sample, kind: str) -> dict:
    """The residential area's sample input, as `kind` takes it (the report has no meeting)."""
    data = sample("unit_proposal")
    if kind == "unit_report":
        del data["meeting_date"]
    return data


def render(kind: str, data: dict) -> bytes:
    return render_document(kind, data)


def header_cells(data: bytes) -> list[str]:
    doc = open_docx(data)
    return ["\n".join(p.text for p in c.paragraphs).strip()
            for row in doc.tables[0].rows for c in row.cells]


def test_the_residential_areas_proposal_has_no_number_and_goes_through_the_standing_office(
        sample):
    data = render("unit_proposal", sample("unit_proposal"))
    lines = texts(data)
    cells = header_cells(data)
    assert cells[0] == "UBND XÃ NA MÈO\nBẢN NA MÈO"
    assert cells[2] == ""                       # no «Số: …»: an area has no register
    assert cells[3] == "Na Mèo, ngày 31 tháng 10 năm 2022"
    assert "Số:" not in full_text(data)
    assert "TỜ TRÌNH" in lines
    assert ("Về việc đề nghị công nhận Bản Na Mèo đạt tiêu chuẩn “An toàn về an ninh, trật tự” "
            "năm 2022") in lines
    assert ("Kính gửi: Ủy ban nhân dân xã Na Mèo (qua Thường trực Ban Chỉ đạo 138 xã Na "
            "Mèo).") in lines
    text = full_text(data)
    assert "đạt 05/05 tiêu chí" in text       # the five criteria of Điều 4
    assert "5/5 hộ (100%)" in text and "(5 hộ)" not in text
    assert "Ngày 27 tháng 10 năm 2022, Bản Na Mèo đã tổ chức cuộc họp" in text
    assert "Biên bản cuộc họp đánh giá ngày 27 tháng 10 năm 2022)" in text
    assert "Vi Văn Hoàn" in lines
    assert "TRƯỞNG BẢN" in lines
    assert lines[-4:] == ["- Như trên;", "- Công an xã Na Mèo;", "- Chi bộ bản Na Mèo;",
                          "- Lưu: Bản Na Mèo."] or "- Lưu: Bản Na Mèo." in lines
    assert any(line.endswith("năm 2022./.") for line in lines)
    assert nd30.check(io.BytesIO(data)) == []


def test_the_schools_report_prints_its_own_symbol_and_every_criterion(sample):
    data = render("unit_report", sample("unit_report"))
    cells = header_cells(data)
    assert cells[0] == "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO HUYỆN QUAN SƠN\nTRƯỜNG THCS SƠN LƯ"
    assert cells[2] == "Số: 15/BC-THCSSL"
    lines = texts(data)
    assert "BÁO CÁO" in lines
    assert ("Kết quả xây dựng cơ sở giáo dục “An toàn về an ninh, trật tự” năm 2022") in lines
    results = [line for line in lines if line.startswith("Kết quả: ")]
    assert results == ["Kết quả: Đạt."] * len(CRITERIA["co_so_giao_duc"])
    assert "(624 người)" in full_text(data)
    assert "Điều 7 Thông tư số 124/2021/TT" in full_text(data)
    assert "HIỆU TRƯỞNG" in lines and "Lê Văn Thắng" in lines
    assert nd30.check(io.BytesIO(data)) == []


@pytest.mark.parametrize("unmet, expected", [
    ("2, 4", ["Đạt", "Chưa đạt", "Đạt", "Chưa đạt", "Đạt"]),
    ("", ["……………"] * 5),               # not given: written by hand
])
def test_an_unsafe_units_report_marks_the_unmet_criteria(sample, unmet, expected):
    data = area(sample, "unit_report") | {"safe": False, "unmet": unmet}
    out = texts(render("unit_report", data))
    assert [t.removeprefix("Kết quả: ").rstrip(".") for t in out
            if t.startswith("Kết quả: ")] == expected
    assert any("tự đánh giá chưa đạt tiêu chuẩn" in t for t in out)


@pytest.mark.parametrize("kind, change, field, words", [
    ("unit_proposal", {"symbol": "05/TTr-BNM"}, "symbol", "Khu dân cư không có con dấu"),
    ("unit_report", {"safe": True, "unmet": "2"}, "unmet", "không có tiêu chí chưa đạt"),
    ("unit_report", {"safe": False, "unmet": "9"}, "unmet", "Tiêu chí số 9 không có"),
    ("unit_report", {"safe": False, "unmet": "hai"}, "unmet", "chỉ ghi số thứ tự"),
    ("unit_proposal", {"kind": "xa", "unit": "Xã Na Mèo"}, "", "Ban Chỉ đạo cấp xã"),
    # Both papers share the check, and name the field (the Tờ trình did not, before).
    ("unit_proposal", {"households": 5, "signed": 6}, "signed", "nhiều hơn số hộ"),
    ("unit_report", {"households": 5, "signed": 6}, "signed", "nhiều hơn số hộ"),
])
def test_input_mistakes_are_named(sample, kind, change, field, words):
    with pytest.raises(InputError) as caught:
        schema.parse(get(kind).input, area(sample, kind) | change)
    path, message = caught.value.problems[0]
    assert path == field and words in message


def test_a_symbol_not_in_nd30_form_is_refused(sample):
    data = sample("unit_report") | {"symbol": "15 BC THPT"}
    with pytest.raises(InputError, match="Số, ký hiệu «15 BC THPT» không đúng dạng"):
        schema.parse(get("unit_report").input, data)


def test_prefilled_from_the_store_for_the_competent_body(db):
    na_meo, school = unit_id(db, "Bản Na Mèo"), unit_id(db, "Trường THCS Sơn Lư")
    with db.session(readonly=True) as s:
        area = unit_paper_input(s, na_meo, 2022, "unit_proposal").inputs[0]
        report = unit_paper_input(s, school, 2022, "unit_report").inputs[0]
    # Circular 124 Điều 10 khoản 1 and Điều 9 khoản 1 a: the commune, through its committee.
    assert area["addressees"] == ["Ủy ban nhân dân xã Na Mèo"]
    assert area["through"] == "Thường trực Ban Chỉ đạo 138 xã Na Mèo"
    assert area["superior"] == "UBND xã Na Mèo" and area["place"] == "Na Mèo"
    assert area["households"] == 5 and "signed" not in area
    assert report["addressees"] == ["Ủy ban nhân dân huyện Quan Sơn"]
    assert report["through"] == "Thường trực Ban Chỉ đạo 138 huyện Quan Sơn"
    assert report["safe"] is True
    for kind, data in (("unit_proposal", area), ("unit_report", report)):
        out = texts(render(kind, data))
        assert nd30.check(io.BytesIO(render(kind, data))) == []
        assert "……………" not in " ".join(out)


def test_the_bulk_proposals_leave_out_the_units_not_safe(db, tmp_path):
    with db.session(readonly=True) as s:
        body = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
        units = [u for u in q.list_units(s, body_id=body.id)
                 if u.kind in ("khu_dan_cu", "co_quan", "doanh_nghiep", "co_so_giao_duc")]
        safe = [u.name for u in units if q.get_assessment(s, u.id, 2022).safe]
        papers = unit_paper_inputs(s, body.id, 2022, "unit_proposal")
        reports = unit_paper_inputs(s, body.id, 2022, "unit_report")
    assert [d["unit"] for d in papers.inputs] == safe
    assert len(reports.inputs) == len(units)
    assert "«Trung tâm Dịch vụ nông nghiệp huyện Quan Sơn»" in papers.warnings[0]
    assert "chưa đạt" in papers.warnings[0]
    out = tmp_path / "to-trinh.docx"
    assert fill_inputs("unit_proposal", papers.inputs, out, fmt="docx", label="unit").written \
        == len(safe)
    merged = texts(out.read_bytes())
    assert merged.count("TỜ TRÌNH") == len(safe)
    # Each Tờ trình starts a new page and restarts its page numbers.
    body_xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert body_xml.count("<w:pgNumType") >= len(safe) - 1
    starts = [t for t in merged if t.startswith("Về việc đề nghị công nhận ")]
    assert [s_.split("công nhận ")[1].split(" đạt tiêu chuẩn")[0] for s_ in starts] == safe


def test_web_form_prefilled_for_a_unit_and_the_bulk_job(client, db):
    na_meo = unit_id(db, "Bản Na Mèo")
    page = html(client.get(f"/van-ban/unit_proposal/moi?unit={na_meo}&year=2022"))
    assert "Ủy ban nhân dân xã Na Mèo" in page and "Thường trực Ban Chỉ đạo 138 xã Na Mèo" in page
    listing = html(client.get("/giay-to-don-vi/?year=2022"))
    assert f"unit={na_meo}" in listing
    with db.session(readonly=True) as s:
        body = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
    done, state = run_batch(client, {"csrf_token": token(client, "/giay-to-don-vi/"),
                                     "body_id": str(body.id), "kind": "unit_report",
                                     "year": "2022", "fmt": "zip"}, url="/giay-to-don-vi/")
    assert state == "done", html(done)[-1500:]
    response = job_download(client, done)
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert len(names) == 12
    assert names[0] == "0001-trung-tam-van-hoa-thong-tin-the-thao-va-du-lich-huyen-quan-s.docx"
    first = zipfile.ZipFile(io.BytesIO(response.data)).read(names[0])
    assert "BÁO CÁO" in texts(first)
    assert re.search(r"bao-cao-.*-2022\.zip", response.headers["Content-Disposition"])


def test_a_unit_paper_is_a_draft_the_register_never_numbers(db, sample):
    from docgen.errors import UserError
    with db.session() as s:
        body = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
        doc = q.create_document(s, kind="unit_proposal", body_id=body.id,
                                data=sample("unit_proposal"), created_by="văn thư",
                                render=render_document)
        assert doc.symbol == "" and doc.number is None
        assert doc.summary.startswith("Về việc đề nghị công nhận Bản Na Mèo")
    import datetime as dt
    with pytest.raises(UserError, match="không phải văn bản của cơ quan nên không cấp số"):
        q.issue_number(db, doc.id, issued_on=dt.date(2022, 11, 8), render=render_document)


def test_a_commune_clerk_reaches_only_the_units_of_the_commune(app, db):
    from helpers import login
    with db.session() as s:
        commune = next(b for b in q.list_bodies(s) if b.name == "Ủy ban nhân dân xã Na Mèo")
        q.save_user(s, username="vanthu.namao", role=q.ROLE_COMMUNE, body_id=commune.id,
                    password="Mat-khau-dai-du-12", must_change=False)
        units = q.list_units(s)
        inside = next(u.id for u in units if u.name == "Bản Na Mèo")
        outside = next(u.id for u in units if u.name == "Khu phố Sơn Lư 1")
        # The commune's People's Committee is stored: the area's papers go to it.
        area = unit_paper_input(s, inside, 2022, "unit_report").inputs[0]
    assert area["addressees"] == ["Ủy ban nhân dân xã Na Mèo"]
    assert area["through"] == "Thường trực Ban Chỉ đạo 138 xã Na Mèo"
    clerk = app.test_client()
    assert login(clerk, "vanthu.namao", "Mat-khau-dai-du-12").status_code == 302
    listing = html(clerk.get("/danh-sach-ho-dang-ky/?year=2022"))
    assert "Bản Na Mèo" in listing and "Khu phố Sơn Lư 1" not in listing
    assert clerk.get(f"/van-ban/unit_report/moi?unit={outside}&year=2022").status_code == 404
    response = clerk.post("/danh-sach-ho-dang-ky/ti-le", data={
        "csrf_token": token(clerk, "/danh-sach-ho-dang-ky/?year=2022"), "unit_id": str(outside),
        "year": "2022", "signed": "3", "total": "3"})
    assert response.status_code == 404
    with db.session(readonly=True) as s:
        from docgen.store.household_share import household_share
        assert household_share(s, outside, 2022) is None
