"""A unit's registration to strive for the “An toàn về an ninh, trật tự” standard
(Bản đăng ký, Circular 124 Điều 9): the criteria of its kind (Điều 4–7), signed by its head
and sent to the body that recognises it (Điều 10).

Layout: a real khu dân cư, commune, agency, firm or school prints this on its own
letterhead, so the ND30 header names the unit as the issuing body (its superior above
it); but the form is not numbered (ND30 Phụ lục III has no abbreviation for it), so the
header's second row carries only the place and date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import domain
from ..schema import Column, choice, day, integer, record, text, text_list
from ..vietnamese import nd30_date, upper
from ..metrics import ruler_choice
from . import common
from .commitment import CIRCULAR_124, bare_name, in_sentence
from .kinds import Kind

KIND_OPTIONS = tuple((k.code, k.label) for k in domain.UNIT_KINDS)
STANDARD = "“An toàn về an ninh, trật tự”"

_NOT_HAPPEN_6 = (
    "Không để xảy ra: tuyên truyền, phát triển tín ngưỡng, tôn giáo trái pháp luật; hoạt động "
    "lợi dụng tín ngưỡng, tôn giáo, dân tộc, tranh chấp, khiếu kiện gây phức tạp về an ninh, "
    "trật tự; kích động, lôi kéo người khác tập trung đông người khiếu nại, gây rối an ninh, "
    "trật tự công cộng")
_GOOD_FORCE = ("đạt danh hiệu “Tập thể lao động tiên tiến” hoặc được đánh giá “Hoàn thành tốt "
               "nhiệm vụ” trở lên, không có cá nhân bị kỷ luật từ hình thức cảnh cáo trở lên")

# Circular 124's criteria per unit kind (Điều 4, 5, 6, 7), as the unit promises them.
# "{households}" is replaced by " (125 hộ)" when the number of households is given.
CRITERIA: dict[str, tuple[str, ...]] = {
    "khu_dan_cu": (
        "Quý I, chi bộ có nghị quyết, khu dân cư có đăng ký phấn đấu đạt tiêu chuẩn " + STANDARD
        + "; 100% hộ gia đình đang cư trú trên địa bàn{households} đăng ký tham gia xây dựng "
        "khu dân cư " + STANDARD,
        "Triển khai, thực hiện đầy đủ các chủ trương, đường lối của Đảng, chính sách, pháp luật "
        "của Nhà nước, các quy định của địa phương về công tác bảo đảm an ninh, trật tự",
        "Không để xảy ra hoạt động chống Đảng, chống chính quyền, phá hoại khối đại đoàn kết "
        "toàn dân tộc; phá hoại các mục tiêu, công trình trọng điểm; tuyên truyền, phát triển tín "
        "ngưỡng, tôn giáo trái pháp luật; lợi dụng tín ngưỡng, tôn giáo, dân tộc, tranh chấp, "
        "khiếu kiện gây phức tạp về an ninh, trật tự; ly khai, đòi tự trị; mâu thuẫn, tranh chấp "
        "phức tạp, kéo dài trong nội bộ Nhân dân; kích động, lôi kéo người khác tập trung đông "
        "người khiếu nại, gây rối an ninh, trật tự công cộng",
        "Tham gia, phối hợp thực hiện có hiệu quả công tác phòng ngừa tội phạm, tệ nạn xã hội và "
        "vi phạm pháp luật khác: kiềm chế, kéo giảm tội phạm, tệ nạn xã hội so với năm trước; "
        "không để xảy ra tội phạm nghiêm trọng trở lên; không phát sinh tụ điểm phức tạp về "
        "trật tự xã hội, người mắc tệ nạn xã hội; không để xảy ra cháy, nổ nghiêm trọng, tai nạn "
        "lao động chết người, sự cố nghiêm trọng",
        "Lực lượng tham gia bảo đảm an ninh, trật tự ở cơ sở được đánh giá hoàn thành nhiệm vụ "
        "trở lên và không có cá nhân vi phạm bị xử lý kỷ luật",
    ),
    "xa": (
        "Quý I, Đảng ủy có nghị quyết, Ủy ban nhân dân có kế hoạch về bảo đảm an ninh, trật tự "
        "và đăng ký phấn đấu đạt tiêu chuẩn " + STANDARD + "; xây dựng, củng cố hoặc duy trì ít "
        "nhất 01 mô hình phong trào toàn dân bảo vệ an ninh Tổ quốc ở cơ sở hoạt động hiệu quả",
        "Đạt các tiêu chí quy định tại khoản 2, khoản 3 và khoản 4 Điều 4 Thông tư số "
        "124/2021/TT-BCA",
        "Công an {level} chủ động nắm chắc tình hình, kịp thời tham mưu cấp ủy, chính quyền các "
        "chủ trương, biện pháp bảo đảm an ninh, trật tự và xây dựng phong trào toàn dân bảo vệ an "
        "ninh Tổ quốc; không có cá nhân vi phạm bị xử lý kỷ luật",
        "100% khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục thuộc thẩm quyền quản lý trên "
        "địa bàn đăng ký, trong đó từ 70% trở lên được công nhận đạt tiêu chuẩn " + STANDARD,
    ),
    "co_quan": (
        "Quý I, tổ chức Đảng có nghị quyết về công tác bảo đảm an ninh, trật tự; {noun} có kế "
        "hoạch về bảo đảm an ninh, trật tự; có nội quy, quy định bảo vệ {noun}, bảo vệ bí mật "
        "Nhà nước, bảo vệ chính trị nội bộ, an toàn lao động, phòng, chống cháy nổ, bảo vệ môi "
        "trường; 100% cán bộ, công chức, viên chức, người lao động{people} được phổ biến, quán "
        "triệt; có ít nhất 01 mô hình phong trào toàn dân bảo vệ an ninh Tổ quốc hoạt động hiệu "
        "quả",
        "Triển khai, thực hiện đầy đủ các chủ trương, đường lối của Đảng, chính sách, pháp luật "
        "của Nhà nước, quy chế, chương trình, kế hoạch phối hợp với lực lượng Công an và các quy "
        "định của địa phương về công tác bảo đảm an ninh, trật tự",
        _NOT_HAPPEN_6 + "; đình công, lãn công trái pháp luật; tội phạm nghiêm trọng trở lên; vi "
        "phạm quy định về bảo vệ bí mật Nhà nước; cháy, nổ nghiêm trọng, tai nạn lao động chết "
        "người, sự cố nghiêm trọng, vi phạm môi trường, an toàn vệ sinh thực phẩm gây hậu quả "
        "nghiêm trọng; cán bộ, người lao động bị xử phạt vi phạm hành chính về an ninh, trật tự "
        "hoặc mắc tệ nạn xã hội bị kỷ luật từ hình thức cảnh cáo trở lên",
        "Lực lượng bảo vệ {noun} " + _GOOD_FORCE,
        "Từ 70% trở lên số đầu mối trực thuộc (phòng, ban, tổ, đội) " + _GOOD_FORCE,
    ),
    "co_so_giao_duc": (
        "Quý I, tổ chức Đảng có nghị quyết về công tác bảo đảm an ninh, trật tự; nhà trường có "
        "kế hoạch về bảo đảm an ninh, trật tự; có nội quy, quy định bảo vệ cơ sở giáo dục, bảo "
        "vệ chính trị nội bộ, quản lý giáo dục người học, phòng, chống cháy nổ; 100% cán bộ, "
        "giáo viên, nhân viên, người học{people} được phổ biến, quán triệt; có ít nhất 01 mô "
        "hình phong trào toàn dân bảo vệ an ninh Tổ quốc hoạt động hiệu quả",
        "Triển khai, thực hiện đầy đủ các chủ trương, đường lối của Đảng, chính sách, pháp luật "
        "của Nhà nước, kế hoạch phối hợp với lực lượng Công an, các quy định của địa phương về "
        "bảo đảm an ninh, trật tự; phối hợp với Ban Đại diện cha mẹ học sinh trong quản lý học "
        "sinh",
        _NOT_HAPPEN_6 + "; tội phạm nghiêm trọng trở lên; vi phạm quy định về bảo vệ bí mật Nhà "
        "nước; cháy, nổ nghiêm trọng, tai nạn lao động chết người, sự cố nghiêm trọng",
        "Không để xảy ra bạo lực học đường; cán bộ, giáo viên, nhân viên, người học phạm tội "
        "hoặc mắc tệ nạn xã hội bị xử lý kỷ luật từ hình thức cảnh cáo trở lên",
        "Lực lượng bảo vệ cơ sở giáo dục (nếu có) " + _GOOD_FORCE,
        "Từ 70% trở lên số đầu mối trực thuộc (khoa, phòng, ban, tổ chuyên môn) " + _GOOD_FORCE,
    ),
}
CRITERIA["doanh_nghiep"] = CRITERIA["co_quan"]
NOUNS = {"co_quan": "cơ quan", "doanh_nghiep": "doanh nghiệp"}
COMMUNE_LEVELS = ("xã", "phường", "thị trấn", "đặc khu")

@dataclass
class RegistrationInput:
    """One unit's registration: the unit, its kind, where it is sent, and who signs."""

    unit: str = text("Tên đơn vị", max_len=200, help="Ví dụ: Bản Na Mèo, Trường THPT Quan Sơn")
    kind: domain.UnitKind = choice("Loại hình", domain.unit_kind, KIND_OPTIONS)
    year: int = integer("Năm đăng ký", minimum=2000, maximum=2100)
    signer: common.Signer = record("Người ký")
    place: str = text("Địa danh", required=False, max_len=60,
                      help="Ví dụ: Na Mèo; để trống là tên xã")
    superior: str = text("Cơ quan cấp trên", required=False, max_len=200,
                         help="In phía trên tên đơn vị, ví dụ: Ủy ban nhân dân xã Na Mèo")
    commune: str = text("Xã, phường, thị trấn", required=False, max_len=100,
                        help="Nơi có khu dân cư; ghi kèm tên khu dân cư trong bản đăng ký")
    recipients: list[str] = text_list("Kính gửi", max_len=300, max_items=5,
                                      help="Cơ quan xét công nhận (Thông tư 124, Điều 10); với "
                                           "khu dân cư, để trống là Ủy ban nhân dân xã")
    date: dt.date | None = day("Ngày đăng ký", required=False,
                               help="Để trống để in «ngày … tháng … năm» cho người ký tự ghi")
    plan_reference: str = text("Kế hoạch thực hiện", required=False, max_len=300,
                               help="Ví dụ: Kế hoạch số 45/KH-BCĐ ngày 09 tháng 5 năm 2022 của "
                                    "Ban Chỉ đạo 138 huyện Quan Sơn")
    households: int | None = integer("Số hộ gia đình", minimum=1, maximum=100_000,
                                     required=False)
    people: int | None = integer("Số cán bộ, người lao động, người học", minimum=1,
                                 maximum=1_000_000, required=False)
    criteria: list[str] = text_list("Tiêu chí đăng ký", max_len=2000, max_items=30,
                                    help="Mỗi dòng một tiêu chí; để trống dùng tiêu chí của "
                                         "Thông tư 124 theo loại hình")
    closing: str = text("Câu kết", required=False, max_len=1000)
    copies: list[str] = common.recipients_field(["Như trên"])
    archive: str = common.archive_field("")

    def __post_init__(self) -> None:
        if not self.place and not self.commune:
            raise ValueError("Cần ghi địa danh ở dòng ngày tháng hoặc tên xã của đơn vị")
        if not self.recipients and not (self.kind.code == "khu_dan_cu" and self.commune):
            raise ValueError("Cần ghi nơi nhận bản đăng ký (Kính gửi): cơ quan xét công nhận "
                             "đơn vị theo Thông tư 124, Điều 10")
        if self.date and self.date.year not in (self.year - 1, self.year):
            raise ValueError(f"Ngày đăng ký {self.date:%d/%m/%Y} không thuộc năm {self.year} "
                             "hoặc năm trước đó")


