"""«Ký số» in the web form (issue 15): the district uploads the signature and seal images,
an issued decision is signed as the person then as the organisation with keys of a test CA,
the register keeps the signed PDF (pyHanko's validation and poppler's `pdfsig` agree), and a
signed document never changes again. Flask test client on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from docgen import render_document, signing, store as q
from docgen.errors import UserError
from docgen.store import signatures as sig
from docgen.store.models import AuditEntry, Document
from helpers import ADMIN_PASSWORD, have, login
from signing_ca import PASSWORD, Authority, make_images

pytestmark = pytest.mark.skipif(
    not (have("soffice") and have("pdftotext") and have("pdfsig") and have("pdftoppm")),
    reason="LibreOffice or poppler-utils is not installed")

SIGNER = "Lò Văn Hùng"  # the district UBND's signer of the sample decision
BODY = "ỦY BAN NHÂN DÂN HUYỆN QUAN SƠN"
CLERK_PASSWORD = "mat-khau-van-thu-xa-1"
ISSUED_ON = dt.date(2023, 1, 10)  # the 2022 decision's year, or the year after


@pytest.fixture(scope="module")
def ca(tmp_path_factory):
    authority = Authority(tmp_path_factory.mktemp("ca"))
    paths = {name: authority.issue(cn, f"{name}.p12", **kw)[0] for name, cn, kw in (
        ("person", SIGNER, {}), ("body", BODY, {}),
        ("expired", SIGNER, {"days": (-400, -10)}), ("stranger", "Người Khác", {}))}
    return authority, paths


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    return {k: v.read_bytes() for k, v in make_images(tmp_path_factory.mktemp("img")).items()}


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    """The app on a SQLite file with the sample district, a commune clerk and viewer of Na
    Mèo, and issued decisions of the district's UBND and of Na Mèo's."""
    from webform import create_app
    folder = tmp_path_factory.mktemp("web")
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": True, "ADMIN_PASSWORD":
                      ADMIN_PASSWORD, "INSTANCE_PATH": str(folder / "instance")})
    db = app.extensions["docgen_store"]
    ids = {}
    with db.session() as s:
        bodies = {b.name: b for b in q.list_bodies(s)}
        ids["ubnd"] = bodies["Ủy ban nhân dân huyện Quan Sơn"].id
        ids["namao"] = bodies["Ủy ban nhân dân xã Na Mèo"].id
        ids["signer"] = next(x.id for x in q.list_signers(s, ids["ubnd"]) if x.name == SIGNER)
        for name, role in (("vanthu.namao", q.ROLE_COMMUNE), ("xem.namao", q.ROLE_VIEWER)):
            q.save_user(s, username=name, role=role, body_id=ids["namao"],
                        password=CLERK_PASSWORD, must_change=False)
        drafts = {}
        for key, body in (("doc", "ubnd"), ("spare", "ubnd"), ("own", "namao")):
            data = q.decision_input(s, ids[body], 2022).data
            drafts[key] = q.create_document(s, kind="decision", body_id=ids[body], data=data,
                                            created_by="admin", render=render_document).id
    for key, doc_id in drafts.items():
        q.issue_number(db, doc_id, issued_on=ISSUED_ON, render=render_document)
        ids[key] = doc_id
    yield app, db, ids
    db.dispose()


def client_of(app, username="admin", password=ADMIN_PASSWORD):
    client = app.test_client()
    assert login(client, username, password).status_code == 302
    return client


def token(client, url: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).text)[1]


def upload(client, url: str, png: bytes, name="anh.png", **fields):
    return client.post(url, data={"csrf_token": token(client, url),
                                  "image": (io.BytesIO(png), name), **fields},
                       content_type="multipart/form-data")


def sign(client, doc_id: int, role: str, key: Path, password: str = PASSWORD):
    url = f"/so-van-ban/{doc_id}/ky-so"
    return client.post(url, data={"csrf_token": token(client, url), "role": role,
                                  "key_file": (io.BytesIO(key.read_bytes()), key.name),
                                  "key_password": password},
                       content_type="multipart/form-data")


@pytest.fixture(scope="module")
def with_images(web, images):
    app, db, ids = web
    admin = client_of(app)
    signer_url = f"/co-quan/{ids['ubnd']}/nguoi-ky/{ids['signer']}/chu-ky"
    assert upload(admin, signer_url, images["signature"]).status_code == 302
    assert upload(admin, f"/co-quan/{ids['ubnd']}/con-dau", images["seal"],
                  diameter_mm="").status_code == 302
    return web


@pytest.fixture(scope="module")
def signed(with_images, ca):
    """The district's decision signed through the pages: the person, then the organisation."""
    app, db, ids = with_images
    _, keys = ca
    admin = client_of(app)
    first = sign(admin, ids["doc"], "person", keys["person"])
    assert first.status_code == 302, first.text
    with db.session(readonly=True) as s:
        once = sig.signed_pdf(s, ids["doc"])
    second = sign(admin, ids["doc"], "organisation", keys["body"])
    assert second.status_code == 302, second.text
    with db.session(readonly=True) as s:
        twice = sig.signed_pdf(s, ids["doc"])
        rows = [(r.role, r.signer_name, r.signed_by, r.sha256) for r in sig.signatures(
            s, ids["doc"])]
    return admin, once, twice, rows


