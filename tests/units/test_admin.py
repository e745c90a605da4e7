"""Units in the admin: supervisors keep their descriptions; statuses change only through services."""

import json

from django.test import Client

from calls.models import CallType
from calls.services import call_create, call_dispatch
from units.choices import UnitStatus
from units.models import Station, Unit, UnitStatusChange

UNITS = "/admin/units/unit/"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def descriptive_fields(unit: Unit, **changes) -> dict:
    fields = {
        "agency": unit.agency_id,
        "unit_type": unit.unit_type,
        "discipline": unit.discipline_id,
        "capabilities": json.dumps(unit.capabilities),
        "home_beat": unit.home_beat_id or "",
        "station": unit.station_id or "",
    }
    return fields | changes


def dispatched(callsign: str, by) -> Unit:
    call = call_create(
        call_type=CallType.objects.get(code="ROBBERY"), location={"address": "310 MAIN ST"}, by=by
    )
    unit = Unit.objects.get(callsign=callsign)
    call_dispatch(call=call, units=[unit], by=by)
    unit.refresh_from_db()
    return unit


def test_the_unit_page_shows_its_status_read_only(sam):
    unit = Unit.objects.get(callsign="1A11")

    page = client_for(sam).get(f"{UNITS}{unit.pk}/change/").content.decode()

    assert '<div class="readonly">Available</div>' in page
    assert 'name="status"' not in page
    assert 'name="station"' in page


def test_posting_a_status_from_the_admin_does_not_change_it(sam):
    unit = Unit.objects.get(callsign="1A11")

    response = client_for(sam).post(
        f"{UNITS}{unit.pk}/change/",
        descriptive_fields(unit, station=Station.objects.create(name="Substation North").pk,
                           status=UnitStatus.OUT_OF_SERVICE,
                           current_call_id=""),
    )

    assert response.status_code == 302, response.content.decode()
    unit.refresh_from_db()
    assert unit.station.name == "Substation North"
    assert unit.status == UnitStatus.AVAILABLE
    assert not UnitStatusChange.objects.filter(unit=unit).exists()


def test_editing_a_unit_on_a_call_leaves_it_on_the_call(sam, alice):
    unit = dispatched("1A11", alice)

    response = client_for(sam).post(
        f"{UNITS}{unit.pk}/change/",
        descriptive_fields(unit, capabilities='["patrol", "k9"]', status=UnitStatus.AVAILABLE),
    )

    assert response.status_code == 302, response.content.decode()
    after = Unit.objects.get(pk=unit.pk)
    assert after.capabilities == ["patrol", "k9"]
    assert (after.status, after.current_call_id) == (UnitStatus.DISPATCHED, unit.current_call_id)


def test_the_unit_page_shows_its_recent_status_history(carol, alice):
    unit = dispatched("1A11", alice)

    page = client_for(carol).get(f"{UNITS}{unit.pk}/change/").content.decode()

    assert "Available → Dispatched" in page
    assert unit.current_call_number in page
    assert f'/admin/calls/call/{unit.current_call_id}/change/' in page
    assert f"/admin/units/unitstatuschange/?unit__id__exact={unit.pk}" in page


def test_a_supervisor_adds_a_unit_that_starts_available(sam):
    template = Unit.objects.get(callsign="1A11")

    response = client_for(sam).post(
        f"{UNITS}add/", descriptive_fields(template, callsign="1A13", status=UnitStatus.OFF_DUTY)
    )

    assert response.status_code == 302, response.content.decode()
    unit = Unit.objects.get(callsign="1A13")
    assert unit.status == UnitStatus.AVAILABLE
    assert unit.status_since is not None


def test_a_records_clerk_reads_units_but_cannot_change_them(carol):
    unit = Unit.objects.get(callsign="1A11")
    clerk = client_for(carol)

    assert clerk.get(f"{UNITS}{unit.pk}/change/").status_code == 200
    response = clerk.post(f"{UNITS}{unit.pk}/change/", descriptive_fields(unit, station=""))

    assert response.status_code == 403
    assert Unit.objects.get(pk=unit.pk).station == unit.station


