"""The plan implementing Decision 510 (Kế hoạch, KH) of a Steering Committee 138 at any
level: standing wording in the template, the body's own measures and tasks as data."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import domain
from ..schema import boolean, choice, day, integer, items, record, text, text_list
from ..vietnamese import fold, keep_symbols, text_date, upper
from . import common
from .kinds import Kind

if TYPE_CHECKING:
    from docxtpl import RichText

# Vietnamese alphabet order for điểm a), b), … (ND30: no f, j, w, z).
LETTERS = ["a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o", "p", "q", "r",
           "s", "t", "u", "v", "x", "y"]
# Reviews after 1, 5 and 10 years of the decision (Decision 510: 2023, 2027 and 2032), as
# the seed plan schedules them; a plan of a later year lists those still to come.
DEFAULT_REVIEWS = ((1, "Sơ kết"), (5, "Sơ kết"), (10, "Tổng kết"))
PARAGRAPH_MAX = 5000
MARKUP_HELP = "Viết **…** để in đậm, *…* để in nghiêng; \\* để giữ dấu * như đã gõ"


@dataclass(frozen=True)
class Level:
    """How a paragraph of a data list is set out: numbered khoản, lettered điểm, dash, plain."""

    code: str
    label: str
    description: str
    aliases: tuple[str, ...] = ()


LEVELS: tuple[Level, ...] = (
    Level("khoan", "Khoản", "Đánh số 1., 2., …; là tiêu đề (không có dấu chấm cuối) thì in đậm.",
          ("heading", "khoản", "tieu de", "1.")),
    Level("diem", "Điểm", "Đánh chữ a), b), … theo bảng chữ cái tiếng Việt, trong từng khoản.",
          ("point", "điểm", "a)")),
    Level("gach", "Gạch đầu dòng", "Mở đầu bằng «- ».", ("bullet", "gạch", "-", "dash")),
    Level("doan", "Đoạn văn", "Đoạn văn thường, không đánh số.", ("paragraph", "text", "đoạn")),
)
_LEVEL_INDEX = {fold(key): lvl for lvl in LEVELS
                for key in (lvl.code, lvl.label, *lvl.aliases)}
LEVEL_OPTIONS = tuple((lvl.code, lvl.label) for lvl in LEVELS)


def level(value: str) -> Level | None:
    """The level named by `value` (code, label or alias, any case or diacritics), or None."""
    return _LEVEL_INDEX.get(fold(str(value)))


@dataclass
class Decision:
    """The decision the plan implements (by default Decision 510 of the Ministry)."""

    number: str = text("Số, ký hiệu quyết định", max_len=60, help="Ví dụ: 510/QĐ-BCA-V05")
    date: dt.date = day("Ngày ban hành quyết định")
    issuer: str = text("Cơ quan ban hành quyết định", max_len=200, help="Ví dụ: Bộ Công an")
    issued_by: str = text("Người ký ban hành", max_len=200, help="Ví dụ: Bộ trưởng Bộ Công an")
    title: str = text("Tên quyết định", max_len=500)


def decision_510() -> Decision:
    return Decision(number="510/QĐ-BCA-V05", date=dt.date(2022, 1, 20), issuer="Bộ Công an",
                    issued_by="Bộ trưởng Bộ Công an",
                    title="Quy định tiêu chí đánh giá, phân loại phong trào toàn dân bảo vệ an "
                          "ninh Tổ quốc")


@dataclass
class BasisPlan:
    """The superior body's plan this one carries out ("Thực hiện Kế hoạch số …")."""

    number: str = text("Số, ký hiệu kế hoạch cấp trên", max_len=60, help="Ví dụ: 167/KH-BCĐ")
    date: dt.date = day("Ngày ban hành kế hoạch cấp trên")
    issuer: str = text("Cơ quan ban hành kế hoạch cấp trên", max_len=200,
                       help="Ví dụ: Ban Chỉ đạo 138 tỉnh")


@dataclass
class Block:
    """One paragraph of section II (the body's own measures): its level and its text."""

    level: Level = choice("Cách trình bày", level, LEVEL_OPTIONS)
    text: str = text("Nội dung đoạn", max_len=PARAGRAPH_MAX, multiline=True, help=MARKUP_HELP)


