"""Sổ văn bản đi: every generated document; drafts get their number with «Cấp số»."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

from flask import (Blueprint, flash, redirect, render_template, request, send_file,
                   url_for)
from flask_wtf import FlaskForm

from docgen import documents, exchange, render_document, store as q
from docgen.dossier import issue_findings
from docgen.errors import UserError
from docgen.jobs import NoWorker
from docgen.privacy import personal_detail
from docgen.store import signatures
from docgen.schema import parse_date
from docgen.store import STATUS_DRAFT, STATUS_ISSUED, listing

from . import (ALL_YEARS, Deletion, confirm_delete, dry_run, log, or_404, row_id, scope,
               short_quotes, store, visible, year_param)
from . import previews
from .paging import page_and_size
from .units import XLSX

bp = Blueprint("register", __name__, url_prefix="/so-van-ban",
               template_folder="../templates/register")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PERSONAL_KINDS = {"commitment"}  # kinds whose document holds a person's name and CCCD


def _register_year() -> int | None:
    """The register's year filter: every year unless one is asked for (the register's year
    is the year of numbering, not the year of work); a 400 page for one that is no year."""
    return year_param(default=lambda: None, all_years=True)


@bp.get("/")
def index():
    year = _register_year()
    kind = request.args.get("kind") if request.args.get("kind") in documents.KINDS else None
    body_id = request.args.get("body", type=row_id)
    if body_id is not None and not scope().body(body_id):
        or_404(None)
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    page, size = page_and_size()
    with store().session(readonly=True) as s:
        bodies = listing.bodies_seen(s, scope())
        years = sorted(set(listing.document_years(s, scope(), body_id))
                       | ({year} if year else set()), reverse=True)
        window = listing.paged(s, listing.documents_query(
            scope(), body_id=body_id, year=year, kind=kind, status=status), page, size)
        return render_template("register.html", docs=window.rows, window=window, bodies=bodies,
                               year=year, years=years, all_years=ALL_YEARS, kind=kind,
                               body_id=body_id, kinds=documents.KINDS, status=status,
                               statuses=STATUSES)


# The register's status filter (`?status=`): its values and labels.
STATUSES = {STATUS_ISSUED: "Đã cấp số", STATUS_DRAFT: "Dự thảo"}


def _issue_date(value) -> dt.date:
    """The date typed for «Cấp số», today (Vietnam) when blank; ValueError when no date."""
    return parse_date(value or q.numbering.today().isoformat())


def _warnings(doc, kind, issued_on: dt.date) -> list:
    """What issuing this draft on `issued_on` would leave wrong in its year's dossier."""
    if doc.is_issued or kind is None or not kind.abbreviation:
        return []
    with store().session(readonly=True) as s:
        return issue_findings(s, doc.id, issued_on)


@bp.get("/<int:doc_id>")
def show(doc_id: int):
    with store().session(readonly=True) as s:
        doc = visible(q.get_document(s, doc_id), scope().document)
        body = doc.body
        docx = doc.docx
        template = doc.template_version.label if doc.template_version else "mẫu gốc"
        signed = signatures.signed_pdf(s, doc_id)  # its preview shows the stamps
        signed_by = signatures.signatures(s, doc_id)
    kind = documents.KINDS.get(doc.kind)
    try:  # the date «Cấp số» was refused for comes back in the query string
        issued_on = _issue_date(request.args.get("issued_on"))
    except ValueError:
        issued_on = _issue_date(None)
    warnings = _warnings(doc, kind, issued_on) if scope().can_write else []
    pdf_ok = _pdf_available()
    pages, problem = 0, ""
    if pdf_ok:
        try:
            pages = len(_previews(signed or docx, pdf=signed is not None))
        except UserError as exc:  # poppler missing, LibreOffice failing: say so, keep the page
            problem = exc.message
    version = hashlib.sha256(signed or docx).hexdigest()[:12]  # new content, new image URLs
    return render_template("document.html", doc=doc, body=body, kind=kind, pages=pages,
                           version=version, today=q.numbering.today().isoformat(),
                           pdf_ok=pdf_ok, template=template, signed_by=signed_by,
                           preview_problem=problem, warnings=warnings,
                           issued_on=issued_on.isoformat())


def _docx(doc_id: int) -> tuple[bytes, str, str, str]:
    """The document's DOCX, its two download names, and what its audit entry says of the
    personal data it holds (a commitment form: one person's)."""
    data, names, personal, _ = _files(doc_id)
    return data, *names, personal


def _files(doc_id: int) -> tuple[bytes, tuple[str, str], str, bytes | None]:
    """As `_docx`, and the signed PDF (the electronic original) when it has been signed."""
    with store().session(readonly=True) as s:
        doc = visible(q.get_document(s, doc_id), scope().document)
        name = download_name(doc)
        personal = personal_detail(1) if doc.kind in PERSONAL_KINDS else ""
        return (doc.docx, (f"{name}.docx", f"{name}.pdf"), personal,
                signatures.signed_pdf(s, doc_id))


def download_name(doc) -> str:
    """The Vietnamese file name offered for a document, "Quyết định 01-QĐ-UBND năm 2023";
    Flask sends it as RFC 6266 filename* with an ASCII fallback."""
    kind = documents.KINDS.get(doc.kind)
    label = kind.label if kind else doc.kind
    tail = f"{doc.symbol.replace('/', '-')} năm {doc.year}" if doc.number else f"dự thảo {doc.id}"
    name = f"{label} {tail}"
    # Nothing that means something to a file system or a header survives.
    return "".join(c if c.isalnum() or c in " -_.()" else "-" for c in name).strip()[:150]


