"""Bodies, signers and units: list, get, save (validated), delete (refused while
something still refers to the row). Every function takes an open Session and flushes; the
caller's `Store.session()` block commits."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from .. import domain, records, schema
from ..errors import InputError, UserError
from ..vietnamese import fold
from .models import Body, Document, DocumentUnit, Signer, Unit, User

if TYPE_CHECKING:
    from .accounts import Scope

# The fields of a body that decide what users see or which records a name resolves to:
# set by the district role only (field → its label on the form).
BODY_SCOPE_FIELDS = {"name": "Tên cơ quan", "place": "Địa danh", "commune": "Thuộc xã, phường",
                     "parent_id": "Cơ quan cấp trên"}
DISTRICT_ONLY = ("chỉ tài khoản cấp huyện được thay đổi, vì trường này xác định dữ liệu mà "
                 "các tài khoản được xem")


def clean(value, field: str, label: str, *, max_len: int, required: bool = False,
          multiline: bool = False) -> str:
    """NFC text, whitespace tidied; InputError naming `field` if empty, too long or unprintable."""
    try:
        text = schema.clean_text("" if value is None else value, multiline=multiline)
    except ValueError as exc:
        raise InputError([(field, f"{label} {exc}")]) from None
    if required and not text:
        raise InputError([(field, f"{label} không được để trống")])
    if len(text) > max_len:
        raise InputError([(field, f"{label} dài {len(text)} ký tự, vượt quá giới hạn "
                                  f"{max_len} ký tự")])
    return text


def _get(session: Session, model, row_id: int | None, what: str):
    row = session.get(model, row_id) if row_id is not None else None
    if row is None:
        raise UserError(f"Không tìm thấy {what} (mã {row_id})")
    return row


# ---- bodies ---------------------------------------------------------------------------

def list_bodies(session: Session) -> list[Body]:
    """Every body, in the order they were entered."""
    return list(session.scalars(select(Body).order_by(Body.id)))


def get_body(session: Session, body_id: int) -> Body | None:
    return session.get(Body, body_id)


def _restricted(scope: Scope | None) -> bool:
    return scope is not None and not scope.is_district


def save_body(session: Session, *, id: int | None = None, name, abbreviation, place,
              superior="", parent_id: int | None = None, level="", commune="",
              proposer="", identifier: str | None = None, scope: Scope | None = None) -> Body:
    """Create (id None) or update a body; InputError naming the field when a value is wrong.

    Name, abbreviation, place and superior follow the document input's issuer rules.
    `scope`, a commune user's: only a body within it is updated, and its BODY_SCOPE_FIELDS
    must keep their stored values (InputError naming each); None or the district: no limit.
    `identifier` (mã định danh): None keeps the stored one; only the district changes it.
    """
    if _restricted(scope) and (id is None or not scope.body(id)):
        raise UserError("Chỉ tài khoản cấp huyện được thêm cơ quan" if id is None
                        else f"Không tìm thấy cơ quan (mã {id})")
    issuer = schema.parse(records.Body, {
        "name": name, "abbreviation": abbreviation, "place": place, "superior": superior or "",
        "parent_id": parent_id, "level": level or "", "commune": commune or "",
        "proposer": proposer or "", "identifier": identifier or ""}, labelled=True)
    commune = issuer.commune
    body = Body() if id is None else _get(session, Body, id, "cơ quan")
    if identifier is None:
        issuer.identifier = body.identifier or ""
    if _restricted(scope):  # before the parent is looked up: no answer tells which ids exist
        wanted = {"name": issuer.name, "place": issuer.place, "commune": commune,
                  "parent_id": parent_id}
        refused = [(field, f"{label}: {DISTRICT_ONLY}")
                   for field, label in BODY_SCOPE_FIELDS.items()
                   if wanted[field] != getattr(body, field)]
        if issuer.identifier != (body.identifier or ""):
            refused.append(("identifier", "Mã định danh: chỉ tài khoản cấp huyện được thay đổi"))
        if refused:
            raise InputError(refused)
    if parent_id is not None:
        parent = _get(session, Body, parent_id, "cơ quan cấp trên")
        ancestor = parent
        while ancestor is not None:
            if id is not None and ancestor.id == id:
                raise InputError([("parent_id", "Cơ quan cấp trên không được là chính cơ quan "
                                                "này hoặc cơ quan cấp dưới của nó")])
            ancestor = ancestor.parent
    body.name, body.abbreviation, body.place = issuer.name, issuer.abbreviation, issuer.place
    body.superior, body.parent_id = issuer.superior, parent_id
    body.level, body.commune, body.proposer = issuer.level, issuer.commune, issuer.proposer
    body.identifier = issuer.identifier
    session.add(body)
    session.flush()
    return body


def delete_body(session: Session, body_id: int) -> None:
    """Delete a body and its signers; refused while user accounts, units, documents or child
    bodies refer to it."""
    body = _get(session, Body, body_id, "cơ quan")
    accounts = session.scalars(select(User.username).where(User.body_id == body_id)
                               .order_by(User.username)).all()
    if accounts:
        raise UserError(f"Không xóa được cơ quan «{body.name}»: còn tài khoản "
                        f"{', '.join(accounts)} gắn với cơ quan này; hãy gắn tài khoản với cơ "
                        "quan khác hoặc bỏ gắn trước")
    units = session.scalar(select(func.count()).where(Unit.body_id == body_id))
    docs = session.scalar(select(func.count()).where(Document.body_id == body_id))
    children = session.scalar(select(func.count()).where(Body.parent_id == body_id))
    reasons = []
    if units:
        reasons.append(f"{units} đơn vị do cơ quan này đánh giá")
    if docs:
        reasons.append(f"{docs} văn bản trong sổ văn bản đi")
    if children:
        reasons.append(f"{children} cơ quan cấp dưới")
    if reasons:
        raise UserError(f"Không xóa được cơ quan «{body.name}»: còn " + ", ".join(reasons))
    session.delete(body)
    session.flush()


# ---- signers --------------------------------------------------------------------------

def list_signers(session: Session, body_id: int | None = None, *,
                 active_only: bool = False) -> list[Signer]:
    query = select(Signer).order_by(Signer.body_id, Signer.id)
    if body_id is not None:
        query = query.where(Signer.body_id == body_id)
    if active_only:
        query = query.where(Signer.active.is_(True))
    return list(session.scalars(query))


def get_signer(session: Session, signer_id: int) -> Signer | None:
    return session.get(Signer, signer_id)


def save_signer(session: Session, *, id: int | None = None, body_id: int, name, position="",
                authority="", on_behalf="", active: bool = True) -> Signer:
    """Create or update a signer; the rules are the document input's signer rules."""
    _get(session, Body, body_id, "cơ quan")
    parsed = schema.parse(records.Signer, {
        "name": name, "position": position or "", "authority": authority or "",
        "on_behalf": on_behalf or "", "active": bool(active)}, labelled=True)
    signer = Signer() if id is None else _get(session, Signer, id, "người ký")
    signer.body_id, signer.name, signer.position = body_id, parsed.name, parsed.position
    signer.authority, signer.on_behalf = parsed.authority.code, parsed.on_behalf
    signer.active = parsed.active
    session.add(signer)
    session.flush()
    return signer


