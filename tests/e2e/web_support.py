"""Shared set-up for the web tests: one copy of the built test workspace, analysed, with maturity and users.

Why a module-level cache rather than a fixture here: the route tests, the
security tests and the browser tests all need the same prepared workspace,
and fixtures may only live in ``conftest.py`` (owned elsewhere). The shared
``built_workspace`` is copied, never changed.
"""

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

_prepared: dict[str, "WebWorkspace"] = {}


@dataclass
class WebWorkspace:
    ws: object
    url: str
    logins: dict  # role -> Login
    person_ids: list[str]


def prepare(built_workspace, tmp_path_factory, store: str = "sqlite") -> WebWorkspace:
    """The prepared workspace with its app store on SQLite (in the workspace) or on the test PostgreSQL server."""
    if store in _prepared:
        return _prepared[store]
    if store == "postgresql":
        return _on_postgres(prepare(built_workspace, tmp_path_factory))
    import duckdb

    from ceintel.analysis.run import run_analyses
    from ceintel.store.db import store_url
    from ceintel.synth.maturity import seed_demo
    from ceintel.web.users import demo_logins
    from ceintel.workspace import Workspace

    root = tmp_path_factory.mktemp("web") / "ws"
    shutil.copytree(built_workspace.workspace.root, root)
    (root / "app.db").unlink(missing_ok=True)
    ws = Workspace(root)
    run_analyses(ws)
    url = store_url(ws)
    seed_demo(ws, url=url)
    logins = {login.role: login for login in demo_logins(url)}
    con = duckdb.connect(str(root / "analysis.duckdb"), read_only=True)
    ids = [r[0] for r in con.execute("SELECT node_id FROM network_nodes WHERE node_type = 'person' LIMIT 3").fetchall()]
    ids += [r[0] for r in con.execute("SELECT person_id FROM unknown_to_social_care_records LIMIT 3").fetchall()]
    ids += [r[0] for r in con.execute("SELECT person_id FROM knowledge_records LIMIT 3").fetchall()]
    con.close()
    _prepared["sqlite"] = WebWorkspace(ws, url, logins, sorted(set(ids)))
    return _prepared["sqlite"]


def _on_postgres(base: WebWorkspace) -> WebWorkspace:
    """The same workspace with a fresh store on ``CEINTEL_TEST_POSTGRES_URL`` (set by scripts/test)."""
    import os

    import pytest

    from ceintel.store.db import downgrade, upgrade
    from ceintel.synth.maturity import seed_demo
    from ceintel.web.users import demo_logins

    url = os.environ.get("CEINTEL_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("set CEINTEL_TEST_POSTGRES_URL to also run the app tests on PostgreSQL")
    downgrade(url, "base")
    upgrade(url)
    seed_demo(base.ws, url=url)
    logins = {login.role: login for login in demo_logins(url)}
    _prepared["postgresql"] = WebWorkspace(base.ws, url, logins, base.person_ids)
    return _prepared["postgresql"]


def form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(client, name: str, password: str):
    """Sign a TestClient in through the real form; returns the response of the POST."""
    token = form_token(client.get("/login").text)
    return client.post("/login", data={"csrf_token": token, "name": name, "password": password, "next": "/"},
                       follow_redirects=False)


def inbox_extract(ws, pattern: str) -> Path:
    return sorted(Path(ws.inbox).glob(pattern))[0]
