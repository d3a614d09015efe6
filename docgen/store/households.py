"""Households: each residential area's yearly list of household heads, from which that
year's commitment forms are printed. Personal data (Law on Personal Data Protection 2025):
only what the form prints is kept — name, year of birth, CCCD, address — and a year's lists
are erased with `purge` once the forms are printed, with the batch files made from them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from .. import records, schema
from ..errors import UserError
from ..vietnamese import format_number
from .accounts import audit
from .models import Household, JobChunk, JobRow, Unit
from .queries import _get

def list_households(session: Session, unit_id: int, year: int | None = None) -> list[Household]:
    """The households of a residential area in entry order: of `year`'s list, or of every
    year's when None."""
    query = select(Household).where(Household.unit_id == unit_id)
    if year is not None:
        query = query.where(Household.year == year)
    return list(session.scalars(query.order_by(Household.id)))


def household_years(session: Session, unit_id: int) -> list[int]:
    """The years for which a residential area has a stored list, latest first."""
    return list(session.scalars(select(Household.year).where(Household.unit_id == unit_id)
                                .group_by(Household.year).order_by(Household.year.desc())))


def save_household(session: Session, *, id: int | None = None, unit_id: int,
                   year: int | None = None, full_name, birth_year=None, id_number="",
                   address="") -> Household:
    """Create or update a household head of `year`'s list (None: this year's). Only what the
    commitment form prints is accepted, by the rules of `docgen.records.Household` (the
    CCCD number, when given, is 12 ASCII digits)."""
    _get(session, Unit, unit_id, "khu dân cư")
    record = schema.parse(records.Household, {
        "year": dt.date.today().year if year is None else year, "full_name": full_name,
        "birth_year": birth_year, "id_number": id_number or "", "address": address or ""},
        labelled=True)
    row = Household() if id is None else _get(session, Household, id, "hộ gia đình")
    row.unit_id, row.year, row.full_name = unit_id, record.year, record.full_name
    row.birth_year, row.id_number, row.address = (record.birth_year, record.id_number,
                                                  record.address)
    session.add(row)
    session.flush()
    return row


def delete_household(session: Session, household_id: int) -> None:
    session.delete(_get(session, Household, household_id, "hộ gia đình"))
    session.flush()


@dataclass(frozen=True)
class HouseholdList:
    """One stored list: a residential area's households of one year (counted, not read)."""

    year: int
    unit_id: int
    unit_name: str
    commune: str
    body_id: int
    count: int

    @property
    def label(self) -> str:
        where = f" — {self.commune}" if self.commune else ""
        return f"{self.unit_name}{where} ({format_number(self.count)} hộ)"


def household_lists(session: Session, *, year: int | None = None,
                    unit_ids: list[int] | None = None) -> list[HouseholdList]:
    """The stored lists, latest year first, then by area name; of one year and of some
    areas when given."""
    query = (select(Household.year, Unit.id, Unit.name, Unit.commune, Unit.body_id,
                    func.count(Household.id))
             .join(Unit, Unit.id == Household.unit_id)
             .group_by(Household.year, Unit.id, Unit.name, Unit.name_key, Unit.commune,
                       Unit.body_id)
             .order_by(Household.year.desc(), Unit.name_key, Unit.id))
    if year is not None:
        query = query.where(Household.year == year)
    if unit_ids is not None:
        query = query.where(Household.unit_id.in_(unit_ids))
    return [HouseholdList(*row) for row in session.execute(query)]


def latest_counts(session: Session, unit_ids: list[int]) -> dict[int, tuple[int, int]]:
    """For each area with a stored list: (year of its latest list, households in it)."""
    out: dict[int, tuple[int, int]] = {}
    for item in household_lists(session, unit_ids=unit_ids):
        out.setdefault(item.unit_id, (item.year, item.count))  # latest year comes first
    return out


