"""Builds templates_docx/plan.docx: ND30 Mẫu 1.4 (a document with a kind name) for the plan
implementing Decision 510. The standing wording is here, in correct Vietnamese; the body's
own lists are data, and a body may replace the opening, the steps or section I, III or V
with its own words (the 2022 sample does, to reproduce the seed as it was signed)."""

from __future__ import annotations

from . import blocks as b

TEMPLATE = "plan.docx"

ROMAN = b.Style(bold=True, before=6, keep_next=True)  # I., II. … UPPER bold, as the body
TITLE = b.Style(bold=True, keep_next=True)              # a khoản with a title
LEAD = b.Style(keep_next=True)                          # a line introducing a list


def _tag(doc, tag: str) -> None:
    b.paragraph(doc, tag)


def _body(doc, *parts, style: b.Style = b.BODY) -> None:
    """A paragraph of standing wording; `parts` are str (upright) or (text, bold, italic)."""
    runs = [(p, False, False) if isinstance(p, str) else p for p in parts]
    b.paragraph(doc, runs=runs, style=style)


def build(path) -> None:
    doc = b.new_document()
    b.page_numbers(doc.sections[0])
    b.header_block(doc, superior="{{ issuer.superior }}", body="{{ issuer.name }}",
                   number="{{ number_line }}", place_date="{{ place_date }}")
    b.title_block(doc, "KẾ HOẠCH", "{{ summary }}")
    _preamble(doc)
    _purposes(doc)
    _measures(doc)
    _assessment(doc)
    _tasks(doc)
    _organisation(doc)
    b.footer_block(doc)
    # The last paragraph keeps with the footer (LEAD) and the footer never splits, so the
    # signature never stands alone at the top of a page.
    b.row_flags(doc.tables[-1].rows[0])
    doc.core_properties.title = "Kế hoạch triển khai Quyết định 510"
    doc.core_properties.author = "docgen"
    b.save(doc, path)


def _blocks(doc, expr: str, *, last_keeps_next: bool = False) -> None:
    """Data paragraphs (dicts with `title` and `rich`) of `expr`: titles bold, kept with
    what follows; `last_keeps_next`: `expr` holds `blocks` and `last` (the closing one)."""
    source = f"{expr}.blocks" if last_keeps_next else expr
    _tag(doc, f"{{%p for m in {source} %}}")
    _tag(doc, "{%p if m.title %}")
    b.paragraph(doc, "{{r m.rich }}", TITLE)
    _tag(doc, "{%p else %}")
    b.paragraph(doc, "{{r m.rich }}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")
    if last_keeps_next:
        b.paragraph(doc, f"{{{{r {expr}.last.rich }}}}", LEAD)


def _section(doc, key: str, roman: str, heading: str, standard, *,
             last_keeps_next: bool = False) -> None:
    """Section `roman`: the body's own heading and paragraphs when the input gives `key`,
    otherwise `heading` and the standard wording written by `standard(doc)`."""
    b.paragraph(doc, f"{roman}. {{% if {key} %}}{{{{ {key}.heading }}}}{{% else %}}{heading}"
                     "{% endif %}", ROMAN)
    _tag(doc, f"{{%p if {key} %}}")
    if last_keeps_next:
        _blocks(doc, key, last_keeps_next=True)
    else:
        _blocks(doc, f"{key}.blocks")
    _tag(doc, "{%p else %}")
    standard(doc)
    _tag(doc, "{%p endif %}")


# The Quy định attached to the decision: named in full in III.1, then «Quy định».
RULES = "Quy định"


def _preamble(doc) -> None:
    _tag(doc, "{%p if preamble %}")
    b.paragraph(doc, "{{r preamble }}")
    _tag(doc, "{%p else %}")
    _body(doc, "Ngày {{ decision.date }}, {{ decision.issued_by }} ban hành Quyết định số "
               "{{ decision.number }} “{{ decision.title }}” (gọi tắt là {{ decision.short }}). "
               "Thực hiện Kế hoạch số {{ basis.number }} ngày {{ basis.date }} của "
               "{{ basis.issuer }}, nhằm triển khai sâu rộng và thực hiện có hiệu quả "
               "{{ decision.short }}, {{ committee_full }} ban hành kế hoạch thực hiện với các "
               "nội dung trọng tâm sau:")
    _tag(doc, "{%p endif %}")


