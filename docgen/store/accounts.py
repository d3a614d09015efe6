"""Accounts, roles and what each may see; the audit trail of who did what.

Passwords are hashed with the standard library's scrypt (`passwords`). Five wrong passwords
in a row lock an account for 15 minutes; every failure, whether the account is unknown,
locked or the password wrong, gives one message after one hash check. Changing, resetting
or deactivating ends the account's sessions (`signins`).

A `Scope` says which bodies, units and documents a
user may see: everything for the district role; for a commune clerk (or a viewer tied to
a body) their body, the bodies under it and the units of their commune.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InputError, UserError
from ..privacy import mask_text
from ..vietnamese import fold
from .startup import first_start_lock
from .models import (ROLE_COMMUNE, ROLE_DISTRICT, ROLE_VIEWER, ROLES, AuditEntry, Body, User,
                     utcnow)
from .passwords import burn, hash_password, needs_rehash, verify_password
from .signins import end_sessions

MAX_FAILED = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 10
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,59}")
# One answer to every failed sign-in: it must not tell which accounts exist or are locked.
SIGN_IN_FAILED = (f"Tên đăng nhập hoặc mật khẩu không đúng (sau {MAX_FAILED} lần sai liên tiếp, "
                  f"tài khoản bị tạm khóa {LOCK_MINUTES} phút)")


@dataclass(frozen=True)
class Scope:
    """What a user may see: `body_ids` None means every body; `commune` (folded) adds the
    units of that commune whichever body assesses them."""

    body_ids: frozenset[int] | None = None
    commune: str = ""
    can_write: bool = True
    is_district: bool = True

    def body(self, body_id: int | None) -> bool:
        return self.body_ids is None or body_id in self.body_ids

    def unit(self, unit) -> bool:
        return self.body(unit.body_id) or bool(self.commune and fold(unit.commune) == self.commune)

    def document(self, doc) -> bool:
        return self.body(doc.body_id)


def scope_for(session: Session, user: User) -> Scope:
    """The scope of `user`'s role and body."""
    write = user.role != ROLE_VIEWER
    if user.role == ROLE_DISTRICT or (user.role == ROLE_VIEWER and user.body_id is None):
        return Scope(None, "", write, user.role == ROLE_DISTRICT)
    body = session.get(Body, user.body_id) if user.body_id else None
    if body is None:  # a commune clerk without a body sees nothing
        return Scope(frozenset(), "", write, False)
    ids, todo = {body.id}, [body]
    while todo:
        for child in todo.pop().children:
            if child.id not in ids:
                ids.add(child.id)
                todo.append(child)
    return Scope(frozenset(ids), fold(body.commune) if body.commune else "", write, False)


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise InputError([("password", f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự")])
    if len(password) > 200:
        raise InputError([("password", "Mật khẩu dài quá 200 ký tự")])
    return password


def _username(raw: str) -> str:
    name = fold(raw or "").replace(" ", "")
    if not _USERNAME.fullmatch(name):
        raise InputError([("username", "Tên đăng nhập gồm 3–60 chữ cái không dấu, chữ số, "
                                        "dấu chấm, gạch ngang hoặc gạch dưới")])
    return name


def new_password() -> str:
    """A one-time password that is easy to read aloud: four groups of four characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def find_user(session: Session, username: str) -> User | None:
    try:
        key = _username(username)
    except InputError:
        return None
    return session.scalar(select(User).where(User.username == key))


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def save_user(session: Session, *, id: int | None = None, username: str, full_name: str = "",
              role: str, body_id: int | None = None, password: str | None = None,
              active: bool = True, must_change: bool = True) -> User:
    """Create (with `password`) or update a user; InputError naming the field."""
    key = _username(username)
    if role not in ROLES:
        raise InputError([("role", "Vai trò không hợp lệ; chọn: " + ", ".join(ROLES.values()))])
    if role == ROLE_COMMUNE and not body_id:
        raise InputError([("body_id", "Văn thư cấp xã cần gắn với cơ quan của xã mình")])
    if body_id is not None and session.get(Body, body_id) is None:
        raise InputError([("body_id", f"Không tìm thấy cơ quan (mã {body_id})")])
    twin = session.scalar(select(User).where(User.username == key))
    if twin is not None and twin.id != id:
        raise InputError([("username", f"Tên đăng nhập «{key}» đã có người dùng")])
    user = User() if id is None else session.get(User, id)
    if user is None:
        raise UserError(f"Không tìm thấy người dùng (mã {id})")
    if id is None:
        user.password_hash = hash_password(check_password(password or ""))
        user.must_change_password = must_change
    elif not active:
        end_sessions(session, id)  # a deactivated account is signed out everywhere
    user.username, user.full_name = key, (full_name or "").strip()[:100]
    user.role, user.body_id, user.active = role, body_id if role != ROLE_DISTRICT else None, active
    session.add(user)
    session.flush()
    return user


def reset_password(session: Session, user_id: int) -> str:
    """A new one-time password for the user, who must change it at the next sign-in; every
    session of the user ends."""
    user = session.get(User, user_id)
    if user is None:
        raise UserError(f"Không tìm thấy người dùng (mã {user_id})")
    password = new_password()
    user.password_hash = hash_password(password)
    user.must_change_password, user.failed_logins, user.locked_until = True, 0, None
    end_sessions(session, user_id)
    session.flush()
    return password


def change_password(session: Session, user: User, old: str, new: str, *,
                    keep: str | None = None) -> None:
    """Set `user`'s password; ends every session of the user but the one keyed `keep`."""
    if not verify_password(user.password_hash, old or ""):
        raise InputError([("old", "Mật khẩu hiện tại không đúng")])
    if old == new:
        raise InputError([("new", "Mật khẩu mới phải khác mật khẩu cũ")])
    try:
        check_password(new)
    except InputError as exc:
        raise InputError([("new", m) for _, m in exc.problems]) from None
    user.password_hash = hash_password(new)
    user.must_change_password = False
    end_sessions(session, user.id, keep=keep)
    session.flush()


def authenticate(session: Session, username: str, password: str,
                 now: dt.datetime | None = None) -> User:
    """The user with these credentials, its hash upgraded to the current format if older.

    Every failure (unknown or inactive account, locked account, wrong password) raises
    UserError(SIGN_IN_FAILED) after checking one password hash, so neither the message nor
    the time tells a guesser which accounts exist or are locked.
    """
    now = now or utcnow()
    password = password or ""
    user = find_user(session, username)
    if user is None or not user.active:
        burn(password)
        raise UserError(SIGN_IN_FAILED)
    right = verify_password(user.password_hash, password)
    if user.locked_until and user.locked_until > now:
        raise UserError(SIGN_IN_FAILED)  # even the right password waits out the lock
    if not right:
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED:
            user.locked_until, user.failed_logins = now + dt.timedelta(minutes=LOCK_MINUTES), 0
        session.flush()
        raise UserError(SIGN_IN_FAILED)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    session.flush()
    return user


def ensure_admin(session: Session, password: str | None = None) -> str | None:
    """Create the district administrator "admin" when there is no user yet.

    Returns the one-time password to show once (None when users exist). A given
    `password` (e.g. DOCGEN_ADMIN_PASSWORD) is used as is and need not be changed.
    """
    first_start_lock(session)  # two processes starting at once make one administrator
    if session.scalar(select(User.id).limit(1)) is not None:
        return None
    chosen = password or new_password()
    save_user(session, username="admin", full_name="Quản trị hệ thống", role=ROLE_DISTRICT,
              password=chosen, must_change=password is None)
    return chosen


def audit(session: Session, username: str, action: str, target: str = "", detail: str = "",
          address: str = "") -> None:
    """Record one action in the audit trail (in the caller's transaction); CCCD-like
    numbers in the target and detail are masked (docgen.privacy)."""
    session.add(AuditEntry(username=username[:60], action=action[:40],
                           target=mask_text(target)[:200], detail=mask_text(detail)[:2000],
                           address=address[:60]))


def list_audit(session: Session, *, username: str | None = None, action: str | None = None,
               limit: int = 500) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if username:
        query = query.where(AuditEntry.username == fold(username))
    if action:
        query = query.where(AuditEntry.action == action)
    return list(session.scalars(query))
