"""Long lists a page at a time: page numbers and sizes from the query string, filters in
SQL, counts over the whole list, and a commune clerk's filters never reaching past their
scope (a real SQLite file holding a few pages of units, documents and households)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import insert

from docgen import store as q
from docgen.store import models

from helpers import login

PASSWORD = "mat-khau-van-thu-phan-trang"
AREAS, AGENCIES, DOCS, LISTS = 130, 30, 120, 60


def build(db) -> dict:
    """A commune with 130 residential areas, 30 district units in its commune, 120 register
    entries and 60 household lists of 2022; a clerk of that commune."""
    with db.session() as s:
        district = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
        other = next(b for b in q.list_bodies(s) if b.name == "Ủy ban nhân dân xã Na Mèo")
        body = q.save_body(s, name="Ủy ban nhân dân xã Phân Trang", abbreviation="UBND",
                           place="Phân Trang", parent_id=district.id, level="xã",
                           commune="Xã Phân Trang")
        areas = [q.save_unit(s, name=f"Thôn {i:03d} Phân Trang", kind="khu_dan_cu",
                             body_id=body.id, commune="Xã Phân Trang").id
                 for i in range(1, AREAS + 1)]
        for i in range(1, AGENCIES + 1):
            q.save_unit(s, name=f"Cơ quan {i:02d} Phân Trang", kind="co_quan",
                        body_id=district.id, commune="xã phân trang")  # another spelling
        for unit_id in areas[:40]:
            q.save_assessment(s, unit_id, 2022, reviewed_score=85, safe=True)
        now = dt.datetime(2023, 1, 5)
        s.execute(insert(models.Document), [
            dict(body_id=b, kind="plan", year=2023, number=None if i % 4 == 0 else i,
                 symbol=f"{i}/KH-UBND", issued_on=None if i % 4 == 0 else dt.date(2023, 1, 5),
                 summary=f"Kế hoạch số {i:03d} của {name}", created_at=now,
                 status="draft" if i % 4 == 0 else "issued", input_json="{}", docx=b"")
            for b, name in ((body.id, "Phân Trang"), (other.id, "Na Mèo"))
            for i in range(1, (DOCS if b == body.id else 5) + 1)])
        s.execute(insert(models.Household), [
            dict(unit_id=unit_id, year=2022, full_name=f"Hộ {n}", address="Phân Trang")
            for unit_id in areas[:LISTS] for n in range(3)])
        q.save_user(s, username="vanthu.phantrang", role=q.ROLE_COMMUNE, body_id=body.id,
                    password=PASSWORD, must_change=False)
        return {"body": body.id, "district": district.id, "other": other.id}


@pytest.fixture
def world(app, db):
    return build(db)


@pytest.fixture
def clerk(app, world):
    c = app.test_client()
    assert login(c, "vanthu.phantrang", PASSWORD).status_code == 302
    return c


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def unit_rows(html: str) -> list[str]:
    """The unit names of the units page's table, in order."""
    table = html.split('id="units"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/don-vi/\d+">([^<]+)</a>', table)


def test_units_come_a_page_at_a_time_with_the_whole_count(client, world):
    first = page(client, f"/don-vi/?body={world['body']}")
    assert "130 đơn vị · trang 1/3" in first
    assert unit_rows(first)[:2] == ["Thôn 001 Phân Trang", "Thôn 002 Phân Trang"]
    assert len(unit_rows(first)) == 50 and "Trang sau" in first and "Trang trước" not in first
    last = page(client, f"/don-vi/?body={world['body']}&page=3")
    assert len(unit_rows(last)) == 30 and "Trang trước" in last and "Trang sau" not in last
    assert f"body={world['body']}" in last.split('rel="prev"')[0].rsplit("href=", 1)[1]
    # Past the last page: the last page; the size within 10–200.
    assert unit_rows(page(client, f"/don-vi/?body={world['body']}&page=99")) == unit_rows(last)
    assert len(unit_rows(page(client, f"/don-vi/?body={world['body']}&size=3"))) == 10
    assert len(unit_rows(page(client, "/don-vi/?size=100000"))) == 200


