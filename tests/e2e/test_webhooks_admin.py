"""A records clerk registers a partner's webhook in the admin: the signing secret is shown on the page
that answers the save, once, and never again; a URL to a private address is refused on the form."""

import re
import urllib.parse

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

# A public address: the form accepts it. The subscription is left inactive, so nothing is sent there.
PUBLIC_URL = "https://93.184.216.34/nfpd-cad/hooks"


def test_a_clerk_registers_a_webhook_and_sees_its_secret_once(site, browser_context, tmp_path):
    admin = sign_in(browser_context(), site.first.url, "clerk1", "/admin/calls/webhooksubscription/add/")

    admin.get_by_label("Agency").select_option(label="NFPD North County Fire Protection District")
    admin.get_by_label("URL").fill("http://10.20.30.40/hooks")
    admin.get_by_label("call.updated").check()
    admin.get_by_label("unit.updated").check()
    admin.get_by_label("Active").uncheck()
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".errorlist")).to_contain_text("10.20.30.40 is not a public address")

    admin.get_by_label("URL").fill(PUBLIC_URL)
    admin.get_by_role("button", name="Save", exact=True).click()
    secret_box = admin.get_by_label("Signing secret")
    expect(secret_box).to_have_value(re.compile(r"^whsec_[A-Za-z0-9+/]{43}=$"))
    expect(admin.locator("#content-main")).to_contain_text("shown only this once")
    admin.screenshot(path=str(tmp_path / "webhook-secret.png"))
    secret = secret_box.input_value()

    admin.get_by_role("link", name="Open the subscription").click()
    expect(admin.locator("body")).to_contain_text(secret[:10] + "…")
    assert secret not in admin.content()
    expect(admin.get_by_label("call.updated")).to_be_checked()
    expect(admin.get_by_label("call.created")).not_to_be_checked()
    admin.goto(f"{site.first.url}/admin/calls/webhooksubscription/?q={urllib.parse.quote('nfpd-cad')}")
    expect(admin.locator("#result_list")).to_contain_text(PUBLIC_URL)
    assert secret not in admin.content()
    assert admin.errors == [], admin.errors