def _purposes(doc) -> None:
    _section(doc, "purposes", "I", "MỤC ĐÍCH, YÊU CẦU", _standard_purposes)


def _standard_purposes(doc) -> None:
    _body(doc, "1. Quán triệt sâu rộng, nghiêm túc nội dung {{ decision.short }} của "
               "{{ decision.issuer }} đến các cấp, các ngành, đoàn thể, cơ quan, doanh nghiệp, nhà "
               "trường, các {{ sublevel }} và khu dân cư để cán bộ, Nhân dân nắm vững, thực hiện.")
    _body(doc, "2. Gắn việc đánh giá, phân loại phong trào toàn dân bảo vệ an ninh Tổ quốc với "
               "việc thực hiện Thông tư số 124/2021/TT-BCA ngày 28/12/2021 của Bộ Công an quy "
               "định khu dân cư, xã, phường, thị trấn, cơ quan, doanh nghiệp, cơ sở giáo dục đạt "
               "tiêu chuẩn “An toàn về an ninh, trật tự” (gọi tắt là Thông tư số 124)"
               "{% if programmes %}, {{ programmes }},{% endif %} và các cuộc vận động, phong "
               "trào thi đua tại cơ sở.")


def _measures(doc) -> None:
    b.paragraph(doc, "II. NỘI DUNG, BIỆN PHÁP THỰC HIỆN", ROMAN)
    # The body's own khoản 1., 2., … (numbered by the context); titles keep with what follows.
    _blocks(doc, "measures")
    b.paragraph(doc, "{{ steps_number }}. Các bước triển khai, thực hiện", TITLE)
    _tag(doc, "{%p if steps %}")
    _blocks(doc, "steps")
    _tag(doc, "{%p else %}")
    _body(doc, "Bước 1: Ủy ban nhân dân {{ level }} xây dựng kế hoạch chỉ đạo, triển khai thực "
               "hiện (", ("hoàn thành trước ngày {{ plan_deadline }}", False, True), ").")
    _body(doc, "- Ủy ban nhân dân {{ level }} tổ chức hội nghị cấp {{ level }} (lồng ghép vào "
               "chương trình hội nghị của địa phương) để triển khai thực hiện.")
    _body(doc, "- Các phòng, ban, ngành, đoàn thể cấp {{ level }} tổ chức quán triệt tại đơn vị "
               "mình.")
    _body(doc, "Bước 2: Các {{ sublevel }}, khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục xây "
               "dựng kế hoạch và triển khai thực hiện (",
          ("hoàn thành trước ngày {{ units_deadline }}", False, True), ").")
    _body(doc, "Bước 3: Tổ chức đánh giá, phân loại phong trào theo mốc thời gian quy định tại "
               "Điều 10 của “{{ decision.title }}” ban hành kèm theo {{ decision.short }}; tiến "
               "hành sơ kết, tổng kết định kỳ theo các văn bản chỉ đạo của "
               "{{ decision.issuer }}{% if reviews %}:{% else %}.{% endif %}", style=LEAD)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p for r in reviews %}")
    b.paragraph(doc, "- {{ r }}")
    _tag(doc, "{%p endfor %}")


def _assessment(doc) -> None:
    _section(doc, "assessment", "III",
             "ĐÁNH GIÁ, PHÂN LOẠI PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC HẰNG NĂM",
             _standard_assessment)