@bp.get("/<int:doc_id>/tai-ve.docx")
def download(doc_id: int):
    data, name, _, personal = _docx(doc_id)
    log("tải văn bản", name, personal)
    return send_file(io.BytesIO(data), mimetype=DOCX, as_attachment=True, download_name=name)


@bp.get("/<int:doc_id>/tai-ve.pdf")
def download_pdf(doc_id: int):
    data, (_, name), personal, signed = _files(doc_id)
    try:  # a signed document: byte for byte as signed; else made by a job
        pdf = signed or previews.document_pdf(doc_id)
    except NoWorker:
        raise  # the 503 page (webform.views.previews.no_worker)
    except UserError as exc:
        flash(exc.message + " Bạn vẫn tải được bản DOCX.", "error")
        return redirect(url_for(".show", doc_id=doc_id))
    log("tải văn bản", name, personal)
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=name)


@bp.get("/<int:doc_id>/trang-<int:page>.png")
def preview(doc_id: int, page: int):
    """A page of the document as an image, kept in the database (made on a miss)."""
    data, (name, _), personal, signed = _files(doc_id)
    try:
        pages = _previews(signed or data, pdf=signed is not None)
    except NoWorker:
        raise  # the 503 page, not a missing image
    except UserError:
        pages = []
    if not 1 <= page <= len(pages):
        or_404(None)
    if personal:  # the image shows the person's name and CCCD
        log("xem trước văn bản", name, f"trang {page}, {personal}")
    return send_file(io.BytesIO(pages[page - 1]), mimetype="image/png", max_age=3600)


_previews = previews.previews
_pdf_available = previews.available


@bp.post("/<int:doc_id>/cap-so")
def issue(doc_id: int):
    with store().session(readonly=True) as s:
        visible(q.get_document(s, doc_id), scope().document)
    if not FlaskForm().validate_on_submit():
        flash("Phiên làm việc đã hết hạn; hãy tải lại trang rồi bấm «Cấp số» lần nữa.", "error")
        return redirect(url_for(".show", doc_id=doc_id))
    try:
        issued_on = _issue_date(request.form.get("issued_on"))
        with store().session(readonly=True) as s:
            doc = q.get_document(s, doc_id)
        # A future date is refused by the register itself: no dossier warnings to confirm first.
        warnings = [] if issued_on > q.numbering.today() else \
            _warnings(doc, documents.KINDS.get(doc.kind), issued_on)
        # «Vẫn cấp số» confirms the warnings shown for this very date, not another one.
        if warnings and request.form.get("confirm") != issued_on.isoformat():
            flash(f"Chưa cấp số: hồ sơ năm có {len(warnings)} điểm cần xem lại nếu cấp số "
                  f"ngày {issued_on:%d/%m/%Y} (xem bên dưới). Sửa lại, hoặc bấm «Vẫn cấp số» "
                  "nếu đã kiểm tra.", "error")
            return redirect(url_for(".show", doc_id=doc_id, issued_on=issued_on.isoformat()))
        confirmed = f"; vẫn cấp số dù có {len(warnings)} cảnh báo hồ sơ" if warnings else ""
        doc = q.issue_number(
            store(), doc_id, issued_on=issued_on, render=render_document,
            then=lambda s, doc: log("cấp số", doc.symbol,
                                    f"ngày {issued_on:%d/%m/%Y}, văn bản {doc_id}{confirmed}",
                                    tx=s))
    except ValueError as exc:
        flash(short_quotes(f"Ngày ban hành: {exc}"), "error")
    except UserError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Đã cấp số {doc.symbol} ngày {issued_on:%d/%m/%Y}; văn bản đã được tạo lại với "
              "số và ngày này.", "success")
    return redirect(url_for(".show", doc_id=doc_id))


@bp.route("/<int:doc_id>/xoa", methods=["GET", "POST"])
def delete(doc_id: int):
    with store().session(readonly=True) as s:
        doc = visible(q.get_document(s, doc_id), scope().document)
        kind = documents.KINDS.get(doc.kind)
        what = f"dự thảo {kind.label if kind else doc.kind} (văn bản {doc_id}) của {doc.body.name}"
        linked = len(doc.units)
        summary = doc.summary
    deletion = Deletion(what, url_for(".show", doc_id=doc_id),
                        along=[f"nội dung đã nhập và bản DOCX của dự thảo «{summary}»"],
                        blocked=dry_run(lambda s: q.delete_document(s, doc_id)),
                        kept=[f"{linked} đơn vị mà dự thảo liệt kê và kết quả đánh giá của chúng "
                              "vẫn giữ nguyên; số văn bản chưa cấp nên không có số nào bị bỏ."])

    def delete_now():
        try:
            with store().session() as s:
                q.delete_document(s, doc_id)
                log("xóa dự thảo", f"văn bản {doc_id}", summary, tx=s)
        except UserError as exc:
            flash(exc.message, "error")
            return redirect(url_for(".show", doc_id=doc_id))
        flash("Đã xóa dự thảo.", "success")
        return redirect(url_for(".index"))
    return confirm_delete(deletion, delete_now)


@bp.get("/xuat.xlsx")
def export():
    year = _register_year()
    body_id = request.args.get("body", type=row_id)
    if body_id is not None and not scope().body(body_id):
        or_404(None)
    with store().session(readonly=True) as s:  # no ?body=: every body the register page lists
        data = exchange.export_register(s, body_id, year, body_ids=scope().body_ids)
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                     download_name="so-van-ban-di.xlsx")
