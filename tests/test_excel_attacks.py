"""Hostile spreadsheets: oversized uploads, ZIP bombs, files of another kind, formulas,
merged cells, huge declared sheets, hidden and extra sheets — each refused with a clear
Vietnamese message or read correctly, by both readers (`importers.read` for the batch
lists, `exchange.preview_*_import` for units and outcomes). And every export neutralises
cells a spreadsheet would run as a formula."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from xml.sax.saxutils import escape

import openpyxl
import pytest

import docgen
from docgen import exchange, importers, store
from docgen.errors import UserError

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
GB = 1 << 30
ADMIN_PASSWORD = "Mat-khau-thu-nghiem-2025"


# ---- building files --------------------------------------------------------------------------

class F:
    """A formula cell: its text and the value Excel cached for it (None: never calculated)."""

    def __init__(self, formula: str, cached=None):
        self.formula, self.cached = formula, cached


class Err(str):
    """A cell holding a formula error such as #REF!."""


def _cell(ref: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, F):
        f = f"<f>{escape(value.formula.lstrip('='))}</f>"
        if value.cached is None:
            return f'<c r="{ref}">{f}</c>'
        if isinstance(value.cached, str):
            return f'<c r="{ref}" t="str">{f}<v>{escape(value.cached)}</v></c>'
        return f'<c r="{ref}">{f}<v>{value.cached}</v></c>'
    if isinstance(value, Err):
        return f'<c r="{ref}" t="e"><v>{escape(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'