@dataclass
class Section:
    """Section I, III or V in the body's own words, replacing the template's standard text."""

    heading: str = text("Tên mục", required=False, max_len=200,
                        help="Không ghi số La Mã; in chữ in hoa, ví dụ: MỤC ĐÍCH, YÊU CẦU")
    blocks: list[Block] = items("Các đoạn của mục", max_items=300)

    def __post_init__(self) -> None:
        if self.blocks and not self.heading:
            raise ValueError("Mục viết riêng cần có tên mục (heading)")
        if self.heading and not self.blocks:
            raise ValueError(f"Mục «{self.heading}» chưa có đoạn nào: trường «blocks» cần ít "
                             "nhất một đoạn")


def _own_section(label: str):
    return record(label, default_factory=lambda: None,
                  help="Để trống để dùng lời văn chuẩn của mẫu; " + FIELDS_HELP)


# What a body's own wording may quote from the input, written {level}, {standing_body}…,
# so its own sections still print what the form says.
PLACEHOLDERS = ("level", "sublevel", "standing_body", "report_to", "reporters", "committee",
                "committee_full", "programmes", "assessed", "plan_deadline", "units_deadline",
                "report_deadline", "decision_number", "decision_date", "decision_title",
                "decision_issuer", "decision_issued_by", "decision_short", "decision_num",
                "basis_number", "basis_date", "basis_issuer", "year")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
FIELDS_HELP = "có thể ghi {level}, {standing_body}, {plan_deadline}… để in giá trị của ô đó"


@dataclass
class Task:
    """One body of section IV: its name (the khoản title) and its task paragraphs."""

    body: str = text("Cơ quan, đơn vị được phân công", max_len=300)
    paragraphs: list[str] = text_list("Nhiệm vụ", min_items=1, max_len=PARAGRAPH_MAX,
                                  help=MARKUP_HELP)
    bullets: bool = boolean("Gạch đầu dòng", default=True,
                            help="Mỗi đoạn mở đầu bằng «- »; false: đoạn văn thường")

    def __post_init__(self) -> None:
        if not self.paragraphs:
            raise ValueError(f"Nhiệm vụ của «{self.body}» chưa có đoạn nào: trường «paragraphs» "
                             "cần ít nhất một đoạn")


@dataclass
class Review:
    """A review of the implementation: sơ kết or tổng kết after `years` years."""

    years: int = integer("Sau số năm thực hiện", minimum=1, maximum=50)
    label: str = text("Hình thức", max_len=30, help="Sơ kết hoặc Tổng kết")
    year: int | None = integer("Năm tổ chức", minimum=2000, maximum=2200, required=False,
                               help="Mặc định: năm ban hành quyết định được triển khai cộng số "
                                    "năm thực hiện")


