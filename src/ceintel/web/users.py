"""Users for the command line and the demo: add, list, and the demo's accounts (one per role)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from ceintel.store.db import connect
from ceintel.store.models import User
from ceintel.web import audit, auth

DEMO_ACCOUNTS = (("admin", "admin", None), ("analyst", "analyst", None),
                 ("police.data", "agency_data_owner", "Brackenshire Police"),
                 ("practitioner", "practitioner", None), ("strategic.lead", "strategic_lead", None))


@dataclass(frozen=True)
class Login:
    name: str
    role: str
    agency: str | None
    password: str


def add(url: str, name: str, role: str, password: str, agency: str | None = None, by: str = "command line") -> User:
    factory = connect(url)
    user = auth.add_user(factory, name, role, password, agency)
    audit.record(factory, "user_added", user=by, target=name, detail=f"role {role}" + (f", agency {agency}" if agency else ""))
    return user


def listing(url: str) -> list[User]:
    with connect(url)() as s:
        return list(s.scalars(select(User).order_by(User.name)))


def demo_logins(url: str) -> list[Login]:
    """Create (or reset) one account per role with a fresh random password, for the demo to print."""
    factory = connect(url)
    out = []
    with factory() as s:
        for name, role, agency in DEMO_ACCOUNTS:
            password = secrets.token_urlsafe(12)
            user = s.scalar(select(User).where(User.name == name))
            if user is None:
                s.add(User(name=name, role=role, agency=agency, password_hash=auth.hash_password(password)))
            else:
                user.password_hash, user.role, user.agency, user.active = auth.hash_password(password), role, agency, True
            out.append(Login(name, role, agency, password))
        s.commit()
    return out