def marked_jobs(session: Session, year: int, unit_ids: set[int]) -> list[str]:
    """The batch jobs (ids) whose output holds forms printed from the lists of `year` of
    `unit_ids` (their `mark`, written by docgen.jobs.handlers)."""
    found = []
    for job_id, mark in session.execute(select(JobRow.id, JobRow.mark).where(
            JobRow.mark != "", JobRow.parent_id.is_(None)).order_by(JobRow.created)):
        try:
            data = json.loads(mark)
        except ValueError:
            continue
        listed = set(data.get("unit_ids") or ()) | {data.get("unit_id")}
        if data.get("year") == year and listed & unit_ids:
            found.append(job_id)
    return found


@dataclass
class PurgePlan:
    """What a purge of `year` erases: the lists, and the batch jobs printed from them."""

    year: int
    lists: list[HouseholdList]
    jobs: list[str] = field(default_factory=list)  # ids of jobs whose file holds the lists

    @property
    def people(self) -> int:
        return sum(item.count for item in self.lists)

    @property
    def unit_ids(self) -> set[int]:
        return {item.unit_id for item in self.lists}

    def describe(self) -> str:
        """«9 hộ của 2 khu dân cư năm 2022: Bản Na Mèo — Xã Na Mèo (5 hộ), …»."""
        return (f"{format_number(self.people)} hộ của {len(self.lists)} khu dân cư năm "
                f"{self.year}: " + ", ".join(item.label for item in self.lists))


def purge_plan(session: Session, year: int, unit_ids: list[int] | None = None, *,
               instance_path: str | Path | None = None) -> PurgePlan:
    """What `purge` would erase now; UserError naming an unknown area or an empty choice."""
    for unit_id in unit_ids or ():
        _get(session, Unit, unit_id, "khu dân cư")
    lists = household_lists(session, year=year, unit_ids=unit_ids)
    if not lists:
        where = "" if not unit_ids else " của khu dân cư đã chọn"
        raise UserError(f"Không có danh sách hộ nào năm {year}{where} để xóa")
    plan = PurgePlan(year, lists)
    plan.jobs = marked_jobs(session, year, plan.unit_ids)
    return plan


def purge(store, year: int, unit_ids: list[int] | None = None, *, username: str,
          address: str = "", instance_path: str | Path | None = None,
          expected: int | None = None) -> PurgePlan:
    """Erase the household lists of `year` (of `unit_ids`, else of every area) and the batch
    job files printed from them, with an audit entry; returns what was erased.

    `expected` is the number of households the user confirmed: a list that changed since is
    refused with a UserError. On SQLite the freed pages are overwritten (secure_delete) and
    the write-ahead log is emptied, so the rows leave the files too.
    """
    with store.session() as s:
        if store.is_sqlite:
            s.execute(text("PRAGMA secure_delete = ON"))
        plan = purge_plan(s, year, unit_ids, instance_path=instance_path)
        if expected is not None and plan.people != expected:
            raise UserError(f"Danh sách hộ năm {year} đã thay đổi từ lúc xác nhận "
                            f"(nay có {format_number(plan.people)} hộ, không phải "
                            f"{format_number(expected)}); chưa xóa gì, hãy xem lại và xác "
                            "nhận lần nữa")
        s.execute(delete(Household).where(Household.year == year,
                                          Household.unit_id.in_(plan.unit_ids)))
        files = f"; {len(plan.jobs)} tệp in hàng loạt" if plan.jobs else ""
        if plan.jobs:  # their files (in job_chunk) hold the people's names
            s.execute(delete(JobChunk).where(JobChunk.job_id.in_(plan.jobs)))
            s.execute(delete(JobRow).where(JobRow.id.in_(plan.jobs)))
        audit(s, username, "xóa danh sách hộ", f"năm {year}", plan.describe() + files, address)
    if store.is_sqlite:
        _empty_wal(store)
    return plan


def _empty_wal(store) -> None:
    """Copy the write-ahead log into the database and truncate it (pages that held the
    erased rows must not linger in it). Best effort: a busy reader leaves it to SQLite."""
    raw = store.engine.raw_connection()
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        raw.close()
