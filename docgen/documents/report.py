"""The report to the province police on implementing Decision 510 and the year's
classification (Báo cáo, BC): narrative sections, and figures tables computed from the
units by `docgen.figures` — the sentences quoting numbers read the same `Figures`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .. import domain, figures
from ..schema import boolean, choice, day, integer, items, record, text, text_list
from ..vietnamese import format_number, lower_first, nd30_date, percent
from . import common
from .kinds import Kind

KIND_OPTIONS = tuple((k.code, k.label) for k in domain.UNIT_KINDS)
GRADE_OPTIONS = tuple((c.code, c.label) for c in domain.UNIT_CLASSES)
# Vietnamese alphabet order for điểm a), b), … (no f, j, w, z).
LETTERS = ["a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o", "p", "q", "r",
           "s", "t", "u", "v", "x", "y"]
# Level words a reporting body's name may carry, for "Toàn huyện …" when `level` is blank.
LEVELS = ("thành phố", "thị xã", "thị trấn", "đặc khu", "huyện", "quận", "tỉnh", "phường", "xã")
SAFE = "“An toàn về an ninh, trật tự”"
WEAK_NAMES_MAX = 50  # units classed Yếu named in the text; more are counted
DECISION_510 = ("Quyết định số 510/QĐ-BCA-V05 ngày 20 tháng 01 năm 2022 của Bộ trưởng Bộ Công an "
                "ban hành Quy định tiêu chí đánh giá, phân loại phong trào toàn dân bảo vệ an ninh "
                "Tổ quốc")


def _count(label: str):
    return integer(label, minimum=0, maximum=1_000_000, required=False, default=0)


@dataclass
class Unit:
    """One assessed unit: name, kind, the decided class and whether it was recognised safe."""

    name: str = text("Tên đơn vị", max_len=300)
    kind: domain.UnitKind = choice("Loại hình", domain.unit_kind, KIND_OPTIONS)
    grade: domain.UnitClass = choice("Xếp loại", domain.unit_class, GRADE_OPTIONS)
    safe: bool | None = boolean("Đạt “An toàn về ANTT”", default=None,
                                help="true nếu đơn vị được công nhận đạt tiêu chuẩn "
                                     "“An toàn về an ninh, trật tự” (Thông tư 124/2021/TT-BCA)")
    note: str = text("Ghi chú", required=False, max_len=300)


@dataclass
class KindCounts:
    """Last year's figures of one unit kind, when only the counts are kept."""

    kind: domain.UnitKind = choice("Loại hình", domain.unit_kind, KIND_OPTIONS)
    xuat_sac: int = _count("Số đơn vị Xuất sắc")
    kha: int = _count("Số đơn vị Khá")
    trung_binh: int = _count("Số đơn vị Trung bình")
    yeu: int = _count("Số đơn vị Yếu")
    safe: int | None = integer("Số đơn vị đạt “An toàn về ANTT”", minimum=0, maximum=1_000_000,
                               required=False, help="Để trống nếu không có số liệu")

    def __post_init__(self) -> None:
        total = self.xuat_sac + self.kha + self.trung_binh + self.yeu
        if self.safe is not None and self.safe > total:
            raise ValueError(f"Loại hình {self.kind.label}: số đơn vị đạt “An toàn về ANTT” "
                             f"({self.safe}) lớn hơn tổng số đơn vị ({total})")


@dataclass
class Previous:
    """The previous year, for the comparison: its units, or its counts per kind."""

    year: int | None = integer("Năm trước", minimum=2000, maximum=2100, required=False,
                               help="Mặc định: năm báo cáo trừ 1")
    units: list[Unit] = items("Đơn vị năm trước", max_items=20_000)
    counts: list[KindCounts] = items("Số liệu năm trước theo loại hình",
                                     max_items=len(KIND_OPTIONS))

    def __post_init__(self) -> None:
        if bool(self.units) == bool(self.counts):
            raise ValueError("Số liệu năm trước ghi một trong hai: danh sách đơn vị (units) "
                             "hoặc số lượng theo loại hình (counts)")
        kinds = [c.kind for c in self.counts]
        for kind in kinds:
            if kinds.count(kind) > 1:
                raise ValueError(f"Số liệu năm trước ghi loại hình {kind.label} nhiều lần")


