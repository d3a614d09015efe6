"""The scoring sheet of Decision 510 (Phiếu chấm điểm): criteria and standard points from a
replaceable data file (broken files refused by name), the sheet's text, totals and ND30
layout, the pre-fill from a real SQLite store, bulk printing per body, and the agreement
with the Tờ trình's scored list."""

from __future__ import annotations

import io
import zipfile

import pytest

import docgen
from docgen import batch, nd30, scoring, store as q
from docgen.errors import InputError, UserError
from docgen.settings import SETTINGS
from helpers import have, open_docx, pdf_text, table_rows, texts
from test_web import html, job_download, run_batch, token, unit_id


@pytest.fixture
def sqlite_store(tmp_path):
    db = q.Store(f"sqlite:///{tmp_path / 'docgen.sqlite3'}", instance_path=tmp_path)
    db.create_schema()
    db.seed_sample_if_empty()
    return db


def test_the_shipped_file_is_an_example_with_the_published_fragment():
    shipped = scoring.load_scoring(scoring.SHIPPED)
    assert "MẪU" in shipped.warning
    assert "EXAMPLE" in scoring.SHIPPED.read_text(encoding="utf-8")
    firm = shipped.sheet("doanh_nghiep")
    assert firm is shipped.sheet("co_quan")
    assert [i.points for i in firm.items[:4]] == [3, 3, 5, 1]
    for kind in ("khu_dan_cu", "xa", "co_quan", "doanh_nghiep", "co_so_giao_duc"):
        sheet = shipped.sheet(kind)
        assert sheet.total == 100 == sum(i.points for i in sheet.items)
        assert [i.number for i in sheet.items] == list(range(1, len(sheet.items) + 1))
    assert "DOCGEN_SCORING" in {s.name for s in SETTINGS}


GOOD = """
[[sheet]]
kinds = ["khu_dan_cu", "xa", "co_quan", "doanh_nghiep", "co_so_giao_duc"]
total = 10
[[sheet.section]]
title = "Một"
[[sheet.section.item]]
content = "Tiêu chí A"
points = 4
[[sheet.section.item]]
content = "Tiêu chí B"
points = 6
"""


@pytest.mark.parametrize("text, key, message", [
    ("kinds = [", "", "sai cú pháp TOML"),
    (GOOD.replace("points = 6", "points = 5"), "sheet[1].total",
     "tổng điểm chuẩn các tiêu chí là 9, khác tổng 10"),
    (GOOD.replace('"co_so_giao_duc"', '"truong_hoc"'), "sheet[1].kinds",
     "«truong_hoc» không phải mã loại hình"),
    (GOOD.replace(', "co_so_giao_duc"', ""), "sheet",
     "chưa có phiếu cho loại hình: co_so_giao_duc"),
    (GOOD.replace("points = 4", "points = -4"), "sheet[1].section[1].item[1].points",
     "«-4» phải là số điểm lớn hơn 0"),
    (GOOD.replace('content = "Tiêu chí B"', 'content = ""'), "sheet[1].section[1].item[2].content",
     "cần nội dung chấm điểm"),
    (GOOD.replace('title = "Một"', 'title = "Một"\nweight = 2'), "sheet[1].section[1].weight",
     "không phải khóa hợp lệ"),
    (GOOD + GOOD, "sheet[2].kinds", "loại hình «khu_dan_cu» đã có phiếu ở mục trước"),
])
def test_a_broken_file_is_refused_naming_file_entry_and_key(tmp_path, text, key, message):
    path = tmp_path / "tieu-chi.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as err:
        scoring.load_scoring(path)
    assert f"Tệp tiêu chí chấm điểm «{path}»" in err.value.message
    if key:
        assert f"khóa «{key}»" in err.value.message
    assert message in err.value.message


def test_docgen_scoring_replaces_the_file(tmp_path, monkeypatch, sample):
    path = tmp_path / "tinh.toml"
    path.write_text(GOOD, encoding="utf-8")
    monkeypatch.setenv("DOCGEN_SCORING", str(path))
    data = sample("score_sheet")
    del data["points"], data["self_score"], data["reviewed_score"]
    out = docgen.render_document("score_sheet", data)
    rows = table_rows(out, 1)
    assert rows[1:4] == [["I", "MỘT", "10", "", ""], ["1", "Tiêu chí A", "4", "", ""],
                         ["2", "Tiêu chí B", "6", "", ""]]
    path.write_text("kinds = [", encoding="utf-8")
    with pytest.raises(UserError, match="tinh.toml"):
        docgen.render_document("score_sheet", data)


