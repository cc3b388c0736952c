"""End to end in Debian's Chromium (Playwright), against a real uvicorn server on a free port.

Each role signs in through the form and sees what it may; the main pages are
checked for Content-Security-Policy violations in the console and saved as
full-page screenshots under ``test-output/screenshots/``.
"""

import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.web_support import inbox_extract, prepare

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
MAIN_PAGES = ("/", "/framework", "/places", "/networks", "/journeys", "/data", "/maturity", "/actions",
              "/narratives")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def web(built_workspace, tmp_path_factory):
    return prepare(built_workspace, tmp_path_factory)


@pytest.fixture(scope="module")
def server(web):
    import uvicorn

    from ceintel.web.app import create_app

    app = create_app(web.ws, web.url, secure_cookies=False)  # plain http on localhost
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield base
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def _page(browser, server, web, role):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_messages = []
    page.on("console", lambda m: page.console_messages.append(m.text))
    page.goto(f"{server}/login")
    page.fill("#name", web.logins[role].name)
    page.fill("#password", web.logins[role].password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/")
    return page


def _csp_errors(page) -> list[str]:
    return [m for m in page.console_messages if "Content Security Policy" in m or "Refused to" in m]


def test_each_role_sees_what_it_may(browser, server, web):
    SHOTS.mkdir(parents=True, exist_ok=True)
    expect_nav = {"admin": {"Admin"}, "analyst": {"Downloads"}, "agency_data_owner": {"Upload"},
                  "practitioner": set(), "strategic_lead": {"Downloads"}}
    for role, extra in expect_nav.items():
        page = _page(browser, server, web, role)
        nav = set(page.locator("nav[aria-label=Main] a").all_inner_texts())
        assert {"Overview", "Places", "Actions"} <= nav
        assert extra <= nav and not ({"Admin", "Upload", "Downloads"} - extra) & nav, (role, nav)
        if role != "admin":
            assert page.goto(f"{server}/admin").status == 403
            assert "Not available to your role" in page.content()
        has_records = page.goto(f"{server}/networks").ok and "pseudonymised network" in page.content()
        assert has_records == (role == "analyst")
        if role in ("analyst", "strategic_lead"):
            for path in MAIN_PAGES:
                page.goto(f"{server}{path}")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(SHOTS / f"{role}{path.replace('/', '_') or '_overview'}.png"),
                                full_page=True)
        assert not _csp_errors(page), (role, _csp_errors(page))
        page.context.close()


def test_places_map_renders_under_the_csp(browser, server, web):
    page = _page(browser, server, web, "strategic_lead")
    page.goto(f"{server}/places")
    page.wait_for_selector("#places-map svg", timeout=20000)
    assert page.locator("#places-map svg path").count() > 5
    page.screenshot(path=str(SHOTS / "places_map.png"), full_page=True)
    assert not _csp_errors(page), _csp_errors(page)
    assert not [m for m in page.console_messages if "could not be drawn" in m or "Error" in m]
    page.context.close()


def test_narrative_language_suggestion(browser, server, web):
    page = _page(browser, server, web, "practitioner")
    page.goto(f"{server}/narratives")
    page.select_option("#target_kind", "partnership")
    page.select_option("#target_id", "partnership")
    page.fill("#text", "The young person was putting herself at risk by going to the park.")
    page.click("text=Save narrative")
    assert page.locator("text=Language suggestions").is_visible()
    assert "Instead, consider" in page.content()
    page.screenshot(path=str(SHOTS / "narrative_saved.png"), full_page=True)
    page.context.close()


def test_upload_an_extract_and_read_its_report(browser, server, web, tmp_path):
    extract = inbox_extract(web.ws, "NICHE_occurrences*.csv")
    lines = extract.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    date_col = next(i for i, h in enumerate(header) if "date" in h.lower())
    for n in (1, 2, 3):
        cells = lines[n].split(",")
        cells[date_col] = "not a date"
        lines[n] = ",".join(cells)
    bad = tmp_path / "occurrences from niche.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page = _page(browser, server, web, "agency_data_owner")
    page.goto(f"{server}/upload")
    page.select_option("#source", "police_occurrences")
    page.set_input_files("#file", str(bad))
    page.click("text=Upload and check")
    page.wait_for_selector("h1:has-text('Quality report')", timeout=120000)
    text = page.content()
    assert "Rows held back, and why" in text and "Rows read" in text
    assert page.locator("table tbody tr").count() >= 3
    page.screenshot(path=str(SHOTS / "upload_report.png"), full_page=True)
    page.context.close()


def test_complete_a_maturity_item_and_update_an_action(browser, server, web):
    page = _page(browser, server, web, "agency_data_owner")
    page.goto(f"{server}/maturity")
    page.click("text=Answer for Brackenshire Police")
    form = page.locator("form#item-dc_purpose")
    form.locator("input[value='3']").check()
    form.locator("textarea").fill("A data inventory exists")
    form.locator("button").click()
    assert "has been saved" in page.content()
    page.goto(f"{server}/actions")
    form = page.locator("form[action^='/actions/']").first
    form.locator("select").select_option("in_progress")
    form.locator("textarea").fill("Started in the browser")
    form.locator("button").click()
    assert "has been updated" in page.content() and "Started in the browser" in page.content()
    page.screenshot(path=str(SHOTS / "actions_updated.png"), full_page=True)
    assert not _csp_errors(page)
    page.context.close()
