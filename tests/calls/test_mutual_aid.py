"""Mutual aid (CONTRACT.md, partner agencies): a dispatcher asks a partner for units of one
capability on a call; the partner sees what it needs to decide, accepts with its units (dispatched
on the call at once) or declines with a reason; a dispatcher may cancel; every bad input is a 400
with the reason and saves nothing; an answered request is a 409; another agency's request a 404."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.utils import timezone

from cad.exceptions import Conflict
from cad.models import Agency, Discipline, Event
from calls import services
from calls.models import Assignment, Call, CallType, ChronologyEntry, Disposition, MutualAidRequest
from records.models import AuditEntry
from tests.conftest import token_client
from units.choices import UnitStatus, UnitType
from units.models import Unit
from units.services import unit_status_set

CALLS = "/api/v1/calls/"
AID = "/api/v1/mutual-aid/"
ENGINE_FROM_NFPD = {"agency": "NFPD", "capability": "engine", "count": 1, "note": "second alarm, 2 story"}


def new_call(by, code: str = "FSTRU", address: str = "430 ELM ST") -> Call:
    return services.call_create(call_type=CallType.objects.get(code=code), location={"address": address},
                                by=by)


def ask(client, call: Call, **changes):
    return client.post(f"{CALLS}{call.pk}/mutual-aid/", {**ENGINE_FROM_NFPD, **changes}, format="json")


def asked(by, call: Call, agency: str = "NFPD", capability: str = "engine", count: int = 1
          ) -> MutualAidRequest:
    return services.mutual_aid_request(call=call, agency=Agency.objects.get(code=agency),
                                       capability=capability, count=count, by=by)


def unit(callsign: str) -> Unit:
    return Unit.objects.get(callsign=callsign)


def lines(call: Call) -> list[str]:
    return list(ChronologyEntry.objects.filter(call=call, kind="mutual_aid").order_by("at", "id")
                .values_list("text", flat=True))


@pytest.fixture
def fire(alice) -> Call:
    return new_call(alice)


@pytest.fixture
def nfpd():
    return token_client("NFPD")


@pytest.fixture
def dcso():
    return token_client("DCSO")


# Asking


def test_a_dispatcher_asks_a_fire_district_for_an_engine(
        as_alice, alice, fire, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(as_alice, fire)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["agency"], body["capability"], body["count"], body["note"], body["state"]) == (
        "NFPD", "engine", 1, "second alarm, 2 story", "pending")
    assert body["agency_name"] == "North County Fire Protection District"
    assert body["call"]["number"] == fire.number
    assert body["requested_by"] == "dispatcher1"
    assert body["answered_at"] is None and body["answer_seconds"] is None and body["units"] == []
    assert lines(fire) == ["Mutual aid asked of NFPD: 1 × engine (second alarm, 2 story)"]
    event = Event.objects.get(event="mutual_aid.requested")
    assert (event.call_id, event.agency_code, event.data["id"]) == (fire.pk, "NFPD", body["id"])
    audit = AuditEntry.objects.get(action="mutual_aid.request")
    assert (audit.object, audit.username, audit.detail["agency"]) == (
        f"call:{fire.pk}", "dispatcher1", "NFPD")


def test_the_capability_and_agency_may_be_given_in_any_case(as_alice, fire):
    response = ask(as_alice, fire, agency="nfpd", capability=" Engine ")
    assert response.status_code == 201, response.json()
    assert (response.json()["agency"], response.json()["capability"]) == ("NFPD", "engine")


@pytest.mark.parametrize("changes, field, says", [
    ({"agency": "CPD"}, "agency", "the center itself"),
    ({"agency": "CFD"}, "agency", "dispatched by the center"),
    ({"agency": "XYZ"}, "agency", "Unknown agency"),
    ({"agency": ""}, "agency", ""),
    ({"capability": "hovercraft"}, "capability", "Unknown capability"),
    ({"capability": "k9"}, "capability", "NFPD has no unit with k9"),
    ({"count": 0}, "count", ""),
    ({"count": -2}, "count", ""),
    ({"count": 21}, "count", ""),
    ({"count": "2"}, "count", "whole number"),
    ({"note": "x" * 501}, "note", ""),
    ({"units": ["E51"]}, "units", "Not a field here"),
])
def test_a_bad_request_is_a_400_that_says_why_and_saves_nothing(as_alice, fire, changes, field, says):
    response = ask(as_alice, fire, **changes)

    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert says in " ".join(response.json()[field])
    assert not MutualAidRequest.objects.exists()
    assert lines(fire) == []


def test_a_request_without_agency_or_capability_names_both(as_alice, fire):
    response = as_alice.post(f"{CALLS}{fire.pk}/mutual-aid/", {"count": 1}, format="json")
    assert response.status_code == 400
    assert {"agency", "capability"} <= set(response.json())


def test_the_service_refuses_the_center_itself_too(alice, fire):
    from cad.exceptions import Invalid

    with pytest.raises(Invalid) as refused:
        asked(alice, fire, agency="CPD")
    assert "the center itself" in refused.value.detail["agency"][0]


def test_asking_the_same_agency_again_for_the_same_capability_while_it_has_not_answered_is_a_409(
        as_alice, fire):
    assert ask(as_alice, fire).status_code == 201
    again = ask(as_alice, fire)
    assert again.status_code == 409
    assert "has not answered yet" in again.json()["detail"]
    # Another capability is another question.
    assert ask(as_alice, fire, capability="medic").status_code == 201
    assert MutualAidRequest.objects.count() == 2


def test_a_closed_call_gets_no_mutual_aid(as_alice, alice, fire):
    services.call_close(call=fire, disposition=Disposition.objects.get(code="02"), by=alice)
    response = ask(as_alice, fire)
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]


def test_only_dispatchers_and_supervisors_ask(as_carol, as_sam, nfpd, anonymous, fire):
    assert ask(as_carol, fire).status_code == 403
    assert ask(nfpd, fire).status_code == 403
    assert ask(anonymous, fire).status_code == 401
    assert ask(as_sam, fire).status_code == 201


# What the partner sees


def test_the_partner_sees_what_it_needs_to_decide_before_it_may_see_the_call(alice, fire, nfpd):
    request = asked(alice, fire)

    listed = nfpd.get(AID).json()["results"]
    assert [r["id"] for r in listed] == [request.pk]
    call = listed[0]["call"]
    assert (call["number"], call["priority"], call["call_type"]["code"]) == (fire.number, 1, "FSTRU")
    assert call["location"]["address"] == "430 ELM ST"
    assert call["location"]["beat"] == fire.beat.code
    assert (listed[0]["capability"], listed[0]["count"]) == ("engine", 1)
    assert nfpd.get(f"{AID}{request.pk}/").json()["call"]["number"] == fire.number
    # The call itself is not theirs yet: no narrative, no caller, no chronology.
    assert nfpd.get(f"{CALLS}{fire.pk}/").status_code == 404
    assert "narrative" not in call and "caller" not in call


def test_a_partner_sees_only_the_requests_put_to_it(alice, fire, nfpd, dcso, as_alice):
    mine = asked(alice, fire)
    theirs = asked(alice, fire, agency="SFPD")

    assert [r["id"] for r in nfpd.get(AID).json()["results"]] == [mine.pk]
    assert dcso.get(AID).json()["results"] == []
    assert nfpd.get(f"{AID}{theirs.pk}/").status_code == 404
    assert {r["id"] for r in as_alice.get(AID).json()["results"]} == {mine.pk, theirs.pk}


def test_center_staff_filter_requests_by_state_call_and_agency(alice, as_carol, fire):
    other = new_call(alice, address="650 CEDAR ST")
    pending = asked(alice, fire)
    declined = asked(alice, other, agency="SFPD")
    services.mutual_aid_decline(mutual_aid=declined, reason="L61 out of district", by=None)

    def ids(query):
        response = as_carol.get(f"{AID}?{query}")
        assert response.status_code == 200, response.json()
        return [r["id"] for r in response.json()["results"]]

    assert ids("state=pending") == [pending.pk]
    assert ids("state=declined") == [declined.pk]
    assert ids(f"call={other.pk}") == [declined.pk]
    assert ids("agency=nfpd") == [pending.pk]
    assert as_carol.get(f"{AID}?state=maybe").status_code == 400
    assert as_carol.get(f"{AID}?agency=NOPE").status_code == 400


def test_the_console_gets_each_partner_with_what_its_units_can_do(as_alice, nfpd):
    partners = as_alice.get(f"{AID}partners/").json()
    assert [p["agency"] for p in partners] == ["DCSO", "NFPD", "SFPD"]
    nfpd_caps = {c["capability"]: (c["units"], c["available"]) for c in partners[1]["capabilities"]}
    assert nfpd_caps["engine"] == (1, 1) and nfpd_caps["medic"] == (1, 1)
    assert nfpd.get(f"{AID}partners/").status_code == 403


# Accepting


def test_the_partner_accepts_with_its_engine_and_it_is_dispatched_at_once(alice, fire, nfpd, as_alice):
    request = asked(alice, fire)

    response = nfpd.post(f"{AID}{request.pk}/accept/", {"units": ["e51"]}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["state"], body["units"], body["answered_by"]) == ("accepted", ["E51"], "agency-NFPD")
    assert body["answer_seconds"] >= 0
    engine = unit("E51")
    assert (engine.status, engine.current_call_id) == (UnitStatus.DISPATCHED, fire.pk)
    fire.refresh_from_db()
    assert fire.status == "dispatched" and fire.dispatched_at is not None
    assert Assignment.objects.get(call=fire, unit=engine).cleared_at is None
    # Their unit is on the call: the one rule now shows them the call.
    assert nfpd.get(f"{CALLS}{fire.pk}/").status_code == 200
    assert "E51" in [a["unit"] for a in as_alice.get(f"{CALLS}{fire.pk}/").json()["assignments"]]
    assert lines(fire)[-1].startswith("NFPD accepted mutual aid (1 × engine) with E51; answered in ")
    assert AuditEntry.objects.filter(action="mutual_aid.accept", object=f"call:{fire.pk}").count() == 1


def test_the_time_to_answer_is_kept(alice, fire, nfpd):
    request = asked(alice, fire)
    MutualAidRequest.objects.filter(pk=request.pk).update(requested_at=timezone.now() - timedelta(seconds=95))

    body = nfpd.post(f"{AID}{request.pk}/accept/", {"units": ["E51"]}, format="json").json()

    assert 95 <= body["answer_seconds"] < 100
    assert "answered in 1 min 3" in lines(fire)[-1]


def test_a_partner_may_send_fewer_than_asked_but_not_more(alice, fire, nfpd):
    Unit.objects.create(callsign="E52", agency=Agency.objects.get(code="NFPD"), unit_type=UnitType.ENGINE,
                        discipline=Discipline.objects.get(code="fire"), capabilities=["engine"])
    one = asked(alice, fire, count=1)
    too_many = nfpd.post(f"{AID}{one.pk}/accept/", {"units": ["E51", "E52"]}, format="json")
    assert too_many.status_code == 400
    assert "1 asked for" in " ".join(too_many.json()["units"])

    services.mutual_aid_cancel(mutual_aid=one, by=alice)
    two = asked(alice, fire, count=2)
    response = nfpd.post(f"{AID}{two.pk}/accept/", {"units": ["E52"]}, format="json")
    assert response.status_code == 200
    assert response.json()["units"] == ["E52"]


@pytest.mark.parametrize("units, says", [
    (["S21"], "S21 is not a NFPD unit."),
    (["M51"], "M51 has no engine capability."),
    (["E61"], "E61 is not a NFPD unit."),
    (["NOPE1"], "Unknown unit NOPE1."),
    ([], ""),
])
def test_a_bad_accept_is_a_400_and_dispatches_nothing(alice, fire, nfpd, units, says):
    request = asked(alice, fire)

    response = nfpd.post(f"{AID}{request.pk}/accept/", {"units": units}, format="json")

    assert response.status_code == 400, response.json()
    assert says in " ".join(response.json()["units"])
    request.refresh_from_db()
    assert request.state == "pending"
    assert not Assignment.objects.filter(call=fire).exists()


def test_an_engine_that_is_not_available_cannot_be_sent(alice, fire, nfpd):
    request = asked(alice, fire)
    unit_status_set(unit=unit("E51"), status="out_of_service", by=alice)

    response = nfpd.post(f"{AID}{request.pk}/accept/", {"units": ["E51"]}, format="json")

    assert response.status_code == 400
    assert response.json()["units"] == ["E51 is out of service, not available."]
    assert not Assignment.objects.filter(call=fire).exists()


def test_an_answered_request_cannot_be_answered_again(alice, fire, nfpd):
    request = asked(alice, fire)
    assert nfpd.post(f"{AID}{request.pk}/accept/", {"units": ["E51"]}, format="json").status_code == 200

    again = nfpd.post(f"{AID}{request.pk}/accept/", {"units": ["E51"]}, format="json")
    decline = nfpd.post(f"{AID}{request.pk}/decline/", {"reason": "changed our mind"}, format="json")

    assert again.status_code == 409 and "Already accepted" in again.json()["detail"]
    assert decline.status_code == 409 and "with E51" in decline.json()["detail"]
    assert Assignment.objects.filter(call=fire).count() == 1


def test_a_partner_acting_on_a_request_put_to_another_agency_gets_a_404(alice, fire, dcso):
    request = asked(alice, fire)

    assert dcso.get(f"{AID}{request.pk}/").status_code == 404
    assert dcso.post(f"{AID}{request.pk}/accept/", {"units": ["S21"]}, format="json").status_code == 404
    assert dcso.post(f"{AID}{request.pk}/decline/", {"reason": "not ours"}, format="json").status_code == 404
    request.refresh_from_db()
    assert request.state == "pending"


def test_only_the_partner_asked_answers_not_the_center(alice, fire, as_alice):
    request = asked(alice, fire)
    assert as_alice.post(f"{AID}{request.pk}/accept/", {"units": ["E51"]}, format="json").status_code == 403
    assert as_alice.post(f"{AID}{request.pk}/decline/", {"reason": "x"}, format="json").status_code == 403
    assert token_client("CFD").post(f"{AID}{request.pk}/accept/", {"units": ["E1"]},
                                     format="json").status_code == 403


# Declining and cancelling


def test_the_partner_declines_with_a_reason(alice, fire, nfpd, as_alice):
    request = asked(alice, fire)

    reason = "E51 committed to a barn fire"
    response = nfpd.post(f"{AID}{request.pk}/decline/", {"reason": reason}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["decline_reason"], body["units"]) == ("declined", reason, [])
    assert body["answered_at"] is not None and body["answer_seconds"] >= 0
    assert lines(fire)[-1].startswith("NFPD declined mutual aid (1 × engine): E51 committed to a barn fire")
    assert as_alice.get(f"{AID}{request.pk}/").json()["state"] == "declined"
    assert nfpd.get(f"{CALLS}{fire.pk}/").status_code == 404  # declining shows them nothing more


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 501}])
def test_a_decline_needs_a_reason(alice, fire, nfpd, body):
    request = asked(alice, fire)
    response = nfpd.post(f"{AID}{request.pk}/decline/", body, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()
    request.refresh_from_db()
    assert request.state == "pending"


def test_a_dispatcher_cancels_a_pending_request_and_the_partner_can_no_longer_answer(
        alice, fire, as_alice, nfpd):
    request = asked(alice, fire)

    response = as_alice.post(f"{AID}{request.pk}/cancel/", {"reason": "E2 freed up"}, format="json")

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["cancel_reason"]) == ("cancelled", "E2 freed up")
    assert response.json()["cancelled_by"] == "dispatcher1"
    late = nfpd.post(f"{AID}{request.pk}/accept/", {"units": ["E51"]}, format="json")
    assert late.status_code == 409 and "Cancelled" in late.json()["detail"]
    assert as_alice.post(f"{AID}{request.pk}/cancel/", {}, format="json").status_code == 409
    assert nfpd.post(f"{AID}{request.pk}/cancel/", {}, format="json").status_code == 403
    assert lines(fire)[-1] == "Mutual aid request to NFPD (1 × engine) cancelled: E2 freed up"


def test_an_accepted_request_cannot_be_cancelled(alice, fire, as_alice):
    request = asked(alice, fire)
    services.mutual_aid_accept(mutual_aid=request, units=[unit("E51")], by=None)
    response = as_alice.post(f"{AID}{request.pk}/cancel/", {}, format="json")
    assert response.status_code == 409
    assert "Already accepted" in response.json()["detail"]


def test_closing_the_call_cancels_what_is_still_pending(alice, fire, nfpd):
    pending = asked(alice, fire)
    declined = asked(alice, fire, agency="SFPD")
    services.mutual_aid_decline(mutual_aid=declined, reason="no", by=None)

    services.call_close(call=fire, disposition=Disposition.objects.get(code="02"), by=alice)

    pending.refresh_from_db()
    declined.refresh_from_db()
    assert (pending.state, pending.cancel_reason) == ("cancelled", "call closed")
    assert declined.state == "declined"
    assert nfpd.post(f"{AID}{pending.pk}/accept/", {"units": ["E51"]}, format="json").status_code == 409
    assert Event.objects.filter(event="mutual_aid.cancelled", agency_code="NFPD").count() == 1


def test_linking_the_call_as_a_duplicate_cancels_what_is_still_pending(alice, fire):
    master = new_call(alice, address="440 ELM ST")
    pending = asked(alice, fire)
    services.call_link(call=fire, master=master, by=alice)
    pending.refresh_from_db()
    assert pending.state == "cancelled"
    assert master.number in pending.cancel_reason


# Races


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_an_accept_and_a_decline_racing_only_one_wins(seeded_transactional_db):
    alice = get_user_model().objects.get(username="dispatcher1")
    nfpd = Agency.objects.get(code="NFPD").service_user
    engine = unit("E51")
    for _ in range(8):
        call = new_call(alice)
        request = asked(alice, call)
        barrier = threading.Barrier(2)

        def act(i, request=request, barrier=barrier):
            try:
                barrier.wait()
                if i == 0:
                    services.mutual_aid_accept(mutual_aid=request, units=[engine], by=nfpd)
                    return "accepted"
                services.mutual_aid_decline(mutual_aid=request, reason="busy", by=nfpd)
                return "declined"
            except Conflict:
                return "conflict"
            finally:
                connections.close_all()

        with ThreadPoolExecutor(max_workers=2) as pool:
            outcomes = list(pool.map(act, range(2)))

        assert outcomes.count("conflict") == 1, outcomes
        request.refresh_from_db()
        winner = next(o for o in outcomes if o != "conflict")
        assert request.state == winner
        sent = Assignment.objects.filter(call=call, unit=engine).count()
        assert sent == (1 if winner == "accepted" else 0)
        assert ChronologyEntry.objects.filter(call=call, kind="mutual_aid").count() == 2
        if winner == "accepted":
            unit_status_set(unit=engine, status="available", by=alice)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_two_accepts_racing_dispatch_the_engine_once(seeded_transactional_db):
    alice = get_user_model().objects.get(username="dispatcher1")
    nfpd = Agency.objects.get(code="NFPD").service_user
    call = new_call(alice)
    request = asked(alice, call)
    barrier = threading.Barrier(4)

    def accept(_):
        try:
            barrier.wait()
            services.mutual_aid_accept(mutual_aid=request, units=[unit("E51")], by=nfpd)
            return "accepted"
        except Conflict:
            return "conflict"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(accept, range(4)))

    assert outcomes.count("accepted") == 1 and outcomes.count("conflict") == 3
    assert Assignment.objects.filter(call=call).count() == 1
    assert Event.objects.filter(event="mutual_aid.accepted").count() == 1
