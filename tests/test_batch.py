"""Bulk filling from Excel/CSV: reading lists, per-row errors, the merged DOCX, the ZIP,
the PDF, atomic output and the `docgen batch` command."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree

import docgen
from docgen import batch, documents, fastfill, importers, nd30, schema
from docgen.errors import UserError
from docgen.samples import SAMPLES_DIR
from helpers import have, open_docx, pdf_text, texts

HOUSEHOLDS = SAMPLES_DIR / "quan-son-2022" / "households.xlsx"
DEFAULTS = {"year": 2022, "district": "huyện Quan Sơn", "province": "tỉnh Thanh Hóa"}
BAD_ROWS = [(38, "Họ và tên", "thiếu họ và tên"), (92, "Năm sinh", "«19x5»"),
            (159, "Họ và tên", "thiếu họ và tên")]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def xlsx(path: Path, rows: list[list], title: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def csv_file(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def name_lines(docx: bytes) -> list[str]:
    """The names in the forms' first field line, in order."""
    found = []
    for t in texts(docx):
        m = re.match(r"\t?Họ và tên(?: chủ hộ)?: (.*)\tNăm sinh", t)
        if m:
            found.append(m.group(1))
    return found


@pytest.fixture(scope="module")
def households():
    return importers.read(HOUSEHOLDS, "commitment")


@pytest.fixture(scope="module")
def merged(households, tmp_path_factory):
    out = tmp_path_factory.mktemp("merged") / "cam-ket.docx"
    result = batch.fill("commitment", households, out, defaults=DEFAULTS)
    return result, out.read_bytes()


# --------------------------------------------------------------------------- reading

def test_sample_list_has_237_good_rows_and_3_reported(households):
    assert len(households.rows) == 237
    assert [(p.row, p.column) for p in households.problems] == [(r, c) for r, c, _ in BAD_ROWS]
    for problem, (_, _, needle) in zip(households.problems, BAD_ROWS, strict=True):
        assert needle in problem.message
    first = households.rows[0]
    assert first.number == 2 and set(first.data) >= {"full_name", "birth_year", "area", "commune"}
    assert all(len(r.data.get("id_number", "0" * 12)) == 12 for r in households.rows)


HEADERS = [
    ("Họ và tên", "full_name"), ("HỌ VÀ TÊN", "full_name"), ("ho va ten", "full_name"),
    ("Ho ten", "full_name"), ("Họ tên", "full_name"), ("  họ   và  tên ", "full_name"),
    ("Họ và tên chủ hộ", "full_name"), ("Năm sinh", "birth_year"), ("NAM SINH", "birth_year"),
    ("Năm sinh (yyyy)", "birth_year"), ("CCCD", "id_number"), ("Số CCCD", "id_number"),
    ("số cccd", "id_number"), ("Số định danh", "id_number"), ("So dinh danh ca nhan", "id_number"),
    ("Khu dân cư / Thôn, bản", "area"), ("Thôn, bản", "area"), ("Khu dan cu", "area"),
    ("Xã", "commune"), ("XA", "commune"), ("Đơn vị", "unit"), ("Đơn vị công tác", "unit"),
    ("Địa chỉ", "address"), ("Ghi chú", "note"), ("STT", "stt"), ("Điện thoại", None),
    ("", None),
]


@pytest.mark.parametrize("header, field", HEADERS, ids=[f"«{h}» → {f}" for h, f in HEADERS])
def test_headers_match_with_or_without_diacritics_case_and_aliases(header, field):
    col = importers.match_header(header, importers.columns("commitment"))
    assert (col.field if col else None) == field