def sheet_xml(rows: dict[int, list], *, merges=(), dimension: str | None = None,
              extra_rows: str = "") -> bytes:
    """A worksheet part: `rows` maps an Excel row number to its cells from column A."""
    from openpyxl.utils import get_column_letter
    body = []
    for number in sorted(rows):
        cells = "".join(_cell(f"{get_column_letter(i)}{number}", v)
                        for i, v in enumerate(rows[number], 1))
        body.append(f'<row r="{number}">{cells}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    merged = ""
    if merges:
        merged = (f'<mergeCells count="{len(merges)}">'
                  + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{SHEET_NS}">'
            f'{dim}<sheetData>{"".join(body)}{extra_rows}</sheetData>{merged}</worksheet>'
            ).encode()


def workbook(*sheets: tuple[str, list[list]], hidden: tuple[str, ...] = ()) -> bytes:
    """An .xlsx written by openpyxl: (title, rows) per sheet, some of them hidden."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        if title in hidden:
            ws.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_sheet(xml: bytes, title: str = "Sheet1") -> bytes:
    """A valid workbook whose first sheet's part is replaced by `xml`."""
    return replace_part(workbook((title, [["x"]])), "xl/worksheets/sheet1.xml", xml)


def replace_part(data: bytes, name: str, content: bytes, *,
                 compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == name else src.read(info))
    return out.getvalue()


def _zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP from already deflated members: (name, raw deflate data, crc32, inflated size).
    zipfile cannot write precompressed data, and compressing a gigabyte takes too long."""
    out, central = io.BytesIO(), []
    for name, data, crc, size in members:
        offset = out.tell()
        fname = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data),
                              size, len(fname), 0) + fname + data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21,
                                   crc, len(data), size, len(fname), 0, 0, 0, 0, 0, offset)
                       + fname)
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central),
                          out.tell() - start, start, 0))
    return out.getvalue()


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def bomb(unit: bytes, size: int, *, declared: int | None = None) -> bytes:
    """A valid .xlsx whose sheet1.xml inflates to `size` bytes: an XML head, then `unit`
    repeated. Built from one deflated chunk repeated (deflate output after a sync flush
    repeats for repeating input), so it costs a moment, not a gigabyte of compression.
    `declared` lies about the inflated size in the ZIP directory."""
    head, tail = f'<?xml version="1.0"?><worksheet xmlns="{SHEET_NS}"><sheetData>'.encode(), \
        b"</sheetData></worksheet>"
    chunk = unit * ((1 << 20) // len(unit))
    count = (size - len(head) - len(tail)) // len(chunk)
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head + chunk) + c.flush(zlib.Z_SYNC_FLUSH)
    again = c.compress(chunk) + c.flush(zlib.Z_SYNC_FLUSH)
    last = c.compress(tail) + c.flush()
    stream = first + again * (count - 1) + last
    crc = zlib.crc32(head + chunk)
    for _ in range(count - 1):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    inflated = len(head) + len(chunk) * count + len(tail)
    members = []
    with zipfile.ZipFile(io.BytesIO(workbook(("Sheet1", [["x"]])))) as src:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                members.append((info.filename, stream, crc, declared or inflated))
            else:
                raw = src.read(info)
                members.append((info.filename, _deflate(raw), zlib.crc32(raw), len(raw)))
    return _zip(members)


# ---- the two readers -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def db(tmp_path_factory):
    db = store.Store(instance_path=tmp_path_factory.mktemp("excel-db"))
    db.seed_sample_if_empty()
    yield db
    db.dispose()


def read_households(data: bytes):
    return importers.read(data, "commitment", name="ds.xlsx")


def preview_units(db, data: bytes):
    with db.session(readonly=True) as s:
        return exchange.preview_units_import(s, data, 1)


def preview_outcomes(db, data: bytes):
    with db.session(readonly=True) as s:
        return exchange.preview_outcomes_import(s, data, 1, 2022)


READERS = {
    "households": (read_households, ["Họ và tên", "Năm sinh", "Khu dân cư"]),
    "units": (preview_units, ["Tên đơn vị", "Loại hình", "Ghi chú"]),
    "outcomes": (preview_outcomes, ["Tên đơn vị", "Xếp loại quyết định", "Lý do"]),
}
GOOD_ROW = {"households": ["Lò Văn Thản", 1978, "Bản Na Mèo"],
            "units": ["Xã Na Mèo", "Xã, thị trấn", ""],     # units the district decides
            "outcomes": ["Xã Na Mèo", "Khá", ""]}


def call(db, reader: str, data: bytes):
    fn, _ = READERS[reader]
    return fn(data) if reader == "households" else fn(db, data)


def refused(db, reader: str, data: bytes) -> str:
    with pytest.raises(UserError) as info:
        call(db, reader, data)
    return info.value.message


def rows_read(result) -> list[int]:
    """Excel row numbers of the rows a reader accepted."""
    if isinstance(result, importers.Table):
        return [r.number for r in result.rows]
    return sorted(r.row for r in result.add + result.update + result.unchanged)


def problems(result) -> dict[int, str]:
    if isinstance(result, importers.Table):
        return {p.row: f"{p.column}: {p.message}" for p in result.problems}
    return {r.row: r.reason for r in result.reject}


# ---- uploads over the size limit -------------------------------------------------------------

def token(html: bytes) -> str:
    """The CSRF token of the first form of a page."""
    tag = re.search(rb'<input[^>]*name="csrf_token"[^>]*>', html).group(0)
    return re.search(rb'value="([^"]+)"', tag).group(1).decode()


@pytest.fixture
def client(tmp_path):
    from webform import create_app
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"),
                      "ADMIN_PASSWORD": ADMIN_PASSWORD})
    client = app.test_client()
    page = client.get("/dang-nhap")
    if page.status_code == 200:  # the accounts of issue 6: sign in as the district admin
        client.post("/dang-nhap", data={"username": "admin", "password": ADMIN_PASSWORD,
                                        "csrf_token": token(page.data)})
    return client


def csrf(client, path: str) -> str:
    return token(client.get(path).data)


@pytest.mark.parametrize("path", ["/don-vi/nhap", "/danh-gia/nhap", "/cam-ket/", "/dang-ky/"],
                         ids=["units import", "outcomes import", "batch household list",
                              "batch unit list"])
def test_an_upload_over_10_mb_gets_413_with_a_vietnamese_page(client, path):
    # The body is built here: the test client would spool it to a temporary file that
    # nobody closes when the app refuses to read it (a ResourceWarning, not an app fault).
    boundary = "----docgen-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"danh-sach.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            ).encode() + b"PK\x03\x04" + b"\0" * (11 << 20) + f"\r\n--{boundary}--\r\n".encode()
    response = client.post(path, data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Tệp quá lớn" in page and "vượt quá giới hạn 10 MB" in page


def test_a_zip_bomb_uploaded_to_the_web_form_gets_a_message_not_an_error_page(client):
    response = client.post("/don-vi/nhap", data={
        "file": (io.BytesIO(bomb(b"\0", GB)), "don-vi.xlsx"), "body_id": "1",
        "csrf_token": csrf(client, "/don-vi/")}, content_type="multipart/form-data",
        follow_redirects=True)
    assert response.status_code == 200
    assert "ZIP bomb" in response.get_data(as_text=True)


# ---- ZIP bombs -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bombs():
    return {
        "1 GB of zeros": bomb(b"\0", GB),
        "1 GB of <row> elements": bomb(b"<row/>", GB),
        "60 MB of <row> elements (under the size cap)": bomb(b"<row/>", 60 << 20),
    }


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("name", ["1 GB of zeros", "1 GB of <row> elements",
                                  "60 MB of <row> elements (under the size cap)"])
def test_a_zip_bomb_is_refused_before_it_is_inflated(db, bombs, reader, name):
    data = bombs[name]
    assert len(data) < 10 << 20  # it passes the upload limit
    message = refused(db, reader, data)
    assert "ZIP bomb" in message and "xl/worksheets/sheet1.xml" in message


STORED_FLOODS = [
    pytest.param(b"<row/>" * 1_100_000, "quá số dòng tối đa của Excel", id="1.1 million rows"),
    pytest.param(b'<row r="1">' + b"<c/>" * 1_100_000 + b"</row>", "hơn 1.000.000 ô",
                 id="1.1 million cells"),
]


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("flood, words", STORED_FLOODS)
def test_a_sheet_packed_with_empty_elements_is_refused_before_parsing(db, reader, flood, words):
    """Stored, not deflated, so no ratio gives it away: the elements are counted."""
    xml = (f'<?xml version="1.0"?><worksheet xmlns="{SHEET_NS}"><sheetData>').encode() + \
        flood + b"</sheetData></worksheet>"
    data = replace_part(workbook(("Sheet1", [["x"]])), "xl/worksheets/sheet1.xml", xml,
                        compression=zipfile.ZIP_STORED)
    assert len(data) < 10 << 20
    assert words in refused(db, reader, data)


@pytest.mark.parametrize("reader", list(READERS))
def test_a_zip_that_understates_its_inflated_size_is_refused_as_broken(db, reader):
    """zipfile stops inflating at the declared size, so the lie only breaks the file."""
    data = bomb(b"\0", 64 << 20, declared=4096)
    message = refused(db, reader, data)
    assert "bị hỏng" in message


@pytest.mark.parametrize("reader", list(READERS))
def test_an_xml_entity_bomb_in_the_sheet_is_refused(db, reader):
    laughs = ['<!ENTITY a0 "hahahahahahahahahaha">'] + [
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)]
    xml = (f'<?xml version="1.0"?><!DOCTYPE worksheet [{"".join(laughs)}]>'
           f'<worksheet xmlns="{SHEET_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
           f'<t>&a9;</t></is></c></row></sheetData></worksheet>').encode()
    message = refused(db, reader, with_sheet(xml))
    assert "bị hỏng" in message


# ---- files of another kind -------------------------------------------------------------------

def _docx() -> bytes:
    return docgen.render.template_bytes("commitment.docx")


OTHER_FILES = [
    pytest.param(lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
                 {"households": "Excel cũ (.xls)", "units": "Excel 97–2003 (.xls)"},
                 id="an old .xls (OLE2) workbook"),
    pytest.param(lambda: "Họ và tên,Năm sinh\nLò Văn A,1970\n".encode(),
                 {"households": "đổi đuôi thành .csv", "units": "có thể là CSV"},
                 id="a CSV renamed .xlsx"),
    pytest.param(_docx, {"households": "tệp Word", "units": "văn bản Word (.docx)"},
                 id="a Word document renamed .xlsx"),
    pytest.param(lambda: b"PK\x05\x06" + b"\0" * 18, {"households": "không phải bảng tính",
                                                       "units": "không phải bảng tính Excel"},
                 id="an empty ZIP"),
]


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("make, words", OTHER_FILES)
def test_a_file_of_another_kind_is_refused_saying_what_it_is(db, reader, make, words):
    message = refused(db, reader, make())
    assert words["households" if reader == "households" else "units"] in message


# ---- CSV -------------------------------------------------------------------------------------

def test_a_csv_cell_over_the_csv_modules_limit_is_refused_naming_the_line():
    data = ("Họ và tên,Năm sinh\nLò Văn Thản,1978\n" + "x" * 200_000 + ",1979\n").encode()
    with pytest.raises(UserError) as info:
        importers.read(data, "commitment", name="ds.csv")
    assert "Tệp CSV «ds.csv» hỏng ở dòng 3: ô quá dài" in info.value.message


@pytest.mark.parametrize("cccd", ["０３８０７８００４５１２", "٠٣٨٠٧٨٠٠٤٥١٢"],
                         ids=["full-width digits", "Arabic-Indic digits"])
def test_a_cccd_in_other_digits_is_reported(cccd):
    table = importers.read(f"Họ và tên,Số CCCD\nLò Văn Thản,{cccd}\n".encode(), "commitment",
                           name="ds.csv")
    assert [(p.row, p.column) for p in table.problems] == [(2, "Số CCCD")]


# ---- formulas --------------------------------------------------------------------------------

def _list(reader: str, *rows: list, merges=(), dimension=None, extra_rows="") -> bytes:
    _, header = READERS[reader]
    grid = {1: header, **{i: row for i, row in enumerate(rows, 2)}}
    return with_sheet(sheet_xml(grid, merges=merges, dimension=dimension,
                                extra_rows=extra_rows))


def test_a_formula_gives_its_cached_value(db):
    table = read_households(_list("households", [F('="Lò Văn "&"Thản"', "Lò Văn Thản"),
                                                 F("=1970+8", 1978), "Bản Na Mèo"]))
    assert table.problems == []
    assert table.rows[0].data == {"full_name": "Lò Văn Thản", "birth_year": 1978,
                                  "area": "Bản Na Mèo"}


def test_a_hyperlink_formula_gives_its_shown_text(db):
    plan = preview_units(db, _list("units", [
        F('=HYPERLINK("http://example.invalid/x","Xã Na Mèo")', "Xã Na Mèo"), "Xã, thị trấn",
        F('=HYPERLINK("http://example.invalid/y","ghi chú")', "ghi chú")]))
    assert plan.reject == []
    assert [(r.name, r.values["note"]) for r in plan.update] == [("Xã Na Mèo", "ghi chú")]


@pytest.mark.parametrize("reader", list(READERS))
def test_a_formula_with_no_cached_value_is_reported_by_its_cell(db, reader):
    good = GOOD_ROW[reader]
    result = call(db, reader, _list(reader, good, [good[0] + " 2", F("=B2+1"), good[2]],
                                    [F('=A2&" 3"'), good[1], good[2]]))
    assert rows_read(result) == [2]
    found = problems(result)
    assert set(found) == {3, 4}
    assert "ô b3 chứa công thức «=b2+1» chưa có giá trị tính sẵn" in found[3].lower()
    assert "ô a4 chứa công thức" in found[4].lower() and "lưu lại" in found[4]


@pytest.mark.parametrize("reader", list(READERS))
def test_a_formula_error_is_reported_by_its_cell(db, reader):
    good = GOOD_ROW[reader]
    result = call(db, reader, _list(reader, good, [F("=#REF!", Err("#REF!")), *good[1:]]))
    assert rows_read(result) == [2]
    assert "ô a3 là lỗi công thức «#ref!»" in problems(result)[3].lower()


# ---- merged cells ----------------------------------------------------------------------------

def test_a_merged_header_is_read_from_its_first_cell():
    data = with_sheet(sheet_xml({1: ["DANH SÁCH HỘ GIA ĐÌNH", None, None],
                                 2: ["Họ và tên", None, "Năm sinh"],
                                 3: ["Lò Văn Thản", None, 1978]},
                                merges=["A1:C1", "A2:B2", "A3:B3"]))
    table = read_households(data)
    assert table.problems == []
    assert [(r.number, r.data) for r in table.rows] == [
        (3, {"full_name": "Lò Văn Thản", "birth_year": 1978})]


@pytest.mark.parametrize("reader", list(READERS))
def test_a_name_merged_over_two_rows_is_refused_naming_the_cells(db, reader):
    good = GOOD_ROW[reader]
    data = _list(reader, good, [None, *good[1:]], merges=["A2:A3"])
    result = call(db, reader, data)
    assert rows_read(result) == [2]
    assert "ô a2:a3 là ô gộp (merge)" in problems(result)[3].lower()


def test_thousands_of_overlapping_merges_are_judged_row_by_row_once():
    rows = {1: ["Họ và tên", "Năm sinh"], **{i: [f"Người {i}", 1970] for i in range(2, 5002)},
            5002: ["Lò Văn Thản", 1978]}
    table = read_households(with_sheet(sheet_xml(rows, merges=["A2:B5001"] * 9_999)))
    assert [r.number for r in table.rows] == [5002]
    assert len(table.problems) == 5000 and "ô A2:B5001 là ô gộp" in table.problems[0].message


def test_more_merged_ranges_than_a_list_has_are_refused():
    data = with_sheet(sheet_xml({1: ["Họ và tên"], 2: ["Lò Văn Thản"]},
                                merges=[f"C{i}:D{i}" for i in range(1, 10_002)]))
    assert "hơn 10.000 vùng ô gộp" in refused(None, "households", data)


# ---- declared sizes --------------------------------------------------------------------------

@pytest.mark.parametrize("reader", list(READERS))
def test_a_sheet_declaring_1048576_rows_with_3_filled_is_read(db, reader):
    good = GOOD_ROW[reader]
    rows = [good, [good[0] + " B", *good[1:]], [good[0] + " C", *good[1:]]]
    if reader != "households":
        rows = [good]  # units and outcomes must name stored units
    data = _list(reader, *rows, dimension="A1:XFD1048576",
                 extra_rows='<row r="1048576" s="1" customFormat="1"><c r="A1048576" s="1"/>'
                            '<c r="XFD1048576" s="1"/></row>')
    result = call(db, reader, data)
    assert rows_read(result) == list(range(2, 2 + len(rows)))
    assert problems(result) == {}


@pytest.mark.parametrize("reader", list(READERS))
def test_a_row_past_excels_last_row_is_refused(db, reader):
    data = _list(reader, GOOD_ROW[reader], extra_rows='<row r="1048577"><c r="A1048577" '
                                                      't="inlineStr"><is><t>x</t></is></c></row>')
    assert "quá số dòng tối đa của Excel" in refused(db, reader, data)


def test_cells_past_the_hundredth_column_are_not_read():
    row = ["Lò Văn Thản"] + [None] * 200 + ["rác"]
    table = read_households(with_sheet(sheet_xml({1: ["Họ và tên"], 2: row})))
    assert [r.data for r in table.rows] == [{"full_name": "Lò Văn Thản"}]


# ---- hidden and several sheets ---------------------------------------------------------------

HOUSEHOLDS = [["Họ và tên", "Năm sinh"], ["Lò Văn Thản", 1978]]
OTHERS = [["Họ và tên", "Năm sinh"], ["Hà Văn Cũ", 1950]]


def _names(table) -> list[str]:
    return [r.data["full_name"] for r in table.rows]


def test_a_hidden_sheet_before_the_list_is_not_read():
    data = workbook(("Cũ", OTHERS), ("Bản Na Mèo", HOUSEHOLDS), hidden=("Cũ",))
    assert _names(read_households(data)) == ["Lò Văn Thản"]


def test_a_list_only_on_a_hidden_sheet_is_refused_naming_it():
    data = workbook(("Ghi chú", [["ghi chú"]]), ("Cũ", OTHERS), hidden=("Cũ",))
    message = refused(None, "households", data)
    assert "trang đang ẩn «Cũ»" in message and "Bỏ ẩn" in message


def test_two_visible_lists_are_refused_naming_both_sheets():
    data = workbook(("Bản Na Mèo", HOUSEHOLDS), ("Bản Sa Ná", OTHERS))
    message = refused(None, "households", data)
    assert "2 trang" in message and "«Bản Na Mèo», «Bản Sa Ná»" in message
    assert "đặt tên trang cần đọc là «Danh sách»" in message


def test_the_sheet_named_like_the_template_is_read_among_several():
    data = workbook(("Năm trước", OTHERS), ("Danh sách", HOUSEHOLDS))
    table = read_households(data)
    assert _names(table) == ["Lò Văn Thản"] and table.sheet == "Danh sách"


def test_the_blank_lists_guide_sheet_is_not_a_second_list():
    wb = openpyxl.load_workbook(io.BytesIO(importers.blank_workbook("commitment")))
    wb["Danh sách"].title = "Bản Na Mèo"
    wb["Bản Na Mèo"]["B2"] = "Lò Văn Thản"
    out = io.BytesIO()
    wb.save(out)
    assert _names(read_households(out.getvalue())) == ["Lò Văn Thản"]


def test_the_units_sheet_is_found_after_a_cover_sheet(db):
    data = workbook(("Bìa", [["DANH SÁCH ĐƠN VỊ NĂM 2022"]]),
                    ("Đơn vị", [READERS["units"][1], GOOD_ROW["units"]]))
    plan = preview_units(db, data)
    assert plan.reject == [] and rows_read(plan) == [2]


def test_two_outcome_sheets_are_read_by_the_years_name(db):
    data = workbook(("Đánh giá 2021", [READERS["outcomes"][1], ["Bản Bôn", "Khá", ""]]),
                    ("Đánh giá 2022", [READERS["outcomes"][1], GOOD_ROW["outcomes"]]))
    plan = preview_outcomes(db, data)
    assert [r.name for r in plan.add + plan.update + plan.unchanged] == ["Xã Na Mèo"]


# ---- formula injection in exports ------------------------------------------------------------

HOSTILE = ["=1+1", '=HYPERLINK("http://example.invalid","Bấm")', "+84 912 345 678", "-2+3",
           "@SUM(A1:A2)", "=cmd|' /C calc'!A0", "'=1+1", "''@x", "'chỉ dấu nháy"]


@pytest.mark.parametrize("value", ["=1", "+1", "-1", "@x", "\t=1", "\r=1", "\t+1", "\r@x",
                                   "'=1", "''-1"])
def test_neutralise_guards_every_formula_start(value):
    assert exchange.neutralise(value) == "'" + value
    assert exchange._plain(exchange.neutralise(value)) == value


@pytest.mark.parametrize("value", ["Bản Na Mèo", "'chỉ dấu nháy", "a=b", " =1", "", 5, None])
def test_neutralise_leaves_ordinary_values(value):
    assert exchange.neutralise(value) == value


def _cells(data: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.value is not None]


def _assert_inert(data: bytes) -> list:
    cells = _cells(data)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert not any(isinstance(c.value, str) and exchange._FORMULA_LIKE.match(c.value)
                   and not c.value.startswith("'") for c in cells)
    return cells


@pytest.fixture
def hostile_db(tmp_path):
    db = store.Store(instance_path=tmp_path)
    db.seed_sample_if_empty()
    with db.session() as s:
        for value in HOSTILE:
            unit = store.save_unit(s, name=value, kind="Cơ quan", body_id=1, commune=value,
                                   note=value)
            store.save_assessment(s, unit.id, 2022, self_score=80, reviewed_score=80,
                                  safe=True, decided="Yếu", reason=value, note=value)
    yield db
    db.dispose()


def test_units_export_neutralises_hostile_names_and_reads_back_unchanged(hostile_db):
    with hostile_db.session(readonly=True) as s:
        data = exchange.export_units(s, body_id=1)
    cells = _assert_inert(data)
    names = [c.value for c in cells if c.column == 2 and c.row > 1]
    for value in HOSTILE:
        assert (("'" + value) if exchange._FORMULA_LIKE.match(value) else value) in names
    with hostile_db.session(readonly=True) as s:
        plan = exchange.preview_units_import(s, data, 1)
    assert plan.reject == [] and plan.add == [] and plan.update == []


def test_outcomes_export_neutralises_reasons_and_notes(hostile_db):
    with hostile_db.session(readonly=True) as s:
        data = exchange.export_outcomes(s, 1, 2022)
        _assert_inert(data)
        plan = exchange.preview_outcomes_import(s, data, 1, 2022)
    assert plan.reject == [] and plan.update == [] and plan.add == []


def test_register_export_neutralises_a_hostile_summary(hostile_db, sample):
    data = sample("decision")
    data.pop("number"), data.pop("date")
    data["summary"] = "=HYPERLINK(\"http://example.invalid\",\"x\")"
    data["signer"]["name"] = "@Lò Văn Hùng"
    with hostile_db.session() as s:
        store.create_document(s, kind="decision", body_id=1, data=data, created_by="-văn thư",
                              render=docgen.render_document)
    with hostile_db.session(readonly=True) as s:
        cells = _assert_inert(exchange.export_register(s))
    values = {c.value for c in cells}
    assert {"'" + data["summary"], "'@Lò Văn Hùng", "'-văn thư"} <= values


def test_the_blank_list_has_no_formula_cell():
    for kind in importers.batch_kinds():
        _assert_inert(importers.blank_workbook(kind))