def _standard_assessment(doc) -> None:
    b.paragraph(doc, "1. Nguyên tắc", TITLE)
    _body(doc, "- Việc đánh giá, phân loại phong trào toàn dân bảo vệ an ninh Tổ quốc tại "
               "{{ assessed }} là việc làm thường xuyên, được thực hiện mỗi năm một lần, áp dụng "
               "đối với các đối tượng quy định tại Điều 2 của “{{ decision.title }}” ban hành kèm "
               f"theo {{{{ decision.short }}}} (gọi tắt là {RULES}).")
    _body(doc, "- Kết quả đánh giá, phân loại {{ assessed }} là một trong những căn cứ để xét khen "
               "thưởng hoặc công nhận danh hiệu thi đua có liên quan đến an ninh, trật tự hằng năm "
               "đối với tập thể và cá nhân người đứng đầu đơn vị, địa phương, cơ quan, doanh "
               "nghiệp, cơ sở giáo dục, nhằm tạo động lực thúc đẩy phong trào phát triển.")
    b.paragraph(doc, "2. Hình thức phân loại", TITLE)
    _body(doc, "- Hằng năm, cấp có thẩm quyền đánh giá, xét duyệt, ký quyết định công nhận phân "
               "loại đối với các {{ assessed }} theo {{ classes_count }} loại: ",
          ("{{ classes }}", True, False),
          f" quy định tại Điều 5 của {RULES} (kèm theo danh sách các đơn vị được công nhận).")
    _body(doc, "- Tổ chức công bố kết quả phân loại {{ assessed }} và khen thưởng phong trào toàn "
               "dân bảo vệ an ninh Tổ quốc tại các hội nghị trong Quý I hằng năm (có nội dung liên "
               "quan đến công tác bảo đảm an ninh, trật tự).")
    b.paragraph(doc, "3. Mốc thời gian đánh giá, phân loại phong trào", TITLE)
    _body(doc, f"Thực hiện theo quy định tại Điều 10 của {RULES}.")
    b.paragraph(doc, "4. Trình tự, thủ tục, thẩm quyền và thời gian xét duyệt, đánh giá, quyết "
                     "định phân loại phong trào", TITLE)
    _body(doc, "- Thực hiện theo quy định tại các điểm a, b, c, d khoản 1, khoản 2 và khoản 3 "
               f"Điều 11 của {RULES}.")
    _body(doc, "- Đối với các phòng, ban, ngành, đoàn thể trực thuộc Đảng ủy, Ủy ban nhân dân cấp "
               "{{ level }} thì do Ban Chỉ đạo phòng, chống tội phạm, tệ nạn xã hội và xây dựng "
               "phong trào toàn dân bảo vệ an ninh Tổ quốc cấp {{ level }} xét duyệt, quyết định.")


def _tasks(doc) -> None:
    b.paragraph(doc, "IV. PHÂN CÔNG TRÁCH NHIỆM", ROMAN)
    _tag(doc, "{%p for t in tasks %}")
    b.paragraph(doc, "{{ t.heading }}", TITLE)
    _tag(doc, "{%p for p in t.paragraphs %}")
    b.paragraph(doc, "{{r p }}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endfor %}")


def _organisation(doc) -> None:
    _section(doc, "organisation", "V", "TỔ CHỨC THỰC HIỆN", _standard_organisation,
             last_keeps_next=True)


def _standard_organisation(doc) -> None:
    _body(doc, "1. Thủ trưởng các cơ quan, doanh nghiệp, cơ sở giáo dục và các tổ chức, cá nhân có "
               "liên quan chịu trách nhiệm tổ chức triển khai nghiêm túc Kế hoạch này và các nội "
               "dung của {{ decision.short }}.")
    _body(doc, "2. {{ standing_body }} là cơ quan thường trực tham mưu cho Ban Chỉ đạo phòng, "
               "chống tội phạm, tệ nạn xã hội và xây dựng phong trào toàn dân bảo vệ an ninh Tổ "
               "quốc cấp {{ level }}, có trách nhiệm hướng dẫn, kiểm tra, đôn đốc việc thực hiện "
               "Kế hoạch này.")
    _body(doc, "3. Đối với những tập thể, cá nhân tham mưu, hướng dẫn, tổ chức thực hiện nghiêm "
               "túc, hiệu quả Kế hoạch này, giao cơ quan thường trực ({{ standing_body }}) lựa "
               "chọn, xem xét, đề nghị cấp có thẩm quyền khen thưởng trong phong trào toàn dân bảo "
               "vệ an ninh Tổ quốc hằng năm và tại các đợt sơ kết, tổng kết.")
    _body(doc, "4. {{ reporters }} báo cáo kết quả triển khai thực hiện {{ decision.short }}, gửi "
               "về cơ quan thường trực {{ committee }} ({{ standing_body }}) ",
          ("trước ngày {{ report_deadline }}", True, False),
          " để tổng hợp, báo cáo {{ report_to }}./.", style=LEAD)
