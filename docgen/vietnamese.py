"""Vietnamese language rules for administrative documents (Nghị định 30/2020/NĐ-CP).

Text normalisation, ND30 dates and document symbols, and numbers read out in
words the way Vietnamese accounting and administrative usage writes them.
"""

import datetime
import functools
import math
import re
import unicodedata
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

__all__ = [
    "KIND_ABBREVIATIONS",
    "doc_symbol",
    "fold",
    "format_number",
    "lower_first",
    "money_words",
    "nd30_date",
    "nfc",
    "number_words",
    "percent",
    "short_date",
    "slug",
    "text_date",
    "upper",
]

# --------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------

_SLUG_MAX = 60
_SLUG_EMPTY = "khong-ten"


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC (precomposed) form."""
    return unicodedata.normalize("NFC", text)


def upper(text: str) -> str:
    """Upper-case Vietnamese text for titles and signature lines."""
    # NFC first so decomposed input upper-cases the same; NFC again because a
    # few non-Vietnamese letters decompose when upper-cased.
    return nfc(nfc(text).upper())


# đ/Đ have no decomposition, so they are mapped by hand; legacy font
# converters sometimes emit the look-alike eth (Ð, ð) for them.
_D_LETTERS = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})


def _strip_marks(text: str) -> str:
    """Drop diacritics, including the stroke of đ."""
    text = nfc(text).translate(_D_LETTERS)
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower case without diacritics and with collapsed whitespace, for matching."""
    if len(text) <= _FOLD_CACHED:  # names, kinds and classes repeat: fold each once
        return _fold_short(text)
    return _fold(text)


_FOLD_CACHED = 100


def _fold(text: str) -> str:
    return " ".join(_strip_marks(text).lower().split())


_fold_short = functools.lru_cache(maxsize=8192)(_fold)


def slug(text: str) -> str:
    """ASCII file-name slug: ``"Nguyễn Văn An"`` → ``"nguyen-van-an"``."""
    ascii_text = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    # Cut after collapsing so the limit counts real characters, then drop a
    # hyphen the cut may have left at the end.
    ascii_text = ascii_text[:_SLUG_MAX].rstrip("-")
    return ascii_text or _SLUG_EMPTY


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------

# A draft leaves day and month blank for the signer to fill in by hand.
_DRAFT_GAP = " " * 6


def _nd30_day(day: int) -> str:
    """Day of month: two digits (ND30 pads days below 10)."""
    return f"{day:02d}"


def _nd30_month(month: int) -> str:
    """Month: only January and February are padded ("01", "02"), per ND30."""
    return f"{month:02d}" if month < 3 else str(month)


def nd30_date(
    value: datetime.date | None,
    place: str | None = None,
    *,
    year: int | None = None,
) -> str:
    """ND30 date line, e.g. ``"Quan Sơn, ngày 05 tháng 02 năm 2022"``.

    ``value=None`` gives the draft form with day and month left blank; ``year``
    is then required.
    """
    if value is None:
        if year is None:
            raise ValueError(
                "Cần ngày ban hành hoặc năm (year) để viết ngày tháng của dự thảo."
            )
        if isinstance(year, bool) or not isinstance(year, int) or year < 1:
            raise ValueError(f"Năm không hợp lệ: {year!r}.")
        text = f"ngày{_DRAFT_GAP}tháng{_DRAFT_GAP}năm {year}"
    else:
        if not isinstance(value, datetime.date):
            raise ValueError(f"Ngày không hợp lệ: {value!r}.")
        if year is not None and year != value.year:
            raise ValueError(
                f"Năm {year!r} không khớp với ngày {short_date(value)}."
            )
        text = (
            f"ngày {_nd30_day(value.day)} tháng {_nd30_month(value.month)}"
            f" năm {value.year}"
        )
    place = nfc(place).strip() if place else ""
    return f"{place}, {text}" if place else text


def lower_first(text: str) -> str:
    """A label used inside a sentence: "Nội dung (mục II)" → "nội dung (mục II)", keeping
    the rest as written (abbreviations and Roman numerals stay upper case)."""
    return text[:1].lower() + text[1:]