def delete_signer(session: Session, signer_id: int) -> None:
    """Delete a signer: the register keeps the signer's name as text, so nothing refers to it."""
    session.delete(_get(session, Signer, signer_id, "người ký"))
    session.flush()


# ---- units ----------------------------------------------------------------------------

def list_units(session: Session, *, search: str | None = None, body_id: int | None = None,
               kind: str | None = None) -> list[Unit]:
    """Units in the order they were entered; `search` matches any part of the name or commune
    without diacritics ("na meo" finds "Bản Na Mèo"); `kind` is a code or a label."""
    query = select(Unit).order_by(Unit.id)
    if body_id is not None:
        query = query.where(Unit.body_id == body_id)
    if kind:
        record = domain.unit_kind(kind)
        query = query.where(Unit.kind == (record.code if record else kind))
    units = list(session.scalars(query))
    needle = fold(search or "")
    if needle:
        # Folded in Python: the commune has no key column and the lists are a few thousand
        # rows at most; the name key keeps exact-name lookups in SQL (find_unit).
        units = [u for u in units if needle in u.name_key or needle in fold(u.commune)]
    return units


def get_unit(session: Session, unit_id: int) -> Unit | None:
    return session.get(Unit, unit_id)


def find_unit(session: Session, body_id: int, name: str) -> Unit | None:
    """The unit of `body_id` with this name, compared without case or diacritics."""
    return session.scalar(select(Unit).where(Unit.body_id == body_id,
                                             Unit.name_key == fold(name)))


def check_unit(name, kind, commune="", note="", category="", managed_by=""
               ) -> tuple[str, str, str, str, str, str]:
    """Validated (name, kind code, commune, note, category code, managing tier code);
    InputError naming the field otherwise."""
    unit = schema.parse(records.Unit, {"name": name, "kind": kind, "commune": commune or "",
                                       "note": note or "", "category": category or "",
                                       "managed_by": managed_by or ""}, labelled=True)
    return (unit.name, unit.kind.code, unit.commune, unit.note, unit.category,
            unit.managed_by)


