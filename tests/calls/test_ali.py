"""The 9-1-1 line's ANI/ALI (POST ali/): a pending call placed and typed from it, per class of
service; ring and answer times; rebids; bad input; who may send it; who hears of it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cad import stream
from cad.models import Event
from calls import services
from calls.models import AliRecord, Call, CallType, ChronologyEntry, Disposition
from premises.models import Address
from records.models import AuditEntry
from tests.conftest import client_for

ALI = "/api/v1/ali/"
ANI = "8165550100"


def at(label: str) -> tuple[float, float]:
    address = Address.objects.get(label=label)
    return address.lat, address.lon


def iso(moment) -> str:
    return moment.isoformat(timespec="seconds")


def line(client, expect: int = 201, **fields) -> dict:
    body = {"ani": ANI, "class_of_service": "RESD", "address": "310 MAIN ST", **fields}
    response = client.post(ALI, body, format="json")
    assert response.status_code == expect, response.json()
    return response.json()


def chronology(call_id: int) -> list[ChronologyEntry]:
    return list(ChronologyEntry.objects.filter(call_id=call_id).order_by("at", "pk"))


def test_a_residence_line_becomes_a_pending_call_of_unknown_nature_at_its_address(as_cpd_token):
    before = timezone.now()

    call = line(as_cpd_token, position="P03")

    assert call["status"] == "pending"
    assert call["call_type"] == {"code": "911UNK", "description": "9-1-1 Call, Nature Not Yet Known"}
    assert call["priority"] == 2
    assert call["source"] == "911"
    assert call["caller"]["phone"] == ANI
    assert call["location"]["address"] == "310 MAIN ST" and call["location"]["verified"] is True
    assert call["location"]["beat"] is not None
    ali = call["ali"]
    assert (ali["ani"], ali["class_of_service"], ali["wireless_phase"], ali["position"]) == (
        ANI, "RESD", None, "P03")
    assert ali["call"] == {"id": call["id"], "number": call["number"]}
    record = AliRecord.objects.get(pk=ali["id"])
    assert record.call_id == call["id"] and record.callback_id is None
    # Rang and answered now, as the telephony said nothing: the call was received when answered.
    stored = Call.objects.get(pk=call["id"])
    assert before <= stored.rang_at <= stored.answered_at == stored.received_at <= timezone.now()
    created = chronology(call["id"])[0]
    assert created.kind == "created"
    assert created.text.startswith("911UNK P2 at 310 MAIN ST; 9-1-1 RESD 8165550100, position P03, rang ")


def test_a_phase_ii_line_is_placed_at_the_handset_not_at_the_tower_address_sent_with_it(as_cpd_token):
    lat, lon = at("310 MAIN ST")

    call = line(as_cpd_token, class_of_service="WPH2", address="100 OAK ST", lat=lat, lon=lon,
                uncertainty_m=12.5, confidence=90)

    assert call["source"] == "911_wireless"
    assert (call["location"]["lat"], call["location"]["lon"]) == (lat, lon)
    assert call["location"]["address"] == "310 MAIN ST"  # the address point under the handset
    ali = call["ali"]
    assert (ali["wireless_phase"], ali["uncertainty_m"], ali["confidence"]) == (2, 12.5, 90)
    assert ali["address"] == "100 OAK ST"  # kept as sent
    assert f"9-1-1 WPH2 {ANI}, {lat:.6f}, {lon:.6f} ±12.5 m at 90%" in chronology(call["id"])[0].text


def test_a_phase_i_line_is_placed_at_its_tower_unverified_and_says_there_is_no_handset_fix(as_cpd_token):
    lat, lon = at("130 OAK ST")

    call = line(as_cpd_token, class_of_service="WPH1", address="TOWER 14 SECTOR 2", lat=lat + 0.0005, lon=lon)

    assert call["source"] == "911_wireless"
    assert call["location"]["verified"] is False
    assert call["ali"]["wireless_phase"] == 1
    assert "tower and sector, no handset fix" in chronology(call["id"])[0].text


@pytest.mark.parametrize("cos, source, located", [
    ("BUSN", "911", "310 MAIN ST"),
    ("PBXB", "911", "310 MAIN ST"),
    ("PBXR", "911", "310 MAIN ST"),
    ("CNTX", "911", "310 MAIN ST"),
    ("COIN", "911", "310 MAIN ST"),
    ("VOIP", "911", "310 MAIN ST"),
    ("VNOM", "911", "310 MAIN ST"),
    ("TDD", "text", "310 MAIN ST"),
    ("TEXT", "text", "point"),
    ("WRLS", "911_wireless", "point"),
])
def test_each_class_of_service_gives_its_source_and_where_the_call_is_placed(as_cpd_token, cos, source,
                                                                             located):
    lat, lon = at("130 OAK ST")  # a point away from the civic address sent

    call = line(as_cpd_token, class_of_service=cos, lat=lat, lon=lon)

    assert call["source"] == source
    assert call["ali"]["source"] == source
    # Wireline and VoIP lines are placed at the subscriber's address; wireless and text at the point.
    assert call["location"]["address"] == ("130 OAK ST" if located == "point" else located)


def test_a_line_with_no_location_at_all_still_makes_a_call_for_the_call_taker_to_ask(as_cpd_token):
    call = line(as_cpd_token, class_of_service="WRLS", address=None)

    assert call["location"] == {"address": "NO LOCATION GIVEN: ASK THE CALLER", "lat": None, "lon": None,
                                "beat": None, "verified": False}
    assert "no location" in chronology(call["id"])[0].text


def test_the_ring_and_answer_times_sent_are_stamped_on_the_call(as_cpd_token):
    rang = timezone.now().replace(microsecond=0) - timedelta(seconds=30)

    call = line(as_cpd_token, rang_at=iso(rang), answered_at=iso(rang + timedelta(seconds=8)))

    stored = Call.objects.get(pk=call["id"])
    assert (stored.answered_at - stored.rang_at).total_seconds() == 8  # the call-answering interval
    assert stored.received_at == stored.answered_at
    assert call["rang_at"] is not None and call["answered_at"] is not None
    assert call["ali"]["rang_at"] == call["rang_at"]


def test_an_answer_time_alone_makes_the_ring_the_same_moment_never_a_later_one(as_cpd_token):
    answered = timezone.now().replace(microsecond=0) - timedelta(seconds=5)

    call = line(as_cpd_token, answered_at=iso(answered))

    stored = Call.objects.get(pk=call["id"])
    assert stored.rang_at == stored.answered_at == answered


BAD = [
    ({"ani": None}, "ani"),
    ({"ani": ""}, "ani"),
    ({"ani": "816-ABC"}, "ani"),
    ({"class_of_service": "MOON"}, "class_of_service"),
    ({"class_of_service": 2}, "class_of_service"),
    ({"lat": 39.01}, "lon"),
    ({"lat": 95.0, "lon": -94.28}, "lat"),
    ({"lat": "39.01", "lon": -94.28}, "lat"),
    ({"lat": 39.01, "lon": -94.28, "uncertainty_m": -1}, "uncertainty_m"),
    ({"lat": 39.01, "lon": -94.28, "confidence": 101}, "confidence"),
    ({"lat": 39.01, "lon": -94.28, "confidence": -1}, "confidence"),
    ({"lat": 39.01, "lon": -94.28, "confidence": 90.5}, "confidence"),
    ({"uncertainty_m": 30}, "uncertainty_m"),
    ({"class_of_service": "WPH2", "address": "TOWER 14"}, "lat"),
    ({"abandoned": "yes"}, "abandoned"),
    ({"rang_at": "yesterday"}, "rang_at"),
    ({"rang_at": iso(timezone.now() + timedelta(hours=1))}, "rang_at"),
    ({"rang_at": iso(timezone.now() - timedelta(minutes=1)),
      "answered_at": iso(timezone.now() - timedelta(minutes=2))}, "answered_at"),
    ({"caller": "Jane"}, "caller"),
]


@pytest.mark.parametrize("fields, field", BAD, ids=[f"{field}-{i}" for i, (_, field) in enumerate(BAD)])
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_kept(as_cpd_token, fields, field):
    records, calls = AliRecord.objects.count(), Call.objects.count()
    body = {"ani": ANI, "class_of_service": "RESD", "address": "310 MAIN ST", **fields}
    if body["ani"] is None:
        del body["ani"]

    response = as_cpd_token.post(ALI, body, format="json")

    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert (AliRecord.objects.count(), Call.objects.count()) == (records, calls)


def test_a_record_that_is_not_an_object_is_a_400(as_cpd_token):
    assert as_cpd_token.post(ALI, [ANI], format="json").status_code == 400


@pytest.mark.parametrize("who, status", [("partner", 403), ("clerk", 403), ("anonymous", 401)])
def test_only_the_centers_program_and_dispatchers_send_ani_ali(who, status, as_sheriff_token, as_carol,
                                                                anonymous):
    client = {"partner": as_sheriff_token, "clerk": as_carol, "anonymous": anonymous}[who]

    response = client.post(ALI, {"ani": ANI, "class_of_service": "RESD", "address": "310 MAIN ST"},
                           format="json")

    assert response.status_code == status
    assert client.get(ALI).status_code == (200 if who == "clerk" else status)


def test_a_dispatcher_may_send_one_by_hand(as_alice):
    assert line(as_alice)["ali"]["ani"] == ANI


def test_the_records_are_listed_newest_first_for_the_centers_staff(as_cpd_token, as_carol):
    first = line(as_cpd_token)["ali"]["id"]
    second = line(as_cpd_token, ani="8165550111")["ali"]["id"]

    listed = [r["id"] for r in as_carol.get(ALI).json()["results"]]

    assert listed.index(second) < listed.index(first)
    assert as_carol.get(f"{ALI}{first}/").json()["ani"] == ANI


def test_receiving_is_audited_and_announced_to_the_center_only(as_cpd_token,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call = line(as_cpd_token)

    event = Event.objects.get(event="ali.received")
    assert event.data["id"] == call["ali"]["id"] and event.data["call"]["number"] == call["number"]
    assert not stream.shared_with(event.announcement(), "DCSO")
    assert Event.objects.filter(event="call.created", call_id=call["id"]).exists()
    entry = AuditEntry.objects.get(action="ali.receive")
    assert entry.object == f"ali:{call['ali']['id']}"
    assert entry.detail["call"] == call["number"]


def test_without_the_call_type_for_an_unknown_nature_it_is_a_409_that_says_which(as_cpd_token):
    CallType.objects.filter(code="911UNK").update(active=False)
    records = AliRecord.objects.count()

    response = as_cpd_token.post(ALI, {"ani": ANI, "class_of_service": "RESD", "address": "310 MAIN ST"},
                                 format="json")

    assert response.status_code == 409
    assert "911UNK" in response.json()["detail"] and "CAD_ALI_CALL_TYPE" in response.json()["detail"]
    assert AliRecord.objects.count() == records


# Rebids

def rebid(client, record_id: int, expect: int = 200, **fields) -> dict:
    response = client.post(f"{ALI}{record_id}/rebid/", fields, format="json")
    assert response.status_code == expect, response.json()
    return response.json()


def test_a_rebid_moves_the_call_to_the_handset_and_the_chronology_says_so(as_cpd_token):
    tower_lat, tower_lon = at("130 OAK ST")
    call = line(as_cpd_token, class_of_service="WPH1", address="TOWER 14", lat=tower_lat, lon=tower_lon)
    lat, lon = at("310 MAIN ST")

    first = rebid(as_cpd_token, call["ali"]["id"], class_of_service="WPH2", lat=lat, lon=lon, uncertainty_m=9,
                  confidence=95)

    assert (first["rebid_of"], first["line"], first["rebids"]) == (call["ali"]["id"], call["ali"]["id"], 1)
    assert (first["class_of_service"], first["wireless_phase"]) == ("WPH2", 2)
    assert first["call"]["id"] == call["id"]
    moved = Call.objects.get(pk=call["id"])
    assert (moved.lat, moved.lon, moved.address) == (lat, lon, "310 MAIN ST")
    entry = chronology(call["id"])[-1]
    assert entry.kind == "changed"
    assert entry.text.startswith(f"location rebid 1 (WPH2 {ANI}, {lat:.6f}, {lon:.6f} ±9 m at 95%): ")
    assert "address: 130 OAK ST → 310 MAIN ST" in entry.text
    assert entry.changes["lat"] == [tower_lat, lat]

    again = rebid(as_cpd_token, first["id"], lat=lat + 0.0002, lon=lon)  # by the rebid's id: the same line

    assert again["rebids"] == 2 and again["class_of_service"] == "WPH2"
    assert chronology(call["id"])[-1].text.startswith("location rebid 2 (WPH2")
    assert AliRecord.objects.get(pk=call["ali"]["id"]).rebid_count == 2
    assert AuditEntry.objects.filter(action="ali.rebid", object=f"ali:{call['ali']['id']}").count() == 2


def test_a_rebid_to_the_same_place_is_still_on_the_chronology(as_cpd_token):
    lat, lon = at("310 MAIN ST")
    call = line(as_cpd_token, class_of_service="WPH2", lat=lat, lon=lon, uncertainty_m=50)

    rebid(as_cpd_token, call["ali"]["id"], lat=lat, lon=lon, uncertainty_m=8)

    assert chronology(call["id"])[-1].text == (f"location rebid 1 (WPH2 {ANI}, {lat:.6f}, {lon:.6f} ±8 m): "
                                                "the same location")


@pytest.mark.parametrize("fields, field", [
    ({}, "lat"),
    ({"lat": 39.01}, "lon"),
    ({"ani": "8165559999", "lat": 39.01, "lon": -94.28}, "ani"),
    ({"lat": 39.01, "lon": -94.28, "confidence": 150}, "confidence"),
    ({"lat": 39.01, "lon": -94.28, "position": "P1"}, "position"),
])
def test_a_rebid_that_cannot_be_meant_is_a_400_and_the_call_stays(as_cpd_token, fields, field):
    call = line(as_cpd_token)

    response = as_cpd_token.post(f"{ALI}{call['ali']['id']}/rebid/", fields, format="json")

    assert response.status_code == 400 and field in response.json()
    assert Call.objects.get(pk=call["id"]).address == "310 MAIN ST"
    assert AliRecord.objects.get(pk=call["ali"]["id"]).rebid_count == 0


def test_a_rebid_of_a_closed_call_is_a_409_and_nothing_is_kept(as_cpd_token, alice):
    call = line(as_cpd_token)
    services.call_close(call=Call.objects.get(pk=call["id"]), disposition=Disposition.objects.get(code="02"),
                        by=alice)
    records = AliRecord.objects.count()

    response = as_cpd_token.post(f"{ALI}{call['ali']['id']}/rebid/", {"lat": 39.01, "lon": -94.28},
                                 format="json")

    assert response.status_code == 409 and "closed" in response.json()["detail"]
    assert AliRecord.objects.count() == records


def test_a_partner_cannot_rebid_and_an_unknown_record_is_a_404(as_cpd_token, as_sheriff_token):
    call = line(as_cpd_token)

    assert as_sheriff_token.post(f"{ALI}{call['ali']['id']}/rebid/", {"lat": 39.01, "lon": -94.28},
                                 format="json").status_code == 403
    assert as_cpd_token.post(f"{ALI}999999999/rebid/", {"lat": 39.01, "lon": -94.28},
                             format="json").status_code == 404


def test_a_call_from_ali_is_typed_by_the_call_taker_like_any_other(as_cpd_token, alice):
    call = line(as_cpd_token)

    response = client_for(alice).patch(f"/api/v1/calls/{call['id']}/", {
        "call_type": "ROBBERY", "priority": 1, "caller": {"name": "Jane Roe"},
        "narrative": "Man with a knife"}, format="json")

    assert response.status_code == 200
    typed = response.json()
    assert (typed["call_type"]["code"], typed["priority"], typed["caller"]) == (
        "ROBBERY", 1, {"name": "Jane Roe", "phone": ANI})
    assert "call_type: 911UNK" in chronology(call["id"])[-1].text
