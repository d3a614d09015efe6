"""The data layer against real SQLite files: models, every query, validation messages,
the sample seed, pre-filled inputs, and the register's numbering under concurrency."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

import docgen
from docgen import nd30, store
from docgen.errors import InputError, UserError
from docgen.policy import load_policy
from docgen.store.numbering import canonical_input
from helpers import texts

ISSUED = dt.date(2023, 2, 10)


@pytest.fixture
def db(tmp_path):
    database = store.Store(instance_path=tmp_path / "instance")
    database.create_schema()
    yield database
    database.dispose()


def _body(session, name: str) -> int:
    """The id of the stored body of this name (the samples load several)."""
    return next(b.id for b in store.list_bodies(session) if b.name == name)


@pytest.fixture
def seeded(db):
    assert db.seed_sample_if_empty() is True
    return db


@pytest.fixture
def body(db):
    with db.session() as s:
        return store.save_body(s, name="Ủy ban nhân dân xã Na Mèo", abbreviation="UBND",
                               place="Na Mèo", level="xã", commune="Xã Na Mèo")


def fake_render(kind: str, data: dict, parsed=None) -> bytes:
    """A stand-in renderer: the input as bytes, so tests can read back number and date."""
    return json.dumps(data, ensure_ascii=False).encode()


def slow_render(kind: str, data: dict, parsed=None) -> bytes:
    time.sleep(0.005)  # widens the window between taking a number and committing it
    return fake_render(kind, data)


def decision_data(body: store.Body, *, units=("Bản Na Mèo",), year: int = 2022) -> dict:
    return {"issuer": store.issuer_input(body), "year": year, "proposer": "Trưởng Công an xã",
            "signer": {"name": "Vi Văn Lâm", "position": "Chủ tịch", "authority": "TM.",
                       "on_behalf": "Ủy ban nhân dân"},
            "units": [{"name": n, "kind": "khu_dan_cu", "grade": "kha"} for n in units]}


def drafts(db, body_id: int, count: int, **options) -> list[int]:
    with db.session() as s:
        body = s.get(store.Body, body_id)
        return [store.create_document(s, kind="decision", body_id=body_id,
                                      data=decision_data(body, **options), created_by="văn thư",
                                      render=fake_render).id for _ in range(count)]


# ---- engine and schema ------------------------------------------------------------------

def test_sqlite_file_runs_in_wal_mode_with_foreign_keys_and_busy_timeout(db, tmp_path):
    assert (tmp_path / "instance" / "docgen.sqlite3").is_file()
    with db.session(readonly=True) as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_create_schema_twice_is_harmless(db):
    db.create_schema()
    with db.session(readonly=True) as s:
        assert store.list_bodies(s) == []


def test_store_needs_a_url_or_an_instance_path():
    with pytest.raises(ValueError):
        store.Store()


def test_session_rolls_back_when_the_block_raises(db, body):
    with pytest.raises(RuntimeError), db.session() as s:
        store.save_unit(s, name="Bản Sa Ná", kind="Khu dân cư", body_id=body.id)
        raise RuntimeError("boom")
    with db.session(readonly=True) as s:
        assert store.list_units(s) == []


def test_issuing_inside_an_open_write_session_is_refused_at_once(db, body):
    [doc_id] = drafts(db, body.id, 1)
    with db.session(), pytest.raises(RuntimeError, match="write session is already open"):
        store.issue_number(db, doc_id, issued_on=ISSUED, render=fake_render)
    with db.session(readonly=True):  # a read around it is fine
        assert store.issue_number(db, doc_id, issued_on=ISSUED, render=fake_render).number == 1


def test_a_number_is_unique_within_body_and_year_in_the_schema_itself(db, body):
    with pytest.raises(IntegrityError), db.session() as s:
        for _ in range(2):
            s.add(store.Document(body_id=body.id, kind="decision", year=2023, number=5,
                                 status="issued", input_json="{}", docx=b""))
        s.flush()


# ---- bodies and signers -------------------------------------------------------------------

def test_body_and_signer_round_trip(db, body):
    with db.session() as s:
        signer = store.save_signer(s, body_id=body.id, name="Vi Văn Lâm", position="Chủ tịch",
                                   authority="tm", on_behalf="Ủy ban nhân dân")
    with db.session(readonly=True) as s:
        got = store.get_body(s, body.id)
        assert (got.name, got.abbreviation, got.place, got.level) == \
            ("Ủy ban nhân dân xã Na Mèo", "UBND", "Na Mèo", "xã")
        assert store.get_signer(s, signer.id).authority == "TM."
        assert [x.name for x in store.list_signers(s, body.id)] == ["Vi Văn Lâm"]


@pytest.mark.parametrize("fields, field, words", [
    ({"abbreviation": "UB ND"}, "abbreviation", "dấu cách"),
    ({"name": ""}, "name", "không được để trống"),
    ({"place": "x" * 61}, "place", "vượt quá giới hạn"),
    ({"level": "a\x07b"}, "level", "ký tự điều khiển"),
], ids=["an abbreviation with a space is refused", "a body needs a name",
        "a place name longer than 60 characters is refused",
        "a control character in the level is refused"])
def test_body_validation_names_the_field(db, fields, field, words):
    values = {"name": "Công an xã Na Mèo", "abbreviation": "CAX", "place": "Na Mèo", **fields}
    with db.session() as s, pytest.raises(InputError) as err:
        store.save_body(s, **values)
    assert field in err.value.by_field() or field in str(err.value)
    assert words in str(err.value)


def test_a_body_cannot_be_its_own_ancestor(db, body):
    with db.session() as s:
        child = store.save_body(s, name="Ban Chỉ đạo 138 xã Na Mèo", abbreviation="BCĐ",
                                place="Na Mèo", parent_id=body.id)
        with pytest.raises(InputError, match="cấp dưới"):
            store.save_body(s, id=body.id, name=body.name, abbreviation="UBND", place="Na Mèo",
                            parent_id=child.id)


def test_signer_rules_come_from_the_document_input(db, body):
    with db.session() as s, pytest.raises(InputError, match="thay mặt / ký thay"):
        store.save_signer(s, body_id=body.id, name="Vi Văn Lâm", position="Phó Chủ tịch",
                          authority="KT.")


def test_delete_body_refused_while_units_or_documents_refer_to_it(db, body):
    with db.session() as s:
        store.save_signer(s, body_id=body.id, name="Vi Văn Lâm", position="Chủ tịch")
        unit = store.save_unit(s, name="Bản Na Mèo", kind="Khu dân cư", body_id=body.id)
    drafts(db, body.id, 1)
    with db.session() as s, pytest.raises(UserError) as err:
        store.delete_body(s, body.id)
    assert str(err.value) == ("Không xóa được cơ quan «Ủy ban nhân dân xã Na Mèo»: còn 1 đơn vị "
                              "do cơ quan này đánh giá, 1 văn bản trong sổ văn bản đi")
    with db.session() as s:
        for doc in store.list_documents(s):
            store.delete_document(s, doc.id)
        store.delete_unit(s, unit.id)
        store.delete_body(s, body.id)  # its signers go with it
    with db.session(readonly=True) as s:
        assert store.list_bodies(s) == [] and store.list_signers(s) == []


def test_delete_body_refused_while_a_user_account_belongs_to_it(db, body):
    """The store itself refuses, not only the web page: a script or the command line would
    otherwise leave an account tied to no body (a commune clerk with no scope)."""
    from docgen.store import accounts
    with db.session() as s:
        accounts.save_user(s, username="vanthu.namet", role="commune", body_id=body.id,
                           password="mật khẩu đủ dài 123")
    with db.session() as s, pytest.raises(UserError, match="còn tài khoản vanthu.namet"):
        store.delete_body(s, body.id)
    with db.session(readonly=True) as s:
        assert [b.id for b in store.list_bodies(s)] == [body.id]


# ---- units ------------------------------------------------------------------------------

@pytest.mark.parametrize("fields, field, message", [
    ({"name": "  "}, "name", "Tên đơn vị không được để trống"),
    ({"name": "B" * 301}, "name", "Tên đơn vị dài 301 ký tự, vượt quá giới hạn 300 ký tự"),
    ({"kind": "Chợ"}, "kind", "Loại hình «Chợ» không hợp lệ"),
    ({"kind": ""}, "kind", "Chưa chọn loại hình"),
    ({"name": "Bản\x00Bôn"}, "name", "ký tự điều khiển"),
], ids=["a blank name is refused", "a name over 300 characters is refused",
        "an unknown kind is refused", "a missing kind is refused",
        "a NUL character is refused, not dropped"])
def test_unit_validation_names_the_field(db, body, fields, field, message):
    values = {"name": "Bản Bôn", "kind": "khu_dan_cu", "body_id": body.id, **fields}
    with db.session() as s, pytest.raises(InputError) as err:
        store.save_unit(s, **values)
    assert list(err.value.by_field()) == [field]
    assert message in str(err.value)


def test_a_second_unit_of_the_same_name_is_refused_naming_it(db, body):
    with db.session() as s:
        store.save_unit(s, name="Bản Na Mèo", kind="Khu dân cư", body_id=body.id)
        with pytest.raises(InputError) as err:
            store.save_unit(s, name="  ban NA meo ", kind="Khu dân cư", body_id=body.id)
    assert str(err.value) == ("Trường «name»: Đơn vị «Bản Na Mèo» đã có trong danh sách đơn vị "
                              "do Ủy ban nhân dân xã Na Mèo đánh giá")


def test_the_same_name_under_another_body_is_allowed(db, body):
    with db.session() as s:
        other = store.save_body(s, name="Ủy ban nhân dân huyện Quan Sơn", abbreviation="UBND",
                                place="Quan Sơn")
        store.save_unit(s, name="Bản Na Mèo", kind="Khu dân cư", body_id=body.id)
        store.save_unit(s, name="Bản Na Mèo", kind="Khu dân cư", body_id=other.id)
        assert len(store.list_units(s, search="na meo")) == 2


@pytest.mark.parametrize("name", [
    "Công ty TNHH Xây dựng & Thương mại <Sơn Hà>",
    "Hợp tác xã \"Bản Bôn\" 'Mường Mìn'",
    "Tổ\tdân phố 3",
    "x" * 300,
], ids=["an ampersand and angle brackets are kept", "quotes are kept",
        "a tab is collapsed to a space", "a 300-character name is accepted"])
def test_hostile_unit_names_are_stored_faithfully(db, body, name):
    with db.session() as s:
        unit = store.save_unit(s, name=name, kind="doanh nghiệp", body_id=body.id)
    with db.session(readonly=True) as s:
        assert store.get_unit(s, unit.id).name == " ".join(name.split())


def test_decomposed_vietnamese_is_stored_precomposed(db, body):
    nfd = unicodedata.normalize("NFD", "Bản Mường Mìn")
    with db.session() as s:
        unit = store.save_unit(s, name=nfd, kind="khu dân cư", body_id=body.id)
        assert unit.name == "Bản Mường Mìn" and unit.name_key == "ban muong min"
        assert store.find_unit(s, body.id, "BẢN MƯỜNG MÌN").id == unit.id


def test_update_keeps_the_id_and_changes_the_key(db, body):
    with db.session() as s:
        unit = store.save_unit(s, name="Bản Na Meo", kind="khu_dan_cu", body_id=body.id)
        again = store.save_unit(s, id=unit.id, name="Bản Na Mèo", kind="Khu dân cư",
                                body_id=body.id, commune="Xã Na Mèo", note="Bản biên giới")
        assert again.id == unit.id and again.note == "Bản biên giới"
        assert [u.name for u in store.list_units(s)] == ["Bản Na Mèo"]


@pytest.mark.parametrize("query, expected", [
    ({"search": "na meo"}, {"Xã Na Mèo", "Trường PTDTBT THCS Na Mèo", "Bản Na Mèo", "Bản Sa Ná",
                            "Bản Cóc", "Bản Son", "Bản Ché Lầu", "Bản Na Lộc"}),
    ({"search": "TRƯỜNG PTDTBT THCS"}, {
        "Trường PTDTBT THCS Mường Mìn", "Trường PTDTBT THCS Na Mèo",
        "Trường PTDTBT THCS Trung Hạ", "Trường PTDTBT THCS Trung Xuân"}),
    ({"kind": "Doanh nghiệp", "search": "cong ty"}, {
        "Công ty TNHH Xây dựng & Thương mại Sơn Hà",
        "Công ty Cổ phần Lâm sản 'Mường Mìn' <Chi nhánh Quan Sơn>"}),
], ids=["search ignores diacritics and matches the commune",
        "search ignores case", "kind and search combine"])
def test_list_units_filters(seeded, query, expected):
    with seeded.session(readonly=True) as s:
        assert {u.name for u in store.list_units(s, **query)} == expected


def test_list_units_by_body_and_kind(seeded):
    with seeded.session(readonly=True) as s:
        assert len(store.list_units(s, body_id=1)) == 24
        assert store.list_units(s, body_id=3) == []
        assert len(store.list_units(s, kind="xa")) == 12


def test_delete_unit_refused_while_a_document_lists_it(db, body):
    with db.session() as s:
        unit = store.save_unit(s, name="Bản Na Mèo", kind="khu dân cư", body_id=body.id)
        store.save_assessment(s, unit.id, 2022, reviewed_score=80, safe=True, decided="kha")
    [doc_id] = drafts(db, body.id, 1)
    with db.session() as s, pytest.raises(UserError) as err:
        store.delete_unit(s, unit.id)
    assert str(err.value) == ("Không xóa được đơn vị «Bản Na Mèo»: văn bản số /QĐ-UBND (dự thảo) "
                              "đang dẫn chiếu đơn vị này")
    store.issue_number(db, doc_id, issued_on=ISSUED, render=fake_render)
    with db.session() as s, pytest.raises(UserError) as err:
        store.delete_unit(s, unit.id)
    assert str(err.value) == ("Không xóa được đơn vị «Bản Na Mèo»: văn bản số 01/QĐ-UBND đang "
                              "dẫn chiếu đơn vị này")


def test_delete_unit_takes_its_assessments_and_households(db, body):
    with db.session() as s:
        unit = store.save_unit(s, name="Bản Sa Ná", kind="khu dân cư", body_id=body.id)
        store.save_assessment(s, unit.id, 2022, reviewed_score=80, safe=True, decided="kha")
        store.save_household(s, unit_id=unit.id, full_name="Lò Văn Xuân")
    with db.session() as s:
        store.delete_unit(s, unit.id)
    with db.session(readonly=True) as s:
        assert s.scalars(select(store.Assessment)).all() == []
        assert s.scalars(select(store.Household)).all() == []


# ---- households -------------------------------------------------------------------------

@pytest.mark.parametrize("fields, field", [
    ({"id_number": "03806800124"}, "id_number"),
    ({"birth_year": "năm 1968"}, "birth_year"),
    ({"full_name": ""}, "full_name"),
], ids=["a CCCD number needs 12 digits", "a birth year must be a number",
        "a household needs a name"])
def test_household_validation(db, body, fields, field):
    with db.session() as s:
        unit = store.save_unit(s, name="Bản Na Mèo", kind="khu dân cư", body_id=body.id)
        with pytest.raises(InputError) as err:
            store.save_household(s, **{"unit_id": unit.id, "full_name": "Lò Văn Xuân", **fields})
    assert list(err.value.by_field()) == [field]


def test_households_are_listed_in_entry_order(seeded):
    with seeded.session(readonly=True) as s:
        area = store.find_unit(s, _body(s, "Ủy ban nhân dân xã Na Mèo"), "Bản Na Mèo")
        people = store.list_households(s, area.id)
        assert [p.full_name for p in people][:2] == ["Lò Văn Xuân", "Vi Thị Hoa"]
        assert people[0].id_number == "038068001245"


# ---- assessments ------------------------------------------------------------------------

@pytest.fixture
def unit(db, body):
    with db.session() as s:
        return store.save_unit(s, name="Bản Na Mèo", kind="khu dân cư", body_id=body.id)


@pytest.mark.parametrize("fields, field, message", [
    ({"reviewed_score": 101}, "reviewed_score", "Điểm thẩm định 101 nằm ngoài thang điểm 0–100"),
    ({"self_score": -0.5}, "self_score", "Điểm tự chấm -0.5 nằm ngoài thang điểm 0–100"),
    ({"self_score": "chín mươi"}, "self_score", "Điểm tự chấm «chín mươi» không phải số"),
    ({"reviewed_score": float("nan")}, "reviewed_score", "nằm ngoài thang điểm"),
    ({"decided": "Giỏi"}, "decided", "Xếp loại «Giỏi» không hợp lệ"),
    ({"safe": "có lẽ"}, "safe", "phải là «Có» hoặc «Không»"),
    ({"reviewed_score": 95, "safe": True, "decided": "kha"}, "reason",
     "Xếp loại quyết định «Khá» khác xếp loại đề xuất «Xuất sắc»: cần ghi lý do"),
], ids=["a score above 100 is refused", "a negative score is refused",
        "a score in words is refused", "NaN is refused", "an unknown class is refused",
        "safe must be yes or no", "a decided class unlike the suggestion needs a reason"])
def test_assessment_validation_names_the_field(db, unit, fields, field, message):
    with db.session() as s, pytest.raises(InputError) as err:
        store.save_assessment(s, unit.id, 2022, **fields)
    assert list(err.value.by_field()) == [field]
    assert message in str(err.value)


@pytest.mark.parametrize("fields, suggested", [
    ({"reviewed_score": 90, "safe": True}, "xuat_sac"),
    ({"reviewed_score": "92,5", "safe": "Có"}, "xuat_sac"),
    ({"reviewed_score": 95, "safe": False}, "trung_binh"),
    ({"self_score": 75, "safe": True}, "kha"),
    ({"self_score": 95, "reviewed_score": 60, "safe": True}, "trung_binh"),
    ({"safe": True}, None),
], ids=["the reviewed score decides", "a comma decimal and Có are read",
        "not recognised safe caps the class", "the self score counts while unreviewed",
        "the reviewed score wins over the self score", "no score, no suggestion"])
def test_save_assessment_computes_the_suggestion(db, unit, fields, suggested):
    with db.session() as s:
        row = store.save_assessment(s, unit.id, 2022, **fields)
        assert row.suggested == suggested


def test_a_differing_decision_with_a_reason_is_kept(db, unit):
    with db.session() as s:
        row = store.save_assessment(s, unit.id, 2022, reviewed_score=95, safe=True,
                                    decided="Khá", reason="Có đơn thư phản ánh chưa giải quyết")
    assert (row.suggested, row.decided, row.decided_class.label) == ("xuat_sac", "kha", "Khá")


def test_a_decision_without_scores_needs_no_reason(db, unit):
    with db.session() as s:
        row = store.save_assessment(s, unit.id, 2022, decided="Trung bình")
    assert row.suggested is None and row.decided == "trung_binh"


def test_save_assessment_updates_only_the_given_fields(db, unit):
    with db.session() as s:
        first = store.save_assessment(s, unit.id, 2022, self_score=88, reviewed_score=85,
                                      safe=True, note="Mô hình tự quản tốt")
        again = store.save_assessment(s, unit.id, 2022, decided="kha")
        assert again.id == first.id
        assert (again.self_score, again.reviewed_score, again.note, again.suggested) == \
            (88, 85, "Mô hình tự quản tốt", "kha")
        assert store.get_assessment(s, unit.id, 2023) is None


def test_save_assessment_uses_the_given_policy(db, unit, tmp_path):
    strict = tmp_path / "strict.toml"
    strict.write_text('[[class]]\ncode = "xuat_sac"\nmin_score = 99\n[[class]]\ncode = "yeu"\n',
                      encoding="utf-8")
    with db.session() as s:
        row = store.save_assessment(s, unit.id, 2022, reviewed_score=95, safe=True,
                                    policy=load_policy(strict))
    assert row.suggested == "yeu"


def test_grid_shows_this_year_and_last_years_class(seeded):
    with seeded.session(readonly=True) as s:
        grid = store.assessment_grid(s, 1, 2022)
        assert len(grid) == 24
        first = grid[0]
        assert first.unit.name == "Thị trấn Sơn Lư"
        assert first.assessment.decided_class.label == "Xuất sắc"
        assert first.previous is not None
        next_year = store.assessment_grid(s, 1, 2023)
        assert all(row.assessment is None for row in next_year)
        assert [row.previous.label for row in next_year] == \
            [row.assessment.decided_class.label for row in grid]


def test_summary_counts_decided_classes_per_kind(seeded):
    with seeded.session(readonly=True) as s:
        rows = store.summary(s, 1, 2022)
    by_label = {r.label: r for r in rows}
    assert [r.label for r in rows] == ["Khu dân cư", "Xã, thị trấn", "Cơ quan", "Doanh nghiệp",
                                       "Cơ sở giáo dục", "Tổng cộng"]
    assert by_label["Xã, thị trấn"].counts == {"xuat_sac": 3, "kha": 6, "trung_binh": 3, "yeu": 0}
    assert by_label["Tổng cộng"].counts == {"xuat_sac": 5, "kha": 12, "trung_binh": 6, "yeu": 1}
    assert by_label["Tổng cộng"].total == 24 and by_label["Tổng cộng"].undecided == 0
    assert sum(r.total for r in rows[:-1]) == 24
    assert by_label["Khu dân cư"].total == 0  # the communes decide on their areas


def test_summary_counts_units_without_a_decision(seeded):
    with seeded.session() as s:
        unit = store.save_unit(s, name="Bản Mới", kind="khu dân cư", body_id=1)
        store.save_assessment(s, unit.id, 2022, reviewed_score=80, safe=True)
        total = store.summary(s, 1, 2022)[-1]
    assert (total.total, total.undecided) == (25, 1)


def test_recompute_suggestions_after_a_policy_change(seeded, tmp_path):
    lenient = tmp_path / "lenient.toml"
    lenient.write_text('[[class]]\ncode = "xuat_sac"\n', encoding="utf-8")
    with seeded.session() as s:
        changed = store.recompute_suggestions(s, 1, 2022, load_policy(lenient))
        assert changed == 24 - 5  # the Xuất sắc suggestions stay
        assert {r.assessment.suggested for r in store.assessment_grid(s, 1, 2022)} == {"xuat_sac"}


# ---- the sample seed --------------------------------------------------------------------

def test_seed_loads_once(seeded):
    assert seeded.seed_sample_if_empty() is False
    with seeded.session(readonly=True) as s:
        assert [b.name for b in store.list_bodies(s)] == [
            "Ủy ban nhân dân huyện Quan Sơn", "Ban Chỉ đạo 138 huyện Quan Sơn",
            "Công an huyện Quan Sơn", "Ủy ban nhân dân xã Na Mèo", "Công an xã Na Mèo",
            "Ủy ban nhân dân thị trấn Sơn Lư", "Ủy ban nhân dân xã Trung Hạ",
            "Ban Chỉ đạo 138 xã Trung Hạ", "Công an xã Trung Hạ"]
        assert store.get_body(s, 2).parent.name == "Ủy ban nhân dân huyện Quan Sơn"
        assert store.get_body(s, 4).parent.name == "Ủy ban nhân dân huyện Quan Sơn"
        assert len(store.list_units(s)) == 45
        assert s.scalar(text("SELECT count(*) FROM assessment")) == 90
        assert s.scalar(text("SELECT count(*) FROM household")) == 13
        # The year's register of both dossiers, every document issued.
        assert sorted(d.symbol for d in store.list_documents(s, status="issued")) == sorted([
            "08/KH-BCĐ", "58/TTr-CAX", "215/QĐ-UBND", "71/BC-CAX", "45/KH-BCĐ", "27/TTr-CAX",
            "112/QĐ-UBND", "356/TTr-CAH", "2158/QĐ-UBND", "2163/QĐ-UBND", "389/BC-CAH"])


def test_seed_into_a_fresh_file_twice_gives_the_same_data(tmp_path):
    counts = []
    for _ in range(2):
        database = store.Store(instance_path=tmp_path / "again")
        database.seed_sample_if_empty()
        with database.session(readonly=True) as s:
            counts.append([s.scalar(text(f"SELECT count(*) FROM {t}"))
                           for t in ("body", "signer", "unit", "assessment", "household")])
        database.dispose()
    assert counts[0] == counts[1] == [9, 13, 45, 90, 13]


def test_seeded_outcomes_agree_with_the_shipped_policy(seeded):
    policy = load_policy(docgen.policy.SHIPPED)
    with seeded.session(readonly=True) as s:
        rows = s.scalars(select(store.Assessment)).all()
    this_year = {2022, 2025}
    for row in rows:
        if row.year not in this_year:  # last year: only the class the report compares with
            assert row.reviewed_score is row.self_score is row.suggested is None, row.unit_id
            assert row.decided and not row.reason
            continue
        assert row.suggested == policy.suggest(row.reviewed_score, row.safe)
        assert row.decided == row.suggested or row.reason, row.unit_id
        assert 0 <= row.reviewed_score <= row.self_score <= 100
    # Xã Trung Tiến, Bản Ché Lầu, Bản Cha Khót, each with its reason.
    assert sum(1 for r in rows if r.year in this_year and r.decided != r.suggested) == 3


# ---- pre-filled inputs ------------------------------------------------------------------

def test_decision_input_lists_the_sample_decisions_units(seeded, sample):
    with seeded.session(readonly=True) as s:
        prefill = store.decision_input(s, 1, 2022)
    expected = sample("decision")
    assert prefill.warnings == [] and prefill.missing == []
    got = [(u["name"], u["kind"], u["grade"], u["note"]) for u in prefill.data["units"]]
    want = [(u["name"], docgen.domain.unit_kind(u["kind"]).code,
             docgen.domain.unit_class(u["grade"]).code, u.get("note", ""))
            for u in expected["units"]]
    assert got == want
    assert prefill.data["signer"] == expected["signer"]
    assert prefill.data["issuer"]["name"] == expected["issuer"]["name"]
    assert prefill.data["proposer"] == "Trưởng Công an huyện"
    docgen.prepare("decision", prefill.data)  # valid as it is


def test_decision_input_leaves_out_undecided_units_with_a_warning(seeded):
    with seeded.session() as s:
        unit = store.save_unit(s, name="Trung tâm Mới", kind="cơ quan", body_id=1)
        chairman = store.list_signers(s, 1)[1]
        prefill = store.decision_input(s, 1, 2022, signer_id=chairman.id)
    assert [u.name for u in prefill.missing] == ["Trung tâm Mới"]
    assert prefill.warnings == ["1 đơn vị chưa có xếp loại quyết định năm 2022 nên không có "
                                "trong danh sách: «Trung tâm Mới»"]
    assert "Trung tâm Mới" not in {u["name"] for u in prefill.data["units"]}
    assert prefill.data["signer"]["name"] == "Lương Tiến Thành"
    assert unit.id


def test_decision_input_for_an_empty_year_warns(seeded):
    with seeded.session(readonly=True) as s:
        prefill = store.decision_input(s, 1, 2024)
    assert len(prefill.missing) == 24
    assert prefill.warnings[-1] == "Chưa có đơn vị nào có xếp loại quyết định năm 2024"


def test_decision_input_cites_the_plan_issued_that_year(seeded):
    with seeded.session() as s:  # the sample's plan is in the Steering Committee's register
        prefill = store.decision_input(s, 1, 2022)
    assert prefill.data["plan_reference"] == ("Kế hoạch số 45/KH-BCĐ ngày 09 tháng 5 năm 2022 "
                                              "của Ban Chỉ đạo 138 huyện Quan Sơn")


def test_a_new_decision_keeps_last_years_recipients(seeded, sample):
    data = sample("decision")
    data.pop("number"), data.pop("date")
    with seeded.session() as s:
        store.create_document(s, kind="decision", body_id=1, data=data, created_by="văn thư",
                              render=fake_render)
        prefill = store.decision_input(s, 1, 2023)
    assert prefill.data["recipients"] == data["recipients"]
    assert prefill.data["archive"] == "VT, CAH"


def test_report_input_computes_from_the_outcomes(seeded):
    with seeded.session(readonly=True) as s:
        prefill = store.report_input(s, 3, 2022)
    data = prefill.data
    assert data["issuer"]["name"] == "Công an huyện Quan Sơn"
    assert data["signer"]["name"] == "Hà Văn Tuấn"
    assert data["committee"] == "Ban Chỉ đạo 138 huyện Quan Sơn"
    assert len(data["units"]) == 24 and len(data["previous"]["units"]) == 24
    assert sum(u["safe"] for u in data["units"]) == 20
    docgen.prepare("report", data)
    out = docgen.render_document("report", data)
    assert nd30.check(out) == []
    assert any("24 đơn vị" in line for line in texts(out))


def test_commitment_inputs_for_a_residential_area(seeded):
    with seeded.session(readonly=True) as s:
        area = store.find_unit(s, _body(s, "Ủy ban nhân dân thị trấn Sơn Lư"), "Khu phố Sơn Lư 1")
        forms = store.commitment_inputs(s, area.id, 2022)
    assert [f["full_name"] for f in forms] == ["Nguyễn Văn Bình", "Trương Thị Mai",
                                               "Lê Đình Khoa", "Cầm Thị Nga"]
    # The town assesses its khu phố: prefill names a district only when a district's body
    # assesses the area, so the form leaves the district to the clerk.
    assert forms[0]["place"] == "Sơn Lư" and forms[0]["district"] == ""
    assert "id_number" not in forms[3]
    for form in forms:
        docgen.prepare("commitment", form)


# ---- the register -----------------------------------------------------------------------

def test_create_document_stores_a_draft_with_its_units(seeded):
    with seeded.session() as s:
        prefill = store.decision_input(s, 1, 2022)
        doc = store.create_document(s, kind="decision", body_id=1, data=prefill.data,
                                    created_by="Nguyễn Thị Văn Thư", render=docgen.render_document)
    with seeded.session(readonly=True) as s:
        got = store.get_document(s, doc.id)
        assert (got.status, got.number, got.symbol, got.signer_name) == \
            ("draft", None, "/QĐ-UBND", "Lò Văn Hùng")
        assert got.summary.startswith("Về việc công nhận kết quả đánh giá, phân loại")
        assert len(got.units) == 24
        assert got.input_json == canonical_input("decision", prefill.data)
        assert "Số:      /QĐ-UBND" in texts(got.docx)
        assert nd30.check(got.docx) == []


def _links(database, doc_id: int) -> set[tuple[str, str]]:
    with database.session(readonly=True) as s:
        return {(u.name, u.body.name) for u in store.get_document(s, doc_id).units}


def test_a_draft_links_the_bodys_own_unit_first_and_relinks_when_edited(db, body):
    check_linking(db, body)


def check_linking(db, body):
    with db.session() as s:
        other = store.save_body(s, name="Ủy ban nhân dân xã Trung Hạ", abbreviation="UBND",
                                place="Trung Hạ", level="xã", commune="Xã Trung Hạ")
        for owner in (body, other):  # the same school name under both bodies
            store.save_unit(s, name="Trường THCS Na Mèo", kind="co_so_giao_duc", body_id=owner.id)
        store.save_unit(s, name="Bản Na Mèo", kind="khu_dan_cu", body_id=body.id)
        # Areas of Na Mèo entered by other bodies: the commune of Na Mèo decides them.
        store.save_unit(s, name="Bản Sa Ná", kind="khu_dan_cu", body_id=other.id,
                        commune="Xã Na Mèo")
        store.save_unit(s, name="Bản Son", kind="khu_dan_cu", body_id=other.id,
                        commune="Xã Na Mèo")
        store.save_unit(s, name="Bản Son", kind="khu_dan_cu", body_id=db_third(s).id,
                        commune="Xã Na Mèo")
        doc = store.create_document(
            s, kind="decision", body_id=body.id, created_by="", render=fake_render,
            data=decision_data(body, units=("TRƯỜNG THCS NA MÈO", "Ban Na Meo", "Bản Sa Ná",
                                            "Bản Son", "Bản chưa nhập")))
    own, trung_ha = body.name, "Ủy ban nhân dân xã Trung Hạ"
    # Matched without regard to case or diacritics; the body's own unit wins over a
    # namesake elsewhere; a name only other bodies have links each of theirs; a name
    # nobody has links nothing.
    assert _links(db, doc.id) == {("Trường THCS Na Mèo", own), ("Bản Na Mèo", own),
                                  ("Bản Sa Ná", trung_ha), ("Bản Son", trung_ha),
                                  ("Bản Son", "Ủy ban nhân dân xã Sơn Điện")}
    with db.session() as s:
        store.update_document(s, doc.id, render=fake_render,
                              data=decision_data(body, units=("Bản Sa Ná",)))
    assert _links(db, doc.id) == {("Bản Sa Ná", trung_ha)}


def db_third(s):
    return store.save_body(s, name="Ủy ban nhân dân xã Sơn Điện", abbreviation="UBND",
                           place="Sơn Điện", level="xã", commune="Xã Sơn Điện")


def test_create_document_refuses_invalid_input_and_a_number(seeded, sample):
    with seeded.session() as s:
        bad = sample("decision")
        del bad["number"], bad["date"]
        bad["units"][2]["grade"] = "Giỏi"
        with pytest.raises(InputError) as err:
            store.create_document(s, kind="decision", body_id=1, data=bad, created_by="",
                                  render=fake_render)
        assert "units[3].grade" in err.value.by_field()
        with pytest.raises(InputError) as err:
            store.create_document(s, kind="decision", body_id=1, data=sample("decision"),
                                  created_by="", render=fake_render)
        assert list(err.value.by_field()) == ["number"]
        with pytest.raises(UserError, match="Không có loại văn bản «memo»"):
            store.create_document(s, kind="memo", body_id=1, data={}, created_by="",
                                  render=fake_render)
    with seeded.session(readonly=True) as s:  # the samples' register only, nothing added
        assert [d.status for d in store.list_documents(s)] == ["issued"] * 11


def test_issue_number_renders_the_number_and_date_into_the_docx(seeded):
    with seeded.session() as s:
        prefill = store.decision_input(s, 1, 2022)
        doc = store.create_document(s, kind="decision", body_id=1, data=prefill.data,
                                    created_by="văn thư", render=docgen.render_document)
    issued = store.issue_number(seeded, doc.id, issued_on=ISSUED, render=docgen.render_document)
    assert (issued.number, issued.symbol, issued.status, issued.year) == \
        (1, "01/QĐ-UBND", "issued", 2023)
    with seeded.session(readonly=True) as s:
        got = store.get_document(s, doc.id)
        lines = texts(got.docx)
        assert "Số: 01/QĐ-UBND" in lines
        assert "Quan Sơn, ngày 10 tháng 02 năm 2023" in lines
        assert nd30.check(got.docx) == []
        assert store.document_input(got)["number"] == 1
        body_text = "\n".join(lines)
        for unit in prefill.data["units"]:
            assert unit["name"] in body_text
        assert store.download_name(got) == "decision-01-qd-ubnd-2023.docx"


def test_issuing_twice_is_refused(db, body):
    [doc_id] = drafts(db, body.id, 1)
    store.issue_number(db, doc_id, issued_on=ISSUED, render=fake_render)
    with pytest.raises(UserError, match="đã được cấp số 01/QĐ-UBND ngày 10/02/2023"):
        store.issue_number(db, doc_id, issued_on=ISSUED, render=fake_render)


def test_a_failing_render_does_not_consume_the_number(db, body):
    first, second = drafts(db, body.id, 2)

    def broken(kind, data, parsed=None):
        raise RuntimeError("LibreOffice stopped")

    with pytest.raises(RuntimeError):
        store.issue_number(db, first, issued_on=ISSUED, render=broken)
    with db.session(readonly=True) as s:
        doc = store.get_document(s, first)
        assert (doc.status, doc.number, doc.issued_on) == ("draft", None, None)
        assert s.scalar(select(store.Counter.last)) is None
    assert store.issue_number(db, second, issued_on=ISSUED, render=fake_render).number == 1
    assert store.issue_number(db, first, issued_on=ISSUED, render=fake_render).number == 2


def test_what_runs_with_the_issuing_stands_or_falls_with_it(db, body):
    first, second = drafts(db, body.id, 2)

    def audited(session, doc):
        store.audit(session, "vanthu", "cấp số", doc.symbol)

    def audit_fails(session, doc):
        raise RuntimeError("the audit trail could not be written")

    with pytest.raises(RuntimeError):
        store.issue_number(db, first, issued_on=ISSUED, render=fake_render, then=audit_fails)
    with db.session(readonly=True) as s:
        assert store.get_document(s, first).number is None and store.list_audit(s) == []
    assert store.issue_number(db, second, issued_on=ISSUED, render=fake_render,
                              then=audited).number == 1
    with db.session(readonly=True) as s:
        assert [(e.action, e.target) for e in store.list_audit(s)] == [("cấp số", "01/QĐ-UBND")]


def test_an_input_the_date_makes_invalid_does_not_consume_the_number(db, body):
    [doc_id] = drafts(db, body.id, 1, year=2022)
    with pytest.raises(InputError, match="không thuộc năm đánh giá 2022"):
        store.issue_number(db, doc_id, issued_on=dt.date(2025, 1, 5), render=fake_render)
    assert store.issue_number(db, doc_id, issued_on=dt.date(2023, 1, 5),
                              render=fake_render).number == 1


def test_numbers_restart_at_01_each_year(db, body):
    ids = drafts(db, body.id, 4)
    dates = [dt.date(2022, 12, 30), dt.date(2022, 12, 31), dt.date(2023, 1, 1),
             dt.date(2023, 1, 2)]
    got = [store.issue_number(db, i, issued_on=d, render=fake_render)
           for i, d in zip(ids, dates, strict=True)]
    assert [(d.year, d.number, d.symbol) for d in got] == [
        (2022, 1, "01/QĐ-UBND"), (2022, 2, "02/QĐ-UBND"), (2023, 1, "01/QĐ-UBND"),
        (2023, 2, "02/QĐ-UBND")]
    rendered = json.loads(got[2].docx)
    assert (rendered["number"], rendered["date"]) == (1, "2023-01-01")


def test_each_body_numbers_on_its_own(db, body):
    with db.session() as s:
        other = store.save_body(s, name="Ban Chỉ đạo 138 xã Na Mèo", abbreviation="BCĐ",
                                place="Na Mèo", parent_id=body.id)
    mine, theirs = drafts(db, body.id, 2), drafts(db, other.id, 1)
    numbers = [store.issue_number(db, i, issued_on=ISSUED, render=fake_render).symbol
               for i in (*mine, *theirs)]
    assert numbers == ["01/QĐ-UBND", "02/QĐ-UBND", "01/QĐ-BCĐ"]


def test_an_earlier_date_than_the_last_issued_is_refused(db, body):
    first, second = drafts(db, body.id, 2)
    store.issue_number(db, first, issued_on=dt.date(2023, 3, 10), render=fake_render)
    with pytest.raises(UserError, match="sớm hơn văn bản số 01/QĐ-UBND đã cấp ngày 10/03/2023"):
        store.issue_number(db, second, issued_on=dt.date(2023, 3, 9), render=fake_render)
    assert store.issue_number(db, second, issued_on=dt.date(2023, 3, 10),
                              render=fake_render).number == 2


def test_issue_number_accepts_a_session_factory(db, body):
    [doc_id] = drafts(db, body.id, 1)
    factory = sessionmaker(db.engine, expire_on_commit=False)
    assert store.issue_number(factory, doc_id, issued_on=ISSUED, render=fake_render).number == 1


def twenty_clerks_at_once(database, body_id: int) -> list[int]:
    """20 drafts of `body_id` issued by 20 threads released together: their numbers."""
    ids = drafts(database, body_id, 20)
    start = threading.Barrier(20)

    def clerk(doc_id: int) -> int:
        start.wait()
        return store.issue_number(database, doc_id, issued_on=ISSUED,
                                  render=slow_render).number

    with ThreadPoolExecutor(max_workers=20) as pool:
        return list(pool.map(clerk, ids))


def test_twenty_clerks_issuing_at_once_get_numbers_1_to_20(db, body):
    assert sorted(twenty_clerks_at_once(db, body.id)) == list(range(1, 21))
    with db.session(readonly=True) as s:
        docs = store.list_documents(s, body.id, 2023)
        assert [d.number for d in docs] == list(range(20, 0, -1))
        assert {d.symbol for d in docs} == {f"{n:02d}/QĐ-UBND" for n in range(1, 21)}
        assert all(json.loads(d.docx)["number"] == d.number for d in docs)
        assert s.scalar(select(store.Counter.last)) == 20
        assert store.issued_count(s, body.id, 2023) == 20


def test_the_register_lists_drafts_first_then_numbers_descending(db, body):
    ids = drafts(db, body.id, 3)
    store.issue_number(db, ids[0], issued_on=ISSUED, render=fake_render)
    store.issue_number(db, ids[2], issued_on=ISSUED, render=fake_render)
    with db.session(readonly=True) as s:
        listed = store.list_documents(s, body_id=body.id)
        assert [(d.id, d.number) for d in listed] == [(ids[1], None), (ids[2], 2), (ids[0], 1)]
        assert [d.id for d in store.list_documents(s, status="issued")] == [ids[2], ids[0]]
        assert store.list_documents(s, year=1999) == []
        assert store.get_document(s, 9999) is None


def test_drafts_can_be_edited_and_deleted_issued_documents_cannot(db, body):
    first, second = drafts(db, body.id, 2)
    with db.session() as s:
        data = decision_data(body, units=("Bản Sa Ná", "Bản Na Mèo"))
        doc = store.update_document(s, first, data=data, render=fake_render)
        assert json.loads(doc.docx)["units"][0]["name"] == "Bản Sa Ná"
    store.issue_number(db, second, issued_on=ISSUED, render=fake_render)
    with db.session() as s:
        with pytest.raises(UserError, match="không được xóa khỏi sổ văn bản đi"):
            store.delete_document(s, second)
        with pytest.raises(UserError, match="không được sửa"):
            store.update_document(s, second, data=decision_data(body), render=fake_render)
        store.delete_document(s, first)
        assert [d.id for d in store.list_documents(s)] == [second]


def test_a_commitment_form_is_not_numbered(seeded):
    with seeded.session() as s:
        commune = _body(s, "Ủy ban nhân dân xã Na Mèo")
        area = store.find_unit(s, commune, "Bản Na Mèo")
        form = store.commitment_inputs(s, area.id, 2022)[0]
        doc = store.create_document(s, kind="commitment", body_id=commune, data=form,
                                    created_by="",
                                    render=fake_render)
        assert doc.symbol == ""
    with pytest.raises(UserError, match="không cấp số"):
        store.issue_number(seeded, doc.id, issued_on=ISSUED, render=fake_render)


# ---- PostgreSQL (optional: needs the server binaries and psycopg) --------------------------


def test_postgresql_twenty_clerks_get_numbers_1_to_20(pg):
    with pg.session() as s:
        body = store.save_body(s, name="Ủy ban nhân dân xã Na Mèo", abbreviation="UBND",
                               place="Na Mèo")
    assert sorted(twenty_clerks_at_once(pg, body.id)) == list(range(1, 21))


def test_postgresql_links_the_bodys_own_unit_first(pg):
    with pg.session() as s:
        body = store.save_body(s, name="Ủy ban nhân dân xã Na Mèo", abbreviation="UBND",
                               place="Na Mèo", level="xã", commune="Xã Na Mèo")
    check_linking(pg, body)


def test_postgresql_failed_render_keeps_the_number_free_and_seed_loads(pg):
    assert pg.seed_sample_if_empty() is True
    with pg.session() as s:
        prefill = store.decision_input(s, 1, 2022)
        doc = store.create_document(s, kind="decision", body_id=1, data=prefill.data,
                                    created_by="văn thư", render=fake_render)
        assert len(prefill.data["units"]) == 24 and len(doc.units) == 24

    def broken(kind, data, parsed=None):
        raise RuntimeError("render failed")

    with pytest.raises(RuntimeError):
        store.issue_number(pg, doc.id, issued_on=ISSUED, render=broken)
    assert store.issue_number(pg, doc.id, issued_on=ISSUED, render=fake_render).number == 1
