"""A console that lost the server comes back at a random moment within its backoff, so a
thousand consoles of a restarted server do not all knock in the same millisecond."""

import pytest

from tests.e2e.conftest import live, sign_in

pytestmark = pytest.mark.e2e


def test_reconnects_are_spread_over_the_backoff_and_the_backoff_doubles(site, browser_context):
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)
    waits = page.evaluate("""async () => {
        const { LiveStream } = await import("/static/js/stream.js");
        const waits = [];
        const realSetTimeout = window.setTimeout;
        window.setTimeout = (fn, ms) => { waits.push(ms); return 0; };
        try {
            for (let console = 0; console < 20; console++) {
                const stream = new LiveStream("/ws/console/");
                for (let attempt = 0; attempt < 5; attempt++) stream.scheduleReconnect();
            }
        } finally {
            window.setTimeout = realSetTimeout;
        }
        return waits;
    }""")
    by_attempt = [waits[attempt::5] for attempt in range(5)]
    for attempt, backoff in enumerate([500, 1000, 2000, 4000, 5000]):
        assert all(backoff / 2 <= w <= backoff for w in by_attempt[attempt]), (backoff, by_attempt[attempt])
        assert len(set(by_attempt[attempt])) > 10  # twenty consoles, spread, not in step
