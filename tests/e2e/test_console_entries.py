"""A dispatcher enters a stolen vehicle (EV) and a missing person (EM) from the console's command
line: the words typed fill the form, Enter enters it, a refusal shows beside the field it names
with everything typed kept, and QV or QP finds the record at once. A missing person's photo goes
up after the entry; when it is refused, the message says so and the record stays."""

import pytest
from playwright.sync_api import expect

from records.inquiries.choices import MissingCategory
from tests.e2e.conftest import command, live, sign_in

pytestmark = pytest.mark.e2e


def console(site, browser_context):
    page = sign_in(browser_context(), site.first.url, "dispatcher1", "/console/")
    live(page)
    return page


def test_ev_enters_a_stolen_vehicle_that_qv_then_finds(site, browser_context, tmp_path):
    page = console(site, browser_context)

    command(page, "EV KS4471X KS")
    panel = page.locator("#record-entry")
    expect(panel).to_be_visible()
    expect(page.locator("#ev-plate")).to_have_value("KS4471X")
    expect(page.locator("#ev-state")).to_have_value("KS")
    expect(page.locator("#ev-vin")).to_be_focused()
    page.locator("#ev-make").fill("Chevrolet")
    page.locator("#ev-colour").fill("green")
    panel.screenshot(path=str(tmp_path / "enter-stolen-vehicle.png"))
    page.locator("#ev-colour").press("Enter")

    expect(panel).to_be_hidden()
    expect(page.locator("#cmd")).to_be_focused()
    expect(page.locator("#cmd-message")).to_contain_text(
        "Stolen vehicle KS4471X KS entered; QV finds it from now.")
    command(page, "QV KS4471X KS C")
    hit = page.locator("#inquiry-hits li[data-type='stolen_vehicle'][data-simulated='false']")
    expect(hit).to_contain_text("STOLEN VEHICLE")
    expect(hit).to_contain_text("KS4471X KS green Chevrolet")
    assert page.errors == [], page.errors


