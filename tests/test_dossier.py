"""The year's dossier (docgen.dossier): a consistent commune year passes; each kind of
inconsistency is caught on a real SQLite file, from the register and from a folder of the
rendered DOCX files; `docgen dossier check` exit codes; the «Hồ sơ năm» page; the warnings
of «Cấp số»."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from docgen import render_document, store as q
from docgen.store.household_share import record_share
from docgen.store.prefill_safe import safe_decision_input
from docgen.dossier import check_folder, check_year, issue_findings
from dossier_year import DATES, YEAR, build, issue, make
from helpers import login

ROOT = Path(__file__).resolve().parent.parent


def token(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]


def html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def instance(tmp_path):
    return tmp_path / "instance"


@pytest.fixture
def store(instance):
    """An empty store on a SQLite file in an instance folder (as `docgen` opens it)."""
    db = q.Store(None, instance_path=instance)
    db.create_schema()
    yield db
    db.dispose()


def dossier(store, ids):
    with store.session(readonly=True) as s:
        return check_year(s, ids["ubnd"], YEAR)


def codes(found) -> list[str]:
    return [f.code for f in found.findings]


# --- the register ----------------------------------------------------------------------

def test_a_consistent_year_passes_with_its_checklist(store):
    ids = build(store)
    found = dossier(store, ids)
    assert found.ok and found.findings == [], [f.message for f in found.findings]
    status = {item.code: item.status for item in found.items}
    assert status == {"resolution": "outside", "plan": "issued", "registration": "made",
                      "household_list": "missing", "unit_proposal": "missing",
                      "unit_report": "missing", "proposal": "issued", "report": "issued",
                      "minutes": "missing", "other": "outside", "safe_decision": "missing",
                      "decision": "issued"}
    words = {item.code: item.status_words for item in found.items}
    assert words["resolution"] == "ngoài hệ thống" and words["minutes"] == "chưa có"
    decision = next(i for i in found.items if i.code == "decision").papers[0]
    assert decision.ref.doc_id == ids["decision"]
    assert decision.ref.label == "Quyết định số 01/QĐ-UBND ngày 14/11/2025"
    # the province's plan the commune's plan carries out is not in the store: said, not found
    assert any("12/KH-BCĐ" in note for note in found.notes)


def test_an_empty_year_lists_what_is_missing(store):
    with store.session() as s:
        from dossier_year import bodies
        ids = bodies(s)
    found = dossier(store, ids)
    assert found.ok  # nothing disagrees; what is missing is said apart
    assert {i.code: i.status for i in found.items}["proposal"] == "missing"
    assert [i.code for i in found.missing] == [
        "plan", "registration", "household_list", "unit_proposal", "unit_report", "proposal",
        "report", "minutes", "safe_decision", "decision"]
    # a paper docgen does not make (yet) is said so, not «missing»
    from docgen.dossier.model import checklist
    assert {i.code: i.status_words for i in checklist([], {"plan"})}["minutes"] == "chưa hỗ trợ"
    from docgen.dossier import lines
    assert "Hồ sơ còn thiếu: Kế hoạch về bảo đảm an ninh, trật tự; Bản đăng ký" in \
        "\n".join(lines(found))


def test_a_decision_that_drops_a_unit_disagrees_with_the_others(store):
    def tweak(kind, data):
        if kind == "decision":
            data["units"] = [u for u in data["units"] if u["name"] != "Bản Na Hồ"]
    found = dossier(store, build(store, tweak=tweak))
    mismatch = [f for f in found.findings if f.code == "units_mismatch"]
    assert mismatch and all("«Bản Na Hồ»" in f.message for f in mismatch)
    assert any("Tờ trình số 01/TTr-CAX" in f.message and "Quyết định số 01/QĐ-UBND"
               in f.message for f in mismatch)
    assert any("kết quả đánh giá đã lưu năm 2025" in f.message for f in mismatch)
    assert not found.ok


def test_a_report_counting_another_an_toan_figure_is_caught(store):
    """The issue's «35 of 44 in the Tờ trình, 32 in the report» can never pass."""
    def tweak(kind, data):
        if kind == "report":
            next(u for u in data["units"] if u["name"] == "Bản Pù Ngà")["safe"] = False
    found = dossier(store, build(store, tweak=tweak))
    safe = [f for f in found.findings if f.code == "safe_mismatch"]
    assert any("3 theo Tờ trình số 01/TTr-CAX ngày 10/11/2025, 2 theo Báo cáo số 02/BC-CAX"
               in f.message and "Bản Pù Ngà" in f.message for f in safe)


