"""The list of households registering for the residential area “An toàn về an ninh, trật
tự” (Circular 124 Điều 4 khoản 1): rendered and read back (no CCCD, the header row repeated
on every page, A4), the share of households that signed recorded in a real SQLite store and
read by `household_share`, the lists of a commune in one job counted page by page."""

from __future__ import annotations

import io

import pytest

from docgen import nd30, render_document, schema, store as q
from docgen.batch import fill_inputs
from docgen.documents import get
from docgen.errors import InputError
from docgen.store.household_share import household_share, household_shares, record_share
from docgen.store.unit_prefill import household_list_input, household_list_inputs
from helpers import full_text, have, open_docx, pdf_text, table_rows, texts
from test_web import html, job_download, run_batch, token, unit_id

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_the_sample_list_prints_name_address_and_a_signature_column(sample):
    data = render_document("household_list", sample("household_list"))
    rows = table_rows(data, 1)
    assert rows[0] == ["STT", "Họ và tên chủ hộ", "Địa chỉ", "Ký tên"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5"]
    assert rows[1][1] == "Lò Văn Xuân" and rows[1][3] == ""
    doc = open_docx(data)
    head = doc.tables[1].rows[0]._tr
    assert head.find(f"{W}trPr/{W}tblHeader") is not None       # repeated on every page
    section = doc.sections[0]
    assert (section.page_width, section.page_height) == (7560310, 10692130)   # A4
    lines = texts(data)
    assert "DANH SÁCH" in lines
    assert ("Hộ gia đình đăng ký tham gia xây dựng khu dân cư “An toàn về an ninh, trật tự” "
            "năm 2022") in lines
    assert "Bản Na Mèo, xã Na Mèo" in lines
    assert "Số hộ đã ký đăng ký tham gia: 5/5 hộ, đạt 100%./." in lines
    assert "NGƯỜI LẬP DANH SÁCH" in lines and "TRƯỞNG BẢN" in lines
    assert "Số:" not in full_text(data)
    assert nd30.check(io.BytesIO(data)) == []


def test_without_a_recorded_share_the_counts_are_left_to_write(sample):
    data = sample("household_list")
    del data["signed"]
    data["total"] = 7
    lines = texts(render_document("household_list", data))
    assert "Tổng số hộ gia đình đang cư trú: 7 hộ (danh sách có 5 hộ)." in lines
    assert "Số hộ đã ký đăng ký tham gia: ……/7 hộ, đạt ……%./." in lines


@pytest.mark.parametrize("change, field", [({"total": 4}, "total"), ({"signed": 6}, "signed")])
def test_impossible_counts_are_refused(sample, change, field):
    with pytest.raises(InputError) as caught:
        schema.parse(get("household_list").input, sample("household_list") | change)
    assert caught.value.problems[0][0] == field


def test_no_cccd_is_printed_even_when_stored(db):
    na_meo = unit_id(db, "Bản Na Mèo")
    with db.session() as s:
        q.save_household(s, unit_id=na_meo, year=2022, full_name="Vi Văn Cường",
                         birth_year=1970, id_number="038070004512", address="Bản Na Mèo")
    with db.session(readonly=True) as s:
        data = household_list_input(s, na_meo, 2022).inputs[0]
    assert set(data["households"][0]) == {"full_name", "address"}
    text = full_text(render_document("household_list", data))
    assert "Vi Văn Cường" in text and "038070004512" not in text and "1970" not in text


def test_the_share_is_recorded_and_read_back(db):
    na_meo, sa_na = unit_id(db, "Bản Na Mèo"), unit_id(db, "Bản Sa Ná")
    with db.session() as s:
        assert household_share(s, na_meo, 2022) is None           # nothing recorded
        record_share(s, na_meo, 2022, signed="4", by="vanthu")
        assert household_share(s, na_meo, 2022) == (4, 5)         # the stored list's 5
        record_share(s, na_meo, 2022, signed=6, total="6")
        assert household_share(s, na_meo, 2022) == (6, 6)
        record_share(s, na_meo, 2022, signed=5, total=5)          # the list's count: not kept
        assert s.scalar(q.models.HouseholdShare.__table__.select()
                        .with_only_columns(q.models.HouseholdShare.total)) is None
        with pytest.raises(InputError, match="Số hộ đã ký .* nhiều hơn tổng số hộ"):
            record_share(s, na_meo, 2022, signed=9)
        with pytest.raises(InputError, match="ít hơn số hộ trong danh sách"):
            record_share(s, na_meo, 2022, signed=3, total=4)
        with pytest.raises(InputError, match="chưa có danh sách hộ năm 2022"):
            record_share(s, sa_na, 2022, signed=3)                # no list, no total
        record_share(s, sa_na, 2022, signed=30, total=32)
        assert household_shares(s, [na_meo, sa_na], 2022) == {na_meo: (5, 5), sa_na: (30, 32)}
        record_share(s, sa_na, 2022, signed="")                  # erased
        assert household_share(s, sa_na, 2022) is None
        with pytest.raises(InputError, match="không phải khu dân cư"):
            record_share(s, unit_id(db, "Trường THCS Sơn Lư"), 2022, signed=1, total=1)


def test_the_recorded_share_reaches_the_list_and_the_unit_papers(db):
    na_meo = unit_id(db, "Bản Na Mèo")
    with db.session() as s:
        record_share(s, na_meo, 2022, signed=4, total=6)
    with db.session(readonly=True) as s:
        listing = household_list_input(s, na_meo, 2022).inputs[0]
        from docgen.store.unit_prefill import unit_paper_input
        report = unit_paper_input(s, na_meo, 2022, "unit_report").inputs[0]
    assert listing["signed"] == 4 and listing["total"] == 6
    assert "Số hộ đã ký đăng ký tham gia: 4/6 hộ, đạt 67%./." in texts(
        render_document("household_list", listing))
    assert "4/6 hộ (67%)" in full_text(render_document("unit_report", report))


def _many(db, name: str, count: int) -> int:
    area = unit_id(db, name)
    with db.session() as s:
        for i in range(count):
            q.save_household(s, unit_id=area, year=2022, full_name=f"Hà Văn Hộ {i + 1}",
                             address=f"Nhà số {i + 1}, {name}")
    return area


@pytest.mark.skipif(not (have("soffice") and have("pdftotext")),
                    reason="needs LibreOffice and poppler-utils")
def test_a_communes_lists_in_one_pdf_page_by_page(db, tmp_path):
    _many(db, "Bản Sa Ná", 60)          # about three pages with the Na Mèo list's one
    with db.session(readonly=True) as s:
        papers = household_list_inputs(s, "Xã Na Mèo", 2022)
    assert [d["area"] for d in papers.inputs] == ["Bản Na Mèo", "Bản Sa Ná"]
    out = tmp_path / "lists.pdf"
    assert fill_inputs("household_list", papers.inputs, out, fmt="pdf", label="area").written == 2
    pages = pdf_text(out.read_bytes()).split("\f")[:-1]
    assert len(pages) >= 3
    rows = [page for page in pages if "Hà Văn Hộ" in page or "Lò Văn Xuân" in page]
    assert len(rows) >= 3
    assert all("Họ và tên chủ hộ" in page for page in rows)    # the header on every page
    firsts = [i for i, page in enumerate(pages)
              if "DANH SÁCH" in [line.strip() for line in page.splitlines()]]
    assert firsts[0] == 0 and len(firsts) == 2
    assert "Bản Na Mèo, xã Na Mèo" in pages[0]
    assert "Bản Sa Ná, xã Na Mèo" in pages[firsts[1]]
    assert "Hà Văn Hộ 60" in rows[-1] and "……/60 hộ" in pages[-1]
    assert sum(page.count("NGƯỜI LẬP DANH SÁCH") for page in pages) == 2
    numbers = [page.strip().splitlines()[0].strip() for page in pages[firsts[1] + 1:]]
    assert numbers == [str(n) for n in range(2, len(pages) - firsts[1] + 1)]  # restarted


def test_the_web_page_records_the_share_and_prints_a_communes_lists(client, db, app):
    na_meo = unit_id(db, "Bản Na Mèo")
    page = html(client.get("/danh-sach-ho-dang-ky/?year=2022"))
    assert "Bản Na Mèo" in page and "chưa ghi" in page
    response = client.post("/danh-sach-ho-dang-ky/ti-le", data={
        "csrf_token": token(client, "/danh-sach-ho-dang-ky/?year=2022"), "unit_id": str(na_meo),
        "year": "2022", "signed": "7", "total": ""})
    assert response.status_code == 302
    page = html(client.get("/danh-sach-ho-dang-ky/?year=2022"))
    assert "Số hộ đã ký của «Bản Na Mèo» (7) nhiều hơn tổng số hộ (5)" in page
    client.post("/danh-sach-ho-dang-ky/ti-le", data={
        "csrf_token": token(client, "/danh-sach-ho-dang-ky/?year=2022"), "unit_id": str(na_meo),
        "year": "2022", "signed": "5", "total": ""})
    with db.session(readonly=True) as s:
        assert household_share(s, na_meo, 2022) == (5, 5)
        assert any(e.action == "ghi số hộ đã ký" and e.detail == "năm 2022: 5/5 hộ"
                   for e in q.list_audit(s))
    done, state = run_batch(client, {"csrf_token": token(client, "/danh-sach-ho-dang-ky/"),
                                     "commune": "Xã Na Mèo", "year": "2022", "fmt": "docx"},
                            url="/danh-sach-ho-dang-ky/")
    assert state == "done", html(done)[-1500:]
    assert "Bản Sa Ná" in html(done)                       # its list is not stored: said
    data = job_download(client, done).data
    assert "Số hộ đã ký đăng ký tham gia: 5/5 hộ, đạt 100%./." in texts(data)
    # The job's file holds people's names: the purge of that list erases it too.
    with db.session(readonly=True) as s:
        assert len(q.households.marked_jobs(s, 2022, {na_meo})) == 1
    with db.session(readonly=True) as s:
        entry = next(e for e in q.list_audit(s) if e.action.startswith("tải"))
    assert entry.action == "tải danh sách hộ hàng loạt"
    assert "5 người" in entry.detail                    # the households listed, not the lists
