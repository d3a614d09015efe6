"""The register as Nghị định 30 wants it: the outgoing register printed in the Phụ lục IV
form (DOCX opened and read back), the Phụ lục VI metadata package checked against the
register, the body's mã định danh, and a repeated number + symbol refused."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import threading
import zipfile

import docx
import pytest
from lxml import etree
from PIL import Image
from sqlalchemy import select, update

from docgen import render_document, store as q
from docgen.builders.register_book import COLUMNS
from docgen.cli import main as cli
from docgen.errors import InputError, UserError
from docgen.register import book, package
from docgen.store.models import Counter, Document
from docgen.vietnamese import short_date
from helpers import have

HEADERS = ["Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản",
           "Người ký", "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản",
           "Ngày chuyển", "Ký nhận", "Ghi chú"]
IDENTIFIER = "000.00.31.H56"
ISSUED = dt.date(2023, 1, 10)  # the 2022 decisions may be issued in 2023


def _body(db, abbreviation: str = "UBND", name: str = "Ủy ban nhân dân huyện Quan Sơn"):
    with db.session(readonly=True) as s:
        return next(b.id for b in q.list_bodies(s) if b.abbreviation == abbreviation
                    and b.name == name)


def _issued(db, body_id: int, year: int) -> list[Document]:
    with db.session(readonly=True) as s:
        return list(s.scalars(select(Document).where(
            Document.body_id == body_id, Document.year == year,
            Document.status == "issued").order_by(Document.number)))


def _new_draft(db, body_id: int) -> int:
    with db.session() as s:
        data, _, _ = q.decision_input(s, body_id, 2022)
        return q.create_document(s, kind="decision", body_id=body_id, data=data,
                                 created_by="admin", render=render_document).id


def _issue_more(db, body_id: int, count: int) -> None:
    for _ in range(count):
        q.issue_number(db, _new_draft(db, body_id), issued_on=ISSUED,
                       render=render_document)


@pytest.fixture
def instance_env(app, monkeypatch):
    """The CLI reads the app's database."""
    monkeypatch.setenv("DOCGEN_INSTANCE", app.instance_path)
    monkeypatch.delenv("DOCGEN_DATABASE_URL", raising=False)


def _table_rows(document) -> list[list[str]]:
    table = document.tables[-1]
    return [[cell.text for cell in row.cells] for row in table.rows]


# ---- Phụ lục IV: the printed register ------------------------------------------------

