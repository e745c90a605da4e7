"""Every page, as people meet it on the demo city as seeded: a dispatcher takes a call at an address
with an officer-safety flag while other calls come in, the map, the supervisors' board, the records
clerks' admin, the API reference and the sign-in page.

The README's pictures are these (`make screenshots` writes them to docs/screenshots): the site is
made fresh for this test, so nothing another test added shows in them.
"""

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import command, live, offline, sign_in

pytestmark = pytest.mark.e2e

FLAGGED = "511 ELM ST"  # seed_demo's officer-safety flag
PICTURES = ["login.png", "home.png", "console.png", "console-map.png", "console-inquiry.png", "board.png",
            "admin.png", "admin-warrants.png",
            "admin-call.png", "admin-audit.png", "api-docs.png", "admin-false-alarms.png", "admin-bill.png"]
DESK_PICTURES = ["admin-call-desk.png", "call-record.png"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from tests.servers import Site

    site = Site(tmp_path_factory.mktemp("screenshots"), name="shots").prepare()
    site.first = site.start()
    site.cpd = site.token("CPD")
    yield site
    site.stop()


@pytest.fixture
def folder(tmp_path) -> Path:
    chosen = os.environ.get("CAD_SCREENSHOT_DIR")
    path = Path(chosen) if chosen else tmp_path
    path.mkdir(parents=True, exist_ok=True)
    return path


def api(site, method, path, body=None):
    status, answer = site.first.api(method, path, site.cpd, body)
    assert status in (200, 201), (path, answer)
    return answer


def calls_coming_in(site) -> dict:
    """What other consoles and programs did this hour: calls waiting, and units working calls."""
    crash = api(site, "POST", "calls/", {
        "call_type": "MVAINJY", "location": {"intersection": "MAIN ST / 3RD AVE"},
        "caller": {"name": "Dana Ruiz", "phone": "816-555-0142"},
        "narrative": "two cars, one driver trapped"})
    api(site, "POST", "calls/", {"call_type": "NOISE", "location": {"address": "230 5TH AVE"},
                                 "narrative": "loud music since midnight"})
    alarm = api(site, "POST", "calls/", {"call_type": "ALRBA", "location": {"address": "171 OAK ST"},
                                         "source": "alarm_company", "narrative": "rear door zone 3"})
    api(site, "POST", f"calls/{alarm['id']}/dispatch/", {"units": ["1A12"]})
    api(site, "POST", "units/1A12/status/", {"status": "enroute"})
    fire = api(site, "POST", "calls/", {
        "call_type": "FSTRU", "location": {"address": "DEMO CITY HIGH SCHOOL"},
        "narrative": "smoke from the gym roof"})
    api(site, "POST", f"calls/{fire['id']}/dispatch/", {"units": ["E3", "L1", "M3"]})
    for callsign in ("E3", "L1"):
        api(site, "POST", f"units/{callsign}/status/", {"status": "enroute"})
    api(site, "POST", "units/E3/status/", {"status": "onscene"})
    return {"crash": crash, "alarm": alarm, "fire": fire}


def false_alarms_billed(site) -> dict:
    """A week of alarms at the demo's permitted market: five false (one a few hours after another),
    one in a storm; billed by the monthly run's command."""
    now = datetime.now(UTC)
    for hours, disposition in ((160, "FAB"), (130, "FAB"), (110, "17"), (100, "FAB"), (70, "FAB"),
                               (60, "FAB"), (40, "FAB")):
        alarm = api(site, "POST", "calls/", {
            "call_type": "ALRBA", "location": {"address": "171 OAK ST"}, "source": "alarm_company",
            "received_at": (now - timedelta(hours=hours)).isoformat(timespec="seconds")})
        api(site, "POST", f"calls/{alarm['id']}/close/", {"disposition": disposition})
    site.manage("billing_run", "--through", now.date().isoformat())
    bills = api(site, "GET", "bills/")
    assert bills["count"] == 1, bills
    return {"bill": bills["results"][0]["id"]}


def test_every_page_as_people_meet_it_on_the_demo_city(demo, browser_context, folder):
    entrance = offline(browser_context()).new_page()
    entrance.goto(f"{demo.first.url}/accounts/login/")
    expect(entrance.get_by_label("Username")).to_be_visible()
    entrance.screenshot(path=str(folder / "login.png"))

    others = calls_coming_in(demo)
    a = sign_in(offline(browser_context()), demo.first.url, "dispatcher1", "/console/")
    live(a)
    expect(a.locator(f'#pending-queue [data-call-number="{others["crash"]["number"]}"]')).to_be_visible()

    # A fight at an address with an officer-safety flag, typed as the caller says it.
    a.keyboard.press("F2")
    a.keyboard.type("511 elm")
    option = a.locator("#location-options [role=option]", has_text=FLAGGED).first
    expect(option).to_contain_text("1 FLAG")
    a.keyboard.press("ArrowDown")
    a.keyboard.press("Enter")
    expect(a.locator("#location-picked .flag-officer_safety")).to_contain_text("OFFICER SAFETY")
    a.keyboard.press("Tab")
    a.keyboard.type("fight")
    expect(a.locator("#type-options [role=option]").first).to_contain_text("FIGHT")
    a.keyboard.press("Tab")  # picks the highlighted type
    a.locator("#entry-caller-name").fill("Pat Moreno")
    a.locator("#entry-caller-phone").fill("816-555-0187")
    a.locator("#entry-narrative").fill("two men fighting in the front yard, one has a bat")
    a.locator("#entry-narrative").press("Alt+Enter")  # saved, not sent: the picture shows the recommendation
    detail = a.locator("#call-detail")
    expect(detail.locator("#detail-flags .flag-officer_safety")).to_be_visible()
    expect(detail).to_contain_text("two men fighting in the front yard")
    expect(a.locator("#entry-location")).to_have_value("")
    number = detail.get_attribute("data-call-number")
    assert re.fullmatch(r"\d{4}-\d{6}", number or ""), number
    expect(a.locator("#recommendations [data-recommend]")).to_have_count(3)  # two officers and the cover
    expect(a.locator("#recommendations")).to_contain_text("+1 police: officer-safety flag at this address")
    expect(a.locator("#recommendations")).not_to_contain_text("Finding units")
    a.screenshot(path=str(folder / "console.png"))

    a.keyboard.press("F7")
    expect(a.locator("#map path.beat-outline")).to_have_count(6)
    expect(a.locator(f'#map .call-marker[data-call-number="{number}"]')).to_be_visible()
    a.screenshot(path=str(folder / "console-map.png"))

    # The demo's wanted man run from the command line, beside the call.
    a.keyboard.press("F7")
    command(a, "QP HOLLOWAY,RAY 1984-07-19 C fight suspect")
    expect(a.locator("#inquiry-hits li .caution")).to_have_text(["ARMED", "VIOLENT"])
    a.screenshot(path=str(folder / "console-inquiry.png"))

    board = sign_in(offline(browser_context(viewport={"width": 1920, "height": 1080})), demo.first.url,
                    "supervisor1", "/board/")
    live(board)
    expect(board.locator("#holding-total")).to_have_text("3")
    expect(board.locator("#calls-today")).to_have_text("5", timeout=15_000)
    board.screenshot(path=str(folder / "board.png"))

    clerk = sign_in(offline(browser_context()), demo.first.url, "clerk1", "/admin/calls/call/")
    expect(clerk.locator("#result_list tbody tr")).to_have_count(5)
    clerk.screenshot(path=str(folder / "admin.png"))
    clerk.get_by_role("link", name=number).click()
    expect(clerk.locator("#content")).to_contain_text("FIGHT P1 at 511 ELM ST")
    expect(clerk.locator("#content")).to_contain_text("1 premise flag attached: officer-safety hazard")
    clerk.screenshot(path=str(folder / "admin-call.png"), full_page=True)
    clerk.goto(f"{demo.first.url}/admin/records/warrant/")
    expect(clerk.locator("#result_list")).to_contain_text("DC-26-0412")
    clerk.screenshot(path=str(folder / "admin-warrants.png"))

    audit = sign_in(offline(browser_context()), demo.first.url, "supervisor1", "/admin/records/auditentry/")
    expect(audit.locator("#result_list")).to_contain_text("login.success")
    expect(audit.locator("#result_list")).to_contain_text("call.create")
    audit.screenshot(path=str(folder / "admin-audit.png"))

    home = sign_in(offline(browser_context()), demo.first.url, "supervisor1", "/board/")
    home.goto(f"{demo.first.url}/")  # signing in lands on the console: home is the CAD link away
    expect(home.get_by_role("link", name=re.compile("console", re.I)).first).to_be_visible()
    home.screenshot(path=str(folder / "home.png"))

    docs = sign_in(offline(browser_context()), demo.first.url, "dispatcher1", "/api/docs/")
    expect(docs.locator(".swagger-ui .info .title")).to_contain_text("CAD API")
    expect(docs.locator(".opblock-summary-path", has_text="/api/v1/calls/").first).to_be_visible()
    docs.screenshot(path=str(folder / "api-docs.png"))

    billing = false_alarms_billed(demo)
    books = sign_in(offline(browser_context()), demo.first.url, "clerk1", "/admin/records/falsealarmcall/")
    expect(books.locator("#result_list")).to_contain_text("4th false alarm this permit year: $50.00")
    expect(books.locator("#result_list")).to_contain_text("within 24 h of the last: counted once")
    books.screenshot(path=str(folder / "admin-false-alarms.png"), full_page=True)
    books.goto(f"{demo.first.url}/admin/records/bill/{billing['bill']}/change/")
    expect(books.locator("#content")).to_contain_text("4th false alarm this permit year: $50.00")
    books.screenshot(path=str(folder / "admin-bill.png"), full_page=True)

    for page in (entrance, a, board, clerk, audit, home, docs, books):
        assert getattr(page, "errors", []) == [], page.errors
    assert sorted(p.name for p in folder.glob("*.png") if p.name in PICTURES) == sorted(PICTURES)


def test_the_records_clerks_desk_as_a_clerk_meets_it(demo, browser_context, folder):
    """A domestic call worked and closed; the clerk adds a supplement on its admin page and opens the
    printable record (`make screenshots` writes admin-call-desk.png and call-record.png)."""
    call = api(demo, "POST", "calls/", {
        "call_type": "DVA", "location": {"address": "450 PINE ST"},
        "caller": {"name": "Jordan Avery", "phone": "816-555-0199"},
        "narrative": "neighbor reports shouting and something breaking upstairs"})
    api(demo, "POST", f"calls/{call['id']}/dispatch/", {"units": ["3A11", "3A12"]})
    for status in ("enroute", "onscene", "available"):
        for callsign in ("3A11", "3A12"):
            api(demo, "POST", f"units/{callsign}/status/", {"status": status})
    api(demo, "POST", f"calls/{call['id']}/notes/", {"text": "Parties separated; no injuries."})
    api(demo, "POST", f"calls/{call['id']}/close/", {"disposition": "02"})

    page = f"/admin/calls/call/{call['id']}/change/"
    clerk = sign_in(offline(browser_context()), demo.first.url, "clerk1", page)
    form = clerk.locator("#add-supplement")
    form.get_by_label("Supplement").fill("Caller's last name is Avery-Cole (per callback 10:14).")
    form.get_by_label("Corrects").select_option(index=1)
    form.get_by_role("button", name="Add supplement").click()
    expect(clerk.locator(".messagelist")).to_contain_text("Supplement added")
    form.get_by_label("Supplement").fill("Second caller, Sam Ortiz, 816-555-0123, heard the same.")
    clerk.screenshot(path=str(folder / "admin-call-desk.png"), full_page=True)

    clerk.get_by_role("link", name="Print record").click()
    expect(clerk.locator(".chronology tr.supplement")).to_contain_text("Avery-Cole")
    clerk.screenshot(path=str(folder / "call-record.png"), full_page=True)

    assert clerk.errors == [], clerk.errors
    assert sorted(p.name for p in folder.glob("*.png") if p.name in DESK_PICTURES) == sorted(DESK_PICTURES)


def test_the_unit_terminal_on_an_officers_phone(demo, browser_context, folder):
    phone = sign_in(offline(browser_context(viewport={"width": 390, "height": 844}, has_touch=True)),
                    demo.first.url, "officer1", "/unit/")
    phone.locator('#unit-picks [data-callsign="2A12"]').tap()
    phone.locator("#sign-on-button").tap()
    live(phone)
    fight = api(demo, "POST", "calls/", {
        "call_type": "FIGHT", "location": {"address": FLAGGED},
        "caller": {"name": "Pat Moreno", "phone": "816-555-0187"},
        "narrative": "two men fighting in the front yard, one has a bat"})
    api(demo, "POST", f"calls/{fight['id']}/dispatch/", {"units": ["2A12", "2A11"]})
    expect(phone.locator("#call-number")).to_have_text(fight["number"])
    phone.locator('#status-buttons [data-status="enroute"]').tap()
    expect(phone.locator("#unit-status")).to_have_attribute("data-status", "enroute")
    api(demo, "POST", f"calls/{fight['id']}/notes/", {"text": "caller says the man with the bat went inside"})
    expect(phone.locator("#chronology")).to_contain_text("went inside")
    expect(phone.locator("#call-flags .flag-officer_safety")).to_be_visible()
    phone.screenshot(path=str(folder / "unit-terminal.png"), full_page=True)
    assert phone.errors == [], phone.errors
    assert (folder / "unit-terminal.png").exists()


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """A demo city of its own with a month of past calls (seed_history), for the reports page."""
    from tests.servers import Site

    site = Site(tmp_path_factory.mktemp("history"), name="history").prepare()
    site.manage("seed_history", "--days", "30", "--end", "2026-11-01")
    site.first = site.start()
    yield site
    site.stop()


def test_the_reports_page_on_a_month_of_history(history, browser_context, folder):
    page = sign_in(offline(browser_context(viewport={"width": 1400, "height": 1000})), history.first.url,
                   "supervisor1", "/reports/")
    csp = []
    page.on("console", lambda message: csp.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.goto(f"{history.first.url}/reports/?report=compliance&from=2026-10-02&to=2026-10-31")
    expect(page.locator("#compliance svg.chart")).to_have_count(6)  # five histograms, the months
    expect(page.locator("#compliance")).to_contain_text("goal 60 s (P1)")
    expect(page.locator("#compliance")).to_contain_text("goal 15 s")  # answering, NENA's
    page.screenshot(path=str(folder / "reports.png"), full_page=True)
    page.goto(f"{history.first.url}/reports/?report=workload&from=2026-10-02&to=2026-10-31&by=hour")
    expect(page.locator("#heat-map tbody tr")).to_have_count(6)  # the six beats
    page.screenshot(path=str(folder / "reports-workload.png"), full_page=True)
    assert page.errors == [] and csp == [], (page.errors, csp)