def _unit_boundary(scope: Scope, unit: Unit | None, name: str, body_id: int,
                   commune: str) -> None:
    """Refuse what a commune user may not do to a unit: reach one outside their scope, put
    one under a body outside it, or change the body, name or commune of a unit assessed
    outside it (one they see through their commune: those fields are its assessing
    body's, and changing them would move it across the boundary or probe other names)."""
    if unit is not None and not scope.unit(unit):
        raise UserError(f"Không tìm thấy đơn vị (mã {unit.id})")
    if (unit is None or body_id != unit.body_id) and not scope.body(body_id):
        raise InputError([("body_id", "Cơ quan đánh giá: hãy chọn một cơ quan trong danh "
                                      "sách của tài khoản")])
    if unit is None or scope.body(unit.body_id):
        return
    owner = f"đơn vị «{unit.name}» do {unit.body.name} đánh giá"
    changed = {"body_id": body_id != unit.body_id, "name": name != unit.name,
               "commune": commune != unit.commune}
    labels = {"body_id": "Cơ quan đánh giá", "name": "Tên đơn vị", "commune": "Xã, thị trấn"}
    refused = [(field, f"{labels[field]}: {owner}; chỉ cơ quan đó hoặc tài khoản cấp huyện "
                       "được thay đổi")
               for field, moved in changed.items() if moved]
    if refused:
        raise InputError(refused)


def save_unit(session: Session, *, id: int | None = None, name, kind, body_id: int,
              commune="", note="", category="", managed_by="",
              scope: Scope | None = None) -> Unit:
    """Create or update a unit; a second unit of the same name for the same body is refused.
    `category` and `managed_by` (code or label, "" not recorded) decide scope and competence
    (docgen.rules). `scope`, a commune user's: see `_unit_boundary`; None or the district:
    no limit."""
    name, kind_code, commune, note, category, managed_by = check_unit(
        name, kind, commune, note, category, managed_by)
    unit = None if id is None else _get(session, Unit, id, "đơn vị")
    if _restricted(scope):
        _unit_boundary(scope, unit, name, body_id, commune)
    body = _get(session, Body, body_id, "cơ quan đánh giá")
    twin = find_unit(session, body_id, name)
    if twin is not None and twin.id != id:
        raise InputError([("name", f"Đơn vị «{twin.name}» đã có trong danh sách đơn vị do "
                                   f"{body.name} đánh giá")])
    unit = Unit() if unit is None else unit
    unit.name, unit.name_key, unit.kind = name, fold(name), kind_code
    unit.commune, unit.note, unit.body_id = commune, note, body_id
    unit.category, unit.managed_by = category, managed_by
    session.add(unit)
    session.flush()
    return unit


def documents_citing(session: Session, unit_id: int) -> list[Document]:
    query = (select(Document).join(DocumentUnit, DocumentUnit.document_id == Document.id)
             .where(DocumentUnit.unit_id == unit_id).order_by(Document.id))
    return list(session.scalars(query))


def delete_unit(session: Session, unit_id: int, *, scope: Scope | None = None) -> None:
    """Delete a unit with its assessments and households; refused while a document lists it.
    `scope`, a commune user's: only a unit assessed by a body within it."""
    unit = _get(session, Unit, unit_id, "đơn vị")
    if _restricted(scope) and not scope.body(unit.body_id):
        if not scope.unit(unit):
            raise UserError(f"Không tìm thấy đơn vị (mã {unit_id})")
        raise UserError(f"Không xóa được đơn vị «{unit.name}»: đơn vị do {unit.body.name} "
                        "đánh giá; chỉ cơ quan đó hoặc tài khoản cấp huyện được xóa")
    citing = documents_citing(session, unit_id)
    if citing:
        refs = ", ".join(doc.symbol if doc.number else f"{doc.symbol} (dự thảo)"
                         for doc in citing[:3])
        more = f" và {len(citing) - 3} văn bản khác" if len(citing) > 3 else ""
        raise UserError(f"Không xóa được đơn vị «{unit.name}»: văn bản số {refs}{more} đang "
                        "dẫn chiếu đơn vị này")
    session.delete(unit)
    session.flush()


def bodies_in_place(session: Session, body: Body) -> list[Body]:
    """The bodies sharing `body`'s place name (địa danh): one area's People's Committee,
    steering committee and police."""
    return list(session.scalars(select(Body).where(or_(Body.id == body.id,
                                                       Body.place == body.place))
                                .order_by(Body.id)))
