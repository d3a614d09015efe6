"""Defects an expert found reading the documents against the Decree and the Circular, and a
clerk found using them (issue 12): each test failed on the code before its fix."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

import docgen
from docgen import figures, nd30, store
from docgen.documents import KINDS
from helpers import have, table_rows, texts

NBH = "\u2011"  # non-breaking hyphen


def body_xml(out: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        return z.read("word/document.xml").decode("utf-8")


# ---- the plan template: its own words are correct Vietnamese --------------------------------

def template_text(name: str) -> str:
    return "\n".join(texts(docgen.render.template_path(name).read_bytes()))


# What the seed got wrong, and the template printed into every new plan.
SLIPS = [
    pytest.param("ANTTQ", id="ANTTQ is no abbreviation"),
    pytest.param(" ANTQ", id="ANTQ is spelled out in the standing text"),
    pytest.param("MỤC ĐÍCH YÊU CẦU", id="MỤC ĐÍCH, YÊU CẦU takes its comma"),
    pytest.param("tại điều", id="Điều is capitalised"),
    pytest.param("thuộc điều", id="«thuộc điều mỗi năm» is garbled"),
    pytest.param("đối tượng 2 của", id="the objects are those of Điều 2"),
    pytest.param("quy định về khu dân cư", id="Circular 124's title is quoted as it is"),
    pytest.param("doanh nghiệp cơ sở giáo dục", id="a comma between enterprises and schools"),
    pytest.param("{{ basis.number }}, ngày", id="no comma between a number and its date"),
    pytest.param("{{ basis.issuer }}. Nhằm", id="no sentence fragment in the opening"),
    pytest.param("Điều 10, Quyết định", id="Điều 10 of the Quy định, no comma"),
    pytest.param("khoản 2, khoản 3, Điều 11", id="khoản 2 và khoản 3 Điều 11"),
    pytest.param("hàng năm", id="hằng năm, as the Circular writes"),
    pytest.param("Hàng năm", id="Hằng năm, as the Circular writes"),
    pytest.param("Ban chỉ đạo", id="Ban Chỉ đạo is a name"),
    pytest.param("về Cơ quan thường trực", id="no capital inside a sentence"),
    pytest.param("nhân dân nắm vững", id="Nhân dân capitalised"),
    pytest.param("hoàn thành trước {{", id="hoàn thành trước ngày"),
    pytest.param("Tiêu chí đánh giá", id="Quy định tiêu chí, not Tiêu chí"),
    pytest.param("Mốc tính thời gian", id="Mốc thời gian đánh giá, phân loại"),
]


@pytest.mark.parametrize("slip", SLIPS)
def test_plan_template_carries_none_of_the_seed_slips(slip):
    assert slip not in template_text("plan.docx")


@pytest.mark.parametrize("wording", [
    "I. {% if purposes %}{{ purposes.heading }}{% else %}MỤC ĐÍCH, YÊU CẦU{% endif %}",
    "Thông tư số 124/2021/TT-BCA ngày 28/12/2021 của Bộ Công an quy định khu dân cư, xã, phường, "
    "thị trấn, cơ quan, doanh nghiệp, cơ sở giáo dục đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
    "Thực hiện Kế hoạch số {{ basis.number }} ngày {{ basis.date }} của {{ basis.issuer }}, nhằm "
    "triển khai",
    "quy định tại Điều 5 của Quy định",
    "PHÂN LOẠI PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC HẰNG NĂM",
], ids=["heading with its comma", "Circular 124's title", "one sentence, no comma before ngày",
        "Điều 5", "heading without abbreviations"])
def test_plan_template_says_it_right(wording):
    assert wording in template_text("plan.docx")


def test_the_seed_wording_lives_in_the_2022_sample(sample):
    data = sample("plan")
    assert data["purposes"]["heading"] == "MỤC ĐÍCH YÊU CẦU"
    text = "\n".join(texts(docgen.render_document("plan", data)))
    assert "I. MỤC ĐÍCH YÊU CẦU" in text and "ANTTQ" in text  # reproduced as signed


def test_a_new_plan_prints_the_standard_wording(sample):
    data = sample("plan")
    for key in ("preamble", "purposes", "steps", "assessment", "organisation"):
        del data[key]
    text = "\n".join(texts(docgen.render_document("plan", data)))
    for slip in ("MỤC ĐÍCH YÊU CẦU", "thuộc điều", "Kế hoạch số 167/KH-BCĐ, ngày",
                 "Mốc tính thời gian", "tại điều 5", "Ban chỉ đạo phòng, chống"):
        assert slip not in text
    assert "I. MỤC ĐÍCH, YÊU CẦU" in text
    assert text.rstrip().count("./.") == 1
    assert "để tổng hợp, báo cáo Công an tỉnh./." in text


@pytest.mark.parametrize("year, expected", [
    (2022, ["Sơ kết 01 năm thực hiện trong năm 2023;", "Sơ kết 05 năm thực hiện trong năm 2027;",
            "Tổng kết 10 năm thực hiện trong năm 2032."]),
    (2026, ["Sơ kết 05 năm thực hiện trong năm 2027;",
            "Tổng kết 10 năm thực hiện trong năm 2032."]),
], ids=["the district's 2022 plan", "a commune's 2026 plan: the reviews still to come"])
def test_review_years_follow_the_decisions_schedule(sample, year, expected):
    data = sample("plan", "trung-ha-2025")
    data["year"] = year
    data.pop("number"), data.pop("date")
    for key in ("plan_deadline", "units_deadline", "report_deadline"):
        data[key] = f"{year}-{data[key][5:]}"
    data["basis_plan"]["date"] = f"{year}-02-27"
    reviews = [t[2:] for t in texts(docgen.render_document("plan", data))
               if t.startswith(("- Sơ kết", "- Tổng kết"))]
    assert reviews == expected


# ---- the decision -----------------------------------------------------------------------

@pytest.fixture
def cited(sample):
    data = sample("decision")
    del data["executors"]
    data["proposal"] = "Tờ trình số 05/TTr-CAH ngày 05 tháng 01 năm 2023"
    return data, texts(docgen.render_document("decision", data))


def test_the_proposal_is_cited_once_on_the_theo_de_nghi_line(cited):
    _, body = cited
    assert [t for t in body if "Tờ trình" in t] == [
        "Theo đề nghị của Trưởng Công an huyện tại Tờ trình số 05/TTr-CAH ngày 05 tháng 01 năm "
        "2023."]


def test_article_3_names_the_chanh_van_phong(cited):
    _, body = cited
    article3 = next(t for t in body if t.startswith("Điều 3."))
    assert article3 == ("Điều 3. Chánh Văn phòng Ủy ban nhân dân huyện Quan Sơn, Trưởng Công an "
                        "huyện, Thủ trưởng các cơ quan, đơn vị có liên quan và các đơn vị có tên "
                        "tại Điều 1 chịu trách nhiệm thi hành Quyết định này./.")


def test_a_draft_stored_with_the_citation_in_proposer_is_read_the_same(sample, cited):
    data = sample("decision")
    del data["executors"]
    data["proposer"] = "Trưởng Công an huyện tại Tờ trình số 05/TTr-CAH ngày 05 tháng 01 năm 2023"
    data.pop("proposal", None)  # such a draft had no separate citation (the sample now has one)
    assert texts(docgen.render_document("decision", data)) == cited[1]


def test_can_cu_lines_end_with_a_semicolon_and_theo_de_nghi_with_a_full_stop(cited):
    _, body = cited
    start = next(i for i, t in enumerate(body) if t.startswith("Căn cứ"))
    end = body.index("QUYẾT ĐỊNH:")
    lines = body[start:end]
    assert all(t.startswith("Căn cứ") and t.endswith(";") for t in lines[:-1])
    assert lines[-1].startswith("Theo đề nghị của") and lines[-1].endswith("2023.")


def test_the_report_cites_the_years_decision(sample):
    data = sample("report")
    intro = next(t for t in texts(docgen.render_document("report", data))
                 if t.startswith("Thực hiện"))
    assert ("; căn cứ Quyết định số 2158/QĐ-UBND ngày 14 tháng 11 năm 2022 của Ủy ban nhân dân "
            "huyện Quan Sơn về việc công nhận kết quả đánh giá, phân loại phong trào toàn dân "
            "bảo vệ an ninh Tổ quốc năm 2022, Công an huyện Quan Sơn") in intro


def test_a_report_cannot_cite_a_later_decision(sample):
    from docgen.errors import InputError
    data = sample("report")
    data["decision"]["date"] = "2023-03-01"
    with pytest.raises(InputError) as err:
        docgen.render_document("report", data)
    assert "ban hành sau ngày báo cáo 01/12/2022" in str(err.value.problems)


# ---- Nơi nhận, a town's words ---------------------------------------------------------------

def test_a_registration_without_an_archive_entry_prints_no_luu_luu(sample):
    data = sample("registration")
    del data["archive"]
    out = docgen.render_document("registration", data)
    body = texts(out)
    assert [t for t in body if "Lưu" in t] == ["- Lưu: Bản Na Mèo."]  # the area keeps its copy
    assert nd30.check(out) == []
    data.update(kind="Cơ quan", unit="Kho bạc Nhà nước Quan Sơn", recipients=["Ủy ban nhân dân "
                "huyện Quan Sơn"], archive="Lưu")
    del data["households"]
    assert "- Lưu: VT." in texts(docgen.render_document("registration", data))


@pytest.mark.parametrize("kind", ["plan", "decision", "report", "proposal", "registration"])
@pytest.mark.parametrize("archive, line", [("Lưu", "- Lưu: VT."), ("Lưu: VT, CA", "- Lưu: VT, CA."),
                                           ("VT", "- Lưu: VT.")],
                         ids=["the bare word", "typed with its label", "plain"])
def test_the_archive_line_of_every_kind(sample, kind, archive, line):
    data = sample(kind)
    data["archive"] = archive
    body = texts(docgen.render_document(kind, data))
    luu = [t for t in body if t.startswith("- Lưu")]
    if kind == "registration" and archive == "Lưu":
        line = "- Lưu: Bản Na Mèo."  # a residential area keeps its own copy
    assert luu == [line]
    assert not any("Lưu: Lưu" in t for t in body)


@pytest.mark.parametrize("unit, header, police", [
    ("Thị trấn Sơn Lư", "ỦY BAN NHÂN DÂN THỊ TRẤN SƠN LƯ", "Công an thị trấn"),
    ("Phường Hạc Thành", "ỦY BAN NHÂN DÂN PHƯỜNG HẠC THÀNH", "Công an phường"),
    ("Xã Na Mèo", "ỦY BAN NHÂN DÂN XÃ NA MÈO", "Công an xã"),
], ids=["a town", "a ward", "a commune"])
def test_a_commune_level_registration_uses_its_own_level_words(sample, unit, header, police):
    data = sample("registration")
    data.update(unit=unit, kind="Xã, thị trấn", superior="UBND huyện Quan Sơn",
                recipients=["Ủy ban nhân dân huyện Quan Sơn"])
    del data["commune"], data["households"]
    body = texts(docgen.render_document("registration", data))
    assert body[1] == header
    criteria = "\n".join(t for t in body if t[:2] in ("1.", "2.", "3.", "4."))
    assert f"{police} chủ động" in criteria
    assert ("Công an xã" not in criteria) == (police != "Công an xã")


# ---- figures ----------------------------------------------------------------------------

def test_a_change_in_points_comes_from_exact_shares():
    # 2/13 = 15,38% and 3/13 = 23,08%: the printed shares differ by 7,70, the shares by 7,69.
    assert figures.points((3, 13), (2, 13)) == Decimal("7.69")
    assert figures.points((2, 13), (3, 13)) == Decimal("-7.69")
    assert figures.points((1, 8), (1, 8)) == Decimal("0.00")


def test_one_unit_in_13_is_the_same_figure_everywhere_in_the_commune_report(sample):
    data = sample("report", "trung-ha-2025")
    # 13 residential areas; one moves from Khá to Xuất sắc since last year: 1/13 = 7,69 %.
    areas = [{"name": f"Bản Thử {i}", "kind": "Khu dân cư", "grade": "Khá", "safe": True}
             for i in range(13)]
    data["previous"] = {**data["previous"], "units": [dict(a) for a in areas]}
    areas[0]["grade"] = "Xuất sắc"
    data["units"] = areas
    text = "\n".join(texts(docgen.render_document("report", data)))
    assert "7,69" in text and "7,70" not in text and "15,39" not in text


# ---- symbols never break --------------------------------------------------------------------

def test_symbols_keep_their_hyphens_together_in_the_docx(sample):
    xml = body_xml(docgen.render_document("decision", sample("decision")))
    assert f"Quyết định số 510/QĐ{NBH}BCA{NBH}V05" in xml
    assert f"Kế hoạch số 45/KH{NBH}BCĐ" in xml
    assert f"(Kèm theo Quyết định số 2158/QĐ{NBH}UBND" in xml
    assert "Số: 2158/QĐ-UBND" in xml  # the header's number stays as ND30 checks read it
    assert "510/QĐ-BCA" not in xml


@pytest.mark.parametrize("kind, symbol", [("plan", "510/QĐ-BCA-V05"), ("report", "2158/QĐ-UBND"),
                                          ("proposal", "510/QĐ-BCA-V05"),
                                          ("registration", "45/KH-BCĐ")])
def test_every_kind_keeps_its_symbols_together(sample, kind, symbol):
    xml = body_xml(docgen.render_document(kind, sample(kind)))
    assert symbol.replace("-", NBH) in xml and symbol not in xml.replace("Số: ", "")


@pytest.mark.skipif(not have("soffice") or not have("pdftotext"),
                    reason="LibreOffice or pdftotext is not installed")
def test_a_symbol_at_the_end_of_a_line_moves_whole_in_the_pdf(sample):
    from docgen.pdf import to_pdf
    data = sample("decision")
    # Bases a little longer each: the symbol reaches the end of the first line (with plain
    # hyphens LibreOffice ends those lines with «510/QĐ-» and starts the next «BCA-V05»).
    data["legal_bases"] = [f"Căn cứ Luật Tổ chức chính quyền địa phương {'i' * n} và Quyết định "
                           "số 510/QĐ-BCA-V05 của Bộ Công an" for n in range(12)]
    pdf = to_pdf(docgen.render_document("decision", data))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.pdf"
        path.write_bytes(pdf)
        raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
                             check=True, capture_output=True).stdout.decode("utf-8")
    lines = raw.splitlines()
    assert not [t for t in lines if re.search(r"/QĐ-$|-BCA-$", t)], "a symbol broke"
    bases = [t for t in lines if "510/QĐ-BCA-V05 của Bộ Công an" in t]
    assert len(bases) == 12  # every basis, read back whole with ordinary hyphens


# ---- commitment forms -------------------------------------------------------------------------

def words(pdf: bytes) -> list[tuple[str, float, float]]:
    """(word, xMin, yMin) of page 1, from pdftotext -bbox."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.pdf"
        path.write_bytes(pdf)
        html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-"],
                              check=True, capture_output=True).stdout.decode("utf-8")
    return [(w, float(x), float(y)) for x, y, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', html)]


@pytest.mark.skipif(not have("soffice") or not have("pdftotext"),
                    reason="LibreOffice or pdftotext is not installed")
def test_commitment_form_fields_and_signatures_line_up_in_the_pdf(sample):
    from docgen.pdf import to_pdf
    data = sample("commitment")
    data.pop("id_number", None)  # a blank CCCD (the sample household has none)
    data.update(area="Tổ dân phố Sơn Lư 1", commune="Thị trấn Sơn Lư", place="Sơn Lư")
    pdf = to_pdf(docgen.render_document("commitment", data))
    ws = words(pdf)
    y = {w: yy for w, _, yy in ws}
    cccd = next(yy for w, _, yy in ws if w == "CCCD:")
    khau = next(yy for w, x, yy in ws if w == "khẩu:")
    assert abs(cccd - khau) < 1, "«Số nhân khẩu» was pushed to another line"
    # The confirmer's heading takes two lines («… TỔ TRƯỞNG TỔ / DÂN PHỐ»), the signer's one:
    # the notes and the names below them still share their lines.
    notes = [yy for w, _, yy in ws if w == "(Ký,"]
    assert len(notes) == 2 and abs(notes[0] - notes[1]) < 1
    assert abs(y["Hoàn"] - y["Tình"]) < 1
    assert y["Tình"] > notes[0] + 40  # room for the handwritten signatures


def test_commitment_signatures_share_rows(sample):
    out = docgen.render_document("commitment", sample("commitment"))
    rows = table_rows(out)
    assert rows[-4:] == [["XÁC NHẬN CỦA TRƯỞNG BẢN", "NGƯỜI CAM KẾT"],
                         ["(Ký, ghi rõ họ tên)", "(Ký, ghi rõ họ tên)"], ["", ""],
                         ["Vi Văn Hoàn", "Phạm Bá Tình"]]


def test_a_blank_cccd_leaves_the_next_field_on_its_line(sample):
    data = sample("commitment")
    data.pop("id_number", None)  # the sample household has none
    body = texts(docgen.render_document("commitment", data))
    assert "Số CCCD: " + "…" * 12 + "\tSố nhân khẩu: 5" in body


# ---- the reason for a class other than the suggestion -----------------------------------------

@pytest.fixture
def disagreeing(tmp_path):
    """A commune whose committee decided a class other than the policy's suggestion (its
    residential areas: the commune decides them, Circular 124 Điều 10 khoản 1)."""
    db = store.Store(instance_path=tmp_path / "instance")
    db.create_schema()
    with db.session() as s:
        body = store.save_body(s, name="Ủy ban nhân dân xã Na Mèo", abbreviation="UBND",
                               place="Na Mèo", level="xã", commune="Xã Na Mèo")
        police = store.save_body(s, name="Công an xã Na Mèo", abbreviation="CAX",
                                 place="Na Mèo", level="xã")
        store.save_signer(s, body_id=body.id, name="Lò Văn Hùng", position="Chủ tịch",
                          authority="TM.", on_behalf="Ủy ban nhân dân")
        store.save_signer(s, body_id=police.id, name="Lò Thị Mai", position="Trưởng Công an xã")
        plain = store.save_unit(s, name="Bản Na Mèo", kind="khu dân cư", body_id=body.id)
        other = store.save_unit(s, name="Bản Sa Ná", kind="khu dân cư", body_id=body.id,
                                note="Bản biên giới")
        store.save_assessment(s, plain.id, 2022, reviewed_score=80, safe=True)
        row = store.save_assessment(s, other.id, 2022, reviewed_score=80, safe=True)
        suggested = row.suggested
        decided = "kha" if suggested != "kha" else "trung_binh"
        store.save_assessment(s, plain.id, 2022, decided=suggested)
        store.save_assessment(s, other.id, 2022, decided=decided,
                              reason="Để xảy ra vụ trộm cắp tài sản trong tháng 10")
        ids = body.id, police.id
    yield db, ids, suggested
    db.dispose()


def test_the_reason_is_printed_in_the_ghi_chu_of_both_lists(disagreeing):
    from docgen import domain
    db, (body_id, police_id), suggested = disagreeing
    label = domain.unit_class(suggested).label
    moved = "hạ" if suggested in ("xuat_sac", "kha") else "nâng"  # decided: Khá, or Trung bình
    with db.session(readonly=True) as s:
        decision = store.decision_input(s, body_id, 2022).data
        proposal = store.proposal_input(s, police_id, 2022).data
    # Not "đề xuất loại …" beside another class in the column "Đề xuất xếp loại".
    note = (f"Bản biên giới; theo điểm đạt loại {label}; {moved} loại vì để xảy ra vụ trộm cắp "
            "tài sản trong tháng 10")
    for kind, data in (("decision", decision), ("proposal", proposal)):
        notes = {u["name"]: u.get("note", "") for u in data["units"]}
        assert notes == {"Bản Na Mèo": "", "Bản Sa Ná": note}, kind
        text = "\n".join(texts(docgen.render_document(kind, data)))
        assert note in text, kind


def test_a_list_of_several_areas_dates_each_form_at_its_own_place(tmp_path):
    from docgen import batch
    rows = [{"full_name": "Lò Văn A", "area": "Bản Na Mèo", "commune": "Xã Na Mèo"},
            {"full_name": "Hà Thị B", "area": "Khu phố Sơn Lư 1", "commune": "Thị trấn Sơn Lư"},
            {"full_name": "Vi Văn C"}]
    # What the web form shares: the area picked in the dropdown, with its place.
    defaults = {"year": 2022, "area": "Bản Na Mèo", "commune": "Xã Na Mèo", "place": "Na Mèo"}
    good, problems = batch.validate("commitment", rows, defaults)
    assert not problems
    places = [KINDS["commitment"].context(g.parsed)["place_date"] for g in good]
    assert places == ["Na Mèo, ngày      tháng      năm 2022",
                      "Sơn Lư, ngày      tháng      năm 2022",
                      "Na Mèo, ngày      tháng      năm 2022"]