def pdfsig(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "ky-so.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfsig", "-nocert", str(path)], capture_output=True, text=True)
    return re.findall(r"Signature Validation: (.+)", out.stdout)


# ---- the images -----------------------------------------------------------------------------

def test_images_not_as_nd30_wants_are_refused_naming_the_field(web, images):
    app, db, ids = web
    admin = client_of(app)
    signer_url = f"/co-quan/{ids['ubnd']}/nguoi-ky/{ids['signer']}/chu-ky"
    seal_url = f"/co-quan/{ids['ubnd']}/con-dau"
    opaque = upload(admin, signer_url, images["opaque"])
    assert opaque.status_code == 422
    assert "Ảnh chữ ký: ảnh PNG phải có nền trong suốt" in opaque.text
    jpeg = io.BytesIO()
    Image.open(io.BytesIO(images["signature"])).convert("RGB").save(jpeg, "JPEG")
    refused = upload(admin, signer_url, jpeg.getvalue(), "chu-ky.jpg")
    assert refused.status_code == 422 and "Ảnh chữ ký: phải là tệp PNG" in refused.text
    blue = upload(admin, seal_url, images["blue_seal"])
    assert blue.status_code == 422 and "Ảnh con dấu: phải màu đỏ" in blue.text
    red_signature = upload(admin, signer_url, images["seal"])
    assert red_signature.status_code == 422 and "Ảnh chữ ký: phải màu xanh" in red_signature.text
    size = upload(admin, seal_url, images["seal"], diameter_mm="năm mươi lăm")
    assert size.status_code == 422 and "Đường kính con dấu (mm): ghi số từ 30 đến 50" in size.text
    none = upload(admin, seal_url, b"", "")
    assert none.status_code == 422 and "Ảnh con dấu: chưa chọn tệp ảnh" in none.text
    with db.session(readonly=True) as s:
        assert sig.body_seal(s, ids["namao"]) is None
    assert upload(admin, f"/co-quan/{ids['namao']}/con-dau", images["seal"],
                  diameter_mm="38,5").status_code == 302
    with db.session(readonly=True) as s:
        assert sig.body_seal(s, ids["namao"]).diameter_mm == 38.5
    page = admin.get(f"/co-quan/{ids['namao']}/con-dau").text
    assert 'id="current-diameter">38.5<' in page
    assert admin.get(f"/co-quan/{ids['namao']}/con-dau.png").data == images["seal"]


def test_only_the_district_uploads_images(web, images):
    app, db, ids = web
    clerk = client_of(app, "vanthu.namao", CLERK_PASSWORD)
    viewer = client_of(app, "xem.namao", CLERK_PASSWORD)
    own = f"/co-quan/{ids['namao']}/con-dau"
    assert "Chỉ tài khoản cấp huyện tải ảnh lên" in clerk.get(own).text
    assert upload(clerk, own, images["seal"]).status_code == 403
    assert upload(viewer, own, images["seal"]).status_code == 403
    district = f"/co-quan/{ids['ubnd']}/nguoi-ky/{ids['signer']}/chu-ky"
    for client in (clerk, viewer):
        assert client.get(district).status_code == 404
        assert client.get(district + ".png").status_code == 404
        assert client.get(f"/co-quan/{ids['ubnd']}/con-dau").status_code == 404


# ---- signing --------------------------------------------------------------------------------

