"""The plan implementing Decision 510 of a body's year, pre-filled from the store: issuer,
signer and level words from the stored bodies, the superior body's plan from the register,
the steps' deadlines from the calendar (docgen.rules), and the wording from the body's own
last plan — or, for its first, the shipped default wording (docgen/data/plan-text.toml)."""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import rules
from ..samples import load_sample
from ..shipped import data_file
from ..vietnamese import fold
from .models import STATUS_ISSUED, Body, Document
from .prefill import Prefill, _body, _signer, issuer_input
from .queries import bodies_in_place, list_units

TEXT = data_file("plan-text.toml")
# The shipped sample plans: each is its body's plan of its own year (see _earlier_plan).
SAMPLE_PLANS = (("plan", "quan-son-2022"), ("plan", "trung-ha-2025"))
# Fields in the body's own words, carried from its last plan to the next one.
WORDING = ("sublevel", "standing_body", "report_to", "reporters", "committee", "programmes",
           "assessed", "preamble", "purposes", "measures", "steps", "assessment", "tasks",
           "organisation", "decision", "recipients", "archive")
# Fields true of one year only: carried from a plan of the same year (a redraft), never into
# the next year's plan.
OF_THE_YEAR = ("basis_plan", "plan_deadline", "units_deadline", "report_deadline", "summary",
               "reviews")
# What the names of a commune's residential areas, or of a district's communes, start with,
# in the order a plan lists them («thôn, bản», «xã, thị trấn»).
AREA_WORDS = ("thôn", "bản", "làng", "ấp", "xóm", "buôn", "tổ dân phố", "khu phố", "khối",
              "tiểu khu")
COMMUNE_WORDS = ("xã", "phường", "thị trấn", "đặc khu")
_PLACEHOLDER = re.compile(r"\{(level|sublevel|standing_body|committee)\}")


@cache
def default_text() -> dict:
    """The shipped default wording (plan-text.toml), read once."""
    with TEXT.open("rb") as f:
        return tomllib.load(f)


def step_deadlines(year: int) -> tuple[dict[str, str], list[str]]:
    """The steps' deadlines of `year`'s plan — the one place they come from — and warnings:
    step 2 (the units' plans and registrations, Quý I by Circular 124 khoản 1 of Điều 4–7)
    by the calendar's registration deadline, step 1 (this plan) by that day at the latest;
    mục V's report deadline is left to the plan's default (step 2's)."""
    found = rules.load_rules().deadline("registration", year)
    if found is None:
        return {}, [f"Tệp quy tắc không có thời hạn đăng ký của năm {year}: hãy ghi «Hạn hoàn "
                    "thành bước 1» và «Hạn hoàn thành bước 2»"]
    day = found[1].isoformat()
    return {"plan_deadline": day, "units_deadline": day}, []


def _decision_510() -> dict:
    """The decision a first plan implements by default (Decision 510), as form input."""
    from ..documents.plan import decision_510
    d = dataclasses.asdict(decision_510())
    return {**d, "date": d["date"].isoformat()}


def _fill(value, words: dict[str, str]):
    """`value` (text, or lists and records of text) with {level}, {sublevel}… filled in."""
    if isinstance(value, str):
        return _PLACEHOLDER.sub(lambda m: words[m.group(1)], value)
    if isinstance(value, list):
        return [_fill(v, words) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, words) for k, v in value.items()}
    return value


def _sublevel(session: Session, body: Body, tier: str) -> str:
    """The level directly below: from the names of the units the place's bodies assess
    («Bản …», «Khu phố …» → «bản, khu phố»), else from the body's level words."""
    kind, words = ("khu_dan_cu", AREA_WORDS) if tier == "xa" else ("xa", COMMUNE_WORDS)
    found: set[str] = set()
    for source in bodies_in_place(session, body):
        for unit in list_units(session, body_id=source.id):
            name = fold(unit.name)
            if unit.kind == kind:
                found.update(w for w in words if name.startswith(fold(w) + " "))
    if found:
        return ", ".join(w for w in words if w in found)
    return _by_level(default_text()["sublevel"], body.level)


def _by_level(table: dict[str, str], level: str) -> str:
    key = fold(level or "").strip()
    return next((v for k, v in table.items() if fold(k) == key), "")


def _committee(session: Session, body: Body, level: str) -> str:
    """«Ban Chỉ đạo 138 huyện»: the place's steering committee named without the place."""
    found = next((b for b in bodies_in_place(session, body)
                  if rules.organ(b.abbreviation) == "BCĐ"), None)
    if found is None:
        return f"Ban Chỉ đạo 138 {level}".strip()
    name = found.name.strip()
    if fold(name).endswith(" " + fold(found.place)):
        name = name[:len(name) - len(found.place)].strip()
    return name


def _report_to(session: Session, body: Body, tier: str) -> str:
    """Where the standing body sends the results: the superior of the place's police
    («Công an tỉnh Thanh Hóa»), else the police of the tier above."""
    police = next((b for b in bodies_in_place(session, body)
                   if fold(b.name).startswith("cong an") and b.superior), None)
    if police is not None:
        return police.superior
    return "Bộ Công an" if tier == "tinh" else "Công an tỉnh"


