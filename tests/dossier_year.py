"""A commune's consistent year in the store (two-level government, 2025) for the dossier
tests: its bodies, units, outcomes, and the year's documents issued in the legal order."""

from __future__ import annotations

import copy
import datetime as dt

from docgen import render_document, store as q
from docgen.samples import load_sample

YEAR = 2025
LATEST = dt.date(2100, 1, 1)  # issue_number refuses dates after today: the tests pick dates
DATES = {"plan": dt.date(2025, 3, 10), "registration": dt.date(2025, 3, 20),
         "proposal": dt.date(2025, 11, 10), "decision": dt.date(2025, 11, 14),
         "report": dt.date(2025, 12, 1)}
# (name, kind, decided class, "An toàn")
UNITS = [("Bản Pù Ngà", "khu_dan_cu", "xuat_sac", True),
         ("Bản Na Hồ", "khu_dan_cu", "kha", True),
         ("Bản Chiềng Ván", "khu_dan_cu", "trung_binh", False),
         ("Trường THCS Na Mèo", "co_so_giao_duc", "kha", True)]


def bodies(s) -> dict[str, int]:
    """The commune's People's Committee, Steering Committee and police, with signers."""
    ubnd = q.save_body(s, name="Ủy ban nhân dân xã Na Mèo", abbreviation="UBND", place="Na Mèo",
                       superior="", level="xã", commune="Xã Na Mèo",
                       proposer="Trưởng Công an xã")
    bcd = q.save_body(s, name="Ban Chỉ đạo 138 xã Na Mèo", abbreviation="BCĐ", place="Na Mèo",
                      superior="UBND xã Na Mèo", level="xã", parent_id=ubnd.id)
    police = q.save_body(s, name="Công an xã Na Mèo", abbreviation="CAX", place="Na Mèo",
                         superior="Công an tỉnh Thanh Hóa", level="xã", parent_id=ubnd.id)
    q.save_signer(s, body_id=ubnd.id, name="Lò Văn Mạnh", position="Chủ tịch", authority="TM.",
                  on_behalf="Ủy ban nhân dân")
    q.save_signer(s, body_id=bcd.id, name="Lò Văn Mạnh", position="Trưởng ban")
    q.save_signer(s, body_id=police.id, name="Hà Văn Sơn", position="Trưởng Công an xã")
    for name, kind, decided, safe in UNITS:
        unit = q.save_unit(s, name=name, kind=kind, body_id=ubnd.id, commune="Xã Na Mèo")
        q.save_assessment(s, unit.id, YEAR, reviewed_score={"xuat_sac": 95, "kha": 80,
                                                            "trung_binh": 60}[decided],
                          safe=safe, decided=decided,
                          reason="" if decided != "trung_binh" or safe else "")
    return {"ubnd": ubnd.id, "bcd": bcd.id, "police": police.id}


def plan_data(s, body_id: int) -> dict:
    data = copy.deepcopy(load_sample("plan", "trung-ha-2025"))
    for key in ("number", "date"):
        data.pop(key, None)
    data.update(issuer=q.issuer_input(q.get_body(s, body_id)), year=YEAR,
                plan_deadline="2025-03-25", units_deadline="2025-03-31",
                report_deadline="2025-03-31",
                basis_plan={"number": "12/KH-BCĐ", "date": "2025-02-20",
                            "issuer": "Ban Chỉ đạo 138 tỉnh Thanh Hóa"},
                signer=q.list_signers(s, body_id)[0].as_input())
    return data


def registration_data(s, plan_reference: str) -> dict:
    return {"unit": "Bản Pù Ngà", "kind": "khu_dan_cu", "year": YEAR, "commune": "Xã Na Mèo",
            "superior": "UBND xã Na Mèo", "date": DATES["registration"].isoformat(),
            "plan_reference": plan_reference, "households": 80,
            "signer": {"name": "Vi Văn Pọm", "position": "Trưởng bản"}}


def make(db, kind: str, body_id: int, data: dict) -> int:
    with db.session() as s:
        return q.create_document(s, kind=kind, body_id=body_id, data=data, created_by="kiểm thử",
                                 render=render_document).id


def issue(db, doc_id: int, on: dt.date):
    return q.issue_number(db, doc_id, issued_on=on, render=render_document, latest=LATEST)


def build(db, *, until: str = "report", tweak=None, dates=None, ids=None) -> dict:
    """The year up to `until` (a kind), each document pre-filled from the store as the
    web form does and issued on its date (`dates` overrides some); `tweak(kind, data)` may
    change an input before it is stored; `ids`: the bodies already made. Returns the body
    ids and the document ids."""
    dates = {**DATES, **(dates or {})}
    tweak = tweak or (lambda kind, data: None)
    if ids is None:
        with db.session() as s:
            ids = bodies(s)
    docs = {}
    order = ["plan", "registration", "proposal", "decision", "report"]
    for kind in order[:order.index(until) + 1]:
        with db.session() as s:
            if kind == "plan":
                body, data = ids["bcd"], plan_data(s, ids["bcd"])
            elif kind == "registration":
                body = ids["ubnd"]
                data = registration_data(s, q.plan_reference(s, q.get_body(s, body), YEAR))
            elif kind == "decision":
                body, data = ids["ubnd"], q.decision_input(s, ids["ubnd"], YEAR).data
            else:
                body = ids["police"]
                prefill = q.proposal_input if kind == "proposal" else q.report_input
                data = prefill(s, body, YEAR).data
        tweak(kind, data)
        docs[kind] = make(db, kind, body, data)
        if kind != "registration":
            issue(db, docs[kind], dates[kind])
    return {**ids, **docs}