@dataclass
class Topic:
    """A khoản of section I: its title and its paragraphs."""

    title: str = text("Tiêu đề", max_len=300)
    paragraphs: list[str] = text_list("Nội dung", min_items=1)


@dataclass
class DecisionCitation:
    """The year's recognition decision the report cites: its number and symbol, date, issuer."""

    number: str = text("Số, ký hiệu quyết định", required=False, max_len=60,
                       help="Ví dụ: 15/QĐ-UBND")
    date: dt.date | None = day("Ngày ban hành quyết định", required=False)
    issuer: str = text("Cơ quan ban hành quyết định", required=False, max_len=200,
                       help="Ví dụ: Ủy ban nhân dân huyện Quan Sơn")

    def __post_init__(self) -> None:
        self.number = self.number.strip().removeprefix("số ").removeprefix("Số ").strip()
        if bool(self.number) != bool(self.date):
            missing = ("«Số, ký hiệu quyết định» (number)" if not self.number
                       else "«Ngày ban hành quyết định» (date)")
            raise ValueError(f"Quyết định công nhận kết quả của năm: thiếu {missing}; ghi đủ "
                             "số, ký hiệu và ngày ban hành, hoặc để trống cả hai")

    def cited(self, year: int) -> str:
        """«Quyết định số 15/QĐ-UBND ngày 10 tháng 02 năm 2023 của … công nhận …»."""
        by = f" của {self.issuer}" if self.issuer else ""
        return (f"Quyết định số {self.number} {nd30_date(self.date)}{by} về việc công nhận kết "
                f"quả đánh giá, phân loại phong trào toàn dân bảo vệ an ninh Tổ quốc năm {year}")


@dataclass
class ReportInput:
    """Everything the report prints; narrative sections left empty get default wording."""

    issuer: common.Issuer = record("Cơ quan báo cáo")
    year: int = integer("Năm đánh giá", minimum=2000, maximum=2100)
    signer: common.Signer = record("Người ký")
    units: list[Unit] = items("Danh sách đơn vị được đánh giá, phân loại", min_items=1,
                              max_items=20_000)
    addressees: list[str] = text_list("Kính gửi", max_len=300, max_items=20,
                                      help="Mỗi dòng một nơi nhận; để trống: cơ quan chủ quản")
    number: int | None = common.number_field()
    date: dt.date | None = common.date_field()
    level: str = text("Cấp địa bàn", required=False, max_len=30,
                      help="Từ dùng trong câu «Toàn huyện có …»: huyện, xã, …; để trống: lấy từ "
                           "tên cơ quan báo cáo")
    committee: str = text("Là cơ quan thường trực của", required=False, max_len=200,
                          help="Ví dụ: Ban Chỉ đạo 138 huyện Quan Sơn")
    summary: str = text("Trích yếu", required=False, max_len=500)
    plan_reference: str = text("Kế hoạch triển khai", required=False, max_len=300,
                               help="Ví dụ: Kế hoạch số 45/KH-BCĐ ngày 09 tháng 5 năm 2022 của "
                                    "Ban Chỉ đạo 138 huyện Quan Sơn")
    previous: Previous | None = record("Năm trước", default_factory=lambda: None)
    decision: DecisionCitation | None = record(
        "Quyết định công nhận kết quả của năm", default_factory=lambda: None,
        help="Số, ngày của quyết định công nhận kết quả phân loại năm báo cáo; in ở phần căn cứ")
    intro: str = text("Mở đầu", required=False, max_len=2000)
    implementation: list[Topic] = items("I. Kết quả triển khai thực hiện", max_items=30)
    strengths: list[str] = text_list("Ưu điểm")
    weaknesses: list[str] = text_list("Hạn chế, tồn tại")
    causes: list[str] = text_list("Nguyên nhân")
    directions: list[str] = text_list("Phương hướng, nhiệm vụ")
    proposals: list[str] = text_list("Đề xuất, kiến nghị")
    closing: str = text("Câu kết", required=False, max_len=1000)
    recipients: list[str] = common.recipients_field(["Như trên"])
    archive: str = common.archive_field("VT")

    def __post_init__(self) -> None:
        for i, unit in enumerate(self.units, 1):
            if unit.safe is None:
                raise ValueError(f"Đơn vị thứ {i} «{unit.name}» (units[{i}].safe) chưa ghi kết quả "
                                 "công nhận đạt tiêu chuẩn “An toàn về ANTT” (true hoặc false)")
        common.refuse_duplicate_units(self.units)
        if not self.addressees:
            if not self.issuer.superior:
                raise ValueError("Cần ghi nơi nhận báo cáo (addressees, «Kính gửi»)")
            self.addressees = [self.issuer.superior]
        if not self.level:
            self.level = level_of(self.issuer.name)
        if self.previous is not None:
            self.previous.year = self.previous.year or self.year - 1
            if self.previous.year >= self.year:
                raise ValueError(f"Năm so sánh {self.previous.year} phải trước năm báo cáo "
                                 f"{self.year}")
        if self.decision and not self.decision.number and not self.decision.date:
            self.decision = None  # a form left blank: no decision cited
        if self.decision and self.date and self.decision.date > self.date:
            raise ValueError(f"Quyết định số {self.decision.number} ngày "
                             f"{self.decision.date:%d/%m/%Y} ban hành sau ngày báo cáo "
                             f"{self.date:%d/%m/%Y}: báo cáo chỉ trích dẫn quyết định đã có")
        if self.date and self.date.year not in (self.year, self.year + 1):
            raise ValueError(f"Ngày báo cáo {self.date:%d/%m/%Y} không thuộc năm {self.year} "
                             "hoặc năm sau đó")


