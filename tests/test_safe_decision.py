"""The decision recognising «An toàn về ANTT» (kind "safe_decision"): text and ND30 layout,
the list by unit kind, pre-filled from the store within the body's competence and scope,
never disagreeing with the classification decision, the web form, the register."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

import docgen
from docgen import nd30, render_document, store as q
from docgen.errors import InputError, UserError
from docgen.store.models import Body, Unit
from docgen.store.prefill_safe import certificate_inputs, disagreements, safe_decision_input
from helpers import open_docx, paragraphs_with, table_rows, texts

KIND_ORDER = ["KHU DÂN CƯ", "XÃ, THỊ TRẤN", "CƠ QUAN", "DOANH NGHIỆP", "CƠ SỞ GIÁO DỤC"]


@pytest.fixture
def decision(sample):
    data = sample("safe_decision")
    return data, docgen.render_document("safe_decision", data)


@pytest.fixture
def db(tmp_path):
    """A store file loaded with the sample district."""
    database = q.Store(f"sqlite:///{tmp_path / 'store.db'}")
    database.create_schema()
    with database.session() as s:
        q.load_sample_district(s)
    yield database
    database.dispose()


def _without_district_decisions(database) -> None:
    """The register as it was before the district decided: the sample's issued
    classification and recognition decisions of body 1 are taken out (tests set up)."""
    from docgen.store.models import Document
    with database.session() as s:
        for doc in s.query(Document).filter(Document.body_id == 1, Document.kind.in_(
                ("decision", "safe_decision"))):
            s.delete(doc)


def list_groups(out: bytes) -> dict[str, list[list[str]]]:
    groups: dict[str, list[list[str]]] = {}
    current = None
    for row in table_rows(out)[1:]:
        if len(row) == 1:
            if not row[0].startswith("Tổng cộng"):
                current = row[0]
                groups[current] = []
        else:
            groups[current].append(row)
    return groups


def test_text_of_the_decision(decision):
    data, out = decision
    body = texts(out)
    assert body[0] == "ỦY BAN NHÂN DÂN HUYỆN QUAN SƠN"
    assert "Số: 2163/QĐ-UBND" in body
    assert "Quan Sơn, ngày 16 tháng 11 năm 2022" in body
    assert "QUYẾT ĐỊNH" in body
    assert "Về việc công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2022" in body
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN QUAN SƠN" in body
    assert any(t.startswith("Căn cứ Thông tư số 124/2021/TT-BCA ngày 28 tháng 12 năm 2021")
               and t.endswith(";") for t in body)
    assert "Theo đề nghị của Trưởng Công an huyện." in body
    total = len(data["units"])
    assert any(f"Công nhận {total:02d} đơn vị đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm "
               "2022 (có danh sách kèm theo), gồm:" in t for t in body)
    assert any("được cấp Giấy công nhận đạt tiêu chuẩn" in t for t in body)
    assert paragraphs_with(out, "Điều 3.")[0].text.endswith("./.")
    assert "(Kèm theo Quyết định số 2163/QĐ-UBND ngày 16 tháng 11 năm 2022 của Chủ tịch Ủy ban " \
           "nhân dân huyện Quan Sơn)" in body
    assert body[body.index("Lò Văn Hùng") - 2: body.index("Lò Văn Hùng")] == [
        "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


def test_list_is_grouped_by_kind_and_numbered_straight_through(decision):
    data, out = decision
    groups = list_groups(out)
    kinds = [h.split(". ", 1)[1].split(" (")[0] for h in groups]
    assert kinds == [k for k in KIND_ORDER if k in kinds]       # the Circular's order
    rows = [row for rows in groups.values() for row in rows]
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(data["units"]) + 1)]
    assert sorted(r[1] for r in rows) == sorted(u["name"] for u in data["units"])
    body = texts(out)
    for heading, members in groups.items():
        assert heading.endswith(f"({len(members)} đơn vị)")
        label = heading.split(". ", 1)[1].split(" (")[0]
        line = next(t for t in body if t.startswith("- ") and t.upper().startswith(f"- {label}:"))
        assert f": {len(members):02d} đơn vị" in line
    assert f"Tổng cộng: {len(data['units'])} đơn vị" in body


def test_nd30_layout(decision):
    _, out = decision
    doc = open_docx(out)
    assert len(doc.sections) == 2
    for section in doc.sections:
        assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
        assert (section.top_margin.mm, section.left_margin.mm, section.right_margin.mm) == \
            pytest.approx((20, 30, 15), abs=0.1)
    number = paragraphs_with(out, "Số: 2163/QĐ-UBND")[0]
    assert {r.font.size for r in number.runs if r.text.strip()} == {Pt(13)}
    date = paragraphs_with(out, "Quan Sơn, ngày 16")[0]
    assert all(r.italic for r in date.runs if r.text.strip())
    title = paragraphs_with(out, "Về việc công nhận đạt tiêu chuẩn")[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and title.runs[0].bold
    for basis in (p for p in paragraphs_with(out, "Căn cứ ") if p.text.startswith("Căn cứ")):
        assert all(r.italic for r in basis.runs if r.text.strip())
    for article in ("Điều 1.", "Điều 2.", "Điều 3."):
        p = paragraphs_with(out, article)[0]
        assert p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
        assert p.runs[0].text == article + " " and p.runs[0].bold
        assert {r.font.size for r in p.runs} == {Pt(14)}
        assert {r.font.name for r in p.runs} == {"Times New Roman"}
    label = paragraphs_with(out, "Nơi nhận:")[0]
    assert label.runs[0].bold and label.runs[0].italic and label.runs[0].font.size == Pt(12)
    assert nd30.check(out) == []
    assert nd30.check(docgen.render.template_path("safe_decision.docx")) == []


def test_draft_prints_blank_number(sample):
    data = sample("safe_decision")
    del data["number"], data["date"]
    out = docgen.render_document("safe_decision", data)
    assert "Số:      /QĐ-UBND" in texts(out)
    assert nd30.check(out) == []


@pytest.mark.parametrize("mutate, field, words", [
    pytest.param(lambda d: d.update(units=[]), "units", "ít nhất 1", id="no unit"),
    pytest.param(lambda d: d["units"].append(dict(d["units"][0])), "", "trùng tên",
                 id="a unit twice"),
    pytest.param(lambda d: d.update(date="2021-11-18"), "", "không thuộc năm đánh giá",
                 id="a date before the year"),
    pytest.param(lambda d: d["units"][0].update(kind="Nhà máy"), "units[1].kind", "Khu dân cư",
                 id="unknown kind"),
])
def test_bad_input_is_refused_naming_the_field(sample, mutate, field, words):
    data = sample("safe_decision")
    mutate(data)
    with pytest.raises(InputError) as err:
        docgen.render_document("safe_decision", data)
    assert words in " ".join(m for p, m in err.value.problems if p == field)


@pytest.mark.parametrize("kind", ["safe_decision", "decision"])
@pytest.mark.parametrize("proposer", [".", " ; ", "..."])
def test_a_proposer_of_only_punctuation_is_refused_by_both_decisions(sample, kind, proposer):
    """Both recognition decisions share their checks: «Theo đề nghị của .» would print an
    empty line, so a proposer that is only punctuation is refused, naming the field."""
    data = sample(kind)
    data["proposer"] = proposer
    with pytest.raises(InputError) as err:
        docgen.render_document(kind, data)
    assert "không phải chức danh người đề nghị" in " ".join(
        m for p, m in err.value.problems if p == "proposer")


# ---- from the store -------------------------------------------------------------------------

def _names(data: dict) -> set[str]:
    return {u["name"] for u in data["units"]}


def test_prefill_lists_the_safe_units_the_district_may_recognise(db):
    with db.session(readonly=True) as s:
        data, warnings, _ = safe_decision_input(s, 1, 2022)
        units = {u.name: u for u in q.list_units(s)}
        safe = {u.name for u in units.values()
                if q.get_assessment(s, u.id, 2022) and q.get_assessment(s, u.id, 2022).safe}
    listed = _names(data)
    assert listed and listed <= safe
    # Circular 124 Điều 10.1: residential areas are the commune's to recognise.
    assert all(units[n].kind != "khu_dan_cu" for n in listed)
    assert {n for n in safe if units[n].kind != "khu_dan_cu"} == listed
    assert "Bản Na Mèo" in safe and "Bản Na Mèo" not in listed
    docgen.prepare("safe_decision", data)               # valid as it is


def test_excluded_units_and_commune_competence(db):
    with db.session() as s:
        school = s.query(Unit).filter_by(name="Trường THCS Sơn Lư").one()
        school.category = "tieu_hoc"        # not in the Circular's scope (rules.toml)
    with db.session(readonly=True) as s:
        district, _, _ = safe_decision_input(s, 1, 2022)
        commune = s.query(Body).filter_by(name="Ủy ban nhân dân xã Na Mèo").one()
        local, _, _ = safe_decision_input(s, commune.id, 2022)
    assert "Trường THCS Sơn Lư" not in _names(district)
    safe_areas = {"Bản Na Mèo", "Bản Sa Ná", "Bản Cóc", "Bản Son", "Bản Na Lộc"}
    assert _names(local) == safe_areas
    assert local["issuer"]["name"] == "Ủy ban nhân dân xã Na Mèo"


def _register(database, kind: str, data: dict, *, issue: dt.date | None = None) -> int:
    with database.session() as s:
        doc = q.create_document(s, kind=kind, body_id=1, data=data, created_by="thử",
                                render=render_document)
        doc_id = doc.id
    if issue is not None:
        q.issue_number(database, doc_id, issued_on=issue, render=render_document,
                       latest=dt.date(2030, 1, 1))
    return doc_id


def test_the_two_decisions_agree_and_disagreements_are_named(db):
    _without_district_decisions(db)
    with db.session(readonly=True) as s:
        classification, _, _ = q.decision_input(s, 1, 2022)
        safe, _, _ = safe_decision_input(s, 1, 2022)
    class_id = _register(db, "decision", classification)
    with db.session(readonly=True) as s:
        assert disagreements(s, 1, 2022) == []             # one of the two is missing
    kha = next(u for u in classification["units"] if u["grade"] == "kha" and u["kind"] == "xa")
    dropped = dict(safe, units=[u for u in safe["units"] if u["name"] != kha["name"]])
    doc_id = _register(db, "safe_decision", dropped)
    with db.session(readonly=True) as s:
        found = disagreements(s, 1, 2022)
    assert found == [f"«{kha['name']}» xếp loại Khá trong dự thảo quyết định (mã {class_id}) "
                     "(loại này yêu cầu đạt tiêu chuẩn “An toàn về an ninh, trật tự”) nhưng "
                     f"không có trong dự thảo quyết định (mã {doc_id})"]
    with db.session() as s:
        q.update_document(s, doc_id, data=safe, render=render_document)
        assert disagreements(s, 1, 2022) == []
        # The stored outcome changes: the recognised unit is no longer «An toàn».
        unit = s.query(Unit).filter_by(name=safe["units"][0]["name"]).one()
        q.get_assessment(s, unit.id, 2022).safe = False
        s.flush()
        found = disagreements(s, 1, 2022)
        assert any(f"«{unit.name}» có trong dự thảo quyết định (mã {doc_id}) nhưng kết quả năm "
                   "2022 ghi chưa đạt" in m for m in found)
        # The prefill now leaves it out, and says the classification still needs it.
        data, warnings, _ = safe_decision_input(s, 1, 2022)
        assert unit.name not in _names(data)
        grade = next(u["grade"] for u in classification["units"] if u["name"] == unit.name)
        if grade in ("xuat_sac", "kha"):
            assert any(f"«{unit.name}» xếp loại" in w and "danh sách này" in w for w in warnings)


def test_register_numbers_the_decision_and_certificates_follow_it(db, sample):
    with db.session(readonly=True) as s:
        data, _, _ = safe_decision_input(s, 1, 2022)
    doc_id = _register(db, "safe_decision", data)
    with db.session(readonly=True) as s, pytest.raises(UserError, match="còn là dự thảo"):
        certificate_inputs(s, doc_id)
    q.issue_number(db, doc_id, issued_on=dt.date(2022, 11, 18), render=render_document,
                   latest=dt.date(2030, 1, 1))
    with db.session(readonly=True) as s:
        doc = q.get_document(s, doc_id)
        # numbered after the sample's 2163/QĐ-UBND of the same register and year
        assert (doc.number, doc.symbol, doc.status) == (2164, "2164/QĐ-UBND", "issued")
        assert "Số: 2164/QĐ-UBND" in texts(doc.docx)
        rows = certificate_inputs(s, doc_id)
        stored = json.loads(doc.input_json)
        linked = {u.name for u in doc.units}
    assert [r["serial"] for r in rows] == list(range(1, len(data["units"]) + 1))
    assert {r["decision_number"] for r in rows} == {2164}
    assert {r["decision_date"] for r in rows} == {"2022-11-18"}
    assert {r["unit"] for r in rows} == _names(stored) == linked
    table = [row for row in table_rows(doc.docx)[1:] if len(row) == 4]
    assert [(r["serial"], r["unit"]) for r in rows] == [(int(t[0]), t[1]) for t in table]


def test_web_form_is_prefilled_from_the_store(client):
    page = client.get("/van-ban/safe_decision/moi?body=1&year=2022").get_data(as_text=True)
    # the recipients carried over from the sample's issued 2163/QĐ-UBND
    assert "Xã Trung Thượng" in page and "Chủ tịch, các PCT UBND huyện" in page
    # Bản Na Mèo is Ủy ban nhân dân xã Na Mèo's to recognise, not among the district's rows
    assert 'value="Bản Na Mèo"' not in page
    assert "Trưởng Công an huyện" in page


def test_a_unit_outside_the_bodys_competence_is_named(db):
    _without_district_decisions(db)
    with db.session(readonly=True) as s:
        data, _, _ = safe_decision_input(s, 1, 2022)
    data["units"].append({"name": "Bản Na Mèo", "kind": "Khu dân cư", "commune": "Xã Na Mèo"})
    doc_id = _register(db, "safe_decision", data)
    with db.session(readonly=True) as s:
        from docgen.store.prefill_safe import recognition_problems
        found = recognition_problems(s, 1, 2022)
    assert found == [f"dự thảo quyết định (mã {doc_id}): “Bản Na Mèo” do Ủy ban nhân dân xã Na "
                     "Mèo quyết định, không phải Ủy ban nhân dân huyện Quan Sơn (Thông tư "
                     "124/2021/TT-BCA, Điều 10 khoản 1 và Điều 9 khoản 1 điểm a)"]


def test_a_decision_issued_after_the_deadline_is_named(db):
    from docgen.store.prefill_safe import recognition_problems
    _without_district_decisions(db)
    with db.session(readonly=True) as s:
        data, warnings, _ = safe_decision_input(s, 1, 2022)
    on_time = _register(db, "safe_decision", data, issue=dt.date(2022, 11, 20))
    with db.session(readonly=True) as s:
        assert recognition_problems(s, 1, 2022) == []
    data["units"] = [u for u in data["units"] if u["kind"] == "xa"]
    late = _register(db, "safe_decision", data, issue=dt.date(2022, 11, 25))
    with db.session(readonly=True) as s:
        found = recognition_problems(s, 1, 2022)
        symbol = q.get_document(s, late).symbol
    assert on_time != late and found == [
        f"Quyết định số {symbol} ban hành ngày 25/11/2022, sau hạn 20/11/2022 (Thông tư "
        "124/2021/TT-BCA, Điều 9 khoản 1 điểm b, c)"]
