"""The commitment form (Bản cam kết) a household or a staff member signs: who commits,
what (Circular 124's criteria for khu dân cư, Điều 4), and two signatures. Not numbered:
a citizen's form is not a document of the agency."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from .. import schema
from ..schema import Column, boolean, day, integer, text, text_list
from ..vietnamese import nd30_date, upper
from . import common
from .kinds import Kind

BLANK = "…" * 12            # a dotted gap the signer fills in by hand
CIRCULAR_124 = ("Thông tư số 124/2021/TT-BCA ngày 28 tháng 12 năm 2021 của Bộ trưởng Bộ Công "
                "an quy định khu dân cư, xã, phường, thị trấn, cơ quan, doanh nghiệp, cơ sở "
                "giáo dục đạt tiêu chuẩn “An toàn về an ninh, trật tự”")

# Circular 124, Điều 4 (khu dân cư), turned into what one household can promise.
DEFAULT_COMMITMENTS = (
    "Chấp hành nghiêm chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước và "
    "các quy định của địa phương về bảo đảm an ninh, trật tự",
    "Không tham gia, không tiếp tay cho hoạt động chống Đảng, chống chính quyền, phá hoại khối "
    "đại đoàn kết toàn dân tộc; không tuyên truyền, theo tín ngưỡng, tôn giáo trái pháp luật; "
    "không tham gia tập trung đông người, khiếu kiện gây rối an ninh, trật tự",
    "Không để xảy ra tội phạm và tệ nạn xã hội ma túy, mại dâm, cờ bạc trong gia đình; giáo "
    "dục con em chấp hành pháp luật",
    "Tích cực tham gia phong trào toàn dân bảo vệ an ninh Tổ quốc; phát hiện, tố giác tội phạm "
    "và hành vi vi phạm pháp luật với cơ quan Công an",
    "Chấp hành các quy định về trật tự, an toàn giao thông và phòng cháy, chữa cháy; không để "
    "xảy ra cháy, nổ trong gia đình",
    "Không tàng trữ, sử dụng, mua bán trái phép vũ khí, vật liệu nổ, công cụ hỗ trợ và pháo",
    "Thực hiện đầy đủ việc đăng ký, khai báo cư trú theo quy định của Luật Cư trú",
    "Đoàn kết, giúp đỡ bà con lối xóm; không để xảy ra mâu thuẫn, tranh chấp phức tạp, kéo dài",
)

# The same for a staff member of an agency, enterprise or school (Điều 6 and 7).
STAFF_COMMITMENTS = (
    "Chấp hành nghiêm chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước, nội "
    "quy, quy chế của cơ quan, đơn vị về bảo đảm an ninh, trật tự",
    "Không tham gia, không tiếp tay cho hoạt động chống Đảng, chống chính quyền; không tuyên "
    "truyền, theo tín ngưỡng, tôn giáo trái pháp luật; không tham gia khiếu kiện đông người, "
    "đình công, lãn công trái pháp luật",
    "Không vi phạm pháp luật, không mắc tệ nạn xã hội ma túy, mại dâm, cờ bạc; giáo dục người "
    "thân trong gia đình chấp hành pháp luật",
    "Tích cực tham gia phong trào toàn dân bảo vệ an ninh Tổ quốc; phát hiện, tố giác tội phạm "
    "và hành vi vi phạm pháp luật với cơ quan Công an",
    "Chấp hành các quy định về bảo vệ bí mật Nhà nước, bảo vệ chính trị nội bộ, an toàn lao "
    "động, phòng cháy, chữa cháy của cơ quan, đơn vị",
    "Chấp hành các quy định về trật tự, an toàn giao thông",
    "Không tàng trữ, sử dụng, mua bán trái phép vũ khí, vật liệu nổ, công cụ hỗ trợ và pháo",
    "Đoàn kết nội bộ, hoàn thành tốt nhiệm vụ được giao",
)

# Words naming a kind of place; inside a sentence they are written in lower case
# ("Bản Na Mèo, xã Na Mèo, huyện Quan Sơn, tỉnh Thanh Hóa").
_PLACE_WORDS = ("tổ dân phố", "khu phố", "tiểu khu", "thị trấn", "thị xã", "thành phố",
                "đặc khu", "phường", "huyện", "quận", "tỉnh", "xã", "bản", "thôn", "làng",
                "xóm", "ấp", "buôn", "khu")
_PLACE_RE = re.compile(r"^(" + "|".join(_PLACE_WORDS) + r")\b", re.IGNORECASE)

# Who confirms a resident's form, by the kind of khu dân cư named first in the area.
_HEADS = (("tổ dân phố", "Tổ trưởng tổ dân phố"), ("khu phố", "Trưởng khu phố"),
          ("tiểu khu", "Trưởng tiểu khu"), ("bản", "Trưởng bản"), ("thôn", "Trưởng thôn"),
          ("làng", "Trưởng làng"), ("xóm", "Trưởng xóm"), ("ấp", "Trưởng ấp"))


def in_sentence(place: str) -> str:
    """A place name as written inside a sentence: "Xã Na Mèo" → "xã Na Mèo"."""
    m = _PLACE_RE.match(place)
    return place[:m.end()].lower() + place[m.end():] if m else place


@dataclass
class CommitmentInput:
    """One commitment form: the person (a household head or a staff member) and the text."""

    full_name: str = text("Họ và tên", max_len=100)
    year: int = schema.year("Năm thực hiện")
    place: str = text("Địa danh nơi ký", required=False, max_len=60,
                      help="Ví dụ: Na Mèo; để trống là tên xã")
    birth_year: int | None = schema.birth_year("Năm sinh")
    id_number: str = schema.cccd("Số CCCD",
                                 help="Số căn cước công dân, đúng 12 chữ số; để trống thì in "
                                      "dòng chấm")
    household: bool = boolean("Cam kết thay mặt hộ gia đình (chủ hộ)", default=True)
    members: int | None = integer("Số nhân khẩu", minimum=1, maximum=100, required=False)
    address: str = text("Địa chỉ", required=False, max_len=200,
                        help="Số nhà, đường, ngõ (nếu có), in trước khu dân cư")
    area: str = text("Khu dân cư (thôn, bản, khu phố)", required=False, max_len=100)
    commune: str = text("Xã, phường, thị trấn", required=False, max_len=100)
    district: str = text("Huyện", required=False, max_len=100,
                         help="Để trống với chính quyền hai cấp (từ 01/7/2025)")
    province: str = text("Tỉnh, thành phố", required=False, max_len=100)
    unit: str = text("Đơn vị công tác", required=False, max_len=200,
                     help="Với cán bộ, công chức, người lao động: ghi đơn vị thay cho khu dân cư")
    position: str = text("Chức vụ", required=False, max_len=100)
    date: dt.date | None = day("Ngày ký", required=False,
                               help="Để trống để in «ngày … tháng … năm» cho người ký tự ghi")
    recipient: str = text("Kính gửi", required=False, max_len=200)
    commitments: list[str] = text_list("Nội dung cam kết", max_len=1000, max_items=30,
                                       help="Mỗi dòng một nội dung; để trống dùng nội dung theo "
                                            "Thông tư 124 (hộ gia đình hoặc cán bộ)")
    closing: str = text("Câu kết", required=False, max_len=500)
    confirmer_title: str = text("Người xác nhận", required=False, max_len=100,
                                help="Ví dụ: Trưởng bản; mặc định theo khu dân cư hoặc đơn vị")
    confirmer_name: str = text("Họ và tên người xác nhận", required=False, max_len=100)

    def __post_init__(self) -> None:
        if not self.place and not self.commune:
            raise ValueError("Cần ghi địa danh nơi ký hoặc tên xã của người cam kết")
        if not self.area and not self.unit:
            raise ValueError("Cần ghi khu dân cư (thôn, bản) hoặc đơn vị công tác của người "
                             "cam kết")
        if self.position and not self.unit:
            raise ValueError("Chức vụ chỉ ghi cho cán bộ, người lao động (cùng «Đơn vị công "
                             "tác»); bản cam kết của hộ gia đình không in chức vụ")
        if self.date and self.date.year not in (self.year - 1, self.year):
            raise ValueError(f"Ngày ký {self.date:%d/%m/%Y} không thuộc năm {self.year} "
                             "hoặc năm trước đó")


def bare_name(place: str) -> str:
    """A place's name without its kind word: "Thị trấn Sơn Lư" → "Sơn Lư" (a date line's place)."""
    m = _PLACE_RE.match(place)
    return place[m.end():].strip() if m else place


def place_name(data: CommitmentInput) -> str:
    """The place in the date line: given, or the commune's name."""
    return data.place or bare_name(data.commune)