def test_the_sample_sheet(sample):
    data = sample("score_sheet")
    out = docgen.render_document("score_sheet", data)
    body = texts(out)
    assert body[:2] == ["UBND XÃ NA MÈO", "BẢN NA MÈO"]
    assert "Na Mèo, ngày 28 tháng 10 năm 2022" in body
    assert "PHIẾU CHẤM ĐIỂM" in body
    assert "Đánh giá, phân loại phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2022" in body
    assert "(Tiêu chí theo Quyết định số 510/QĐ-BCA-V05 của Bộ trưởng Bộ Công an)" in body
    assert "Đơn vị: Bản Na Mèo, xã Na Mèo (loại hình: khu dân cư)." in body
    rows = table_rows(out, 1)
    assert rows[0] == ["TT", "Nội dung chấm điểm", "Điểm chuẩn", "Điểm tự chấm",
                       "Điểm thẩm định"]
    sections = [r for r in rows if r[0] in ("I", "II", "III")]
    assert [r[2:] for r in sections] == [["20", "20", "20"], ["50", "50", "49"],
                                         ["30", "28", "27"]]
    items = [r for r in rows if r[0].isdigit()]
    assert len(items) == 8 and items[-1][2:] == ["15", "14", "13"]
    assert rows[-1] == ["Tổng cộng", "100", "98", "96"]
    assert "Kết quả: điểm tự chấm 98/100 điểm, điểm thẩm định 96/100 điểm./." in body
    assert nd30.check(out) == []
    doc = open_docx(out)
    signatures = doc.tables[-1]
    assert [c.text.split("\n")[0] for c in signatures.rows[0].cells] == [
        "BAN CHỈ ĐẠO 138 XÃ NA MÈO", "TRƯỞNG BẢN"]
    assert [c.text.strip() for c in signatures.rows[1].cells] == ["Hà Văn Dũng", "Vi Văn Hoàn"]
    assert doc.tables[1].rows[0]._tr.trPr.xpath("./w:tblHeader")   # repeated on every page


def test_totals_only_leave_the_criteria_blank(sample):
    data = sample("score_sheet")
    del data["points"]
    rows = table_rows(docgen.render_document("score_sheet", data), 1)
    assert all(r[3:] == ["", ""] for r in rows[1:-1])
    assert rows[-1] == ["Tổng cộng", "100", "98", "96"]


@pytest.mark.parametrize("change, field, message", [
    ({"self_score": 97}, "self_score", "Tổng điểm tự chấm ghi 97 nhưng các tiêu chí cộng lại "
                                       "được 98"),
    ({"points": [{"self_points": 6}] + [{}] * 7}, "points[1].self_points",
     "Điểm tự chấm của tiêu chí 1 là 6, vượt điểm chuẩn 5"),
    ({"points": [{}] * 3}, "points", "có 8 tiêu chí, đã ghi điểm cho 3"),
    ({"reviewed_score": "101"}, "reviewed_score", "nằm ngoài thang điểm 0–100"),
    ({"place": "", "commune": ""}, "", "Cần ghi địa danh"),
])
def test_bad_points_name_their_field(sample, change, field, message):
    with pytest.raises(InputError) as err:
        docgen.render_document("score_sheet", sample("score_sheet") | change)
    problems = dict(err.value.problems)
    assert field in problems and message in problems[field]


def test_prefill_from_a_real_sqlite_store(sqlite_store):
    with sqlite_store.session(readonly=True) as s:
        na_meo = next(u for u in q.list_units(s) if u.name == "Trường PTDTBT THCS Na Mèo")
        stored = q.get_assessment(s, na_meo.id, 2022)
        papers = q.score_sheet_input(s, na_meo.id, 2022)
        area = next(u for u in q.list_units(s) if u.name == "Bản Na Mèo")
        area_sheet = q.score_sheet_input(s, area.id, 2022).inputs[0]
    # the commune has no Ban Chỉ đạo in the store: its areas' sheets leave it to write
    assert "reviewing_body" not in area_sheet and area_sheet["place"] == "Na Mèo"
    data = papers.inputs[0]
    assert data["self_score"] == stored.self_score
    assert data["reviewed_score"] == stored.reviewed_score
    assert data["reviewing_body"] == "Ban Chỉ đạo 138 huyện Quan Sơn"
    assert data["place"] == "Na Mèo"
    assert any("điểm từng tiêu chí để trống" in w for w in papers.warnings)
    rows = table_rows(docgen.render_document("score_sheet", data), 1)
    total = scoring.number_text
    assert rows[-1] == ["Tổng cộng", "100", total(stored.self_score),
                        total(stored.reviewed_score)]


def _proposal_and_sheets(db):
    """The sample's Tờ trình and a sheet per unit, as drafts in the register."""
    with db.session() as s:
        police = next(b for b in q.list_bodies(s) if b.abbreviation == "CAH")
        committee = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
        proposal = q.proposal_input(s, police.id, 2022).data
        q.create_document(s, kind="proposal", body_id=police.id, data=proposal,
                          created_by="test", render=docgen.render_document)
        for data in q.score_sheet_inputs(s, committee.id, 2022).inputs[:3]:
            q.create_document(s, kind="score_sheet", body_id=committee.id, data=data,
                              created_by="test", render=docgen.render_document)
        return police.id, committee.id


