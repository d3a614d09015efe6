"""The shipped sample dossiers (samples/*/dossier.json): every input file is what the store
makes of its dossier, the documents of a year agree on every figure, their dates follow the
legal order and deadlines (docgen.rules), each issuer is competent for every unit it lists,
one person holds each office, and every citation matches the register."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict

import pytest

from docgen import domain, rules
from docgen.errors import UserError
from docgen.samples import DOSSIERS, DOSSIER_FILE, SAMPLES_DIR, dump, load_dossier, load_sample
from docgen.vietnamese import nd30_date

RULES = rules.load_rules(rules.SHIPPED)
# Each dossier's year: (Tờ trình, decision) pairs, and the report with the decision it cites.
CHAINS = {
    "quan-son-2022": [("proposal-na-meo", "decision-na-meo"), ("proposal", "decision")],
    "trung-ha-2025": [("proposal", "decision")],
}
REPORTS = {"quan-son-2022": ("report", "decision"), "trung-ha-2025": ("report", "decision")}


@pytest.fixture(scope="module")
def built():
    from docgen.sample_build import build_samples
    return build_samples()


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    """The register of a store seeded with the samples: (folder-less) list of issued rows."""
    from docgen import store
    folder = tmp_path_factory.mktemp("samples-store")
    database = store.Store(f"sqlite:///{folder / 'db.sqlite3'}")
    database.create_schema()
    assert database.seed_sample_if_empty()
    with database.session() as session:
        rows = [{"kind": d.kind, "symbol": d.symbol, "number": d.number, "date": d.issued_on,
                 "body": d.body.name, "input": store.document_input(d), "status": d.status}
                for d in store.list_documents(session)]
    database.dispose()
    return rows


def unit_kind(label: str) -> str:
    return domain.unit_kind(label).code


def units_of(data: dict) -> dict[str, dict]:
    return {u["name"]: u for u in data["units"]}


def date_of(data: dict) -> dt.date:
    return dt.date.fromisoformat(data["date"])


def body_named(dossier: dict, name: str) -> dict:
    return next(b for b in dossier["bodies"] if b["name"] == name)


# --- one source ------------------------------------------------------------------------

def test_every_sample_file_is_what_its_dossier_makes(built):
    """`python -m docgen.sample_build build` leaves nothing to change: the committed inputs are
    the store's, and no hand-written input is left beside them."""
    for folder in DOSSIERS:
        files = built[folder]
        for name, data in files.items():
            assert (SAMPLES_DIR / folder / name).read_text(encoding="utf-8") == dump(data), name
        on_disk = {p.name for p in (SAMPLES_DIR / folder).glob("*.json")} - {DOSSIER_FILE}
        assert on_disk == set(files), folder


def test_the_build_command_checks_and_writes(built, capsys):
    from docgen.sample_build import main
    assert main(["check"]) == 0
    assert main(["nonsense"]) == 2
    assert "python -m docgen.sample_build build|check" in capsys.readouterr().err


def test_each_file_is_the_input_the_register_keeps(register):
    """The register holds every numbered document of both dossiers, issued, with the very
    input of its sample file (the plan's file keeps the seed's blank number and date)."""
    from docgen.store.numbering import canonical_input
    for folder in DOSSIERS:
        for entry in load_dossier(folder)["documents"]:
            if entry["kind"] not in ("plan", "proposal", "decision", "report"):
                continue
            data = load_sample(entry["file"], folder)
            if entry.get("file_is_draft"):
                data = {**data, "number": entry["number"], "date": entry["date"]}
            row = next(r for r in register if r["kind"] == entry["kind"]
                       and r["number"] == entry["number"]
                       and r["date"] == dt.date.fromisoformat(entry["date"]))
            assert row["status"] == "issued"
            assert json.loads(canonical_input(entry["kind"], data)) == row["input"], entry["file"]


# --- one year, one set of figures -------------------------------------------------------