def residence(data: CommitmentInput) -> str:
    """"Bản Na Mèo, xã Na Mèo, huyện Quan Sơn, tỉnh Thanh Hóa": the parts given, in order."""
    parts = [p for p in (data.address, data.area, data.commune, data.district, data.province) if p]
    return ", ".join([parts[0], *map(in_sentence, parts[1:])]) if parts else ""


def confirmer_title(data: CommitmentInput) -> str:
    """Who confirms: given, or the head of the unit or of the khu dân cư named in `area`."""
    if data.confirmer_title:
        return data.confirmer_title
    if data.unit:
        return "Thủ trưởng đơn vị"
    area = data.area.lower()
    return next((head for word, head in _HEADS if area.startswith(word)), "Trưởng khu dân cư")


def _details(data: CommitmentInput, staff: bool) -> list[str]:
    if staff:
        lines = [f"Đơn vị công tác: {data.unit}"]
        if data.position:
            lines.append(f"Chức vụ: {data.position}")
        return lines
    return [f"Nơi cư trú: {residence(data)}"]


def summary(data: CommitmentInput) -> str:
    return f"Bản cam kết thực hiện tiêu chuẩn “An toàn về an ninh, trật tự” năm {data.year}"


@functools.lru_cache(maxsize=64)
def _numbered(lines: tuple[str, ...]) -> tuple[str, ...]:
    """The commitments as printed, "1. …;": the same on most forms of a list, made once."""
    return tuple(f"{i}. {line}" for i, line in enumerate(common.sentence_list(list(lines)), 1))


