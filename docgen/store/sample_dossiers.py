"""The documents of a sample dossier, made from the store as a clerk's forms make them: each
input comes from the prefill functions (units, classes, scores, "An toàn" flags, signers,
citations of the register), completed by the dossier's own settings (number, date,
recipients, narrative), then registered as issued, so that the next document cites it.

docgen.sample_build loads the dossiers into a throw-away store and writes every input
(`python -m docgen.sample_build build`; tests/test_samples.py compares).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from .. import documents, domain, prepare, render_document, schema
from ..errors import UserError
from ..vietnamese import doc_symbol
from .models import STATUS_ISSUED, Body, Counter, Document, Signer, Unit
from .numbering import create_document
from .prefill import (commitment_inputs, decision_input, issuer_input, proposal_input,
                      registration_rows, report_input)
from .prefill_safe import certificate_inputs, safe_decision_input
from .unit_papers import minutes_input, score_sheet_input
from .unit_prefill import household_list_input, unit_paper_input

CLERK = "văn thư (dữ liệu mẫu)"
PREFILLED = {"decision": decision_input, "proposal": proposal_input, "report": report_input,
             "safe_decision": safe_decision_input}
# A unit's own papers: not numbered by a body, so not in the register.
UNIT_PAPERS = {
    "minutes": lambda s, unit_id, year: minutes_input(s, unit_id, year),
    "score_sheet": score_sheet_input,
    "household_list": household_list_input,
    "unit_proposal": lambda s, unit_id, year: unit_paper_input(s, unit_id, year, "unit_proposal"),
    "unit_report": lambda s, unit_id, year: unit_paper_input(s, unit_id, year, "unit_report"),
}
_rendered: dict[str, bytes] = {}  # the samples render the same bytes in every store


@dataclass
class Loaded:
    """One dossier in the store: its source data and the rows made from it, by key."""

    folder: str
    data: dict
    bodies: dict[str, Body] = field(default_factory=dict)
    signers: dict[tuple[str, str], Signer] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    issued: dict[str, Document] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return int(self.data["year"])


def _render(kind: str, data: dict, *, parsed=None) -> bytes:
    """render_document, once per process for each input (every test's store seeds them)."""
    key = json.dumps([kind, data], ensure_ascii=False, sort_keys=True, default=str)
    if key not in _rendered:
        _rendered[key] = render_document(kind, data, parsed=parsed)
    return _rendered[key]


def _merge(entry: dict, prefilled: dict) -> dict:
    """The prefilled input completed by the dossier's settings; a setting fills what the
    store left blank and never replaces what it gave (the figures have one source)."""
    data = dict(prefilled)
    for key, value in entry.get("input", {}).items():
        filled = _fill(data.get(key), value)
        if filled is None:
            raise UserError(f"Hồ sơ mẫu, văn bản «{entry['file']}»: «{key}» lấy từ dữ liệu đã "
                            "lưu, không ghi đè trong dossier.json")
        data[key] = filled
    return data


def _fill(given, setting):
    """`setting` completing what the store gave (names beside its roles), or None when it
    would replace something the store gave."""
    if given in (None, "", []) or given == setting:
        return setting
    if isinstance(given, dict) and isinstance(setting, dict):
        return ({**setting, **given}
                if all(setting.get(k, v) == v for k, v in given.items()) else None)
    if (isinstance(given, list) and isinstance(setting, list) and len(given) == len(setting)
            and all(isinstance(x, dict) for x in given + setting)):
        items = [_fill(g, v) for g, v in zip(given, setting, strict=True)]
        return None if None in items else items
    return None


def _readable(data: dict) -> dict:
    """Unit kinds and classes by their labels, empty notes left out: the file a clerk reads
    and copies (the inputs accept codes and labels alike)."""
    def unit(item: dict) -> dict:
        item = dict(item)
        if "kind" in item:
            item["kind"] = domain.unit_kind(item["kind"]).label
        if "grade" in item:
            item["grade"] = domain.unit_class(item["grade"]).label
        if not item.get("note"):
            item.pop("note", None)
        return item

    out = dict(data)
    if isinstance(out.get("units"), list):
        out["units"] = [unit(u) for u in out["units"]]
    if isinstance(out.get("previous"), dict) and out["previous"].get("units"):
        out["previous"] = {**out["previous"],
                           "units": [unit(u) for u in out["previous"]["units"]]}
    if "kind" in out and isinstance(out["kind"], str) and domain.unit_kind(out["kind"]):
        out["kind"] = domain.unit_kind(out["kind"]).label
    return out


def _register(session: Session, kind: str, body_id: int, data: dict) -> Document:
    """Store `data` (with its number and date) in the register as an issued document."""
    record, parsed = prepare(kind, data)
    draft = {k: v for k, v in data.items() if k != "number"}
    doc = create_document(session, kind=kind, body_id=body_id, data=draft, created_by=CLERK,
                          render=_render)
    doc.number, doc.issued_on, doc.status = parsed.number, parsed.date, STATUS_ISSUED
    doc.year = parsed.date.year
    doc.symbol = doc_symbol(parsed.number, record.abbreviation, parsed.issuer.abbreviation)
    doc.input_json = json.dumps(schema.dump(parsed), ensure_ascii=False)
    doc.docx = _render(kind, data, parsed=parsed)
    counter = session.get(Counter, (body_id, doc.year))
    if counter is None:
        session.add(Counter(body_id=body_id, year=doc.year, last=parsed.number))
    else:
        counter.last = max(counter.last, parsed.number)
    session.flush()
    return doc


def _document(session: Session, loaded: Loaded, entry: dict) -> dict:
    """One document's input as the file holds it; registered when the kind is numbered."""
    kind, year = entry["kind"], loaded.year
    date = dt.date.fromisoformat(entry["date"]) if entry.get("date") else None
    if kind == "registration":
        row = registration_rows(session, [loaded.units[entry["unit"]]])[0]
        return _merge(entry, {**row, "year": year, "date": date.isoformat()})
    if kind == "commitment":
        forms = commitment_inputs(session, loaded.units[entry["unit"]].id, year)
        return _merge(entry, {**forms[entry["household"] - 1], "date": date.isoformat()})
    if kind in UNIT_PAPERS:
        papers = UNIT_PAPERS[kind](session, loaded.units[entry["unit"]].id, year)
        return _merge(entry, {**papers.inputs[0], **({"date": date.isoformat()} if date else {})})
    if kind == "certificate":  # printed from the issued recognition decision it names
        decision = loaded.issued[entry["decision"]]
        if decision.body_id != loaded.bodies[entry["body"]].id:
            raise UserError(f"Hồ sơ mẫu, văn bản «{entry['file']}»: quyết định công nhận "
                            f"«{entry['decision']}» không do cơ quan này ban hành")
        forms = certificate_inputs(session, decision.id)
        form = next(f for f in forms if f["unit"] == entry["unit"])
        return _merge(entry, {**form, **({"date": date.isoformat()} if date else {})})
    body = loaded.bodies[entry["body"]]
    signer = loaded.signers[entry["body"], entry["signer"]]
    if kind in PREFILLED:
        filled = PREFILLED[kind](session, body.id, year, signer.id)
        if filled.warnings:
            raise UserError(f"Hồ sơ mẫu, văn bản «{entry['file']}»: "
                            + "; ".join(filled.warnings))
        prefilled = filled.data
    else:  # the plan: its text is the dossier's, its signer the store's
        prefilled = {"year": year, "signer": signer.as_input()}
        issuer = entry.get("input", {}).get("issuer")
        if issuer is None:
            prefilled["issuer"] = issuer_input(body)
        elif (issuer.get("abbreviation"), issuer.get("place")) != (body.abbreviation,
                                                                   body.place):
            # The header may shorten the name («Ban Chỉ đạo 138» under «UBND huyện …»),
            # never name another body.
            raise UserError(f"Hồ sơ mẫu, văn bản «{entry['file']}»: cơ quan ban hành không "
                            f"phải {body.name}")
    data = _merge(entry, {**prefilled, "number": entry["number"], "date": date.isoformat()})
    loaded.issued[entry["file"]] = _register(session, kind, body.id, data)
    if entry.get("file_is_draft"):  # the file keeps the number and date blank, as typed
        data = {k: v for k, v in data.items() if k not in ("number", "date")}
    return data


def issue_documents(session: Session, loaded: Loaded) -> dict[str, dict]:
    """Make and register a dossier's documents in their order; file name → input."""
    out = {}
    for entry in loaded.data["documents"]:
        if entry["kind"] not in documents.KINDS:
            raise UserError(f"Hồ sơ mẫu: loại văn bản «{entry['kind']}» không có")
        out[entry["file"]] = _readable(_document(session, loaded, entry))
    return out
