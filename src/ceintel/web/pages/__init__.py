"""Page modules; each exposes ``routes(app, state)`` and is registered here, in one place."""

from fastapi import FastAPI, Request

from ceintel.web import csrf
from ceintel.web.permissions import Principal


def signed_in(state, request: Request) -> Principal:
    """The signed-in user, or a redirect to the sign-in page."""
    from ceintel.web.app import SignInRequired

    me = state.principal(request)
    if me is None:
        raise SignInRequired()
    return me


async def posted(state, request: Request) -> Principal:
    """The signed-in user of an unsafe request whose CSRF token matches their session."""
    me = signed_in(state, request)
    await csrf.check(request, me.csrf_token)
    return me


def register(app: FastAPI, state) -> None:
    from ceintel.web.pages import account, framework, overview

    for module in (account, overview, framework):
        module.routes(app, state)
    try:  # the remaining pages are registered when present
        from ceintel.web.pages import more
    except ImportError:
        return
    more.register(app, state)