CELLS = [
    ("year", 1975, 1975, "a year typed as a number"),
    ("year", 1975.0, 1975, "a year stored as a float"),
    ("year", " 1975 ", 1975, "a year typed as text"),
    ("year", dt.datetime(1975, 5, 2), 1975, "a full date of birth gives its year"),
    ("year", "19x5", ValueError, "a year with a letter is refused"),
    ("year", 1899, ValueError, "a year before 1900 is refused"),
    ("year", dt.date.today().year + 1, ValueError, "a year in the future is refused"),
    ("year", "75", ValueError, "a two-digit year is refused"),
    ("cccd", "038078004512", "038078004512", "a CCCD typed as text"),
    ("cccd", 38078004512, "038078004512", "a CCCD Excel stored as a number gets its zero back"),
    ("cccd", "038 078 004 512", "038078004512", "spaces inside a CCCD are dropped"),
    ("cccd", "12345", ValueError, "a short CCCD is refused"),
    ("cccd", 123456789, ValueError, "a 9-digit CMND is not taken for a CCCD"),
    ("cccd", "03807800451A", ValueError, "a CCCD with a letter is refused"),
    ("integer", 5, 5, "a whole number"),
    ("integer", "1.250", 1250, "a number with thousands dots"),
    ("integer", "năm", ValueError, "words are not a number"),
    ("text", "Lò Văn A & B <C>", "Lò Văn A & B <C>", "ampersand and brackets are kept"),
    ("text", unicodedata.normalize("NFD", "Lương Thị Tươi"), "Lương Thị Tươi",
     "decomposed text is composed"),
    ("text", "Lò\tVăn  A", "Lò Văn A", "a tab becomes a space"),
    ("text", "Lò\x0bVăn", ValueError, "a control character is refused"),
    ("list", "UBND huyện; Công an huyện", ["UBND huyện", "Công an huyện"], "a list splits at ;"),
]


@pytest.mark.parametrize("kind, raw, expected", [c[:3] for c in CELLS], ids=[c[3] for c in CELLS])
def test_cells_are_read_or_refused(kind, raw, expected):
    if expected is ValueError:
        with pytest.raises(ValueError) as info:
            importers.convert(kind, raw)
        assert info.value.args[0]
    else:
        assert importers.convert(kind, raw) == expected


def test_a_title_row_above_the_header_and_blank_rows_are_not_data(tmp_path):
    path = xlsx(tmp_path / "ds.xlsx", [
        [], ["STT", "Họ tên", "Năm sinh", "Thôn, bản", "Xã"],
        [1, "Lò Văn A", 1970, "Bản Na Mèo", "Xã Na Mèo"],
        [2, None, None, None, None],                       # numbered but empty: not data
        [None, None, None, None, None],
        [3, "Hà Thị B", 1981, "Bản Sa Ná", "Xã Na Mèo"],
        [4], [5], [None, "  "],
    ], title="DANH SÁCH HỘ GIA ĐÌNH KÝ CAM KẾT NĂM 2022")
    table = importers.read(path, "commitment")
    assert [(r.number, r.data["full_name"]) for r in table.rows] == [(4, "Lò Văn A"),
                                                                     (7, "Hà Thị B")]
    assert table.problems == []


def test_formulas_give_their_cached_values(tmp_path):
    path = xlsx(tmp_path / "f.xlsx", [["Họ và tên", "Năm sinh", "Thôn, bản"],
                                      ["Lò Văn A", "=1970+5", "Bản Na Mèo"]])
    raw = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    patched = raw.replace(b"<f>1970+5</f><v></v>", b"<f>1970+5</f><v>1975</v>")
    assert patched != raw
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, patched if info.filename == "xl/worksheets/sheet1.xml"
                         else src.read(info))
    table = importers.read(out.getvalue(), "commitment", name="f.xlsx")
    assert table.rows[0].data["birth_year"] == 1975


def test_csv_with_bom_and_semicolons(tmp_path):
    path = csv_file(tmp_path / "ds.csv", "\ufeffHọ và tên;Năm sinh;CCCD;Thôn bản\r\n"
                    "Lò Văn A;1970;038070001234;Bản Na Mèo\r\n", "utf-8")
    table = importers.read(path, "commitment")
    assert table.rows[0].data == {"full_name": "Lò Văn A", "birth_year": 1970,
                                  "id_number": "038070001234", "area": "Bản Na Mèo"}