def context(data: CommitmentInput) -> dict:
    staff = bool(data.unit)
    family = data.household and not staff
    who = "tôi và các thành viên trong hộ gia đình" if family else "tôi"
    closing = data.closing or (f"Nếu vi phạm, {who} xin hoàn toàn chịu trách nhiệm trước pháp "
                               "luật và chịu sự xử lý theo quy định")
    items = _numbered(tuple(data.commitments or
                            (STAFF_COMMITMENTS if staff else DEFAULT_COMMITMENTS)))
    return {
        "subtitle": f"Thực hiện tiêu chuẩn “An toàn về an ninh, trật tự” năm {data.year}",
        "recipient": f"Kính gửi: {data.recipient}" if data.recipient else "",
        "name_label": "Họ và tên chủ hộ:" if family else "Họ và tên:",
        "full_name": data.full_name,
        "birth_year": str(data.birth_year) if data.birth_year else BLANK,
        "id_number": data.id_number or BLANK * 2,
        "members": (f"Số nhân khẩu: {data.members or BLANK[:6]}") if family else "",
        "details": _details(data, staff),
        "intro": (f"Sau khi được quán triệt {CIRCULAR_124}, {who} xin cam kết thực hiện tốt "
                  "các nội dung sau:"),
        "commitments": list(items),
        "closing": closing.rstrip(" ./") + "./.",
        "place_date": nd30_date(data.date, place_name(data), year=None if data.date else data.year),
        "confirmer_heading": "XÁC NHẬN CỦA " + upper(confirmer_title(data)),
        "confirmer_name": data.confirmer_name,
        "signer_heading": "NGƯỜI CAM KẾT",
        "year": data.year,
    }


# The columns of the list a commune fills to print the forms in bulk (docgen batch).
COLUMNS = (
    Column("full_name", "Họ và tên", ("Họ tên", "Họ và tên chủ hộ", "Tên chủ hộ", "Chủ hộ",
                                      "Người cam kết", "Họ và tên người cam kết"),
           required=True, personal=True, width=26, example="Lò Văn Thản",
           help="Họ và tên người ký cam kết (chủ hộ, hoặc cán bộ, người lao động)"),
    Column("birth_year", "Năm sinh", ("Năm sinh chủ hộ",), kind="year", personal=True, width=10,
           example="1978", help="Năm sinh, 4 chữ số (từ 1900); để trống thì in dòng chấm"),
    Column("id_number", "Số CCCD", ("CCCD", "Số căn cước", "Số căn cước công dân", "Số định danh",
                                    "Số định danh cá nhân", "CCCD số"),
           kind="cccd", personal=True, width=16, example="038078004512",
           help="Số căn cước công dân, đúng 12 chữ số (nên định dạng ô là Văn bản để giữ số 0 "
                "ở đầu); để trống thì in dòng chấm"),
    Column("members", "Số nhân khẩu", ("Nhân khẩu", "Số khẩu", "Số người trong hộ"),
           kind="integer", personal=True, width=10, example="5",
           help="Số người trong hộ (chỉ với hộ gia đình)"),
    Column("address", "Địa chỉ", ("Số nhà", "Địa chỉ cụ thể"), personal=True, width=20,
           example="", help="Số nhà, đường, ngõ nếu có; in trước khu dân cư"),
    Column("area", "Khu dân cư / Thôn, bản", ("Khu dân cư", "Thôn", "Bản", "Thôn bản",
                                             "Thôn, bản, khu phố", "Khu phố", "Tổ dân phố"),
           width=18, example="Bản Na Mèo",
           help="Thôn, bản, khu phố, tổ dân phố nơi hộ cư trú, ghi cả chữ «Bản», «Thôn»…"),
    Column("commune", "Xã", ("Xã, thị trấn", "Xã, phường, thị trấn", "Phường", "Thị trấn"),
           width=16, example="Xã Na Mèo", help="Ghi cả chữ «Xã», «Thị trấn»…"),
    Column("unit", "Đơn vị", ("Đơn vị công tác", "Cơ quan", "Cơ quan, đơn vị"), width=24,
           example="", help="Với cán bộ, người lao động: đơn vị công tác (thay cho khu dân cư)"),
    Column("position", "Chức vụ", ("Chức danh",), personal=True, width=16, example="",
           help="Chức vụ (với cán bộ, người lao động)"),
)


KIND = Kind(
    name="commitment",
    label="Bản cam kết thực hiện tiêu chuẩn “An toàn về an ninh, trật tự”",
    abbreviation=None,
    template="commitment.docx",
    input=CommitmentInput,
    context=context,
    summary=summary,
    description="Bản cam kết của hộ gia đình hoặc cán bộ, người lao động (Thông tư 124, Điều 4); "
                "in cho mọi hộ của một khu dân cư cùng lúc (mục «In hàng loạt», lệnh «docgen "
                "batch commitment»).",
)
