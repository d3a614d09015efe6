"""The register's records — bodies, signers, units, households, outcomes — defined like the document
inputs (schema dataclasses) and validated by the same `schema.parse`, so a rule is stated
once and every error carries the path of its field."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import domain, rules, schema
from .documents import common
from .schema import FieldError, boolean, choice, integer, text
from .vietnamese import fold

LEVEL_MAX = 30
COMMUNE_MAX = 100
NOTE_MAX = 300
UNIT_KIND_OPTIONS = tuple((k.code, k.label) for k in domain.UNIT_KINDS)
MANAGED_BY_OPTIONS = (("", "Mặc định"), *rules.TIERS.items())
CLASS_OPTIONS = tuple((c.code, c.label) for c in domain.UNIT_CLASSES)
# The electronic identification code of an agency as Quyết định 20/2020/QĐ-TTg builds it:
# four groups "A.BB.CC.DDD" (level-1 code of 3 letters/digits, two 2-digit groups, a 3-character
# group), e.g. "000.00.31.H56". Not in the project's references: a reasonable pattern, see
# README («Mã định danh»).
IDENTIFIER_PATTERN = re.compile(r"[0-9A-Z]{3}\.[0-9]{2}\.[0-9]{2}\.[0-9A-Z]{3}")


def check_identifier(value: str) -> str:
    """A body's mã định danh, upper-cased ("000.00.31.h56" gives "000.00.31.H56");
    ValueError unless it has the four groups of IDENTIFIER_PATTERN."""
    code = value.strip().upper()
    if not IDENTIFIER_PATTERN.fullmatch(code):
        raise ValueError(f"Mã định danh «{value}» không đúng dạng: cần bốn nhóm "
                         "XXX.NN.NN.XXX (chữ in hoa hoặc chữ số, nhóm giữa là chữ số), "
                         "ví dụ 000.00.31.H56")
    return code


@dataclass
class Body(common.Issuer):
    """An issuing body: the document issuer's fields and rules, and where it sits."""

    parent_id: int | None = integer("Cơ quan cấp trên", minimum=1, required=False)
    level: str = text("Cấp", required=False, max_len=LEVEL_MAX,
                      help="Ví dụ: tỉnh, huyện, xã")
    commune: str = text("Thuộc xã, phường", required=False, max_len=COMMUNE_MAX,
                        help="Với cơ quan cấp xã")
    proposer: str = text("Người đề nghị trong quyết định", required=False, max_len=200,
                         help="Ví dụ: Trưởng Công an huyện")
    identifier: str = text("Mã định danh", required=False, max_len=30,
                           check=check_identifier,
                           help="Mã định danh điện tử của cơ quan, ví dụ: 000.00.31.H56")


@dataclass
class Signer(common.Signer):
    """A body's signer: the document signer's fields and rules, and whether they sign now."""

    active: bool = boolean("Đang ký văn bản", default=True)


@dataclass
class Unit:
    """A unit a body assesses (a residential area, a school, an enterprise…)."""

    name: str = text("Tên đơn vị", max_len=300)
    kind: domain.UnitKind = choice("Loại hình", domain.unit_kind, UNIT_KIND_OPTIONS)
    commune: str = text("Xã/thị trấn", required=False, max_len=COMMUNE_MAX)
    note: str = text("Ghi chú", required=False, max_len=NOTE_MAX)
    category: str = text("Phân loại đơn vị", required=False, max_len=200,
                         help="Loại trường, quy mô doanh nghiệp…; theo tệp quy tắc")
    managed_by: str = text("Cấp quản lý", required=False, max_len=30,
                           help="Để trống: theo phân loại, hoặc theo cơ quan đánh giá")

    def __post_init__(self):
        # The category (by code or label) of the kind in the loaded rules, stored as its code;
        # the managing tier by code or words («cấp huyện», «Bộ»).
        if self.category:
            found = rules.load_rules().category(self.kind.code, self.category)
            if found is None:
                known = rules.load_rules().categories_of(self.kind.code)
                raise FieldError("category", (
                    f"Phân loại đơn vị «{self.category}» không có cho loại hình "
                    f"«{self.kind.label}»; chọn một trong: "
                    + ("; ".join(c.label for c in known) if known else "(để trống)")))
            self.category = found.code
        if self.managed_by:
            tier = managing_tier(self.managed_by)
            if tier is None:
                raise FieldError("managed_by", (
                    f"Cấp quản lý «{self.managed_by}» không hợp lệ; chọn một trong: "
                    + ", ".join(rules.TIERS.values()) + " (hoặc để trống)"))
            self.managed_by = tier


def managing_tier(value: str) -> str | None:
    """The tier code of «huyen», «cấp huyện», «Huyện» or «Bộ»; "" for empty or «mặc định»;
    None when the words name no tier."""
    key = fold(value or "").strip()
    if key in ("", "mac dinh"):
        return ""
    for code, label in rules.TIERS.items():
        if key in (code, fold(label), fold(label).removeprefix("cap ")):
            return code
    return None


@dataclass
class Household:
    """A household head of a residential area's list of one year: only what the
    commitment form prints."""

    year: int = schema.year("Năm của danh sách hộ")
    full_name: str = text("Họ và tên", max_len=100)
    birth_year: int | None = schema.birth_year("Năm sinh")
    id_number: str = schema.cccd("Số CCCD")
    address: str = text("Địa chỉ", required=False, max_len=200)


@dataclass
class Outcome:
    """One unit's outcome of a year as a clerk enters it; the suggested class and the rule
    that a different decided class needs a reason depend on the policy
    (`store.check_assessment`)."""

    self_score: float | None = schema.score("Điểm tự chấm")
    reviewed_score: float | None = schema.score("Điểm thẩm định")
    safe: bool = boolean("An toàn về ANTT")
    decided: domain.UnitClass | None = choice("Xếp loại", domain.unit_class, CLASS_OPTIONS,
                                              required=False, default=None)
    reason: str = text("Lý do", required=False, max_len=500, multiline=True)
    note: str = text("Ghi chú", required=False, max_len=NOTE_MAX)