def test_hostile_cells_are_kept_or_their_row_reported(tmp_path):
    nfd = unicodedata.normalize("NFD", "Lương Thị Tươi")
    path = csv_file(tmp_path / "ds.csv", "Họ và tên,Năm sinh,Thôn bản\n"
                    '"Lò Văn A & B <C>",1970,Bản Na Mèo\n'
                    f"{nfd},1971,Bản Na Mèo\n"
                    '"Hà\tVăn Tab",1972,Bản Na Mèo\n'
                    "Vi\x0bVăn Dọc,1973,Bản Na Mèo\n"
                    f"{'x' * 2000},1974,Bản Na Mèo\n")
    table = importers.read(path, "commitment")
    assert [r.data["full_name"] for r in table.rows] == [
        "Lò Văn A & B <C>", "Lương Thị Tươi", "Hà Văn Tab", "x" * 2000]
    assert [(p.row, p.column) for p in table.problems] == [(5, "Họ và tên")]
    assert "U+000B" in table.problems[0].message
    out = tmp_path / "out.docx"
    result = batch.fill("commitment", table, out, defaults={**DEFAULTS, "commune": "Xã Na Mèo"})
    assert result.written == 3
    assert [(p.row, p.column) for p in result.skipped] == [(5, "Họ và tên"), (6, "Họ và tên")]
    assert "dài 2.000 ký tự" in result.skipped[1].message
    assert name_lines(out.read_bytes()) == ["Lò Văn A & B <C>", "Lương Thị Tươi", "Hà Văn Tab"]
    assert nd30.check(out) == []


BROKEN = [
    pytest.param("ds.xlsx", lambda: bytes(range(256)) * 8, "không phải bảng tính Excel",
                 id="random bytes named .xlsx"),
    pytest.param("ds.xlsx", lambda: "Họ và tên,Năm sinh\nLò Văn A,1970\n".encode(),
                 "đổi đuôi thành .csv", id="a CSV renamed .xlsx"),
    pytest.param("ds.xls", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
                 "Excel cũ (.xls)", id="an old .xls workbook"),
    pytest.param("ds.xlsx", lambda: docgen.render.template_bytes("commitment.docx"),
                 "tệp Word", id="a Word document renamed .xlsx"),
    pytest.param("ds.xlsx", lambda: _workbook([]), "trống", id="an empty workbook"),
    pytest.param("ds.xlsx", lambda: _workbook([["STT", "Năm sinh", "Xã"], [1, 1970, "Na Mèo"]]),
                 "Không tìm thấy dòng tiêu đề có cột «Họ và tên»",
                 id="a header row without a name column"),
    pytest.param("ds.xlsx", lambda: _workbook([["Họ và tên", "Năm sinh", "Họ tên"]]),
                 "có hai lần", id="the name column twice"),
    pytest.param("ds.csv", lambda: "Họ và tên,Năm sinh\nLò Văn Thản,1970\n".encode("utf-16"),
                 "không phải mã UTF-8", id="a CSV not in UTF-8"),
    pytest.param("ds.csv", lambda: "Họ và tên,Năm sinh\nLò Văn Thản,1970\n".encode("cp1258",
                                                                                   "replace"),
                 "không phải mã UTF-8", id="a CSV in Windows-1258"),
    pytest.param("ds.ods", lambda: b"not a spreadsheet", "chỉ nhận bảng tính Excel .xlsx",
                 id="an unknown kind of file"),
]


