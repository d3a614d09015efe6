"""Builds templates_docx/report.docx: ND30 Mẫu 1.4 (Báo cáo) with the "Kính gửi" block
and three figures tables (classes per unit kind, "An toàn về ANTT", change against last year)."""

from __future__ import annotations

from . import blocks as b, upward

TEMPLATE = "report.docx"

# Tables fill the 165 mm text width (9355 twips); six columns fit portrait A4.
CLASS_WIDTHS = [2155, 1500, 1500, 1500, 1500, 1200]
SAFE_WIDTHS = [3655, 1900, 1900, 1900]
COMPARE_WIDTHS = [2800, 1725, 1730, 3100]

CELL = b.Style(size=13, align=b.LEFT, indent=False, after=0, before=2)
NUM = b.Style(size=13, align=b.CENTER, indent=False, after=0, before=2)
NUM_BOLD = b.Style(size=13, bold=True, align=b.CENTER, indent=False, after=0, before=2)
HEAD = b.Style(size=13, bold=True, align=b.CENTER, indent=False, after=0, before=2)
TOTAL = b.Style(size=13, bold=True, align=b.LEFT, indent=False, after=0, before=2)
TAG = b.Style(size=13, align=b.LEFT, indent=False, after=0)
CAPTION = b.Style(size=13, bold=True, align=b.CENTER, indent=False, before=6, after=0,
                  keep_next=True)
CAPTION_NOTE = b.Style(size=13, italic=True, align=b.CENTER, indent=False, after=4,
                       keep_next=True)
SPACER = b.Style(size=6, align=b.CENTER, indent=False, after=0)
KHOAN = b.Style(bold=True, keep_next=True)
ROMAN = b.Style(bold=True, keep_next=True, before=6)



def build(path) -> None:
    doc = b.new_document()
    b.page_numbers(doc.sections[0])
    upward.compact_header(doc)
    b.title_block(doc, "BÁO CÁO", "{{ summary }}")
    upward.addressee_block(doc)
    b.paragraph(doc, "{{ intro }}")
    b.paragraph(doc, "I. KẾT QUẢ TRIỂN KHAI THỰC HIỆN", ROMAN)
    b.paragraph(doc, "{%p for t in implementation %}")
    b.paragraph(doc, "{{ t.heading }}", KHOAN)
    _loop(doc, "t.paragraphs")
    b.paragraph(doc, "{%p endfor %}")
    _figures(doc)
    b.paragraph(doc, "III. ĐÁNH GIÁ CHUNG", ROMAN)
    for heading, key in (("1. Ưu điểm", "strengths"), ("2. Hạn chế, tồn tại", "weaknesses"),
                         ("3. Nguyên nhân", "causes")):
        b.paragraph(doc, heading, KHOAN)
        _loop(doc, key)
    b.paragraph(doc, "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ", ROMAN)
    _loop(doc, "directions")
    b.paragraph(doc, "V. ĐỀ XUẤT, KIẾN NGHỊ", ROMAN)
    _loop(doc, "proposals")
    b.paragraph(doc, "{{ closing }}")
    b.footer_block(doc)
    doc.core_properties.title = "Báo cáo kết quả đánh giá, phân loại phong trào"
    doc.core_properties.author = "docgen"
    b.save(doc, path)


def _loop(doc, items: str) -> None:
    b.paragraph(doc, f"{{%p for para in {items} %}}")
    b.paragraph(doc, "{{ para }}")
    b.paragraph(doc, "{%p endfor %}")


def _figures(doc) -> None:
    b.paragraph(doc, "II. KẾT QUẢ ĐÁNH GIÁ, PHÂN LOẠI PHONG TRÀO", ROMAN)
    b.paragraph(doc, "1. Kết quả đánh giá, phân loại phong trào", KHOAN)
    b.paragraph(doc, "{{ overall }}")
    _loop(doc, "kind_lines")
    b.paragraph(doc, "{%p if weak_line %}")
    b.paragraph(doc, "{{ weak_line }}")
    b.paragraph(doc, "{%p endif %}")
    b.paragraph(doc, "Bảng 1. Kết quả đánh giá, phân loại phong trào năm {{ year }} theo loại hình "
                     "đơn vị", CAPTION)
    b.paragraph(doc, "(Tỷ lệ tính trên tổng số đơn vị của từng loại hình)", CAPTION_NOTE)
    _class_table(doc)
    b.paragraph(doc, "", SPACER)
    b.paragraph(doc, "2. Kết quả công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự”", KHOAN)
    b.paragraph(doc, "{{ safe_sentence }}")
    b.paragraph(doc, "Bảng 2. Đơn vị đạt tiêu chuẩn “An toàn về ANTT” năm {{ year }}", CAPTION)
    _safe_table(doc)
    b.paragraph(doc, "", SPACER)
    b.paragraph(doc, "{%p if comparison %}")
    b.paragraph(doc, "3. So sánh với năm {{ comparison.previous_year }}", KHOAN)
    b.paragraph(doc, "{{ comparison_sentence }}")
    b.paragraph(doc, "Bảng 3. So sánh kết quả năm {{ comparison.year }} với năm "
                     "{{ comparison.previous_year }}", CAPTION)
    _compare_table(doc)
    b.paragraph(doc, "", SPACER)
    b.paragraph(doc, "{%p endif %}")