@pytest.mark.parametrize("folder", DOSSIERS)
def test_proposal_decision_and_report_agree_on_every_unit(folder):
    dossier = load_dossier(folder)
    stored = {u["name"]: u["outcomes"][str(dossier["year"])] for u in dossier["units"]}
    for proposal_name, decision_name in CHAINS[folder]:
        proposal = units_of(load_sample(proposal_name, folder))
        decision = units_of(load_sample(decision_name, folder))
        assert list(proposal) == list(decision)
        for name, unit in decision.items():
            assert proposal[name]["grade"] == unit["grade"], name
            assert domain.unit_class(unit["grade"]).code == stored[name]["class"], name
            assert proposal[name]["safe"] == stored[name].get("safe", False), name
            assert proposal[name]["score"] == f"{stored[name]['score']:g}", name
    report_name, decision_name = REPORTS[folder]
    report = units_of(load_sample(report_name, folder))
    decision = units_of(load_sample(decision_name, folder))
    proposal_name = next(p for p, d in CHAINS[folder] if d == decision_name)
    proposal = units_of(load_sample(proposal_name, folder))
    assert list(report) == list(decision)
    for name, unit in report.items():
        assert (unit["grade"], unit["safe"]) == (decision[name]["grade"], proposal[name]["safe"])


def test_the_2022_tờ_trình_and_report_count_the_same_safe_units():
    """The defect this dossier replaces: a Tờ trình saying 35 of 44 and a report 32."""
    proposal, report = load_sample("proposal"), load_sample("report")
    safe = [sum(u["safe"] for u in data["units"]) for data in (proposal, report)]
    assert safe[0] == safe[1] == 20 and len(proposal["units"]) == len(report["units"]) == 24


@pytest.mark.parametrize("folder", DOSSIERS)
def test_a_decided_class_other_than_the_suggestion_says_why(folder):
    from docgen.policy import SHIPPED, load_policy
    policy, dossier = load_policy(SHIPPED), load_dossier(folder)
    overridden = 0
    for unit in dossier["units"]:
        for outcome in unit["outcomes"].values():
            if "score" in outcome and policy.suggest(outcome["score"], outcome["safe"]) \
                    != outcome["class"]:
                assert outcome.get("reason"), unit["name"]
                overridden += 1
    assert overridden >= 1  # each dossier shows the Ghi chú of a decision that departs


def test_a_commune_recognised_safe_has_70_percent_of_its_areas_safe():
    """Circular 124 Điều 5 khoản 4, for the communes whose areas the dossier holds."""
    dossier = load_dossier("quan-son-2022")
    year = str(dossier["year"])
    areas = defaultdict(list)
    for unit in dossier["units"]:
        if unit["kind"] == "khu_dan_cu":
            areas[unit["commune"]].append(unit["outcomes"][year]["safe"])
    communes = {u["name"]: u["outcomes"][year]["safe"] for u in dossier["units"]
                if u["kind"] == "xa"}
    assert set(areas) == {"Xã Na Mèo", "Thị trấn Sơn Lư"}
    for commune, flags in areas.items():
        assert communes[commune] == (sum(flags) / len(flags) >= 0.7), commune


# --- scope and competence ----------------------------------------------------------------

def _competent_body(dossier: dict, unit: dict, on: dt.date, matter: str) -> rules.Competence:
    body = next(b for b in dossier["bodies"] if b["key"] == unit["body"])
    managing = RULES.managing_tier(unit["kind"], unit.get("category", ""),
                                   unit.get("managed_by", ""), rules.tier(body["level"]))
    return RULES.competent(unit["kind"], category=unit.get("category", ""),
                           managed_by=managing, on=on, matter=matter)


@pytest.mark.parametrize("folder", DOSSIERS)
def test_no_listed_unit_is_out_of_scope(folder):
    dossier = load_dossier(folder)
    for unit in dossier["units"]:
        assert RULES.category(unit["kind"], unit["category"]) is not None, unit["name"]
        for matter in ("an_toan", "phan_loai"):
            assert RULES.excluded(unit["kind"], unit["category"], matter) is None, unit["name"]


