"""The list of households registering to build the residential area “An toàn về an ninh,
trật tự” (Circular 124 Điều 4 khoản 1: 100% of the households living there register), one
per area and year, printed for each head of household to sign beside their name.

Personal data (README «Personal data»): the list prints the head's name and address and a
signature column — never the CCCD or the year of birth, which registering does not need.
Layout: the area's letterhead as on its other papers (no number: a residential area has no
register), "DANH SÁCH" and its title as ND30 Phụ lục III names a list, an A4 table whose
header row repeats on every page, the share that signed once recorded, and the head's
signature.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..metrics import ruler_choice
from ..schema import FieldError, day, integer, items, text
from ..vietnamese import format_number, nd30_date, percent, upper
from . import common
from .commitment import bare_name, in_sentence
from .kinds import Kind
from .registration import STANDARD


@dataclass
class Entry:
    """One household: its head's name and address (what the list prints)."""

    full_name: str = text("Họ và tên chủ hộ", max_len=100)
    address: str = text("Địa chỉ", required=False, max_len=200)


@dataclass
class HouseholdListInput:
    """A residential area's list of one year, with the share that signed once recorded."""

    area: str = text("Tên khu dân cư", max_len=200, help="Ví dụ: Bản Na Mèo")
    commune: str = text("Xã, phường, thị trấn", max_len=100, help="Ví dụ: Xã Na Mèo")
    year: int = integer("Năm", minimum=2000, maximum=2100)
    households: list[Entry] = items("Danh sách hộ", min_items=1, max_items=20_000)
    superior: str = text("Cơ quan cấp trên", required=False, max_len=200,
                         help="In phía trên tên khu dân cư; để trống là UBND xã")
    place: str = text("Địa danh", required=False, max_len=60, help="Để trống là tên xã")
    date: dt.date | None = day("Ngày lập", required=False,
                               help="Để trống để in «ngày … tháng … năm» cho người lập tự ghi")
    total: int | None = integer("Tổng số hộ đang cư trú", minimum=1, maximum=100_000,
                                required=False, help="Để trống là số hộ trong danh sách")
    signed: int | None = integer("Số hộ đã ký", minimum=0, maximum=100_000, required=False,
                                 help="Ghi sau khi thu lại danh sách đã ký; để trống khi chưa")
    head_title: str = text("Chức danh người lập", required=False, max_len=100,
                           default="Trưởng khu dân cư", help="Ví dụ: Trưởng bản")
    head_name: str = text("Họ và tên người lập", required=False, max_len=100,
                          help="Để trống để người lập tự ghi")

    def __post_init__(self) -> None:
        total = self.total or len(self.households)
        if self.total is not None and self.total < len(self.households):
            raise FieldError("total", f"Tổng số hộ đang cư trú ({self.total}) ít hơn số hộ "
                                      f"trong danh sách ({len(self.households)})")
        if self.signed is not None and self.signed > total:
            raise FieldError("signed", f"Số hộ đã ký ({self.signed}) nhiều hơn tổng số hộ "
                                       f"({total})")


def summary(data: HouseholdListInput) -> str:
    return (f"Hộ gia đình đăng ký tham gia xây dựng khu dân cư {STANDARD} năm {data.year}")


def share_line(data: HouseholdListInput) -> str:
    """"Số hộ đã ký: 5/5 hộ, đạt 100%." once recorded; dots to fill by hand before."""
    total = data.total or len(data.households)
    if data.signed is None:
        return f"Số hộ đã ký đăng ký tham gia: ……/{format_number(total)} hộ, đạt ……%./."
    return (f"Số hộ đã ký đăng ký tham gia: {format_number(data.signed)}/"
            f"{format_number(total)} hộ, đạt {percent(data.signed, total, 0)}./.")


def context(data: HouseholdListInput) -> dict:
    superior = data.superior or f"UBND {in_sentence(data.commune)}"
    name = upper(data.area)
    total = data.total or len(data.households)
    listed = len(data.households)
    count = f"Tổng số hộ gia đình đang cư trú: {format_number(total)} hộ"
    if total != listed:
        count += f" (danh sách có {format_number(listed)} hộ)"
    ctx = {
        "issuer": {"superior": upper(superior), "name": name, "ruler": ruler_choice(name)},
        "place_date": nd30_date(data.date, data.place or bare_name(data.commune),
                                year=None if data.date else data.year),
        "summary": summary(data),
        "area_line": f"{data.area}, {in_sentence(data.commune)}",
        "rows": [{"stt": i, "name": h.full_name, "address": h.address}
                 for i, h in enumerate(data.households, 1)],
        "count_line": count + ".",
        "share_line": share_line(data),
        "head": {"title": upper(data.head_title or "Trưởng khu dân cư"),
                 "name": data.head_name},
        "year": data.year,
    }
    return common.keep_symbols_in(ctx)


KIND = Kind(
    name="household_list",
    label="Danh sách hộ gia đình đăng ký tham gia xây dựng khu dân cư “An toàn về ANTT”",
    abbreviation=None,
    template="household_list.docx",
    input=HouseholdListInput,
    context=context,
    summary=summary,
    description="Danh sách theo khu dân cư và năm, có cột ký tên (Thông tư 124, Điều 4 khoản 1); "
                "điền sẵn từ danh sách hộ đã lưu, in cho mọi khu dân cư của một xã cùng lúc.",
)