@dataclass
class PlanInput:
    """Everything the plan prints; optional fields have the defaults their help states."""

    issuer: common.Issuer = record("Cơ quan ban hành")
    year: int = integer("Năm kế hoạch", minimum=2000, maximum=2100)
    signer: common.Signer = record("Người ký")
    level: str = text("Cấp của Ban Chỉ đạo", max_len=30, help="Ví dụ: huyện, xã, phường")
    sublevel: str = text("Cấp dưới trực tiếp", max_len=100,
                         help="Ví dụ: xã, thị trấn (kế hoạch cấp huyện); thôn, bản (cấp xã)")
    standing_body: str = text("Cơ quan thường trực", max_len=200,
                              help="Ví dụ: Công an huyện, Công an xã")
    report_to: str = text("Nơi tập hợp báo cáo", max_len=200, help="Ví dụ: Công an tỉnh")
    reporters: str = text("Các đơn vị báo cáo kết quả (mục V)", max_len=500,
                          help="Ví dụ: Các phòng, ban, ngành, đoàn thể, cơ quan, đơn vị cấp "
                               "huyện, Chủ tịch UBND các xã, thị trấn")
    basis_plan: BasisPlan = record("Kế hoạch cấp trên")
    plan_deadline: dt.date = day("Hạn hoàn thành bước 1 (kế hoạch của cấp mình)")
    units_deadline: dt.date = day("Hạn hoàn thành bước 2 (kế hoạch của cấp dưới)")
    measures: list[Block] = items("Nội dung, biện pháp (mục II)", min_items=1, max_items=300)
    tasks: list[Task] = items("Phân công trách nhiệm (mục IV)", min_items=1, max_items=100)
    number: int | None = common.number_field()
    date: dt.date | None = common.date_field()
    report_deadline: dt.date | None = day("Hạn báo cáo kết quả (mục V)", required=False,
                                          help="Mặc định: hạn của bước 2")
    decision: Decision = record("Quyết định được triển khai", default_factory=decision_510)
    summary: str = text("Trích yếu", required=False, max_len=500,
                        help="Mặc định: Triển khai, thực hiện Quyết định số … của …")
    committee: str = text("Tên Ban Chỉ đạo trong câu văn", required=False, max_len=200,
                          help="Mặc định: tên cơ quan ban hành + cấp, ví dụ: Ban Chỉ đạo 138 "
                               "huyện")
    programmes: str = text("Đề án, chỉ thị của địa phương (mục I)", required=False, max_len=300,
                           help="Ví dụ: Đề án 375 và Chỉ thị số 10 của UBND tỉnh")
    assessed: str = text("Các đối tượng đánh giá (mục III)", required=False, max_len=300,
                         help="Mặc định: khu dân cư, <cấp dưới>, cơ quan, doanh nghiệp, cơ sở "
                              "giáo dục")
    reviews: list[Review] = items("Sơ kết, tổng kết", max_items=10,
                                  help="Mặc định: sơ kết sau 1 và 5 năm, tổng kết sau 10 năm kể "
                                       "từ năm ban hành quyết định (những lần chưa diễn ra)")
    preamble: str = text("Đoạn mở đầu (lời văn riêng)", required=False, max_len=PARAGRAPH_MAX,
                         multiline=True, help="Để trống để dùng lời văn chuẩn; " + MARKUP_HELP
                         + "; " + FIELDS_HELP)
    purposes: Section | None = _own_section("Mục I (lời văn riêng)")
    steps: list[Block] = items("Các bước triển khai (lời văn riêng)", max_items=30,
                               help="Thay các dòng «Bước 1, 2, 3»; để trống để dùng lời văn chuẩn; "
                                    + FIELDS_HELP)
    assessment: Section | None = _own_section("Mục III (lời văn riêng)")
    organisation: Section | None = _own_section("Mục V (lời văn riêng)")
    recipients: list[str] = common.recipients_field([])
    archive: str = common.archive_field("VT")

    def __post_init__(self) -> None:
        for name in ("purposes", "assessment", "organisation"):
            own = getattr(self, name)
            if own is not None and not own.heading and not own.blocks:
                setattr(self, name, None)  # a form left blank: the standard wording
        if not self.measures:
            raise ValueError("Trường «measures» (nội dung, biện pháp của mục II) cần ít nhất "
                             "một đoạn")
        if not self.tasks:
            raise ValueError("Trường «tasks» (phân công trách nhiệm của mục IV) cần ít nhất "
                             "một cơ quan, đơn vị")
        letters = 0
        for i, block in enumerate(self.measures, 1):
            letters = 0 if block.level.code == "khoan" else letters + (block.level.code == "diem")
            if letters > len(LETTERS):
                raise ValueError(f"Trường «measures[{i}]»: một khoản có quá {len(LETTERS)} điểm "
                                 "(a đến y)")
        if self.date and self.date.year != self.year:
            raise ValueError(f"Ngày ban hành {self.date:%d/%m/%Y} không thuộc năm kế hoạch "
                             f"{self.year}")
        deadlines = (("plan_deadline", self.plan_deadline), ("units_deadline", self.units_deadline),
                     ("report_deadline", self.report_deadline))
        for name, when in deadlines:
            if when is None:
                continue
            if when.year not in (self.year, self.year + 1):
                raise ValueError(f"Trường «{name}»: hạn {when:%d/%m/%Y} không thuộc năm kế hoạch "
                                 f"{self.year} hoặc năm sau đó")
            if self.date and when < self.date:
                raise ValueError(f"Trường «{name}»: hạn {when:%d/%m/%Y} sớm hơn ngày ban hành "
                                 f"{self.date:%d/%m/%Y}")
        if self.units_deadline < self.plan_deadline:
            raise ValueError(f"Hạn của bước 2 ({self.units_deadline:%d/%m/%Y}) sớm hơn hạn của "
                             f"bước 1 ({self.plan_deadline:%d/%m/%Y})")
        if self.basis_plan.date < self.decision.date:
            raise ValueError(f"Kế hoạch cấp trên ({self.basis_plan.date:%d/%m/%Y}) ban hành trước "
                             f"quyết định mà nó triển khai ({self.decision.date:%d/%m/%Y})")
        if self.date and self.basis_plan.date > self.date:
            raise ValueError(f"Kế hoạch cấp trên ({self.basis_plan.date:%d/%m/%Y}) ban hành sau "
                             f"kế hoạch này ({self.date:%d/%m/%Y})")
        for i, review in enumerate(self.reviews, 1):
            year = (review.year if review.year is not None
                    else self.decision.date.year + review.years)
            if year < self.year:
                raise ValueError(f"Trường «reviews[{i}]»: {review.label} {review.years:02d} năm "
                                 f"thực hiện rơi vào năm {year}, đã qua so với năm kế hoạch "
                                 f"{self.year}")


