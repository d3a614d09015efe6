"""The register of outgoing documents ("Sổ văn bản đi"): drafts, and the issuing of numbers.

ND30: a body numbers its documents from 01 on 1 January, each number once, with no gap,
within the year. `issue_number` allocates the number, renders the document with it and
stores the file in ONE transaction: if rendering fails, the number is not consumed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .. import documents, prepare, schema
from ..errors import InputError, UserError
from ..vietnamese import doc_symbol, fold, short_date, slug
from . import competence
from .accounts import Scope
from .models import STATUS_DRAFT, STATUS_ISSUED, Body, Counter, Document, DocumentUnit, Unit, utcnow
from .signatures import refuse_if_signed


# `render(kind, data, parsed=…)` -> DOCX bytes; `parsed` is `data` validated for `kind`
# (pass `docgen.render_document`, which then does not validate it again).
Render = Callable[..., bytes]


def _symbol(kind: str, parsed, body: Body, number: int | None) -> str:
    record = documents.get(kind)
    if record.abbreviation is None:
        return ""
    issuer = getattr(parsed, "issuer", None)
    abbr = issuer.abbreviation if issuer is not None else body.abbreviation
    return doc_symbol(number, record.abbreviation, abbr).strip()


def _link_units(session: Session, doc: Document, parsed, *, new: bool = False,
                scope: Scope | None = None) -> None:
    """Link the stored units a document lists, matched by name among the units `scope`
    (the author's; None: every unit) reaches: for each name, the body's own unit; else
    those of its area (`_area`: the bodies under it and beside it in its place, and the
    units of its commune); else every unit of that name. So a namesake in another commune
    never joins a draft that has one nearer."""
    if not new:
        session.execute(delete(DocumentUnit).where(DocumentUnit.document_id == doc.id))
    keys = {fold(u.name) for u in getattr(parsed, "units", None) or () if hasattr(u, "name")}
    if not keys:
        return
    found: dict[str, list] = {}
    for row in session.execute(select(Unit.id, Unit.body_id, Unit.commune, Unit.name_key)
                               .where(Unit.name_key.in_(sorted(keys)))):
        # A commune's author: another commune's unit of the same name is never linked (its
        # owner could no longer delete it, and the link would tell which names exist).
        if scope is None or scope.unit(row):
            found.setdefault(row.name_key, []).append(row)
    area, links = None, []
    for rows in found.values():
        chosen = [row for row in rows if row.body_id == doc.body_id]
        if not chosen and len(rows) > 1:
            area = area or _area(session, doc.body_id)
            chosen = [row for row in rows if area.unit(row)]
        # None of them near the body: every namesake, so the competence check names them.
        links += [{"document_id": doc.id, "unit_id": row.id} for row in chosen or rows]
    if links:
        session.execute(insert(DocumentUnit.__table__), links)


def _area(session: Session, body_id: int) -> Scope:
    """Where a body's documents look for the units they list: the bodies under it and under
    the bodies of its place (the police beside the People's Committee), and the units of
    its commune — the reach `accounts.scope_for` gives its clerk, widened to its place."""
    bodies = session.execute(select(Body.id, Body.parent_id, Body.place, Body.commune)).all()
    me = next(b for b in bodies if b.id == body_id)
    ids = {b.id for b in bodies if b.id == body_id or (me.place and b.place == me.place)}
    todo = list(ids)
    children: dict[int, list[int]] = {}
    for b in bodies:
        if b.parent_id is not None:
            children.setdefault(b.parent_id, []).append(b.id)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in ids:
                ids.add(child)
                todo.append(child)
    return Scope(frozenset(ids), fold(me.commune) if me.commune else "")


def canonical_input(kind: str, data: dict) -> str:
    """The register's stored form of an input of `kind`: `data` validated, then
    serialised canonically (`schema.dump`, JSON). Migrates a row stored before the
    register kept canonical inputs (raw form data); InputError if it does not validate."""
    _, parsed = prepare(kind, data)
    return _serialise(parsed)


def _serialise(parsed) -> str:
    return json.dumps(schema.dump(parsed), ensure_ascii=False)


def _stored_input(kind: str, stored: str):
    """The validated input a register row holds, rebuilt from its canonical form without
    validating it again; a row stored before canonical inputs is validated once."""
    data = json.loads(stored)
    cls = documents.get(kind).input
    try:
        parsed = schema.load(cls, data)
        if schema.dump(parsed) == data:
            return parsed
    except (KeyError, TypeError, ValueError, AttributeError):
        pass
    return schema.parse(cls, data)


def _checked_render(kind: str, data: dict, render: Render, parsed=None):
    """Validate and render `data` (no database work): (kind record, parsed input, DOCX).
    `parsed`, when the caller has it, is `data` already validated for `kind`."""
    record = documents.get(kind)  # an unknown kind is a UserError from the registry
    if data.get("number") not in (None, ""):
        raise InputError([("number", "Văn bản mới được lưu là dự thảo, chưa có số: hãy để "
                                     "trống số văn bản và dùng «Cấp số» sau khi ký")])
    if parsed is None:
        record, parsed = prepare(kind, data)
    return record, parsed, render(kind, data, parsed=parsed)


def _fill(session: Session, doc: Document, body: Body, data: dict, rendered,
          scope: Scope | None = None) -> None:
    new = doc.id is None
    record, parsed, docx = rendered
    doc.docx = docx
    doc.input_json = _serialise(parsed)  # the validated input, never the raw form data
    doc.summary = record.summary(parsed)[:500]
    signer = getattr(parsed, "signer", None)
    doc.signer_name = signer.name if signer is not None else ""
    doc.symbol = _symbol(doc.kind, parsed, body, None)
    session.add(doc)  # only now: a refused input leaves nothing pending in the session
    session.flush()
    _link_units(session, doc, parsed, new=new, scope=scope)
    _check_competence(session, doc, body, parsed)


def _check_competence(session: Session, doc: Document, body: Body, parsed) -> None:
    """Refuse a draft listing units its issuer may not decide (or units out of scope):
    InputError on «units», one message per unit naming who decides it. The caller's
    transaction rolls the draft back."""
    if doc.kind not in competence.CHECKED_KINDS or getattr(parsed, "year", None) is None:
        return
    units = list(session.scalars(select(Unit).join(DocumentUnit, DocumentUnit.unit_id == Unit.id)
                                 .where(DocumentUnit.document_id == doc.id).order_by(Unit.id)))
    problems = competence.document_problems(session, body, doc.kind, parsed.year, units)
    if problems:
        raise competence.NotCompetent(body, problems)


def create_document(session: Session, *, kind: str, body_id: int, data: dict, created_by: str,
                    render: Render, parsed=None, scope: Scope | None = None) -> Document:
    """Register a draft of `kind` for `body_id`: validated, rendered with
    `render(kind, data, parsed=…)` (pass `docgen.render_document`), number None, its input
    stored in canonical form (`canonical_input`). InputError if `data` is invalid.
    `parsed`: the result of `schema.parse` of `data` for `kind`, if the caller already has
    it (the web form validates before saving); the register's summary and links use it.
    `scope`: the author's; the units listed are linked only within it (None: anywhere)."""
    data = dict(data)
    # Validate and render before the first statement: on SQLite that statement takes the
    # write lock, which other writers would otherwise wait on during the render. A
    # failure is raised after the body check, in the order the checks always had.
    try:
        rendered, failure = _checked_render(kind, data, render, parsed), None
    except Exception as exc:
        rendered, failure = None, exc
    body = session.get(Body, body_id)
    if body is None:
        raise UserError(f"Không tìm thấy cơ quan (mã {body_id})")
    if failure is not None:
        raise failure
    doc = Document(body_id=body_id, kind=kind, year=dt.date.today().year, number=None,
                   status=STATUS_DRAFT, created_by=(created_by or "")[:100], created_at=utcnow())
    _fill(session, doc, body, data, rendered, scope)
    return doc


def update_document(session: Session, document_id: int, *, data: dict, render: Render,
                    scope: Scope | None = None) -> Document:
    """Replace a draft's input and file; an issued document is never changed. `scope`: as
    for create_document."""
    doc = _document(session, document_id)
    refuse_if_signed(session, doc, "sửa")
    if doc.is_issued:
        raise UserError(f"Văn bản số {doc.symbol} đã cấp số: không được sửa; hãy soạn văn bản "
                        "mới nếu cần thay thế")
    data = dict(data)
    _fill(session, doc, doc.body, data,
          _checked_render(doc.kind, data, _with_template(session, doc, render)), scope)
    return doc


def _with_template(session: Session, doc: Document, render: Render) -> Render:
    """`render` with the district's own template the document was made with, if any."""
    from .own_templates import template_of
    template = template_of(session, doc)
    if template is None:
        return render
    return lambda kind, data, **kw: render(kind, data, template=template, **kw)


def _document(session: Session, document_id: int, *, lock: bool = False) -> Document:
    query = select(Document).where(Document.id == document_id)
    doc = session.scalar(query.with_for_update() if lock else query)
    if doc is None:
        raise UserError(f"Không tìm thấy văn bản (mã {document_id}) trong sổ văn bản đi")
    return doc


def next_number(session: Session, body_id: int, year: int) -> int:
    """Increment and return the body's counter for `year` in one atomic statement.

    SQLite and PostgreSQL: INSERT … ON CONFLICT DO UPDATE SET last = last + 1 RETURNING
    last; the row lock (PostgreSQL) or the write lock (SQLite, BEGIN IMMEDIATE) makes a
    second writer wait until the first commits or rolls back.
    """
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite_insert if dialect == "sqlite" else pg_insert
        stmt = insert(Counter).values(body_id=body_id, year=year, last=1)
        stmt = stmt.on_conflict_do_update(index_elements=[Counter.body_id, Counter.year],
                                          set_={"last": Counter.last + 1})
        return session.execute(stmt.returning(Counter.last)).scalar_one()
    result = session.execute(update(Counter).where(Counter.body_id == body_id,
                                                   Counter.year == year)
                             .values(last=Counter.last + 1))
    if result.rowcount == 0:
        session.add(Counter(body_id=body_id, year=year, last=1))
        session.flush()
    return session.scalar(select(Counter.last).where(Counter.body_id == body_id,
                                                     Counter.year == year))


@contextlib.contextmanager
def _transaction(target) -> Iterator[Session]:
    if hasattr(target, "session"):  # a Store: BEGIN IMMEDIATE on SQLite
        with target.session() as session:
            yield session
    else:  # a sessionmaker or any callable returning a Session
        with target() as session, session.begin():
            yield session


# Vietnam is UTC+7: a server kept on UTC reaches the clerk's date seven hours late.
VIETNAM = dt.timezone(dt.timedelta(hours=7), "ICT")


def today() -> dt.date:
    """The latest date anyone may issue on: today here, or already today in Vietnam."""
    return max(dt.date.today(), dt.datetime.now(VIETNAM).date())


def issue_number(target, document_id: int, *, issued_on: dt.date, render: Render,
                 then: Callable[[Session, Document], None] | None = None,
                 latest: dt.date | None = None) -> Document:
    """Give a draft the next number of its body for the year of `issued_on`, render it with
    that number and date, and store it — all in one transaction on `target` (a Store or a
    session factory). If `render` raises, nothing is stored and the number stays free.
    `then(session, document)`, if given, runs last in the same transaction (the web form
    records the issuing in the audit trail there: both are stored or neither).
    A date after `latest` (None: `today()`) is refused: numbers follow the dates, so one
    future date would leave the body no number to give before it for the rest of the year."""
    if not isinstance(issued_on, dt.date):
        raise InputError([("issued_on", "Ngày ban hành không hợp lệ")])
    if isinstance(issued_on, dt.datetime):
        issued_on = issued_on.date()
    latest = latest or today()
    with _transaction(target) as session:
        doc = _document(session, document_id, lock=True)
        refuse_if_signed(session, doc, "cấp số lại")
        if doc.is_issued:
            raise UserError(f"Văn bản này đã được cấp số {doc.symbol} ngày "
                            f"{short_date(doc.issued_on)}; không cấp số lần nữa")
        record = documents.get(doc.kind)
        if record.abbreviation is None:
            raise UserError(f"{record.label} không phải văn bản của cơ quan nên không cấp số "
                            "trong sổ văn bản đi")
        if issued_on > latest:
            raise InputError([("issued_on", (
                f"Ngày ban hành {short_date(issued_on)} sau ngày hôm nay "
                f"({short_date(latest)}): không cấp số trước ngày ký. Nếu cấp, mọi số sau "
                f"của {doc.body.name} năm {issued_on.year} chỉ được mang ngày từ "
                f"{short_date(issued_on)} trở đi (số văn bản theo thứ tự ngày ban hành), nên "
                "sổ văn bản bị khóa đến ngày đó. Hãy cấp số vào ngày văn bản được ký."))])
        later = session.scalar(select(Document).where(
            Document.body_id == doc.body_id, Document.year == issued_on.year,
            Document.status == STATUS_ISSUED, Document.issued_on > issued_on)
            .order_by(Document.issued_on.desc()).limit(1))
        if later is not None:
            raise UserError(f"Ngày ban hành {short_date(issued_on)} sớm hơn văn bản số "
                            f"{later.symbol} đã cấp ngày {short_date(later.issued_on)}: số văn "
                            "bản phải theo thứ tự thời gian ban hành")
        number = next_number(session, doc.body_id, issued_on.year)
        try:  # the stored input is already valid: only the number and the date change
            parsed = dataclasses.replace(_stored_input(doc.kind, doc.input_json),
                                         number=number, date=issued_on)
        except ValueError as exc:  # a cross-field rule of the input (the date's year)
            raise InputError([("", str(exc))]) from None
        symbol = _symbol(doc.kind, parsed, doc.body, number)
        _refuse_repeated(session, doc, number, symbol, issued_on.year)
        docx = _with_template(session, doc, render)(doc.kind, schema.dump(parsed), parsed=parsed)
        doc.docx, doc.input_json = docx, _serialise(parsed)
        doc.number, doc.issued_on, doc.year = number, issued_on, issued_on.year
        doc.symbol = symbol
        doc.status = STATUS_ISSUED
        session.flush()
        if then is not None:
            then(session, doc)
    return doc


def _refuse_repeated(session: Session, doc: Document, number: int, symbol: str,
                     year: int) -> None:
    """UserError when the body already issued `number` or `symbol` in `year` (ND30 Phụ lục
    VI: a repeated number + symbol + body is refused) — a counter behind the register, as
    after a restore of an older counter table. The caller's transaction rolls back."""
    clash = session.scalar(select(Document).where(
        Document.body_id == doc.body_id, Document.year == year, Document.id != doc.id,
        Document.status == STATUS_ISSUED,
        or_(Document.number == number, func.lower(Document.symbol) == symbol.lower()))
        .order_by(Document.number).limit(1))
    if clash is not None:
        raise UserError(f"Số, ký hiệu {symbol} của {doc.body.name} năm {year} đã cấp cho văn "
                        f"bản «{clash.summary}» ngày {short_date(clash.issued_on)} (số "
                        f"{clash.symbol}): không cấp trùng số, ký hiệu. Bộ đếm số của cơ quan "
                        "đang thấp hơn số đã cấp trong sổ; hãy báo người quản trị kiểm tra sổ "
                        "văn bản đi.")


def list_documents(session: Session, body_id: int | None = None, year: int | None = None, *,
                   kind: str | None = None, status: str | None = None,
                   body_ids: frozenset[int] | None = None) -> list[Document]:
    """The register, newest first: drafts, then issued documents by number descending
    (of `body_id`, else of `body_ids` when given). The DOCX and the input are loaded only
    when read."""
    query = select(Document).order_by(Document.year.desc(), Document.number.desc().nulls_first(),
                                      Document.id.desc())
    if body_id is not None:
        query = query.where(Document.body_id == body_id)
    elif body_ids is not None:
        query = query.where(Document.body_id.in_(sorted(body_ids)))
    if year is not None:
        query = query.where(Document.year == year)
    if kind:
        query = query.where(Document.kind == kind)
    if status:
        query = query.where(Document.status == status)
    return list(session.scalars(query))


def get_document(session: Session, document_id: int) -> Document | None:
    return session.get(Document, document_id)


def document_input(doc: Document) -> dict:
    """The stored input of a document in canonical form (`schema.dump` of the validated
    input, with its number and date once issued)."""
    return json.loads(doc.input_json)


def delete_document(session: Session, document_id: int) -> None:
    """Delete a draft; an issued document stays in the register for good."""
    doc = _document(session, document_id)
    refuse_if_signed(session, doc, "xóa khỏi sổ văn bản đi")
    if doc.is_issued:
        raise UserError(f"Văn bản số {doc.symbol} đã cấp số: không được xóa khỏi sổ văn bản đi")
    session.delete(doc)
    session.flush()


def download_name(doc: Document, extension: str = "docx") -> str:
    """A file name for downloads: "decision-15-qd-ubnd-2023.docx", "decision-du-thao-7.docx"."""
    tail = f"{doc.symbol}-{doc.year}" if doc.number else f"du-thao-{doc.id}"
    return f"{doc.kind}-{slug(tail)}.{extension}"


def issued_count(session: Session, body_id: int, year: int) -> int:
    return session.scalar(select(func.count()).where(
        Document.body_id == body_id, Document.year == year, Document.status == STATUS_ISSUED))
