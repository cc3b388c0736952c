"""The app factory: ``create_app(ws)`` wires the store, the readers, security and the pages.

Why a factory: tests and ``ceintel serve`` build the same app for a given
workspace and store URL, with nothing global. The signed-in user is worked
out once per request (:func:`current`), pages declare what they need
(``principal.require(...)``), and two exception handlers turn a refusal into a
403 page (audited) and a missing build into a friendly page.
"""

import datetime as dt
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from ceintel.store.db import connect as store_connect
from ceintel.store.db import store_url as default_store_url
from ceintel.web import audit, auth, csrf
from ceintel.web.data import NotBuilt, Readers
from ceintel.web.permissions import CAPABILITIES, ROLE_LABELS, Forbidden, Principal
from ceintel.web.security import SecurityHeaders
from ceintel.workspace import Workspace

NAV = (
    ("/", "Overview", None), ("/framework", "Framework", None), ("/places", "Places", None),
    ("/networks", "Networks", None), ("/journeys", "Journeys and overlaps", None), ("/data", "Data", None),
    ("/maturity", "Maturity", None), ("/actions", "Actions", None), ("/narratives", "Narratives", None),
    ("/downloads", "Downloads", "export"), ("/upload", "Upload", "upload"), ("/admin", "Admin", "admin"),
)


class App:
    """What every page handler needs: the workspace, the store, the readers, the templates."""

    def __init__(self, ws: Workspace, url: str, secure_cookies: bool):
        self.ws = ws
        self.partnership = ws.config()
        self.store_url = url
        self.sessions = store_connect(url)
        self.readers = Readers(ws)
        self.secure_cookies = secure_cookies
        self.throttle = auth.AddressThrottle()
        folder = Path(str(resources.files("ceintel.web") / "templates"))
        self.templates = Jinja2Templates(directory=str(folder))
        self.templates.env.globals.update(nav=NAV, role_labels=ROLE_LABELS, partnership=self.partnership.name)
        self.templates.env.filters["fmt"] = _fmt

    def principal(self, request: Request) -> Principal | None:
        return auth.principal_for(self.sessions, self.partnership, request.cookies.get(auth.SESSION_COOKIE))

    def render(self, request: Request, template: str, principal: Principal | None, status: int = 200,
               **context) -> HTMLResponse:
        return self.templates.TemplateResponse(request, template, {"me": principal, **context}, status_code=status)

    def audit(self, request: Request, principal: Principal | None, action: str, target: str | None = None,
              detail: str | None = None, outcome: str = "ok") -> None:
        audit.record(self.sessions, action, user=principal.name if principal else None,
                     role=principal.role if principal else None, target=target, detail=detail,
                     ip=client_address(request), outcome=outcome)


class SignInRequired(Exception):
    pass


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _fmt(value) -> str:
    """A published value for display: symbols as they are, numbers with separators."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):  # pandas Timestamps too
        return value.date().isoformat() if (value.hour, value.minute, value.second) == (0, 0, 0) else \
            value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        if value != value:  # NaN
            return ""
        if float(value).is_integer():
            return f"{int(value):,}"
        return f"{float(value):,.1f}"
    except (TypeError, ValueError):
        return str(value)


def create_app(ws: Workspace, store_url: str | None = None, secure_cookies: bool = True) -> FastAPI:
    """The web app for a workspace (the store is migrated to the newest schema on start)."""
    state = App(ws, store_url or default_store_url(ws), secure_cookies)
    app = FastAPI(title="ceintel", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.ceintel = state
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(resources.files("ceintel.web") / "static")), name="static")

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired):
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden):
        me = state.principal(request)
        state.audit(request, me, "access_refused", target=request.url.path, detail=exc.what, outcome="refused")
        return state.render(request, "forbidden.html", me, status=403, what=exc.what)

    @app.exception_handler(NotBuilt)
    async def _not_built(request: Request, exc: NotBuilt):
        return state.render(request, "not_built.html", state.principal(request), status=503, what=str(exc))

    @app.exception_handler(csrf.CsrfError)
    async def _csrf(request: Request, exc: csrf.CsrfError):
        return state.render(request, "error.html", state.principal(request), status=403, message=str(exc))

    @app.get("/healthz")
    def healthz() -> dict:
        return {"ok": True}

    from ceintel.web.pages import register

    register(app, state)
    assert set(CAPABILITIES) >= {c for _, _, c in NAV if c}
    return app


WORKSPACE_VARIABLE = "CEINTEL_WORKSPACE"
INSECURE_COOKIES_VARIABLE = "CEINTEL_INSECURE_COOKIES"


def app_from_environment() -> FastAPI:
    """The app for ``$CEINTEL_WORKSPACE``: what each worker process builds when ``ceintel serve --workers N``."""
    import os

    from ceintel.workspace import open_workspace

    return create_app(open_workspace(Path(os.environ[WORKSPACE_VARIABLE])),
                      secure_cookies=os.environ.get(INSECURE_COOKIES_VARIABLE) != "1")
