"""The register's records (docgen.records): one rule per fact, the same everywhere — the
CCCD number and the years — and errors that carry their field, on the web form too."""

from __future__ import annotations

import re

import pytest

from docgen import importers, records, schema, store
from docgen.documents.commitment import CommitmentInput
from docgen.errors import InputError

FULL_WIDTH = "０３８０７８００４５１２"

# (typed, stored or None when refused): the one CCCD rule, for every path below.
CCCD_RULES = [
    ("038078004512", "038078004512"),
    ("038 078 004 512", "038078004512"),
    (FULL_WIDTH, None),
    ("٠٣٨٠٧٨٠٠٤٥١٢", None),
    ("03807800451", None),
    ("0380780045123", None),
    ("03807800451A", None),
]
CCCD_IDS = ["twelve digits", "typed in groups", "full-width digits", "Arabic-Indic digits",
            "eleven digits", "thirteen digits", "a letter"]


@pytest.fixture
def db(tmp_path):
    database = store.Store(instance_path=tmp_path / "instance")
    database.create_schema()
    yield database
    database.dispose()


@pytest.fixture
def area(db):
    with db.session() as s:
        body = store.save_body(s, name="Ủy ban nhân dân xã Na Mèo", abbreviation="UBND",
                               place="Na Mèo", level="xã", commune="Xã Na Mèo")
        return store.save_unit(s, name="Bản Na Mèo", kind="khu dân cư", body_id=body.id).id


def _store(db, area, typed):
    with db.session() as s:
        return store.save_household(s, unit_id=area, full_name="Lò Văn Xuân",
                                    id_number=typed).id_number


def _importer(db, area, typed):
    return importers.convert("cccd", typed)


def _document(db, area, typed):
    return schema.parse(CommitmentInput, {"full_name": "Lò Văn Xuân", "year": 2025,
                                          "commune": "Xã Na Mèo", "area": "Bản Na Mèo",
                                          "id_number": typed}).id_number


def _message(path, db, area, typed) -> str:
    """The message a path gives for a refused CCCD."""
    try:
        path(db, area, typed)
    except InputError as exc:
        assert list(exc.by_field()) == ["id_number"], exc.problems
        return exc.by_field()["id_number"][0]
    except ValueError as exc:
        return str(exc)
    raise AssertionError(f"{path.__name__} took {typed!r}")


@pytest.mark.parametrize("path", [_store, _importer, _document],
                         ids=["store", "importer", "document input"])
@pytest.mark.parametrize("typed, stored", CCCD_RULES, ids=CCCD_IDS)
def test_every_path_applies_the_one_cccd_rule(db, area, path, typed, stored):
    if stored is None:
        _message(path, db, area, typed)
    else:
        assert path(db, area, typed) == stored


REFUSED = [(i, t) for i, (t, stored) in zip(CCCD_IDS, CCCD_RULES, strict=True) if stored is None]


@pytest.mark.parametrize("typed", [t for _, t in REFUSED], ids=[i for i, _ in REFUSED])
def test_a_refused_cccd_gets_the_same_message_on_every_path(db, area, typed):
    messages = {_message(path, db, area, typed) for path in (_store, _importer, _document)}
    assert len(messages) == 1, messages
    message = messages.pop()
    assert "Số CCCD" in message
    assert not re.search(r"\d{9,}", message), "the number itself is never quoted"


def test_a_full_width_cccd_is_refused_by_the_store_which_took_it_before(db, area):
    # str.isdigit() is true for "０": the store used to keep what printing then refused.
    with pytest.raises(InputError) as err:
        _store(db, area, FULL_WIDTH)
    assert "chữ số 0–9 thông thường" in err.value.by_field()["id_number"][0]


def test_a_full_width_cccd_is_refused_by_the_web_document_form(client):
    page = client.get("/van-ban/commitment/moi").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    response = client.post("/van-ban/commitment/moi", data={
        "csrf_token": token, "full_name": "Lò Văn Xuân", "year": "2025",
        "commune": "Xã Na Mèo", "area": "Bản Na Mèo", "id_number": FULL_WIDTH})
    assert response.status_code == 422
    assert _field_errors(response.get_data(as_text=True), "id_number")


@pytest.mark.parametrize("year, field", [
    ({"year": 1999}, "year"), ({"year": 2101}, "year"),
    ({"birth_year": 1899}, "birth_year"), ({"birth_year": 2999}, "birth_year"),
], ids=["list year before 2000", "list year after 2100", "born before 1900",
        "born in the future"])
def test_the_year_ranges_are_the_document_inputs(db, area, year, field):
    with db.session() as s, pytest.raises(InputError) as err:
        store.save_household(s, unit_id=area, full_name="Lò Văn Xuân", **year)
    assert list(err.value.by_field()) == [field]
    document = {"full_name": "Lò Văn Xuân", "year": 2025, "commune": "Xã Na Mèo",
                "area": "Bản Na Mèo", **year}
    with pytest.raises(InputError) as doc_err:
        schema.parse(CommitmentInput, document)
    assert [p for p, _ in doc_err.value.problems] == [field]


# ---- errors carry their field ----------------------------------------------------------------

