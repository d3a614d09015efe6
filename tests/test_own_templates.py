"""A district's own templates: checked before they are accepted, kept as versions, used for
the documents of their body (or of all bodies), recorded on each document, and left for
the shipped template again (docgen.store.own_templates, webform/views/own_templates.py)."""

from __future__ import annotations

import io
import re

import docx
import pytest

from docgen import render_document, store as q
from docgen.render import TEMPLATES_DIR
from docgen.store import own_templates as own

from helpers import full_text, login
from test_web import _submit_prefilled

CLERK_PASSWORD = "mat-khau-van-thu-xa-2"
OWN_SENTENCE = "Văn phòng niêm yết công khai Quyết định này tại trụ sở."


def decision_template(*, extra: str = OWN_SENTENCE, change=None) -> bytes:
    """The shipped decision template with `extra` added after Điều 2 (python-docx)."""
    document = docx.Document(str(TEMPLATES_DIR / "decision.docx"))
    article2 = next(p for p in document.paragraphs if p.text.startswith("Điều 2."))
    article2.add_run(" " + extra)
    if change:
        change(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def csrf(client, url: str = "/mau-rieng/") -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).text)[1]


def body_id(db, abbreviation: str) -> int:
    with db.session(readonly=True) as s:
        return next(b.id for b in q.list_bodies(s) if b.abbreviation == abbreviation)


