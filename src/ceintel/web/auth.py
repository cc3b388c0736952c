"""Passwords, server-side sessions and login throttling.

* Passwords are hashed with argon2 (argon2-cffi's defaults); a hash is never
  compared as text.
* A session is a random token in an ``HttpOnly``, ``SameSite=Strict`` (and,
  unless told otherwise, ``Secure``) cookie; only the token's SHA-256 is
  stored, with its CSRF token and expiry, so sessions can be listed and
  revoked. Signing in always issues a new token (no session fixation) and
  revokes the one the browser came with.
* Throttling: five failed attempts lock an account for five minutes, and an
  address making more than twenty failed attempts in ten minutes is refused
  for that window, whichever account it tries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ceintel.config import Partnership, RoleRule
from ceintel.store.models import ROLES, LoginSession, User, utcnow
from ceintel.web.permissions import Principal

SESSION_COOKIE = "ceintel_session"
SESSION_HOURS = 8
IDLE_MINUTES = 60
LOCK_AFTER = 5
LOCK_MINUTES = 5
ADDRESS_LIMIT = 20
ADDRESS_WINDOW_S = 600
MIN_PASSWORD = 12

_hasher = PasswordHasher()


class AuthError(Exception):
    """Sign-in refused; the message is safe to show (it never says which of name or password was wrong)."""


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY = None


def _dummy_hash() -> str:
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = _hasher.hash(secrets.token_urlsafe(16))
    return _DUMMY


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AddressThrottle:
    """Failed sign-ins per client address in a sliding window (in memory: one server process)."""

    def __init__(self, limit: int = ADDRESS_LIMIT, window_s: int = ADDRESS_WINDOW_S):
        self.limit, self.window = limit, window_s
        self._fails: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def blocked(self, address: str) -> bool:
        with self._lock:
            q = self._fails[address]
            now = time.monotonic()
            while q and now - q[0] > self.window:
                q.popleft()
            return len(q) >= self.limit

    def failed(self, address: str) -> None:
        with self._lock:
            self._fails[address].append(time.monotonic())


@dataclass(frozen=True)
class NewSession:
    token: str
    principal: Principal


def add_user(factory: sessionmaker[Session], name: str, role: str, password: str, agency: str | None = None) -> User:
    """Create a user (the CLI's ``ceintel user add`` and the admin page call this)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if role == "agency_data_owner" and not agency:
        raise ValueError("an agency data owner needs --agency (the agency whose data they own)")
    name = name.strip()
    if not name or len(name) > 120:
        raise ValueError("a user name needs 1 to 120 characters")
    with factory() as s:
        if s.scalar(select(User).where(User.name == name)):
            raise ValueError(f"there is already a user called {name!r}")
        user = User(name=name, role=role, agency=agency if role == "agency_data_owner" else None,
                    password_hash=hash_password(password))
        s.add(user)
        s.commit()
        return user


def sign_in(factory: sessionmaker[Session], partnership: Partnership, name: str, password: str,
            previous_token: str | None = None) -> NewSession:
    """Check a name and password; on success revoke ``previous_token``'s session and open a new one."""
    now = utcnow()
    with factory() as s:
        user = s.scalar(select(User).where(User.name == name.strip()))
        if user is None or not user.active:
            verify_password(_dummy_hash(), password)  # same time whether or not the name exists
            raise AuthError("the name or password is not right")
        if user.locked_until and user.locked_until > now:
            raise AuthError("too many attempts: this account is locked for a few minutes")
        if not verify_password(user.password_hash, password):
            user.failed_logins += 1
            if user.failed_logins >= LOCK_AFTER:
                user.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
                user.failed_logins = 0
            s.commit()
            raise AuthError("the name or password is not right")
        user.failed_logins, user.locked_until = 0, None
        if previous_token:
            old = s.scalar(select(LoginSession).where(LoginSession.token_hash == token_hash(previous_token)))
            if old:
                old.revoked = True
        token = secrets.token_urlsafe(32)
        row = LoginSession(token_hash=token_hash(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                           created_at=now, last_seen=now, expires_at=now + dt.timedelta(hours=SESSION_HOURS))
        s.add(row)
        s.commit()
        return NewSession(token, _principal(partnership, user, row))


def principal_for(factory: sessionmaker[Session], partnership: Partnership, token: str | None) -> Principal | None:
    """The signed-in user of a session token, or None (expired, idle too long, revoked, unknown)."""
    if not token:
        return None
    now = utcnow()
    with factory() as s:
        row = s.scalar(select(LoginSession).where(LoginSession.token_hash == token_hash(token)))
        if row is None or row.revoked or row.expires_at <= now or \
                row.last_seen < now - dt.timedelta(minutes=IDLE_MINUTES):
            return None
        user = s.get(User, row.user_id)
        if user is None or not user.active:
            return None
        if (now - row.last_seen).total_seconds() > 60:  # keep writes rare: at most one a minute per session
            row.last_seen = now
            s.commit()
        return _principal(partnership, user, row)


def sign_out(factory: sessionmaker[Session], token: str | None) -> None:
    if not token:
        return
    with factory() as s:
        row = s.scalar(select(LoginSession).where(LoginSession.token_hash == token_hash(token)))
        if row:
            row.revoked = True
            s.commit()


def revoke_user_sessions(factory: sessionmaker[Session], user_id: int) -> int:
    with factory() as s:
        rows = list(s.scalars(select(LoginSession).where(LoginSession.user_id == user_id,
                                                         LoginSession.revoked.is_(False))))
        for r in rows:
            r.revoked = True
        s.commit()
        return len(rows)


def _principal(partnership: Partnership, user: User, row: LoginSession) -> Principal:
    rule = partnership.roles.get(user.role) or RoleRule()  # a role the workspace leaves out gets nothing
    return Principal(user.id, user.name, user.role, user.agency, rule, row.id, row.csrf_token)