def test_sheets_agree_with_the_proposal_and_a_change_is_named(sqlite_store):
    police, committee = _proposal_and_sheets(sqlite_store)
    with sqlite_store.session(readonly=True) as s:
        assert q.sheet_disagreements(s, police, 2022) == []
    with sqlite_store.session() as s:
        first = q.score_sheet_inputs(s, committee, 2022).inputs[0]
        changed = first | {"reviewed_score": first["reviewed_score"] - 3}
        doc = q.create_document(s, kind="score_sheet", body_id=committee, data=changed,
                                created_by="test", render=docgen.render_document)
        doc_id = doc.id
    with sqlite_store.session(readonly=True) as s:
        found = q.sheet_disagreements(s, committee, 2022)
    name, want = first["unit"], scoring.number_text(first["reviewed_score"])
    got = scoring.number_text(first["reviewed_score"] - 3)
    assert found == [
        f"Phiếu chấm điểm của «{name}» (dự thảo số {doc_id}) ghi điểm thẩm định {got}, Tờ trình "
        f"(văn bản số 356/TTr-CAH) ghi {want}",
        f"Phiếu chấm điểm của «{name}» (dự thảo số {doc_id}) ghi điểm thẩm định {got}, kết quả "
        f"đánh giá đã lưu ghi {want}"]


def test_a_list_row_without_a_place_is_skipped_by_its_row(tmp_path):
    rows = [{"unit": "Bản Na Mèo", "kind": "Khu dân cư", "commune": "Xã Na Mèo", "year": 2022},
            {"unit": "Bản Không Xã", "kind": "Khu dân cư", "year": 2022}]
    result = batch.fill("score_sheet", rows, tmp_path / "phieu.docx")
    assert result.written == 1 and result.skipped_rows == [2]
    assert "Cần ghi địa danh" in result.skipped_message()


def test_bulk_per_body_one_sheet_per_unit(sqlite_store, tmp_path):
    with sqlite_store.session(readonly=True) as s:
        body = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
        papers = q.score_sheet_inputs(s, body.id, 2022)
    assert len(papers.inputs) == 24
    out = tmp_path / "phieu.zip"
    assert batch.fill("score_sheet", papers.inputs, out).written == 24
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert len(names) == 24
        for name, data in zip(names, papers.inputs, strict=True):
            rows = table_rows(archive.read(name), 1)
            assert rows[-1][2] == scoring.number_text(data.get("self_score"))
    merged = tmp_path / "phieu.docx"
    batch.fill("score_sheet", papers.inputs[:5], merged)
    data = merged.read_bytes()
    assert len(open_docx(data).sections) == 5
    assert texts(data).count("PHIẾU CHẤM ĐIỂM") == 5
    assert nd30.check(data) == []


@pytest.mark.skipif(not have("soffice"), reason="LibreOffice is not installed")
def test_bulk_pdf_counted_page_by_page(sqlite_store, tmp_path):
    with sqlite_store.session(readonly=True) as s:
        body = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
        papers = q.score_sheet_inputs(s, body.id, 2022)
    picked = [d for d in papers.inputs if d["kind"] in ("khu_dan_cu", "co_quan")][:3]
    out = tmp_path / "phieu.pdf"
    batch.fill("score_sheet", picked, out)
    pages = pdf_text(out.read_bytes()).rstrip("\f").split("\f")
    starts = [i for i, page in enumerate(pages) if "PHIẾU CHẤM ĐIỂM" in page]
    assert len(starts) == 3
    for start, end, data in zip(starts, starts[1:] + [len(pages)], picked, strict=True):
        form = " ".join("\f".join(pages[start:end]).split())
        assert data["unit"] in form
        assert f"điểm tự chấm {scoring.number_text(data['self_score'])}/100 điểm" in form
        # a residential area's sheet and its signatures hold on one page
        assert end - start == (1 if data["kind"] == "khu_dan_cu" else 2)


def test_web_form_and_bulk_sheets(client, db):
    school = unit_id(db, "Trường PTDTBT THCS Na Mèo")
    page = html(client.get(f"/van-ban/score_sheet/moi?unit={school}&year=2022"))
    assert 'value="Trường PTDTBT THCS Na Mèo"' in page
    assert "Ban Chỉ đạo 138 huyện Quan Sơn" in page
    with db.session(readonly=True) as s:
        body = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
    form = {"csrf_token": token(client, "/bien-ban/"), "body_id": str(body.id), "year": "2022",
            "fmt": "zip"}
    page, state = run_batch(client, form, url="/phieu-cham-diem/", seconds=120)
    assert state == "done" and "Đã tạo 24 phiếu chấm điểm" in html(page)
    with zipfile.ZipFile(io.BytesIO(job_download(client, page).data)) as archive:
        assert len(archive.namelist()) == 24
