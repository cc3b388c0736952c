"""Signing in and out."""

from urllib.parse import urlparse

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

from ceintel.web import auth, csrf
from ceintel.web.pages import posted


def _safe_next(target: str | None) -> str:
    """Only a local path: a sign-in link must not send anyone to another site."""
    if not target:
        return "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def routes(app: FastAPI, state) -> None:
    @app.get("/login")
    def login_form(request: Request, next: str = "/"):
        token = csrf.new_token()
        response = state.render(request, "login.html", None, csrf_token=token, next=_safe_next(next), error=None)
        response.set_cookie(csrf.PRELOGIN_COOKIE, token, httponly=True, samesite="strict",
                            secure=state.secure_cookies, max_age=3600)
        return response

    @app.post("/login")
    async def login(request: Request):
        await csrf.check_prelogin(request)
        form = await request.form()
        name, password = str(form.get("name", "")), str(form.get("password", ""))
        target = _safe_next(str(form.get("next", "/")))
        address = state_address(request)
        error = None
        if state.throttle.blocked(address):
            error = "too many attempts from this address: wait a few minutes and try again"
            state.audit(request, None, "login_failed", target=name[:120], detail="address throttled",
                        outcome="refused")
        else:
            try:
                new = auth.sign_in(state.sessions, state.partnership, name, password,
                                   previous_token=request.cookies.get(auth.SESSION_COOKIE))
            except auth.AuthError as exc:
                state.throttle.failed(address)
                error = str(exc)
                state.audit(request, None, "login_failed", target=name[:120], outcome="refused")
            else:
                state.audit(request, new.principal, "login")
                response = RedirectResponse(target, status_code=303)
                response.set_cookie(auth.SESSION_COOKIE, new.token, httponly=True, samesite="strict",
                                    secure=state.secure_cookies, max_age=auth.SESSION_HOURS * 3600)
                response.delete_cookie(csrf.PRELOGIN_COOKIE)
                return response
        token = csrf.new_token()
        response = state.render(request, "login.html", None, status=401, csrf_token=token, next=target, error=error)
        response.set_cookie(csrf.PRELOGIN_COOKIE, token, httponly=True, samesite="strict",
                            secure=state.secure_cookies, max_age=3600)
        return response

    @app.post("/logout")
    async def logout(request: Request):
        me = await posted(state, request)
        auth.sign_out(state.sessions, request.cookies.get(auth.SESSION_COOKIE))
        state.audit(request, me, "logout")
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(auth.SESSION_COOKIE)
        return response


def state_address(request: Request) -> str:
    from ceintel.web.app import client_address

    return client_address(request)