def _workbook(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("name, make, needle", BROKEN)
def test_broken_files_raise_a_vietnamese_user_error(tmp_path, name, make, needle):
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(UserError) as info:
        importers.read(path, "commitment")
    assert needle in info.value.message


def test_a_missing_file_and_a_kind_without_a_list_are_user_errors(tmp_path):
    with pytest.raises(UserError, match="Không tìm thấy tệp"):
        importers.read(tmp_path / "khong-co.xlsx", "commitment")
    with pytest.raises(UserError, match="không điền hàng loạt"):
        importers.read(HOUSEHOLDS, "decision")


def test_the_blank_list_has_vietnamese_headers_and_a_guide():
    wb = openpyxl.load_workbook(SAMPLES_DIR / "danh-sach-mau.xlsx")
    sheet, guide = wb.worksheets
    headers = [c.value for c in sheet[1]]
    assert headers[0] == "STT" and headers[1] == "Họ và tên" and headers[-1] == "Ghi chú"
    cols = importers.columns("commitment")
    assert all(importers.match_header(h, cols) is not None for h in headers)
    assert sheet.column_dimensions["B"].width >= 20
    assert sheet["D2"].number_format == "@"               # CCCD cells are text
    assert guide.title == "Hướng dẫn"
    assert [r[0].value for r in guide.iter_rows(min_row=2, max_row=len(headers) + 1)] == headers
    assert all(r[2].value for r in guide.iter_rows(min_row=2, max_row=len(headers) + 1))


# --------------------------------------------------------------------------- merged DOCX

def test_merged_docx_has_one_form_per_good_row_in_order(households, merged):
    result, out = merged
    assert result.written == 237 == len(households.rows)
    body = texts(out)
    assert body.count("BẢN CAM KẾT") == 237
    assert name_lines(out) == [r.data["full_name"] for r in households.rows]
    doc = open_docx(out)
    breaks = doc.element.body.findall(f".//{W}pageBreakBefore")
    assert len(breaks) == 236
    section = doc.sections[0]
    assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)
    assert section.left_margin.twips == 1701 and section.right_margin.twips == 850


def test_merged_docx_passes_the_nd30_check(merged):
    assert nd30.check(merged[1]) == []


def test_bad_rows_are_reported_by_row_and_column(merged):
    result, _ = merged
    assert result.skipped_rows == [38, 92, 159]
    message = result.skipped_message()
    assert message.startswith("Đã bỏ qua 3 dòng lỗi: dòng 38 (Họ và tên): thiếu họ và tên; "
                              "dòng 92 (Năm sinh): «19x5» không phải năm sinh hợp lệ")


def test_fast_path_renders_exactly_what_docxtpl_renders(sample):
    def body(data: bytes) -> bytes:
        root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
        return etree.tostring(root, method="c14n")

    for kind_name in ("commitment", "registration"):
        data = sample(kind_name)
        kind = documents.get(kind_name)
        fast = fastfill.FastTemplate(kind.template)
        ctx = kind.context(schema.parse(kind.input, data))
        single = fast.single(ctx, fast.base_package(ctx))
        assert body(single) == body(docgen.render_document(kind_name, data)), kind_name


def test_forms_with_page_numbers_get_a_section_each(sample, tmp_path):
    common = sample("registration")
    rows = [{"unit": "Bản Na Mèo", "signer": {"name": "Vi Văn Hoàn", "position": "Trưởng bản"}},
            {"unit": "Trường THPT Quan Sơn", "kind": "Cơ sở giáo dục",
             "recipients": ["Ủy ban nhân dân huyện Quan Sơn"],
             "signer": {"name": "Phạm Văn Hải", "position": "Hiệu trưởng"}},
            {"unit": "Công ty TNHH MTV Thủy điện Trung Sơn", "kind": "Doanh nghiệp",
             "recipients": ["Ủy ban nhân dân huyện Quan Sơn"], "superior": "",
             "signer": {"name": "Nguyễn Văn Dũng", "position": "Giám đốc"}}]
    out = tmp_path / "dang-ky.docx"
    result = batch.fill("registration", rows, out, defaults=common)
    assert result.written == 3
    data = out.read_bytes()
    doc = open_docx(data)
    assert len(doc.sections) == 3
    for section in doc.sections:
        assert section.different_first_page_header_footer
        assert 'w:start="1"' in section._sectPr.xml
    assert texts(data).count("BẢN ĐĂNG KÝ") == 3
    assert nd30.check(data) == []