def test_a_bad_vin_is_shown_beside_the_vin_and_nothing_typed_is_lost(site, browser_context):
    page = console(site, browser_context)

    command(page, "EV 1HGCM82633A004353")
    expect(page.locator("#ev-vin")).to_have_value("1HGCM82633A004353")
    expect(page.locator("#ev-year")).to_be_focused()
    page.keyboard.type("2008")
    page.locator("#ev-make").fill("Honda")
    page.locator("#ev-case-number").fill("26-5120")
    page.keyboard.press("Enter")

    expect(page.locator("#ev-vin-error")).to_contain_text("check digit")
    expect(page.locator("#ev-vin")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#ev-vin")).to_be_focused()
    expect(page.locator("#ev-plate-error")).to_be_empty()
    expect(page.locator("#cmd-message")).to_contain_text("EV: not entered")
    # Esc closes the form; EV again brings it back as it was left.
    page.keyboard.press("Escape")
    expect(page.locator("#record-entry")).to_be_hidden()
    expect(page.locator("#cmd")).to_be_focused()
    command(page, "EV")
    kept = {"vin": "1HGCM82633A004353", "year": "2008", "make": "Honda", "case-number": "26-5120"}
    for field, value in kept.items():
        expect(page.locator(f"#ev-{field}")).to_have_value(value)

    page.locator("#ev-vin").fill("1HGCM82633A004352")
    page.locator("#ev-vin").press("Enter")
    expect(page.locator("#record-entry")).to_be_hidden()
    expect(page.locator("#cmd-message")).to_contain_text("Stolen vehicle VIN 1HGCM82633A004352 entered")
    assert page.errors == [], page.errors


def test_em_refuses_a_future_birth_date_beside_it_then_enters_the_missing_person(site, browser_context):
    page = console(site, browser_context)

    command(page, "EM LIND,NORA 2099-01-01")
    expect(page.locator("#em-last")).to_have_value("LIND")
    expect(page.locator("#em-first")).to_have_value("NORA")
    expect(page.locator("#em-category")).to_be_focused()
    options = page.locator("#em-category option").evaluate_all("os => os.map(o => [o.value, o.textContent])")
    assert options[1:] == [list(choice) for choice in MissingCategory.choices]
    page.locator("#em-category").select_option("endangered")
    page.locator("#em-last-seen").fill("Harmon Park, red coat")
    page.locator("#em-last-seen").press("Enter")

    expect(page.locator("#em-dob-error")).to_have_text("A date of birth cannot be in the future.")
    expect(page.locator("#em-dob")).to_be_focused()
    expect(page.locator("#em-category")).to_have_value("endangered")
    expect(page.locator("#em-last-seen")).to_have_value("Harmon Park, red coat")
    expect(page.locator("#em-missing-since")).not_to_have_value("")

    page.locator("#em-dob").fill("2014-05-02")
    page.keyboard.press("Enter")
    expect(page.locator("#record-entry")).to_be_hidden()
    expect(page.locator("#cmd-message")).to_contain_text("Missing person LIND, NORA entered (endangered).")
    command(page, "QP LIND,NORA 2014-05-02 C")
    hit = page.locator("#inquiry-hits li[data-type='missing_person']")
    expect(hit).to_contain_text("MISSING PERSON")
    expect(hit).to_contain_text("LIND, NORA")
    assert page.errors == [], page.errors


def test_a_photo_not_saved_is_said_and_the_missing_person_stays_entered(site, browser_context):
    page = console(site, browser_context)
    sent = []

    def refuse(route):
        request = route.request
        sent.append((request.method, request.headers["content-type"], request.post_data_buffer))
        route.fulfill(status=400, content_type="application/json", body='{"photo": ["Not an image."]}')

    page.route("**/api/v1/missing-persons/*/photo/", refuse)
    command(page, "EM OKAFOR,TEMI 2009-11-30")
    page.locator("#em-category").select_option("runaway")
    page.locator("#em-last-seen").fill("Bus stop, 3rd and Main")
    page.locator("#em-photo").set_input_files({"name": "temi.png", "mimeType": "image/png",
                                               "buffer": b"\x89PNG"})
    page.locator("#em-last-seen").press("Enter")

    expect(page.locator("#cmd-message")).to_contain_text(
        "OKAFOR, TEMI entered, but the photo was not saved: Not an image.")
    expect(page.locator("#record-entry")).to_be_hidden()
    [(method, content_type, body)] = sent
    assert method == "PUT" and content_type.startswith("multipart/form-data")
    assert b'name="photo"; filename="temi.png"' in body
    command(page, "QP OKAFOR,TEMI 2009-11-30 C")
    expect(page.locator("#inquiry-hits li[data-type='missing_person']")).to_contain_text("OKAFOR, TEMI")
    assert page.errors == [], page.errors


def test_em_with_a_photo_shows_it_on_the_persons_hit(site, browser_context):
    from io import BytesIO

    from PIL import Image

    picture = BytesIO()
    Image.new("RGB", (40, 50), (90, 140, 200)).save(picture, "PNG")
    page = console(site, browser_context)
    command(page, "EM ABARA,CHIDI 2012-03-14")
    page.locator("#em-category").select_option("lost")
    page.locator("#em-last-seen").fill("Riverside library")
    page.locator("#em-photo").set_input_files({"name": "chidi.png", "mimeType": "image/png",
                                               "buffer": picture.getvalue()})
    page.locator("#em-last-seen").press("Enter")
    expect(page.locator("#cmd-message")).to_contain_text("Missing person ABARA, CHIDI entered (lost).")

    command(page, "QP ABARA,CHIDI 2012-03-14 C")
    photo = page.locator("#inquiry-hits li[data-type='missing_person'] img.hit-photo")
    expect(photo).to_be_visible()
    page.wait_for_function("document.querySelector('img.hit-photo').naturalWidth === 40")
    assert page.errors == [], page.errors
