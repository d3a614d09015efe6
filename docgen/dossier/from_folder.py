"""The year's dossier read from a folder of rendered DOCX files (python-docx): each file's
kind from its title, number and date from the ND30 header, units and classes from the list
tables, the report's figures from its tables, citations from the text. What a file does not
carry is said in the notes, never guessed."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections import Counter
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError

from .. import documents, domain
from ..errors import UserError
from ..rules import Rules, load_rules, tier
from ..vietnamese import fold
from . import checks
from .citations import citations_in, clean, nd30_date_in
from .model import (DRAFT, ISSUED, KIND_WORDS, MADE, Counts, Dossier, Listed, Paper, Ref,
                    checklist)

TITLES = {"KẾ HOẠCH": "plan", "BẢN ĐĂNG KÝ": "registration", "BIÊN BẢN": "minutes",
          "PHIẾU CHẤM ĐIỂM": "score_sheet", "TỜ TRÌNH": "proposal", "QUYẾT ĐỊNH": "decision",
          "BÁO CÁO": "report"}
# Which citations each kind's text is read for (others are the law it quotes).
CITES = {"plan": ("plan",), "registration": ("plan",), "minutes": (), "score_sheet": (),
         "proposal": ("plan",), "decision": ("proposal", "plan"), "report": ("decision", "plan")}
_MEETING = re.compile(r"^Thời gian bắt đầu: .*?(ngày \d{1,2} tháng \d{1,2} năm \d{4})")
OUTSIDE_SYMBOLS = {"510/QĐ-BCA-V05"}
_YEAR = re.compile(r"năm (\d{4})\b")
_LEVEL = re.compile(r"\b(XÃ|PHƯỜNG|THỊ TRẤN|ĐẶC KHU|HUYỆN|QUẬN|THỊ XÃ|THÀNH PHỐ|TỈNH)\b")


def _cell_lines(cell) -> list[str]:
    return [clean(p.text).strip() for p in cell.paragraphs if p.text.strip()]


def _header(document, paper: Paper) -> None:
    """Issuer, number and date from the ND30 header table (first table of the file)."""
    if not document.tables:
        return
    table = document.tables[0]
    try:
        left, right = table.cell(0, 0), table.cell(1, 1)
        number = clean(table.cell(1, 0).text).strip()
    except IndexError:
        return
    lines = _cell_lines(left)
    # ND30: the issuer's name is bold, the superior body above it is not.
    bold = [clean(p.text).strip() for p in left.paragraphs
            if p.text.strip() and any(r.bold for r in p.runs)]
    if lines:
        paper.issuer = " ".join(bold) or lines[-1]
        level = _LEVEL.search(paper.issuer)
        if level is None:  # «BAN CHỈ ĐẠO 138» under «UBND HUYỆN QUAN SƠN»: its place
            for line in lines:
                if (level := _LEVEL.search(line)) is not None:
                    paper.issuer += " " + line[level.start():]
                    break
        paper.tier = tier(level.group(1).lower()) if level else ""
    symbol = number.removeprefix("Số:").strip().replace(" ", "")
    paper.symbol = "" if symbol.startswith("/") else symbol
    paper.date = nd30_date_in(right.text)
    paper.status = ISSUED if paper.symbol and paper.date else (
        MADE if paper.kind == "registration" else DRAFT)


def _rows(table) -> list[list[str]]:
    out = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:  # a merged cell repeats: keep it once
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(clean(cell.text).strip())
        out.append(cells)
    return out


def _class_code(text: str) -> str | None:
    found = domain.unit_class(text) if text else None
    return found.code if found else None


def _units(document, kind: str) -> list[Listed] | None:
    """The list tables: the Tờ trình's scored list (grouped by kind) or the decision's list
    (with a kind column); None when the file has none."""
    found: list[Listed] | None = None
    for table in document.tables:
        rows = _rows(table)
        if not rows or not rows[0] or rows[0][0] != "STT" or len(rows[0]) < 4:
            continue
        head = [fold(h) for h in rows[0]]
        found = found if found is not None else []
        group_kind = ""
        for row in rows[1:]:
            if len(row) == 1:  # a group heading: «I. KHU DÂN CƯ (10 đơn vị)»
                label = re.sub(r"^[IVX]+\.\s*|\s*\(\d+ đơn vị\)$", "", row[0])
                unit_kind = domain.unit_kind(label)
                group_kind = unit_kind.code if unit_kind else ""
                continue
            if not row[0].isdigit() or len(row) != len(head):
                continue
            cells = dict(zip(head, row, strict=True))
            unit_kind = domain.unit_kind(cells.get("loai hinh", "")) if "loai hinh" in cells \
                else None
            grade = cells.get("xep loai") or cells.get("de xuat xep loai") or ""
            safe_text = fold(cells.get("an toan ve antt", ""))
            found.append(Listed(cells.get("ten don vi", ""),
                                unit_kind.code if unit_kind else group_kind,
                                _class_code(grade),
                                None if not safe_text else safe_text == "dat"))
    return found


def _count(text: str) -> int | None:
    match = re.match(r"\s*(\d+)", text)
    return int(match.group(1)) if match else None


def _report_counts(document) -> Counts | None:
    """The report's «Tổng cộng» rows: units per class, and the number "An toàn"."""
    classes: dict[str, int] | None = None
    safe = None
    for table in document.tables:
        rows = _rows(table)
        if not rows or fold(rows[0][0]) != "loai hinh don vi":
            continue
        head = [fold(h) for h in rows[0]]
        total = next((r for r in rows if fold(r[0]) == "tong cong" and len(r) == len(head)),
                     None)
        if total is None:
            continue
        cells = dict(zip(head, total, strict=True))
        if "dat tieu chuan" in cells:
            safe = _count(cells["dat tieu chuan"])
        else:
            classes = {c.code: _count(cells.get(fold(c.label), "")) or 0
                       for c in domain.UNIT_CLASSES}
    return Counts(classes, safe) if classes is not None else None


