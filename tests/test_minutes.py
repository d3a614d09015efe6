"""The minutes of a unit's assessment meeting (Biên bản, Circular 124 Điều 9; ND30 Mẫu 1.9):
its text and layout, the criteria shared with the registration, the blank variant, the
pre-fill from a real SQLite store, bulk printing per commune (counted form by form) and
the web pages."""

from __future__ import annotations

import io
import zipfile

import pytest

import docgen
from docgen import batch, nd30, schema, store as q
from docgen.documents import minutes, registration
from docgen.errors import InputError
from helpers import have, open_docx, pdf_text, table_rows, texts
from test_web import html, job_download, run_batch, token, unit_id


@pytest.fixture
def sample_minutes(sample):
    data = sample("minutes")
    return data, docgen.render_document("minutes", data)


@pytest.fixture
def sqlite_store(tmp_path):
    """The sample district in a real SQLite file."""
    db = q.Store(f"sqlite:///{tmp_path / 'docgen.sqlite3'}", instance_path=tmp_path)
    db.create_schema()
    db.seed_sample_if_empty()
    return db


def test_the_sample_reads_as_a_biên_bản(sample_minutes):
    data, out = sample_minutes
    body = texts(out)
    assert body[:2] == ["UBND XÃ NA MÈO", "BẢN NA MÈO"]
    assert "BIÊN BẢN" in body
    assert ("Cuộc họp đánh giá kết quả xây dựng khu dân cư “An toàn về an ninh, trật tự” năm "
            "2022") in body
    assert "Thời gian bắt đầu: 14 giờ 00, ngày 27 tháng 10 năm 2022." in body
    assert "Địa điểm: Nhà văn hóa bản Na Mèo." in body
    people = body[body.index("Thành phần tham dự:") + 1:body.index("Chủ trì: Vi Văn Hoàn, "
                                                                    "Trưởng bản.")]
    assert people[0] == "- Vi Văn Hoàn, Trưởng bản;"
    assert "- Lương Văn Thắng, Bí thư chi bộ;" in people
    assert people[-1] == "- Lò Văn Xuân, Công an viên bản Na Mèo."
    assert "Thư ký: Lò Văn Xuân, Công an viên bản Na Mèo." in body
    assert any(t.startswith("Cuộc họp thống nhất đánh giá Bản Na Mèo, xã Na Mèo đạt tiêu chuẩn "
                            "“An toàn về an ninh, trật tự” năm 2022 (6/6 người dự họp nhất trí)")
               for t in body)
    assert "Cuộc họp kết thúc vào 16 giờ 30 cùng ngày./." in body
    assert "- Thường trực Ban Chỉ đạo 138 xã Na Mèo;" in body and "- Lưu: Bản Na Mèo." in body


def test_the_criteria_are_the_registrations_with_their_results(sample_minutes, sample):
    data, out = sample_minutes
    rows = [r for r in table_rows(out, 1) if r and r[0].isdigit()]
    printed = registration.context(schema.parse(registration.KIND.input,
                                                sample("registration")))["criteria"]
    assert [f"{r[0]}. {r[1]}" for r in rows] == [line.rstrip(";.") for line in
                                                  [p.rstrip(";.") for p in printed]]
    assert all(r[2] == "Đạt" for r in rows)
    assert "(5 hộ)" in rows[0][1]          # the stored list of Bản Na Mèo