def _table(doc, widths, headers, loop: str, cells, total_cells):
    """A figures table: repeated bold header, one looped data row, a bold total row.

    `cells` and `total_cells` list, per column, the (text, style) paragraphs of the cell.
    """
    table = b.grid_table(doc, widths, rows=5 if loop else 3)
    rows = list(table.rows)
    head = rows[0]
    for cell, label in zip(head.cells, headers, strict=True):
        b.paragraph(cell, label, HEAD)
    b.row_flags(head, header=True)
    if loop:
        start, data, end, total = rows[1:]
        b.paragraph(b.merge_row(start), f"{{%tr for r in {loop} %}}", TAG)
        b.paragraph(b.merge_row(end), "{%tr endfor %}", TAG)
    else:
        data, total = rows[1:]
    for row, spec in ((data, cells), (total, total_cells)):
        for cell, paragraphs in zip(row.cells, spec, strict=True):
            for text, style in paragraphs:
                b.paragraph(cell, text, style)
        b.row_flags(row)
    return table


def _class_table(doc) -> None:
    headers = ["Loại hình đơn vị", "Xuất sắc", "Khá", "Trung bình", "Yếu", "Tổng số"]
    cells = [[("{{ r.label }}", CELL)]] + [
        [(f"{{{{ r.cells[{i}].count }}}}", NUM), (f"{{{{ r.cells[{i}].share }}}}", NUM)]
        for i in range(4)] + [[("{{ r.total }}", NUM_BOLD)]]
    total = [[("{{ class_total.label }}", TOTAL)]] + [
        [(f"{{{{ class_total.cells[{i}].count }}}}", NUM_BOLD),
         (f"{{{{ class_total.cells[{i}].share }}}}", NUM_BOLD)]
        for i in range(4)] + [[("{{ class_total.total }}", NUM_BOLD)]]
    _table(doc, CLASS_WIDTHS, headers, "class_rows", cells, total)


def _safe_table(doc) -> None:
    headers = ["Loại hình đơn vị", "Tổng số đơn vị", "Đạt tiêu chuẩn", "Tỷ lệ"]
    cells = [[("{{ r.label }}", CELL)], [("{{ r.total }}", NUM)], [("{{ r.safe }}", NUM)],
             [("{{ r.share }}", NUM)]]
    total = [[("{{ safe_total.label }}", TOTAL)], [("{{ safe_total.total }}", NUM_BOLD)],
             [("{{ safe_total.safe }}", NUM_BOLD)], [("{{ safe_total.share }}", NUM_BOLD)]]
    _table(doc, SAFE_WIDTHS, headers, "safe_rows", cells, total)


def _compare_table(doc) -> None:
    headers = ["Nội dung", "Năm {{ comparison.previous_year }}", "Năm {{ comparison.year }}",
               "Tăng, giảm"]
    cells = [[("{{ r.label }}", CELL)],
             [("{{ r.before }}", NUM), ("{{ r.before_share }}", NUM)],
             [("{{ r.now }}", NUM), ("{{ r.now_share }}", NUM)],
             [("{{ r.count }}", NUM), ("{{ r.points }}", NUM)]]
    total = [[("{{ comparison.total.label }}", TOTAL)],
             [("{{ comparison.total.before }}", NUM_BOLD)],
             [("{{ comparison.total.now }}", NUM_BOLD)],
             [("{{ comparison.total.count }}", NUM_BOLD)]]
    _table(doc, COMPARE_WIDTHS, headers, "comparison.rows", cells, total)
