"""ND30 layout rules (Nghị định 30/2020/NĐ-CP, Phụ lục I) as data, and a checker for any
DOCX: ``findings = check(path); print(format_findings(findings))``.

A component rule applies only when the component is present: a citizen's form with a
Quốc hiệu but no agency column gets no agency findings.
"""

from __future__ import annotations

from . import body_rules, certificate_rules, font_rules, footer_rules, header_rules, page_rules
from .context import Context
from .document import Document
from .findings import Finding, Rule, format_findings, merged
from .ooxml import NotADocx, Source

__all__ = ["CERTIFICATE_RULES", "RULES", "Finding", "NotADocx", "Rule", "check",
           "format_findings", "rule"]

RULES: tuple[Rule, ...] = (
    Rule("page.paper", "Khổ giấy",
         "Mọi phần (section) in trên khổ A4 210 × 297 mm, đứng hoặc ngang.",
         page_rules.check_paper),
    Rule("page.margins", "Lề trang",
         "Lề trên, lề dưới 20–25 mm; lề trái 30–35 mm; lề phải 15–20 mm.",
         page_rules.check_margins),
    Rule("font.family", "Phông chữ",
         "Mọi chữ dùng phông Times New Roman (phông thực tế sau khi tính kiểu, mặc định "
         "và phông chủ đề).", font_rules.check_family),
    Rule("font.color", "Màu chữ", "Chữ màu đen.", font_rules.check_color),
    Rule("font.size", "Cỡ chữ",
         "Chữ ngoài các thành phần thể thức có cỡ 10–14 pt; các thành phần được kiểm tra "
         "cỡ chữ theo quy tắc riêng.", font_rules.check_size),
    Rule("header.national_title", "Quốc hiệu",
         "«CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM»: chữ in hoa, đậm, cỡ 12–13 pt, căn giữa.",
         header_rules.check_national_title),
    Rule("header.motto", "Tiêu ngữ",
         "«Độc lập - Tự do - Hạnh phúc»: đậm, cỡ 13–14 pt, căn giữa, gạch nối có dấu cách, "
         "cùng bộ cỡ chữ với Quốc hiệu (13/14 hoặc 12/13); dưới có đường kẻ nét liền dài "
         "bằng dòng chữ.", header_rules.check_motto),
    Rule("header.body", "Tên cơ quan ban hành",
         "Tên cơ quan chủ quản và cơ quan ban hành: chữ in hoa, cỡ 12–13 pt, căn giữa; "
         "cơ quan chủ quản không đậm, cơ quan ban hành đậm; dưới có đường kẻ nét liền dài "
         "1/3–1/2 dòng chữ.", header_rules.check_agency),
    Rule("header.number", "Số, ký hiệu",
         "«Số: 05/QĐ-UBND»: cỡ 13 pt, chữ đứng, không đậm, căn giữa; số từ hai chữ số (số "
         "nhỏ hơn 10 thêm số 0) hoặc để trống khi dự thảo; ký hiệu in hoa nối bằng «-».",
         header_rules.check_number),
    Rule("header.date", "Địa danh, ngày tháng",
         "«Quan Sơn, ngày 05 tháng 02 năm 2022»: chữ nghiêng, cỡ 13–14 pt, căn giữa; ngày "
         "nhỏ hơn 10 và tháng 1, 2 thêm số 0, tháng 3–9 không thêm; ngày có thật; địa danh "
         "viết hoa; cùng hàng với Số.", header_rules.check_date),
    Rule("title.kind", "Tên loại và trích yếu",
         "Tên loại văn bản (chữ in hoa) và trích yếu: đậm, cỡ 13–14 pt, căn giữa; dưới "
         "trích yếu có đường kẻ ngắn nét liền.", body_rules.check_title),
    Rule("body.paragraph", "Đoạn nội dung",
         "Đoạn nội dung: căn đều hai bên, thụt đầu dòng 1 cm hoặc 1,27 cm, cỡ 13–14 pt, "
         "cách đoạn tối thiểu 6 pt, giãn dòng từ 1 đến 1,5 dòng.", body_rules.check_body),
    Rule("body.ending", "Kết thúc nội dung",
         "Nội dung văn bản có nơi nhận hoặc chữ ký kết thúc bằng «./.».",
         body_rules.check_ending),
    Rule("footer.recipients", "Nơi nhận",
         "«Nơi nhận:» đậm, nghiêng, cỡ 12 pt, không gạch chân, căn trái; mỗi nơi nhận một "
         "dòng cỡ 11 pt, chữ đứng, bắt đầu bằng «-», kết thúc bằng «;»; dòng cuối «- Lưu: …» "
         "kết thúc bằng «.».", footer_rules.check_recipients),
    Rule("footer.signature", "Chữ ký",
         "Quyền hạn, chức vụ người ký: chữ in hoa, đậm, cỡ 13–14 pt, căn giữa, viết tắt "
         "«TM.», «KT.», «Q.», «TL.», «TUQ.»; họ tên đậm, cỡ 13–14 pt, căn giữa, không có "
         "danh xưng hay học vị phía trước, có chỗ ký phía trên.", footer_rules.check_signature),
    Rule("page.numbers", "Số trang",
         "Số trang (trường PAGE) ở giữa phần đầu trang, cỡ 13–14 pt, chữ đứng, chữ số Ả Rập, "
         "không hiện ở trang 1.", page_rules.check_page_numbers),
)