_MARKUP = re.compile(r"\\\*|\*\*(?=\S)(.+?)(?<=\S)\*\*|\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*",
                     re.DOTALL)


def spans(value: str) -> list[tuple[str, bool, bool]]:
    """`value` split into (text, bold, italic) at **bold** and *italic* marks; "\\*" and
    any unpaired "*" stay as typed."""
    out: list[tuple[str, bool, bool]] = []

    def add(piece: str, bold: bool = False, italic: bool = False) -> None:
        if not piece:
            return
        if out and out[-1][1:] == (bold, italic):
            out[-1] = (out[-1][0] + piece, bold, italic)
        else:
            out.append((piece, bold, italic))

    pos = 0
    for m in _MARKUP.finditer(value):
        add(value[pos:m.start()])
        if m.group(1) is not None:
            add(m.group(1), bold=True)
        elif m.group(2) is not None:
            add(m.group(2), italic=True)
        else:
            add("*")
        pos = m.end()
    add(value[pos:])
    return out


def rich(prefix: str, value: str, *, bold: bool = False) -> RichText:
    """A paragraph's runs: `prefix` ("1. ", "- ") then `value` with its emphasis marks."""
    from docxtpl import RichText  # docxtpl (and Jinja) when a plan's context is built, not before
    result = RichText()
    if prefix:
        result.add(prefix, bold=bold)
    for piece, b, i in spans(value):
        result.add(keep_symbols(piece), bold=bold or b, italic=i)
    return result


def _is_title(value: str) -> bool:
    """A khoản without closing punctuation is a title, set bold (ND30)."""
    return not value.rstrip().endswith((".", ";", ":", "!", "?", "…"))


def _strip_dash(value: str) -> str:
    return re.sub(r"^[-–•]\s+", "", value)


def measure_paragraphs(blocks: list[Block]) -> tuple[list[dict], int]:
    """Section II's data paragraphs numbered and lettered, and the number of khoản used."""
    out, khoan, letter = [], 0, 0
    for block in blocks:
        code, value = block.level.code, block.text
        title = False
        if code == "khoan":
            khoan, letter = khoan + 1, 0
            title = _is_title(value)
            runs = rich(f"{khoan}. ", value, bold=title)
        elif code == "diem":
            runs = rich(f"{LETTERS[letter]}) ", value)
            letter += 1
        elif code == "gach":
            runs = rich("- ", _strip_dash(value))
        else:
            runs = rich("", value)
        out.append({"title": title, "rich": runs})
    return out, khoan


def task_items(tasks: list[Task]) -> list[dict]:
    return [{"heading": f"{n}. {task.body}",
             "paragraphs": [rich("- ", _strip_dash(p)) if task.bullets else rich("", p)
                            for p in task.paragraphs]}
            for n, task in enumerate(tasks, 1)]


def review_lines(data: PlanInput) -> list[str]:
    """"Sơ kết 01 năm thực hiện trong năm 2023;" …, the last ending with ".": years counted
    from the decision's year (its own schedule), reviews already past left out by default."""
    start = data.decision.date.year
    reviews = data.reviews or [Review(years=n, label=label) for n, label in DEFAULT_REVIEWS]
    lines = []
    for r in reviews:
        year = r.year if r.year is not None else start + r.years
        if year >= data.year:  # given reviews are checked on input
            lines.append(f"{r.label.strip()} {r.years:02d} năm thực hiện trong năm {year}")
    return common.sentence_list(lines)


def _quoted(blocks: list[Block], values: dict[str, str]) -> list[Block]:
    """`blocks` with their {placeholders} replaced by the input's values."""
    return [Block(level=b.level, text=fill(b.text, values)) for b in blocks]


def fill(value: str, values: dict[str, str]) -> str:
    """`value` with every {name} of PLACEHOLDERS replaced; other braces stay as typed."""
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], value)