def upload(client, data: bytes, *, kind="decision", body="", name="quyet-dinh.docx"):
    return client.post("/mau-rieng/tai-len", data={
        "csrf_token": csrf(client), "kind": kind, "body_id": body,
        "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def make_decision(client, db) -> int:
    response = _submit_prefilled(client, f"/van-ban/decision/moi?body={body_id(db, 'UBND')}"
                                         "&year=2022", {"created_by": "Hà Thị Thu"})
    assert response.status_code == 302, response.text[:2000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def activate(client, version_id: int):
    return client.post(f"/mau-rieng/{version_id}/dung",
                       data={"csrf_token": csrf(client, f"/mau-rieng/{version_id}")},
                       follow_redirects=True)


# ---- the check, in the store ----------------------------------------------------------------

def test_a_changed_template_passes_and_its_preview_holds_the_body_s_real_data(db):
    with db.session() as s:
        ubnd = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
        checked = own.check(s, "decision", ubnd.id, decision_template(), year=2022)
    assert checked.problems == []
    text = full_text(checked.preview)
    assert OWN_SENTENCE in text and "Xã Na Mèo" in text   # a unit of the stored year
    assert checked.notes == [f"Bản xem trước dùng dữ liệu thật của {ubnd.name} năm 2022."]


def _broken_jinja(document):
    document.paragraphs[0].add_run("{% if %}")


def _arial(document):
    for run in document.paragraphs[0].runs:
        run.font.name = "Arial"


def _no_units(document):
    for table in document.tables:
        if "groups" in table._element.xml:
            table._element.getparent().remove(table._element)


@pytest.mark.parametrize("data, expected", [
    (decision_template(extra="Giao {{ chu_tich_xa }} thực hiện."),
     "Mẫu dùng biến mà loại văn bản này không có: «chu_tich_xa»"),
    (decision_template(change=_broken_jinja), "có lỗi cú pháp ở dòng 1"),
    (decision_template(change=_no_units),
     "Mẫu thiếu biến bắt buộc: «groups» (danh sách đơn vị theo loại hình)"),
    (decision_template(extra="{{ issuer.ten_goi }}"), "Không kết xuất được với dữ liệu thật"),
    (decision_template(change=_arial), "Sai thể thức Nghị định 30: Phông chữ «Arial»"),
    (b"PK\x03\x04 not really a zip", "không phải tệp DOCX (Word) hợp lệ"),
    (b"x" * (own.MAX_BYTES + 1), "lớn hơn 10 MB"),
], ids=["unknown variable", "broken Jinja", "no unit list", "fails to render", "ND30",
        "not a DOCX", "too large"])
def test_a_template_that_would_fail_is_refused_with_the_reason(db, data, expected):
    with db.session() as s:
        with pytest.raises(own.TemplateRefused) as refused:
            own.upload(s, kind="decision", body_id=None, data=data, filename="mau.docx",
                       uploaded_by="admin", year=2022)
        assert own.list_versions(s) == []
    assert any(expected in problem for problem in refused.value.problems), refused.value.problems


def test_the_required_variables_come_from_the_shipped_template():
    assert set(own.required_variables("decision")) == {
        "number_line", "place_date", "issuer", "signer", "groups"}
    assert "full_name" in own.required_variables("commitment")


def test_resolution_prefers_the_body_s_version_then_all_bodies_then_shipped(db):
    ubnd = body_id(db, "UBND")
    with db.session() as s:
        every, _ = own.upload(s, kind="decision", body_id=None, data=decision_template(
            extra="Mẫu cho mọi cơ quan."), filename="a.docx", uploaded_by="admin", year=2022)
        mine, _ = own.upload(s, kind="decision", body_id=ubnd, data=decision_template(
            extra="Mẫu riêng của Ủy ban."), filename="b.docx", uploaded_by="admin", year=2022)
        assert own.resolve(s, "decision", ubnd) == (None, None)   # uploaded is not yet used
        own.activate(s, every.id)
        assert own.resolve(s, "decision", ubnd)[0] == every.id
        own.activate(s, mine.id)
        assert own.resolve(s, "decision", ubnd)[0] == mine.id
        assert own.resolve(s, "decision", body_id(db, "CAH"))[0] == every.id
        own.use_shipped(s, "decision", ubnd)
        assert own.resolve(s, "decision", ubnd)[0] == every.id
        own.use_shipped(s, "decision", None)
        assert own.resolve(s, "decision", ubnd) == (None, None)
        assert [v.version for v in own.list_versions(s)] == [1, 1]   # all kept, each numbered
        again, _ = own.upload(s, kind="decision", body_id=None, data=decision_template(),
                              filename="c.docx", uploaded_by="admin", year=2022)
        assert again.version == 2


def test_the_cli_render_never_uses_a_stored_version(db, sample):
    with db.session() as s:
        version, _ = own.upload(s, kind="decision", body_id=None, data=decision_template(),
                                filename="a.docx", uploaded_by="admin", year=2022)
        own.activate(s, version.id)
    assert OWN_SENTENCE not in full_text(render_document("decision", sample("decision")))


# ---- the web form ---------------------------------------------------------------------------

def test_upload_preview_issue_with_the_version_then_back_to_shipped(client, db):
    response = upload(client, decision_template(), name="Quyết định của huyện.docx")
    assert response.status_code == 302
    version_url = response.headers["Location"]
    page = client.get(version_url).text
    assert "mẫu riêng số 1" in page and "Dùng mẫu này" in page
    assert "Quyết định của huyện.docx" in page
    version_id = int(version_url.rstrip("/").split("/")[-1])
    stored = client.get(f"/mau-rieng/{version_id}/tai-ve.docx").data
    assert OWN_SENTENCE in full_text(stored)

    # Uploaded but not used yet: a new decision keeps the shipped wording.
    first = make_decision(client, db)
    assert OWN_SENTENCE not in full_text(client.get(f"/so-van-ban/{first}/tai-ve.docx").data)

    assert "Từ nay Quyết định" in activate(client, version_id).text
    doc_id = make_decision(client, db)
    page = client.get(f"/so-van-ban/{doc_id}").text
    assert '<span id="template-version">mẫu riêng số 1</span>' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    # the register already holds the sample's 2022 decision: a second one is confirmed
    issued = client.post(f"/so-van-ban/{doc_id}/cap-so", data={
        "csrf_token": token, "issued_on": "2023-02-10", "confirm": "2023-02-10"},
        follow_redirects=True)
    assert "Đã cấp số" in issued.text
    final = full_text(client.get(f"/so-van-ban/{doc_id}/tai-ve.docx").data)
    assert OWN_SENTENCE in final and "ngày 10 tháng 02 năm 2023" in final
    with db.session(readonly=True) as s:
        assert q.get_document(s, doc_id).template_version_id == version_id
        assert q.get_document(s, first).template_version_id is None
        assert own.documents_made_with(s, version_id) == 1

    back = client.post("/mau-rieng/mau-goc", data={
        "csrf_token": csrf(client), "kind": "decision", "body_id": ""}, follow_redirects=True)
    assert "dùng mẫu gốc của docgen" in back.text
    later = make_decision(client, db)
    assert OWN_SENTENCE not in full_text(client.get(f"/so-van-ban/{later}/tai-ve.docx").data)
    assert '<span id="template-version">mẫu gốc</span>' in client.get(f"/so-van-ban/{later}").text
    # The issued document made with the version keeps it when the version is no longer used.
    assert OWN_SENTENCE in full_text(client.get(f"/so-van-ban/{doc_id}/tai-ve.docx").data)


def test_a_draft_made_with_a_version_is_issued_with_it_after_going_back(client, db):
    version_id = int(upload(client, decision_template()).headers["Location"].split("/")[-1])
    activate(client, version_id)
    doc_id = make_decision(client, db)
    client.post("/mau-rieng/mau-goc", data={"csrf_token": csrf(client), "kind": "decision",
                                            "body_id": ""})
    page = client.get(f"/so-van-ban/{doc_id}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    client.post(f"/so-van-ban/{doc_id}/cap-so",
                data={"csrf_token": token, "issued_on": "2023-02-10", "confirm": "2023-02-10"})
    final = full_text(client.get(f"/so-van-ban/{doc_id}/tai-ve.docx").data)
    assert "01/QĐ-UBND" in final and OWN_SENTENCE in final


@pytest.mark.parametrize("data, name, expected", [
    (decision_template(extra="{{ ten_chu_tich }}"), "bien-la.docx",
     "Mẫu dùng biến mà loại văn bản này không có: «ten_chu_tich»"),
    (decision_template(change=_broken_jinja), "loi-cu-phap.docx", "có lỗi cú pháp"),
    (b"%PDF-1.4 not a Word file", "van-ban.pdf", "không phải tệp DOCX (Word) hợp lệ"),
], ids=["unknown variable", "broken Jinja", "not a DOCX"])
def test_the_web_form_refuses_a_template_with_the_list_of_problems(client, db, data, name,
                                                                   expected):
    response = upload(client, data, name=name)
    assert response.status_code == 422
    assert f"Mẫu «{name}» không được nhận, chưa dùng cho văn bản nào:" in response.text
    assert expected in response.text
    with db.session(readonly=True) as s:
        assert own.list_versions(s) == []


def test_a_file_over_10_mb_is_refused_before_it_is_read(client, db):
    # The body is built here: the test client would spool it to a temporary file that
    # nobody closes when the app refuses to read it (as tests/test_excel_attacks.py does).
    boundary = "----docgen-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"mau.docx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            ).encode() + b"PK\x03\x04" + b"\0" * (10 << 20) + f"\r\n--{boundary}--\r\n".encode()
    response = client.post("/mau-rieng/tai-len", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "Tệp mẫu vượt quá giới hạn 10 MB" in response.text


def test_the_form_names_a_missing_file_and_kind(client):
    response = client.post("/mau-rieng/tai-len", data={"csrf_token": csrf(client), "kind": "x"},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Loại văn bản: hãy chọn" in response.text and "Tệp mẫu: hãy chọn" in response.text


def test_only_the_district_role_reaches_the_own_templates(app, db):
    with db.session() as s:
        ubnd = next(b for b in q.list_bodies(s) if b.abbreviation == "UBND")
        q.save_user(s, username="vanthu.xa", role=q.ROLE_COMMUNE, body_id=ubnd.id,
                    password=CLERK_PASSWORD, must_change=False)
    clerk = app.test_client()
    assert login(clerk, "vanthu.xa", CLERK_PASSWORD).status_code == 302
    assert clerk.get("/mau-rieng/").status_code == 404
    assert "Mẫu riêng" not in clerk.get("/").text