def superior_plan(session: Session, body: Body, year: int) -> dict | None:
    """The plan's `basis_plan`: number, date and issuer of the latest plan issued in `year`
    by a body of the place above `body`'s (the parent of one of its place's bodies), or
    None when the register has none."""
    above = next((b.parent for b in bodies_in_place(session, body)
                  if b.parent is not None and fold(b.parent.place) != fold(body.place)), None)
    if above is None:
        return None
    ids = [b.id for b in bodies_in_place(session, above)]
    doc = session.scalar(select(Document).where(
        Document.kind == "plan", Document.status == STATUS_ISSUED, Document.year == year,
        Document.body_id.in_(ids)).order_by(Document.issued_on.desc(), Document.id.desc()))
    if doc is None or doc.issued_on is None:
        return None
    return {"number": doc.symbol, "date": doc.issued_on.isoformat(), "issuer": doc.body.name}


def _earlier_plan(session: Session, body: Body, year: int) -> tuple[dict, str]:
    """The body's latest plan in the register (drafts too) as input, else the shipped
    sample plan of this very body and year; ({}, "") when there is neither. The second
    value says where it came from."""
    doc = session.scalar(select(Document).where(Document.kind == "plan",
                                                Document.body_id == body.id)
                         .order_by(Document.id.desc()))
    if doc is not None:
        try:
            stored = json.loads(doc.input_json)
        except (TypeError, ValueError):
            stored = None
        if isinstance(stored, dict):
            label = doc.symbol if doc.number else f"dự thảo số {doc.id}"
            return stored, f"kế hoạch {label} của {body.name}"
    for name, folder in SAMPLE_PLANS:
        sample = load_sample(name, folder)
        issuer = sample.get("issuer", {})
        if (sample.get("year") == year and fold(issuer.get("place", "")) == fold(body.place)
                and rules.organ(issuer.get("abbreviation", "")) == rules.organ(body.abbreviation)):
            return sample, f"kế hoạch mẫu năm {year} của {issuer.get('name')} {body.place}"
    return {}, ""


def plan_input(session: Session, body_id: int, year: int,
               signer_id: int | None = None) -> Prefill:
    """The plan of `year` by `body_id`: issuer, level words, signer (`signer_id` or the
    body's first active one), the superior plan, the steps' deadlines, and the wording of
    the body's last plan (its own year's fields only from a plan of the same year)."""
    body = _body(session, body_id)
    warnings: list[str] = []
    level = body.level.strip()
    tier = rules.tier(level)
    if not tier:
        warnings.append(f"{body.name} chưa ghi cấp (huyện, xã…) hoặc cấp không rõ: hãy ghi "
                        "«Cấp của Ban Chỉ đạo» và «Cấp dưới trực tiếp»")
    sublevel = _sublevel(session, body, tier)
    words = {"level": level, "sublevel": sublevel,
             "standing_body": f"Công an {level}" if level else "",
             "committee": _committee(session, body, level)}
    text = default_text()
    data: dict = {"issuer": issuer_input(body), "year": year,
                  **{k: v for k, v in words.items() if v},  # an unknown level stays blank
                  "report_to": _report_to(session, body, tier)}
    for key in ("reporters", "assessed"):
        if text[key].get(tier):
            data[key] = _fill(text[key][tier], words)
    earlier, origin = _earlier_plan(session, body, year)
    if earlier:
        data.update({k: earlier[k] for k in WORDING if earlier.get(k) not in (None, "", [])})
        warnings.append(f"Lời văn được lấy từ {origin}; hãy xem lại cho năm {year}.")
    else:
        data["recipients"] = [f"{data['report_to']} (để b/c)", "Như mục IV (để t/hiện)"]
        # Shown in the form: its fields are required there, a blank record is not the default.
        data["decision"] = _decision_510()
        data["measures"] = _fill(text["measure"], words)
        data["tasks"] = [_fill({"body": t["body"], "paragraphs": t["paragraphs"]}, words)
                         for t in text["task"] if not t.get("tiers") or tier in t["tiers"]]
    same_year = earlier.get("year") == year
    if same_year:
        data.update({k: earlier[k] for k in OF_THE_YEAR if earlier.get(k) not in (None, "", [])})
    else:
        deadlines, notes = step_deadlines(year)
        data.update(deadlines)
        warnings += notes
    if "basis_plan" not in data:
        basis = superior_plan(session, body, year)
        if basis:
            data["basis_plan"] = basis
        else:
            # The superior body rarely changes: its name is kept, its plan of the year is not.
            issuer = (earlier.get("basis_plan") or {}).get("issuer")
            if issuer:
                data["basis_plan"] = {"issuer": issuer}
            warnings.append(f"Chưa tìm thấy kế hoạch năm {year} của cấp trên trong sổ văn bản "
                            "đi: hãy ghi số, ngày và cơ quan ban hành của «Kế hoạch cấp trên»")
    signer = _signer(session, body, signer_id, warnings)
    if signer:
        data["signer"] = signer
    return Prefill(data, warnings, [])