def test_outcomes_changed_after_the_decision_are_caught(store):
    ids = build(store)
    with store.session() as s:
        unit = q.find_unit(s, ids["ubnd"], "Bản Na Hồ")
        q.save_assessment(s, unit.id, YEAR, decided="trung_binh", reason="Hạ loại sau họp")
    found = dossier(store, ids)
    classes = [f for f in found.findings if f.code == "class_mismatch"]
    assert classes and all("Bản Na Hồ: Khá theo" in f.message
                           and "Trung bình theo kết quả đánh giá đã lưu" in f.message
                           for f in classes)


def test_a_unit_listed_by_a_body_not_competent_for_it(store):
    """The register refuses a draft listing units its issuer may not decide; a unit whose
    facts change afterwards (here: the province, not the commune, manages the school) makes
    the issued documents list a unit their bodies are not competent for."""
    ids = build(store)
    with store.session() as s:
        school = q.find_unit(s, ids["ubnd"], "Trường THCS Na Mèo")
        q.save_unit(s, id=school.id, name=school.name, kind=school.kind, body_id=school.body_id,
                    commune=school.commune, category="thcs", managed_by="tinh")
    wrong = {f.refs[0].doc_id: f.message for f in dossier(store, ids).findings
             if f.code == "not_competent"}
    assert set(wrong) == {ids["decision"], ids["proposal"]}
    message = wrong[ids["decision"]]
    assert "của Ủy ban nhân dân xã Na Mèo liệt kê 1 đơn vị không thuộc thẩm quyền" in message
    assert "Trường THCS Na Mèo" in message and "Thông tư 124/2021/TT-BCA, Điều 10 khoản 3" \
        in message
    # the Tờ trình asks its «Kính gửi», the commune's committee, to recognise the school
    assert ("Tờ trình số 01/TTr-CAX ngày 10/11/2025 đề nghị Ủy ban nhân dân xã Na Mèo công "
            "nhận 1 đơn vị không thuộc thẩm quyền") in wrong[ids["proposal"]]


def test_dates_out_of_order(store):
    ids = build(store, dates={"decision": dt.date(2025, 11, 5)})  # before its Tờ trình
    found = dossier(store, ids)
    order = [f for f in found.findings if f.code == "date_order"]
    assert order and any(f.concerns(ids["decision"]) and f.concerns(ids["proposal"])
                         for f in order)
    assert any("tờ trình phải có trước quyết định" in f.message for f in order)


def test_a_date_after_its_deadline(store):
    ids = build(store, dates={"proposal": dt.date(2025, 11, 25), "decision": dt.date(2025, 11, 26)})
    late = [f for f in dossier(store, ids).findings if f.code == "after_deadline"]
    assert len(late) == 1 and late[0].concerns(ids["proposal"])
    assert "sau thời hạn 20/11/2025" in late[0].message
    assert "Quyết định 510/QĐ-BCA-V05, Điều 11 khoản 3" in late[0].message