def unit_in_prose(data: RegistrationInput) -> str:
    """The unit as the body names it: a khu dân cư with its commune."""
    if data.kind.code == "khu_dan_cu" and data.commune:
        return f"{data.unit}, {in_sentence(data.commune)}"
    return data.unit


def _kind_word(name: str) -> str:
    """The kind word `name` starts with, lower case: "Thị trấn Sơn Lư" → "thị trấn"."""
    return name[:len(name) - len(bare_name(name))].strip().lower()


def commune_level(name: str) -> str:
    """The level word of a commune-level name ("xã", "phường", "thị trấn", "đặc khu"),
    "xã" when it names none: a town's police is «Công an thị trấn»."""
    word = _kind_word(name)
    return word if word in COMMUNE_LEVELS else "xã"


def letterhead(data: RegistrationInput) -> str:
    """The issuing body in the header: a commune, ward or town registers through its
    People's Committee («ỦY BAN NHÂN DÂN THỊ TRẤN SƠN LƯ»); other units under their name."""
    if data.kind.code == "xa" and _kind_word(data.unit) in COMMUNE_LEVELS:
        return f"Ủy ban nhân dân {in_sentence(data.unit)}"
    return data.unit


def archive(data: RegistrationInput) -> str:
    """Where the unit files its copy: as given, else a residential area keeps it itself
    («Lưu: Bản Na Mèo.») and an agency, firm, school or commune in its văn thư («VT»)."""
    given = data.archive.strip()
    if given and given.rstrip(" .;:").lower() != "lưu":
        return given
    return data.unit if data.kind.code == "khu_dan_cu" else "VT"


