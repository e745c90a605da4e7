"""The console's help panel is drawn from its command table, and the README's command table says
the same, row for row: one table of verbs, so the three never drift apart again."""

import re

import pytest
from playwright.sync_api import expect

from cad.bench import ROOT
from tests.e2e.conftest import command, live, sign_in

pytestmark = pytest.mark.e2e


def readme_commands() -> list[tuple[str, str]]:
    lines = (ROOT / "README.md").read_text().splitlines()
    start = lines.index("| command | does |") + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        typed, does = [cell.strip() for cell in line.strip("|").split(" | ")]
        rows.append((", ".join(re.findall(r"`([^`]+)`", typed)), does))
    return rows


def test_the_help_panel_is_the_command_table_and_the_readme_repeats_it(site, browser_context):
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)
    command(page, "?")
    help_panel = page.locator("#cmd-help")
    expect(help_panel).to_be_visible()
    rows = help_panel.locator("#cmd-help-rows tr")
    expect(rows.first).to_be_visible()
    shown = [(", ".join(row.locator("kbd").all_inner_texts()), row.locator("td").nth(1).inner_text())
             for row in rows.all()]
    assert len(shown) >= 19
    assert ("ACK, ACK 12", "Acknowledge the most urgent alert, or alert 12") in shown
    assert readme_commands() == shown
    # Every verb in the panel is one the command line knows: none answers "Unknown command".
    page.keyboard.press("Escape")
    command(page, "NEW")
    expect(page.locator("#cmd-message")).to_contain_text("New call")
    command(page, "FROB")
    expect(page.locator("#cmd-message")).to_contain_text('Unknown command "FROB"')
    assert page.errors == [], page.errors
