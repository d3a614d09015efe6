"""The plan implementing Decision 510: the seed reproduced, the commune plan, layout,
validation, hostile input, the CLI and the PDF."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

import docgen
from docgen import nd30
from docgen.cli import main
from docgen.documents import KINDS
from docgen.documents.plan import spans, text_date
from docgen.errors import InputError
from helpers import have, paragraphs_with, pdf_text, texts

# A copy of the project's seed (shared/seed/), so the comparison runs in any checkout.
SEED = Path(__file__).resolve().parent / "data" / "ke-hoach-510-quan-son.txt"
HEADER = ["UBND HUYỆN QUAN SƠN", "BAN CHỈ ĐẠO 138", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
          "Độc lập - Tự do - Hạnh phúc"]
ROMANS = ["I. MỤC ĐÍCH YÊU CẦU", "II. NỘI DUNG, BIỆN PHÁP THỰC HIỆN",
          "III. ĐÁNH GIÁ, PHÂN LOẠI PHONG TRÀO TOÀN DÂN BẢO VỆ ANTQ HÀNG NĂM",
          "IV. PHÂN CÔNG TRÁCH NHIỆM", "V. TỔ CHỨC THỰC HIỆN"]


def norm(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def seed_paragraphs() -> list[str]:
    """The seed's paragraphs: markers stripped, whitespace normalised, and the paragraph a
    page break cut in two ("…đạt tiêu" / "chuẩn “An toàn về ANTT” là…") joined again."""
    lines = [norm(line.replace("**", "").replace("*", ""))
             for line in SEED.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    cut = next(i for i, line in enumerate(lines) if line.endswith("đạt tiêu"))
    assert lines[cut + 1].startswith("chuẩn “An toàn về ANTT” là")
    lines[cut:cut + 2] = [lines[cut] + " " + lines[cut + 1]]
    return lines


@pytest.fixture
def district(sample):
    data = sample("plan")
    return data, docgen.render_document("plan", data)


@pytest.fixture
def commune(sample):
    data = sample("plan", "trung-ha-2025")
    return data, docgen.render_document("plan", data)


def first(out: bytes, needle: str):
    found = paragraphs_with(out, needle)
    assert found, needle
    return found[0]


# --- the seed ----------------------------------------------------------------------------

def test_seed_is_reproduced_paragraph_by_paragraph(district):
    _, out = district
    produced = [norm(t) for t in texts(out)]
    assert produced == HEADER + seed_paragraphs()


def test_seed_signature_is_two_positions_and_the_name(district):
    _, out = district
    body = texts(out)
    assert body[-3:] == ["TRƯỞNG BAN", "CHỦ TỊCH UBND HUYỆN", "Lương Tiến Thành"]
    for line in body[-3:]:
        p = first(out, line)
        assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(r.bold for r in p.runs if r.text.strip())
    assert body[-4] == "- Lưu: VT; BCĐ 138 huyện, Công an huyện."


def test_draft_number_and_date_are_left_blank(district):
    _, out = district
    body = texts(out)
    assert "Số:      /KH-BCĐ" in body
    assert "Quan Sơn, ngày      tháng      năm 2022" in body
    date = first(out, "Quan Sơn, ngày")
    assert all(r.italic for r in date.runs if r.text.strip())
    number = first(out, "Số:      /KH-BCĐ")
    assert {r.font.size for r in number.runs if r.text.strip()} == {Pt(13)}
    assert not any(r.italic for r in number.runs)


# --- layout ------------------------------------------------------------------------------

def test_nd30_checker_finds_nothing(district, commune):
    assert nd30.check(district[1]) == []
    assert nd30.check(commune[1]) == []
    assert nd30.check(docgen.render.template_path("plan.docx")) == []


def test_header_superior_upright_issuer_bold(district):
    _, out = district
    superior, issuer = first(out, "UBND HUYỆN QUAN SƠN"), first(out, "BAN CHỈ ĐẠO 138")
    assert not any(r.bold for r in superior.runs)
    assert all(r.bold for r in issuer.runs if r.text.strip())
    for p in (superior, issuer):
        assert {r.font.size for r in p.runs if r.text.strip()} == {Pt(13)}


@pytest.mark.parametrize("needle", ["KẾ HOẠCH", "Triển khai, thực hiện Quyết định số 510"],
                         ids=["kind name bold centred", "trích yếu bold centred"])
def test_title_block(district, needle):
    p = first(district[1], needle)
    assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(r.bold for r in p.runs if r.text.strip())


@pytest.mark.parametrize("heading", ROMANS, ids=[h.split(".")[0] for h in ROMANS])
def test_roman_headings_are_bold_upper_case(district, heading):
    p = next(p for p in paragraphs_with(district[1], heading) if p.text == heading)
    assert p.text == p.text.upper()
    assert all(r.bold for r in p.runs if r.text.strip())
    assert p.paragraph_format.keep_with_next


BODY_PARAGRAPHS = [
    pytest.param("Ngày 20/01/2022, Bộ trưởng", id="preamble"),
    pytest.param("1. Quán triệt sâu rộng", id="khoản with a sentence"),
    pytest.param("- Thường xuyên tổ chức tốt", id="bullet from data"),
    pytest.param("a) Đẩy mạnh thực hiện", id="điểm from data"),
    pytest.param("Bước 2: Các xã, thị trấn", id="step"),
    pytest.param("- Sơ kết 05 năm", id="review line"),
    pytest.param("Chỉ đạo Công đoàn các cấp", id="task paragraph without dash"),
    pytest.param("4. Các phòng, ban, ngành, đoàn thể, cơ quan, đơn vị cấp huyện", id="last"),
]


@pytest.mark.parametrize("needle", BODY_PARAGRAPHS)
def test_body_is_justified_with_1cm_indent_at_14pt(district, needle):
    p = first(district[1], needle)
    assert p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert abs(p.paragraph_format.first_line_indent.twips - 567) <= 1
    assert p.paragraph_format.space_after >= Pt(6)
    assert all(r.font.size in (None, Pt(14)) for r in p.runs)


TITLES = [
    pytest.param("1. Công tác tuyên truyền", True, id="khoản title of II is bold"),
    pytest.param("2. Phát động sâu rộng", True, id="seed's bold khoản 2 of II is bold"),
    pytest.param("4. Các bước triển khai, thực hiện", True, id="steps title is bold"),
    pytest.param("1. Nguyên tắc", True, id="khoản title of III is bold"),
    pytest.param("9. Ủy ban nhân dân các xã, thị trấn", True, id="task body is bold"),
    pytest.param("1. Quán triệt sâu rộng", False, id="khoản sentence stays upright"),
    pytest.param("a) Đẩy mạnh thực hiện", False, id="điểm stays upright"),
    pytest.param("Bước 1: Ủy ban nhân dân huyện", False, id="step stays upright"),
]


@pytest.mark.parametrize("needle, bold", TITLES)
def test_khoan_titles_bold_and_sentences_upright(district, needle, bold):
    p = first(district[1], needle)
    runs = [r for r in p.runs if r.text.strip()]
    assert runs[0].text.startswith(needle.split(" ")[0])
    assert all(bool(r.bold) == bold for r in runs)
    assert bool(p.paragraph_format.keep_with_next) == bold


EMPHASIS = [
    pytest.param("theo 04 loại", "Xuất sắc, Khá, Trung bình, Yếu", True, False,
                 id="the four classes are bold"),
    pytest.param("gửi về Cơ quan thường trực", "trước ngày 13/5/2022", True, False,
                 id="the report deadline is bold"),
    pytest.param("Bước 1:", "hoàn thành trước 10/5/2022", False, True,
                 id="step 1 deadline is italic"),
    pytest.param("Bước 2:", "hoàn thành trước ngày 13/5/2022", False, True,
                 id="step 2 deadline is italic"),
    pytest.param("Ban Chỉ đạo 138 huyện: Tiếp tục",
                 "theo quy định tại Điều 12, Nghị định 42/NĐ-CP ngày 31/3/2021 của Chính phủ",
                 False, True, id="data italics from *…* marks"),
]


@pytest.mark.parametrize("needle, span, bold, italic", EMPHASIS)
def test_seed_emphasis_is_rendered(district, needle, span, bold, italic):
    p = first(district[1], needle)
    runs = [r for r in p.runs if r.text.strip()]
    marked = [r for r in runs if bool(r.bold) == bold and bool(r.italic) == italic
              and (bold or italic)]
    assert [r.text.replace("\u2011", "-") for r in marked] == [span]
    rest = [r for r in runs if r not in marked]
    assert rest and not any(r.bold or r.italic for r in rest)


def test_recipients_label_and_entries(district):
    _, out = district
    label = first(out, "Nơi nhận:")
    run = label.runs[0]
    assert run.bold and run.italic and run.font.size == Pt(12) and not run.underline
    entries = [p for p in paragraphs_with(out, "- ") if p.text.endswith((";", "."))
               and p.runs and p.runs[0].font.size == Pt(11)]
    assert [p.text for p in entries] == [
        "- Ban Chỉ đạo 138 tỉnh - Công an tỉnh (để b/c);", "- Thường trực Huyện ủy (để b/c);",
        "- Thường trực HĐND huyện (để b/c);", "- Chủ tịch, các PCT UBND huyện;",
        "- Thành viên BCĐ 138 huyện (để p/hợp, t/hiện);",
        "- Các phòng, ban, ngành đoàn thể cấp huyện (để t/hiện);",
        "- UBND các xã, thị trấn (để t/hiện);", "- Lưu: VT; BCĐ 138 huyện, Công an huyện."]


def test_signature_never_stands_alone(district):
    from helpers import open_docx
    doc = open_docx(district[1])
    assert first(district[1], "để tập hợp báo cáo Công an tỉnh./.").paragraph_format.keep_with_next
    footer = doc.tables[-1]._tbl.tr_lst[0]
    assert footer.trPr is not None and footer.trPr.find("{*}cantSplit") is not None


# --- the commune plan ---------------------------------------------------------------------

def test_commune_plan_carries_its_own_bodies_numbers_and_dates(commune):
    data, out = commune
    body = texts(out)
    text = "\n".join(body)
    assert body[:2] == ["UBND XÃ TRUNG HẠ", "BAN CHỈ ĐẠO 138"]
    assert "Số: 08/KH-BCĐ" in body
    assert "Trung Hạ, ngày 06 tháng 3 năm 2025" in body
    for expected in (
        "Thực hiện Kế hoạch số 32/KH-BCĐ ngày 27/02/2025 của Ban Chỉ đạo 138 tỉnh Thanh Hóa, "
        "nhằm triển khai",
        "Ban Chỉ đạo 138 xã Trung Hạ ban hành kế hoạch",
        "Bước 1: Ủy ban nhân dân xã xây dựng kế hoạch chỉ đạo, triển khai thực hiện "
        "(hoàn thành trước ngày 14/3/2025).",
        "- Ủy ban nhân dân xã tổ chức hội nghị cấp xã",
        "Bước 2: Các thôn, bản, khu dân cư",
        "(hoàn thành trước ngày 28/3/2025).",
        # Decision 510's schedule (2023, 2027, 2032), the reviews still to come in 2025.
        "tiến hành sơ kết, tổng kết định kỳ theo các văn bản chỉ đạo của Bộ Công an:\n"
        "- Sơ kết 05 năm thực hiện trong năm 2027;\n"
        "- Tổng kết 10 năm thực hiện trong năm 2032.\n",
        "2. Công an xã là cơ quan thường trực",
        "toàn dân bảo vệ an ninh Tổ quốc cấp xã, có trách nhiệm",
        "cơ quan thường trực Ban Chỉ đạo 138 xã (Công an xã) trước ngày 04/4/2025 để tổng hợp, "
        "báo cáo Công an tỉnh./.",
        "(gọi tắt là Thông tư số 124) và các cuộc vận động",
        "- Lưu: VT; BCĐ 138 xã, Công an xã.",
    ):
        assert expected in text, expected
    assert body[-3:] == ["TRƯỞNG BAN", "CHỦ TỊCH UBND XÃ", "Hà Văn Phong"]


def test_commune_plan_assigns_its_own_tasks(commune):
    data, out = commune
    body = texts(out)
    section = body[body.index("IV. PHÂN CÔNG TRÁCH NHIỆM") + 1:body.index("V. TỔ CHỨC THỰC HIỆN")]
    headings = [t for t in section if re.match(r"\d+\. ", t)]
    assert headings == [f"{n}. {t['body']}" for n, t in enumerate(data["tasks"], 1)]
    for required in ("Công an xã", "Các trường học trên địa bàn xã",
                     "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam xã Trung Hạ",
                     "Đoàn Thanh niên Cộng sản Hồ Chí Minh xã", "Trưởng các thôn, bản"):
        assert any(h.endswith(". " + required) for h in headings), required
    for task in data["tasks"]:
        for paragraph in task["paragraphs"]:
            prefix = "- " if task.get("bullets", True) else ""
            assert prefix + paragraph in section


@pytest.mark.parametrize("leak", [
    "167/KH-BCĐ", "Quan Sơn", "huyện", "Phòng Giáo dục và Đào tạo", "Liên đoàn Lao động",
    "Phòng Tài chính - Kế hoạch", "Lương Tiến Thành", "Đề án 375", "10/5/2022", "13/5/2022",
    "năm 2022", "trong năm 2023", "UBND các xã, thị trấn", "Covid",
])
def test_nothing_of_the_district_plan_leaks_into_the_commune_plan(commune, leak):
    assert leak not in "\n".join(texts(commune[1]))


def test_commune_defaults_decision_510_and_computes_the_trich_yeu(commune):
    data, out = commune
    assert "decision" not in data and "summary" not in data
    assert ("Triển khai, thực hiện Quyết định số 510/QĐ-BCA-V05 ngày 20/01/2022 của Bộ Công an "
            "ban hành “Quy định tiêu chí đánh giá, phân loại phong trào toàn dân bảo vệ an ninh "
            "Tổ quốc”") in texts(out)


# --- numbering and derived values ------------------------------------------------------------

def test_khoan_numbers_and_vietnamese_letters_follow_the_data(sample):
    data = sample("plan", "trung-ha-2025")
    data["measures"] = ([{"level": "khoan", "text": "Tuyên truyền"}] +
                        [{"level": "diem", "text": f"Việc {i}."} for i in range(7)] +
                        [{"level": "khoan", "text": "Mô hình"},
                         {"level": "điểm", "text": "Việc cuối."},
                         {"level": "Gạch đầu dòng", "text": "- Đã có gạch."},
                         {"level": "paragraph", "text": "Đoạn thường."}])
    body = texts(docgen.render_document("plan", data))
    start = body.index("II. NỘI DUNG, BIỆN PHÁP THỰC HIỆN") + 1
    assert body[start:start + 14] == [
        "1. Tuyên truyền", "a) Việc 0.", "b) Việc 1.", "c) Việc 2.", "d) Việc 3.", "đ) Việc 4.",
        "e) Việc 5.", "g) Việc 6.", "2. Mô hình", "a) Việc cuối.", "- Đã có gạch.",
        "Đoạn thường.", "3. Các bước triển khai, thực hiện",
        "Bước 1: Ủy ban nhân dân xã xây dựng kế hoạch chỉ đạo, triển khai thực hiện "
        "(hoàn thành trước ngày 14/3/2025)."]


def test_reviews_can_be_given(sample):
    data = sample("plan", "trung-ha-2025")
    data["reviews"] = [{"years": 5, "label": "Sơ kết"}, {"years": 9, "label": "Tổng kết",
                                                         "year": 2031}]
    body = texts(docgen.render_document("plan", data))
    assert "- Sơ kết 05 năm thực hiện trong năm 2027;" in body  # 2022 + 5: the decision's year
    assert "- Tổng kết 09 năm thực hiện trong năm 2031." in body


def test_report_deadline_defaults_to_step_2(sample):
    data = sample("plan", "trung-ha-2025")
    del data["report_deadline"]
    text = "\n".join(texts(docgen.render_document("plan", data)))
    assert "(Công an xã) trước ngày 28/3/2025 để tổng hợp" in text


@pytest.mark.parametrize("value, printed", [
    (dt.date(2022, 1, 20), "20/01/2022"), (dt.date(2026, 2, 5), "05/02/2026"),
    (dt.date(2022, 4, 18), "18/4/2022"), (dt.date(2022, 12, 31), "31/12/2022"),
], ids=["January keeps its zero", "a day below 10 and February are padded",
        "April has no zero", "December as is"])
def test_dates_inside_sentences_follow_nd30_padding(value, printed):
    assert text_date(value) == printed


@pytest.mark.parametrize("raw, expected", [
    ("a **b** c", [("a ", False, False), ("b", True, False), (" c", False, False)]),
    ("(*x y*)", [("(", False, False), ("x y", False, True), (")", False, False)]),
    ("5 * 3 = 15", [("5 * 3 = 15", False, False)]),
    ("giá \\*đặc biệt\\*", [("giá *đặc biệt*", False, False)]),
    ("**", [("**", False, False)]),
    ("a*b", [("a*b", False, False)]),
], ids=["double stars make bold", "single stars make italic", "a lone star stays",
        "escaped stars stay literal", "an empty pair stays", "an unpaired star stays"])
def test_emphasis_marks(raw, expected):
    assert spans(raw) == expected


# --- validation ---------------------------------------------------------------------------

REFUSED = [
    pytest.param(lambda d: d["signer"].pop("name"), "signer.name", "thiếu",
                 id="a missing signer name is named"),
    pytest.param(lambda d: d.pop("basis_plan"), "basis_plan", "thiếu",
                 id="a missing superior plan is named"),
    pytest.param(lambda d: d["basis_plan"].pop("date"), "basis_plan.date", "thiếu",
                 id="a missing date of the superior plan is named"),
    pytest.param(lambda d: d.pop("level"), "level", "thiếu", id="a missing level is named"),
    pytest.param(lambda d: d.update(level=""), "level", "không được để trống",
                 id="an empty level is refused"),
    pytest.param(lambda d: d.pop("plan_deadline"), "plan_deadline", "thiếu",
                 id="a missing deadline is named"),
    pytest.param(lambda d: d.update(plan_deadline="sớm nhất có thể"), "plan_deadline",
                 "không phải ngày", id="a deadline in words is refused"),
    pytest.param(lambda d: d.update(units_deadline="31/04/2026"), "units_deadline",
                 "không tồn tại", id="31 April is refused"),
    pytest.param(lambda d: d.update(report_deadline=20260410), "report_deadline",
                 "phải là ngày", id="a number as a deadline is refused"),
    pytest.param(lambda d: d.update(plan_deadline="2024-03-25"), "", "plan_deadline",
                 id="a deadline outside the plan's year is refused"),
    pytest.param(lambda d: d.update(plan_deadline="2025-03-01"), "", "sớm hơn ngày ban hành",
                 id="a deadline before the plan's date is refused"),
    pytest.param(lambda d: d.update(units_deadline="2025-03-10"), "", "sớm hơn hạn của bước 1",
                 id="step 2 due before step 1 is refused"),
    pytest.param(lambda d: d.update(date="2024-12-30"), "", "không thuộc năm kế hoạch",
                 id="a date outside the plan's year is refused"),
    pytest.param(lambda d: d.pop("tasks"), "tasks", "thiếu phân công trách nhiệm (mục IV)",
                 id="a plan without tasks is refused"),
    pytest.param(lambda d: d.pop("measures"), "measures", "ít nhất 1",
                 id="a plan without measures is refused"),
    pytest.param(lambda d: d.update(tasks=[]), "tasks", "ít nhất 1",
                 id="an empty list of tasks is refused"),
    pytest.param(lambda d: d["tasks"][0].update(paragraphs=[]), "tasks[1].paragraphs",
                 "ít nhất 1", id="an empty list of task paragraphs is refused"),
    pytest.param(lambda d: d["tasks"][2].pop("paragraphs"), "tasks[3].paragraphs", "thiếu",
                 id="a task without paragraphs is refused"),
    pytest.param(lambda d: d["tasks"][0].update(paragraphs=["", "  "]), "tasks[1]",
                 "chưa có đoạn nào", id="a task of blank paragraphs is refused"),
    pytest.param(lambda d: d["tasks"][0].update(paragraphs="Một đoạn"), "tasks[1].paragraphs",
                 "danh sách", id="task paragraphs must be a list"),
    pytest.param(lambda d: d["measures"][0].update(level="chương"), "measures[1].level",
                 "Khoản", id="an unknown level lists the levels"),
    pytest.param(lambda d: d["measures"][0].pop("text"), "measures[1].text", "thiếu",
                 id="a measure without text is named"),
    pytest.param(lambda d: d.update(measures=[{"level": "khoan", "text": "A"}] +
                                    [{"level": "diem", "text": "b."}] * 25),
                 "", "quá 23 điểm", id="more điểm than letters is refused"),
    pytest.param(lambda d: d.update(reviews=[{"years": 1, "label": "Sơ kết", "year": 2024}]),
                 "", "reviews[1]", id="a review before the plan's year is refused"),
    pytest.param(lambda d: d.update(reviews=[{"years": 1, "label": "Sơ kết"}]),
                 "", "năm 2023, đã qua", id="a review counted from the decision, past, is refused"),
    pytest.param(lambda d: d["basis_plan"].update(date="2021-12-31"), "",
                 "trước quyết định", id="a superior plan older than the decision is refused"),
    pytest.param(lambda d: d.update(colour="đỏ"), "colour", "không có trong mẫu",
                 id="an unknown field is refused"),
]


@pytest.mark.parametrize("mutate, field, words", REFUSED)
def test_bad_input_is_refused_with_the_field_named(sample, mutate, field, words):
    data = sample("plan", "trung-ha-2025")
    mutate(data)
    with pytest.raises(InputError) as err:
        docgen.render_document("plan", data)
    paths = [p for p, _ in err.value.problems]
    assert field in paths, err.value.problems
    assert words in " ".join(m for p, m in err.value.problems if p == field)


# --- hostile input ------------------------------------------------------------------------

HOSTILE = [
    pytest.param(lambda d, v: d["tasks"][0]["paragraphs"].__setitem__(0, v),
                 "Phối hợp A & B <Chi nhánh> “x” \"y\" 'z'",
                 "- Phối hợp A & B <Chi nhánh> “x” \"y\" 'z'",
                 id="ampersand, angle brackets and quotes survive in a task"),
    pytest.param(lambda d, v: d["measures"][1].update(text=v), "Cột A\tcột B",
                 "- Cột A\tcột B", id="a tab inside a paragraph is kept as a tab"),
    pytest.param(lambda d, v: d["tasks"][1].update(body=v),
                 unicodedata.normalize("NFD", "Phòng Văn hóa - Xã hội"),
                 "2. Phòng Văn hóa - Xã hội", id="decomposed Vietnamese is composed"),
    pytest.param(lambda d, v: d["tasks"][0]["paragraphs"].__setitem__(0, v),
                 "{{ secret }} {% if x %}", "- {{ secret }} {% if x %}",
                 id="template syntax in user text is printed literally"),
    pytest.param(lambda d, v: d.update(standing_body=v), "Công an xã <Đội 1> & Tổ 2",
                 "2. Công an xã <Đội 1> & Tổ 2 là cơ quan thường trực",
                 id="angle brackets in a template variable survive"),
    pytest.param(lambda d, v: d["tasks"][0]["paragraphs"].__setitem__(0, v), "Đoạn " * 400,
                 "- " + ("Đoạn " * 400).strip(), id="a 2,000-character paragraph is printed whole"),
]


@pytest.mark.parametrize("mutate, raw, printed", HOSTILE)
def test_hostile_text_renders_faithfully(sample, mutate, raw, printed):
    data = sample("plan", "trung-ha-2025")
    mutate(data, raw)
    out = docgen.render_document("plan", data)
    assert any(t.startswith(printed) for t in texts(out)), printed
    assert nd30.check(out) == []


HOSTILE_REFUSED = [
    pytest.param(lambda d: d["tasks"][0]["paragraphs"].__setitem__(1, "Bell\x07"),
                 "tasks[1].paragraphs[2]", "U+0007", id="a control character is refused"),
    pytest.param(lambda d: d["tasks"][0].update(body="x" * 2000), "tasks[1].body", "2.000",
                 id="a 2,000-character body name is refused with its length"),
    pytest.param(lambda d: d["tasks"][0].update(body="   "), "tasks[1].body",
                 "không được để trống", id="an empty body name is refused"),
    pytest.param(lambda d: d["issuer"].update(place="Trung\x00Hạ"), "issuer.place", "U+0000",
                 id="a NUL in the place is refused"),
]


@pytest.mark.parametrize("mutate, field, words", HOSTILE_REFUSED)
def test_hostile_text_is_refused_naming_the_field(sample, mutate, field, words):
    data = sample("plan", "trung-ha-2025")
    mutate(data)
    with pytest.raises(InputError) as err:
        docgen.render_document("plan", data)
    assert words in " ".join(m for p, m in err.value.problems if p == field), err.value.problems


# --- the command line and the PDF ------------------------------------------------------------

def test_kind_is_registered():
    kind = KINDS["plan"]
    assert (kind.abbreviation, kind.template) == ("KH", "plan.docx")


def test_cli_renders_the_district_plan(runner, sample, write_json, tmp_path):
    out = tmp_path / "plan.docx"
    result = runner.invoke(main, ["render", "plan", str(write_json(sample("plan"))), "-o",
                                  str(out)])
    assert result.exit_code == 0, result.output
    assert [norm(t) for t in texts(out.read_bytes())] == HEADER + seed_paragraphs()


def test_cli_refuses_bad_json_without_writing(runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"year": 2026,', encoding="utf-8")
    out = tmp_path / "out.docx"
    result = runner.invoke(main, ["render", "plan", str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert "không phải JSON hợp lệ" in result.stderr and "dòng 1" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]


def test_cli_names_a_missing_field_without_writing(runner, sample, write_json, tmp_path):
    data = sample("plan", "trung-ha-2025")
    del data["standing_body"]
    out = tmp_path / "out.docx"
    result = runner.invoke(main, ["render", "plan", str(write_json(data)), "-o", str(out)])
    assert result.exit_code == 2
    assert "«standing_body»" in result.stderr and "thiếu cơ quan thường trực" in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.skipif(not have("soffice") or not have("pdftotext"),
                    reason="LibreOffice or pdftotext is not installed")
def test_pdf_has_the_section_headings_with_diacritics(district):
    from docgen.pdf import to_pdf
    text = norm(pdf_text(to_pdf(district[1])))
    for heading in ROMANS + ["KẾ HOẠCH", "4. Các bước triển khai, thực hiện",
                             "Quan Sơn, ngày tháng năm 2022", "Lương Tiến Thành"]:
        assert heading in text, heading


def test_own_sections_quote_the_inputs_values(sample):
    """A body's own wording may write {level}, {standing_body}…: what the form says is
    printed there too; other braces stay as typed."""
    data = sample("plan")
    data["level"], data["standing_body"] = "thị xã", "Công an thị xã"
    data["organisation"]["blocks"][1]["text"] += " {{ x }} {unknown}"
    text = "\n".join(texts(docgen.render_document("plan", data)))
    assert "Bước 1: Ủy ban nhân dân thị xã xây dựng kế hoạch" in text
    assert "2. Công an thị xã là cơ quan thường trực" in text
    assert "{{ x }} {unknown}" in text and "{level}" not in text
