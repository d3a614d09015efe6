"""The register stores the validated input in canonical form, and «Cấp số» does not
validate it again: it rebuilds the input from the stored form and renders it."""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

import docgen
from docgen import schema, store
from docgen.samples import load_sample, sample_inputs
from docgen.store.models import Document
from docgen.store.numbering import canonical_input
from helpers import texts

ISSUED = dt.date(2022, 12, 20)


@pytest.fixture
def db(tmp_path):
    database = store.Store(instance_path=tmp_path / "instance")
    database.create_schema()
    with database.session() as s:
        store.save_body(s, name="Ủy ban nhân dân huyện Quan Sơn", abbreviation="UBND",
                        place="Quan Sơn", level="huyện")
    yield database
    database.dispose()


def typed_decision() -> dict:
    """The sample decision as a clerk might type it: labels for codes, a Vietnamese date
    in a unit list, numbers as text, stray spaces — without number and date."""
    data = load_sample("decision")
    del data["number"], data["date"]
    data["year"] = " 2022 "
    data["units"][0]["kind"] = "KHU DAN CU"
    data["units"][0]["grade"] = "xuất sắc"
    data["units"][1]["name"] = "  " + data["units"][1]["name"].replace(" ", "   ") + " "
    data["signer"]["authority"] = "kt"
    return data


def stored(db, doc_id: int) -> str:
    with db.session(readonly=True) as s:
        return s.get(Document, doc_id).input_json


def draft(db, data: dict) -> int:
    with db.session() as s:
        return store.create_document(s, kind="decision", body_id=1, data=data, created_by="",
                                     render=docgen.render_document).id


def test_a_draft_stores_the_canonical_input_not_what_was_typed(db):
    data = typed_decision()
    raw = json.dumps(data, ensure_ascii=False)
    got = stored(db, draft(db, data))
    assert got == canonical_input("decision", data) != raw
    saved = json.loads(got)
    assert saved["year"] == 2022 and saved["number"] is None and saved["date"] is None
    assert (saved["units"][0]["kind"], saved["units"][0]["grade"]) == ("khu_dan_cu", "xuat_sac")
    assert saved["units"][1]["name"] == load_sample("decision")["units"][1]["name"]
    assert saved["signer"]["authority"] == "KT."
    assert schema.dump(docgen.prepare("decision", data)[1]) == saved


@pytest.mark.parametrize("folder, name, kind", sample_inputs(),
                         ids=[f"{f}/{n}" for f, n, _ in sample_inputs()])
def test_the_canonical_form_gives_back_the_same_input(folder, name, kind):
    data = load_sample(name, folder)
    _, parsed = docgen.prepare(kind, data)
    canonical = json.loads(canonical_input(kind, data))
    assert schema.load(parsed.__class__, canonical) == parsed
    assert docgen.prepare(kind, canonical)[1] == parsed
    assert canonical_input(kind, canonical) == canonical_input(kind, data)


def count_parses(monkeypatch) -> list:
    calls = []
    original = schema.parse

    def counted(cls, data, path=""):
        calls.append(cls.__name__)
        return original(cls, data, path)

    monkeypatch.setattr(schema, "parse", counted)
    return calls


def test_issuing_renders_the_stored_input_without_validating_it_again(db, monkeypatch):
    doc_id = draft(db, typed_decision())
    before = json.loads(stored(db, doc_id))
    calls = count_parses(monkeypatch)
    issued = store.issue_number(db, doc_id, issued_on=ISSUED, render=docgen.render_document)
    assert calls == []
    assert issued.symbol == "01/QĐ-UBND"
    lines = texts(issued.docx)
    assert "Số: 01/QĐ-UBND" in lines and "Quan Sơn, ngày 20 tháng 12 năm 2022" in lines
    after = json.loads(stored(db, doc_id))
    assert after == {**before, "number": 1, "date": "2022-12-20"}
    monkeypatch.undo()
    assert stored(db, doc_id) == canonical_input("decision", after)


def test_an_old_row_of_raw_form_data_is_canonicalised_and_still_issues(db, monkeypatch):
    data = typed_decision()
    doc_id = draft(db, data)
    raw = json.dumps(data, ensure_ascii=False)
    with db.session() as s:                 # as the register stored inputs before
        s.get(Document, doc_id).input_json = raw
    migrated = canonical_input("decision", json.loads(raw))
    assert migrated == canonical_input("decision", typed_decision()) != raw
    assert json.loads(migrated)["units"][0]["kind"] == "khu_dan_cu"
    calls = count_parses(monkeypatch)       # not migrated yet: validated once, as before
    issued = store.issue_number(db, doc_id, issued_on=ISSUED, render=docgen.render_document)
    assert calls == ["DecisionInput"] and issued.number == 1
    assert json.loads(stored(db, doc_id)) == {**json.loads(migrated), "number": 1,
                                              "date": "2022-12-20"}


def test_an_issue_date_outside_the_assessment_years_is_refused_naming_it(db):
    doc_id = draft(db, typed_decision())
    with pytest.raises(docgen.errors.InputError, match="không thuộc năm đánh giá 2022"):
        store.issue_number(db, doc_id, issued_on=dt.date(2024, 1, 5),
                           render=docgen.render_document)
    with db.session(readonly=True) as s:
        assert s.get(Document, doc_id).number is None


class _FormFields(HTMLParser):
    """The fields a browser would post from a page's first form."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._first_option: str | None = None
        self._chosen = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self._select, self._first_option, self._chosen = a.get("name"), None, False
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a and not self._chosen:
                self.fields.append((self._select, a.get("value", "")))
                self._chosen = True
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.fields.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._chosen and self._first_option is not None:
                self.fields.append((self._select, self._first_option))
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def test_the_web_form_stores_what_it_validated_once(client, app, monkeypatch):
    page = client.get("/van-ban/commitment/moi").get_data(as_text=True)
    parser = _FormFields()
    parser.feed(page[page.index('id="document-form"'):])
    fields = dict(parser.fields)
    fields.update({"full_name": "  Hà Văn   «Bình» & <Con> ", "birth_year": " 1978 "})
    calls = count_parses(monkeypatch)
    response = client.post("/van-ban/commitment/moi", data=fields)
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    assert calls == ["CommitmentInput"]
    monkeypatch.undo()
    with app.extensions["docgen_store"].session(readonly=True) as s:
        doc = s.scalars(select(Document).order_by(Document.id.desc())).first()
        saved = doc.input_json
    data = json.loads(saved)
    assert data["full_name"] == "Hà Văn «Bình» & <Con>" and data["birth_year"] == 1978
    assert saved == canonical_input("commitment", data)
