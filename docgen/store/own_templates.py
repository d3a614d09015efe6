"""A district's own templates: DOCX versions of a kind's template, for one body or for all
bodies, checked before they are accepted and kept for good (`TemplateVersion`).

A version is accepted only when it renders with the body's real data (the kind's input
pre-filled from the store, else the shipped sample), uses no variable the kind does not
provide, uses every variable the kind needs (`required_variables`) and the rendered
document has no ND30 finding. Rendering a body's document uses the body's active version,
else the active version for all bodies, else the shipped template (`resolve`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import zipfile

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .. import documents, nd30, prepare, render
from ..errors import UserError
from ..samples import load_sample, sample_path
from .models import Assessment, Body, Document, TemplateVersion, Unit, utcnow
from .plan_prefill import plan_input
from .prefill import decision_input, proposal_input, report_input

MAX_BYTES = 10 * 1024 * 1024   # an uploaded template larger than this is refused unread

# Variables a template of a kind must use when its shipped template does (what makes the
# document the kind's document), with what the message calls them.
ESSENTIAL = {
    "number_line": "số và ký hiệu văn bản",
    "place_date": "địa danh và ngày ban hành",
    "issuer": "tên cơ quan ban hành",
    "signer": "người ký",
    "groups": "danh sách đơn vị theo loại hình",
    "criteria": "các tiêu chí đăng ký",
    "full_name": "họ và tên người cam kết",
    "id_number": "số định danh cá nhân",
    "commitments": "các nội dung cam kết",
}

_PREFILL = {"plan": plan_input, "decision": decision_input, "report": report_input,
            "proposal": proposal_input}


class TemplateRefused(UserError):
    """An uploaded template that would fail: `problems` lists why, in Vietnamese."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("Mẫu không được nhận: " + "; ".join(self.problems))


@dataclasses.dataclass
class Checked:
    """What checking a template found: `problems` (it is refused when any), `notes` (what
    the data used for the check was), and the document rendered with it (None if none)."""

    problems: list[str]
    notes: list[str]
    preview: bytes | None = None


def required_variables(kind: str) -> dict[str, str]:
    """The variables a template of `kind` must use, with their Vietnamese description:
    those of ESSENTIAL that the shipped template uses."""
    shipped = render.template_variables(documents.get(kind).template)
    return {name: label for name, label in ESSENTIAL.items() if name in shipped}


def example_input(session: Session, kind: str, body_id: int | None, year: int):
    """(parsed input, note) for checking a template: the kind's input pre-filled for the
    body and year from the store, else the shipped sample (the note says which)."""
    body = session.get(Body, body_id) if body_id else None
    prefill = _PREFILL.get(kind)
    if prefill and body is not None:
        try:
            data = prefill(session, body.id, year)[0]
            return prepare(kind, data)[1], f"dữ liệu thật của {body.name} năm {year}"
        except UserError:
            pass
    if not sample_path(kind).exists():
        raise UserError(f"Chưa có dữ liệu để thử mẫu của loại văn bản «{kind}»")
    return prepare(kind, load_sample(kind))[1], "dữ liệu mẫu của docgen"


def _issued(parsed):
    """The input as it is when issued (a number and a date), if the kind has those."""
    fields = {f.name for f in dataclasses.fields(parsed)}
    if {"number", "date"} <= fields:
        try:
            return dataclasses.replace(parsed, number=1, date=getattr(parsed, "date", None)
                                       or dt.date.today())
        except (TypeError, ValueError):
            return None
    return None


def check(session: Session, kind: str, body_id: int | None, data: bytes, *, year: int,
          name: str = "mẫu tải lên") -> Checked:
    """Check an uploaded DOCX as a template of `kind` for `body_id` (None: all bodies: it is
    rendered with every body's data). Never raises for a bad template: see `problems`."""
    record = documents.get(kind)
    if len(data) > MAX_BYTES:
        return Checked([f"Tệp «{name}» lớn hơn {MAX_BYTES // (1024 * 1024)} MB"], [])
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return Checked([f"Tệp «{name}» không phải tệp DOCX (Word) hợp lệ"], [])
    template = render.OwnTemplate(name, data)
    try:
        used = render.template_variables(template)
    except UserError as exc:
        return Checked([exc.message], [])
    except Exception:  # a ZIP that is no Word document: python-docx's own errors
        return Checked([f"Tệp «{name}» không phải tệp DOCX (Word) hợp lệ"], [])
    problems: list[str] = []
    bodies = [body_id] if body_id else list(session.scalars(select(Body.id).order_by(Body.id)))
    preview, notes, tried = None, [], set()
    provided: set[str] = set()
    examples = []
    for one in bodies or [None]:
        try:
            parsed, note = example_input(session, kind, one, year)
        except UserError as exc:   # a kind with neither data in the store nor a sample
            return Checked([exc.message], [])
        if note not in tried:   # the sample is tried once, not once per body without data
            tried.add(note)
            examples.append((parsed, note))
            provided |= set(record.context(parsed))
    unknown = sorted(used - provided)
    if unknown:   # rendering would only say the same again
        examples = []
        problems.append("Mẫu dùng biến mà loại văn bản này không có: "
                        + ", ".join(f"«{v}»" for v in unknown))
    for parsed, note in examples:
        for variant in filter(None, [parsed, _issued(parsed)]):
            try:
                docx = render.render(template, record.context(variant))
            except UserError as exc:
                problems.append(f"Không kết xuất được với {note}: {exc.message}")
                break
            if preview is None:
                preview, notes = docx, [f"Bản xem trước dùng {note}."]
        if problems:
            break
    missing = [f"«{v}» ({label})" for v, label in required_variables(kind).items()
               if v not in used]
    if missing:
        problems.append("Mẫu thiếu biến bắt buộc: " + ", ".join(missing))
    if preview is not None and not problems:
        for finding in nd30.check(preview):
            problems.append(f"Sai thể thức Nghị định 30: {finding.message} [{finding.location}]")
    return Checked(problems, notes, None if problems else preview)


