"""Browser tests: Playwright driving Debian's Chromium (Playwright cannot fetch its own here)."""

import os
import shutil
import time

import pytest

from cad.bench import CHROMIUM, CHROMIUM_FLAGS

# Playwright's sync API runs an event loop in this thread; Django's ORM must still be allowed here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The system as `make run` brings it up (migrated, demo city seeded), served by daphne.

    With REDIS_URL there are two server processes sharing Redis (`site.servers`), so consoles on
    different servers must agree; without it, one server with the in-memory channel layer.
    """
    from tests.servers import Site

    site = Site(tmp_path_factory.mktemp("e2e-site"), name="e2e").prepare()
    first = site.start()
    second = site.start() if site.redis_url else first
    site.first, site.second = first, second
    site.cpd = site.token("CPD")
    yield site
    site.stop()


@pytest.fixture
def browser_context(browser):
    """New browser contexts (one per person), closed at the end of the test."""
    contexts = []

    def new(**options):
        context = browser.new_context(viewport=options.pop("viewport", {"width": 1600, "height": 900}),
                                      **options)
        contexts.append(context)
        return context

    yield new
    for context in contexts:
        context.close()


def offline(context):
    """Only this machine's servers answer: map tiles and anything else outside fail at once."""
    context.route("**/*", lambda route: route.abort() if "127.0.0.1" not in route.request.url
                  else route.continue_())
    return context


def sign_in(context, base_url: str, username: str, then: str):
    """A signed-in page of `context` at `then` (e.g. /console/), with its JS errors collected."""
    from tests.servers import PASSWORD

    page = context.new_page()
    page.set_default_timeout(10_000)
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(f"{base_url}/accounts/login/?next={then}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    return page


def live(page):
    """Wait until the page's stream says LIVE."""
    from playwright.sync_api import expect

    expect(page.locator("#link-status")).to_have_attribute("data-state", "live", timeout=15_000)


def command(page, text):
    """Type a command on the console's command line, as a dispatcher does: F1, the text, Enter."""
    from playwright.sync_api import expect

    page.keyboard.press("F1")
    expect(page.locator("#cmd")).to_be_focused()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def emergency_shown_after(started: float, a, b, board, within: float = 1.0) -> dict[str, float]:
    """Seconds from `started` (time.monotonic()) until an emergency shows on consoles `a` and `b`
    and on the board, each waited for only until `within` seconds after `started`."""
    shown = {}
    screens = (("a", a, "#alert-list"), ("b", b, "#alert-list"), ("board", board, "#safety-list"))
    for name, page, where in screens:
        page.locator(f'{where} [data-kind="emergency"]').wait_for(
            timeout=max(1, (started + within - time.monotonic()) * 1000))
        shown[name] = time.monotonic() - started
    return shown