def level_of(name: str) -> str:
    """The level word in a body's name ("Công an huyện Quan Sơn" → "huyện"); ValueError if none."""
    lowered = name.lower()
    found = [(m.start(), word) for word in LEVELS
             for m in [re.search(rf"(?<!\w){word}(?!\w)", lowered)] if m]
    if not found:
        raise ValueError(f"Không xác định được cấp địa bàn từ tên «{name}»; hãy ghi trường "
                         "level (ví dụ: huyện, xã)")
    return min(found)[1]


def compute_figures(data: ReportInput) -> figures.Figures:
    """The report's figures: this year's units against the previous year, if given."""
    prev = data.previous
    return figures.compute(data.units, data.year,
                           previous_units=prev.units if prev else None,
                           previous_counts=prev.counts if prev else None,
                           previous_year=prev.year if prev else None)


def summary(data: ReportInput) -> str:
    return data.summary or ("Kết quả triển khai thực hiện Quyết định số 510/QĐ-BCA-V05 và "
                            "đánh giá, phân loại phong trào toàn dân bảo vệ an ninh Tổ quốc năm "
                            f"{data.year}")


def _n(value: int) -> str:
    return format_number(value)


# ---- sentences quoting the figures ---------------------------------------------------

def overall_sentence(f: figures.Figures, level: str) -> str:
    """"Toàn huyện có 44 đơn vị được đánh giá, phân loại, trong đó: 11 đơn vị xếp loại …"."""
    parts = []
    for grade in figures.CLASSES:
        n = f.total.count(grade)
        parts.append(f"{_n(n)} đơn vị xếp loại {grade.label}, chiếm {f.total.share_text(grade)}"
                     if n else f"không có đơn vị nào xếp loại {grade.label}")
    return (f"Toàn {level} có {_n(f.total.total)} đơn vị được đánh giá, phân loại, trong đó: "
            + "; ".join(parts) + ".")


def kind_lines(f: figures.Figures) -> list[str]:
    """One điểm per unit kind that has units: "a) Khu dân cư: 10 đơn vị, trong đó …"."""
    rows = [row for row in f.kinds if row.total]
    lines = []
    for letter, row in zip(LETTERS, rows, strict=False):
        parts = [f"{g.label} {_n(row.count(g))} ({row.share_text(g)})" for g in figures.CLASSES]
        lines.append(f"{letter}) {row.label}: {_n(row.total)} đơn vị, trong đó " + ", ".join(parts)
                     + ".")
    return lines