def _section_context(section: Section | None, values: dict[str, str], *,
                     closing: bool = False) -> dict | None:
    """An own section for the template: its heading in capitals and its numbered paragraphs;
    `closing`: the last paragraph apart (it keeps with the signature and ends with "./.")."""
    if section is None:
        return None
    own = _quoted(section.blocks, values)
    if closing:
        own[-1] = Block(level=own[-1].level, text=own[-1].text.rstrip(" ./") + "./.")
    blocks, _ = measure_paragraphs(own)
    out = {"heading": upper(fill(section.heading, values)), "blocks": blocks}
    if closing:
        out.update(blocks=blocks[:-1], last=blocks[-1])
    return out


def _decision_context(d: Decision) -> dict:
    num = d.number.split("/", 1)[0].strip()
    return {"number": d.number, "date": text_date(d.date), "issuer": d.issuer,
            "issued_by": d.issued_by, "title": d.title, "num": num,
            "short": f"Quyết định số {num}"}


def _values(ctx: dict) -> dict[str, str]:
    """The values PLACEHOLDERS name, as the standard wording prints them."""
    d, basis = ctx["decision"], ctx["basis"]
    out = {name: str(ctx[name]) for name in PLACEHOLDERS if name in ctx}
    out.update({f"decision_{k}": str(d[k]) for k in ("number", "date", "title", "issuer",
                                                     "issued_by", "short", "num")})
    out.update({f"basis_{k}": str(basis[k]) for k in ("number", "date", "issuer")})
    return out


def summary(data: PlanInput) -> str:
    d = data.decision
    return data.summary or (f"Triển khai, thực hiện Quyết định số {d.number} ngày "
                            f"{text_date(d.date)} của {d.issuer} ban hành “{d.title}”")


def context(data: PlanInput) -> dict:
    ctx = common.header_context(data.issuer, kind_abbr="KH", number=data.number,
                                date=data.date, year=data.year)
    ctx.update(common.signature_context(data.signer))
    ctx.update(common.recipient_lines(data.recipients, data.archive))
    measures, khoan = measure_paragraphs(data.measures)
    committee = data.committee or f"{data.issuer.name} {data.level}"
    classes = [c.label for c in domain.UNIT_CLASSES]
    ctx.update({
        "summary": summary(data),
        "year": data.year,
        "decision": _decision_context(data.decision),
        "basis": {"number": data.basis_plan.number, "date": text_date(data.basis_plan.date),
                  "issuer": data.basis_plan.issuer},
        "committee": committee,
        "committee_full": f"{committee} {data.issuer.place}",
        "level": data.level,
        "sublevel": data.sublevel,
        "programmes": data.programmes,
        "measures": measures,
        "steps_number": khoan + 1,
        "plan_deadline": text_date(data.plan_deadline),
        "units_deadline": text_date(data.units_deadline),
        "report_deadline": text_date(data.report_deadline or data.units_deadline),
        "reviews": review_lines(data),
        "assessed": data.assessed or (f"khu dân cư, {data.sublevel}, cơ quan, doanh nghiệp, "
                                      "cơ sở giáo dục"),
        "classes": ", ".join(classes),
        "classes_count": f"{len(classes):02d}",
        "tasks": task_items(data.tasks),
        "standing_body": data.standing_body,
        "reporters": data.reporters,
        "report_to": data.report_to.rstrip(" ./"),
    })
    values = _values(ctx)
    ctx.update({
        "preamble": rich("", fill(data.preamble, values)) if data.preamble else "",
        "purposes": _section_context(data.purposes, values),
        "steps": measure_paragraphs(_quoted(data.steps, values))[0] if data.steps else [],
        "assessment": _section_context(data.assessment, values),
        "organisation": _section_context(data.organisation, values, closing=True),
    })
    return common.keep_symbols_in(ctx)


KIND = Kind(
    name="plan",
    label="Kế hoạch triển khai Quyết định 510",
    abbreviation="KH",
    template="plan.docx",
    input=PlanInput,
    context=context,
    summary=summary,
    description="Kế hoạch của Ban Chỉ đạo 138 (cấp huyện hoặc cấp xã) triển khai, thực hiện "
                "Quyết định số 510/QĐ-BCA-V05 về đánh giá, phân loại phong trào toàn dân bảo vệ "
                "an ninh Tổ quốc: mục đích, nội dung, các bước, phân loại, phân công, tổ chức.",
)