@pytest.mark.parametrize("kind, field, value, words", [
    ("decision", "proposal", "Tờ trình số 07/TTr-CAX ngày 10 tháng 11 năm 2025",
     "không có tờ trình nào đã cấp số 07/TTr-CAX"),
    ("decision", "proposal", "Tờ trình số 01/TTr-CAX ngày 09 tháng 11 năm 2025",
     "ngày 09/11/2025, nhưng sổ văn bản ghi ngày 10/11/2025"),
    ("report", "decision", {"number": "01/QĐ-UBND", "date": "2025-11-13",
                            "issuer": "Ủy ban nhân dân xã Na Mèo"},
     "ngày 13/11/2025, nhưng sổ văn bản ghi ngày 14/11/2025"),
    ("proposal", "plan_reference", "Kế hoạch số 09/KH-BCĐ ngày 10 tháng 3 năm 2025 của Ban "
     "Chỉ đạo 138 xã Na Mèo", "không có kế hoạch nào đã cấp số 09/KH-BCĐ"),
    # numbers start again each year: the 2025 plan «01/KH-BCĐ» is not the 2024 one cited
    ("report", "plan_reference", "Kế hoạch số 01/KH-BCĐ ngày 10 tháng 3 năm 2024 của Ban "
     "Chỉ đạo 138 xã Na Mèo", "không có kế hoạch nào đã cấp số 01/KH-BCĐ năm 2024"),
])
def test_a_citation_that_does_not_match_the_register(store, kind, field, value, words):
    def tweak(k, data):
        if k == kind:
            data[field] = value
    ids = build(store, tweak=tweak)
    wrong = [f for f in dossier(store, ids).findings if f.code == "citation_mismatch"]
    assert len(wrong) == 1 and wrong[0].concerns(ids[kind]), [f.message for f in wrong]
    assert words in wrong[0].message


def test_a_decision_that_cites_no_issued_proposal(store):
    def tweak(kind, data):
        if kind == "decision":
            data.pop("proposal", None)
    found = dossier(store, build(store, tweak=tweak))
    assert codes(found) == ["citation_missing"]
    assert "mục «Tờ trình đề nghị»" in found.findings[0].message


def test_a_second_proposal_for_the_same_body_and_year(store):
    ids = build(store, until="proposal")
    with store.session() as s:
        data = q.proposal_input(s, ids["police"], YEAR).data
    second = make(store, "proposal", ids["police"], data)
    found = dossier(store, ids)
    assert codes(found) == ["second_proposal"]
    assert "sẽ là Tờ trình thứ hai" in found.findings[0].message
    issue(store, second, dt.date(2025, 11, 12))
    found = dossier(store, ids)
    assert codes(found) == ["second_proposal"] and found.findings[0].concerns(second)
    assert "Tờ trình số 02/TTr-CAX" in found.findings[0].message


def test_issue_findings_name_only_the_document_being_issued(store):
    ids = build(store, until="proposal")
    with store.session() as s:
        data = q.decision_input(s, ids["ubnd"], YEAR).data
    draft = make(store, "decision", ids["ubnd"], data)
    with store.session(readonly=True) as s:
        assert issue_findings(s, draft, DATES["decision"]) == []
        early = issue_findings(s, draft, dt.date(2025, 11, 1))
    # one message for the pair, though both the order of the work and the citation say it
    assert [f.code for f in early] == ["date_order"]
    assert early[0].message == ("Quyết định này (nếu cấp số ngày 01/11/2025) đề ngày trước Tờ "
                                "trình số 01/TTr-CAX ngày 10/11/2025: tờ trình phải có trước "
                                "quyết định")