def upload(session: Session, *, kind: str, body_id: int | None, data: bytes, filename: str,
           uploaded_by: str, year: int) -> tuple[TemplateVersion, Checked]:
    """Check and store a new version (not yet active); TemplateRefused when it would fail."""
    checked = check(session, kind, body_id, data, year=year, name=filename)
    if checked.problems:
        raise TemplateRefused(checked.problems)
    last = session.scalar(select(func.max(TemplateVersion.version)).where(
        TemplateVersion.kind == kind, _same_body(body_id)))
    version = TemplateVersion(
        kind=kind, body_id=body_id, version=(last or 0) + 1, filename=filename[:200],
        uploaded_by=uploaded_by[:100], uploaded_at=utcnow(),
        sha256=hashlib.sha256(data).hexdigest(), active=False, docx=data,
        findings="Không có lỗi thể thức; " + " ".join(checked.notes))
    session.add(version)
    session.flush()
    return version, checked


def _same_body(body_id: int | None):
    return TemplateVersion.body_id.is_(None) if body_id is None \
        else TemplateVersion.body_id == body_id


def activate(session: Session, version_id: int) -> TemplateVersion:
    """Make a version the one used for its kind and body (the others of that pair stop)."""
    version = get_version(session, version_id)
    if version is None:
        raise UserError(f"Không tìm thấy mẫu riêng (mã {version_id})")
    use_shipped(session, version.kind, version.body_id)
    version.active = True
    session.flush()
    return version


def use_shipped(session: Session, kind: str, body_id: int | None) -> None:
    """Go back to the shipped template for the kind and body (every version kept)."""
    session.execute(update(TemplateVersion).where(
        TemplateVersion.kind == kind, _same_body(body_id)).values(active=False))


def get_version(session: Session, version_id: int) -> TemplateVersion | None:
    return session.get(TemplateVersion, version_id)


def list_versions(session: Session, kind: str | None = None) -> list[TemplateVersion]:
    """Every version, by kind, then all bodies first, then newest first."""
    query = select(TemplateVersion).order_by(
        TemplateVersion.kind, TemplateVersion.body_id.is_not(None), TemplateVersion.body_id,
        TemplateVersion.version.desc())
    if kind:
        query = query.where(TemplateVersion.kind == kind)
    return list(session.scalars(query))


def active_version(session: Session, kind: str, body_id: int | None) -> TemplateVersion | None:
    """The version a new document of `kind` for `body_id` uses: the body's active one, else
    the one for all bodies; None: the shipped template."""
    rows = session.scalars(select(TemplateVersion).where(
        TemplateVersion.kind == kind, TemplateVersion.active.is_(True),
        (TemplateVersion.body_id == body_id) | TemplateVersion.body_id.is_(None)))
    return min(rows, key=lambda v: v.body_id is None, default=None)


def as_template(version: TemplateVersion | None) -> render.OwnTemplate | None:
    """The version as a template `render` accepts; None for the shipped template."""
    if version is None:
        return None
    return render.OwnTemplate(f"{version.filename or version.kind} ({version.label})",
                              version.docx)


def resolve(session: Session, kind: str, body_id: int | None
            ) -> tuple[int | None, render.OwnTemplate | None]:
    """(version id, template) for a new document of `kind` for `body_id`; (None, None)
    means the shipped template."""
    version = active_version(session, kind, body_id)
    return (version.id if version else None), as_template(version)


def template_of(session: Session, doc: Document) -> render.OwnTemplate | None:
    """The template a stored document was made with (None: the shipped one)."""
    if doc.template_version_id is None:
        return None
    return as_template(session.get(TemplateVersion, doc.template_version_id))


def body_latest_year(session: Session, body_id: int) -> int | None:
    """The latest year with outcomes of the units `body_id` decides (None: none)."""
    return session.scalar(select(func.max(Assessment.year)).join(
        Unit, Unit.id == Assessment.unit_id).where(Unit.body_id == body_id))


def preview(session: Session, version: TemplateVersion | None, kind: str,
            body_id: int | None, year: int) -> tuple[bytes, str]:
    """(DOCX, note): a document of `kind` rendered with `version` (None: the shipped
    template) and the body's real data for `year`; the note says whose data it is."""
    record = documents.get(kind)
    parsed, note = example_input(session, kind, body_id, year)
    template = as_template(version) or record.template
    return render.render(template, record.context(parsed)), note


def documents_made_with(session: Session, version_id: int) -> int:
    """How many documents of the register were made with the version."""
    return session.scalar(select(func.count()).where(Document.template_version_id == version_id))
