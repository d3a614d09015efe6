"""The certificate «Giấy công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự”» (Circular
124 Điều 10): one per recognised unit, printed in bulk from an issued recognition decision
(kind "safe_decision"), whose number and date it carries. ND30 does not govern it: it is
A4 landscape inside a printed frame, with a blank area for the national emblem when the
paper comes pre-printed (`docgen.nd30` checks it with the certificate's own rules).

Its number is a series under the decision, not a number of the outgoing register: the
decision's number and the unit's STT in the decision's list («Số vào sổ: 312.05»)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import domain
from ..schema import Column, boolean, choice, day, integer, record, text
from ..vietnamese import doc_symbol, nd30_date, upper
from . import common
from .commitment import in_sentence
from .decision import _authority
from .kinds import Kind

KIND_OPTIONS = tuple((k.code, k.label) for k in domain.UNIT_KINDS)
STANDARD = "“An toàn về an ninh, trật tự”"


@dataclass
class Issuer:
    """The body that recognised the unit (its decision's issuer): the certificate prints no
    agency header, so only what it does print."""

    name: str = text("Tên cơ quan ban hành", max_len=200,
                     help="Viết thường như trong câu, ví dụ: Ủy ban nhân dân huyện Quan Sơn")
    abbreviation: str = text("Chữ viết tắt trong ký hiệu quyết định", max_len=30,
                             help="Ví dụ: UBND")
    place: str = text("Địa danh", max_len=60, help="Ví dụ: Quan Sơn")

    def __post_init__(self) -> None:
        common.Issuer.__post_init__(self)


@dataclass
class CertificateInput:
    """One certificate: the unit, the decision that recognised it, who signs."""

    issuer: Issuer = record("Cơ quan ban hành quyết định")
    signer: common.Signer = record("Người ký")
    year: int = integer("Năm công nhận", minimum=2000, maximum=2100)
    unit: str = text("Tên đơn vị", max_len=300, help="Ví dụ: Xã Trung Thượng")
    kind: domain.UnitKind = choice("Loại hình", domain.unit_kind, KIND_OPTIONS)
    decision_number: int = integer("Số quyết định công nhận", minimum=1, maximum=999_999,
                                   help="Số của quyết định công nhận đã ký, ví dụ: 312")
    decision_date: dt.date = day("Ngày quyết định công nhận")
    serial: int = integer("Số thứ tự trong danh sách", minimum=1, maximum=20_000,
                          help="STT của đơn vị trong danh sách kèm theo quyết định")
    commune: str = text("Xã, thị trấn", required=False, max_len=100,
                        help="Địa bàn của khu dân cư, cơ quan, doanh nghiệp, trường học")
    date: dt.date | None = day("Ngày ký Giấy công nhận", required=False,
                               help="Để trống: ngày của quyết định công nhận")
    authority: str = text("Thẩm quyền", required=False, max_len=200,
                          help="Mặc định: Chủ tịch + tên cơ quan ban hành")
    emblem_space: bool = boolean("Chừa chỗ Quốc huy (giấy in sẵn)",
                                 help="Để trống phần trên cùng cho Quốc huy in sẵn trên phôi")

    def __post_init__(self) -> None:
        if self.decision_date.year not in (self.year, self.year + 1):
            raise ValueError(f"Ngày quyết định {self.decision_date:%d/%m/%Y} không thuộc năm "
                             f"công nhận {self.year} hoặc năm sau đó")
        if self.date and self.date < self.decision_date:
            raise ValueError(f"Ngày ký Giấy công nhận {self.date:%d/%m/%Y} trước ngày quyết "
                             f"định công nhận {self.decision_date:%d/%m/%Y}")


def serial_number(data: CertificateInput) -> str:
    """«312.05»: the decision's number, then the unit's STT in its list (two digits or more)."""
    return f"{data.decision_number:02d}.{data.serial:02d}"


def decision_line(data: CertificateInput) -> str:
    """«Quyết định số 312/QĐ-UBND ngày 18 tháng 11 năm 2022»."""
    symbol = doc_symbol(data.decision_number, "QĐ", data.issuer.abbreviation)
    return f"Quyết định số {symbol} {nd30_date(data.decision_date)}"


def place_line(data: CertificateInput) -> str:
    """Where the unit is, under its name: «(thị trấn Sơn Lư)»; "" when not given (a
    commune's own name says it)."""
    return f"({in_sentence(data.commune)})" if data.commune else ""


def summary(data: CertificateInput) -> str:
    return f"Giấy công nhận {data.unit} đạt tiêu chuẩn {STANDARD} năm {data.year}"


def context(data: CertificateInput) -> dict:
    ctx = common.signature_context(data.signer)
    ctx.update({
        "emblem_space": data.emblem_space,
        "authority": upper(_authority(data)),
        "unit": upper(data.unit),
        "place_line": place_line(data),
        "standard_line": f"Đạt tiêu chuẩn {STANDARD} năm {data.year}",
        "place_date": nd30_date(data.date or data.decision_date, data.issuer.place),
        "decision_line": decision_line(data),
        "serial_line": f"Số vào sổ: {serial_number(data)}",
        "year": data.year,
    })
    return common.keep_symbols_in(ctx)


# The columns of a list of units whose certificates are printed in bulk (docgen batch); the
# decision, the issuer and the signer come from the shared data (--defaults).
COLUMNS = (
    Column("unit", "Tên đơn vị", ("Đơn vị", "Tên khu dân cư", "Tên cơ quan, đơn vị"),
           required=True, personal=True, width=34, example="Xã Trung Thượng",
           help="Tên đơn vị được công nhận, như trong danh sách kèm theo quyết định"),
    Column("kind", "Loại hình", ("Loại", "Loại đơn vị"), personal=True, width=16,
           example="Xã, thị trấn",
           help="Khu dân cư, Xã, Cơ quan, Doanh nghiệp hoặc Cơ sở giáo dục"),
    Column("serial", "Số thứ tự trong quyết định", ("STT trong quyết định", "Số vào sổ"),
           kind="integer", required=True, personal=True, width=12, example="2",
           help="STT của đơn vị trong danh sách kèm theo quyết định"),
    Column("commune", "Xã", ("Xã, thị trấn", "Địa bàn"), personal=True, width=18,
           example="", help="Địa bàn của khu dân cư, cơ quan, trường học"),
)


KIND = Kind(
    name="certificate",
    label="Giấy công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự”",
    abbreviation=None,
    template="certificate.docx",
    input=CertificateInput,
    context=context,
    summary=summary,
    description="Giấy công nhận của từng đơn vị (Thông tư 124, Điều 10), khổ A4 ngang có "
                "khung viền, in hàng loạt từ quyết định công nhận đã cấp số (số và ngày quyết "
                "định in trên mỗi giấy).",
)
