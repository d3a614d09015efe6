"""Personal data (Law on Personal Data Protection 2025): households keep only what the
commitment form prints and belong to a year's list; CCCD numbers are masked on every page,
export, message and audit entry except the printed forms; the district purges a year's
lists (page and CLI) for real; downloads holding people's data are audited."""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import openpyxl
import pytest
from sqlalchemy import func, inspect, select

from docgen import render_document, store as q
from docgen.cli import main
from docgen.store.models import JobChunk, JobRow
from docgen.privacy import mask_cccd, mask_text
from helpers import full_text, have, login

PASSWORD = "mat-khau-van-thu-xa-1"
YEAR = 2024  # no sample holds lists of this year (they hold 2022 and 2025)

# The test's own list of Bản Na Mèo for YEAR (the sample holds the 2022 lists).
PEOPLE = [("Lò Thị Thanh", 1980, "038180001122", "Nhà 3"),
          ("Vi Văn Tâm", 1972, "038072009988", ""),
          ("Hà Thị Nguyệt", 1991, "038191004433", "Nhà 9")]
SAMPLE_CCCDS = ["038068001245", "038175003318", "038082004471", "038190002256", "038065000123",
                "038172000456", "038085000789"]
# An uploaded list: good rows, and bad ones whose messages would quote a number.
UPLOADED = [[1, "Lò Văn Một", 1970, "038070111111", "Nhà 1"],
            [2, "", 1971, "038071222222", "Nhà 2"],                  # no name
            [3, "Vi Thị Ba", "038072333333", "", "Nhà 3"],           # a CCCD as year of birth
            [4, "Hà Văn Bốn", 1973, "0380734444445", "Nhà 4"],       # 13 digits
            [5, "Lò Văn Năm", 1974, "038 074 555 55X", "Nhà 5"]]     # a letter
# Every number a page must not show in full (digits; separators are ignored when searching).
SECRETS = ([cccd for *_, cccd, _ in PEOPLE] + SAMPLE_CCCDS
           + ["038070111111", "038071222222", "038072333333", "038073444444", "03807455555"])


# ---- helpers ---------------------------------------------------------------------------

def html(response) -> str:
    return response.get_data(as_text=True)


def token(client, url: str = "/") -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html(client.get(url)))[1]


def unit_id(db, name: str) -> int:
    with db.session(readonly=True) as s:
        return next(u.id for u in q.list_units(s) if u.name == name)


def seed_year(db) -> None:
    with db.session() as s:
        for name, born, cccd, address in PEOPLE:
            q.save_household(s, unit_id=unit_id(db, "Bản Na Mèo"), year=YEAR, full_name=name,
                             birth_year=born, id_number=cccd, address=address)


def workbook(header: list, rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run_job(client, url: str, form: dict) -> str:
    """POST a batch form and wait on its job page until the job ends; the job's URL."""
    response = client.post(url, data={"csrf_token": token(client, url), **form},
                           content_type="multipart/form-data")
    assert response.status_code == 302, html(response)[:2000]
    job_url = response.headers["Location"]
    for _ in range(600):
        if re.search(r'data-state="(done|failed)"', html(client.get(job_url))):
            return job_url
        time.sleep(0.05)
    raise AssertionError("the job did not end")


def download(client, job_url: str):
    response = client.get(job_url + "/tai-ve")
    response.get_data()
    response.close()
    return response


def shown(data: bytes, content_type: str) -> str:
    """The text a response shows: a page's HTML, or every XML part of an XLSX/DOCX."""
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace")
                             for n in archive.namelist() if n.endswith((".xml", ".rels")))
    if content_type.startswith("image/"):
        return ""
    return data.decode("utf-8", "replace")


def leaked(text: str) -> list[str]:
    """The secret numbers `text` shows in full, also when typed with spaces, dots or dashes."""
    digits = re.sub(r"(?<=\d)[ .\-](?=\d)", "", text)
    return [n for n in SECRETS if n in digits]


# ---- 1. only what a form prints, in a year's list --------------------------------------

