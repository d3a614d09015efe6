"""Builds templates_docx/plan.docx: ND30 Mẫu 1.4 (a document with a kind name) for the plan
implementing Decision 510. The standing wording is here; the body's own lists are data."""

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


def _preamble(doc) -> None:
    _body(doc, "Ngày {{ decision.date }}, {{ decision.issued_by }} ban hành Quyết định số "
               "{{ decision.number }} “{{ decision.title }}” (gọi tắt là {{ decision.short }}). "
               "Thực hiện Kế hoạch số {{ basis.number }}, ngày {{ basis.date }} của "
               "{{ basis.issuer }}. Nhằm triển khai sâu rộng và thực hiện có hiệu quả "
               "{{ decision.short }}, {{ committee_full }} triển khai kế hoạch thực hiện với các "
               "nội dung trọng tâm sau:")


def _purposes(doc) -> None:
    b.paragraph(doc, "I. MỤC ĐÍCH YÊU CẦU", ROMAN)
    _body(doc, "1. Quán triệt sâu rộng, nghiêm túc nội dung {{ decision.short }} của "
               "{{ decision.issuer }} đến các cấp, các ngành, đoàn thể, cơ quan, doanh nghiệp, nhà "
               "trường, các {{ sublevel }} và khu dân cư để cán bộ, nhân dân nắm vững, thực hiện.")
    _body(doc, "2. Gắn việc thực hiện đánh giá, phân loại phong trào toàn dân bảo vệ an ninh Tổ "
               "quốc với việc thực hiện Thông tư số 124/2021/TT-BCA của Bộ Công an quy định về khu "
               "dân cư, xã, phường, thị trấn, cơ quan, doanh nghiệp cơ sở giáo dục “An toàn về an "
               "ninh, trật tự” (gọi tắt là Thông tư số 124){% if programmes %}, {{ programmes }},"
               "{% endif %} và các cuộc vận động, phong trào thi đua tại cơ sở.")


def _measures(doc) -> None:
    b.paragraph(doc, "II. NỘI DUNG, BIỆN PHÁP THỰC HIỆN", ROMAN)
    # The body's own khoản 1., 2., … (numbered by the context); titles keep with what follows.
    _tag(doc, "{%p for m in measures %}")
    _tag(doc, "{%p if m.title %}")
    b.paragraph(doc, "{{r m.rich }}", TITLE)
    _tag(doc, "{%p else %}")
    b.paragraph(doc, "{{r m.rich }}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")
    b.paragraph(doc, "{{ steps_number }}. Các bước triển khai, thực hiện", TITLE)
    _body(doc, "Bước 1: Ủy ban nhân dân {{ level }} xây dựng kế hoạch chỉ đạo, triển khai thực "
               "hiện (", ("hoàn thành trước {{ plan_deadline }}", False, True), ")")
    _body(doc, "- Ủy ban nhân dân {{ level }} tổ chức hội nghị cấp {{ level }} (lồng ghép vào "
               "chương trình hội nghị của địa phương) để triển khai thực hiện.")
    _body(doc, "- Các phòng, ban, ngành, đoàn thể cấp {{ level }} tổ chức quán triệt tại đơn vị "
               "mình.")
    _body(doc, "Bước 2: Các {{ sublevel }}, khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục xây "
               "dựng kế hoạch và triển khai thực hiện (",
          ("hoàn thành trước ngày {{ units_deadline }}", False, True), ").")
    _body(doc, "Bước 3: Tổ chức đánh giá, phân loại phong trào (theo mốc thời gian quy định tại "
               "Điều 10, Quyết định {{ decision.num }}). Tiến hành sơ kết, tổng kết theo định kỳ "
               "gắn với nội dung các văn bản của {{ decision.issuer }} chỉ đạo:", style=LEAD)
    _tag(doc, "{%p for r in reviews %}")
    b.paragraph(doc, "- {{ r }}")
    _tag(doc, "{%p endfor %}")