@pytest.mark.parametrize("query, message", [
    ("page=abc", "Số trang «abc» không hợp lệ"), ("page=0", "Số trang «0» không hợp lệ"),
    ("page=-2", "Số trang «-2» không hợp lệ"), ("page=", "Số trang để trống không hợp lệ"),
    ("page=%D9%A3", "Số trang «٣» không hợp lệ"),
    ("size=many", "Số dòng mỗi trang «many» không hợp lệ"),
])
@pytest.mark.parametrize("path", ["/don-vi/", "/so-van-ban/", "/danh-gia/", "/ho-gia-dinh/"])
def test_a_page_number_that_is_none_is_a_vietnamese_400(client, world, path, query, message):
    assert message in page(client, f"{path}?{query}", 400)


def test_unit_filters_narrow_in_sql(client, world):
    assert "160 đơn vị" in page(client, "/don-vi/?commune=xa+phan+trang")  # either spelling
    assert "30 đơn vị" in page(client, "/don-vi/?commune=Xã+Phân+Trang&kind=co_quan")
    assert "0 đơn vị" in page(client, f"/don-vi/?body={world['body']}&kind=co_quan")
    found = page(client, "/don-vi/?q=thon+012+phan")
    assert unit_rows(found) == ["Thôn 012 Phân Trang"] and "1 đơn vị" in found


def test_a_clerks_filters_never_widen_their_scope(clerk, world):
    mine = page(clerk, "/don-vi/?size=200")
    assert "160 đơn vị" in mine and "Bản Na Mèo" not in mine  # own body + own commune
    assert "Phân Trang" in mine
    page(clerk, f"/don-vi/?body={world['district']}", 404)
    page(clerk, f"/don-vi/?body={world['other']}", 404)
    assert "0 đơn vị" in page(clerk, "/don-vi/?commune=Xã+Na+Mèo")
    assert "0 đơn vị" in page(clerk, "/don-vi/?q=na+meo")
    register = page(clerk, "/so-van-ban/?size=200")
    assert "120 văn bản" in register and "Na Mèo" not in register
    page(clerk, f"/so-van-ban/?body={world['other']}", 404)
    assert "60 khu dân cư" in page(clerk, "/ho-gia-dinh/")
    home = page(clerk, "/")
    assert "160 đơn vị" in home and "120 văn bản" in home


def test_the_register_pages_and_filters(client, world):
    listed = page(client, f"/so-van-ban/?body={world['body']}")
    assert "120 văn bản · trang 1/3" in listed
    assert len(re.findall(r'href="/so-van-ban/\d+">', listed)) == 50
    drafts = page(client, f"/so-van-ban/?body={world['body']}&status=draft&year=2023")
    assert "30 văn bản" in drafts and "Đã cấp số</span>" not in drafts
    assert "0 văn bản" in page(client, f"/so-van-ban/?body={world['body']}&year=2022")
    assert "0 văn bản" in page(client, f"/so-van-ban/?body={world['body']}&kind=decision")


def test_home_counts_are_the_lists_totals(client, db, world):
    with db.session(readonly=True) as s:
        units, docs = len(q.list_units(s)), len(q.list_documents(s))
        bodies = len(q.list_bodies(s))
    home = page(client, "/")
    assert f"{units} đơn vị" in home and f"{docs} văn bản" in home
    assert f"{bodies} cơ quan" in home


def test_the_grid_works_a_page_of_units_at_a_time(client, world):
    url = f"/danh-gia/?body={world['body']}&year=2022"
    first = page(client, url)
    assert "130 đơn vị · trang 1/3" in first and first.count("data-unit=") == 50
    second = page(client, url + "&page=3")
    assert second.count("data-unit=") == 30 and 'name="page" value="3"' in second
    assert page(client, url + "&size=200").count("data-unit=") == 130
    total = second.split('class="total"', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'class="num">(\d+)<', total)[-1] == "130"  # the summary: every unit
    assert "0 đơn vị chưa quyết định đã có mức đề xuất; 130 đơn vị" not in second
    assert "40 đơn vị chưa quyết định đã có mức đề xuất; 90 đơn vị" in second
    assert "30 đơn vị" in page(client, f"/danh-gia/?body={world['district']}&year=2022"
                                       "&kind=co_quan")


def test_households_a_year_and_a_page_at_a_time(client, world):
    listed = page(client, "/ho-gia-dinh/?year=2022&commune=xa+phan+trang&size=25")
    assert "60 khu dân cư · trang 1/3" in listed and "Năm 2022: 180 hộ" in listed
    assert "Thôn 001 Phân Trang" in listed and "Thôn 026 Phân Trang" not in listed
    page(client, "/ho-gia-dinh/?year=abc", 400)
