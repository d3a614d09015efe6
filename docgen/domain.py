"""Domain facts as named records: unit kinds, assessment classes, signing authorities.

Each record maps the value stored in data (a short ASCII code) to its Vietnamese label.
`lookup()` accepts the code or the label, with or without diacritics and in any case,
so a clerk's Excel column "Khu dan cu" or "KHU DÂN CƯ" means the same kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar
from collections.abc import Iterable

from .vietnamese import fold


@dataclass(frozen=True)
class UnitKind:
    code: str
    label: str
    description: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitClass:
    code: str
    label: str
    rank: int
    description: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Authority:
    code: str
    label: str
    description: str


UNIT_KINDS: tuple[UnitKind, ...] = (
    UnitKind("khu_dan_cu", "Khu dân cư",
             "Thôn, bản, khu phố, tổ dân phố (Thông tư 124 Điều 4).",
             ("thon", "ban", "khu pho", "to dan pho")),
    UnitKind("xa", "Xã, thị trấn",
             "Xã, phường, thị trấn, đặc khu (Thông tư 124 Điều 5).",
             ("xa/thi tran", "xa thi tran", "xa, phuong, thi tran", "phuong", "thi tran",
              "xa, thi tran")),
    UnitKind("co_quan", "Cơ quan",
             "Cơ quan, đơn vị nhà nước, tổ chức chính trị - xã hội (Thông tư 124 Điều 6).",
             ("don vi",)),
    UnitKind("doanh_nghiep", "Doanh nghiệp",
             "Doanh nghiệp, hợp tác xã (Thông tư 124 Điều 6).",
             ("cong ty", "hop tac xa")),
    UnitKind("co_so_giao_duc", "Cơ sở giáo dục",
             "Trường học, cơ sở giáo dục (Thông tư 124 Điều 7).",
             ("truong", "truong hoc", "co so giao duc")),
)

UNIT_CLASSES: tuple[UnitClass, ...] = (
    UnitClass("xuat_sac", "Xuất sắc", 1, "Loại cao nhất (Quyết định 510, Điều 5)."),
    UnitClass("kha", "Khá", 2, "Loại khá (Quyết định 510, Điều 5)."),
    UnitClass("trung_binh", "Trung bình", 3, "Loại trung bình (Quyết định 510, Điều 5).",
              ("tb",)),
    UnitClass("yeu", "Yếu", 4, "Loại yếu (Quyết định 510, Điều 5).", ("kem",)),
)

AUTHORITIES: tuple[Authority, ...] = (
    Authority("", "(ký trực tiếp)", "Người đứng đầu ký trực tiếp, không có tiền tố."),
    Authority("TM.", "TM.", "Thay mặt tập thể hoặc cơ quan (TM. ỦY BAN NHÂN DÂN)."),
    Authority("KT.", "KT.", "Ký thay người đứng đầu (KT. CHỦ TỊCH / PHÓ CHỦ TỊCH)."),
    Authority("Q.", "Q.", "Quyền người đứng đầu."),
    Authority("TL.", "TL.", "Thừa lệnh."),
    Authority("TUQ.", "TUQ.", "Thừa ủy quyền."),
)

R = TypeVar("R", UnitKind, UnitClass)


def _index(records: Iterable[R]) -> dict[str, R]:
    index: dict[str, R] = {}
    for record in records:
        keys = {fold(record.code.replace("_", " ")), fold(record.label), *map(fold, record.aliases)}
        for key in keys:
            if key in index and index[key] is not record:
                raise RuntimeError(f"ambiguous domain key {key!r}")
            index[key] = record
    return index


_KIND_INDEX = _index(UNIT_KINDS)
_CLASS_INDEX = _index(UNIT_CLASSES)


def unit_kind(value: str) -> UnitKind | None:
    """The unit kind named by `value` (code or label, any case or diacritics), or None."""
    return _KIND_INDEX.get(fold(str(value).replace("_", " ")))


def unit_class(value: str) -> UnitClass | None:
    """The class named by `value` (code or label, any case or diacritics), or None."""
    return _CLASS_INDEX.get(fold(str(value).replace("_", " ")))


def authority(value: str | None) -> Authority | None:
    """The signing authority for a prefix such as "KT." or "kt"; "" or None is direct signing."""
    text = (value or "").strip().upper()
    if text and not text.endswith("."):
        text += "."
    return next((a for a in AUTHORITIES if a.code == text), None)


KIND_LABELS = ", ".join(k.label for k in UNIT_KINDS)
CLASS_LABELS = ", ".join(c.label for c in UNIT_CLASSES)
AUTHORITY_LABELS = ", ".join(a.code for a in AUTHORITIES if a.code)