def _assessment(doc) -> None:
    b.paragraph(doc, "III. ĐÁNH GIÁ, PHÂN LOẠI PHONG TRÀO TOÀN DÂN BẢO VỆ ANTQ HÀNG NĂM", ROMAN)
    b.paragraph(doc, "1. Nguyên tắc", TITLE)
    _body(doc, "- Việc đánh giá, phân loại phong trào toàn dân bảo vệ ANTQ tại {{ assessed }} là "
               "việc làm thường xuyên, được thực hiện thuộc điều mỗi năm một lần, áp dụng đối với "
               "đối tượng 2 của Quy định Tiêu chí đánh giá, phân loại phong trào toàn dân bảo vệ "
               "ANTQ theo {{ decision.short }}.")
    _body(doc, "- Kết quả đánh giá, phân loại {{ assessed }} là một trong những căn cứ xét, khen "
               "thưởng hoặc công nhận danh hiệu thi đua có liên quan đến ANTT hằng năm đối với tập "
               "thể, cá nhân người đứng đầu đơn vị, địa phương, cơ quan, doanh nghiệp, cơ sở giáo "
               "dục nhằm tạo động lực thúc đẩy phong trào phát triển.")
    b.paragraph(doc, "2. Hình thức phân loại", TITLE)
    _body(doc, "- Hàng năm cấp có thẩm quyền đánh giá, xét duyệt ký quyết định công nhận phân "
               "loại đối với các {{ assessed }} theo {{ classes_count }} loại: ",
          ("{{ classes }}", True, False),
          " quy định tại điều 5 của Quy định tiêu chí đánh giá, phân loại phong trào toàn dân "
          "bảo vệ ANTQ theo {{ decision.short }} (kèm theo danh sách các đơn vị được công nhận).")
    _body(doc, "- Tổ chức công bố kết quả phân loại {{ assessed }} và khen thưởng phong trào toàn "
               "dân bảo vệ ANTTQ tại các hội nghị trong quý I hàng năm (có nội dung liên quan về "
               "công tác đảm bảo ANTT).")
    b.paragraph(doc, "3. Mốc tính thời gian đánh giá phân loại phong trào", TITLE)
    _body(doc, "Quy định tại điều 10 của Quy định Tiêu chí đánh giá, phân loại phong trào toàn dân "
               "bảo vệ ANTTQ theo {{ decision.short }}.")
    b.paragraph(doc, "4. Trình tự, thủ tục, thẩm quyền và thời gian xét duyệt, đánh giá, quyết "
                     "định phân loại phong trào", TITLE)
    _body(doc, "- Quy định tại điểm a, b, c, d khoản 1 và khoản 2, khoản 3, Điều 11 của Quy định "
               "Tiêu chí đánh giá, phân loại phong trào toàn dân bảo vệ ANTTQ theo "
               "{{ decision.short }}.")
    _body(doc, "- Đối với các phòng, ban, ngành, đoàn thể trực thuộc Đảng ủy, UBND cấp {{ level }} "
               "thì do Ban chỉ đạo phòng, chống tội phạm, tệ nạn xã hội và xây dựng phong trào "
               "toàn dân bảo vệ ANTTQ {{ level }} xét duyệt, quyết định.")


def _tasks(doc) -> None:
    b.paragraph(doc, "IV. PHÂN CÔNG TRÁCH NHIỆM", ROMAN)
    _tag(doc, "{%p for t in tasks %}")
    b.paragraph(doc, "{{ t.heading }}", TITLE)
    _tag(doc, "{%p for p in t.paragraphs %}")
    b.paragraph(doc, "{{r p }}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endfor %}")


def _organisation(doc) -> None:
    b.paragraph(doc, "V. TỔ CHỨC THỰC HIỆN", ROMAN)
    _body(doc, "1. Thủ trưởng các cơ quan, doanh nghiệp, cơ sở giáo dục và các tổ chức, cá nhân có "
               "liên quan chịu trách nhiệm tổ chức triển khai nghiêm túc Kế hoạch này và các nội "
               "dung trong {{ decision.short }}.")
    _body(doc, "2. {{ standing_body }} là cơ quan thường trực tham mưu cho Ban chỉ đạo phòng, "
               "chống tội phạm, tệ nạn xã hội và xây dựng phong trào toàn dân bảo vệ ANTQ cấp "
               "{{ level }} có trách nhiệm hướng dẫn, kiểm tra, đôn đốc việc thực hiện Kế hoạch "
               "này.")
    _body(doc, "3. Những tập thể, cá nhân tham mưu, hướng dẫn, tổ chức thực hiện nghiêm túc, hiệu "
               "quả Kế hoạch này: giao cơ quan thường trực ({{ standing_body }}) lựa chọn, xem xét "
               "đề nghị các cấp khen thưởng trong phong trào toàn dân bảo vệ ANTQ hằng năm, các "
               "đợt sơ kết, tổng kết.")
    _body(doc, "4. {{ reporters }} báo cáo kết quả triển khai thực hiện {{ decision.short }}, gửi "
               "về Cơ quan thường trực {{ committee }} ({{ standing_body }}) ",
          ("trước ngày {{ report_deadline }}", True, False),
          " để tập hợp báo cáo {{ report_to }}./.", style=LEAD)