def test_units_are_found_by_callsign_and_filtered_by_status(carol, alice):
    dispatched("1A11", alice)
    clerk = client_for(carol)

    by_callsign = clerk.get(UNITS, {"q": "1a12"}).context["cl"].result_list
    busy = clerk.get(UNITS, {"status__exact": UnitStatus.DISPATCHED}).context["cl"].result_list

    assert [u.callsign for u in by_callsign] == ["1A12"]
    assert [u.callsign for u in busy] == ["1A11"]


def test_status_history_is_read_only_even_for_the_superuser(admin_user, alice):
    unit = dispatched("1A11", alice)
    change = UnitStatusChange.objects.get(unit=unit)
    admin = client_for(admin_user)
    history = "/admin/units/unitstatuschange/"

    found = admin.get(history, {"q": "1A11"}).context["cl"].result_list
    page = admin.get(f"{history}{change.pk}/change/").content.decode()

    assert list(found) == [change]
    assert 'name="_save"' not in page
    assert admin.post(f"{history}{change.pk}/delete/", {"post": "yes"}).status_code == 403
    assert admin.get(f"{history}add/").status_code == 403
    assert UnitStatusChange.objects.filter(pk=change.pk).exists()


def test_a_unit_added_in_lower_case_is_dispatchable_by_its_callsign(sam, as_alice):
    template = Unit.objects.get(callsign="1A11")
    client_for(sam).post(f"{UNITS}add/", descriptive_fields(template, callsign=" 6a99 "))
    assert Unit.objects.filter(callsign="6A99").exists()
    call = as_alice.post("/api/v1/calls/", {"call_type": "FIGHT", "location": {"address": "310 MAIN ST"}},
                         format="json").json()
    response = as_alice.post(f"/api/v1/calls/{call['id']}/dispatch/", {"units": ["6a99"]}, format="json")
    assert response.status_code == 200
    assert response.json()["units"][0]["callsign"] == "6A99"


def test_a_disposition_code_in_use_cannot_be_renamed(sam, admin_user):
    from calls.models import Disposition

    duplicate = Disposition.objects.get(code="22")
    client_for(admin_user).post(f"/admin/calls/disposition/{duplicate.pk}/change/",
                                {"code": "22X", "description": duplicate.description})
    assert Disposition.objects.filter(code="22").exists()


def test_a_callsign_the_api_cannot_address_is_refused_in_the_admin(sam):
    template = Unit.objects.get(callsign="1A11")
    response = client_for(sam).post(f"{UNITS}add/", descriptive_fields(template, callsign="bat_1"))
    assert response.status_code == 200
    assert "letters, digits and hyphens" in response.content.decode()
    assert not Unit.objects.filter(callsign__iexact="bat_1").exists()


def test_a_unit_changed_in_the_admin_is_announced_as_it_now_stands(sam, alice, console_channel,
                                                                    django_capture_on_commit_callbacks):
    from tests.conftest import receive

    unit = dispatched("1A11", alice)
    layer, name = console_channel
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(sam).post(f"{UNITS}{unit.pk}/change/",
                                        descriptive_fields(unit, capabilities='["patrol", "k9"]'))
    assert response.status_code == 302, response.content.decode()
    event = receive(layer, name)
    assert event["event"] == "unit.updated"
    assert event["data"]["capabilities"] == ["patrol", "k9"]
    # The rest as it is now, not as the form saw it: still dispatched on its call.
    assert (event["data"]["status"], event["data"]["call_number"]) == ("dispatched", unit.current_call_number)


def test_renaming_a_station_announces_the_units_housed_there(sam, console_channel,
                                                             django_capture_on_commit_callbacks):
    from tests.conftest import receive

    station = Station.objects.get(name="Fire Station 3")
    housed = set(Unit.objects.filter(station=station).values_list("callsign", flat=True))
    layer, name = console_channel
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(sam).post(f"/admin/units/station/{station.pk}/change/", {
            "name": "Fire Station 3 (Cedar)", "agency": station.agency_id, "lat": station.lat,
            "lon": station.lon})
    assert response.status_code == 302, response.content.decode()
    events = receive(layer, name, len(housed))
    assert {e["data"]["callsign"] for e in events} == housed
    assert {e["data"]["station"] for e in events} == {"Fire Station 3 (Cedar)"}