def weak_line(units: list[Unit]) -> str:
    """The units classed Yếu by name (with their note), "" when there are none; past
    WEAK_NAMES_MAX the rest are counted, as the decision's attached list names them all."""
    weakest = domain.UNIT_CLASSES[-1]
    names = [f"{u.name} ({u.note.rstrip('.;')})" if u.note else u.name
             for u in units if u.grade is weakest]
    if not names:
        return ""
    text = f"Các đơn vị xếp loại {weakest.label}: " + "; ".join(names[:WEAK_NAMES_MAX])
    if len(names) > WEAK_NAMES_MAX:
        text += (f" và {_n(len(names) - WEAK_NAMES_MAX)} đơn vị khác (chi tiết tại danh sách kèm "
                 "theo quyết định công nhận)")
    return text + "."


def safe_sentence(f: figures.Figures, level: str) -> str:
    """How many units are recognised safe, overall and per kind, with their shares."""
    t = f.total
    per_kind = [f"{lower_first(r.label)} {_n(r.safe)}/{_n(r.total)} đơn vị ({r.safe_share_text})"
                for r in f.kinds if r.total]
    return (f"Năm {f.year}, toàn {level} có {_n(t.safe)}/{_n(t.total)} đơn vị được công nhận đạt "
            f"tiêu chuẩn {SAFE}, chiếm {t.safe_share_text}; trong đó: " + "; ".join(per_kind) + ".")


def comparison_sentence(f: figures.Figures, level: str) -> str:
    """The change of every class (and the safe units) against last year; "" without one."""
    prev = f.previous
    if prev is None:
        return ""
    parts = [f"tổng số đơn vị được đánh giá, phân loại {f.total_change.count_text}"]
    for grade in figures.CLASSES:
        ch = f.change(grade)
        parts.append(f"loại {grade.label} {ch.count_text}, tỷ lệ {ch.points_text}")
    if f.safe_change is not None:
        ch = f.safe_change
        parts.append(f"số đơn vị đạt tiêu chuẩn {SAFE} {ch.count_text}, tỷ lệ {ch.points_text}")
    text = (f"So với năm {prev.year} (toàn {level} có {_n(prev.total.total)} đơn vị được đánh giá, "
            "phân loại): " + "; ".join(parts) + ".")
    if f.missing_kinds:
        missing = ", ".join(lower_first(k) for k in f.missing_kinds)
        text += f" Số liệu năm {prev.year} không có loại hình: {missing}."
    return text


# ---- table rows -------------------------------------------------------------------------

def _class_row(row: figures.Tally) -> dict:
    return {"label": row.label, "total": _n(row.total),
            "cells": [{"count": _n(row.count(g)), "share": row.share_text(g)}
                      for g in figures.CLASSES]}


def _safe_row(row: figures.Tally) -> dict:
    return {"label": row.label, "total": _n(row.total), "safe": _n(row.safe),
            "share": row.safe_share_text}


def _comparison(f: figures.Figures) -> dict | None:
    prev = f.previous
    if prev is None:
        return None
    rows = []
    for grade in figures.CLASSES:
        ch = f.change(grade)
        rows.append({"label": f"Loại {grade.label}", "before": _n(prev.total.count(grade)),
                     "before_share": prev.total.share_text(grade), "now": _n(f.total.count(grade)),
                     "now_share": f.total.share_text(grade), "count": ch.count_text,
                     "points": ch.points_text})
    if f.safe_change is not None:
        ch = f.safe_change
        rows.append({"label": "Đạt “An toàn về ANTT”",
                     "before": _n(prev.total.safe), "before_share": prev.total.safe_share_text,
                     "now": _n(f.total.safe), "now_share": f.total.safe_share_text,
                     "count": ch.count_text, "points": ch.points_text})
    total = {"label": "Tổng số đơn vị", "before": _n(prev.total.total), "now": _n(f.total.total),
             "count": f.total_change.count_text}
    return {"previous_year": prev.year, "year": f.year, "rows": rows, "total": total}


# ---- narrative defaults -----------------------------------------------------------------

