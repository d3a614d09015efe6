"""Writes the sample lists: samples/quan-son-2022/households.xlsx (240 households of Quan
Sơn's residential areas, three rows deliberately wrong so the error report shows) and
samples/danh-sach-mau.xlsx (the empty list users fill). Deterministic: run it again and
the files come out byte for byte the same.

    python samples/make_households.py
"""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill

from docgen import importers

HERE = Path(__file__).resolve().parent
ROWS = 240
MISSING_NAME_AT = (37, 158)   # data rows (1-based) whose name is left empty
BAD_YEAR_AT = 91              # data row whose year of birth reads "19x5"

# Residential areas by commune, as in the district's 2022 decision.
AREAS = {
    "Thị trấn Sơn Lư": ("Khu phố Sơn Lư 1", "Khu phố Sơn Lư 2", "Bản Chiềng"),
    "Xã Na Mèo": ("Bản Na Mèo", "Bản Sa Ná", "Bản Cha Khót"),
    "Xã Sơn Thủy": ("Bản Mùa Xuân",),
    "Xã Tam Thanh": ("Bản Bôn",),
    "Xã Tam Lư": ("Bản Pọng",),
    "Xã Trung Hạ": ("Bản Ngàm",),
}
# Family names: Thái (Lò, Vi, Lương, Ngân, Cầm, Lộc), Mường (Bùi, Đinh, Quách, Trương),
# both (Hà, Phạm), Kinh (Nguyễn, Lê, Trần, Hoàng, Đỗ).
FAMILIES = ("Lò", "Vi", "Lương", "Hà", "Phạm", "Ngân", "Cầm", "Lộc", "Bùi", "Đinh", "Quách",
            "Trương", "Nguyễn", "Lê", "Trần", "Hoàng", "Đỗ")
FAMILY_WEIGHTS = (12, 10, 9, 10, 7, 5, 4, 3, 5, 4, 2, 2, 6, 3, 3, 2, 2)
MEN = ("Thản", "Hoàn", "Pằn", "Xuân", "Khăm", "Tiến", "Lả", "Sinh", "Luân", "Dũng", "Hùng",
       "Sơn", "Thanh", "Hải", "Chung", "Kiên", "Phong", "Quyết", "Bình", "Lâm", "Nhâm", "Inh",
       "Ón", "Piệng", "Tuấn", "Cường", "Thắng", "Vinh", "Đức", "Hòa")
WOMEN = ("Chăm", "Xiêm", "Ỏn", "Duyên", "Mai", "Hương", "Thoa", "Tươi", "Thủy", "Nga", "Lan",
         "Hoa", "Liên", "Dung", "Phượng", "Hằng", "Nhung", "Xuyến", "Ưng", "Định")
NOTES = ("", "", "", "", "", "", "Hộ nghèo", "Hộ cận nghèo", "Mới chuyển đến", "Hộ mới tách")
HEADERS = ("STT", "Họ và tên", "Năm sinh", "Số CCCD", "Số nhân khẩu", "Khu dân cư / Thôn, bản",
           "Xã", "Ghi chú")
WIDTHS = (6, 26, 10, 16, 10, 22, 18, 18)


def households(seed: int = 2022) -> list[tuple]:
    """The 240 data rows, in the column order of HEADERS."""
    rng = random.Random(seed)
    places = [(commune, area) for commune, areas in AREAS.items() for area in areas]
    rows = []
    for n in range(1, ROWS + 1):
        commune, area = places[(n - 1) * len(places) // ROWS]
        woman = rng.random() < 0.22
        family = rng.choices(FAMILIES, FAMILY_WEIGHTS)[0]
        given = rng.choice(WOMEN if woman else MEN)
        name = f"{family} {'Thị' if woman else 'Văn'} {given}"
        year = rng.randint(1950, 2000)
        cccd = ""
        if rng.random() < 0.9:
            cccd = f"038{1 if woman else 0}{year % 100:02d}{rng.randint(0, 999_999):06d}"
        members = rng.choice((2, 3, 3, 4, 4, 4, 5, 5, 6, 7))
        note = rng.choice(NOTES)
        if n in MISSING_NAME_AT:
            name, note = "", "Chưa ghi tên chủ hộ"
        year_cell: int | str = year
        if n == BAD_YEAR_AT:
            year_cell = "19x5"
        rows.append((n, name, year_cell, cccd, members, area, commune, note))
    return rows


def households_workbook() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Danh sách hộ"
    bold = Font(name="Times New Roman", bold=True, size=12)
    plain = Font(name="Times New Roman", size=12)
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in households():
        ws.append(row)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.font = plain
        row[3].number_format = "@"          # CCCD as text keeps its leading zero
    for i, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def freeze(data: bytes) -> bytes:
    """The same XLSX with fixed timestamps (zip entries and core properties)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2022-01-01T00:00:00Z", body)
            entry = zipfile.ZipInfo(info.filename, date_time=(2022, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, body)
    return out.getvalue()


def main() -> None:
    targets = {
        HERE / "quan-son-2022" / "households.xlsx": households_workbook(),
        HERE / "danh-sach-mau.xlsx": importers.blank_workbook("commitment"),
    }
    for path, data in targets.items():
        path.write_bytes(freeze(data))
        print(path)


if __name__ == "__main__":
    main()