def test_a_household_keeps_only_what_the_commitment_form_prints(db):
    columns = {c["name"] for c in inspect(db.engine).get_columns("household")}
    assert columns == {"id", "unit_id", "year", "full_name", "birth_year", "id_number",
                       "address"}
    with db.session() as s, pytest.raises(TypeError):
        q.save_household(s, unit_id=unit_id(db, "Bản Na Mèo"), year=YEAR, full_name="Lò Văn A",
                         note="có tiền án")  # a free-text note is refused, never stored
    seed_year(db)
    with db.session(readonly=True) as s:
        inputs = q.commitment_inputs(s, unit_id(db, "Bản Na Mèo"), YEAR)
    assert [i["full_name"] for i in inputs] == [p[0] for p in PEOPLE]
    text = full_text(render_document("commitment", inputs[0]))
    name, born, cccd, address = PEOPLE[0]
    assert name in text and str(born) in text and cccd in text and address in text


def test_household_lists_belong_to_a_year(client, db):
    seed_year(db)
    na_meo = unit_id(db, "Bản Na Mèo")
    with db.session(readonly=True) as s:
        assert len(q.commitment_inputs(s, na_meo, YEAR)) == 3
        assert len(q.commitment_inputs(s, na_meo, 2022)) == 5
        assert q.household_years(s, na_meo) == [YEAR, 2022]
    response = client.post("/cam-ket/", data={"csrf_token": token(client, "/cam-ket/"),
                                              "unit_id": str(na_meo), "year": "2026",
                                              "fmt": "docx"}, follow_redirects=True)
    assert ("Khu dân cư «Bản Na Mèo» chưa có danh sách hộ năm 2026 (đã lưu danh sách năm "
            "2024, 2022)") in html(response)
    listed = openpyxl.load_workbook(io.BytesIO(client.get("/dang-ky/danh-sach.xlsx").data))
    sheet = listed["Danh sách"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == "Bản Na Mèo")
    assert row[header.index("Số hộ")] == 3  # the latest list, not every year's added up


# ---- 2. masking ------------------------------------------------------------------------

@pytest.mark.parametrize("text, masked", [
    ("038078004512", "038•••••••12"),
    ("Số CCCD 038078004512.", "Số CCCD 038•••••••12."),
    ("«038 078 004 512»", "«038•••••••12»"),
    ("«0380780045123» không phải số CCCD", "«038••••••••23» không phải số CCCD"),
    ("CMND 172345678", "CMND 172••••78"),
    ("dòng 12 (Năm sinh): «19781» sai; năm 2022", "dòng 12 (Năm sinh): «19781» sai; năm 2022"),
], ids=["a CCCD keeps its province code and last two digits", "inside a sentence",
        "typed with spaces", "one digit too many", "an old 9-digit CMND",
        "row numbers, years and short numbers stay"])
def test_masking_rule(text, masked):
    assert mask_text(text) == masked


def test_mask_of_a_stored_number():
    assert mask_cccd("038068001245") == "038•••••••45" and mask_cccd("") == ""