NB_HYPHEN = "\u2011"  # non-breaking hyphen: Word and LibreOffice keep its neighbours together
# A document's number and symbol inside a sentence: "510/QĐ-BCA-V05", "124/2021/TT-BCA",
# "42/NĐ-CP", a draft's "/QĐ-UBND" (no number yet).
_SYMBOL = re.compile(r"(?<![\w/])\d*/(?:\d{4}/)?[A-ZĐ][\wĐ]*(?:-[\wĐ]+)+")


def keep_symbols(text: str) -> str:
    """`text` with the hyphens of every document symbol made non-breaking (U+2011), so a
    line never ends inside «510/QĐ-BCA-V05»; pdftotext reads them back as "-"."""
    if "-" not in text or "/" not in text:
        return text
    return _SYMBOL.sub(lambda m: m.group().replace("-", NB_HYPHEN), text)


def text_date(value: datetime.date) -> str:
    """A date inside a sentence, "18/4/2022", "20/01/2022": ND30 padding (the day to two
    digits, months 1 and 2 only) applied to the numeric form; `short_date` pads every month."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"{value.day:02d}/{month}/{value.year}"


def short_date(d: datetime.date) -> str:
    """``dd/mm/yyyy`` with zero padding, for references inside the text."""
    # Not strftime: its %Y padding for years below 1000 is platform dependent.
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


# --------------------------------------------------------------------------
# Document symbols (Số, ký hiệu)
# --------------------------------------------------------------------------

# ND30, Phụ lục III: abbreviations of the kinds of administrative documents.
KIND_ABBREVIATIONS: dict[str, str] = {
    "Nghị quyết": "NQ",
    "Quyết định": "QĐ",
    "Chỉ thị": "CT",
    "Quy chế": "QC",
    "Quy định": "QyĐ",
    "Thông cáo": "TC",
    "Thông báo": "TB",
    "Hướng dẫn": "HD",
    "Chương trình": "CTr",
    "Kế hoạch": "KH",
    "Phương án": "PA",
    "Đề án": "ĐA",
    "Dự án": "DA",
    "Báo cáo": "BC",
    "Biên bản": "BB",
    "Tờ trình": "TTr",
    "Hợp đồng": "HĐ",
    "Công điện": "CĐ",
    "Bản ghi nhớ": "BGN",
    "Bản thỏa thuận": "BTT",
    "Giấy ủy quyền": "GUQ",
    "Giấy mời": "GM",
    "Giấy giới thiệu": "GGT",
    "Giấy nghỉ phép": "GNP",
    "Phiếu gửi": "PG",
    "Phiếu chuyển": "PC",
    "Phiếu báo": "PB",
}

_SYMBOL_MAX = 999_999
# A draft's number is written by hand after signing: "Số:      /KH-BCĐ".
_SYMBOL_BLANK = " " * 5


def _symbol_number(number: int | None) -> str:
    """The number part of a symbol: two digits at least, blank for a draft."""
    if number is None:
        return _SYMBOL_BLANK
    if (
        isinstance(number, bool)
        or not isinstance(number, int)
        or not 1 <= number <= _SYMBOL_MAX
    ):
        raise ValueError(
            f"Số văn bản phải là số nguyên từ 1 đến {_SYMBOL_MAX}, "
            f"nhận được: {number!r}."
        )
    return f"{number:02d}"


def doc_symbol(number: int | None, kind_abbr: str | None, body_abbr: str) -> str:
    """ND30 "Số, ký hiệu" without the "Số: " prefix, e.g. ``"05/QĐ-UBND"``.

    ``kind_abbr=None`` (or blank) is a công văn: ``"05/UBND-VP"``.
    """
    body = nfc(body_abbr or "").strip()
    if not body:
        raise ValueError("Thiếu chữ viết tắt tên cơ quan, tổ chức ban hành văn bản.")
    kind = nfc(kind_abbr or "").strip()
    tail = f"{kind}-{body}" if kind else body
    return f"{_symbol_number(number)}/{tail}"


# --------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_ZERO_TENS = ("linh", "lẻ")
_BILLION = 10**9
# Guards against a form field such as "1e999999" allocating a huge string.
_MAX_DIGITS = 100

# ASCII digits only: \d would also take digits of other scripts.
_NUMBER_RE = re.compile(r"([+-]?)([0-9]+)(?:[.,]([0-9]+))?")
# Currencies without a subunit, compared in lower case.
_NO_SUBUNIT = frozenset({"đồng", "vnđ", "vnd"})

Number = int | float | Decimal | str


class _Parsed(NamedTuple):
    """A number split the way it is read: sign, whole part, written fraction."""

    negative: bool
    whole: int
    fraction: str  # the fractional digits as written, "" when none


def _bad_number(value: object) -> ValueError:
    """The error for a value that is not a readable number."""
    return ValueError(f"Giá trị không phải là số hợp lệ: {value!r}.")


def _from_decimal(value: Decimal, original: object) -> _Parsed:
    """Split a finite Decimal, keeping its written fractional digits."""
    if not value.is_finite():
        raise ValueError(
            f"Không đọc được số không hữu hạn (NaN hoặc vô cực): {original!r}."
        )
    sign, digits, exponent = value.as_tuple()
    if len(digits) + abs(exponent) > _MAX_DIGITS:
        raise ValueError(f"Số quá dài để đọc thành chữ: {original!r}.")
    text = "".join(map(str, digits))
    if exponent >= 0:
        whole, fraction = text + "0" * exponent, ""
    else:
        text = text.rjust(-exponent + 1, "0")
        whole, fraction = text[:exponent], text[exponent:]
    whole_int = int(whole)
    # "-0" and "-0.00" are zero, which has no sign.
    negative = bool(sign) and (whole_int != 0 or fraction.strip("0") != "")
    return _Parsed(negative, whole_int, fraction)


def _parse(value: object) -> _Parsed:
    """Accept int, Decimal, float or a decimal string ("85.71" or "85,71")."""
    if isinstance(value, bool):
        raise ValueError(f"Giá trị đúng/sai không phải là số: {value!r}.")
    if isinstance(value, int):
        return _Parsed(value < 0, abs(value), "")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(
                f"Không đọc được số không hữu hạn (NaN hoặc vô cực): {value!r}."
            )
        if value.is_integer():
            # repr's ".0" is float notation, not a written fractional digit.
            return _from_decimal(Decimal(int(value)), value)
        # repr is the shortest string that round-trips, so 0.1 stays "0.1".
        return _from_decimal(Decimal(repr(value)), value)
    if isinstance(value, Decimal):
        return _from_decimal(value, value)
    if isinstance(value, str):
        match = _NUMBER_RE.fullmatch(value.strip())
        if match is None:
            raise _bad_number(value)
        sign, whole, fraction = match.groups()
        if len(whole) + len(fraction or "") > _MAX_DIGITS:
            raise ValueError(f"Số quá dài để đọc thành chữ: {value!r}.")
        return _from_decimal(Decimal(f"{sign}{whole}.{fraction or ''}"), value)
    raise _bad_number(value)


def _check_zero_tens(zero_tens: str) -> str:
    """Validate the word for an empty tens place ("linh" or "lẻ")."""
    if zero_tens not in _ZERO_TENS:
        raise ValueError(
            f"Cách đọc hàng chục trống phải là “linh” hoặc “lẻ”, "
            f"nhận được: {zero_tens!r}."
        )
    return zero_tens


def _unit_after_tens(tens: int, unit: int) -> str:
    """The unit digit after a tens digit: mốt, tư and lăm where usage wants them."""
    if unit == 5:
        return "lăm"
    if tens >= 2 and unit == 1:
        return "mốt"
    if tens >= 2 and unit == 4:
        return "tư"
    return _DIGITS[unit]


def _triple_words(group: int, inside: bool, zero_tens: str) -> list[str]:
    """Words for 1..999; ``inside`` means digits precede it, so "không trăm" shows."""
    hundreds, rest = divmod(group, 100)
    tens, unit = divmod(rest, 10)
    words: list[str] = []
    if hundreds or inside:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if unit:
            words += [zero_tens, _DIGITS[unit]] if words else [_DIGITS[unit]]
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if tens and unit:
        words.append(_unit_after_tens(tens, unit))
    return words


def _below_billion_words(n: int, inside: bool, zero_tens: str) -> list[str]:
    """Words for 0 < n < 10^9 as triệu, nghìn and units; empty groups are skipped."""
    words: list[str] = []
    for scale, name in ((10**6, "triệu"), (10**3, "nghìn"), (1, "")):
        group = (n // scale) % 1000
        if not group:
            continue
        words += _triple_words(group, inside, zero_tens)
        if name:
            words.append(name)
        inside = True
    return words


def _whole_words(n: int, zero_tens: str, inside: bool = False) -> list[str]:
    """Words for n > 0; beyond tỷ the scales repeat ("một nghìn tỷ", "một tỷ tỷ")."""
    high, low = divmod(n, _BILLION)
    words: list[str] = []
    if high:
        words += _whole_words(high, zero_tens, inside) + ["tỷ"]
        inside = True
    if low:
        words += _below_billion_words(low, inside, zero_tens)
    return words


def _integer_words(n: int, zero_tens: str) -> list[str]:
    """Words for a non-negative integer, "không" for zero."""
    return _whole_words(n, zero_tens) if n else [_DIGITS[0]]


def _fraction_words(digits: str, zero_tens: str) -> list[str]:
    """Digits after "phẩy": leading zeros as "không", the rest read as a number."""
    significant = digits.lstrip("0")
    words = [_DIGITS[0]] * (len(digits) - len(significant))
    if significant:
        words += _whole_words(int(significant), zero_tens)
    return words


def _parsed_words(parsed: _Parsed, zero_tens: str) -> str:
    """Join the words of a parsed number."""
    words = ["âm"] if parsed.negative else []
    words += _integer_words(parsed.whole, zero_tens)
    if parsed.fraction:
        words += ["phẩy"] + _fraction_words(parsed.fraction, zero_tens)
    return " ".join(words)


def number_words(n: Number, *, zero_tens: str = "linh") -> str:
    """Read a number in Vietnamese words: 2022 → "hai nghìn không trăm hai mươi hai".

    ``zero_tens`` is the word for an empty tens place: "linh" (default) or "lẻ".
    """
    return _parsed_words(_parse(n), _check_zero_tens(zero_tens))


def money_words(
    amount: Number,
    *,
    currency: str = "đồng",
    zero_tens: str = "linh",
) -> str:
    """An amount in words, capitalised, with its currency: "Không đồng".

    Đồng has no subunit, so a fractional amount of đồng is refused.
    """
    _check_zero_tens(zero_tens)
    currency = " ".join(nfc(currency or "").split())
    if not currency:
        raise ValueError("Thiếu tên đơn vị tiền tệ.")
    parsed = _parse(amount)
    if not parsed.fraction.strip("0"):
        # "150000.00" from a spreadsheet is a whole amount.
        parsed = parsed._replace(fraction="")
    elif currency.lower() in _NO_SUBUNIT:
        raise ValueError(
            f"Tiền đồng không có đơn vị lẻ, số tiền phải là số nguyên: {amount!r}."
        )
    words = _parsed_words(parsed, zero_tens)
    return f"{words[0].upper()}{words[1:]} {currency}"


def _group_thousands(digits: str) -> str:
    """Insert the Vietnamese thousands separator "." into a digit string."""
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ".".join(groups)


def format_number(n: Number) -> str:
    """Vietnamese number format: 1234567 → "1.234.567", 85.71 → "85,71"."""
    parsed = _parse(n)
    text = _group_thousands(str(parsed.whole))
    if parsed.fraction:
        text += f",{parsed.fraction}"
    return f"-{text}" if parsed.negative else text


def _to_fraction(value: object) -> Fraction:
    """Exact rational value of an accepted number."""
    parsed = _parse(value)
    exact = Fraction(f"{parsed.whole}.{parsed.fraction or '0'}")
    return -exact if parsed.negative else exact


def _round_half_up(value: Fraction) -> int:
    """Round to the nearest integer, halves away from zero (school rounding)."""
    magnitude = math.floor(abs(value) + Fraction(1, 2))
    return -magnitude if value < 0 else magnitude


def percent(
    part: Number,
    whole: Number,
    digits: int = 2,
) -> str:
    """``part`` as a percentage of ``whole`` with exactly ``digits`` decimals: "85,71%"."""
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        raise ValueError(f"Số chữ số thập phân phải là số nguyên không âm: {digits!r}.")
    total = _to_fraction(whole)
    # Nothing to measure against: report 0 rather than fail in a summary table.
    ratio = _to_fraction(part) * 100 / total if total else Fraction(0)
    scaled = _round_half_up(ratio * 10**digits)
    text = str(abs(scaled)).rjust(digits + 1, "0")
    number = f"{text[:-digits]}.{text[-digits:]}" if digits else text
    sign = "-" if scaled < 0 else ""
    return f"{sign}{format_number(number)}%"