def _paragraphs(document) -> list[str]:
    return [clean(p.text) for p in document.paragraphs if p.text.strip()]


def read_paper(path: Path, notes: list[str]) -> Paper | None:
    """One file as a paper; None (with a note) when it is not a dossier document."""
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError):
        notes.append(f"{path.name}: không đọc được (không phải tệp DOCX hợp lệ)")
        return None
    texts = _paragraphs(document)
    kind = next((TITLES[t.strip()] for t in texts if t.strip() in TITLES), None)
    if kind is None:
        notes.append(f"{path.name}: không nhận ra loại văn bản (kế hoạch, bản đăng ký, tờ "
                     "trình, quyết định, báo cáo) từ tiêu đề")
        return None
    paper = Paper(kind, Ref(path.name, path=str(path)))
    _header(document, paper)
    title_at = next(i for i, t in enumerate(texts) if t.strip() in TITLES)
    year = _YEAR.search(" ".join(texts[title_at + 1:title_at + 2]))
    paper.year = int(year.group(1)) if year else (paper.date.year if paper.date else None)
    label = f"{KIND_WORDS[kind]} số {paper.symbol}" if paper.symbol else KIND_WORDS[kind]
    paper.ref = Ref(f"{label} (tệp {path.name})", path=str(path))
    if kind in ("proposal", "decision"):
        paper.units = _units(document, kind)
        if paper.units is None:
            notes.append(f"{path.name}: không có bảng danh sách đơn vị")
    if kind == "report":
        paper.counts = _report_counts(document)
        if paper.counts is None:
            notes.append(f"{path.name}: không đọc được bảng kết quả xếp loại của báo cáo")
        elif paper.counts.safe is None:
            notes.append(f"{path.name}: không có bảng số đơn vị đạt “An toàn về ANTT”")
    if kind in ("minutes", "score_sheet"):  # a unit's paper: no number of the body's
        paper.status, paper.symbol = MADE, ""
        meeting = next((m for t in texts if (m := _MEETING.match(t))), None)
        paper.date = nd30_date_in(meeting.group(1)) if meeting else None
        notes.append(f"{path.name}: {KIND_WORDS[kind].lower()} — chỉ đọc loại và ngày, chưa "
                     "đối chiếu nội dung")
    if kind == "registration":
        paper.unit_kinds = _registration_kind(texts)
    elif paper.units:
        paper.unit_kinds = tuple(sorted({u.kind for u in paper.units if u.kind}))
    seen = set()
    for text in texts:
        for cited in citations_in(text):
            key = (cited.kind, cited.symbol, cited.date)
            if (cited.kind in CITES[kind] and cited.symbol not in OUTSIDE_SYMBOLS
                    and cited.symbol != paper.symbol and key not in seen):
                seen.add(key)
                paper.citations.append(cited)
    if not paper.date and kind not in ("minutes", "score_sheet"):
        notes.append(f"{path.name}: chưa ghi ngày ban hành (dự thảo)")
    return paper