def _default_topics(data: ReportInput) -> list[tuple[str, list[str]]]:
    body = data.issuer.name
    return [
        ("Công tác tham mưu, ban hành kế hoạch", [
            f"Ngay sau khi Bộ Công an ban hành Quyết định số 510/QĐ-BCA-V05, {body} đã tham mưu "
            "cấp ủy, chính quyền, Ban Chỉ đạo ban hành kế hoạch triển khai thực hiện; hướng dẫn "
            "các địa phương, cơ quan, doanh nghiệp, cơ sở giáo dục trên địa bàn xây dựng kế hoạch "
            "và tổ chức thực hiện theo đúng tiêu chí, quy trình."]),
        ("Công tác tuyên truyền, quán triệt", [
            "Tổ chức hội nghị quán triệt nội dung Quyết định số 510 (lồng ghép với hội nghị của "
            "địa phương); các cơ quan, đơn vị tổ chức quán triệt đến cán bộ, đảng viên, người lao "
            "động. Tuyên truyền đến Nhân dân bằng nhiều hình thức phù hợp: hệ thống loa truyền "
            "thanh cơ sở, mạng xã hội, sinh hoạt khu dân cư, cơ quan, doanh nghiệp, nhà trường."]),
        ("Xây dựng, nhân rộng mô hình tự quản về an ninh, trật tự", [
            "Chỉ đạo củng cố, duy trì hoạt động của các mô hình tự quản, điển hình tiên tiến về "
            "phòng, chống tội phạm, tệ nạn xã hội, bảo vệ an ninh, trật tự; gắn với việc đăng ký, "
            "công nhận khu dân cư, xã, cơ quan, doanh nghiệp, cơ sở giáo dục đạt tiêu chuẩn "
            f"{SAFE} theo Thông tư số 124/2021/TT-BCA."]),
        ("Tổ chức đánh giá, phân loại phong trào", [
            "Căn cứ tiêu chí quy định tại Quyết định số 510 và kết quả công nhận đạt tiêu chuẩn "
            f"{SAFE}, các đơn vị tự chấm điểm, đề xuất xếp loại; {body} thẩm định hồ sơ, tổng "
            "hợp, trình cấp có thẩm quyền quyết định công nhận theo đúng thời gian quy định."]),
    ]


def _default_weaknesses(f: figures.Figures) -> list[str]:
    weakest = figures.CLASSES[-1]
    weak, unsafe = f.total.count(weakest), f.total.total - f.total.safe
    lines = []
    if weak or unsafe:
        parts = []
        if weak:
            parts.append(f"{_n(weak)} đơn vị xếp loại {weakest.label}, chiếm "
                         f"{f.total.share_text(weakest)}")
        if unsafe:
            parts.append(f"{_n(unsafe)} đơn vị chưa đạt tiêu chuẩn {SAFE}, chiếm "
                         f"{percent(unsafe, f.total.total)}")
        lines.append("Vẫn còn " + "; ".join(parts) + ".")
    lines.append("Việc triển khai ở một số đơn vị còn chậm; hồ sơ tự chấm điểm, đề xuất xếp loại "
                 "ở một số nơi chưa đầy đủ, chất lượng chưa cao.")
    return lines


def _defaults(data: ReportInput, f: figures.Figures) -> dict[str, list[str]]:
    ahead = data.year + 1
    to = ", ".join(a.rstrip(".;") for a in data.addressees)
    return {
        "strengths": [
            "Công tác triển khai Quyết định số 510 được cấp ủy, chính quyền quan tâm lãnh đạo, chỉ "
            "đạo; các cơ quan, đơn vị, địa phương chủ động xây dựng kế hoạch và tổ chức thực hiện "
            "nghiêm túc.",
            f"Việc đánh giá, phân loại phong trào gắn với kết quả công nhận đạt tiêu chuẩn {SAFE}, "
            "bảo đảm khách quan, công khai, đúng tiêu chí và quy trình."],
        "weaknesses": _default_weaknesses(f),
        "causes": [
            "Một số cấp ủy, chính quyền, người đứng đầu cơ quan, đơn vị chưa thực sự quan tâm đến "
            "công tác xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc.",
            "Lực lượng làm công tác xây dựng phong trào ở cơ sở còn mỏng, kiêm nhiệm nhiều việc; "
            "kinh phí bảo đảm cho phong trào còn hạn chế."],
        "directions": [
            "Tiếp tục tuyên truyền, quán triệt sâu rộng Quyết định số 510 và Thông tư số "
            "124/2021/TT-BCA; gắn phong trào toàn dân bảo vệ an ninh Tổ quốc với các cuộc vận "
            "động, phong trào thi đua ở cơ sở.",
            f"Chỉ đạo các đơn vị xếp loại Trung bình, Yếu và chưa đạt tiêu chuẩn {SAFE} khắc phục "
            f"hạn chế, phấn đấu nâng loại trong năm {ahead}.",
            "Củng cố, nâng cao hiệu quả hoạt động của các lực lượng nòng cốt; nhân rộng các mô "
            "hình tự quản về an ninh, trật tự có hiệu quả.",
            f"Tổ chức đánh giá, phân loại phong trào năm {ahead} đúng tiêu chí, quy trình và thời "
            "gian quy định tại Quyết định số 510."],
        "proposals": [
            f"Đề nghị {to} tiếp tục quan tâm tập huấn, bồi dưỡng nghiệp vụ cho lực lượng làm công "
            "tác xây dựng phong trào ở cơ sở; hỗ trợ kinh phí xây dựng, nhân rộng các mô hình tự "
            "quản về an ninh, trật tự.",
            "Đề nghị cấp có thẩm quyền kịp thời khen thưởng các tập thể, cá nhân có thành tích "
            f"xuất sắc trong phong trào toàn dân bảo vệ an ninh Tổ quốc năm {data.year}."],
    }


