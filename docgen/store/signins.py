"""Sign-in sessions kept in the database, and the per-address limit on failed sign-ins.

A browser's cookie carries only a random token; the `login_session` row is keyed by the
token's SHA-256, so a stolen database holds no usable token. A session ends on sign-out,
on a password change or reset, on deactivation, after `IDLE` without use and after `MAX_AGE`
in any case. Failed sign-ins are rows too, so the limit holds across restarts and processes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, joinedload

from .models import LoginFailure, LoginSession, utcnow

IDLE = dt.timedelta(minutes=60)
MAX_AGE = dt.timedelta(hours=8)
SEEN_STEP = dt.timedelta(minutes=1)  # last_seen is written at most once a minute
ADDRESS_FAILURES, ADDRESS_WINDOW = 20, dt.timedelta(minutes=15)

EXPIRED_IDLE = "idle"
EXPIRED_MAX_AGE = "max_age"


def token_key(token: str) -> str:
    """The row id of a session token (its SHA-256, hex)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(session: Session, user_id: int, address: str = "",
                  now: dt.datetime | None = None) -> str:
    """A new session for `user_id`; returns the token for the cookie (shown only here).
    Sweeps expired sessions and old failures on the way."""
    now = now or utcnow()
    sweep(session, now)
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(id=token_key(token), user_id=user_id, created_at=now,
                             last_seen=now, address=(address or "")[:60]))
    session.flush()
    return token


def get_session(session: Session, key: str) -> LoginSession | None:
    """The session row of `key` with its user loaded, or None when it does not exist."""
    return session.scalar(select(LoginSession).options(joinedload(LoginSession.user))
                          .where(LoginSession.id == key))


def expiry(row: LoginSession, now: dt.datetime | None = None) -> str:
    """Why the session has expired: EXPIRED_MAX_AGE, EXPIRED_IDLE, or "" while it is valid."""
    now = now or utcnow()
    if now - row.created_at >= MAX_AGE:
        return EXPIRED_MAX_AGE
    if now - row.last_seen >= IDLE:
        return EXPIRED_IDLE
    return ""


def needs_touch(row: LoginSession, now: dt.datetime | None = None) -> bool:
    """Whether the idle clock has moved a step since `last_seen` was written."""
    return (now or utcnow()) - row.last_seen >= SEEN_STEP


def touch(session: Session, key: str, now: dt.datetime | None = None) -> None:
    """Record that the session `key` was used now (restarts its idle clock)."""
    session.execute(update(LoginSession).where(LoginSession.id == key)
                    .values(last_seen=now or utcnow()))


def end_session(session: Session, key: str) -> None:
    session.execute(delete(LoginSession).where(LoginSession.id == key))


def end_sessions(session: Session, user_id: int, *, keep: str | None = None) -> int:
    """End every session of `user_id` except the one keyed `keep`; returns how many."""
    query = delete(LoginSession).where(LoginSession.user_id == user_id)
    if keep:
        query = query.where(LoginSession.id != keep)
    return session.execute(query).rowcount or 0


def sweep(session: Session, now: dt.datetime | None = None) -> None:
    """Delete expired sessions and failures older than the address window."""
    now = now or utcnow()
    session.execute(delete(LoginSession).where((LoginSession.created_at <= now - MAX_AGE)
                                               | (LoginSession.last_seen <= now - IDLE)))
    session.execute(delete(LoginFailure).where(LoginFailure.at <= now - ADDRESS_WINDOW))


def address_blocked(session: Session, address: str, now: dt.datetime | None = None) -> bool:
    """Whether `address` has had ADDRESS_FAILURES failed sign-ins within ADDRESS_WINDOW."""
    now = now or utcnow()
    count = session.scalar(select(func.count()).select_from(LoginFailure).where(
        LoginFailure.address == (address or "")[:60], LoginFailure.at > now - ADDRESS_WINDOW))
    return count >= ADDRESS_FAILURES


def record_failure(session: Session, address: str, now: dt.datetime | None = None) -> None:
    session.add(LoginFailure(address=(address or "")[:60], at=now or utcnow()))
    session.flush()
