"""CSRF protection for every unsafe request (POST, PUT, PATCH, DELETE).

A signed-in form carries the session's CSRF token (a hidden ``csrf_token``
field, or the ``X-CSRF-Token`` header HTMX sends from the page's meta tag);
the server compares it with the token kept in the server-side session.
The sign-in form, before any session exists, uses a double-submit cookie:
a random ``ceintel_csrf`` cookie whose value the form must echo.
"""

from __future__ import annotations

import hmac
import secrets

from starlette.requests import Request

FIELD = "csrf_token"
HEADER = "x-csrf-token"
PRELOGIN_COOKIE = "ceintel_csrf"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class CsrfError(Exception):
    """The request did not carry the right CSRF token."""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


async def submitted_token(request: Request) -> str | None:
    header = request.headers.get(HEADER)
    if header:
        return header
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(FIELD)
        return value if isinstance(value, str) else None
    return None


async def check(request: Request, expected: str | None) -> None:
    """Raise :class:`CsrfError` unless an unsafe request carries ``expected``."""
    if request.method.upper() not in UNSAFE:
        return
    if not _same(await submitted_token(request), expected):
        raise CsrfError("the form's security token is missing or out of date; reload the page and try again")


async def check_prelogin(request: Request) -> None:
    """Double-submit check for the sign-in form."""
    if not _same(await submitted_token(request), request.cookies.get(PRELOGIN_COOKIE)):
        raise CsrfError("the sign-in form's security token is missing or out of date; reload the page")
