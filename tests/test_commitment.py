"""The citizen's commitment form and the unit's registration form: input, text, layout,
one page, and hostile input."""

from __future__ import annotations

import unicodedata

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

import docgen
from docgen import nd30
from docgen.documents.commitment import DEFAULT_COMMITMENTS, in_sentence
from docgen.documents.registration import CRITERIA
from docgen.errors import InputError
from helpers import have, open_docx, paragraphs_with, pdf_text, texts

RESIDENCE = "Nơi cư trú: Bản Na Mèo, xã Na Mèo, huyện Quan Sơn, tỉnh Thanh Hóa"


@pytest.fixture
def commitment(sample):
    data = sample("commitment")
    # The sample's household head has no CCCD (the commitment form shows none on the web
    # form, personal data): one is given here so that every field prints.
    data["id_number"] = "038079004512"
    return data, docgen.render_document("commitment", data)


@pytest.fixture
def registration(sample):
    data = sample("registration")
    return data, docgen.render_document("registration", data)


def pages(docx: bytes) -> int:
    from docgen.pdf import to_pdf
    return pdf_text(to_pdf(docx)).rstrip("\f").count("\f") + 1


def one_run_style(paragraph):
    runs = [r for r in paragraph.runs if r.text.strip()]
    return {(bool(r.bold), bool(r.italic), r.font.size) for r in runs}


# --------------------------------------------------------------------------- commitment

def test_commitment_text_has_every_field_in_order(commitment):
    data, out = commitment
    body = texts(out)
    assert body[:5] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                        "BẢN CAM KẾT",
                        "Thực hiện tiêu chuẩn “An toàn về an ninh, trật tự” năm 2022",
                        "Kính gửi: Ban Công tác Mặt trận bản Na Mèo"]
    assert "Họ và tên chủ hộ: Phạm Bá Tình\tNăm sinh: 1979" in body
    assert "Số CCCD: 038079004512\tSố nhân khẩu: 5" in body
    assert RESIDENCE in body
    items = [t for t in body if t[:2] in {f"{i}." for i in range(1, 10)}]
    assert len(items) == len(DEFAULT_COMMITMENTS)
    assert [t.split(".", 1)[0] for t in items] == [str(i) for i in range(1, 9)]
    assert all(t.endswith(";") for t in items[:-1]) and items[-1].endswith(".")
    closing = next(t for t in body if t.startswith("Nếu vi phạm"))
    assert closing.endswith("./.") and "tôi và các thành viên trong hộ gia đình" in closing
    assert "Na Mèo, ngày 12 tháng 5 năm 2022" in body
    i = body.index("XÁC NHẬN CỦA TRƯỞNG BẢN")
    # Row by row, so the two columns line up: headings, notes, names.
    assert body[i:i + 6] == ["XÁC NHẬN CỦA TRƯỞNG BẢN", "NGƯỜI CAM KẾT", "(Ký, ghi rõ họ tên)",
                             "(Ký, ghi rõ họ tên)", "Vi Văn Hoàn", "Phạm Bá Tình"]
    assert not any(t.startswith("Số:") for t in body)     # a citizen's form has no number