@pytest.mark.skipif(not have("soffice"), reason="LibreOffice is not installed")
def test_merged_docx_opens_in_libreoffice_one_page_per_form(households, tmp_path):
    from docgen.pdf import to_pdf
    out = tmp_path / "few.docx"
    table = importers.Table("commitment", "few", rows=households.rows[:12],
                            headers=households.headers)
    batch.fill("commitment", table, out, defaults=DEFAULTS)
    text = pdf_text(to_pdf(out.read_bytes()))
    pages = text.rstrip("\f").split("\f")
    assert len(pages) == 12
    for page, row in zip(pages, households.rows[:12], strict=True):
        assert row.data["full_name"] in page


def test_progress_is_called_per_row(households, tmp_path):
    calls = []
    rows = households.rows[:7]
    batch.fill("commitment", rows, tmp_path / "p.docx", defaults=DEFAULTS,
               progress=lambda done, total: calls.append((done, total)))
    assert calls == [(i, 7) for i in range(1, 8)]


def test_strict_stops_before_writing_anything(households, tmp_path):
    out = tmp_path / "strict.docx"
    with pytest.raises(UserError) as info:
        batch.fill("commitment", households, out, defaults=DEFAULTS, strict=True)
    assert "dòng 38 (Họ và tên)" in info.value.message
    assert "dòng 92 (Năm sinh)" in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_writing_leaves_no_file(households, tmp_path):
    out = tmp_path / "half.docx"

    def stop(done, total):
        if done == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch.fill("commitment", households, out, defaults=DEFAULTS, progress=stop)
    assert list(tmp_path.iterdir()) == []


def test_shared_data_errors_are_not_blamed_on_rows(households, tmp_path):
    with pytest.raises(UserError) as info:
        batch.fill("commitment", households, tmp_path / "x.docx", defaults={"year": "năm nay"})
    assert "«year»" in info.value.message and "dòng" not in info.value.message
    assert list(tmp_path.iterdir()) == []


def test_personal_fields_in_the_shared_data_are_not_copied_to_rows(sample, tmp_path):
    rows = [{"full_name": "Hà Văn Chung", "area": "Bản Sa Ná"}]
    out = tmp_path / "x.docx"
    shared = {**sample("commitment"), "id_number": "038078004512"}  # one household's own
    result = batch.fill("commitment", rows, out, defaults=shared)
    body = texts(out.read_bytes())
    assert "038078004512" not in " ".join(body) and "1978" not in " ".join(body)
    assert "Họ và tên" in result.notes[0] and "Số CCCD" in result.notes[0]


# --------------------------------------------------------------------------- ZIP, PDF

def test_zip_holds_one_named_docx_per_good_row(households, tmp_path):
    out = tmp_path / "cam-ket.zip"
    result = batch.fill("commitment", households, out, defaults=DEFAULTS)
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert len(names) == result.written == 237
        first = docgen.vietnamese.slug(households.rows[0].data["full_name"])
        assert names[0] == f"0002-{first}.docx"
        assert all(re.fullmatch(r"\d{4}-[a-z0-9-]+\.docx", n) for n in names)
        assert len(set(names)) == len(names)
        numbers = [int(n[:4]) for n in names]
        assert numbers == [r.number for r in households.rows]
        assert not {38, 92, 159} & set(numbers)
        for name in (names[0], names[100], names[-1]):
            data = zf.read(name)
            row = households.rows[names.index(name)]
            assert name_lines(data) == [row.data["full_name"]]
            assert nd30.check(data) == []


def test_duplicate_names_get_distinct_files(tmp_path):
    rows = [{"full_name": "Lò Văn Thản", "area": "Bản Na Mèo"}] * 2
    out = tmp_path / "d.zip"
    batch.fill("commitment", rows, out, defaults={**DEFAULTS, "commune": "Xã Na Mèo"})
    assert zipfile.ZipFile(out).namelist() == ["0001-lo-van-than.docx", "0002-lo-van-than.docx"]