def _registration_kind(texts: list[str]) -> tuple[str, ...]:
    """A registration's unit kind from its criteria (khu dân cư: «100% hộ gia đình»)."""
    body = " ".join(texts)
    if "hộ gia đình đang cư trú" in body:
        return ("khu_dan_cu",)
    if "khu dân cư, cơ quan, doanh nghiệp, cơ sở giáo dục thuộc thẩm quyền" in body:
        return ("xa",)
    if "người học" in body:
        return ("co_so_giao_duc",)
    return ("co_quan",)


def _same_issuer(header: str, cited: str) -> bool:
    """The header's «BAN CHỈ ĐẠO 138 HUYỆN QUAN SƠN» is the «Ban Chỉ đạo 138 huyện Quan Sơn»
    a citation names."""
    return bool(header) and fold(cited) == fold(header)


def _lookup(papers: list[Paper]):
    def lookup(cited):
        same = [p for p in papers if p.kind == cited.kind and p.symbol == cited.symbol]
        if same:
            return same
        others = [p for p in papers if p.kind == cited.kind and p.issued]
        if others and (not cited.issuer or any(_same_issuer(p.issuer, cited.issuer)
                                               for p in others)):
            return []
        return None
    return lookup


def _competence(papers: list[Paper], rules: Rules, year: int, notes: list[str]):
    """What a file can tell of competence: units whose kind alone names the deciding tier
    (residential areas, communes); other kinds need facts the DOCX does not carry."""
    out = []
    unsure = False
    for paper in checks.chosen(papers, "decision"):
        on = paper.date or dt.date(year, 11, 1)
        wrong: dict[str, list[str]] = {}
        for unit in paper.units or ():
            if unit.kind not in ("khu_dan_cu", "xa"):
                unsure = True
                continue
            rule = rules.competent(unit.kind, on=on)
            if rule is not None and paper.tier and paper.tier != rule.decider:
                wrong.setdefault(f"{rule.label} ({rule.source})", []).append(unit.name)
        for competent, names in wrong.items():
            out.append(checks.Finding("not_competent", (
                f"{paper.ref.label} của {paper.issuer} liệt kê {len(names)} đơn vị không thuộc "
                f"thẩm quyền của cơ quan này: {checks._names(names)}; cơ quan có thẩm quyền: "
                f"{competent}"), (paper.ref,)))
    if unsure:
        notes.append("Thẩm quyền với cơ quan, doanh nghiệp, cơ sở giáo dục và việc đơn vị có "
                     "thuộc đối tượng đánh giá hay không cần loại, quy mô, cấp quản lý của "
                     "đơn vị — tệp DOCX không ghi: hãy kiểm tra trên dữ liệu (docgen dossier "
                     "check --body … --year …)")
    return out


def check_folder(path, rules: Rules | None = None) -> Dossier:
    """The consistency checks of `path`, a folder of one year's rendered DOCX files, as far
    as the files carry the facts; UserError when it is not a folder."""
    folder = Path(path)
    if not folder.is_dir():
        raise UserError(f"Không tìm thấy thư mục «{folder}»")
    rules = rules or load_rules()
    notes: list[str] = []
    papers = [p for f in sorted(folder.glob("*.docx")) if not f.name.startswith("~$")
              for p in [read_paper(f, notes)] if p is not None]
    if not papers:
        notes.append(f"Thư mục «{folder}» không có văn bản nào của hồ sơ (tệp .docx)")
    years = Counter(p.year for p in papers if p.year)
    year = max(years, key=lambda y: (years[y], y)) if years else None
    for paper in [p for p in papers if p.year and p.year != year]:
        notes.append(f"{paper.ref.label}: thuộc năm {paper.year}, không kiểm tra cùng hồ sơ "
                     f"năm {year}")
        papers.remove(paper)
    papers.sort(key=lambda p: (p.date is None, p.date or 0, p.ref.label))
    findings = checks.figures(papers)
    if year is not None:
        findings += _competence(papers, rules, year, notes)
        findings += checks.deadlines(papers, rules, year)
    findings += checks.date_order(papers)
    findings += checks.citations(papers, _lookup(papers), notes, where="thư mục")
    findings += checks.missing_citations(papers)
    findings += checks.second_proposals(papers)
    return Dossier(f"Hồ sơ năm {year or '(chưa rõ)'} — thư mục {folder}", year,
                   checklist(papers, documents.KINDS), checks.unique(findings),
                   list(dict.fromkeys(notes)))