def test_no_page_or_export_shows_a_full_cccd_to_any_role(app, client, db, monkeypatch):
    """Crawl every GET route and every link for the district, a commune clerk and a viewer,
    after batches (stored and uploaded lists with bad rows), a commitment form in the
    register and an upload named after a CCCD: no full CCCD anywhere but printed forms."""
    monkeypatch.setenv("DOCGEN_SOFFICE", "/nonexistent/soffice")  # no LibreOffice previews
    seed_year(db)
    na_meo = unit_id(db, "Bản Na Mèo")
    with db.session() as s:
        ubnd = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
        commune = q.save_body(s, name="Ủy ban nhân dân xã Na Mèo", abbreviation="UBND",
                              place="Na Mèo", parent_id=ubnd.id, level="xã",
                              commune="Xã Na Mèo")
        q.save_user(s, username="vanthu.namao", role=q.ROLE_COMMUNE, body_id=commune.id,
                    password=PASSWORD, must_change=False)
        q.save_user(s, username="xem", role=q.ROLE_VIEWER, password=PASSWORD, must_change=False)
        data = {"full_name": PEOPLE[1][0], "year": YEAR, "commune": "Xã Na Mèo",
                "area": "Bản Na Mèo", "id_number": PEOPLE[1][2]}
        form_doc = q.create_document(s, kind="commitment", body_id=commune.id, data=data,
                                     created_by="admin", render=render_document).id
    clerk, viewer = app.test_client(), app.test_client()
    assert login(clerk, "vanthu.namao", PASSWORD).status_code == 302
    assert login(viewer, "xem", PASSWORD).status_code == 302
    jobs = {
        "district": [run_job(client, "/cam-ket/", {"unit_id": str(na_meo), "year": str(YEAR),
                                                   "fmt": "docx"}),
                     run_job(client, "/dang-ky/", {"year": str(YEAR), "fmt": "docx", "file": (
                         io.BytesIO(workbook(["Tên đơn vị", "Loại hình", "Xã", "Người ký",
                                              "Chức vụ"], [["Bản Na Mèo", "Khu dân cư",
                                                           "Xã Na Mèo", "Vi Văn Hoàn",
                                                           "Trưởng bản"]])),
                         "danh-sach-038068001245.xlsx")})],
        "commune": [run_job(clerk, "/cam-ket/", {"unit_id": str(na_meo), "year": str(YEAR),
                                                 "fmt": "zip", "file": (io.BytesIO(workbook(
                                                     ["STT", "Họ và tên", "Năm sinh", "Số CCCD",
                                                      "Địa chỉ"], UPLOADED)), "ds.xlsx")})],
        "viewer": [],
    }
    skipped = html(clerk.get(jobs["commune"][0]))
    assert "Các dòng bị bỏ qua (4 dòng)" in skipped and "038•••••••33" in skipped
    printed = {"batch.download", "register.download", "register.download_pdf", "register.preview"}
    ids = {"unit_id": [na_meo], "year": [YEAR, 2022], "doc_id": [form_doc],
           "body_id": [ubnd.id, commune.id], "page": [1], "name": ["commitment"]}
    full_in_print = 0
    for role, who in (("district", client), ("commune", clerk), ("viewer", viewer)):
        queue = deque(["/", "/ho-gia-dinh/", f"/ho-gia-dinh/{na_meo}/{YEAR}",
                       f"/ho-gia-dinh/xoa?year={YEAR}", *jobs[role],
                       *(j + "/tai-ve" for j in jobs[role])])
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in ("static", "auth.login"):
                continue
            names = sorted(set(rule.arguments) - set(rule.defaults or {}) - {"job_id"})
            if "job_id" in rule.arguments:
                continue  # the jobs' own URLs are in the queue
            combos = [{}]
            for arg in names:
                combos = [{**c, arg: v} for c in combos for v in ids.get(arg, [1])]
            queue.extend(rule.build(c)[1] for c in combos)
        seen: set[str] = set()
        while queue and len(seen) < 400:
            url = queue.popleft()
            if url in seen or "/dang-xuat" in url:
                continue
            seen.add(url)
            response = who.get(url)
            body = response.get_data()
            response.close()
            endpoint = app.url_map.bind("localhost").match(urlsplit(url).path)[0] \
                if response.status_code == 200 else ""
            text = shown(body, response.content_type or "")
            if endpoint in printed:
                full_in_print += bool(leaked(text))
                continue
            assert not leaked(text), (role, url, leaked(text))
            if response.content_type.startswith("text/html"):
                for link in re.findall(r'href="([^"#]+)"', text):
                    target = urljoin(url, link.replace("&amp;", "&"))
                    if target.startswith("/") and not target.startswith("/static/"):
                        queue.append(target)
        assert len(seen) >= 30, (role, len(seen))
    assert full_in_print >= 2  # the printed forms do carry the full numbers
    page = html(client.get(f"/ho-gia-dinh/{na_meo}/{YEAR}"))
    assert "038•••••••22" in page and PEOPLE[0][0] in page


def test_messages_in_the_terminal_mask_the_number(runner, tmp_path, write_json):
    data = write_json({"full_name": "Lò Văn A", "year": YEAR, "commune": "Xã Na Mèo",
                       "area": "Bản Na Mèo", "id_number": "03807800451"})
    result = runner.invoke(main, ["render", "commitment", str(data), "-o",
                                  str(tmp_path / "a.docx")])
    assert result.exit_code == 2 and "12 chữ số" in result.output
    assert "03807800451" not in result.output
    listed = tmp_path / "ds.csv"
    listed.write_text("Họ và tên,Năm sinh,Số CCCD\nLò Văn A,038072333333,\n"
                      "Vi Văn B,1970,0380734444445\nHà Văn C,1971,038071222222\n",
                      encoding="utf-8")
    result = runner.invoke(main, ["batch", "commitment", str(listed), "-o",
                                  str(tmp_path / "b.docx"), "--defaults",
                                  str(write_json({"year": YEAR, "commune": "Xã Na Mèo",
                                                  "area": "Bản Na Mèo"}, "chung.json"))])
    assert result.exit_code == 0 and "Đã bỏ qua 2 dòng lỗi" in result.output
    assert not leaked(result.output), result.output