def test_layout_follows_nd30(sample_minutes):
    _, out = sample_minutes
    assert nd30.check(out) == []
    doc = open_docx(out)
    section = doc.sections[0]
    assert (section.page_width, section.page_height) == (7560310, 10692130)
    header = doc.tables[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header.rows[0].cells[1].text
    assert header.rows[1].cells[1].text == ""          # Mẫu 1.9: no place-and-date line
    signatures = doc.tables[-1]
    assert [c.text.split("\n")[0] for c in signatures.rows[0].cells] == ["THƯ KÝ", "CHỦ TRÌ"]
    assert [c.text.strip() for c in signatures.rows[1].cells] == ["Lò Văn Xuân", "Vi Văn Hoàn"]
    assert signatures.rows[2].cells[0].text.startswith("Nơi nhận:")


def test_a_number_is_printed_only_when_given_and_checked(sample):
    data = sample("minutes") | {"symbol": "12/BB-THPT"}
    assert "Số: 12/BB-THPT" in texts(docgen.render_document("minutes", data))
    with pytest.raises(InputError) as err:
        docgen.render_document("minutes", data | {"symbol": "5/BB-THPT"})
    assert "symbol" in dict(err.value.problems)


def test_the_handwritten_variant_prints_dotted_lines(sample):
    out = docgen.render_document("minutes", sample("minutes") | {"handwritten": True})
    body = texts(out)
    assert "Thời gian bắt đầu: …… giờ ……, ngày …… tháng …… năm 2022." in body
    assert "- ………………, Bí thư chi bộ;" in body
    assert any(t.startswith("Cuộc họp thống nhất đánh giá Bản Na Mèo, xã Na Mèo ……………… "
                            "(đạt/chưa đạt)") for t in body)
    assert "Cuộc họp kết thúc vào …… giờ ……, ngày …… tháng …… năm 2022./." in body
    results = [r[2] for r in table_rows(out, 1) if r and r[0].isdigit()]
    assert results == [""] * 5
    assert "Ông Lương Văn Thắng" not in "\n".join(body)
    assert nd30.check(out) == []


@pytest.mark.parametrize("kind, chair, someone", [
    ("Khu dân cư", "Trưởng bản", "Bí thư chi bộ"),
    ("Xã, thị trấn", "Thường trực Ban Chỉ đạo 138 xã Na Mèo", "Trưởng Công an xã Na Mèo"),
    ("Cơ quan", "Thủ trưởng cơ quan", "Đại diện cơ quan có thẩm quyền quản lý"),
    ("Doanh nghiệp", "Giám đốc doanh nghiệp", "Đại diện lực lượng bảo vệ"),
    ("Cơ sở giáo dục", "Hiệu trưởng", "Đại diện Công an xã Na Mèo"),
])
def test_who_attends_by_role_follows_circular_124_article_9(kind, chair, someone):
    unit = "Xã Na Mèo" if kind.startswith("Xã") else "Bản Na Mèo"
    out = docgen.render_document("minutes", {"unit": unit, "kind": kind, "year": 2022,
                                             "commune": "Xã Na Mèo"})
    body = texts(out)
    assert f"Chủ trì: ………………, {chair}." in body
    assert any(t.startswith(f"- ………………, {someone}") for t in body)
    assert nd30.check(out) == []


@pytest.mark.parametrize("change, field, message", [
    ({"criteria": [{"result": "Đạt"}]}, "criteria", "có 5 tiêu chí, đã ghi kết quả cho 1"),
    ({"criteria": [{"result": "tốt"}] * 5}, "criteria[1].result", "«tốt» không hợp lệ"),
    ({"agreed": 7}, "agreed", "Số người nhất trí (7) nhiều hơn số người dự họp (6)"),
    ({"start": "25:00"}, "start", "«25:00» không phải giờ hợp lệ"),
    ({"date": "2020-11-08"}, "date", "không thuộc năm đánh giá 2022"),
])
def test_bad_input_names_its_field(sample, change, field, message):
    with pytest.raises(InputError) as err:
        docgen.render_document("minutes", sample("minutes") | change)
    problems = dict(err.value.problems)
    assert field in problems and message in problems[field]


def test_prefill_from_a_real_sqlite_store(sqlite_store):
    with sqlite_store.session() as s:
        na_meo = next(u for u in q.list_units(s) if u.name == "Bản Na Mèo")
        papers = q.minutes_input(s, na_meo.id, 2022)
        bon = next(u for u in q.list_units(s) if u.name == "Bản Ché Lầu")
        failed = q.minutes_input(s, bon.id, 2022)
    data = papers.inputs[0]
    assert data["unit"] == "Bản Na Mèo" and data["superior"] == "UBND xã Na Mèo"
    assert data["chair"] == {"role": "Trưởng bản"}
    assert [a["role"] for a in data["attendees"]] == [
        "Bí thư chi bộ", "Đại diện Ban Công tác Mặt trận",
        "Đại diện các tổ chức đoàn thể quần chúng", "Đại diện Công an xã Na Mèo"]
    assert data["criteria"] == [{"result": "dat"}] * 5 and data["conclusion"] == "dat"
    assert data["households"] == 5       # the sample's stored list of Bản Na Mèo
    assert any("15/11/2022" in w for w in papers.warnings)
    body = texts(docgen.render_document("minutes", data))
    assert any(t.startswith("Cuộc họp thống nhất đánh giá Bản Na Mèo, xã Na Mèo đạt tiêu chuẩn")
               for t in body)
    assert failed.inputs[0]["conclusion"] == "chua_dat" and "criteria" not in failed.inputs[0]
    assert any("«Bản Ché Lầu»" in w for w in failed.warnings)


def test_bulk_for_a_commune_one_form_per_unit(sqlite_store, tmp_path):
    with sqlite_store.session(readonly=True) as s:
        papers = q.minutes_inputs(s, "xa na meo", 2022)
    names = [d["unit"] for d in papers.inputs]
    assert names == ["Xã Na Mèo", "Trường PTDTBT THCS Na Mèo", "Bản Na Mèo", "Bản Sa Ná",
                     "Bản Cóc", "Bản Son", "Bản Ché Lầu", "Bản Na Lộc"]
    out = tmp_path / "bien-ban.docx"
    assert batch.fill("minutes", papers.inputs, out).written == 8
    data = out.read_bytes()
    doc = open_docx(data)
    assert len(doc.sections) == 8                     # each form its own section, numbered anew
    assert texts(data).count("BIÊN BẢN") == 8
    assert nd30.check(data) == []
    zipped = tmp_path / "bien-ban.zip"
    batch.fill("minutes", papers.inputs, zipped)
    with zipfile.ZipFile(zipped) as archive:
        files = archive.namelist()
        assert len(files) == 8
        for name, unit in zip(files, names, strict=True):
            assert any(unit.upper() in t for t in texts(archive.read(name))[:2])


@pytest.mark.skipif(not have("soffice"), reason="LibreOffice is not installed")
def test_bulk_pdf_counted_page_by_page(sqlite_store, tmp_path):
    with sqlite_store.session(readonly=True) as s:
        papers = q.minutes_inputs(s, "Xã Na Mèo", 2022, handwritten=True)
    out = tmp_path / "bien-ban.pdf"
    batch.fill("minutes", papers.inputs, out)
    pages = pdf_text(out.read_bytes()).rstrip("\f").split("\f")
    starts = [i for i, page in enumerate(pages) if "BIÊN BẢN" in page]
    assert len(starts) == 8
    for start, end, data in zip(starts, starts[1:] + [len(pages)], papers.inputs, strict=True):
        form = "\f".join(pages[start:end])
        assert data["unit"].upper().split(" ", 1)[1] in " ".join(pages[start].split())
        assert "THƯ KÝ" in form and "CHỦ TRÌ" in form and "Nơi nhận" in form
        assert 1 <= end - start <= 3


def test_web_form_prefilled_for_a_unit(client, db):
    na_meo = unit_id(db, "Bản Na Mèo")
    with db.session(readonly=True) as s:  # the page lists the units of the body chosen
        body = q.get_unit(s, na_meo).body_id
    index = html(client.get(f"/van-ban/?body={body}"))
    assert f'<option value="{na_meo}">Bản Na Mèo</option>' in index and 'name="unit"' in index
    page = html(client.get(f"/van-ban/minutes/moi?unit={na_meo}&year=2022"))
    assert 'value="Bản Na Mèo"' in page and "Đại diện Công an xã Na Mèo" in page
    assert client.get("/van-ban/minutes/moi?unit=99999").status_code == 404
    # the index's form sends an empty unit for the other kinds
    assert client.get("/van-ban/decision/moi?year=2022&unit=").status_code == 200


def test_web_bulk_minutes_of_a_commune(client):
    form = {"csrf_token": token(client, "/bien-ban/"), "commune": "Xã Na Mèo", "year": "2022",
            "variant": "filled", "fmt": "zip"}
    page, state = run_batch(client, form, url="/bien-ban/")
    assert state == "done" and "Đã tạo 8 biên bản" in html(page)
    with zipfile.ZipFile(io.BytesIO(job_download(client, page).data)) as archive:
        assert len(archive.namelist()) == 8
        first = texts(archive.read(archive.namelist()[2]))
    assert "BẢN NA MÈO" in first
    other = dict(form, commune="Xã Không Có")
    assert client.post("/bien-ban/", data=other).status_code == 404


def test_a_handwritten_result_is_one_of_the_kinds_criteria():
    assert minutes.result("chua dat").label == "Chưa đạt"
    assert minutes.result("Đạt").code == "dat"
    assert minutes.result("khá") is None


def test_docgen_batch_minutes_from_a_list(runner, tmp_path, write_json):
    from test_cli import run
    rows = tmp_path / "don-vi.csv"
    rows.write_text("Tên đơn vị,Loại hình,Xã,Địa điểm\n"
                    "Bản Na Mèo,Khu dân cư,Xã Na Mèo,Nhà văn hóa bản Na Mèo\n"
                    "Trường THPT Quan Sơn,Cơ sở giáo dục,Thị trấn Sơn Lư,\n"
                    "Bản Lạ,Hợp tác,Xã Na Mèo,\n", encoding="utf-8")
    out = tmp_path / "bien-ban.docx"
    result = run(runner, "batch", "minutes", rows, "-o", out, "--defaults",
                 write_json({"year": 2022, "handwritten": True}))
    assert result.exit_code == 0, result.output
    assert "dòng 4 (Loại hình)" in result.output
    data = out.read_bytes()
    assert texts(data).count("BIÊN BẢN") == 2
    assert "Địa điểm: Nhà văn hóa bản Na Mèo." in texts(data)
    assert nd30.check(data) == []