def recipients(data: RegistrationInput) -> list[str]:
    return data.recipients or [f"Ủy ban nhân dân {in_sentence(data.commune)}"]


def criteria(data: RegistrationInput) -> list[str]:
    """The criteria given, or the Circular's for the unit's kind, with its figures filled in."""
    if data.criteria:
        return common.sentence_list(data.criteria)
    return common.sentence_list(kind_criteria(data.kind.code, data.unit,
                                              households=data.households, people=data.people))


def kind_criteria(kind: str, unit: str, *, households: int | None = None,
                  people: int | None = None) -> list[str]:
    """Circular 124's criteria for unit kind `kind` (a code), worded for `unit` with its
    figures (None: not printed); the registration and the minutes print the same ones."""
    return [c.format(households=f" ({households} hộ)" if households else "",
                     people=f" ({people} người)" if people else "",
                     noun=NOUNS.get(kind, ""), level=commune_level(unit))
            for c in CRITERIA[kind]]


def _to_line(names: list[str]) -> list[str]:
    """Kính gửi: one recipient on the line; several as "- …;" lines under each other."""
    if len(names) == 1:
        return [f"Kính gửi:\t{names[0]}"]
    return [f"Kính gửi:\t- {n.rstrip(';.')}{';' if i < len(names) - 1 else '.'}"
            if i == 0 else f"\t- {n.rstrip(';.')}{';' if i < len(names) - 1 else '.'}"
            for i, n in enumerate(names)]


