"""The sample dossiers loaded into an empty database (`docgen serve`, the tests): Quan Sơn
district in 2022 and Trung Hạ commune in 2025, from samples/*/dossier.json — bodies and
their signers, units with their outcomes (this year's and last year's), households, and
the register of the year's documents (docgen.store.sample_dossiers), every value validated
by the same rules as a clerk's entry."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..policy import SHIPPED, Policy, load_policy
from ..samples import DOSSIERS, load_dossier
from ..vietnamese import fold
from .assessments import check_assessment
from .households import save_household
from .models import Assessment, Unit
from .queries import check_unit, save_body, save_signer
from .sample_dossiers import Loaded, issue_documents

YEAR = 2022  # the year the grid opens on: the district's dossier


def _bodies(session: Session, loaded: Loaded) -> None:
    for item in loaded.data["bodies"]:
        parent = loaded.bodies[item["parent"]].id if item.get("parent") else None
        body = save_body(session, name=item["name"], abbreviation=item["abbreviation"],
                         place=item["place"], superior=item.get("superior", ""),
                         parent_id=parent, level=item.get("level", ""),
                         commune=item.get("commune", ""), proposer=item.get("proposer", ""),
                         identifier=item.get("identifier", ""))
        loaded.bodies[item["key"]] = body
        for person in item.get("signers", []):
            loaded.signers[item["key"], person["key"]] = save_signer(
                session, body_id=body.id, name=person["name"], position=person["position"],
                authority=person.get("authority", ""), on_behalf=person.get("on_behalf", ""))


def _units(session: Session, loaded: Loaded, policy: Policy) -> None:
    for item in loaded.data["units"]:
        # What the unit is decides scope and competence (docgen.rules): its category and
        # the tier that manages it, validated like a clerk's entry.
        name, kind, commune, note, category, managed_by = check_unit(
            item["name"], item["kind"], item.get("commune", ""), item.get("note", ""),
            item.get("category", ""), item.get("managed_by", ""))
        unit = Unit(name=name, name_key=fold(name), kind=kind, commune=commune, note=note,
                    category=category, managed_by=managed_by,
                    body_id=loaded.bodies[item["body"]].id)
        session.add(unit)
        session.flush()
        loaded.units[name] = unit
        for year, outcome in sorted(item.get("outcomes", {}).items()):
            values = check_assessment({
                "self_score": outcome.get("self_score"), "reviewed_score": outcome.get("score"),
                "safe": outcome.get("safe", False), "decided": outcome.get("class"),
                "reason": outcome.get("reason", ""), "note": outcome.get("note", "")}, policy)
            session.add(Assessment(unit_id=unit.id, year=int(year), **values))
    session.flush()


def _households(session: Session, loaded: Loaded) -> None:
    for year, areas in loaded.data.get("households", {}).items():
        for area, people in areas.items():
            for person in people:
                save_household(session, unit_id=loaded.units[area].id, year=int(year),
                               full_name=person["full_name"],
                               birth_year=person.get("birth_year"),
                               id_number=person.get("id_number", ""),
                               address=person.get("address", ""))


def load_records(session: Session, folder: str, policy: Policy) -> Loaded:
    """Insert one dossier's bodies, signers, units, outcomes and households."""
    loaded = Loaded(folder, load_dossier(folder))
    _bodies(session, loaded)
    _units(session, loaded, policy)
    _households(session, loaded)
    return loaded


def load_sample_district(session: Session, *, policy: Policy | None = None
                         ) -> dict[str, dict[str, dict]]:
    """Insert the sample dossiers into `session` (the caller checks the database is empty)
    with their registers; returns the document inputs made on the way, per folder and file
    name (what `python -m docgen.sample_build build` writes).

    Suggestions use the shipped example policy unless `policy` is given, so the sample's
    scores and classes agree with it.
    """
    policy = policy or load_policy(SHIPPED)
    loaded = [load_records(session, folder, policy) for folder in DOSSIERS]
    return {item.folder: issue_documents(session, item) for item in loaded}


def sample_year() -> int:
    """The year the sample's grid opens on (the district's dossier)."""
    return YEAR
