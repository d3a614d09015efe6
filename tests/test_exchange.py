"""Excel import and export of units, a year's outcomes and the register: round trips,
formula neutralising, row-numbered rejects, and broken files refused in Vietnamese."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest

import docgen
from docgen import exchange, store
from docgen.errors import UserError
from helpers import xlsx

ISSUED = dt.date(2023, 2, 10)


@pytest.fixture
def db(tmp_path):
    database = store.Store(instance_path=tmp_path / "instance")
    database.seed_sample_if_empty()
    yield database
    database.dispose()


def book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))




def edit(data: bytes, changes: dict[str, object]) -> bytes:
    """The workbook with some cells of its first sheet changed ({"B3": "x"})."""
    wb = book(data)
    for ref, value in changes.items():
        wb.worksheets[0][ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


UNIT_HEADER = ["STT", "Tên đơn vị", "Loại hình", "Xã/Thị trấn", "Cơ quan đánh giá", "Ghi chú",
               "Phân loại đơn vị", "Cấp quản lý"]


# ---- units ------------------------------------------------------------------------------

def test_units_export_has_a_bold_frozen_vietnamese_header(db):
    with db.session(readonly=True) as s:
        data = exchange.export_units(s, body_id=1)
    ws = book(data).worksheets[0]
    assert ws.title == "Đơn vị"
    assert [c.value for c in ws[1]] == UNIT_HEADER
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width >= 40
    assert ws.max_row == 25  # the district's 24 units
    assert [c.value for c in ws[2]] == [1, "Thị trấn Sơn Lư", "Xã, thị trấn", "Thị trấn Sơn Lư",
                                        "Ủy ban nhân dân huyện Quan Sơn", None, "Thị trấn", None]


def test_units_round_trip_changes_nothing(db):
    with db.session(readonly=True) as s:
        plan = exchange.preview_units_import(s, exchange.export_units(s), 1)
    assert plan.add == [] and plan.reject == [] and plan.update == []
    assert len(plan.unchanged) == 45  # both dossiers' units


def test_an_edited_export_previews_updates_and_additions_without_writing(db):
    with db.session(readonly=True) as s:
        data = exchange.export_units(s, body_id=1)
    data = edit(data, {"F3": "Xã vùng cao", "C4": "Cơ quan", "G4": "Cơ quan, đơn vị",
                       "B26": "Trường THCS Mới",
                       "C26": "co so giao duc", "D26": "Xã Na Mèo"})
    with db.session() as s:
        plan = exchange.preview_units_import(s, data, 1)
        assert [(r.row, r.name) for r in plan.add] == [(26, "Trường THCS Mới")]
        assert {r.row: r.changes for r in plan.update} == {
            3: {"note": ("", "Xã vùng cao")},
            4: {"kind": ("xa", "co_quan"), "category": ("xa", "co_quan")}}
        assert len(store.list_units(s)) == 45  # a preview writes nothing
        assert exchange.apply_units_import(s, plan) == (1, 2)
    with db.session(readonly=True) as s:
        assert store.find_unit(s, 1, "truong thcs moi").commune == "Xã Na Mèo"
        assert store.find_unit(s, 1, "Xã Trung Thượng").note == "Xã vùng cao"
        again = exchange.preview_units_import(s, exchange.export_units(s), 1)
    assert (again.add, again.update, again.reject) == ([], [], [])


def test_rejects_carry_the_row_number_excel_shows(db):
    data = xlsx([
        ["DANH SÁCH ĐƠN VỊ NĂM 2023"],
        [],
        ["STT", "Tên đơn vị", "Loại hình", "Xã, thị trấn", "Cơ quan đánh giá"],
        [1, "Bản Hạ", "Khu dân cư", "Xã Na Mèo", None],
        [2, "Bản Thượng", "Chợ", "Xã Na Mèo", None],
        [],
        [3, None, "Khu dân cư", None, None],
        [4, "BẢN HẠ", "Khu dân cư", None, None],
        [5, "Bản Xa", "Khu dân cư", None, "Ủy ban nhân dân huyện Mường Lát"],
        [6, "Bản Trung", "khu dan cu", None, "ủy ban nhân dân huyện quan sơn"],
        [7, "x" * 301, "Khu dân cư", None, None],
    ])
    with db.session(readonly=True) as s:
        plan = exchange.preview_units_import(s, data, 1)
    assert [(r.row, r.name) for r in plan.add] == [(4, "Bản Hạ"), (10, "Bản Trung")]
    assert [str(r) for r in plan.reject] == [
        "Dòng 5: Loại hình «Chợ» không hợp lệ; chọn một trong: Khu dân cư, Xã, thị trấn, Cơ quan, "
        "Doanh nghiệp, Cơ sở giáo dục",
        "Dòng 7: Tên đơn vị không được để trống",
        "Dòng 8: Đơn vị «BẢN HẠ» trùng với dòng 4",
        "Dòng 9: Không có cơ quan đánh giá «Ủy ban nhân dân huyện Mường Lát» trong danh sách "
        "cơ quan",
        "Dòng 11: Tên đơn vị dài 301 ký tự, vượt quá giới hạn 300 ký tự",
    ]


def test_a_units_file_can_name_another_body(db):
    data = xlsx([UNIT_HEADER, [1, "Tổ công tác đặc biệt", "Cơ quan", "", "Công an huyện Quan Sơn",
                               ""]])
    with db.session() as s:
        plan = exchange.preview_units_import(s, data, 1)
        assert plan.add[0].values["body_id"] == 3
        exchange.apply_units_import(s, plan)
        assert [u.name for u in store.list_units(s, body_id=3)] == ["Tổ công tác đặc biệt"]


def test_a_file_without_the_note_column_keeps_stored_notes(db):
    data = xlsx([["Tên đơn vị", "Loại hình"], ["Bản Na Mèo", "Khu dân cư"]])
    with db.session(readonly=True) as s:  # the commune that assesses the bản
        commune = next(b.id for b in store.list_bodies(s) if b.name == "Ủy ban nhân dân xã Na Mèo")
        plan = exchange.preview_units_import(s, data, commune)
    assert len(plan.unchanged) == 1 and plan.update == []


@pytest.mark.parametrize("value", [
    '=HYPERLINK("http://example.invalid","Bấm vào đây")',
    "+84 912 345 678",
    "-2+3",
    "@SUM(A1:A2)",
], ids=["an equals sign", "a plus sign", "a minus sign", "an at sign"])
def test_a_formula_like_cell_is_neutralised_and_survives_the_round_trip(db, value):
    with db.session() as s:
        unit = store.save_unit(s, name=f"Đơn vị {value[:5]}", kind="Cơ quan", body_id=1,
                               note=value)
        data = exchange.export_units(s, body_id=1)
    wb = book(data)
    cells = [c for row in wb.worksheets[0].iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    row = next(r for r in wb.worksheets[0].iter_rows() if r[1].value == unit.name)
    note = row[5]
    assert note.value == "'" + value and note.data_type == "s"
    with db.session(readonly=True) as s:
        plan = exchange.preview_units_import(s, data, 1)
        assert plan.update == [] and plan.reject == []
        assert store.get_unit(s, unit.id).note == value


@pytest.mark.parametrize("data, words", [
    (b"", "Tệp tải lên trống (0 byte)"),
    (b"STT;Ten don vi\n1;Ban Na Meo\n", "không phải bảng tính Excel .xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Excel 97–2003 (.xls)"),
    (b"PK\x03\x04garbage", "Không đọc được bảng tính"),
], ids=["an empty upload", "a CSV file", "an old .xls file", "a broken ZIP"])
def test_a_file_that_is_not_xlsx_is_refused(db, data, words):
    with db.session(readonly=True) as s, pytest.raises(UserError) as err:
        exchange.preview_units_import(s, data, 1)
    assert words in str(err.value)


def test_a_truncated_xlsx_is_refused(db):
    with db.session(readonly=True) as s:
        data = exchange.export_units(s)
        with pytest.raises(UserError, match="Không đọc được bảng tính"):
            exchange.preview_units_import(s, data[: len(data) // 2], 1)


def test_a_word_document_is_refused(db, sample):
    data = docgen.render_document("decision", sample("decision"))
    with db.session(readonly=True) as s, pytest.raises(UserError) as err:
        exchange.preview_units_import(s, data, 1)
    assert str(err.value) == "Tệp tải lên là văn bản Word (.docx), không phải bảng tính Excel .xlsx"


@pytest.mark.parametrize("rows, words", [
    ([["Họ và tên", "Năm sinh"], ["Lò Văn Xuân", 1968]],
     "Không tìm thấy dòng tiêu đề có cột «Tên đơn vị» trong 20 dòng đầu của trang «Sheet1»"),
    ([["Tên đơn vị", "Ghi chú"], ["Bản Na Mèo", ""]],
     "Dòng tiêu đề (dòng 1) thiếu cột «Loại hình»"),
    ([["Tên đơn vị", "Loại hình"]], "không có dòng dữ liệu nào dưới dòng tiêu đề"),
    ([], "Bảng tính trống"),
], ids=["foreign headers", "a required column missing", "a header and no rows",
        "an empty sheet"])
def test_wrong_headers_or_no_rows_are_refused(db, rows, words):
    with db.session(readonly=True) as s, pytest.raises(UserError) as err:
        exchange.preview_units_import(s, xlsx(rows), 1)
    assert words in str(err.value)


@pytest.mark.parametrize("start, step", [(200, 97), (30, 1009), (0, 4001), (500, 13),
                                         (-400, 7), (-120, 3)])
def test_a_corrupted_file_gives_usererror_and_nothing_else(db, start, step):
    """Bytes flipped here and there, as in a damaged download: a message, never a traceback."""
    with db.session(readonly=True) as s:
        data = bytearray(exchange.export_units(s))
    first = start % len(data)
    for pos in range(first, min(first + 60 * step, len(data) - 1), step):
        data[pos] ^= 0x5A
    with db.session(readonly=True) as s:
        try:
            plan = exchange.preview_units_import(s, bytes(data), 1)
        except UserError:
            return
    # Damage in a part openpyxl does not read leaves a usable file: then it reads normally.
    assert len(plan.unchanged) + len(plan.update) + len(plan.reject) == 44


# ---- a year's outcomes ----------------------------------------------------------------------

OUTCOME_COLUMNS = ["STT", "Tên đơn vị", "Loại hình", "Điểm tự chấm", "Điểm thẩm định",
                   "An toàn về ANTT (Có/Không)", "Xếp loại đề xuất", "Xếp loại quyết định",
                   "Lý do", "Ghi chú", "Xếp loại năm 2021"]


def test_outcomes_export_lists_the_year_with_last_years_class(db):
    with db.session(readonly=True) as s:
        data = exchange.export_outcomes(s, 1, 2022)
    wb = book(data)
    ws = wb.worksheets[0]
    assert ws.title == "Đánh giá 2022" and ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == OUTCOME_COLUMNS
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 24
    tien = rows["Xã Trung Tiến"]
    assert tien[3:10] == (76, 74, "Có", "Khá", "Trung bình",
                          "Khai thác rừng trái phép kéo dài ở khu vực giáp ranh", None)
    weak = rows["Công ty Cổ phần Lâm sản 'Mường Mìn' <Chi nhánh Quan Sơn>"]
    assert weak[3:10] == (45, 42, "Không", "Yếu", "Yếu", None,
                          "Chưa xây dựng mô hình tự quản về an ninh, trật tự")
    assert rows["Thị trấn Sơn Lư"][5] == "Có"
    assert wb["Danh mục"].sheet_state == "hidden"


def test_outcomes_round_trip_changes_nothing(db):
    with db.session(readonly=True) as s:
        plan = exchange.preview_outcomes_import(s, exchange.export_outcomes(s, 1, 2022), 1, 2022)
    assert (plan.add, plan.update, plan.reject) == ([], [], [])
    assert len(plan.unchanged) == 24


def test_a_blank_form_for_a_new_year_adds_nothing(db):
    with db.session(readonly=True) as s:
        plan = exchange.preview_outcomes_import(s, exchange.export_outcomes(s, 1, 2023), 1, 2023)
    assert (plan.add, plan.update, plan.reject) == ([], [], [])


def test_filled_outcomes_preview_then_apply(db):
    with db.session(readonly=True) as s:
        data = exchange.export_outcomes(s, 1, 2023)
    data = edit(data, {"D2": 96, "E2": "93,5", "F2": "Có", "H2": "Xuất sắc",
                       "E3": 101,
                       "E4": 95, "F4": "Có", "H4": "Khá",
                       "E5": 95, "F5": "có", "H5": "Khá", "I5": "Có đơn thư chưa giải quyết",
                       "E6": 60, "F6": "chắc chắn",
                       "B7": "Bản Không Có"})
    with db.session() as s:
        plan = exchange.preview_outcomes_import(s, data, 1, 2023)
        assert [(r.row, r.name) for r in plan.add] == [(2, "Thị trấn Sơn Lư"), (5, "Xã Sơn Thủy")]
        assert plan.add[0].values == {"self_score": 96.0, "reviewed_score": 93.5, "safe": True,
                                      "decided": "xuat_sac", "reason": "", "note": ""}
        assert [str(r) for r in plan.reject] == [
            "Dòng 3: Đơn vị «Xã Trung Thượng»: Điểm thẩm định 101 nằm ngoài thang điểm 0–100",
            "Dòng 4: Đơn vị «Xã Sơn Điện»: Xếp loại quyết định «Khá» khác xếp loại đề xuất "
            "«Xuất sắc»: cần ghi lý do",
            "Dòng 6: Đơn vị «Xã Na Mèo»: An toàn về ANTT «chắc chắn» phải là «Có» hoặc «Không»",
            "Dòng 7: Không có đơn vị «Bản Không Có» trong danh sách đơn vị do Ủy ban nhân dân "
            "huyện Quan Sơn đánh giá",
        ]
        assert store.get_assessment(s, plan.add[0].target_id, 2023) is None
        assert exchange.apply_outcomes_import(s, plan) == (2, 0)
    with db.session(readonly=True) as s:
        grid = {r.unit.name: r for r in store.assessment_grid(s, 1, 2023)}
        first = grid["Thị trấn Sơn Lư"].assessment
        assert (first.reviewed_score, first.suggested, first.decided) == (93.5, "xuat_sac",
                                                                          "xuat_sac")
        assert grid["Xã Sơn Thủy"].assessment.reason == "Có đơn thư chưa giải quyết"


def test_outcomes_update_and_clear(db):
    with db.session(readonly=True) as s:
        data = exchange.export_outcomes(s, 1, 2022)
    # Row 2 is Thị trấn Sơn Lư (Xuất sắc); lower its score and clear its decided class.
    data = edit(data, {"E2": 80, "H2": None, "J2": "Đã thẩm định lại"})
    with db.session() as s:
        plan = exchange.preview_outcomes_import(s, data, 1, 2022)
        [row] = plan.update
        assert row.row == 2 and set(row.changes) == {"reviewed_score", "decided", "note"}
        exchange.apply_outcomes_import(s, plan)
        saved = store.get_assessment(s, row.target_id, 2022)
        assert (saved.reviewed_score, saved.suggested, saved.decided) == (80, "kha", None)


def test_an_outcome_file_with_only_names_and_classes(db):
    data = xlsx([["Đơn vị", "Xếp loại"], ["Xã Trung Tiến", "Khá"], ["Xã Trung Tiến", "Yếu"]])
    with db.session(readonly=True) as s:
        plan = exchange.preview_outcomes_import(s, data, 1, 2022)
    [row] = plan.update
    assert row.changes == {"decided": ("trung_binh", "kha")}
    assert [str(r) for r in plan.reject] == ["Dòng 3: Đơn vị «Xã Trung Tiến» trùng với dòng 2"]


# ---- the register ---------------------------------------------------------------------------

def test_register_export(db):
    with db.session() as s:
        prefill = store.decision_input(s, 1, 2022)
        first = store.create_document(s, kind="decision", body_id=1, data=prefill.data,
                                      created_by="Nguyễn Thị Văn Thư",
                                      render=lambda kind, data, parsed: json.dumps(data).encode())
        store.create_document(s, kind="decision", body_id=1, data=prefill.data,
                              created_by="=cmd|' /C calc'!A0",
                              render=lambda kind, data, parsed: b"draft")
    store.issue_number(db, first.id, issued_on=ISSUED,
                       render=lambda kind, data, parsed: json.dumps(data).encode())
    with db.session(readonly=True) as s:
        data = exchange.export_register(s, body_id=1)
        assert exchange.export_register(s, year=1999) != b""
    ws = book(data).worksheets[0]
    assert ws.title == "Sổ văn bản đi" and ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["STT", "Số", "Ký hiệu", "Ngày ban hành", "Loại văn bản",
                                        "Trích yếu nội dung", "Người ký", "Cơ quan ban hành",
                                        "Người soạn", "Trạng thái"]
    # The samples' register of 2022 is there too: the rows of this test, found by symbol.
    rows = {ws.cell(r, 3).value or ws.cell(r, 10).value: r for r in range(2, ws.max_row + 1)}
    at, draft_at = rows["01/QĐ-UBND"], rows["/QĐ-UBND"]
    issued = [c.value for c in ws[at]]
    assert issued[1:3] == [1, "01/QĐ-UBND"] and issued[0] == at - 1
    assert issued[3].date() == ISSUED and ws[f"D{at}"].number_format == "DD/MM/YYYY"
    assert issued[4] == "Quyết định công nhận phân loại phong trào"
    assert issued[6:] == ["Lò Văn Hùng", "Ủy ban nhân dân huyện Quan Sơn", "Nguyễn Thị Văn Thư",
                          "Đã cấp số"]
    draft = [c.value for c in ws[draft_at]]
    assert draft[1] is None and draft[2] == "/QĐ-UBND" and draft[-1] == "Dự thảo"
    assert draft[8] == "'=cmd|' /C calc'!A0" and ws[f"I{draft_at}"].data_type == "s"


def test_exports_are_valid_zip_packages(db):
    with db.session(readonly=True) as s:
        for data in (exchange.export_units(s), exchange.export_outcomes(s, 1, 2022),
                     exchange.export_register(s)):
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
            assert "xl/workbook.xml" in names and "[Content_Types].xml" in names
