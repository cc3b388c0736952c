"""The web app's routes for every role: what each may see, what it is refused, and what is audited.

Strategic leads and practitioners must never receive record-level data: real
pseudonyms from the warehouse are looked for in every response they get.
"""

import re

import pytest
from fastapi.testclient import TestClient

from tests.e2e.web_support import prepare, sign_in

ROLES = ("admin", "analyst", "agency_data_owner", "practitioner", "strategic_lead")
OWN = "Brackenshire Police"  # the demo agency data owner's agency
OTHER = "Brackenford Council early help"
EVERYONE = set(ROLES)
# route -> roles that get 200 (the others get 403)
ROUTES = {
    "/": EVERYONE, "/framework": EVERYONE, "/framework/{indicator}": EVERYONE,
    "/places": EVERYONE, "/places?level=small_area&measure=incidents": EVERYONE, "/networks": EVERYONE,
    "/journeys": EVERYONE, "/journeys/timeline/{person}": {"analyst"}, "/data": EVERYONE,
    "/data?source=police_occurrences": EVERYONE, "/maturity": EVERYONE,
    f"/maturity/answer?agency={OWN}": {"analyst", "agency_data_owner"},
    f"/maturity/answer?agency={OTHER}": {"analyst"},
    "/actions": EVERYONE, "/narratives": EVERYONE, "/narratives/{key}/edit": {"analyst", "practitioner"},
    "/narratives/export.csv": {"analyst", "strategic_lead"},
    "/upload": {"agency_data_owner"}, "/upload/report/police_occurrences": {"agency_data_owner"},
    "/upload/report/early_help_episodes": set(),
    "/admin": {"admin"}, "/admin/audit": {"admin"}, "/admin/audit?action=login": {"admin"},
    "/admin/audit.csv": {"admin"}, "/downloads": {"analyst", "strategic_lead"},
    "/downloads/framework.csv": {"analyst", "strategic_lead"},
    "/downloads/framework.xlsx": {"analyst", "strategic_lead"},
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def web(request, built_workspace, tmp_path_factory):
    """Every route test runs with the app store on SQLite and, where scripts/test started one, PostgreSQL."""
    return prepare(built_workspace, tmp_path_factory, request.param)


@pytest.fixture(scope="module")
def app(web):
    from ceintel.web.app import create_app

    return create_app(web.ws, web.url)


@pytest.fixture(scope="module")
def clients(app, web):
    out = {}
    for role in ROLES:
        c = TestClient(app, base_url="https://testserver")
        assert sign_in(c, web.logins[role].name, web.logins[role].password).status_code == 303
        out[role] = c
    return out


@pytest.fixture(scope="module")
def narrative_key(clients):
    from tests.e2e.web_support import form_token

    c = clients["practitioner"]
    token = form_token(c.get("/narratives").text)
    r = c.post("/narratives", data={"csrf_token": token, "target_kind": "partnership", "target_id": "partnership",
                                    "title": "Our story", "text": "Children told us the park felt unsafe."})
    assert r.status_code == 200
    return re.search(r"/narratives/([0-9a-f]+)/edit", r.text).group(1)


def _url(route: str, web, narrative_key: str) -> str:
    from ceintel.web.data import Readers

    indicator = Readers(web.ws).indicators()["id"].iloc[0]
    return route.format(indicator=indicator, person=web.person_ids[0], key=narrative_key)


def _audit(web, action: str):
    from ceintel.store.db import connect
    from ceintel.web import audit

    return audit.events(connect(web.url), limit=5000, action=action)


@pytest.mark.slow
def test_every_route_for_every_role(clients, web, narrative_key):
    for route, allowed in ROUTES.items():
        url = _url(route, web, narrative_key)
        for role in ROLES:
            r = clients[role].get(url, follow_redirects=False)
            expected = 200 if role in allowed else 403
            assert r.status_code == expected, (role, url, r.status_code, r.text[:300])


@pytest.mark.slow
def test_signed_out_is_sent_to_sign_in(app, web, narrative_key):
    c = TestClient(app, base_url="https://testserver")
    for route in ROUTES:
        r = c.get(_url(route, web, narrative_key), follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), route
    for path in ("/narratives", "/actions/1", "/maturity/answer", "/upload", "/admin/users"):
        r = c.post(path, data={}, follow_redirects=False)
        assert r.status_code in (303, 403), path


@pytest.mark.slow
def test_no_record_level_data_for_leads_and_practitioners(clients, web, narrative_key):
    assert web.person_ids, "the test needs real pseudonyms"
    seen_by_analyst = "".join(clients["analyst"].get(u).text for u in ("/networks", "/journeys"))
    assert any(p in seen_by_analyst for p in web.person_ids), "analysts should see pseudonyms (test sanity)"
    for role in ("strategic_lead", "practitioner", "admin"):
        for route in ROUTES:
            if route.startswith("/admin/audit"):
                continue  # the audit log names the pseudonym an analyst opened: that is its job (admin only)
            r = clients[role].get(_url(route, web, narrative_key))
            body = r.content.decode("utf-8", "replace") if r.headers.get("content-type", "").startswith(
                ("text", "application/json")) else ""
            if r.headers.get("content-type", "").startswith("application/") and not body:
                body = _unzipped(r.content)
            for pid in web.person_ids:
                assert pid not in body, (role, route, pid)
            assert not re.search(r"\bP[0-9a-f]{15}\b", body), (role, route)


def _unzipped(content: bytes) -> str:
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    except zipfile.BadZipFile:
        return content.decode("latin-1")


@pytest.mark.slow
def test_record_views_are_audited(clients, web):
    before = len(_audit(web, "view_records"))
    clients["analyst"].get("/networks")
    clients["analyst"].get(f"/journeys/timeline/{web.person_ids[0]}")
    events = _audit(web, "view_records")
    assert len(events) >= before + 2
    assert any(e.target == f"timeline {web.person_ids[0]}" and e.user_name == "analyst" for e in events)
    clients["strategic_lead"].get(f"/journeys/timeline/{web.person_ids[0]}")
    refused = _audit(web, "access_refused")
    assert any(e.user_name == "strategic.lead" and "timeline" in (e.target or "") for e in refused)


@pytest.mark.slow
def test_exports_and_downloads_are_audited(clients, web):
    r = clients["strategic_lead"].get("/downloads/framework.csv")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert any(e.user_name == "strategic.lead" and e.target == "framework.csv" for e in _audit(web, "download"))
    assert clients["admin"].get("/admin/audit.csv").status_code == 200
    assert any(e.target == "audit.csv" for e in _audit(web, "export"))


@pytest.mark.slow
def test_logins_are_audited(app, web):
    c = TestClient(app, base_url="https://testserver")
    sign_in(c, web.logins["practitioner"].name, "not the password at all")
    sign_in(c, web.logins["practitioner"].name, web.logins["practitioner"].password)
    assert any(e.target == "practitioner" for e in _audit(web, "login_failed"))
    assert any(e.user_name == "practitioner" for e in _audit(web, "login"))


@pytest.mark.slow
def test_admin_user_changes_are_audited(clients, web, app):
    from tests.e2e.web_support import form_token

    admin = clients["admin"]
    token = form_token(admin.get("/admin").text)
    r = admin.post("/admin/users", data={"csrf_token": token, "name": "new.analyst", "role": "analyst",
                                         "password": "a long enough password"}, follow_redirects=False)
    assert r.status_code == 303
    assert any(e.target == "new.analyst" for e in _audit(web, "user_added"))
    c = TestClient(app, base_url="https://testserver")
    assert sign_in(c, "new.analyst", "a long enough password").status_code == 303
    assert c.get("/networks").status_code == 200
    uid = int(re.search(r'/admin/users/(\d+)/deactivate"[^>]*><input[^>]*><button[^>]*>Deactivate new\.analyst',
                        admin.get("/admin").text).group(1))
    admin.post(f"/admin/users/{uid}/role", data={"csrf_token": token, "role": "practitioner", "agency": ""})
    assert any(e.target == "new.analyst" for e in _audit(web, "role_changed"))
    assert c.get("/networks", follow_redirects=False).status_code == 303  # a new role signs in again
    admin.post(f"/admin/users/{uid}/revoke", data={"csrf_token": token})
    assert any(e.target == "new.analyst" for e in _audit(web, "session_revoked"))
    admin.post(f"/admin/users/{uid}/deactivate", data={"csrf_token": token})
    assert any(e.target == "new.analyst" and e.detail == "deactivated" for e in _audit(web, "user_changed"))
    assert sign_in(c, "new.analyst", "a long enough password").status_code == 401


@pytest.mark.slow
def test_maturity_answer_scoped_to_own_agency(clients, web):
    from tests.e2e.web_support import form_token

    owner = clients["agency_data_owner"]
    token = form_token(owner.get("/maturity").text)
    data = {"csrf_token": token, "item_id": "dc_purpose", "level": "4", "evidence_note": "inventory written"}
    r = owner.post("/maturity/answer", data={**data, "agency": OWN}, follow_redirects=False)
    assert r.status_code == 303
    assert any(e.target == f"{OWN}: dc_purpose" for e in _audit(web, "maturity_answered"))
    assert owner.post("/maturity/answer", data={**data, "agency": OTHER}).status_code == 403
    practitioner = clients["practitioner"]
    token = form_token(practitioner.get("/maturity").text)
    assert practitioner.post("/maturity/answer", data={**data, "csrf_token": token, "agency": OWN}).status_code == 403


@pytest.mark.slow
def test_action_update_scoped_to_own_plan(clients, web):
    import datetime as dt

    from ceintel.actions.plans import list_actions
    from ceintel.store.db import connect
    from tests.e2e.web_support import form_token

    with connect(web.url)() as s:
        views = list_actions(s, dt.date.today())
    own = next(v for v in views if v.plan == OWN)
    other = next(v for v in views if v.plan not in (OWN,))
    owner = clients["agency_data_owner"]
    token = form_token(owner.get("/actions").text)
    r = owner.post(f"/actions/{own.id}", data={"csrf_token": token, "status": "in_progress", "note": "started"},
                   follow_redirects=False)
    assert r.status_code == 303
    assert any(e.target.startswith(f"action {own.id}") for e in _audit(web, "action_updated"))
    assert "started" in owner.get("/actions").text
    assert owner.post(f"/actions/{other.id}", data={"csrf_token": token, "note": "x"}).status_code == 403
    lead = clients["strategic_lead"]
    token = form_token(lead.get("/actions").text)
    assert lead.post(f"/actions/{other.id}", data={"csrf_token": token, "note": "board asked"},
                     follow_redirects=False).status_code == 303
    prac = clients["practitioner"]
    token = form_token(prac.get("/actions").text)
    assert prac.post(f"/actions/{own.id}", data={"csrf_token": token, "note": "x"}).status_code == 403


@pytest.mark.slow
def test_narrative_language_suggestions_and_versions(clients, web, narrative_key):
    from tests.e2e.web_support import form_token

    c = clients["analyst"]
    token = form_token(c.get("/narratives").text)
    r = c.post("/narratives", data={"csrf_token": token, "target_kind": "partnership", "target_id": "partnership",
                                    "key": narrative_key, "text": "She was putting herself at risk."})
    assert r.status_code == 200 and "version 2" in r.text.lower()
    assert "putting herself at risk" in r.text and "Instead, consider" in r.text
    assert any(e.detail.startswith(f"narrative {narrative_key} version 2") for e in _audit(web, "narrative_saved"))
    token = form_token(clients["strategic_lead"].get("/narratives").text)
    assert clients["strategic_lead"].post("/narratives", data={
        "csrf_token": token, "target_kind": "partnership", "target_id": "partnership", "text": "x"}).status_code == 403
    bad = c.post("/narratives", data={"csrf_token": form_token(c.get("/narratives").text), "target_kind": "indicator",
                                      "target_id": "no_such_indicator", "text": "x"})
    assert bad.status_code == 400