@pytest.mark.parametrize("folder, name", [(f, n) for f, chain in CHAINS.items()
                                          for pair in chain for n in pair])
def test_each_issuer_is_competent_for_every_unit_it_lists(folder, name):
    """The decision's issuer (the Tờ trình's addressee) is the body the rules name for each
    unit on the document's date — for the class and for "An toàn về ANTT"."""
    dossier, data = load_dossier(folder), load_sample(name, folder)
    decider = body_named(dossier, data["issuer"]["name"] if "decision" in name
                         else data["addressees"][0])
    by_name = {u["name"]: u for u in dossier["units"]}
    for listed in data["units"]:
        unit = by_name[listed["name"]]
        for matter in ("phan_loai", "an_toan"):
            rule = _competent_body(dossier, unit, date_of(data), matter)
            assert rules.may_decide(rule, decider["level"], decider["abbreviation"]), (
                listed["name"], matter, rule and rule.label)


def test_the_district_lists_no_residential_area_no_office_and_no_province_school():
    """What the old sample got wrong: residential areas (the commune's), the district's
    phòng/ban (the Steering Committee's, seed III.4), THPT schools (the province's),
    primary schools and kindergartens (out of scope)."""
    names = [u["name"] for u in load_sample("decision")["units"]]
    kinds = {u["kind"] for u in load_sample("decision")["units"]}
    assert "Khu dân cư" not in kinds
    for word in ("Phòng ", "Trường THPT", "Trường Tiểu học", "Trường Mầm non", "Liên đoàn"):
        assert not any(n.startswith(word) for n in names), word


# --- dates, deadlines and citations -------------------------------------------------------

@pytest.mark.parametrize("folder", DOSSIERS)
def test_dates_follow_the_legal_order_and_deadlines(folder):
    dossier = load_dossier(folder)
    year = dossier["year"]
    entries = {e["file"].removesuffix(".json"): e for e in dossier["documents"]}
    dated = {name: dt.date.fromisoformat(e["date"]) for name, e in entries.items()}
    registration = RULES.deadline("registration", year)[1]
    assert dated["registration"] <= registration
    assert dated["commitment"] <= registration
    plan = load_sample("plan", folder)
    assert dated["plan"] <= dt.date.fromisoformat(plan["plan_deadline"])
    for proposal, decision in CHAINS[folder]:
        kinds = sorted({unit_kind(u["kind"]) for u in load_sample(proposal, folder)["units"]})
        assert dated[proposal] <= RULES.deadline("proposal", year, kinds)[1], proposal
        assert dated[proposal] < dated[decision], decision
        assert dated[decision] <= RULES.deadline("decision_an_toan", year, kinds)[1], decision
    report, decision = REPORTS[folder]
    assert dated[decision] < dated[report] <= RULES.deadline("report", year)[1]
    # The district's Tờ trình comes after the communes decided on their residential areas.
    assert dated["plan"] < dated["registration"]  # which cites the plan
    if folder == "quan-son-2022":
        assert dated["decision-na-meo"] < dated["proposal"]
    # Every document of the year lies in its period (the district era, two-level government).
    period = RULES.year_period(year).code
    for name in ("proposal", "decision", "report"):
        assert RULES.period(dated[name]).code == period, name


_CITED = re.compile(r"(Kế hoạch|Tờ trình) số (\S+) (ngày \d\d tháng \d\d? năm \d{4})"
                    r"(?: của (.+?))?(?: triển khai|$)")


def _citations(data: dict) -> list[tuple[str, str, str, str]]:
    texts = [data.get("plan_reference", ""), data.get("proposal", "")]
    for topic in data.get("implementation", []):
        texts += topic["paragraphs"]
    return [m.groups() for text in texts for m in _CITED.finditer(text)]