def test_person_then_organisation_signed_pdf_verifies_and_pdfsig_agrees(signed, ca, tmp_path):
    admin, once, twice, rows = signed
    authority, _ = ca
    assert [r[:3] for r in rows] == [("person", SIGNER, "admin"), ("organisation", BODY, "admin")]
    assert twice.startswith(once)  # the organisation's is an incremental update
    path = tmp_path / "ban-goc.pdf"
    path.write_bytes(twice)
    found = signing.verify(path, trust=[authority.root])
    assert [s.problems for s in found] == [[], []], [s.problems for s in found]
    assert pdfsig(twice, tmp_path) == ["Signature is Valid."] * 2
    assert pdfsig(once, tmp_path) == ["Signature is Valid."]
    assert b"PDF/A" in twice or b"pdfaid" in twice  # made by the PDF/A export


def test_the_signed_document_downloads_as_is_and_its_page_says_so(signed, web):
    admin, _, twice, rows = signed
    app, db, ids = web
    for url in (f"/so-van-ban/{ids['doc']}/ban-ky-so.pdf", f"/so-van-ban/{ids['doc']}/tai-ve.pdf"):
        response = admin.get(url)
        assert response.status_code == 200 and response.data == twice, url
    page = admin.get(f"/so-van-ban/{ids['doc']}").text
    assert "Đã ký số:" in page and "bản gốc điện tử đã ký" in page
    red = 0
    for image in re.findall(r'src="(/so-van-ban/\d+/trang-\d\.png[^"]*)"', page):
        with admin.get(image.replace("&amp;", "&")) as response:  # pdftoppm of the signed PDF
            assert response.mimetype == "image/png"
            raw = Image.open(io.BytesIO(response.get_data())).convert("RGB").tobytes()
            red += sum(1 for i in range(0, len(raw), 3)
                       if raw[i] > 150 and raw[i + 1] < 110 and raw[i + 2] < 110)
    assert red > 50  # the seal shows on the preview (the unsigned decision has no red)
    signing_page = admin.get(f"/so-van-ban/{ids['doc']}/ky-so").text
    assert 'id="fully-signed"' in signing_page and 'id="sign-form"' not in signing_page
    with db.session(readonly=True) as s:
        actions = [(a.action, a.detail) for a in s.scalars(select(AuditEntry).where(
            AuditEntry.action == "ký số"))]
    assert actions == [("ký số", f"người có thẩm quyền: {SIGNER}"),
                       ("ký số", f"cơ quan, tổ chức: {BODY}")]


def test_a_signed_document_refuses_every_change(signed, web):
    app, db, ids = web
    admin = signed[0]
    doc_id = ids["doc"]
    with pytest.raises(UserError, match="đã ký số.*văn bản mới"), db.session() as s:
        q.update_document(s, doc_id, data={}, render=render_document)
    with pytest.raises(UserError, match="đã ký số.*không được xóa"), db.session() as s:
        q.delete_document(s, doc_id)
    with pytest.raises(UserError, match="đã ký số.*cấp số lại"):
        q.issue_number(db, doc_id, issued_on=ISSUED_ON, render=render_document)
    # Any other path: the guard before every flush.
    with pytest.raises(UserError, match="đã ký số.*đổi số, ký hiệu"), db.session() as s:
        s.get(Document, doc_id).number = 999
    with pytest.raises(UserError, match="đã ký số"), db.session() as s:
        s.delete(s.get(Document, doc_id))
    page = admin.get(f"/so-van-ban/{doc_id}/xoa").text
    assert "đã ký số" in page and "Muốn đính chính, hãy soạn và ban hành một văn bản mới" in page
    again = sign(admin, doc_id, "person", Path(__file__))  # a second signature is refused
    assert again.status_code == 422 and "đã có chữ ký số của người có thẩm quyền" in again.text
    with db.session(readonly=True) as s:
        assert s.get(Document, doc_id).number != 999
        assert len(sig.signatures(s, doc_id)) == 2


def test_a_wrong_password_is_a_vietnamese_error_kept_nowhere(with_images, ca):
    app, db, ids = with_images
    admin = client_of(app)
    wrong = "mat-khau-sai-khong-luu"
    response = sign(admin, ids["spare"], "person", ca[1]["person"], wrong)
    assert response.status_code == 422
    assert "Sai mật khẩu của tệp khóa «person.p12»" in response.text
    assert wrong not in response.text
    cookie = admin.get_cookie(app.config["SESSION_COOKIE_NAME"])
    serializer = app.session_interface.get_signing_serializer(app)
    assert wrong not in repr(serializer.loads(cookie.value))  # nor in the session
    with db.session(readonly=True) as s:
        assert sig.signatures(s, ids["spare"]) == []
        assert not [a for a in s.scalars(select(AuditEntry)) if wrong in a.detail]