def test_an_excluded_unit_classed_or_counted_an_toan_is_caught(store):
    """Scope (Circular 124 Điều 1 khoản 2 b): a primary school is never classed nor counted
    "An toàn" — here it was, in every document and in the stored outcomes."""
    ids = build(store)
    with store.session() as s:
        school = q.find_unit(s, ids["ubnd"], "Trường THCS Na Mèo")
        q.save_unit(s, id=school.id, name="Trường Tiểu học Na Mèo", kind=school.kind,
                    body_id=school.body_id, commune=school.commune, category="tieu_hoc")
    found = dossier(store, ids)
    excluded = [f for f in found.findings if f.code == "excluded_unit"]
    # the Tờ trình, the decision, the report and the stored outcomes (the name changed since
    # the documents were issued, so the documents' «Trường THCS» is no longer that unit)
    assert excluded and all("«Trường Tiểu học Na Mèo» (trường tiểu học) không thuộc đối "
                            "tượng đánh giá" in f.message for f in excluded)
    assert {"xếp loại Khá", "tính là đạt “An toàn về an ninh, trật tự”"} <= {
        w for f in excluded for w in ("xếp loại Khá", "tính là đạt “An toàn về an ninh, trật tự”")
        if w in f.message}
    assert any("Điều 1 khoản 2 điểm b" in f.message for f in excluded)


# --- a folder of DOCX files --------------------------------------------------------------

def _export(store, ids, folder: Path, kinds=("plan", "registration", "proposal", "decision",
                                             "report")) -> Path:
    folder.mkdir(exist_ok=True)
    with store.session(readonly=True) as s:
        for kind in kinds:
            (folder / f"{kind}.docx").write_bytes(q.get_document(s, ids[kind]).docx)
    return folder


def test_the_folder_of_a_consistent_year_passes(store, tmp_path):
    ids = build(store)
    folder = _export(store, ids, tmp_path / "ho-so")
    with store.session(readonly=True) as s:  # last year's plan, left in the folder
        plan = q.document_input(q.get_document(s, ids["plan"]))
    plan.update(year=2024, date="2024-03-10", plan_deadline="2024-03-25",
                units_deadline="2024-03-31", report_deadline="2024-03-31")
    plan["basis_plan"]["date"] = "2024-02-20"
    (folder / "ke-hoach-2024.docx").write_bytes(render_document("plan", plan))
    found = check_folder(folder)
    assert found.ok, [f.message for f in found.findings]
    assert found.year == YEAR
    assert any(n.startswith("Kế hoạch số 01/KH-BCĐ (tệp ke-hoach-2024.docx): thuộc năm 2024")
               for n in found.notes)
    status = {i.code: i.status for i in found.items}
    assert status["proposal"] == "issued" and status["registration"] == "made"
    assert status["decision"] == "issued" and status["report"] == "issued"
    assert any("cơ quan, doanh nghiệp, cơ sở giáo dục" in n for n in found.notes)


def test_the_folder_check_reads_lists_figures_dates_and_citations(store, tmp_path):
    ids = build(store, dates={"proposal": dt.date(2025, 11, 25), "decision": dt.date(2025, 11, 26)})
    folder = _export(store, ids, tmp_path / "ho-so", ("plan", "proposal", "decision"))
    with store.session(readonly=True) as s:
        report = q.document_input(q.get_document(s, ids["report"]))
    report["units"][0]["safe"] = not report["units"][0]["safe"]
    report["decision"]["date"] = "2025-11-20"
    report["number"] = report["date"] = None  # a draft: no number, no date
    (folder / "report.docx").write_bytes(render_document("report", report))
    (folder / "ghi-chu.docx").write_bytes(b"not a docx")
    found = check_folder(folder)
    by_code = {f.code: f.message for f in found.findings}
    assert "Số đơn vị đạt “An toàn về an ninh, trật tự” khác nhau: 3 theo Tờ trình số " \
           "01/TTr-CAX (tệp proposal.docx), " in by_code["safe_mismatch"]
    assert "sau thời hạn 20/11/2025" in by_code["after_deadline"]
    assert ("trích dẫn Quyết định số 01/QĐ-UBND ngày 20/11/2025, nhưng thư mục ghi ngày "
            "26/11/2025") in by_code["citation_mismatch"]
    assert any("ghi-chu.docx: không đọc được" in n for n in found.notes)
    assert any("report.docx: chưa ghi ngày ban hành" in n for n in found.notes)


