"""The bulk-printing pages on more units than a drop-down holds: a commune's areas picked
by a GET filter, a body's units and a commune's areas a page at a time, one year's issued
decisions; a commune clerk's filters never reach past their scope (a real SQLite file)."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import insert

from docgen import store as q
from docgen.store import batch_choices, models
from docgen.vietnamese import fold

import test_pages
from test_pages import build, page

world, clerk = test_pages.world, test_pages.clerk  # the fixtures of test_pages, shared


def options(html: str, select_id: str) -> list[tuple[str, str]]:
    """(value, text) of the options of the select with id `select_id`."""
    found = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert found, select_id
    return re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', found[1])


def selected(html: str, select_id: str) -> str | None:
    found = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    for attrs in re.findall(r"<option([^>]*)>", found[1]):
        if re.search(r"\bselected\b", attrs):
            return re.search(r'value="([^"]*)"', attrs)[1]
    return None


def more_areas(db, world, count: int) -> None:
    """`count` more residential areas of the clerk's body, in «Xã Thử Nghiệm»."""
    with db.session() as s:
        for i in range(1, count + 1):
            q.save_unit(s, name=f"Tổ {i:03d} Thử Nghiệm", kind="khu_dan_cu",
                        body_id=world["body"], commune="Xã Thử Nghiệm")


def test_the_commitments_page_lists_every_area_while_they_are_few(client, db):
    build(db)
    html = page(client, "/cam-ket/")
    areas = [text for _, text in options(html, "unit_id")]
    assert any(t.startswith("Bản Na Mèo — Xã Na Mèo") for t in areas)
    assert any(t.startswith("Thôn 130 Phân Trang") for t in areas)
    assert selected(html, "area-commune-select") == ""  # «Mọi xã, phường, thị trấn»
    communes = [value for value, _ in options(html, "area-commune-select")]
    assert "Xã Na Mèo" in communes and "Xã Phân Trang" in communes
    one = page(client, "/cam-ket/?commune=xa+na+meo")  # without diacritics
    assert {t.split(" — ")[1].split(" (")[0] for _, t in options(one, "unit_id")} == {"Xã Na Mèo"}
    assert selected(one, "area-commune-select") == "Xã Na Mèo"


def test_the_commitments_page_asks_for_a_commune_when_areas_are_many(client, db):
    world = build(db)
    with db.session(readonly=True) as s:
        have = batch_choices.area_count(s, None)
    more_areas(db, world, batch_choices.AREAS_AT_ONCE + 1 - have)
    html = page(client, "/cam-ket/")
    communes = [value for value, _ in options(html, "area-commune-select")]
    assert "" not in communes  # no «every commune» any more
    first = communes[0]
    assert selected(html, "area-commune-select") == first
    shown = {t.split(" — ")[1].split(" (")[0] for _, t in options(html, "unit_id")}
    assert shown == {first}
    picked = page(client, "/cam-ket/?commune=X%C3%A3+Th%E1%BB%AD+Nghi%E1%BB%87m")
    areas = options(picked, "unit_id")
    assert len(areas) == batch_choices.AREAS_AT_ONCE + 1 - have
    assert all(t.startswith("Tổ ") and "Xã Thử Nghiệm" in t for _, t in areas)
    # An area of a commune not shown is still printed: the POST checks the scope, not the list.
    with db.session(readonly=True) as s:
        na_meo = next(u.id for u in q.list_units(s) if u.name == "Bản Na Mèo")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', picked)[1]
    response = client.post("/cam-ket/", data={"csrf_token": token, "unit_id": str(na_meo),
                                              "year": "2022", "fmt": "docx"})
    assert response.status_code == 302 and "/viec/" in response.headers["Location"]


def test_a_clerks_batch_filters_never_widen_their_scope(clerk, world):
    html = page(clerk, "/cam-ket/?commune=X%C3%A3+Na+M%C3%A8o")
    areas = [t for _, t in options(html, "unit_id")]
    assert areas and all("Phân Trang" in t for t in areas)  # another commune: not theirs
    assert 'id="area-commune-select"' not in html  # one commune: nothing to pick
    assert "0 khu dân cư" in page(clerk, "/danh-sach-ho-dang-ky/?year=2022&commune=xa+na+meo")
    # Another commune's body is «không tìm thấy», as on every page filtered by body.
    page(clerk, f"/giay-to-don-vi/?body={world['other']}", 404)
    page(clerk, f"/giay-cong-nhan/?body={world['other']}", 404)
    minutes = page(clerk, "/bien-ban/")
    assert {fold(v) for v, _ in options(minutes, "commune")} == {"xa phan trang"}
    assert [v for v, _ in options(minutes, "body_id")] == [str(world["body"])]