def test_an_expired_or_someone_elses_certificate_is_refused(with_images, ca):
    app, db, ids = with_images
    admin = client_of(app)
    expired = sign(admin, ids["spare"], "person", ca[1]["expired"])
    assert expired.status_code == 422
    assert f"Chứng thư số của «{SIGNER}» đã hết hạn ngày" in expired.text
    stranger = sign(admin, ids["spare"], "person", ca[1]["stranger"])
    assert stranger.status_code == 422
    assert "là của «Người Khác», không phải của người ký văn bản «Lò Văn Hùng»" in stranger.text
    early = sign(admin, ids["spare"], "organisation", ca[1]["body"])
    assert early.status_code == 422 and "chưa có chữ ký số của người có thẩm quyền" in early.text
    with db.session(readonly=True) as s:
        assert sig.signatures(s, ids["spare"]) == []


def test_signing_needs_the_signer_image(web, ca):
    app, db, ids = web
    clerk = client_of(app, "vanthu.namao", CLERK_PASSWORD)
    page = clerk.get(f"/so-van-ban/{ids['own']}/ky-so")
    assert page.status_code == 200 and 'id="missing-image"' in page.text
    response = sign(clerk, ids["own"], "person", ca[1]["person"])
    assert response.status_code == 422 and "Chưa có ảnh chữ ký của người ký" in response.text


def test_roles_on_the_signing_routes(signed, web, ca):
    """A clerk or viewer of another body reaches nothing of the district's signed document;
    a viewer of the body may read but not sign; an unissued draft cannot be signed."""
    app, db, ids = web
    clerk = client_of(app, "vanthu.namao", CLERK_PASSWORD)
    viewer = client_of(app, "xem.namao", CLERK_PASSWORD)
    doc = ids["doc"]
    for client in (clerk, viewer):
        for url in (f"/so-van-ban/{doc}/ky-so", f"/so-van-ban/{doc}/ban-ky-so.pdf",
                    f"/so-van-ban/{doc}/tai-ve.pdf", f"/so-van-ban/{doc}/trang-1.png"):
            assert client.get(url).status_code == 404, url
    assert sign(clerk, doc, "organisation", ca[1]["body"]).status_code == 404
    own = f"/so-van-ban/{ids['own']}/ky-so"
    assert 'id="sign-form"' not in viewer.get(own).text
    assert viewer.post(own, data={"csrf_token": token(viewer, own)}).status_code == 403
    assert clerk.get(f"/so-van-ban/{ids['own']}/ban-ky-so.pdf").status_code == 404  # unsigned
    with db.session() as s:
        data = q.decision_input(s, ids["namao"], 2022).data
        draft = q.create_document(s, kind="decision", body_id=ids["namao"], data=data,
                                  created_by="admin", render=render_document).id
    response = sign(clerk, draft, "person", ca[1]["person"])
    assert response.status_code == 422 and "Văn bản chưa cấp số" in response.text


def test_a_seal_without_resolution_is_40_mm_and_one_with_it_keeps_its_size(web, images):
    plain = io.BytesIO()
    Image.open(io.BytesIO(images["seal"])).save(plain, "PNG")  # no pHYs chunk
    assert sig.seal_diameter("", Image.open(plain)) == 40.0
    assert sig.seal_diameter("", Image.open(io.BytesIO(images["seal"]))) == 40.0  # 472 px/300
    assert sig.seal_diameter(" 36 ") == 36.0
    wide = io.BytesIO()
    Image.open(io.BytesIO(images["seal"])).save(wide, "PNG", dpi=(285, 285))
    assert sig.seal_diameter(None, Image.open(wide)) == pytest.approx(42.1, abs=0.05)


def test_a_signing_request_too_large_for_memory_is_refused_before_it_is_read(with_images):
    app, db, ids = with_images
    admin = client_of(app)
    url = f"/so-van-ban/{ids['spare']}/ky-so"
    response = admin.post(url, data={"csrf_token": token(admin, url), "role": "person",
                                     "key_file": (io.BytesIO(b"0" * 200_000), "lon.p12"),
                                     "key_password": PASSWORD},
                          content_type="multipart/form-data")
    assert response.status_code == 413 and "Yêu cầu ký số lớn hơn 128 kB" in response.text