def summary(data: RegistrationInput) -> str:
    return f"Phấn đấu đạt tiêu chuẩn {STANDARD} năm {data.year}"


def context(data: RegistrationInput) -> dict:
    prose = unit_in_prose(data)
    to = recipients(data)
    bases = [f"Căn cứ {CIRCULAR_124}"]
    if data.plan_reference:
        bases.append(f"Căn cứ {data.plan_reference.removeprefix('Căn cứ ').strip()}")
    closing = data.closing or (f"{prose} cam kết tổ chức thực hiện nghiêm túc các nội dung đã "
                               f"đăng ký; đề nghị {to[0]} theo dõi, hướng dẫn, kiểm tra và xét "
                               "công nhận theo quy định")
    ctx = {
        "issuer": {"superior": upper(data.superior), "name": upper(letterhead(data)),
                   "ruler": ruler_choice(upper(letterhead(data)))},
        "place_date": nd30_date(data.date, data.place or bare_name(data.commune),
                                year=None if data.date else data.year),
        "summary": summary(data),
        "to_lines": _to_line(to),
        "bases": common.sentence_list(bases),
        "lead": (f"{prose} đăng ký phấn đấu đạt tiêu chuẩn {STANDARD} năm {data.year} với các "
                 "tiêu chí sau:"),
        "criteria": [f"{i}. {line}" for i, line in enumerate(criteria(data), 1)],
        "closing": closing.rstrip(" ./") + "./.",
        "year": data.year,
    }
    ctx.update(common.signature_context(data.signer))
    ctx.update(common.recipient_lines(data.copies, archive(data)))
    return common.keep_symbols_in(ctx)