def test_the_unit_papers_page_lists_a_body_a_page_at_a_time(client, world):
    first = page(client, f"/giay-to-don-vi/?body={world['body']}&year=2022")
    assert "130 đơn vị · trang 1/3" in first
    assert len(re.findall(r'/van-ban/unit_proposal/moi\?', first)) == 50
    assert selected(first, "unit-body-select") == str(world["body"])
    assert selected(first, "body_id") == str(world["body"])  # the form prints that body's
    last = page(client, f"/giay-to-don-vi/?body={world['body']}&year=2022&page=3")
    assert len(re.findall(r'/van-ban/unit_proposal/moi\?', last)) == 30
    assert "Thôn 130 Phân Trang" in last and "Thôn 001 Phân Trang" not in last
    every = page(client, "/giay-to-don-vi/")
    assert selected(every, "unit-body-select") == "" and "trang 1/" in every


def test_the_household_lists_page_shows_a_communes_areas_a_page_at_a_time(client, world):
    html = page(client, "/danh-sach-ho-dang-ky/?year=2022&commune=xa+phan+trang")
    assert "130 khu dân cư · trang 1/3" in html
    assert selected(html, "share-commune") == "Xã Phân Trang"
    assert selected(html, "commune") == "Xã Phân Trang"  # the print form: the same commune
    rows = re.findall(r'name="unit_id" value="(\d+)"', html)
    assert len(rows) == 50
    assert re.search(r"Thôn 001 Phân Trang</a></td><td>Xã Phân Trang</td>\s*<td>3</td>", html)
    last = page(client, "/danh-sach-ho-dang-ky/?year=2022&commune=xa+phan+trang&page=3")
    assert len(re.findall(r'name="unit_id" value="(\d+)"', last)) == 30
    assert "Bản Na Mèo" not in html and "Bản Na Mèo" in page(client, "/danh-sach-ho-dang-ky/")


def test_the_certificates_page_lists_one_years_decisions(client, db):
    with db.session() as s:
        s.execute(insert(models.Document), [dict(
            body_id=1, kind="safe_decision", year=2024, number=77, symbol="77/QĐ-UBND",
            issued_on=dt.date(2024, 12, 1), summary="Về việc công nhận năm 2024",
            created_at=dt.datetime(2024, 12, 1), status="issued", input_json="{}", docx=b"")])
        old = next(d.id for d in q.list_documents(s, kind="safe_decision")
                   if d.symbol == "2163/QĐ-UBND")
    latest = page(client, "/giay-cong-nhan/")
    labels = [t for _, t in options(latest, "document_id")]
    assert labels and all(t.startswith("Quyết định số 77/QĐ-UBND") for t in labels)
    assert selected(latest, "decision-year-select") == "2024"
    older = page(client, "/giay-cong-nhan/?year=2022")
    assert any("2163/QĐ-UBND" in t for _, t in options(older, "document_id"))
    assert not any("77/QĐ-UBND" in t for _, t in options(older, "document_id"))
    asked = page(client, f"/giay-cong-nhan/?document={old}")  # the decision's own year
    assert selected(asked, "decision-year-select") == "2022"
    assert selected(asked, "document_id") == str(old)
    none = page(client, "/giay-cong-nhan/?year=2023")
    assert "Năm 2023 chưa có quyết định công nhận" in none
    assert "Năm «abc» không hợp lệ" in page(client, "/giay-cong-nhan/?year=abc", 400)


def test_a_year_of_many_decisions_is_listed_a_body_at_a_time(client, db):
    with db.session() as s:
        bodies = [b.id for b in q.list_bodies(s)][:2]
        s.execute(insert(models.Document), [dict(
            body_id=bodies[n % 2], kind="safe_decision", year=2024, number=n,
            symbol=f"{n}/QĐ-CN", issued_on=dt.date(2024, 12, 1), summary="Về việc công nhận",
            created_at=dt.datetime(2024, 12, 1), status="issued", input_json="{}", docx=b"")
            for n in range(1, batch_choices.DECISIONS_AT_ONCE + 2)])
    html = page(client, "/giay-cong-nhan/")
    assert selected(html, "decision-body-select") == str(bodies[0])
    assert "" not in [v for v, _ in options(html, "decision-body-select")]
    assert len(options(html, "document_id")) == (batch_choices.DECISIONS_AT_ONCE + 1) // 2
    other = page(client, f"/giay-cong-nhan/?year=2024&body={bodies[1]}")
    assert len(options(other, "document_id")) == (batch_choices.DECISIONS_AT_ONCE + 2) // 2
    assert all(t.startswith("Quyết định số ") for _, t in options(other, "document_id"))
