"""The web app: one shared, safe place for the partnership (FastAPI, server-rendered pages).

Each cross-cutting concern lives in one small module, as in Datasette:
``security`` (headers and the Content-Security-Policy), ``auth`` (passwords,
server-side sessions, throttling), ``csrf``, ``permissions`` (what each role
may see and do), ``audit`` (the append-only log). Pages live in ``pages/``
and read only what the layers below publish, through ``data``.
"""