def _intro(data: ReportInput) -> str:
    if data.intro:
        return data.intro
    bases = f"Thực hiện {DECISION_510}"
    if data.plan_reference:
        bases += f"; {data.plan_reference.removeprefix('Thực hiện ').strip().rstrip('.;')}"
    if data.decision:
        bases += f"; căn cứ {data.decision.cited(data.year)}"
    who = data.issuer.name
    if data.committee:
        who += f" (cơ quan thường trực {data.committee})"
    return (f"{bases}, {who} báo cáo kết quả triển khai thực hiện và đánh giá, phân loại phong "
            f"trào toàn dân bảo vệ an ninh Tổ quốc năm {data.year} như sau:")


def _closing(data: ReportInput) -> str:
    text = data.closing or (f"Trên đây là báo cáo kết quả triển khai thực hiện Quyết định số "
                            f"510/QĐ-BCA-V05 và đánh giá, phân loại phong trào toàn dân bảo vệ an "
                            f"ninh Tổ quốc năm {data.year} của {data.issuer.name}")
    return text.rstrip(" ./") + "./."


def context(data: ReportInput) -> dict:
    ctx = common.header_context(data.issuer, kind_abbr="BC", number=data.number, date=data.date,
                                year=data.year)
    ctx.update(common.signature_context(data.signer))
    ctx.update(common.recipient_lines(data.recipients, data.archive))
    ctx.update(common.addressee_context(data.addressees))
    f = compute_figures(data)
    defaults = _defaults(data, f)
    topics = ([(t.title, t.paragraphs) for t in data.implementation]
              or _default_topics(data))
    ctx.update({
        "summary": summary(data),
        "year": data.year,
        "intro": _intro(data),
        "implementation": [{"heading": f"{i}. {title.rstrip('.:')}", "paragraphs": paras}
                           for i, (title, paras) in enumerate(topics, 1)],
        "overall": overall_sentence(f, data.level),
        "kind_lines": kind_lines(f),
        "weak_line": weak_line(data.units),
        "class_rows": [_class_row(row) for row in f.shown_kinds],
        "class_total": _class_row(f.total),
        "safe_sentence": safe_sentence(f, data.level),
        "safe_rows": [_safe_row(row) for row in f.shown_kinds],
        "safe_total": _safe_row(f.total),
        "comparison": _comparison(f),
        "comparison_sentence": comparison_sentence(f, data.level),
        "closing": _closing(data),
    })
    for key in ("strengths", "weaknesses", "causes", "directions", "proposals"):
        ctx[key] = getattr(data, key) or defaults[key]
    return common.keep_symbols_in(ctx)


KIND = Kind(
    name="report",
    label="Báo cáo kết quả đánh giá, phân loại phong trào",
    abbreviation="BC",
    template="report.docx",
    input=ReportInput,
    context=context,
    summary=summary,
    description="Báo cáo của Công an (cơ quan thường trực Ban Chỉ đạo 138) gửi cấp trên: kết quả "
                "triển khai Quyết định 510, bảng số liệu phân loại và “An toàn về ANTT” theo loại "
                "hình đơn vị, so sánh với năm trước, đánh giá, phương hướng, kiến nghị.",
)