@pytest.mark.skipif(not have("soffice"), reason="LibreOffice is not installed")
def test_pdf_output_has_a_page_per_form(households, tmp_path):
    out = tmp_path / "cam-ket.pdf"
    result = batch.fill("commitment", households.rows[:3], out, defaults=DEFAULTS)
    assert result.written == 3 and out.read_bytes().startswith(b"%PDF")
    assert pdf_text(out.read_bytes()).rstrip("\f").count("\f") == 2


# --------------------------------------------------------------------------- CLI

def test_cli_batch_reports_progress_and_skipped_rows(runner, write_json, tmp_path):
    from docgen.cli import main
    out = tmp_path / "cam-ket.docx"
    result = runner.invoke(main, ["batch", "commitment", str(HOUSEHOLDS), "-o", str(out),
                                  "--defaults", str(write_json(DEFAULTS))])
    assert result.exit_code == 0, result.output
    assert f"Đã tạo {out}: 237 mẫu" in result.stdout
    assert "Đã điền 237/237 mẫu" in result.stderr
    assert re.search(r"Đã điền \d+/237 mẫu\n", result.stderr.split("Đã điền 237")[0])
    assert "Đã bỏ qua 3 dòng lỗi: dòng 38 (Họ và tên)" in result.stderr
    assert len(name_lines(out.read_bytes())) == 237


def test_cli_batch_zip(runner, write_json, tmp_path):
    from docgen.cli import main
    out = tmp_path / "cam-ket.zip"
    result = runner.invoke(main, ["batch", "commitment", str(HOUSEHOLDS), "-o", str(out),
                                  "--defaults", str(write_json(DEFAULTS))])
    assert result.exit_code == 0, result.output
    assert len(zipfile.ZipFile(out).namelist()) == 237


def _broken_xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "hong.xlsx"
    path.write_bytes(b"PK\x03\x04 broken")
    return path


CLI_FAILURES = [
    pytest.param(lambda p: ["commitment", str(HOUSEHOLDS), "--strict"], "dòng 38 (Họ và tên)",
                 id="strict with bad rows"),
    pytest.param(lambda p: ["commitment", str(p / "khong-co.xlsx")], "Không tìm thấy tệp",
                 id="a missing list"),
    pytest.param(lambda p: ["giay-phep", str(HOUSEHOLDS)], "Không có loại văn bản",
                 id="an unknown kind"),
    pytest.param(lambda p: ["decision", str(HOUSEHOLDS)], "không điền hàng loạt",
                 id="a kind that is not filled from a list"),
    pytest.param(lambda p: ["commitment", str(_broken_xlsx(p))], "không phải bảng tính Excel",
                 id="a broken Excel file"),
    pytest.param(lambda p: ["commitment", str(HOUSEHOLDS), "-o", str(p / "out.xlsx")],
                 "đuôi .docx", id="an unknown output extension"),
    pytest.param(lambda p: ["commitment", str(HOUSEHOLDS), "-o", str(p / "no" / "out.docx")],
                 "không tồn tại", id="a missing output folder"),
]


@pytest.mark.parametrize("args, needle", CLI_FAILURES)
def test_cli_batch_user_errors_exit_2_and_leave_no_file(runner, write_json, tmp_path, args,
                                                        needle):
    from docgen.cli import main
    work = tmp_path / "work"
    work.mkdir()
    argv = ["batch", *args(work)]
    if "-o" not in argv:
        argv += ["-o", str(work / "out.docx")]
    argv += ["--defaults", str(write_json(DEFAULTS))]
    before = set(work.iterdir())
    result = runner.invoke(main, argv)
    assert result.exit_code == 2, result.output
    assert needle in result.stderr
    assert "Traceback" not in result.output
    assert set(work.iterdir()) == before