def _validated(rules: tuple[Rule, ...]) -> dict[str, Rule]:
    by_id: dict[str, Rule] = {}
    for item in rules:
        if item.id in by_id:
            raise ValueError(f"duplicate ND30 rule id {item.id!r}")
        by_id[item.id] = item
    return by_id


# A Giấy công nhận (Circular 124 Điều 10) is not an ND30 document: ND30's rules for what it
# shares with one, then its own (docgen.nd30.certificate_rules).
CERTIFICATE_RULES: tuple[Rule, ...] = tuple(r for r in RULES if r.id in certificate_rules.KEPT) + (
    Rule("certificate.paper", "Khổ giấy Giấy công nhận", "A4 ngang 297 × 210 mm.",
         certificate_rules.check_paper),
    Rule("certificate.frame", "Khung viền",
         "Khung viền in quanh trang (viền trang ở cả bốn cạnh).", certificate_rules.check_frame),
    Rule("certificate.margins", "Lề Giấy công nhận",
         "Lề 15–25 mm ở mọi cạnh, chữ nằm trong khung.", certificate_rules.check_margins),
    Rule("certificate.title", "Tên giấy",
         "«GIẤY CÔNG NHẬN»: đậm, căn giữa, cỡ 24–32 pt.", certificate_rules.check_title),
    Rule("certificate.size", "Cỡ chữ Giấy công nhận",
         "Chữ ngoài tên giấy cỡ 12–24 pt.", certificate_rules.check_sizes),
)
PROFILES = {"nd30": RULES, "certificate": CERTIFICATE_RULES}

_BY_ID = _validated(RULES + CERTIFICATE_RULES[len(certificate_rules.KEPT):])


def rule(rule_id: str) -> Rule:
    """The rule record with this id (KeyError if there is none)."""
    return _BY_ID[rule_id]


def profile_of(source: Source) -> str:
    """"certificate" for a Giấy công nhận (a «GIẤY CÔNG NHẬN» paragraph), else "nd30"."""
    return "certificate" if certificate_rules.is_certificate(Context(Document(source))) \
        else "nd30"


def check(source: Source, profile: str | None = None) -> list[Finding]:
    """Every ND30 finding for a DOCX given as a path, bytes or a binary file; [] when it
    conforms. `profile` "nd30" or "certificate" chooses the rules; None: "certificate" for a
    Giấy công nhận, else "nd30". Raises NotADocx (a UserError) when the file cannot be read."""
    context = Context(Document(source))
    if profile is None:
        profile = "certificate" if certificate_rules.is_certificate(context) else "nd30"
    findings: list[Finding] = []
    for item in PROFILES[profile]:
        findings.extend(merged(item.id, item.check(context)))
    return findings
