"""Inputs and context pieces shared by document kinds: the issuing body, the signer,
the number and date, recipients. Each piece is formatted here once for every kind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .. import domain
from ..metrics import ruler_choice
from ..schema import Column, FieldError, choice, day, integer, text, text_list
from ..vietnamese import doc_symbol, fold, keep_symbols, nd30_date, upper

AUTHORITY_OPTIONS = tuple((a.code, a.label) for a in domain.AUTHORITIES)


@dataclass
class Issuer:
    """The body that issues the document, and its superior body if it prints one."""

    name: str = text("Tên cơ quan ban hành", max_len=200,
                     help="Viết thường như trong câu, ví dụ: Ủy ban nhân dân huyện Quan Sơn")
    abbreviation: str = text("Chữ viết tắt trong ký hiệu", max_len=30,
                             help="Ví dụ: UBND, BCĐ, CAH")
    place: str = text("Địa danh", max_len=60, help="Ví dụ: Quan Sơn")
    superior: str = text("Cơ quan chủ quản", required=False, max_len=200,
                         help="Để trống nếu không in cơ quan chủ quản")

    def __post_init__(self) -> None:
        abbr = self.abbreviation
        if " " in abbr or "/" in abbr:
            raise FieldError("abbreviation",
                             f"Chữ viết tắt «{abbr}» không được chứa dấu cách hoặc dấu /")


@dataclass
class Signer:
    """Who signs: the authority prefix (TM., KT., …), on whose behalf, position and name."""

    name: str = text("Họ và tên người ký", max_len=100)
    position: str = text("Chức vụ người ký", required=False, max_len=200, multiline=True,
                         help="Mỗi dòng một chức danh, ví dụ: Phó Chủ tịch")
    authority: domain.Authority = choice("Thẩm quyền ký", domain.authority, AUTHORITY_OPTIONS,
                                         default=domain.AUTHORITIES[0])
    on_behalf: str = text("Thay mặt / ký thay cho", required=False, max_len=200,
                          help="Với TM.: tên tập thể (Ủy ban nhân dân); với KT., Q., TL., TUQ.: "
                               "chức danh người đứng đầu (Chủ tịch)")

    def __post_init__(self) -> None:
        if self.authority.code and not self.on_behalf:
            raise FieldError("on_behalf", f"Người ký {self.authority.code} cần ghi «thay mặt / "
                             "ký thay cho» "
                             "(ví dụ: Ủy ban nhân dân, Chủ tịch)")
        if not self.authority.code and not self.position:
            raise FieldError("position", "Cần ghi chức vụ người ký")
        if self.on_behalf and not self.authority.code:
            raise FieldError("on_behalf", f"«Thay mặt / ký thay cho» ({self.on_behalf}) chỉ in "
                             "khi có thẩm "
                             f"quyền ký {domain.AUTHORITY_LABELS}; hãy chọn thẩm quyền hoặc "
                             "để trống ô này")
        for title in ("ông ", "bà ", "đồng chí ", "đ/c ", "ts. ", "ths. "):
            if self.name.lower().startswith(title):
                raise FieldError("name", "Họ tên người ký không ghi học hàm, danh xưng ở "
                                         f"trước: «{self.name}»")

    def lines(self) -> list[str]:
        """The upper-case lines above the signature: authority line, then the position lines."""
        out = [f"{self.authority.code} {upper(self.on_behalf)}"] if self.authority.code else []
        out += [upper(line) for line in self.position.split("\n") if line.strip()]
        return out


def number_field():
    return integer("Số văn bản", minimum=1, maximum=999_999, required=False,
                   help="Để trống khi là dự thảo: số được cấp sau khi ký")


def date_field():
    return day("Ngày ban hành", required=False,
               help="Để trống khi là dự thảo: in «ngày      tháng      năm …»")


def recipients_field(default: list[str]):
    return text_list("Nơi nhận", default=lambda: list(default), max_len=300,
                     help="Mỗi dòng một nơi nhận, không cần dấu «-» và «;»")


def archive_field(default: str = "VT"):
    """Where the body files its copy ("Lưu: VT, CA."); optional when `default` is "" (the
    kind then chooses)."""
    return text("Lưu", required=bool(default), default=default, max_len=100,
                help="Ví dụ: VT, CA" + ("" if default else "; để trống: VT, hoặc tên khu dân cư"))


def header_context(issuer: Issuer, *, kind_abbr: str | None, number: int | None,
                   date: dt.date | None, year: int) -> dict:
    """The header values: bodies in capitals, "Số: …" and the italic place and date."""
    return {
        "issuer": {
            "superior": upper(issuer.superior),
            "name": upper(issuer.name),
            "ruler": ruler_choice(upper(issuer.name)),
            "name_prose": issuer.name,
            "abbreviation": issuer.abbreviation,
            "place": issuer.place,
        },
        "symbol": doc_symbol(number, kind_abbr, issuer.abbreviation),
        "number_line": "Số: " + doc_symbol(number, kind_abbr, issuer.abbreviation),
        "place_date": nd30_date(date, issuer.place, year=None if date else year),
        "date_text": nd30_date(date, year=None if date else year),
        "is_draft": number is None,
    }


def recipient_lines(recipients: list[str], archive: str) -> dict:
    """Nơi nhận entries as ND30 prints them: "- X;" each, then "- Lưu: VT, …."."""
    entries = []
    for item in recipients:
        core = item.strip().lstrip("-–• ").rstrip(";.,").strip()
        if core:
            entries.append(f"- {core};")
    # "Lưu: VT" typed in full, or the bare word "Lưu", must not print «Lưu: Lưu: VT.».
    archive = archive.strip()
    if fold(archive.split(":", 1)[0]) == "luu":
        archive = archive.partition(":")[2]
    archive = archive.strip().rstrip(".;").strip()
    if not archive or fold(archive) == "luu":
        archive = "VT"  # ND30: the last line is «- Lưu: VT, …»; the văn thư keeps the copy
    return {"recipients": entries + [f"- Lưu: {archive}."]}


def signature_context(signer: Signer) -> dict:
    return {"signer": {"lines": signer.lines(), "name": signer.name}}


def sentence_list(lines: list[str]) -> list[str]:
    """Lines of a list ending in ";" each and "." for the last, as legal bases are written."""
    cleaned = [line.strip().rstrip(";.,").strip() for line in lines if line.strip()]
    return [line + (";" if i < len(cleaned) - 1 else ".") for i, line in enumerate(cleaned)]


def addressee_context(names: list[str]) -> dict:
    """ND30 ô 9a: one addressee on the "Kính gửi:" line; several, one "- X;" per line."""
    cleaned = [n.strip().lstrip("-–• ").rstrip(";.,").strip() for n in names]
    if len(cleaned) == 1:
        return {"addressee_single": f"{cleaned[0]}.", "addressees": []}
    lines = [f"- {n}{';' if i < len(cleaned) - 1 else '.'}" for i, n in enumerate(cleaned)]
    return {"addressee_single": "", "addressees": lines}


def refuse_duplicate_units(units) -> None:
    """ValueError naming the first unit listed twice (names compared without case or
    diacritics): each unit is recognised, reported or proposed once."""
    seen: dict[str, int] = {}
    for i, unit in enumerate(units, 1):
        key = fold(unit.name)
        if key in seen:
            raise ValueError(f"Đơn vị thứ {i} «{unit.name}» trùng tên với đơn vị thứ "
                             f"{seen[key]}; mỗi đơn vị chỉ được ghi một lần")
        seen[key] = i


# The header's «Số: 05/QĐ-UBND» stays as typed: it never wraps, and ND30 checks read it.
_SYMBOL_KEYS = frozenset({"number_line", "symbol"})


def keep_symbols_in(value: Any) -> Any:
    """A context with every document symbol in its text kept on one line
    (`vietnamese.keep_symbols`), except the header's number; other values as they are."""
    if isinstance(value, str):
        return keep_symbols(value)
    if isinstance(value, dict):
        return {k: v if k in _SYMBOL_KEYS else keep_symbols_in(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(keep_symbols_in(v) for v in value)
    return value


def unit_columns(paper: str) -> tuple[Column, ...]:
    """The first columns of a list of units whose `paper` («biên bản», «phiếu») is printed
    in bulk: the unit, its kind, its commune and the body above it."""
    return (
        Column("unit", "Tên đơn vị", ("Đơn vị", "Tên khu dân cư", "Tên cơ quan, đơn vị"),
               required=True, width=34, example="Bản Na Mèo",
               help="Tên khu dân cư, xã, cơ quan, doanh nghiệp, cơ sở giáo dục"),
        Column("kind", "Loại hình", ("Loại", "Loại đơn vị"), width=16, example="Khu dân cư",
               help="Khu dân cư, Xã, Cơ quan, Doanh nghiệp hoặc Cơ sở giáo dục"),
        Column("commune", "Xã", ("Xã, thị trấn", "Xã, phường, thị trấn"), width=16,
               example="Xã Na Mèo", help="Xã nơi có đơn vị (ghi cả chữ «Xã»)"),
        Column("superior", "Cơ quan cấp trên", ("Cấp trên",), width=24,
               example="UBND xã Na Mèo", help=f"In phía trên tên đơn vị ở đầu {paper}"),
    )