# ---- 3. purge --------------------------------------------------------------------------

def test_the_district_purges_a_years_lists_after_a_confirmation(app, client, db):
    seed_year(db)
    na_meo = unit_id(db, "Bản Na Mèo")
    job = run_job(client, "/cam-ket/", {"unit_id": str(na_meo), "year": str(YEAR), "fmt": "docx"})
    kept = run_job(client, "/cam-ket/", {"unit_id": str(na_meo), "year": "2022", "fmt": "docx"})
    with db.session(readonly=True) as s:
        assert len(q.households.marked_jobs(s, YEAR, {na_meo})) == 1
        assert len(q.households.marked_jobs(s, 2022, {na_meo})) == 1
    page = html(client.get(f"/ho-gia-dinh/xoa?year={YEAR}"))
    assert ("Sẽ xóa vĩnh viễn 3 hộ của 1 khu dân cư năm 2024:" in page
            and "Bản Na Mèo — Xã Na Mèo (3 hộ)" in page
            and "Cùng 1 tệp bản cam kết in hàng loạt" in page)
    t = token(client, f"/ho-gia-dinh/xoa?year={YEAR}")
    stale = client.post("/ho-gia-dinh/xoa", data={"csrf_token": t, "year": YEAR, "people": 2},
                        follow_redirects=True)
    assert "đã thay đổi từ lúc xác nhận" in html(stale)
    done = client.post("/ho-gia-dinh/xoa", data={"csrf_token": t, "year": YEAR, "people": 3},
                       follow_redirects=True)
    assert "Đã xóa vĩnh viễn 3 hộ của 1 khu dân cư năm 2024" in html(done)
    with db.session(readonly=True) as s:
        assert q.list_households(s, na_meo, YEAR) == []
        assert len(q.list_households(s, na_meo, 2022)) == 5  # another year's list stays
        entry = next(e for e in q.list_audit(s) if e.action == "xóa danh sách hộ")
    assert (entry.username, entry.target) == ("admin", "năm 2024")
    assert entry.detail == "3 hộ của 1 khu dân cư năm 2024: Bản Na Mèo — Xã Na Mèo (3 hộ); " \
                           "1 tệp in hàng loạt"
    with db.session(readonly=True) as s:  # the job's file (in the database) is erased
        assert q.households.marked_jobs(s, YEAR, {na_meo}) == []
        assert len(q.households.marked_jobs(s, 2022, {na_meo})) == 1
        assert s.scalar(select(func.count()).select_from(JobChunk)
                        .where(JobChunk.job_id == job.rsplit("/", 1)[1])) == 0
    assert client.get(job).status_code == 404 and client.get(job + "/tai-ve").status_code == 404
    assert client.get(kept).status_code == 200


@pytest.mark.parametrize("who", ["vanthu.namao", "xem"])
def test_only_the_district_may_purge(app, db, who):
    with db.session() as s:
        ubnd = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
        commune = q.save_body(s, name="Ủy ban nhân dân xã Na Mèo", abbreviation="UBND",
                              place="Na Mèo", parent_id=ubnd.id, level="xã",
                              commune="Xã Na Mèo")
        q.save_user(s, username="vanthu.namao", role=q.ROLE_COMMUNE, body_id=commune.id,
                    password=PASSWORD, must_change=False)
        q.save_user(s, username="xem", role=q.ROLE_VIEWER, password=PASSWORD, must_change=False)
    other = app.test_client()
    assert login(other, who, PASSWORD).status_code == 302
    assert other.get("/ho-gia-dinh/xoa?year=2022").status_code == 404
    response = other.post("/ho-gia-dinh/xoa", data={"csrf_token": token(other), "year": 2022,
                                                    "people": 9})
    assert response.status_code in (403, 404)
    assert "Xóa mọi danh sách hộ" not in html(other.get("/ho-gia-dinh/"))
    with db.session(readonly=True) as s:
        assert sum(i.count for i in q.household_lists(s, year=2022)) == 9


