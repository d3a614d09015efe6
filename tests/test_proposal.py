"""The proposal for recognition (Tờ trình): the police ask the People's Committee to
recognise the year's classes, with the scored list of Decision 510 Điều 11 attached —
its text against a hand count, its ND30 layout, the landscape list, bad input, the store's
prefill and the web form."""

from __future__ import annotations

from collections import Counter

import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

import docgen
from docgen import nd30, store as q
from docgen.errors import InputError
from docgen.vietnamese import percent
from helpers import open_docx, paragraphs_with, texts
from test_report import cells, table_with

CLASSES = ("Xuất sắc", "Khá", "Trung bình", "Yếu")
KIND_ORDER = ("Khu dân cư", "Xã, thị trấn", "Cơ quan", "Doanh nghiệp", "Cơ sở giáo dục")


@pytest.fixture
def proposal(sample):
    data = sample("proposal")
    return data, docgen.render_document("proposal", data)


def one_run_style(paragraph):
    return {(bool(r.bold), bool(r.italic), r.font.size) for r in paragraph.runs if r.text.strip()}


def test_the_body_quotes_a_hand_count_of_the_units(proposal):
    data, out = proposal
    body = texts(out)
    units = data["units"]
    assert body[:2] == ["CÔNG AN TỈNH THANH HÓA", "CÔNG AN HUYỆN QUAN SƠN"]
    assert "Số: 356/TTr-CAH" in body and "Quan Sơn, ngày 10 tháng 11 năm 2022" in body
    assert "TỜ TRÌNH" in body
    assert ("Về việc đề nghị công nhận kết quả đánh giá, phân loại phong trào toàn dân bảo vệ "
            "an ninh Tổ quốc năm 2022") in body
    assert "Kính gửi: Ủy ban nhân dân huyện Quan Sơn." in body
    assert any(t.startswith("Căn cứ Quyết định số 510/QĐ-BCA-V05") and t.endswith(";")
               for t in body)
    assert any(t.startswith("Căn cứ Kế hoạch số 45/KH-BCĐ") and t.endswith(".") for t in body)
    lead = next(t for t in body if t.startswith("Trên cơ sở kết quả tự đánh giá"))
    assert "kết quả thẩm định của Ban Chỉ đạo 138 huyện Quan Sơn" in lead
    assert lead.endswith(f"đối với {len(units)} đơn vị, cụ thể như sau:")
    grades = Counter(u["grade"] for u in units)
    for grade in CLASSES:
        line = f"- Loại {grade}: {grades[grade]:02d} đơn vị ({percent(grades[grade], len(units))})"
        assert any(t.startswith(line) for t in body), line
    safe = sum(1 for u in units if u["safe"])
    assert (f"Số đơn vị đạt tiêu chuẩn “An toàn về an ninh, trật tự”: {safe}/{len(units)} đơn "
            f"vị, chiếm {percent(safe, len(units))}.") in body
    assert ("Công an huyện Quan Sơn kính trình Ủy ban nhân dân huyện Quan Sơn xem xét, quyết "
            "định./.") in body
    n = body.index("Nơi nhận:")
    assert body[n + 1:n + 4] == ["- Như trên;", "- Ban Chỉ đạo 138 huyện (để b/c);",
                                 "- Lưu: VT, CAH."]
    assert body[n + 4:n + 6] == ["TRƯỞNG CÔNG AN HUYỆN", "Hà Văn Tuấn"]


def test_the_scored_list_shows_every_unit_as_given(proposal):
    data, out = proposal
    rows = cells(table_with(out, "STT", "Tên đơn vị"))
    assert rows[0] == ["STT", "Tên đơn vị", "Điểm tự chấm", "Điểm thẩm định", "Đề xuất xếp loại",
                       "An toàn về ANTT", "Ghi chú"]
    by_kind = Counter(u["kind"] for u in data["units"])
    headings = [r[0] for r in rows if len(r) == 1 and r[0][:2] in ("I.", "II", "IV", "V.")]
    expected = [k for k in KIND_ORDER if by_kind[k]]
    roman = ("I", "II", "III", "IV", "V")
    assert headings == [f"{roman[i]}. {k.upper()} ({by_kind[k]} đơn vị)"
                        for i, k in enumerate(expected)]
    listed = {r[1]: r for r in rows if len(r) == 7 and r[0].isdigit()}
    assert len(listed) == len(data["units"])
    for unit in data["units"]:
        stt, name, own, reviewed, grade, safe, note = listed[unit["name"]]
        assert (own, reviewed, grade) == (unit["self_score"], unit["score"], unit["grade"])
        assert safe == ("Đạt" if unit["safe"] else "Chưa đạt")
        assert note == unit.get("note", "")
    for kind in expected:  # STT counts from 1 inside each kind
        numbers = [int(listed[u["name"]][0]) for u in data["units"] if u["kind"] == kind]
        assert numbers == list(range(1, len(numbers) + 1))
    assert rows[-1] == [f"Tổng cộng: {len(data['units'])} đơn vị"]
    assert ("(Kèm theo Tờ trình số 356/TTr-CAH ngày 10 tháng 11 năm 2022 của Công an huyện "
            "Quan Sơn)") in texts(out)


