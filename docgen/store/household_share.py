"""How many households signed a residential area's list of the year (Circular 124 Điều 4
khoản 1: 100% of the households living there register), recorded by the clerk once the
signed list comes back; the dossier check reads it through `household_share`."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..errors import InputError
from ..schema import check_xml_chars
from .models import Household, HouseholdShare, Unit, utcnow
from .queries import _get


def listed_count(session: Session, unit_id: int, year: int) -> int:
    """Households in the area's stored list of `year` (0 when none is stored)."""
    return session.scalar(select(func.count(Household.id)).where(
        Household.unit_id == unit_id, Household.year == year)) or 0


def get_share(session: Session, unit_id: int, year: int) -> HouseholdShare | None:
    return session.scalar(select(HouseholdShare).where(HouseholdShare.unit_id == unit_id,
                                                       HouseholdShare.year == year))


def household_share(session: Session, unit_id: int, year: int) -> tuple[int, int] | None:
    """(households that signed, households living there) for the area's list of `year`; the
    total is the recorded one, else the stored list's count. None when nothing is recorded,
    or when no total is known (neither recorded nor a stored list)."""
    share = get_share(session, unit_id, year)
    if share is None:
        return None
    total = share.total or listed_count(session, unit_id, year)
    return (share.signed, total) if total else None


def household_shares(session: Session, unit_ids: list[int], year: int
                     ) -> dict[int, tuple[int, int]]:
    """`household_share` of many areas, in two queries: {unit id: (signed, total)}."""
    if not unit_ids:
        return {}
    counts = dict(session.execute(
        select(Household.unit_id, func.count(Household.id))
        .where(Household.year == year, Household.unit_id.in_(unit_ids))
        .group_by(Household.unit_id)).all())
    out = {}
    for share in session.scalars(select(HouseholdShare).where(
            HouseholdShare.year == year, HouseholdShare.unit_id.in_(unit_ids))):
        total = share.total or counts.get(share.unit_id, 0)
        if total:
            out[share.unit_id] = (share.signed, total)
    return out


def record_share(session: Session, unit_id: int, year: int, *, signed, total=None,
                 by: str = "") -> HouseholdShare | None:
    """Record (or correct) how many households signed; `total` None or "" means the stored
    list's count. `signed` None or "" erases the record. InputError naming the field when a
    count is not a whole number, or more signed than live there."""
    unit = _get(session, Unit, unit_id, "khu dân cư")
    if unit.kind != "khu_dan_cu":
        raise InputError([("unit_id", f"«{unit.name}» không phải khu dân cư")])
    signed, total = _count(signed, "signed", "Số hộ đã ký"), _count(total, "total",
                                                                    "Tổng số hộ đang cư trú")
    share = get_share(session, unit_id, year)
    if signed is None:
        if share is not None:
            session.delete(share)
            session.flush()
        return None
    listed = listed_count(session, unit_id, year)
    if total is not None and total < listed:
        raise InputError([("total", f"Tổng số hộ đang cư trú của «{unit.name}» ({total}) ít "
                                    f"hơn số hộ trong danh sách đã lưu năm {year} ({listed})")])
    if total is None and not listed:
        raise InputError([("total", f"«{unit.name}» chưa có danh sách hộ năm {year}: hãy ghi "
                                    "tổng số hộ đang cư trú")])
    whole = total or listed
    if signed > whole:
        raise InputError([("signed", f"Số hộ đã ký của «{unit.name}» ({signed}) nhiều hơn "
                                     f"tổng số hộ ({whole})")])
    if share is None:
        share = HouseholdShare(unit_id=unit_id, year=year)
        session.add(share)
    share.signed, share.total = signed, (total if total != listed else None)
    share.recorded_by, share.updated_at = (by or "")[:100], utcnow()
    session.flush()
    return share


def _count(value, field: str, label: str) -> int | None:
    if isinstance(value, str):
        try:  # a control character is no blank: str.strip() would take \x0b for a space
            check_xml_chars(value)
        except ValueError as exc:
            raise InputError([(field, f"{label}: {exc}")]) from None
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InputError([(field, f"{label} «{value}» phải là số nguyên")]) from None
    if not 0 <= number <= 100_000:
        raise InputError([(field, f"{label} «{value}» phải từ 0 đến 100.000")])
    if field == "total" and number == 0:
        raise InputError([(field, f"{label} phải lớn hơn 0")])
    return number