def test_cli_purge_erases_the_rows_from_the_database_files(runner, tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("DOCGEN_INSTANCE", str(instance))
    monkeypatch.delenv("DOCGEN_DATABASE_URL", raising=False)
    store = q.Store(instance_path=instance)
    store.seed_sample_if_empty()
    with store.session(readonly=True) as s:
        units = {u.name: u.id for u in q.list_units(s)}
    for job_id, unit in (("marked", "Bản Na Mèo"), ("other", "Khu phố Sơn Lư 1")):
        with store.session() as s:  # finished batch jobs whose files hold two areas' lists
            s.add(JobRow(id=job_id, owner_id=1, title="Bản cam kết", kind="bulk_fill",
                         payload=b"{}", state="done", mark=json.dumps(
                             {"unit_id": units[unit], "year": 2022})))
        with store.session() as s:
            s.add(JobChunk(job_id=job_id, seq=0, data=f"forms of {unit}".encode()))
    store.dispose()
    listed = runner.invoke(main, ["households", "list"])
    assert f"2022\t{units['Bản Na Mèo']}\tBản Na Mèo — Xã Na Mèo (5 hộ)" in listed.output
    asked = runner.invoke(main, ["households", "purge", "--year", "2022", "--unit",
                                 str(units["Bản Na Mèo"])], input="n\n")
    assert asked.exit_code == 1 and "Sẽ xóa vĩnh viễn 5 hộ của 1 khu dân cư năm 2022" \
        in asked.output and "chưa xóa gì" in asked.output
    result = runner.invoke(main, ["households", "purge", "--year", "2022", "--unit",
                                  str(units["Bản Na Mèo"]), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Đã xóa 5 hộ của 1 khu dân cư năm 2022 và 1 tệp in hàng loạt." in result.output
    store = q.Store(instance_path=instance)
    with store.session(readonly=True) as s:
        assert [r.id for r in s.scalars(select(JobRow))] == ["other"]
        assert [c.job_id for c in s.scalars(select(JobChunk))] == ["other"]
    store.dispose()
    result = runner.invoke(main, ["households", "purge", "--year", "2022", "--yes"])
    assert "Đã xóa 4 hộ của 1 khu dân cư năm 2022 và 1 tệp in hàng loạt." in result.output
    files = b"".join(p.read_bytes() for p in instance.glob("docgen.sqlite3*"))
    for name in ("Lò Văn Xuân", "Hà Thị Lan", "Nguyễn Văn Bình", "Cầm Thị Nga"):
        assert name.encode() not in files, name  # not even in freed pages or the WAL
    for cccd in SAMPLE_CCCDS:
        assert cccd.encode() not in files
    again = runner.invoke(main, ["households", "purge", "--year", "2022", "--yes"])
    assert again.exit_code == 2 and "Không có danh sách hộ nào năm 2022 để xóa" in again.output
    store = q.Store(instance_path=instance)
    with store.session(readonly=True) as s:
        details = [(e.username, e.detail) for e in q.list_audit(s, action="xóa danh sách hộ")]
    store.dispose()
    assert details[-1][0] == "cli" and details[-1][1].startswith("5 hộ của 1 khu dân cư")


def test_postgresql_lists_and_purges_a_years_households(pg):
    pg.seed_sample_if_empty()
    with pg.session() as s:
        na_meo = next(u.id for u in q.list_units(s) if u.name == "Bản Na Mèo")
        for name, born, cccd, address in PEOPLE:
            q.save_household(s, unit_id=na_meo, year=YEAR, full_name=name, birth_year=born,
                             id_number=cccd, address=address)
    with pg.session(readonly=True) as s:
        assert [(i.year, i.unit_name, i.count) for i in q.household_lists(s)] == [
            (2025, "Bản Xía", 4), (YEAR, "Bản Na Mèo", 3), (2022, "Bản Na Mèo", 5),
            (2022, "Khu phố Sơn Lư 1", 4)]
    plan = q.purge(pg, 2022, username="admin", expected=9)
    assert plan.people == 9 and len(plan.lists) == 2
    with pg.session(readonly=True) as s:
        assert [(i.year, i.count) for i in q.household_lists(s)] == [(2025, 4), (YEAR, 3)]
        assert q.list_audit(s)[0].detail.startswith("9 hộ của 2 khu dân cư năm 2022")


# ---- 4. who exported personal data -----------------------------------------------------

def test_downloads_holding_people_are_audited_with_their_number(client, db):
    na_meo = unit_id(db, "Bản Na Mèo")
    job = run_job(client, "/cam-ket/", {"unit_id": str(na_meo), "year": "2022", "fmt": "docx"})
    assert download(client, job).status_code == 200
    with db.session() as s:
        ubnd = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
        form = q.create_document(s, kind="commitment", body_id=ubnd.id, data={
            "full_name": "Lò Văn A", "year": YEAR, "commune": "Xã Na Mèo", "area": "Bản Na Mèo",
            "id_number": PEOPLE[0][2]}, created_by="admin", render=render_document).id
        data, _, _ = q.decision_input(s, ubnd.id, 2022)
        decision = q.create_document(s, kind="decision", body_id=ubnd.id, data=data,
                                     created_by="admin", render=render_document).id
    assert client.get(f"/so-van-ban/{form}/tai-ve.docx").status_code == 200
    assert client.get(f"/so-van-ban/{decision}/tai-ve.docx").status_code == 200
    with db.session(readonly=True) as s:
        entries = [(e.action, e.target, e.detail) for e in q.list_audit(s)]
    assert ("tải bản cam kết hàng loạt", "cam-ket-ban-na-meo-2022.docx",
            "có dữ liệu cá nhân của 5 người") in entries
    personal = [e for e in entries if e[0] == "tải văn bản"]
    assert [e[2] for e in personal] == ["", "có dữ liệu cá nhân của 1 người"]  # newest first


@pytest.mark.skipif(not (have("soffice") and have("pdftoppm")),
                    reason="LibreOffice and poppler-utils make the previews")
def test_a_preview_of_a_commitment_form_is_audited(client, db):
    with db.session() as s:
        ubnd = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
        form = q.create_document(s, kind="commitment", body_id=ubnd.id, data={
            "full_name": "Lò Văn A", "year": YEAR, "commune": "Xã Na Mèo", "area": "Bản Na Mèo",
            "id_number": PEOPLE[0][2]}, created_by="admin", render=render_document).id
    assert client.get(f"/so-van-ban/{form}/trang-9.png").status_code == 404  # not logged
    image = client.get(f"/so-van-ban/{form}/trang-1.png")
    assert image.status_code == 200 and image.mimetype == "image/png"
    image.close()
    with db.session(readonly=True) as s:
        entries = [(e.action, e.detail) for e in q.list_audit(s, action="xem trước văn bản")]
    assert entries == [("xem trước văn bản", "trang 1, có dữ liệu cá nhân của 1 người")]


def test_the_audit_trail_masks_numbers(db):
    with db.session() as s:
        q.audit(s, "admin", "tạo bản đăng ký hàng loạt", "danh-sach-038068001245.xlsx",
                "CCCD 038 068 001 245")
    with db.session(readonly=True) as s:
        entry = q.list_audit(s)[0]
    assert (entry.target, entry.detail) == ("danh-sach-038•••••••45.xlsx", "CCCD 038•••••••45")


def test_readme_says_what_is_stored_and_how_to_erase_it():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Personal data", 1)[1].split("\n## ", 1)[0]
    for words in ("household", "docgen households purge", "backup", "restore", "038•••••••45",
                  "audit"):
        assert words in section, words


def test_errors_in_the_service_log_mask_the_number(app, caplog):
    try:
        raise ValueError("INSERT INTO household … parameters: (5, 'Lò Văn A', '038070111111')")
    except ValueError:
        app.logger.exception("Exception on /cam-ket/ [POST]")
    logged = caplog.text
    assert "Exception on /cam-ket/ [POST]" in logged and "038•••••••11" in logged
    assert not leaked(logged)


def test_a_failed_job_logs_the_number_masked(tmp_path, capfd):
    from docgen.jobs import Queue, handler

    @handler("test.leaks_a_number")
    def work(job) -> None:
        raise RuntimeError("dòng 7: 038070111111")

    database = q.Store(instance_path=tmp_path)
    database.create_schema()
    jobs = Queue(database, tmp_path, broker="")
    job = jobs.start(1, "Việc thử", "test.leaks_a_number", {})
    jobs.run_workers(1)
    for _ in range(500):
        if jobs.get(job.id, 1).state == "failed":
            break
        time.sleep(0.02)
    jobs.stop(5)
    database.dispose()
    err = capfd.readouterr().err
    assert "dòng 7: 038•••••••11" in err and not leaked(err)
    assert jobs.get(job.id, 1).state == "failed"