@pytest.mark.parametrize("fields, field", [
    ({"authority": "KT.", "on_behalf": ""}, "on_behalf"),
    ({"authority": "", "on_behalf": "Ủy ban nhân dân"}, "on_behalf"),
    ({"authority": "", "position": ""}, "position"),
    ({"name": "Ông Vi Văn Lả"}, "name"),
], ids=["KT. without on whose behalf", "on whose behalf without an authority",
        "no position", "a title before the name"])
def test_a_signer_rule_names_its_field(db, area, fields, field):
    values = {"name": "Vi Văn Lả", "position": "Phó Chủ tịch", "authority": "",
              "on_behalf": "", **fields}
    with db.session() as s, pytest.raises(InputError) as err:
        store.save_signer(s, body_id=1, **values)
    assert list(err.value.by_field()) == [field]


def test_the_field_comes_from_the_rule_not_from_the_message():
    # The old routing searched "thay mặt" in the message: «Thay mặt …» (capital T) fell
    # to the name. The rule now says which field it is about.
    with pytest.raises(InputError) as err:
        schema.parse(records.Signer, {"name": "Vi Văn Lả", "position": "Phó Chủ tịch",
                                      "on_behalf": "Ủy ban nhân dân"})
    assert err.value.problems[0][0] == "on_behalf"
    with pytest.raises(InputError) as err:
        schema.parse(records.Body, {"name": "Công an xã", "abbreviation": "CA X",
                                    "place": "Na Mèo"})
    assert err.value.problems[0][0] == "abbreviation"


def _field_errors(page: str, name: str) -> list[str]:
    """The error messages shown in the form field that holds input `name`."""
    found = []
    for block in re.findall(r'<div class="field has-error">(.*?)</div>\s*</div>', page + "</div>",
                            re.S):
        if re.search(rf'name="{name}"', block):
            found += re.findall(r'<div class="error" role="alert">(.*?)(?:</div>|$)', block,
                                re.S)
    return found


def _token(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]


def test_a_signer_error_shows_next_to_its_field_on_the_web(client):
    url = "/co-quan/1/nguoi-ky/moi"
    response = client.post(url, data={
        "csrf_token": _token(client, url), "name": "Vi Văn Lả", "position": "Phó Chủ tịch",
        "authority": "", "on_behalf": "Ủy ban nhân dân", "active": "y"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert any("chỉ in khi có thẩm" in e for e in _field_errors(page, "on_behalf")), page
    assert _field_errors(page, "name") == []


def test_the_body_and_signer_forms_are_built_from_the_records(client):
    body = client.get("/co-quan/moi").get_data(as_text=True)
    names = re.findall(r'<(?:input|select|textarea)[^>]*name="(\w+)"', body)
    assert [n for n in names if n != "csrf_token"] == [
        "name", "abbreviation", "place", "superior", "parent_id", "level", "commune",
        "proposer", "identifier"]
    assert "Tên cơ quan (viết như trong câu)" in body and "Chữ viết tắt trong ký hiệu" in body
    signer = client.get("/co-quan/1/nguoi-ky/moi").get_data(as_text=True)
    names = re.findall(r'<(?:input|select|textarea)[^>]*name="(\w+)"', signer)
    assert [n for n in names if n != "csrf_token"] == [
        "name", "position", "authority", "on_behalf", "active"]
    options = re.findall(r'<option[^>]*value="([^"]*)"', signer)
    assert options == ["", "TM.", "KT.", "Q.", "TL.", "TUQ."]   # no second blank option
    assert re.search(r'<input[^>]*checked[^>]*name="active"|<input[^>]*name="active"[^>]*checked',
                     signer), "a new signer signs by default"


# ---- outcomes: a record like the others ----------------------------------------------------

@pytest.mark.parametrize("values, field, message", [
    ({"reviewed_score": "101"}, "reviewed_score", "Điểm thẩm định 101 nằm ngoài thang điểm 0–100"),
    ({"self_score": "chín"}, "self_score", "Điểm tự chấm «chín» không phải số"),
    ({"safe": "có lẽ"}, "safe", "An toàn về ANTT «có lẽ» phải là «Có» hoặc «Không»"),
    ({"decided": "Giỏi"}, "decided", "Xếp loại «Giỏi» không hợp lệ"),
], ids=["score out of range", "score in words", "safe neither yes nor no", "unknown class"])
def test_an_outcome_is_checked_by_the_schema_and_the_store_alike(values, field, message):
    from docgen import policy as policy_module, records
    from docgen.store import check_assessment
    with pytest.raises(InputError) as by_schema:
        schema.parse(records.Outcome, values, labelled=True)
    with pytest.raises(InputError) as by_store:
        check_assessment(values, policy_module.load_policy())
    assert by_schema.value.problems == by_store.value.problems
    assert [f for f, _ in by_store.value.problems] == [field]
    assert message in by_store.value.problems[0][1]


@pytest.mark.parametrize("typed, safe", [("Có", True), ("x", True), ("Đạt", True),
                                         ("an toàn", True), ("Không", False),
                                         ("Chưa đạt", False), ("không đạt", False)])
def test_yes_and_no_are_the_same_words_in_every_input(typed, safe):
    """The outcome's "An toàn về ANTT" and a document's yes/no field read the same words."""
    from docgen import records
    assert schema.parse(records.Outcome, {"safe": typed}).safe is safe
    signer = {"name": "Lò Văn Hùng", "position": "Chủ tịch", "active": typed}
    assert schema.parse(records.Signer, signer).active is safe
