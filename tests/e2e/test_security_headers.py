"""Every page works under the Content-Security-Policy (no inline script or style, nothing from another
site but map tiles), and what carries callers' details is never cached."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import command, live, offline, sign_in

pytestmark = pytest.mark.e2e

WATCH = """window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.cspViolations.push(
  `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"""


def watched(context):
    context.add_init_script(WATCH)
    return context


def violations(page) -> list[str]:
    return page.evaluate("window.cspViolations") + [m for m in page.messages
                                                    if "Content Security Policy" in m]


def signed_in(browser_context, site, username, path):
    context = watched(offline(browser_context()))
    page = sign_in(context, site.first.url, username, path)
    page.messages = []
    page.on("console", lambda message: page.messages.append(message.text))
    return page


def test_every_page_runs_under_the_policy_without_a_violation(site, browser_context):
    console = signed_in(browser_context, site, "dispatcher1", "/console/")
    live(console)
    command(console, "?")
    console.keyboard.press("Escape")
    console.keyboard.press("F7")
    expect(console.locator("#map path.beat-outline").first).to_be_attached()
    console.keyboard.press("F2")
    console.keyboard.type("310 main")
    console.locator("#location-options [role=option]").first.wait_for()

    board = signed_in(browser_context, site, "supervisor1", "/board/")
    live(board)
    expect(board.locator("#goals table, #goals").first).to_be_visible()

    admin = signed_in(browser_context, site, "admin", "/admin/")
    for path in ("/admin/calls/call/", "/admin/premises/premiseflag/add/", "/admin/units/unit/",
                 "/admin/calls/responseplan/add/"):
        admin.goto(f"{site.first.url}{path}")
        expect(admin.locator("#content")).to_be_visible()

    docs = signed_in(browser_context, site, "dispatcher1", "/api/docs/")
    expect(docs.locator(".swagger-ui .info .title")).to_contain_text("CAD API")

    reports = signed_in(browser_context, site, "clerk1", "/reports/")
    expect(reports.locator("#compliance svg.chart").first).to_be_attached()
    reports.goto(f"{site.first.url}/reports/?report=workload")
    expect(reports.locator("#heat-map")).to_be_visible()

    login = watched(browser_context()).new_page()
    login.messages = []
    login.on("console", lambda message: login.messages.append(message.text))
    login.goto(f"{site.first.url}/accounts/login/")
    expect(login.get_by_label("Username")).to_be_visible()

    for page in (console, board, admin, docs, reports, login):
        assert violations(page) == [], (page.url, violations(page))
    for page in (console, board, admin, docs, reports):
        assert page.errors == [], page.errors


def test_the_policy_is_sent_and_nothing_with_callers_details_is_cached(site):
    import urllib.request

    for path in ("/accounts/login/", "/api/v1/calls/", "/healthz"):
        request = urllib.request.Request(f"{site.first.url}{path}",
                                         headers={"Authorization": f"Token {site.cpd}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Cache-Control"] == "no-store", path
            policy = response.headers["Content-Security-Policy"]
            assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, policy
            assert "unsafe-inline" not in policy