@pytest.mark.parametrize("folder", DOSSIERS)
def test_every_citation_matches_the_register(folder, register):
    dossier = load_dossier(folder)
    kinds = {"Kế hoạch": "plan", "Tờ trình": "proposal"}
    found = 0
    for entry in dossier["documents"]:
        data = load_sample(entry["file"], folder)
        for word, symbol, date, issuer in _citations(data):
            rows = [r for r in register if r["kind"] == kinds[word] and r["symbol"] == symbol]
            assert len(rows) == 1, (entry["file"], symbol)
            assert nd30_date(rows[0]["date"]) == date, (entry["file"], symbol)
            assert issuer is None or rows[0]["body"] == issuer, (entry["file"], symbol)
            assert rows[0]["date"] <= date_of(data) if "date" in data else True
            found += 1
        if entry["kind"] == "report":
            cited = data["decision"]
            row = next(r for r in register if r["kind"] == "decision"
                       and r["symbol"] == cited["number"])
            assert (row["date"].isoformat(), row["body"]) == (cited["date"], cited["issuer"])
            found += 1
    assert found >= 3


# --- people ---------------------------------------------------------------------------------

@pytest.mark.parametrize("folder", DOSSIERS)
def test_one_person_per_office(folder):
    """Every document is signed by a signer the store holds for its issuer; the Steering
    Committee's head is the People's Committee's chairman; the head of the residential area
    who registers it is the one who confirms its households' forms."""
    dossier = load_dossier(folder)
    holders = defaultdict(set)
    for body in dossier["bodies"]:
        for person in body["signers"]:
            holders[body["name"], person["position"].splitlines()[-1]].add(person["name"])
    assert all(len(names) == 1 for names in holders.values()), holders
    committee = next(b for b in dossier["bodies"] if b["abbreviation"] == "BCĐ")
    council = next(b for b in dossier["bodies"] if b["key"] == committee["parent"])
    chair = {p["name"] for p in council["signers"] if p["position"] == "Chủ tịch"}
    assert {p["name"] for p in committee["signers"]} == chair
    for entry in dossier["documents"]:
        data = load_sample(entry["file"], folder)
        if "issuer" in data:
            body = next(b for b in dossier["bodies"] if b["key"] == entry["body"])
            assert data["signer"]["name"] in {p["name"] for p in body["signers"]}, entry["file"]
    registration, commitment = load_sample("registration", folder), load_sample(
        "commitment", folder)
    assert registration["signer"]["name"] == commitment["confirmer_name"]
    assert registration["unit"] == commitment["area"]


def test_a_dossier_cannot_overwrite_what_the_store_gives():
    from docgen.store.sample_dossiers import _merge
    entry = {"file": "decision.json", "input": {"units": [], "archive": "VT"}}
    with pytest.raises(UserError, match="«units» lấy từ dữ liệu đã lưu"):
        _merge(entry, {"units": [{"name": "Bản A"}]})
    assert _merge({"file": "x", "input": {"district": "huyện Quan Sơn"}},
                  {"district": ""}) == {"district": "huyện Quan Sơn"}


def test_a_dossier_deciding_other_than_suggested_without_a_reason_is_refused(tmp_path):
    from docgen import store
    from docgen.errors import InputError
    from docgen.policy import SHIPPED, load_policy
    from docgen.store import seed

    dossier = load_dossier("trung-ha-2025")
    outcome = next(u for u in dossier["units"] if u["name"] == "Bản Cha Khót")["outcomes"]
    outcome["2025"].pop("reason")
    database = store.Store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    database.create_schema()
    loaded = seed.Loaded("trung-ha-2025", dossier)
    with pytest.raises(InputError, match="cần ghi lý do"), database.session() as session:
        seed._bodies(session, loaded)
        seed._units(session, loaded, load_policy(SHIPPED))
    database.dispose()
