from calls import services
from calls.models import CallType
from tests.conftest import token_client
from units.models import Unit

ROBBERY = {"call_type": "ROBBERY", "location": {"address": "310 MAIN ST"}}


def test_only_the_center_token_dispatches(db):
    for code in ("ACS", "DPW", "CFD", "BHT"):
        client = token_client(code)
        assert client.post("/api/v1/calls/", ROBBERY, format="json").status_code == 403, code
    assert token_client("CPD").post("/api/v1/calls/", ROBBERY, format="json").json()["source"] == "911"
    # A partner's token sends a call in (tests/calls/test_share.py): marked as the partner's.
    sent = token_client("DCSO").post("/api/v1/calls/", ROBBERY, format="json").json()
    assert (sent["source"], sent["sent_by"]["agency"]) == ("partner", "DCSO")


def test_a_served_department_sees_its_units_and_the_calls_they_were_sent_to(alice):
    public_works = token_client("DPW")
    hidden = services.call_create(call_type=CallType.objects.get(code="DVA"),
                                  location={"address": "310 MAIN ST"}, by=alice, caller_name="Victim")
    water = services.call_create(call_type=CallType.objects.get(code="WATERMAIN"),
                                 location={"address": "130 OAK ST"}, by=alice)
    services.call_dispatch(call=water, units=[Unit.objects.get(callsign="W1")], by=alice)

    listed = public_works.get("/api/v1/calls/").json()
    assert [c["number"] for c in listed["results"]] == [water.number]
    assert public_works.get(f"/api/v1/calls/{hidden.pk}/").status_code == 404
    assert public_works.get(f"/api/v1/calls/{water.pk}/").status_code == 200
    assert {u["agency"] for u in public_works.get("/api/v1/units/").json()} == {"DPW"}
    assert public_works.post(f"/api/v1/calls/{water.pk}/close/", {"disposition": "02"},
                             format="json").status_code == 403
    assert public_works.post("/api/v1/units/W1/status/", {"status": "enroute"},
                             format="json").status_code == 200
    assert public_works.post("/api/v1/units/1A11/status/", {"status": "off_duty"},
                             format="json").status_code == 404


def test_a_partner_sees_a_call_once_its_unit_is_sent_as_mutual_aid(alice):
    sheriff = token_client("DCSO")
    call = services.call_create(call_type=CallType.objects.get(code="ROBBERY"),
                                location={"address": "310 MAIN ST"}, by=alice)
    assert sheriff.get(f"/api/v1/calls/{call.pk}/").status_code == 404
    services.call_dispatch(call=call, units=[Unit.objects.get(callsign="S21")], by=alice)
    detail = sheriff.get(f"/api/v1/calls/{call.pk}/")
    assert detail.status_code == 200
    assert detail.json()["units"] == [{"callsign": "S21", "agency": "DCSO", "status": "dispatched"}]
