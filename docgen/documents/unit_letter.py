"""What a unit's own papers to the competent body share (the Tờ trình and the Báo cáo of
Circular 124 Điều 9 khoản 2 b): the unit's letterhead, the optional number of its own
register, "Kính gửi … (qua …)", the criteria of its kind and their results.

ND30 and a residential area: a khu dân cư is not an agency — it has no seal, no văn thư and
no register of outgoing documents — so its papers carry no "Số: …/TTr-…" (ND30 Điều 15
numbers a body's documents); the header's second row holds only the place and date, as on
the registration form. An agency, firm or school numbers them in its own register: its
symbol («12/TTr-THPT») is typed as it was given, never taken from docgen's register.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .. import domain
from ..metrics import ruler_choice
from ..schema import Column, FieldError, choice, day, integer, text, text_list
from ..vietnamese import nd30_date, percent, upper
from . import common
from .commitment import CIRCULAR_124, bare_name, in_sentence
from .registration import STANDARD, kind_criteria, letterhead

# The kinds that send these papers themselves; a commune's go through its Steering Committee
# as a body's documents (Điều 9 khoản 1 b).
UNIT_KINDS = ("khu_dan_cu", "co_quan", "doanh_nghiep", "co_so_giao_duc")
KIND_OPTIONS = tuple((k.code, k.label) for k in domain.UNIT_KINDS if k.code in UNIT_KINDS)
# The article of Circular 124 holding the criteria of each kind.
ARTICLE = {"khu_dan_cu": 4, "xa": 5, "co_quan": 6, "doanh_nghiep": 6, "co_so_giao_duc": 7}
# What the unit is called in the title: «khu dân cư», «cơ quan», «doanh nghiệp», «cơ sở giáo dục».
NOUN = {"khu_dan_cu": "khu dân cư", "co_quan": "cơ quan", "doanh_nghiep": "doanh nghiệp",
        "co_so_giao_duc": "cơ sở giáo dục"}
_SYMBOL = re.compile(r"\d{1,6}/[A-ZĐ]{1,5}(-[A-ZĐ0-9]{1,15}){1,3}")


@dataclass
class UnitPaper:
    """The fields both papers start with: the unit, where its paper goes, its figures.

    A paper's input lists its bases as `(Signature, OwnFields, UnitPaper)`: its fields then
    run as the forms show them — these, the paper's own, then `Signature`'s."""

    unit: str = text("Tên đơn vị", max_len=200, help="Ví dụ: Bản Na Mèo, Trường THPT Quan Sơn")
    kind: domain.UnitKind = choice("Loại hình", domain.unit_kind, KIND_OPTIONS)
    year: int = integer("Năm", minimum=2000, maximum=2100)
    commune: str = text("Xã, phường, thị trấn", required=False, max_len=100)
    superior: str = text("Cơ quan cấp trên", required=False, max_len=200,
                         help="In phía trên tên đơn vị, ví dụ: UBND xã Na Mèo")
    place: str = text("Địa danh", required=False, max_len=60, help="Để trống là tên xã")
    symbol: str = text("Số, ký hiệu", required=False, max_len=40,
                       help="Theo sổ văn bản của cơ quan, doanh nghiệp, trường, ví dụ "
                            "12/TTr-THPT; khu dân cư để trống (không có sổ, không có dấu)")
    addressees: list[str] = text_list("Kính gửi", max_len=300, max_items=5,
                                      help="Cơ quan xét công nhận (Thông tư 124, Điều 10); "
                                           "khu dân cư để trống là Ủy ban nhân dân xã")
    through: str = text("Qua", required=False, max_len=300,
                        help="Thường trực Ban Chỉ đạo thẩm định hồ sơ (Điều 9 khoản 1)")
    date: dt.date | None = day("Ngày", required=False,
                               help="Để trống để in «ngày … tháng … năm» cho người ký tự ghi")
    plan_reference: str = text("Kế hoạch thực hiện", required=False, max_len=300)
    households: int | None = integer("Số hộ gia đình đang cư trú", minimum=1,
                                     maximum=100_000, required=False)
    signed: int | None = integer("Số hộ đã ký đăng ký tham gia", minimum=0, maximum=100_000,
                                 required=False)
    people: int | None = integer("Số cán bộ, người lao động, người học", minimum=1,
                                 maximum=1_000_000, required=False)

    def __post_init__(self) -> None:
        check(self)


@dataclass
class Signature:
    """The fields both papers end with: who signs, and where the copies go."""

    head_title: str = text("Chức danh người ký", required=False, max_len=100,
                           help="Để trống: Trưởng bản, Trưởng thôn… theo tên khu dân cư; Hiệu "
                                "trưởng, Giám đốc, Thủ trưởng cơ quan theo loại hình")
    head_name: str = text("Họ và tên người ký", required=False, max_len=100,
                          help="Để trống để người ký tự ghi")
    copies: list[str] = common.recipients_field(["Như trên"])
    archive: str = common.archive_field("")


# Who signs for a residential area, by the word its name starts with.
_AREA_HEADS = (("khu phố", "Trưởng khu phố"), ("tổ dân phố", "Tổ trưởng tổ dân phố"),
               ("thôn", "Trưởng thôn"), ("bản", "Trưởng bản"), ("làng", "Trưởng làng"),
               ("ấp", "Trưởng ấp"), ("buôn", "Trưởng buôn"), ("xóm", "Trưởng xóm"),
               ("khu", "Trưởng khu"), ("tổ", "Tổ trưởng"))
HEADS = {"khu_dan_cu": "Trưởng khu dân cư", "co_quan": "Thủ trưởng cơ quan",
         "doanh_nghiep": "Giám đốc", "co_so_giao_duc": "Hiệu trưởng"}


def head_title(data) -> str:
    """Who signs: as given, else the head of the area its name says («Bản Na Mèo»:
    Trưởng bản), or of the kind."""
    if data.head_title:
        return data.head_title
    if data.kind.code == "khu_dan_cu":
        low = data.unit.lower()
        for word, title in _AREA_HEADS:
            if low.startswith(word + " "):
                return title
    return HEADS[data.kind.code]


def check(data) -> None:
    """The rules both papers share; ValueError naming the field otherwise."""
    if data.kind.code not in UNIT_KINDS:
        raise ValueError(f"«{data.unit}» là {data.kind.label.lower()}: tờ trình và báo cáo của xã "
                         "do Ban Chỉ đạo cấp xã lập như văn bản của cơ quan; ở đây chỉ lập cho "
                         "khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục")
    if not data.place and not data.commune:
        raise ValueError("Cần ghi địa danh ở dòng ngày tháng hoặc tên xã của đơn vị")
    if data.symbol:
        if data.kind.code == "khu_dan_cu":
            raise FieldError("symbol", "Khu dân cư không có con dấu và sổ văn bản đi: "
                                    "để trống «Số, ký hiệu»")
        if not _SYMBOL.fullmatch(data.symbol):
            raise FieldError("symbol", f"Số, ký hiệu «{data.symbol}» không đúng dạng "
                                    "Nghị định 30, ví dụ: 12/TTr-THPT")
    if not data.addressees and not (data.kind.code == "khu_dan_cu" and data.commune):
        raise ValueError("Cần ghi cơ quan xét công nhận («Kính gửi», Thông tư 124, Điều 10)")
    if data.date and data.date.year not in (data.year, data.year + 1):
        raise ValueError(f"Ngày {data.date:%d/%m/%Y} không thuộc năm {data.year} hoặc năm sau")
    if data.signed is not None and data.households and data.signed > data.households:
        raise FieldError("signed", f"Số hộ đã ký ({data.signed}) nhiều hơn số hộ gia đình "
                                   f"({data.households})")


def addressees(data) -> list[str]:
    """Kính gửi: as given, else (a residential area) its commune's People's Committee."""
    return data.addressees or [f"Ủy ban nhân dân {in_sentence(data.commune)}"]


def prose(data) -> str:
    """The unit as its paper names it: a residential area with its commune."""
    if data.kind.code == "khu_dan_cu" and data.commune:
        return f"{data.unit}, {in_sentence(data.commune)}"
    return data.unit


def located(data) -> str:
    """", đóng trên địa bàn thị trấn Sơn Lư," for an agency, firm or school whose commune is
    given (an area's prose names it already), else ""."""
    if data.kind.code == "khu_dan_cu" or not data.commune:
        return ""
    return f", đóng trên địa bàn {in_sentence(data.commune)},"


def to_whom(data) -> str:
    """"Ủy ban nhân dân xã Na Mèo (qua Thường trực Ban Chỉ đạo 138 xã Na Mèo)" in a sentence."""
    names = ", ".join(a.strip().rstrip(".;,") for a in addressees(data))
    return f"{names} (qua {data.through})" if data.through else names


def header(data) -> dict:
    """The unit's letterhead (its superior above), its own symbol if any, place and date."""
    name = upper(letterhead(data))
    symbol = data.symbol
    return {
        "issuer": {"superior": upper(data.superior), "name": name, "ruler": ruler_choice(name)},
        "number_line": f"Số: {symbol}" if symbol else "",
        "place_date": nd30_date(data.date, data.place or bare_name(data.commune),
                                year=None if data.date else data.year),
    }


def addressee_lines(data) -> dict:
    """ND30 ô 9a; the standing office the papers go through is named after the body."""
    names = addressees(data)
    if data.through:
        names = [*names[:-1], f"{names[-1].rstrip('.;,')} (qua {data.through})"]
    return common.addressee_context(names)


def bases(data) -> list[str]:
    out = [f"Căn cứ {CIRCULAR_124}"]
    if data.plan_reference:
        out.append(f"Căn cứ {data.plan_reference.removeprefix('Căn cứ ').strip()}")
    return common.sentence_list(out)


def criteria(data) -> list[str]:
    """The Circular's criteria of the unit's kind, worded as the registration prints them."""
    return common.sentence_list(kind_criteria(data.kind.code, data.unit,
                                              households=data.households, people=data.people))


def article(data) -> str:
    return f"Điều {ARTICLE[data.kind.code]} Thông tư số 124/2021/TT-BCA"


def archive(data) -> str:
    """A residential area keeps its copy itself; an agency, firm or school in its văn thư."""
    given = data.archive.strip()
    if given and given.rstrip(" .;:").lower() != "lưu":
        return given
    return data.unit if data.kind.code == "khu_dan_cu" else "VT"


def household_line(data) -> str:
    """"Số hộ gia đình đăng ký tham gia: 125/125 hộ (100%)" from the recorded share; "" when
    the area's share is not recorded."""
    if data.kind.code != "khu_dan_cu" or data.signed is None:
        return ""
    total = data.households or data.signed
    share = percent(data.signed, total, 0) if total else ""
    return (f"Số hộ gia đình đăng ký tham gia xây dựng khu dân cư {STANDARD}: "
            f"{data.signed}/{total} hộ ({share}).")


def common_context(data) -> dict:
    ctx = header(data)
    ctx.update(addressee_lines(data))
    ctx["signer"] = {"lines": [upper(head_title(data))], "name": data.head_name}
    ctx.update(common.recipient_lines(data.copies, archive(data)))
    ctx.update({"bases": bases(data), "year": data.year, "noun": NOUN[data.kind.code],
                "household_line": household_line(data)})
    return ctx


def columns(*extra: Column) -> tuple[Column, ...]:
    """The list of units whose papers are printed in bulk (`docgen batch unit_proposal …`)."""
    return (
        Column("unit", "Tên đơn vị", ("Đơn vị", "Tên khu dân cư", "Tên cơ quan, đơn vị"),
               required=True, personal=True, width=34, example="Bản Na Mèo"),
        Column("kind", "Loại hình", ("Loại", "Loại đơn vị"), personal=True, width=16,
               example="Khu dân cư",
               help="Khu dân cư, Cơ quan, Doanh nghiệp hoặc Cơ sở giáo dục"),
        Column("commune", "Xã", ("Xã, thị trấn", "Xã, phường, thị trấn"), width=16,
               example="Xã Na Mèo"),
        Column("superior", "Cơ quan cấp trên", ("Cấp trên",), width=24,
               example="UBND xã Na Mèo"),
        Column("addressees", "Kính gửi", ("Cơ quan công nhận",), kind="list", width=30,
               example="Ủy ban nhân dân xã Na Mèo"),
        Column("through", "Qua", ("Gửi qua",), width=30,
               example="Thường trực Ban Chỉ đạo 138 xã Na Mèo"),
        Column("head_name", "Người ký", ("Họ và tên người ký", "Người đứng đầu"),
               personal=True, width=24, example="Vi Văn Hoàn"),
        Column("head_title", "Chức vụ", ("Chức vụ người ký", "Chức danh"), personal=True,
               width=18, example="Trưởng bản"),
        Column("households", "Số hộ", ("Số hộ gia đình",), kind="integer", personal=True,
               width=10, example="126"),
        Column("signed", "Số hộ đã ký", ("Số hộ đăng ký",), kind="integer", personal=True,
               width=10, example="126"),
        Column("people", "Số người", ("Số cán bộ", "Quân số"), kind="integer", personal=True,
               width=10),
        Column("place", "Địa danh", ("Nơi ký",), width=14, example="Na Mèo"),
        *extra,
    )