# --- the command line --------------------------------------------------------------------

def _cli(instance: Path, *args: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
    env["DOCGEN_INSTANCE"] = str(instance)
    return subprocess.run([sys.executable, "-m", "docgen", "dossier", "check", *args],
                          capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)


def test_cli_exit_codes(store, instance, tmp_path):
    ids = build(store)
    done = _cli(instance, "--body", str(ids["ubnd"]), "--year", str(YEAR))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[đã ban hành] Tờ trình đề nghị xét duyệt" in done.stdout
    assert "Không phát hiện điểm không thống nhất nào." in done.stdout
    with store.session() as s:
        data = q.proposal_input(s, ids["police"], YEAR).data
    make(store, "proposal", ids["police"], data)
    done = _cli(instance, "--body", str(ids["police"]), "--year", str(YEAR))
    assert done.returncode == 1 and "[second_proposal]" in done.stdout
    folder = _export(store, ids, tmp_path / "ho-so")
    assert _cli(instance, str(folder)).returncode == 0
    for args, words in ((["--body", str(ids["ubnd"])], "Cần ghi --body"),
                        ([str(folder), "--year", "2025"], "Chỉ ghi một trong hai"),
                        (["--body", "999", "--year", "2025"], "Không tìm thấy cơ quan (mã 999)"),
                        (["--body", "1", "--year", "1800"], "Năm đánh giá 1800 không hợp lệ"),
                        ([str(tmp_path / "khong-co")], "Không tìm thấy thư mục")):
        done = _cli(instance, *args)
        assert done.returncode == 2 and words in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr


def test_cli_never_creates_a_database(tmp_path):
    done = _cli(tmp_path / "nothing", "--body", "1", "--year", "2025")
    assert done.returncode == 2 and "Chưa có cơ sở dữ liệu" in done.stderr
    assert not (tmp_path / "nothing" / "docgen.sqlite3").exists()


# --- the web page and «Cấp số» -----------------------------------------------------------

def test_the_dossier_page(client, db):
    ids = build(db, tweak=lambda kind, data: data.pop("proposal", None)
                if kind == "decision" else None)
    page = client.get(f"/ho-so-nam/?body={ids['ubnd']}&year={YEAR}")
    text = html(page)
    assert page.status_code == 200
    assert "Hồ sơ năm 2025" in text and "Biên bản cuộc họp" in text and "Ngoài hệ thống" in text
    assert f'href="/so-van-ban/{ids["decision"]}"' in text
    assert 'data-code="citation_missing"' in text
    bad = client.get("/ho-so-nam/?year=abc")  # a year that is no year is never another year
    assert bad.status_code == 400 and "Năm «abc» không hợp lệ" in html(bad)
    assert client.get("/ho-so-nam/?body=99999&year=2025").status_code == 404
    assert 'id="dossier-link"' in html(client.get("/")) and \
        'id="dossier-link"' in html(client.get("/so-van-ban/"))


def test_the_dossier_page_keeps_to_the_users_scope(app, db):
    ids = build(db)
    with db.session() as s:
        other = q.save_body(s, name="Ủy ban nhân dân xã Sơn Điện", abbreviation="UBND",
                            place="Sơn Điện", level="xã", commune="Xã Sơn Điện")
        for name, role, body in (("vanthu.sondien", "commune", other.id),
                                 ("xem.namEo", "viewer", ids["ubnd"])):
            q.save_user(s, username=name, role=role, body_id=body,
                        password="mat-khau-thu-nghiem-1", must_change=False)
    clerk = app.test_client()
    assert login(clerk, "vanthu.sondien", "mat-khau-thu-nghiem-1").status_code == 302
    assert clerk.get(f"/ho-so-nam/?body={ids['ubnd']}&year={YEAR}").status_code == 404
    own = html(clerk.get(f"/ho-so-nam/?year={YEAR}"))
    assert "Sơn Điện" in own and "Na Mèo" not in own
    viewer = app.test_client()
    assert login(viewer, "xem.nameo", "mat-khau-thu-nghiem-1").status_code == 302
    page = viewer.get(f"/ho-so-nam/?body={ids['ubnd']}&year={YEAR}")
    assert page.status_code == 200 and 'id="dossier-ok"' in html(page)


def _issue(client, doc_id: int, day: str, **extra):
    return client.post(f"/so-van-ban/{doc_id}/cap-so", follow_redirects=True, data={
        "csrf_token": token(client, f"/so-van-ban/{doc_id}"), "issued_on": day, **extra})


def test_issuing_warns_and_needs_vẫn_cấp_số(client, db):
    ids = build(db, until="proposal")
    with db.session() as s:
        data = q.decision_input(s, ids["ubnd"], YEAR).data
    draft = make(db, "decision", ids["ubnd"], data)
    page = _issue(client, draft, "2025-11-01")  # before the Tờ trình it cites
    text = html(page)
    assert "Chưa cấp số" in text and 'id="issue-warnings"' in text
    assert 'data-code="date_order"' in text and 'name="confirm" value="2025-11-01"' in text
    with db.session(readonly=True) as s:
        assert not q.get_document(s, draft).is_issued
    # a confirmation given for another date confirms nothing
    assert "Chưa cấp số" in html(_issue(client, draft, "2025-11-02", confirm="2025-11-01"))
    done = html(_issue(client, draft, "2025-11-01", confirm="2025-11-01"))
    assert "Đã cấp số 01/QĐ-UBND ngày 01/11/2025" in done
    with db.session(readonly=True) as s:
        entry = next(a for a in q.list_audit(s) if a.action == "cấp số")
    assert "vẫn cấp số dù có 1 cảnh báo hồ sơ" in entry.detail


def test_issuing_without_findings_needs_no_confirmation(client, db):
    ids = build(db, until="proposal")
    with db.session() as s:
        data = q.decision_input(s, ids["ubnd"], YEAR).data
    draft = make(db, "decision", ids["ubnd"], data)
    show = html(client.get(f"/so-van-ban/{draft}?issued_on=2025-11-14"))
    assert 'id="issue-warnings"' not in show
    assert "Đã cấp số 01/QĐ-UBND ngày 14/11/2025" in html(_issue(client, draft, "2025-11-14"))


def test_the_page_of_a_draft_shows_its_warnings_for_the_date_asked(client, db):
    ids = build(db, until="proposal")
    with db.session() as s:
        data = q.decision_input(s, ids["ubnd"], YEAR).data
    draft = make(db, "decision", ids["ubnd"], data)
    text = html(client.get(f"/so-van-ban/{draft}?issued_on=2025-11-01"))
    assert re.search(r'id="issued_on" name="issued_on" value="2025-11-01"', text)
    assert "Nếu cấp số ngày 01/11/2025" in text


def test_issuing_a_second_proposal_is_warned_about(client, db):
    ids = build(db, until="proposal")
    with db.session() as s:
        data = q.proposal_input(s, ids["police"], YEAR).data
    second = make(db, "proposal", ids["police"], data)
    show = html(client.get(f"/so-van-ban/{second}?issued_on=2025-11-12"))
    assert 'data-code="second_proposal"' in show and "Tờ trình số 01/TTr-CAX" in show
    assert "Chưa cấp số" in html(_issue(client, second, "2025-11-12"))
    with db.session(readonly=True) as s:
        assert not q.get_document(s, second).is_issued


def test_the_folder_check_compares_the_lists_unit_by_unit(store, tmp_path):
    ids = build(store)
    folder = _export(store, ids, tmp_path / "ho-so", ("proposal", "report"))
    with store.session(readonly=True) as s:
        decision = q.document_input(q.get_document(s, ids["decision"]))
    next(u for u in decision["units"] if u["name"] == "Bản Na Hồ")["grade"] = "trung_binh"
    (folder / "decision.docx").write_bytes(render_document("decision", decision))
    found = check_folder(folder)
    classes = [f.message for f in found.findings if f.code == "class_mismatch"]
    # the Tờ trình's list against the decision's, then the decision's against the report's figures
    assert any("Bản Na Hồ: Khá theo Tờ trình số 01/TTr-CAX (tệp proposal.docx), Trung bình "
               "theo Quyết định số 01/QĐ-UBND (tệp decision.docx)" in m for m in classes)
    assert any("loại Khá: 1 và 2; loại Trung bình: 2 và 1" in m for m in classes)


def _minutes(unit: str, day: str, conclusion: str) -> dict:
    from docgen.samples import load_sample
    data = load_sample("minutes")
    data.update(unit=unit, year=YEAR, date=day, conclusion=conclusion,
                criteria=[{"result": conclusion}] * len(data["criteria"]))
    return data


def test_a_meeting_that_concluded_otherwise_and_late_minutes(store):
    """Circular 124 Điều 9 khoản 2 b: the minutes of the units' meetings are in the dossier;
    their conclusion is the stored "An toàn" outcome, and they come before the Tờ trình."""
    ids = build(store)
    fine = make(store, "minutes", ids["ubnd"], _minutes("Bản Pù Ngà", "2025-11-03", "Đạt"))
    found = dossier(store, ids)
    assert found.ok, [f.message for f in found.findings]
    item = next(i for i in found.items if i.code == "minutes")
    assert item.status == "made" and item.papers[0].ref.doc_id == fine
    wrong = make(store, "minutes", ids["ubnd"], _minutes("Bản Chiềng Ván", "2025-11-12", "Đạt"))
    found = dossier(store, ids)
    by_code = {f.code: f for f in found.findings}
    assert set(by_code) == {"safe_mismatch", "date_order"}
    assert by_code["safe_mismatch"].concerns(wrong)
    assert ("Biên bản họp của Bản Chiềng Ván kết luận Đạt tiêu chuẩn “An toàn về an ninh, trật "
            "tự”, nhưng kết quả đánh giá đã lưu năm 2025 ghi chưa đạt") \
        in by_code["safe_mismatch"].message
    assert "biên bản họp phải có trước tờ trình" in by_code["date_order"].message


def _unit_id(store, name: str) -> int:
    with store.session(readonly=True) as s:
        return next(u.id for u in q.list_units(s) if u.name == name)


def test_every_household_of_an_area_registers(store):
    ids = build(store)
    area = _unit_id(store, "Bản Pù Ngà")
    found = dossier(store, ids)
    assert any("Chưa ghi số hộ gia đình" in note and "«Bản Pù Ngà»" in note
               for note in found.notes)
    with store.session() as s:
        record_share(s, area, YEAR, signed=120, total=126)
    found = dossier(store, ids)
    assert [f.code for f in found.findings] == ["households_share"]
    assert "«Bản Pù Ngà»: 120/126 hộ gia đình" in found.findings[0].message
    assert "Điều 4 khoản 1" in found.findings[0].message
    with store.session() as s:
        record_share(s, area, YEAR, signed=126, total=126)
    assert dossier(store, ids).ok


def test_a_recognition_decision_that_disagrees_with_the_classification_is_found(store):
    ids = build(store)
    with store.session(readonly=True) as s:
        data = safe_decision_input(s, ids["ubnd"], YEAR).data
    # The recognition leaves out an area the classification counts «An toàn».
    dropped = data["units"].pop(0)
    make(store, "safe_decision", ids["ubnd"], data)
    found = dossier(store, ids)
    assert "recognition" in {f.code for f in found.findings}
    assert any(dropped["name"] in f.message for f in found.findings if f.code == "recognition")