def test_layout(proposal):
    _, out = proposal
    assert nd30.check(out) == []
    doc = open_docx(out)
    first, listing = doc.sections
    assert first.orientation == WD_ORIENT.PORTRAIT
    assert (round(first.page_width.mm), round(first.page_height.mm)) == (210, 297)
    assert (round(listing.page_width.mm), round(listing.page_height.mm)) == (297, 210)
    assert (round(listing.left_margin.mm), round(listing.right_margin.mm)) == (30, 15)
    assert 'w:start="1"' in listing._sectPr.xml  # the list numbers its own pages
    title = paragraphs_with(out, "TỜ TRÌNH")[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert one_run_style(title) == {(True, False, Pt(14))}
    address = paragraphs_with(out, "Kính gửi:")[0]
    assert address.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert one_run_style(address) == {(False, False, Pt(14))}
    lead = paragraphs_with(out, "Trên cơ sở kết quả")[0]
    assert lead.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(lead.paragraph_format.first_line_indent.twips - 567) <= 1
    attached = paragraphs_with(out, "(Có Thống kê danh sách")[0]
    assert one_run_style(attached) == {(False, True, Pt(14))}
    table = table_with(out, "STT", "Tên đơn vị")
    trs = table._tbl.tr_lst
    assert trs[0].trPr.find("{*}tblHeader") is not None  # the header repeats on every page
    assert all(r.trPr is not None and r.trPr.find("{*}cantSplit") is not None for r in trs)
    assert all(run.font.size == Pt(13) for row in table.rows for c in row.cells
               for p in c.paragraphs for run in p.runs if run.text.strip())


def test_a_draft_leaves_number_and_date_to_fill(sample):
    data = sample("proposal")
    del data["number"], data["date"]
    body = texts(docgen.render_document("proposal", data))
    assert "Số:      /TTr-CAH" in body
    assert "Quan Sơn, ngày      tháng      năm 2022" in body
    assert any(t.startswith("(Kèm theo Tờ trình số      /TTr-CAH ngày      tháng      năm 2022")
               for t in body)


def test_several_addressees_hang_under_the_colon(sample):
    data = sample("proposal")
    data["addressees"] = ["Ủy ban nhân dân huyện Quan Sơn", "Ban Chỉ đạo 138 huyện Quan Sơn"]
    body = texts(docgen.render_document("proposal", data))
    assert ("Kính gửi:\t- Ủy ban nhân dân huyện Quan Sơn;\n- Ban Chỉ đạo 138 huyện Quan Sơn."
            in body)
    assert any("kính trình Ủy ban nhân dân huyện Quan Sơn, Ban Chỉ đạo 138 huyện Quan Sơn xem "
               "xét" in t for t in body)


@pytest.mark.parametrize("raw, printed", [("92.5", "92,5"), ("92,50", "92,5"), ("100", "100"),
                                          ("0", "0"), (" 87 ", "87"), ("", "")])
def test_scores_are_printed_the_vietnamese_way(sample, raw, printed):
    data = sample("proposal")
    data["units"][0]["self_score"] = raw
    out = docgen.render_document("proposal", data)
    row = next(r for r in cells(table_with(out, "STT", "Tên đơn vị"))
               if len(r) == 7 and r[1] == data["units"][0]["name"])
    assert row[2] == printed


@pytest.mark.parametrize("change, words", [
    (lambda d: d["units"][2].update(self_score="105"), ["Điểm tự chấm", "«105»", "từ 0 đến 100"]),
    (lambda d: d["units"][2].update(score="chín mươi"), ["Điểm thẩm định", "«chín mươi»"]),
    (lambda d: d["units"][2].update(score="92,555"), ["Điểm thẩm định", "2 chữ số thập phân"]),
    (lambda d: d["units"].append(dict(d["units"][0], name=d["units"][0]["name"].upper())),
     ["trùng tên"]),
    (lambda d: d.update(addressees=[]), ["Kính gửi"]),
    (lambda d: d.update(date="2021-12-31"), ["không thuộc năm đánh giá 2022"]),
    (lambda d: d["units"][0].update(grade="Tốt"), ["units[1].grade"]),
    (lambda d: d.update(units=[]), ["units"]),
])
def test_bad_input_is_refused_naming_what_is_wrong(sample, change, words):
    data = sample("proposal")
    change(data)
    with pytest.raises(InputError) as caught:
        docgen.render_document("proposal", data)
    message = str(caught.value)
    for word in words:
        assert word in message, message


def test_hostile_names_and_notes_render_faithfully(sample):
    data = sample("proposal")
    data["units"][0].update(name="Bản A & B <Mới> \"Một\" 'Hai'", note="Ghi chú & <ghi> “chú”")
    out = docgen.render_document("proposal", data)
    row = next(r for r in cells(table_with(out, "STT", "Tên đơn vị")) if len(r) == 7
               and r[1].startswith("Bản A"))
    assert row[1] == "Bản A & B <Mới> \"Một\" 'Hai'" and row[6] == "Ghi chú & <ghi> “chú”"
    assert nd30.check(out) == []


def test_the_store_prefills_the_proposal_from_the_years_outcomes(app):
    db = app.extensions["docgen_store"]
    with db.session(readonly=True) as s:
        police = next(b for b in q.list_bodies(s) if b.abbreviation == "CAH")
        prefill = q.proposal_input(s, police.id, 2022)
        rows = {line.unit.name: line.assessment for b in q.list_bodies(s)
                if b.place == police.place
                for line in q.assessment_grid(s, b.id, 2022) if line.assessment}
    data = prefill.data
    assert prefill.warnings == []
    assert data["addressees"] == ["Ủy ban nhân dân huyện Quan Sơn"]
    assert data["committee"] == "Ban Chỉ đạo 138 huyện Quan Sơn"
    assert len(data["units"]) == len(rows) == 24
    for unit in data["units"]:
        row = rows[unit["name"]]
        assert unit["grade"] == (row.decided or row.suggested) and unit["safe"] == row.safe
        assert unit["score"] == f"{row.reviewed_score:g}".replace(".", ",")
    out = docgen.render_document("proposal", data)
    assert nd30.check(out) == []
    assert "Kính gửi: Ủy ban nhân dân huyện Quan Sơn." in texts(out)


def test_the_decision_cites_the_issued_proposal(app, sample):
    import datetime as dt
    db = app.extensions["docgen_store"]
    with db.session() as s:
        bodies = {b.name: b for b in q.list_bodies(s)}
        police = bodies["Công an huyện Quan Sơn"].id
        committee = bodies["Ủy ban nhân dân huyện Quan Sơn"].id
        # The sample's own Tờ trình of the year is in the register.
        seeded = "Tờ trình số 356/TTr-CAH ngày 10 tháng 11 năm 2022"
        assert q.decision_input(s, committee, 2022).data["proposal"] == seeded
        data = sample("proposal")
        del data["number"], data["date"]
        draft = q.create_document(s, kind="proposal", body_id=police, data=data,
                                  created_by="admin", render=docgen.render_document).id
        other = dict(data, year=2021)  # a proposal of another year is not this decision's
        older = q.create_document(s, kind="proposal", body_id=police, data=other,
                                  created_by="admin", render=docgen.render_document).id
    q.issue_number(db, older, issued_on=dt.date(2022, 12, 20), render=docgen.render_document)
    with db.session(readonly=True) as s:  # a draft is not cited either
        assert q.decision_input(s, committee, 2022).data["proposal"] == seeded
    q.issue_number(db, draft, issued_on=dt.date(2023, 1, 5), render=docgen.render_document)
    with db.session(readonly=True) as s:
        prefill = q.decision_input(s, committee, 2022)
    assert prefill.data["proposer"] == "Trưởng Công an huyện"
    assert prefill.data["proposal"] == "Tờ trình số 01/TTr-CAH ngày 05 tháng 01 năm 2023"
    out = docgen.render_document("decision", prefill.data)
    assert ("Theo đề nghị của Trưởng Công an huyện tại Tờ trình số 01/TTr-CAH ngày 05 tháng 01 "
            "năm 2023.") in texts(out)
    # Cited once: Điều 3 names who executes, not the Tờ trình again.
    article3 = next(t for t in texts(out) if t.startswith("Điều 3."))
    assert "Tờ trình" not in article3
    # (its wording carried over from the body's last decision, the sample's)
    assert article3.startswith("Điều 3. Chánh Văn phòng HĐND và UBND huyện, Trưởng Công an "
                               "huyện, Thủ trưởng")


def test_a_proposal_made_in_the_web_form_is_cited_by_the_decision(client, db):
    """Through the forms as a clerk uses them: the stored input holds the year as typed."""
    from test_web import _submit_prefilled, body_id, html, token
    police = body_id(db, "CAH")
    response = _submit_prefilled(client, f"/van-ban/proposal/moi?body={police}&year=2022")
    assert response.status_code == 302, html(response)[:2000]
    doc_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    # 05/01/2023 is after the Tờ trình's deadline (20/11/2022): «Vẫn cấp số» confirms it.
    issued = client.post(f"/so-van-ban/{doc_id}/cap-so", follow_redirects=True, data={
        "csrf_token": token(client, f"/so-van-ban/{doc_id}"), "issued_on": "2023-01-05",
        "confirm": "2023-01-05"})
    assert "Đã cấp số 01/TTr-CAH" in html(issued)  # in the police office's own register
    page = html(client.get(f"/van-ban/decision/moi?body={body_id(db, 'UBND')}&year=2022"))
    assert 'value="Trưởng Công an huyện"' in page
    assert 'value="Tờ trình số 01/TTr-CAH ngày 05 tháng 01 năm 2023"' in page
