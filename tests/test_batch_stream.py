"""Bulk printing in bounded memory: lists read while the forms are filled
(`importers.stream`), skipped rows counted with only their first problems kept, the sheet
read in small chunks, good rows spooled, and text the same on every form sanitised once —
all giving what the whole-list path gave."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from docgen import batch, batchrows, documents, fastfill, importers, schema, sheetrows
from docgen.errors import InputError, UserError
from docgen.samples import SAMPLES_DIR
from helpers import texts

HOUSEHOLDS = SAMPLES_DIR / "quan-son-2022" / "households.xlsx"
DEFAULTS = {"year": 2022, "district": "huyện Quan Sơn", "province": "tỉnh Thanh Hóa"}
HEADERS = ["STT", "Họ và tên", "Năm sinh", "Số CCCD", "Khu dân cư / Thôn, bản", "Xã"]


def rows(count: int, bad_every: int = 0) -> list[list]:
    """COUNT list rows; every `bad_every`-th has the year "19x5" (a bad cell)."""
    out = []
    for i in range(1, count + 1):
        year = "19x5" if bad_every and i % bad_every == 0 else 1950 + i % 50
        out.append([i, f"Lò Văn Thản {i}", year, f"038078{i:06d}", "Bản Na Mèo", "Xã Na Mèo"])
    return out


def workbook(path: Path, data: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in data:
        ws.append(row)
    wb.save(path)
    return path


def csv_list(path: Path, data: list[list]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerows(data)
    return path


def document_xml(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


# --------------------------------------------------------------------------- reading

@pytest.mark.parametrize("source", [HOUSEHOLDS, "csv"], ids=["xlsx", "csv"])
def test_a_streamed_list_gives_the_rows_and_problems_read_gives(source, tmp_path):
    if source == "csv":
        source = csv_list(tmp_path / "ds.csv", rows(60, bad_every=7))
    table = importers.read(source, "commitment")
    listing = importers.stream(source, "commitment")
    items = list(listing)
    assert [i for i in items if isinstance(i, importers.Row)] == table.rows
    assert [i for i in items if isinstance(i, importers.Problem)] == table.problems
    assert (listing.headers, listing.ignored, listing.sheet) == \
        (table.headers, table.ignored, table.sheet)
    assert table.rows and table.problems


def test_a_listing_is_read_once():
    listing = importers.stream(HOUSEHOLDS, "commitment")
    assert len(list(listing)) == 240
    with pytest.raises(RuntimeError):
        list(listing)


def test_the_sheet_read_in_small_chunks_gives_what_openpyxl_reads(tmp_path, monkeypatch):
    path = workbook(tmp_path / "ds.xlsx", rows(300, bad_every=11)
                    + [[None] * 6, ["", "Hà Thị <Mai> & \"Con\"", 1980, None, "Bản Bôn", ""]])
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    ws = book.worksheets[0]
    expected = list(ws.iter_rows(max_col=8, values_only=True))
    for chunk in (64, 200, 4093):       # rows, cells and references cut at every place
        monkeypatch.setattr(sheetrows, "CHUNK", chunk)
        ws.reset_dimensions()
        assert list(sheetrows.rows(book, ws, 8)) == expected, chunk
    book.close()


def test_tags_cut_between_chunks_are_counted_once():
    from docgen import workbooks
    xml = b"<sheetData>" + b'<row r="1"><c r="A1"><v>1</v></c></row>' * 50 + b"</sheetData>"
    for chunk in (3, 5, 7, 64):
        counts = workbooks._count(io.BytesIO(xml), chunk)
        assert counts[b"<row"] == 50 and counts[b"<c "] == 50, chunk


def test_a_broken_file_is_refused_before_anything_is_written(tmp_path):
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(UserError, match="không phải bảng tính Excel"):
        importers.stream(broken, "commitment")
    no_header = tmp_path / "ds.csv"
    no_header.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(UserError, match="Không tìm thấy dòng tiêu đề"):
        importers.stream(no_header, "commitment")


def test_damage_far_down_a_csv_list_stops_the_batch_and_leaves_no_file(tmp_path):
    source = csv_list(tmp_path / "ds.csv", rows(500) + [[501, "x" * 200_000]])  # a cell too long
    out = tmp_path / "out" / "cam-ket.docx"
    out.parent.mkdir()
    with pytest.raises(UserError, match="hỏng ở dòng 502: ô quá dài"):
        batch.fill("commitment", importers.stream(source, "commitment"), out, defaults=DEFAULTS)
    assert list(out.parent.iterdir()) == []


# --------------------------------------------------------------------------- skipped rows

def test_skipped_rows_are_counted_and_only_the_first_problems_kept(tmp_path):
    source = workbook(tmp_path / "ds.xlsx", rows(450, bad_every=3))     # 150 bad rows
    out = tmp_path / "cam-ket.docx"
    result = batch.fill("commitment", importers.stream(source, "commitment"), out,
                        defaults=DEFAULTS)
    assert result.written == 300
    assert result.skipped_count == 150 and result.problem_count == 150
    assert len(result.skipped) == batch.MAX_REPORTED == 100
    assert [p.row for p in result.skipped] == [1 + 3 * i for i in range(1, 101)]
    assert all(p.column == "Năm sinh" and "«19x5»" in p.message for p in result.skipped)
    message = result.skipped_message()
    assert message.startswith("Đã bỏ qua 150 dòng lỗi: dòng 4 (Năm sinh): «19x5» không phải")
    assert message.endswith("; … và 50 lỗi khác chưa liệt kê")
    assert message.count("dòng ") == 101


def test_a_few_skipped_rows_are_all_reported_as_before(tmp_path):
    source = workbook(tmp_path / "ds.xlsx", rows(20, bad_every=7))
    result = batch.fill("commitment", importers.stream(source, "commitment"),
                        tmp_path / "x.docx", defaults=DEFAULTS)
    assert result.skipped_rows == [8, 15] and result.skipped_count == 2
    assert "lỗi khác" not in result.skipped_message()


def test_strict_and_empty_lists_report_boundedly(tmp_path):
    source = workbook(tmp_path / "ds.xlsx", rows(300, bad_every=1))
    with pytest.raises(UserError) as strict:
        batch.fill("commitment", importers.stream(source, "commitment"), tmp_path / "s.docx",
                   defaults=DEFAULTS, strict=True)
    assert strict.value.message.startswith("Danh sách có 300 dòng lỗi, chưa tạo tệp nào")
    assert strict.value.message.endswith("… và 200 lỗi khác chưa liệt kê")
    with pytest.raises(UserError) as empty:
        batch.fill("commitment", importers.stream(source, "commitment"), tmp_path / "e.docx",
                   defaults=DEFAULTS)
    assert empty.value.message.startswith("Không có dòng hợp lệ nào để điền: dòng 2 (Năm sinh)")
    assert empty.value.message.count("(Năm sinh)") == 100
    assert list(tmp_path.glob("*.docx")) == []


def test_skipped_cccd_numbers_are_masked_in_the_report(tmp_path):
    data = rows(3)
    data[1][3] = "03807800000"                                # 11 digits: a bad CCCD
    source = workbook(tmp_path / "ds.xlsx", data)
    result = batch.fill("commitment", importers.stream(source, "commitment"),
                        tmp_path / "x.docx", defaults=DEFAULTS)
    assert result.skipped_count == 1 and "03807800000" not in result.skipped_message()


# --------------------------------------------------------------------------- output

def test_streamed_spooled_output_is_what_the_whole_list_gives(tmp_path, monkeypatch):
    monkeypatch.setattr(batchrows, "SPOOL_IN_MEMORY", 256)   # the spool goes to disk at once
    table = importers.read(HOUSEHOLDS, "commitment")
    for fmt in ("docx", "zip"):
        whole, streamed = tmp_path / f"whole.{fmt}", tmp_path / f"streamed.{fmt}"
        first = batch.fill("commitment", table, whole, defaults=DEFAULTS)
        second = batch.fill("commitment", importers.stream(HOUSEHOLDS, "commitment"), streamed,
                            defaults=DEFAULTS)
        assert first == second and first.written == 237
        assert parts(whole.read_bytes()) == parts(streamed.read_bytes()), fmt


def test_fill_parsed_writes_what_fill_writes(tmp_path):
    table = importers.read(HOUSEHOLDS, "commitment")
    good, _ = batch.validate("commitment", table, DEFAULTS)
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    batch.fill("commitment", table, a, defaults=DEFAULTS)
    calls = []
    result = batch.fill_parsed("commitment", (g.parsed for g in good), b, count=len(good),
                               progress=lambda done, total: calls.append((done, total)))
    assert result.written == 237 and calls[-1] == (237, 237)
    assert document_xml(a.read_bytes()) == document_xml(b.read_bytes())


def _contexts() -> list[dict]:
    kind = documents.get("commitment")
    base = {**DEFAULTS, "area": "Bản Na Mèo", "commune": "Xã Na Mèo"}
    names = ["Lò Văn Thản", "Hà Thị Xiêm", "Vi Văn Pằn"]
    out = [kind.context(schema.parse(kind.input, {**base, "full_name": n})) for n in names]
    out[2]["closing"] = "Tôi xin chịu trách nhiệm & cam kết"     # one form's own closing
    return out


def test_constant_text_sanitised_once_renders_what_sanitising_every_form_renders():
    fast = fastfill.FastTemplate(documents.get("commitment").template)
    contexts = _contexts()
    constant = fastfill.Constant()
    assert [fast.fragment(c, joined=True, constant=constant) for c in contexts] == \
        [fast.fragment(c, joined=True) for c in contexts]


def test_a_list_changed_in_place_is_sanitised_again():
    fast = fastfill.FastTemplate(documents.get("commitment").template)
    constant = fastfill.Constant()
    shared = ["1. Điều một.", "2. Điều hai."]
    first, second = _contexts()[:2]
    first["commitments"] = second["commitments"] = shared
    fast.fragment(first, constant=constant)
    shared[1] = "2. Điều e\u0301 mới."                    # decomposed: NFC must run again
    xml = fast.fragment(second, constant=constant)
    assert "Điều é mới." in xml and "e\u0301" not in xml


def test_a_bad_character_in_constant_text_names_its_key():
    constant = fastfill.Constant()
    context = _contexts()[0]
    constant(context)
    with pytest.raises(InputError) as info:
        constant({**context, "closing": "ký\x0b tên"})
    assert info.value.problems[0][0] == "closing"


def test_the_merged_docx_of_a_streamed_list_has_every_good_form_in_order(tmp_path):
    source = workbook(tmp_path / "ds.xlsx", rows(120, bad_every=40))
    out = tmp_path / "cam-ket.docx"
    result = batch.fill("commitment", importers.stream(source, "commitment"), out,
                        defaults=DEFAULTS)
    names = [m.group(1) for t in texts(out.read_bytes())
             if (m := re.match(r"\t?Họ và tên(?: chủ hộ)?: (.*)\tNăm sinh", t))]
    assert result.written == 117 == len(names)
    assert names == [f"Lò Văn Thản {i}" for i in range(1, 121) if i % 40]