def test_commitment_layout(commitment):
    _, out = commitment
    doc = open_docx(out)
    section = doc.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    first = doc.element.body[0]
    assert first.tag.endswith("}p")          # Quốc hiệu stands alone: no agency column
    title = paragraphs_with(out, "BẢN CAM KẾT")[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert one_run_style(title) == {(True, False, Pt(14))}
    subtitle = paragraphs_with(out, "Thực hiện tiêu chuẩn")[0]
    assert subtitle.alignment == WD_ALIGN_PARAGRAPH.CENTER and one_run_style(subtitle) == {
        (True, False, Pt(14))}
    national = paragraphs_with(out, "CỘNG HÒA XÃ HỘI")[0]
    assert national.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert one_run_style(national) == {(True, False, Pt(12))}
    for needle in ("1. Chấp hành", "8. Đoàn kết", "Sau khi được quán triệt", "Nếu vi phạm"):
        p = paragraphs_with(out, needle)[0]
        assert p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY, needle
        assert p.paragraph_format.space_after >= Pt(6)
    date = paragraphs_with(out, "Na Mèo, ngày")[0]
    assert one_run_style(date) == {(False, True, Pt(13))}
    for heading in ("XÁC NHẬN CỦA TRƯỞNG BẢN", "NGƯỜI CAM KẾT"):
        assert one_run_style(paragraphs_with(out, heading)[0]) == {(True, False, Pt(13))}
    signatures = doc.tables[-1]._tbl
    assert all(b.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val") == "nil"
               for b in signatures.tblPr.find("{*}tblBorders"))


def test_commitment_passes_nd30_check(commitment):
    _, out = commitment
    assert nd30.check(out) == []
    assert nd30.check(docgen.render.template_path("commitment.docx")) == []


@pytest.mark.skipif(not have("soffice"), reason="LibreOffice is not installed")
@pytest.mark.parametrize("change", [
    pytest.param({"address": "Số nhà 12, ngõ 3, đường Lê Lợi"},
                 id="a household with a long residence line"),
    pytest.param({"area": "", "unit": "Trung tâm Văn hóa, Thông tin, Thể thao và Du lịch huyện",
                  "position": "Phó Giám đốc", "household": False}, id="a staff member"),
])
def test_commitment_fits_on_one_page(sample, change):
    data = sample("commitment")
    data.update(change)
    out = docgen.render_document("commitment", data)
    assert pages(out) == 1


CONFIRMERS = [
    pytest.param({"area": "Bản Na Mèo"}, "XÁC NHẬN CỦA TRƯỞNG BẢN",
                 id="a bản is confirmed by its head"),
    pytest.param({"area": "Thôn Bó"}, "XÁC NHẬN CỦA TRƯỞNG THÔN", id="a thôn by the trưởng thôn"),
    pytest.param({"area": "Khu phố Sơn Lư 1"}, "XÁC NHẬN CỦA TRƯỞNG KHU PHỐ",
                 id="a khu phố by the trưởng khu phố"),
    pytest.param({"area": "Tổ dân phố 3"}, "XÁC NHẬN CỦA TỔ TRƯỞNG TỔ DÂN PHỐ",
                 id="a tổ dân phố by its tổ trưởng"),
    pytest.param({"area": "Khu tái định cư Pù Bin"}, "XÁC NHẬN CỦA TRƯỞNG KHU DÂN CƯ",
                 id="another area by the head of the khu dân cư"),
    pytest.param({"area": "", "unit": "Kho bạc Nhà nước Quan Sơn"},
                 "XÁC NHẬN CỦA THỦ TRƯỞNG ĐƠN VỊ", id="staff are confirmed by the unit's head"),
    pytest.param({"confirmer_title": "Bí thư chi bộ"}, "XÁC NHẬN CỦA BÍ THƯ CHI BỘ",
                 id="a given confirmer title wins"),
]


@pytest.mark.parametrize("change, heading", CONFIRMERS)
def test_confirmer_heading(sample, change, heading):
    data = sample("commitment")
    data.update(change)
    assert heading in texts(docgen.render_document("commitment", data))


def test_staff_form_names_the_unit_and_commits_alone(sample):
    data = sample("commitment")
    data.update(area="", unit="Phòng Tài chính - Kế hoạch huyện Quan Sơn", position="Kế toán",
                household=False)
    del data["members"]
    out = docgen.render_document("commitment", data)
    body = texts(out)
    assert "Họ và tên: Phạm Bá Tình\tNăm sinh: 1979" in body
    assert "Đơn vị công tác: Phòng Tài chính - Kế hoạch huyện Quan Sơn" in body
    assert "Chức vụ: Kế toán" in body
    assert not any("nhân khẩu" in t or "Nơi cư trú" in t for t in body)
    assert any(t.endswith("tôi xin cam kết thực hiện tốt các nội dung sau:") for t in body)
    assert any(t.startswith("2. ") and "đình công, lãn công" in t for t in body)
    assert not any("trong gia đình;" in t or "lối xóm" in t for t in body)
    assert nd30.check(out) == []


def test_missing_optional_fields_print_dotted_gaps(sample):
    data = sample("commitment")
    for key in ("birth_year", "id_number", "members", "recipient", "confirmer_name"):
        data.pop(key, None)
    body = texts(docgen.render_document("commitment", data))
    assert "Họ và tên chủ hộ: Phạm Bá Tình\tNăm sinh: " + "…" * 8 in body
    # Room for 12 handwritten digits, short enough to leave «Số nhân khẩu» on its line.
    assert any(t.startswith("Số CCCD: " + "…" * 12 + "\tSố nhân khẩu: ") for t in body)
    assert not any(t.startswith("Kính gửi") for t in body)


def test_a_district_replaces_the_commitments_and_the_date(sample):
    data = sample("commitment")
    data.update(commitments=["Không đốt nương làm rẫy trái phép.", "Giữ gìn vệ sinh môi trường;",
                             "Tham gia tuần tra biên giới"], date="2022-03-05")
    body = texts(docgen.render_document("commitment", data))
    assert [t for t in body if t[:2] in ("1.", "2.", "3.", "4.")] == [
        "1. Không đốt nương làm rẫy trái phép;", "2. Giữ gìn vệ sinh môi trường;",
        "3. Tham gia tuần tra biên giới."]
    assert "Na Mèo, ngày 05 tháng 3 năm 2022" in body


def test_place_defaults_to_the_commune_name(sample):
    data = sample("commitment")
    del data["place"]
    data.update(area="Khu phố Sơn Lư 1", commune="Thị trấn Sơn Lư")
    body = texts(docgen.render_document("commitment", data))
    assert "Sơn Lư, ngày 12 tháng 5 năm 2022" in body
    assert ("Nơi cư trú: Khu phố Sơn Lư 1, thị trấn Sơn Lư, huyện Quan Sơn, tỉnh Thanh Hóa"
            in body)


@pytest.mark.parametrize("place, written", [
    ("Xã Na Mèo", "xã Na Mèo"), ("Thị trấn Sơn Lư", "thị trấn Sơn Lư"),
    ("Huyện Quan Sơn", "huyện Quan Sơn"), ("Tỉnh Thanh Hóa", "tỉnh Thanh Hóa"),
    ("Thành phố Thanh Hóa", "thành phố Thanh Hóa"), ("Bản Na Mèo", "bản Na Mèo"),
    ("Na Mèo", "Na Mèo"), ("Xã Bản Công", "xã Bản Công"), ("Xãa", "Xãa"),
], ids=lambda v: v)
def test_place_names_inside_a_sentence_lower_their_kind_word(place, written):
    assert in_sentence(place) == written


REFUSED = [
    pytest.param({"id_number": "03807800451"}, "12 chữ số", id="a CCCD of 11 digits is refused"),
    pytest.param({"id_number": "03807800451x"}, "12 chữ số", id="a CCCD with a letter is refused"),
    pytest.param({"birth_year": 1850}, "birth_year", id="a year of birth before 1900 is refused"),
    pytest.param({"area": "", "unit": ""}, "khu dân cư", id="neither area nor unit is refused"),
    pytest.param({"full_name": ""}, "full_name", id="an empty name is refused"),
    pytest.param({"full_name": "Lò\x0bVăn Thản"}, "U+000B",
                 id="a control character is refused naming the field"),
    pytest.param({"recipient": "x" * 2000}, "2.000", id="a 2,000-character field is refused"),
    pytest.param({"date": "2020-05-01"}, "không thuộc năm",
                 id="a date outside the year is refused"),
    pytest.param({"place": "", "commune": ""}, "địa danh", id="no place and no commune is refused"),
]


@pytest.mark.parametrize("change, needle", REFUSED)
def test_bad_commitment_input_is_refused_with_a_message(sample, change, needle):
    data = sample("commitment")
    data.update(change)
    with pytest.raises(InputError) as info:
        docgen.render_document("commitment", data)
    text = " ".join(f"{p} {m}" for p, m in info.value.problems)
    assert needle in text


HOSTILE = [
    pytest.param("Lò Văn A & B <Thản>", "Lò Văn A & B <Thản>", id="ampersand and brackets survive"),
    pytest.param('Hà Thị "Xiêm" \'Ỏn\'', 'Hà Thị "Xiêm" \'Ỏn\'', id="quotes survive"),
    pytest.param("Lò\tVăn Thản", "Lò Văn Thản", id="a tab in a name becomes a space"),
    pytest.param(unicodedata.normalize("NFD", "Lương Thị Tươi"), "Lương Thị Tươi",
                 id="decomposed Vietnamese is composed"),
    pytest.param("{{ full_name }} {% if x %}", "{{ full_name }} {% if x %}",
                 id="template syntax in a name is printed literally"),
]


@pytest.mark.parametrize("raw, printed", HOSTILE)
def test_hostile_names_render_faithfully(sample, raw, printed):
    data = sample("commitment")
    data["full_name"] = raw
    out = docgen.render_document("commitment", data)
    body = texts(out)
    assert f"Họ và tên chủ hộ: {printed}\tNăm sinh: 1979" in body
    assert body.count(printed) == 1                      # the signature line
    assert nd30.check(out) == []


def test_render_command_makes_the_commitment(runner, sample, write_json, tmp_path):
    from docgen.cli import main
    out = tmp_path / "cam-ket.docx"
    result = runner.invoke(main, ["render", "commitment", str(write_json(sample("commitment"))),
                                  "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Họ và tên chủ hộ: Phạm Bá Tình\tNăm sinh: 1979" in texts(out.read_bytes())


# --------------------------------------------------------------------------- registration

def test_registration_text(registration):
    data, out = registration
    body = texts(out)
    assert body[:4] == ["UBND XÃ NA MÈO", "BẢN NA MÈO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                        "Độc lập - Tự do - Hạnh phúc"]
    assert "Na Mèo, ngày 12 tháng 5 năm 2022" in body
    assert not any(t.startswith("Số:") for t in body)       # not a numbered document
    assert "BẢN ĐĂNG KÝ" in body
    assert "Phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2022" in body
    assert "Kính gửi:\tỦy ban nhân dân xã Na Mèo" in body
    assert any(t.startswith("Căn cứ Thông tư số 124/2021/TT-BCA") and t.endswith(";")
               for t in body)
    assert ("Căn cứ Kế hoạch số 45/KH-BCĐ ngày 09 tháng 5 năm 2022 của Ban Chỉ đạo 138 huyện "
            "Quan Sơn.") in body
    assert any(t.startswith("Bản Na Mèo, xã Na Mèo đăng ký phấn đấu") for t in body)
    items = [t for t in body if t[:2] in {f"{i}." for i in range(1, 10)}]
    assert len(items) == len(CRITERIA["khu_dan_cu"])
    assert "100% hộ gia đình đang cư trú trên địa bàn (5 hộ)" in items[0]
    closing = next(t for t in body if "cam kết tổ chức thực hiện" in t)
    assert closing.endswith("./.")
    n = body.index("Nơi nhận:")
    assert body[n + 1:n + 5] == ["- Như trên;", "- Công an xã Na Mèo;", "- Chi bộ bản Na Mèo;",
                                 "- Lưu: Bản Na Mèo."]
    assert body[-2:] == ["TRƯỞNG BẢN", "Vi Văn Hoàn"]


def test_registration_layout(registration):
    _, out = registration
    assert nd30.check(out) == []
    superior = paragraphs_with(out, "UBND XÃ NA MÈO")[0]
    unit = paragraphs_with(out, "BẢN NA MÈO")[0]
    assert one_run_style(superior) == {(False, False, Pt(13))}
    assert one_run_style(unit) == {(True, False, Pt(13))}
    assert one_run_style(paragraphs_with(out, "Na Mèo, ngày 12")[0]) == {(False, True, Pt(14))}
    title = paragraphs_with(out, "BẢN ĐĂNG KÝ")[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER and one_run_style(title) == {
        (True, False, Pt(14))}
    lead = paragraphs_with(out, "đăng ký phấn đấu đạt")[0]
    assert lead.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(lead.paragraph_format.first_line_indent.twips - 567) <= 1
    doc = open_docx(out)
    assert doc.sections[0].different_first_page_header_footer       # numbers from page 2


@pytest.mark.skipif(not have("soffice"), reason="LibreOffice is not installed")
def test_registration_prints_on_two_pages_numbered_from_the_second(registration):
    from docgen.pdf import to_pdf
    _, out = registration
    text = pdf_text(to_pdf(out))
    first, second = text.rstrip("\f").split("\f")
    assert second.strip().startswith("2")
    assert not first.strip().startswith("1")


KINDS = [
    pytest.param("Khu dân cư", "khu_dan_cu", "hộ gia đình", id="khu dân cư: Điều 4, five criteria"),
    pytest.param("Xã, thị trấn", "xa", "mô hình phong trào", id="xã: Điều 5, four criteria"),
    pytest.param("Cơ quan", "co_quan", "bảo vệ cơ quan,", id="cơ quan: Điều 6 names the agency"),
    pytest.param("Doanh nghiệp", "doanh_nghiep", "bảo vệ doanh nghiệp,",
                 id="doanh nghiệp: Điều 6 names the enterprise"),
    pytest.param("Cơ sở giáo dục", "co_so_giao_duc", "bạo lực học đường",
                 id="cơ sở giáo dục: Điều 7, six criteria"),
]


@pytest.mark.parametrize("label, code, needle", KINDS)
def test_registration_criteria_follow_the_unit_kind(sample, label, code, needle):
    data = sample("registration")
    data.update(kind=label, recipients=["Ủy ban nhân dân huyện Quan Sơn"], people=45)
    out = docgen.render_document("registration", data)
    items = [t for t in texts(out) if t[:2] in {f"{i}." for i in range(1, 10)}]
    assert len(items) == len(CRITERIA[code])
    assert needle in " ".join(items)
    assert "{" not in " ".join(items)
    assert nd30.check(out) == []


@pytest.mark.parametrize("unit", ["Bản Bôn", "Bản Na Mèo", "Trường THPT Quan Sơn",
                                  "Công ty TNHH MTV Thủy điện Trung Sơn",
                                  "Trường Phổ thông Dân tộc nội trú THCS huyện Quan Sơn"])
def test_the_line_under_the_unit_fits_its_name(sample, unit):
    data = sample("registration")
    data.update(unit=unit)
    assert nd30.check(docgen.render_document("registration", data)) == []


def test_several_recipients_are_listed_under_each_other(sample):
    data = sample("registration")
    data.update(kind="Cơ sở giáo dục", unit="Trường THPT Quan Sơn",
                recipients=["Ủy ban nhân dân huyện Quan Sơn", "Công an huyện Quan Sơn"])
    out = docgen.render_document("registration", data)
    body = texts(out)
    assert "Kính gửi:\t- Ủy ban nhân dân huyện Quan Sơn;" in body
    assert "\t- Công an huyện Quan Sơn." in body
    assert nd30.check(out) == []


def test_a_unit_other_than_a_khu_dan_cu_must_say_where_it_registers(sample):
    data = sample("registration")
    data.update(kind="Cơ quan", unit="Phòng Văn hóa và Thông tin")
    with pytest.raises(InputError) as info:
        docgen.render_document("registration", data)
    assert "Kính gửi" in str(info.value)


@pytest.mark.parametrize("raw, printed", HOSTILE[:4])
def test_hostile_unit_names_render_faithfully(sample, raw, printed):
    data = sample("registration")
    data["unit"] = raw
    out = docgen.render_document("registration", data)
    assert any(t.startswith(f"{printed}, xã Na Mèo đăng ký") for t in texts(out))
    assert nd30.check(out) == []


def test_registration_place_defaults_to_the_commune_name(sample):
    data = sample("registration")
    del data["place"], data["date"]
    body = texts(docgen.render_document("registration", data))
    assert "Na Mèo, ngày      tháng      năm 2022" in body
