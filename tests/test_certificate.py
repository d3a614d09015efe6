"""The Giấy công nhận (kind "certificate"): its text, its own layout (A4 landscape, a frame,
the emblem area), `docgen check` with the certificate's rules, and the bulk printing from an
issued recognition decision — every certificate read back, the PDF counted page by page."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import zipfile

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

import docgen
from docgen import batch, nd30, render_document, store as q
from docgen.cli import main
from docgen.store.prefill_safe import certificate_inputs, safe_decision_input
from helpers import have, open_docx, paragraphs_with, pdf_text, texts
from test_web import html, job_download, run_batch, token

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def certificate(sample):
    data = sample("certificate")
    return data, docgen.render_document("certificate", data)


def test_text_of_the_certificate(certificate):
    _, out = certificate
    body = texts(out)
    assert body[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert body[2:6] == ["GIẤY CÔNG NHẬN", "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN QUAN SƠN",
                         "Công nhận", "XÃ TRUNG THƯỢNG"]
    assert "Đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2022" in body
    assert "Quyết định số 2163/QĐ-UBND ngày 16 tháng 11 năm 2022" in body
    assert "Số vào sổ: 2163.02" in body
    assert body[-6:] == ["Quyết định số 2163/QĐ-UBND ngày 16 tháng 11 năm 2022",
                         "Số vào sổ: 2163.02", "Quan Sơn, ngày 16 tháng 11 năm 2022",
                         "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lò Văn Hùng"]


def test_landscape_frame_margins_and_type(certificate):
    _, out = certificate
    doc = open_docx(out)
    assert len(doc.sections) == 1
    section = doc.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (16838, 11906)
    for margin in (section.top_margin, section.bottom_margin, section.left_margin,
                   section.right_margin):
        assert margin.mm == pytest.approx(20, abs=0.1)
    borders = section._sectPr.find(f"{W}pgBorders")
    assert borders is not None and borders.get(f"{W}offsetFrom") == "page"
    for edge in ("top", "left", "bottom", "right"):
        assert borders.find(f"{W}{edge}").get(f"{W}val") == "thinThickSmallGap"
    title = paragraphs_with(out, "GIẤY CÔNG NHẬN")[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].bold and title.runs[0].font.size == Pt(28)
    unit = paragraphs_with(out, "XÃ TRUNG THƯỢNG")[0]
    assert unit.runs[0].bold and unit.runs[0].font.size == Pt(22)
    national = paragraphs_with(out, "CỘNG HÒA XÃ HỘI")[0]
    assert national.runs[0].bold and national.runs[0].font.size == Pt(13)
    assert all(r.italic for r in paragraphs_with(out, "Quan Sơn, ngày 16")[0].runs)
    assert all(r.italic for r in paragraphs_with(out, "Quyết định số 2163")[0].runs)
    fonts = {r.font.name for p in doc.paragraphs for r in p.runs if r.text.strip()}
    assert fonts == {"Times New Roman"}


def test_emblem_area_is_left_blank_on_request(sample):
    data = sample("certificate")
    plain = texts(docgen.render_document("certificate", data), keep_empty=True)
    data["emblem_space"] = True
    blank = texts(docgen.render_document("certificate", data), keep_empty=True)
    assert plain[0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert blank[:4] == ["", "", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]


def test_place_line_for_a_unit_in_a_commune(sample):
    data = sample("certificate")
    data.update(unit="Bản Na Mèo", kind="Khu dân cư", commune="Xã Na Mèo",
                issuer={"name": "Ủy ban nhân dân xã Na Mèo", "abbreviation": "UBND",
                        "place": "Na Mèo"}, signer={"authority": "TM.", "on_behalf":
                                                    "Ủy ban nhân dân", "position": "Chủ tịch",
                                                    "name": "Vi Văn Hoàn"})
    body = texts(docgen.render_document("certificate", data))
    assert "BẢN NA MÈO" in body and "(xã Na Mèo)" in body
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ NA MÈO" not in body     # TM.: the committee itself
    assert "ỦY BAN NHÂN DÂN XÃ NA MÈO" in body


@pytest.mark.parametrize("change, words", [
    pytest.param({"decision_date": "2020-11-18"}, "không thuộc năm công nhận",
                 id="a decision of another year"),
    pytest.param({"date": "2022-11-01"}, "trước ngày quyết định", id="signed before the decision"),
    pytest.param({"serial": 0}, "từ 1", id="serial zero"),
])
def test_bad_certificates_are_refused(sample, change, words):
    from docgen.errors import InputError
    data = {**sample("certificate"), **change}
    with pytest.raises(InputError) as err:
        docgen.render_document("certificate", data)
    assert words in str(err.value.problems)


# ---- docgen check: the certificate's own rules ------------------------------------------------

def test_check_applies_the_certificates_rules(certificate, runner, tmp_path):
    _, out = certificate
    assert nd30.profile_of(out) == "certificate"
    assert nd30.check(out) == []
    assert nd30.check(docgen.render.template_path("certificate.docx")) == []
    # ND30's rules do not fit a certificate: they would report its margins, sizes and title.
    strict = {f.rule for f in nd30.check(out, "nd30")}
    assert {"page.margins", "font.size", "title.kind"} <= strict
    path = tmp_path / "giay.docx"
    path.write_bytes(out)
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 0 and "Giấy công nhận đúng thể thức" in result.output


def test_a_portrait_certificate_without_frame_is_reported(certificate, tmp_path, runner):
    _, out = certificate
    doc = open_docx(out)
    section = doc.sections[0]
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = section.top_margin
    section._sectPr.remove(section._sectPr.find(f"{W}pgBorders"))
    doc.paragraphs[2].runs[0].font.size = Pt(14)
    raw = io.BytesIO()
    doc.save(raw)
    found = {f.rule: f.message for f in nd30.check(raw.getvalue())}
    assert "A4 ngang" in found["certificate.paper"]
    assert "cạnh trên, trái, dưới, phải" in found["certificate.frame"]
    assert "24–32 pt" in found["certificate.title"]
    path = tmp_path / "sai.docx"
    path.write_bytes(raw.getvalue())
    result = runner.invoke(main, ["check", str(path)])
    assert result.exit_code == 1 and "certificate.frame" in result.output


# ---- in bulk from an issued decision ---------------------------------------------------------

def _issued_decision(database) -> tuple[int, list[dict]]:
    with database.session() as s:
        data, _, _ = safe_decision_input(s, 1, 2022)
        doc = q.create_document(s, kind="safe_decision", body_id=1, data=data,
                                created_by="thử", render=render_document)
        doc_id = doc.id
    q.issue_number(database, doc_id, issued_on=dt.date(2022, 11, 18), render=render_document,
                   latest=dt.date(2030, 1, 1))
    with database.session(readonly=True) as s:
        return doc_id, certificate_inputs(s, doc_id)


@pytest.fixture
def store_db(tmp_path):
    database = q.Store(f"sqlite:///{tmp_path / 'store.db'}")
    database.create_schema()
    with database.session() as s:
        q.load_sample_district(s)
    yield database
    database.dispose()


def test_bulk_docx_and_zip_hold_one_certificate_per_unit(store_db, tmp_path):
    _, rows = _issued_decision(store_db)
    merged = tmp_path / "giay.docx"
    result = batch.fill("certificate", rows, merged)
    assert result.written == len(rows) and not result.skipped
    body = texts(merged.read_bytes())
    assert body.count("GIẤY CÔNG NHẬN") == len(rows)
    assert [t for t in body if t.startswith("Số vào sổ")] == \
        [f"Số vào sổ: 2164.{i:02d}" for i in range(1, len(rows) + 1)]
    assert body.count("Quyết định số 2164/QĐ-UBND ngày 18 tháng 11 năm 2022") == len(rows)
    assert nd30.check(merged) == []
    packed = tmp_path / "giay.zip"
    batch.fill("certificate", rows, packed)
    with zipfile.ZipFile(packed) as zf:
        names = zf.namelist()
        assert len(names) == len(rows)
        for name, row in zip(names, rows, strict=True):
            one = zf.read(name)
            assert row["unit"].upper() in texts(one)
            assert nd30.check(one) == []
            assert open_docx(one).sections[0].orientation == 1     # landscape


@pytest.mark.skipif(not (have("soffice") and have("pdfinfo")), reason="LibreOffice is missing")
def test_bulk_pdf_has_one_page_per_certificate(store_db, tmp_path):
    _, rows = _issued_decision(store_db)
    out = tmp_path / "giay.pdf"
    batch.fill("certificate", rows, out)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info)[1]) == len(rows)
    assert re.search(r"Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)", info)   # landscape
    pages = pdf_text(out.read_bytes()).split("\f")
    assert len([p for p in pages if p.strip()]) == len(rows)
    for page, row in zip(pages, rows, strict=False):
        text = " ".join(page.split())
        assert row["unit"].upper() in text
        assert f"Số vào sổ: 2164.{row['serial']:02d}" in text
        assert "Quyết định số 2164/QĐ-UBND ngày 18 tháng 11 năm 2022" in text


def test_web_prints_certificates_of_an_issued_decision(client, app):
    page = client.get("/giay-cong-nhan/")      # the register holds the sample's decision
    assert page.status_code == 200 and 'id="no-decision"' not in html(page)
    assert "Quyết định số 2163/QĐ-UBND — Ủy ban nhân dân huyện Quan Sơn" in html(page)
    doc_id, rows = _issued_decision(app.extensions["docgen_store"])
    page = html(client.get(f"/giay-cong-nhan/?document={doc_id}"))
    assert "Quyết định số 2164/QĐ-UBND — Ủy ban nhân dân huyện Quan Sơn" in page
    last, state = run_batch(client, {"csrf_token": token(client, "/giay-cong-nhan/"),
                                     "document_id": str(doc_id), "fmt": "docx",
                                     "emblem_space": "y"}, url="/giay-cong-nhan/")
    assert state == "done", html(last)[:2000]
    response = job_download(client, last)
    assert response.headers["X-Docgen-Forms"] == str(len(rows))
    body = texts(response.data, keep_empty=True)
    assert body[:4] == ["", "", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    assert [t for t in body if t.strip()].count("GIẤY CÔNG NHẬN") == len(rows)


def test_web_refuses_a_draft_decision(client, app):
    database = app.extensions["docgen_store"]
    with database.session() as s:
        data, _, _ = safe_decision_input(s, 1, 2022)
        doc_id = q.create_document(s, kind="safe_decision", body_id=1, data=data,
                                   created_by="thử", render=render_document).id
    response = client.post("/giay-cong-nhan/", data={
        "csrf_token": token(client, "/giay-cong-nhan/"), "document_id": str(doc_id),
        "fmt": "pdf"}, follow_redirects=True)
    assert "còn là dự thảo: Giấy công nhận chỉ in từ quyết định đã ký và cấp số" in html(response)


@pytest.mark.skipif(not (have("soffice") and have("pdftotext")), reason="LibreOffice is missing")
def test_the_pdf_keeps_every_word_inside_the_frame(sample):
    from docgen import pdf
    from test_pdf import MM, pdf_pages
    for emblem in (False, True):
        data = {**sample("certificate"), "emblem_space": emblem}
        pages = pdf_pages(pdf.to_pdf(docgen.render_document("certificate", data)))
        assert len(pages) == 1
        width, height, words = pages[0]
        assert (round(width / MM), round(height / MM)) == (297, 210)
        outside = [w[0] for w in words if w[1] < 19.5 * MM or w[3] > width - 19.5 * MM
                   or w[2] < 19.5 * MM or w[4] > height - 19.5 * MM]
        assert words and outside == []


def test_cli_batch_from_a_list_of_units(runner, tmp_path, sample, write_json):
    from helpers import xlsx
    shared = {k: v for k, v in sample("certificate").items() if k not in ("unit", "kind",
                                                                            "serial")}
    source = tmp_path / "ds.xlsx"
    source.write_bytes(xlsx([["STT", "Tên đơn vị", "Loại hình", "Số thứ tự trong quyết định",
                              "Xã"],
                             [1, "Thị trấn Sơn Lư", "Xã, thị trấn", 1, None],
                             [2, "Trường THCS Sơn Lư", "Cơ sở giáo dục", 26, "Thị trấn Sơn Lư"],
                             [3, "Bản X", "Khu dân cư", "không số", None]]))
    out = tmp_path / "giay.docx"
    result = runner.invoke(main, ["batch", "certificate", str(source), "-o", str(out),
                                  "--defaults", str(write_json(shared))])
    assert result.exit_code == 0, result.output
    assert "dòng 4 (Số thứ tự trong quyết định)" in result.output
    body = texts(out.read_bytes())
    assert body.count("GIẤY CÔNG NHẬN") == 2
    assert [t for t in body if "vào sổ" in t] == ["Số vào sổ: 2163.01", "Số vào sổ: 2163.26"]
    assert "(thị trấn Sơn Lư)" in body
    assert nd30.check(out) == []