def test_the_printed_register_has_the_phu_luc_iv_columns_and_one_row_per_entry(
        db, runner, instance_env, tmp_path):
    body_id = _body(db)
    out = tmp_path / "so.docx"
    result = runner.invoke(cli, ["register", "print", "--body", str(body_id), "--year", "2022",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    rows = _table_rows(document)
    assert rows[0] == HEADERS
    assert rows[1] == [f"({i})" for i in range(1, 11)]
    entries = _issued(db, body_id, 2022)
    assert [r[0] for r in rows[2:]] == [d.symbol for d in entries] == \
        ["2158/QĐ-UBND", "2163/QĐ-UBND"]
    first = rows[2]
    assert first[1] == short_date(entries[0].issued_on) == "14/11/2022"
    assert first[2].startswith("Quyết định về việc công nhận kết quả đánh giá")
    assert first[3] == "Lò Văn Hùng"
    assert first[4].startswith("Như Điều 3; Ban Chỉ đạo 138 tỉnh")
    assert first[5] == "VT, CAH"
    assert first[6:] == ["", "", "", ""]  # written by hand when the copies leave


def test_the_printed_register_is_a4_landscape_in_times_new_roman_with_its_cover(
        db, runner, instance_env, tmp_path):
    body_id = _body(db)
    out = tmp_path / "so.docx"
    assert runner.invoke(cli, ["register", "print", "--body", str(body_id), "--year", "2022",
                               "-o", str(out), "--volume", "2"]).exit_code == 0
    document = docx.Document(str(out))
    for section in document.sections:
        assert (section.page_width.mm, section.page_height.mm) == pytest.approx((297, 210),
                                                                                 abs=0.5)
        assert section.left_margin.mm == pytest.approx(30, abs=0.5)
    assert len(document.sections) == 2  # the cover, then the table from a new page
    text = [p.text for p in document.paragraphs]
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text
    assert "Năm: 2022" in text
    assert "Từ ngày 14/11/2022 đến ngày 16/11/2022" in text
    assert "Từ số 2158 đến số 2163" in text
    assert "Quyển số: 02" in text
    cover = [c.text for c in document.tables[0].rows[0].cells[0].paragraphs if c.text]
    assert cover == ["ỦY BAN NHÂN DÂN HUYỆN QUAN SƠN"]
    widths = [c.width for c in COLUMNS]
    grid = document.tables[-1]._tbl.tblGrid
    assert [int(col.get(docx.oxml.ns.qn("w:w"))) for col in grid] == widths
    fonts = {r.font.name for p in document.paragraphs for r in p.runs if r.text}
    assert fonts == {"Times New Roman"}
    header = document.tables[-1].rows[0]._tr.trPr
    assert header.find(docx.oxml.ns.qn("w:tblHeader")) is not None  # repeated on each page


def test_the_register_lists_new_entries_in_number_order(db):
    body_id = _body(db)
    _issue_more(db, body_id, 3)
    year = ISSUED.year
    with db.session(readonly=True) as s:
        data = book.print_book(s, body_id, year)
    rows = _table_rows(docx.Document(io.BytesIO(data)))[2:]
    entries = _issued(db, body_id, year)
    assert len(entries) >= 3
    assert [r[0] for r in rows] == [d.symbol for d in entries]
    numbers = [int(r[0].split("/")[0]) for r in rows]
    assert numbers == sorted(numbers)


def test_an_empty_year_prints_the_cover_and_an_empty_table(db):
    with db.session(readonly=True) as s:
        document = docx.Document(io.BytesIO(book.print_book(s, _body(db), 2019)))
    assert len(_table_rows(document)) == 2
    assert "Từ số ………… đến số …………" in [p.text for p in document.paragraphs]


def test_an_unknown_body_or_a_bad_year_is_a_message(runner, db, instance_env, tmp_path):
    out = tmp_path / "so.docx"
    result = runner.invoke(cli, ["register", "print", "--body", "999", "--year", "2022",
                                 "-o", str(out)])
    assert result.exit_code == 2
    assert "Không tìm thấy cơ quan (mã 999)" in result.output
    result = runner.invoke(cli, ["register", "export", "--body", "1", "--year", "1800",
                                 "-o", str(tmp_path / "x.zip")])
    assert result.exit_code == 2 and "Năm 1800 không hợp lệ" in result.output
    assert not out.exists()


# ---- Phụ lục VI: the metadata package ------------------------------------------------

def _set_identifier(db, body_id: int, identifier: str) -> None:
    with db.session() as s:
        body = q.get_body(s, body_id)
        q.save_body(s, id=body_id, name=body.name, abbreviation=body.abbreviation,
                    place=body.place, superior=body.superior, parent_id=body.parent_id,
                    level=body.level, commune=body.commune, proposer=body.proposer,
                    identifier=identifier)


def test_the_export_package_holds_each_issued_documents_metadata(db, runner, instance_env,
                                                                 tmp_path):
    body_id = _body(db)
    _set_identifier(db, body_id, IDENTIFIER)
    out = tmp_path / "goi.zip"
    result = runner.invoke(cli, ["register", "export", "--body", str(body_id), "--year", "2022",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    archive = zipfile.ZipFile(out)
    manifest = json.loads(archive.read("manifest.json"))
    entries = _issued(db, body_id, 2022)
    assert manifest["body_identifier"] == IDENTIFIER and manifest["year"] == 2022
    assert [m["number_symbol"] for m in manifest["documents"]] == [d.symbol for d in entries]
    for listed, doc in zip(manifest["documents"], entries, strict=True):
        record = json.loads(archive.read(listed["metadata"][0]))
        assert record["body_identifier"] == IDENTIFIER
        assert (record["number"], record["number_symbol"]) == (doc.number, doc.symbol)
        assert record["symbol"] == "QĐ-UBND"
        assert record["issued_on"] == doc.issued_on.isoformat()
        assert record["summary"] == doc.summary
        assert record["type_name"] == "Quyết định"
        assert record["signer_name"] == doc.signer_name
        assert record["signer_position"] == "KT. Chủ tịch / Phó Chủ tịch"
        assert record["urgency"] == record["confidentiality"] == "Thường"
        assert record["file"] is None and listed["pdf"] is None
        xml = etree.fromstring(archive.read(listed["metadata"][1]))
        assert xml.findtext("body_identifier") == IDENTIFIER
        assert xml.findtext("number_symbol") == doc.symbol
        assert xml.find("summary").get("label") == "Trích yếu nội dung"
        assert [i.text for i in xml.find("recipients")] == record["recipients"]
    assert set(manifest["fields"]) >= {"body_identifier", "number", "symbol", "issued_on",
                                       "summary", "signer_name", "recipients", "pages",
                                       "urgency", "confidentiality"}


def test_the_package_carries_the_pdf_where_the_register_has_one(db):
    body_id = _body(db)
    pages = [Image.new("RGB", (210, 297), "white") for _ in range(3)]
    raw = io.BytesIO()
    pages[0].save(raw, "PDF", save_all=True, append_images=pages[1:])
    pdf = raw.getvalue()
    first = _issued(db, body_id, 2022)[0].id
    with db.session(readonly=True) as s:
        data = package.export_package(
            s, body_id, 2022, pdf_of=lambda session, doc: pdf if doc.id == first else None)
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(archive.read("manifest.json"))
    with_pdf, without = manifest["documents"]
    assert archive.read(with_pdf["pdf"]) == pdf and without["pdf"] is None
    assert json.loads(archive.read(with_pdf["metadata"][0]))["pages"] == 3
    assert sorted(n for n in archive.namelist() if n.endswith(".pdf")) == [with_pdf["pdf"]]


def test_the_same_register_gives_the_same_package(db):
    body_id = _body(db)
    with db.session(readonly=True) as s:
        assert package.export_package(s, body_id, 2022) == package.export_package(s, body_id,
                                                                                   2022)


# ---- the body's mã định danh ----------------------------------------------------------

@pytest.mark.parametrize("typed, stored", [
    ("000.00.31.H56", "000.00.31.H56"),
    (" h56.12.05.x01 ", "H56.12.05.X01"),
    ("", ""),
], ids=["as given", "upper-cased and trimmed", "not recorded"])
def test_an_identifier_is_stored_in_canonical_form(db, typed, stored):
    body_id = _body(db)
    _set_identifier(db, body_id, typed)
    with db.session(readonly=True) as s:
        assert q.get_body(s, body_id).identifier == stored


@pytest.mark.parametrize("typed", ["000.00.31", "000-00-31-H56", "000.0A.31.H56",
                                   "Ủ00.00.31.H56", "000.00.31.H56.1"])
def test_an_identifier_not_of_the_pattern_is_refused_naming_the_field(db, typed):
    with pytest.raises(InputError) as caught, db.session() as s:
        body = q.get_body(s, _body(db))
        q.save_body(s, id=body.id, name=body.name, abbreviation=body.abbreviation,
                    place=body.place, identifier=typed)
    (field, message), = caught.value.problems
    assert field == "identifier"
    assert "Mã định danh" in message and "không đúng dạng" in message


def test_saving_a_body_without_the_identifier_keeps_it(db):
    body_id = _body(db)
    _set_identifier(db, body_id, IDENTIFIER)
    with db.session() as s:
        body = q.get_body(s, body_id)
        q.save_body(s, id=body_id, name=body.name, abbreviation=body.abbreviation,
                    place=body.place, superior=body.superior, level=body.level)
    with db.session(readonly=True) as s:
        assert q.get_body(s, body_id).identifier == IDENTIFIER


def _token(client, url: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).text)[1]


def test_the_district_sets_the_identifier_on_the_bodies_page(client, db):
    body_id = _body(db)
    url = f"/co-quan/{body_id}"
    with db.session(readonly=True) as s:
        body = q.get_body(s, body_id)
        form = {"name": body.name, "abbreviation": body.abbreviation, "place": body.place,
                "superior": body.superior, "parent_id": "", "level": body.level,
                "commune": body.commune, "proposer": body.proposer}
    bad = client.post(url, data={**form, "csrf_token": _token(client, url),
                                 "identifier": "H56"})
    assert bad.status_code == 422
    assert "Mã định danh «H56» không đúng dạng" in bad.text
    good = client.post(url, data={**form, "csrf_token": _token(client, url),
                                  "identifier": "000.00.31.h56"})
    assert good.status_code == 302
    assert IDENTIFIER in client.get("/co-quan/").text
    with db.session(readonly=True) as s:
        assert q.get_body(s, body_id).identifier == IDENTIFIER


def test_a_commune_clerk_cannot_change_the_identifier(db):
    commune = _body(db, "UBND", "Ủy ban nhân dân xã Na Mèo")
    _set_identifier(db, commune, "H56.31.10.001")
    with db.session() as s:
        scope = q.Scope(frozenset({commune}), "", True, False)  # a commune clerk's
        body = q.get_body(s, commune)
        with pytest.raises(InputError) as caught:
            q.save_body(s, id=commune, name=body.name, abbreviation=body.abbreviation,
                        place=body.place, superior=body.superior, parent_id=body.parent_id,
                        level=body.level, commune=body.commune, identifier="H56.31.10.002",
                        scope=scope)
    assert caught.value.problems == [("identifier",
                                    "Mã định danh: chỉ tài khoản cấp huyện được thay đổi")]


# ---- a repeated number + symbol ------------------------------------------------------

def test_a_number_and_symbol_already_issued_is_refused_and_nothing_is_consumed(db):
    body_id = _body(db)
    year = ISSUED.year
    _issue_more(db, body_id, 1)
    issued = _issued(db, body_id, year)[-1]
    with db.session() as s:  # the counter behind the register, as after restoring an old one
        s.execute(update(Counter).where(Counter.body_id == body_id, Counter.year == year)
                  .values(last=issued.number - 1))
    draft = _new_draft(db, body_id)
    with pytest.raises(UserError) as caught:
        q.issue_number(db, draft, issued_on=ISSUED, render=render_document)
    message = caught.value.message
    assert f"Số, ký hiệu {issued.symbol} của Ủy ban nhân dân huyện Quan Sơn" in message
    assert "không cấp trùng số, ký hiệu" in message
    with db.session(readonly=True) as s:
        assert s.get(Document, draft).number is None
        assert s.get(Counter, (body_id, year)).last == issued.number - 1


def test_two_clerks_issuing_at_once_get_different_numbers(db):
    body_id = _body(db)
    drafts = [_new_draft(db, body_id) for _ in range(4)]
    errors: list = []

    def issue(doc_id: int) -> None:
        try:
            q.issue_number(db, doc_id, issued_on=ISSUED, render=render_document)
        except Exception as exc:  # reported below: every issue must succeed
            errors.append(exc)
    threads = [threading.Thread(target=issue, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.session(readonly=True) as s:
        symbols = [s.get(Document, d).symbol for d in drafts]
    assert len(set(symbols)) == 4


# ---- the web links -------------------------------------------------------------------

def test_the_register_page_links_the_book_and_the_package_for_a_body_and_year(client, db):
    body_id = _body(db)
    page = client.get(f"/so-van-ban/?body={body_id}&year=2022").text
    assert f"/so-van-ban/so-dang-ky?body={body_id}&amp;year=2022" in page
    assert f"/so-van-ban/du-lieu-dac-ta?body={body_id}&amp;year=2022" in page
    assert "Chọn một cơ quan và một năm" in client.get("/so-van-ban/").text
    book_file = client.get(f"/so-van-ban/so-dang-ky?body={body_id}&year=2022")
    assert book_file.status_code == 200
    assert book_file.headers["Content-Disposition"].endswith(f"-{body_id}-2022.docx")
    rows = _table_rows(docx.Document(io.BytesIO(book_file.data)))
    assert [r[0] for r in rows[2:]] == [d.symbol for d in _issued(db, body_id, 2022)]
    zipped = client.get(f"/so-van-ban/du-lieu-dac-ta?body={body_id}&year=2022")
    assert zipped.status_code == 200 and zipped.mimetype == "application/zip"
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(zipped.data)).namelist()


def test_without_a_body_and_year_the_page_says_what_to_choose(client):
    response = client.get("/so-van-ban/so-dang-ky?year=2022", follow_redirects=True)
    assert "Hãy chọn một cơ quan và một năm" in response.text


def test_a_commune_clerk_gets_no_other_bodys_register(app, db):
    from helpers import login
    commune = _body(db, "UBND", "Ủy ban nhân dân xã Na Mèo")
    with db.session() as s:
        q.save_user(s, username="vanthu.namao", role=q.ROLE_COMMUNE, body_id=commune,
                    password="mat-khau-van-thu-xa-1", must_change=False)
    clerk = app.test_client()
    assert login(clerk, "vanthu.namao", "mat-khau-van-thu-xa-1").status_code == 302
    district = _body(db)
    assert clerk.get(f"/so-van-ban/so-dang-ky?body={district}&year=2022").status_code == 404
    assert clerk.get(f"/so-van-ban/du-lieu-dac-ta?body={district}&year=2022").status_code == 404
    assert clerk.get(f"/so-van-ban/so-dang-ky?body={commune}&year=2022").status_code == 200


@pytest.mark.skipif(not (have("soffice") and have("pdfinfo")),
                    reason="LibreOffice or poppler-utils is not installed")
def test_the_register_prints_as_a_landscape_pdfa(db, runner, instance_env, tmp_path):
    from test_pdfa import pdfa_identification, pdfinfo
    out = tmp_path / "so.pdf"
    result = runner.invoke(cli, ["register", "print", "--body", str(_body(db)), "--year", "2022",
                                 "-o", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    assert pdfa_identification(out.read_bytes()) == ("2", "B")
    info = pdfinfo(out)
    width, height = map(float, re.findall(r"[\d.]+", info["Page size"])[:2])
    assert "(A4)" in info["Page size"] and width > height  # A4 landscape
    assert int(info["Pages"]) == 2  # the cover, then the table


def test_cap_so_on_the_web_shows_the_refusal_of_a_repeated_number(client, db):
    body_id = _body(db)
    _issue_more(db, body_id, 1)
    issued = _issued(db, body_id, ISSUED.year)[-1]
    with db.session() as s:
        s.execute(update(Counter).where(Counter.body_id == body_id, Counter.year == ISSUED.year)
                  .values(last=issued.number - 1))
    draft = _new_draft(db, body_id)
    url = f"/so-van-ban/{draft}"
    day = ISSUED.isoformat()
    response = client.post(f"{url}/cap-so", data={"csrf_token": _token(client, url),
                                                  "issued_on": day, "confirm": day},
                           follow_redirects=True)
    assert f"Số, ký hiệu {issued.symbol} của Ủy ban nhân dân huyện Quan Sơn" in response.text
    with db.session(readonly=True) as s:
        assert s.get(Document, draft).number is None