# The columns of the list of units whose registrations are printed in bulk (docgen batch).
COLUMNS = (
    Column("unit", "Tên đơn vị", ("Đơn vị", "Tên khu dân cư", "Tên cơ quan, đơn vị",
                                  "Khu dân cư, cơ quan, đơn vị"),
           required=True, personal=True, width=34, example="Bản Na Mèo",
           help="Tên khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục"),
    Column("kind", "Loại hình", ("Loại", "Loại đơn vị", "Loại hình đơn vị"), width=16,
           example="Khu dân cư", help="Khu dân cư, Xã, Cơ quan, Doanh nghiệp hoặc Cơ sở giáo dục"),
    Column("commune", "Xã", ("Xã, thị trấn", "Xã, phường, thị trấn", "Phường", "Thị trấn"),
           width=16, example="Xã Na Mèo", help="Xã nơi có khu dân cư (ghi cả chữ «Xã»)"),
    Column("superior", "Cơ quan cấp trên", ("Cơ quan chủ quản", "Cấp trên"), width=24,
           example="UBND xã Na Mèo", help="In phía trên tên đơn vị ở đầu văn bản"),
    Column("recipients", "Kính gửi", ("Nơi gửi", "Cơ quan công nhận"), kind="list", width=30,
           example="Ủy ban nhân dân huyện Quan Sơn",
           help="Cơ quan xét công nhận; nhiều nơi thì ngăn cách bằng dấu «;». Với khu dân cư "
                "để trống là Ủy ban nhân dân xã"),
    Column("signer.name", "Người ký", ("Họ và tên người ký", "Họ tên người ký",
                                       "Người đứng đầu", "Thủ trưởng đơn vị"),
           personal=True, width=24, example="Vi Văn Hoàn", help="Họ và tên người đứng đầu ký"),
    Column("signer.position", "Chức vụ", ("Chức vụ người ký", "Chức danh"), personal=True,
           width=18, example="Trưởng bản", help="Ví dụ: Trưởng bản, Hiệu trưởng, Giám đốc"),
    Column("households", "Số hộ", ("Số hộ gia đình",), kind="integer", personal=True,
           width=10, example="126", help="Với khu dân cư: số hộ gia đình đang cư trú"),
    Column("people", "Số người", ("Số cán bộ", "Số người lao động", "Quân số"), kind="integer",
           personal=True, width=10, example="",
           help="Với cơ quan, doanh nghiệp, trường: số cán bộ, người lao động, người học"),
    Column("place", "Địa danh", ("Nơi ký",), width=14, example="Na Mèo",
           help="Địa danh ghi ở dòng ngày tháng"),
)


KIND = Kind(
    name="registration",
    label="Bản đăng ký phấn đấu đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
    abbreviation=None,
    template="registration.docx",
    input=RegistrationInput,
    context=context,
    summary=summary,
    description="Bản đăng ký của khu dân cư, xã, cơ quan, doanh nghiệp, cơ sở giáo dục (Thông tư "
                "124, Điều 9) với các tiêu chí theo loại hình; in cho nhiều đơn vị cùng lúc (mục "
                "«In hàng loạt», lệnh «docgen batch registration»).",
)
