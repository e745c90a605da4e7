"""Partner agencies on the API: a call shared with a partner or relayed to it, a call a partner sends
in, a partner's notes and its own units on a call relayed to it, and what it may not do.

The actors: alice dispatches, carol keeps records; the North County fire district (NFPD) and the
county sheriff (DCSO) are partners, each with its own token; the city fire department (CFD) is an
agency the center dispatches.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from cad.models import Agency
from calls import services
from calls.models import Call, CallShare, CallType, ChronologyEntry, Disposition
from calls.services.alerts import timers_check
from calls.services.flags import FLAG_READ_AGAIN_AFTER
from records.models import AuditEntry
from tests.conftest import token_client
from units.models import Unit
from units.services import unit_status_set

CALLS = "/api/v1/calls/"


def new_call(by, address="310 MAIN ST", code="ROBBERY") -> Call:
    return services.call_create(call_type=CallType.objects.get(code=code), location={"address": address},
                                by=by)


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def unit(callsign: str) -> Unit:
    return Unit.objects.get(callsign=callsign)


def share(call, code, by, **options) -> Call:
    return services.call_share(call=call, agency=agency(code), by=by, **options)


def url(call, action="") -> str:
    return f"{CALLS}{call.pk}/{action + '/' if action else ''}"


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {c["number"] for c in response.json()["results"]}


@pytest.fixture
def nfpd(db):
    return token_client("NFPD")


@pytest.fixture
def dcso(db):
    return token_client("DCSO")


@pytest.fixture
def call(alice) -> Call:
    return new_call(alice)


# Sharing, as a dispatcher does it


def test_a_dispatcher_shares_a_call_and_the_partner_sees_it_and_its_chronology(as_alice, nfpd, call):
    response = as_alice.post(url(call, "share"), {"agency": "nfpd", "note": "Mutual response area"},
                             format="json")

    assert response.status_code == 200, response.content
    shared = response.json()["shared_with"]
    assert [(s["agency"], s["relay"], s["note"], s["shared_by"]) for s in shared] == [
        ("NFPD", False, "Mutual response area", "dispatcher1")]
    line = response.json()["chronology"][-1]
    assert (line["kind"], line["agency"], line["by"]) == ("shared", "NFPD", "dispatcher1")
    assert line["text"] == "Shared with NFPD (North County Fire Protection District): Mutual response area"

    assert numbers(nfpd.get(CALLS)) == {call.number}
    detail = nfpd.get(url(call))
    assert detail.status_code == 200
    assert detail.json()["shared_with"][0]["agency"] == "NFPD"
    assert [e["kind"] for e in nfpd.get(url(call, "chronology")).json()["results"]] == ["created", "shared"]


def test_sharing_is_audited(as_alice, call):
    as_alice.post(url(call, "share"), {"agency": "NFPD", "relay": True}, format="json")
    as_alice.delete(url(call, "share") + "?agency=NFPD")

    entries = AuditEntry.objects.filter(object=f"call:{call.pk}", action__in=["call.share", "call.unshare"])
    seen = [(e.action, e.username, e.detail["agency"], e.detail["relay"]) for e in entries.order_by("id")]
    assert seen == [("call.share", "dispatcher1", "NFPD", True),
                    ("call.unshare", "dispatcher1", "NFPD", True)]


def test_a_second_partner_sees_none_of_it(as_alice, nfpd, dcso, call):
    as_alice.post(url(call, "share"), {"agency": "NFPD"}, format="json")

    assert numbers(dcso.get(CALLS)) == set()
    assert dcso.get(url(call)).status_code == 404
    assert dcso.get(url(call, "chronology")).status_code == 404
    assert dcso.post(url(call, "notes"), {"text": "?"}, format="json").status_code == 404


def test_after_the_share_ends_the_partner_sees_nothing_more(as_alice, nfpd, call):
    as_alice.post(url(call, "share"), {"agency": "NFPD"}, format="json")

    response = as_alice.delete(url(call, "share"), {"agency": "NFPD"}, format="json")

    assert response.status_code == 200
    assert response.json()["shared_with"] == []
    assert response.json()["chronology"][-1]["text"] == "Share with NFPD ended"
    assert numbers(nfpd.get(CALLS)) == set()
    assert nfpd.get(url(call)).status_code == 404
    assert nfpd.get(url(call, "chronology")).status_code == 404
    assert CallShare.objects.get(call=call).ended_by.username == "dispatcher1"


def test_a_partner_sees_exactly_the_calls_shared_relayed_sent_in_or_that_its_units_were_sent_to(
    alice, nfpd, dcso
):
    shared, relayed, worked, ours = (new_call(alice, f"{n} MAIN ST") for n in (310, 320, 330, 340))
    share(shared, "NFPD", alice)
    share(relayed, "NFPD", alice, relay=True)
    services.call_dispatch(call=worked, units=[unit("E51")], by=alice)
    services.call_dispatch(call=ours, units=[unit("1A12")], by=alice)
    sent = nfpd.post(CALLS, {"call_type": "FSTRU", "location": {"address": "350 MAIN ST"},
                             "incident_number": "F26-0042"}, format="json").json()

    assert numbers(nfpd.get(CALLS)) == {shared.number, relayed.number, worked.number, sent["number"]}
    for seen in (shared, relayed, worked):
        assert nfpd.get(url(seen)).status_code == 200
        assert nfpd.get(url(seen, "chronology")).status_code == 200
    assert nfpd.get(url(ours)).status_code == 404
    assert numbers(dcso.get(CALLS)) == set()


def test_a_partner_that_sent_the_call_in_keeps_it_when_a_share_ends(alice, as_alice, nfpd):
    sent = nfpd.post(CALLS, {"call_type": "FSTRU", "location": {"address": "350 MAIN ST"}},
                     format="json").json()
    as_alice.post(f"{CALLS}{sent['id']}/share/", {"agency": "NFPD", "relay": True}, format="json")

    as_alice.delete(f"{CALLS}{sent['id']}/share/?agency=NFPD")

    assert nfpd.get(f"{CALLS}{sent['id']}/").status_code == 200


def test_a_partner_reads_only_its_own_share_and_no_other_partners_lines(alice, as_alice, nfpd, call):
    share(call, "NFPD", alice, note="Fire side")
    share(call, "DCSO", alice, note="Traffic control")

    center = as_alice.get(url(call)).json()
    assert [s["agency"] for s in center["shared_with"]] == ["NFPD", "DCSO"]
    partner = nfpd.get(url(call)).json()
    assert [s["agency"] for s in partner["shared_with"]] == ["NFPD"]
    assert "DCSO" not in str(partner["chronology"])
    assert "DCSO" not in str(nfpd.get(url(call, "chronology")).json())
    assert "DCSO" not in str(nfpd.get(CALLS).json())
    assert [e["agency"] for e in center["chronology"] if e["kind"] == "shared"] == ["NFPD", "DCSO"]


def test_a_share_becomes_a_relay_and_back_without_the_partner_losing_sight(alice, as_alice, nfpd, call):
    share(call, "NFPD", alice)

    relayed = as_alice.post(url(call, "share"), {"agency": "NFPD", "relay": True}, format="json")

    assert relayed.status_code == 200
    assert [(s["agency"], s["relay"]) for s in relayed.json()["shared_with"]] == [("NFPD", True)]
    assert relayed.json()["chronology"][-1]["text"].endswith("(was shared)")
    back = as_alice.post(url(call, "share"), {"agency": "NFPD", "relay": False}, format="json")
    assert [(s["agency"], s["relay"]) for s in back.json()["shared_with"]] == [("NFPD", False)]
    assert CallShare.objects.filter(call=call).count() == 3
    assert CallShare.objects.filter(call=call, ended_at__isnull=True).count() == 1
    assert nfpd.get(url(call)).status_code == 200


def test_a_supervisor_and_the_centers_program_may_share(as_sam, as_cpd_token, call):
    assert as_sam.post(url(call, "share"), {"agency": "NFPD"}, format="json").status_code == 200
    assert as_cpd_token.post(url(call, "share"), {"agency": "DCSO"}, format="json").status_code == 200


def test_partners_lists_the_agencies_a_call_may_be_shared_with(as_alice, nfpd):
    listed = as_alice.get("/api/v1/partners/").json()

    assert [p["code"] for p in listed] == ["DCSO", "NFPD", "SFPD"]
    assert set(listed[1]["disciplines"]) == {"fire", "ems"}
    assert nfpd.get("/api/v1/partners/").status_code == 403


# Bad input: nothing saved, and the reason given


def nothing_changed(call, before):
    assert counts(call) == before


def counts(call):
    return CallShare.objects.filter(call=call).count(), ChronologyEntry.objects.filter(call=call).count()


@pytest.mark.parametrize("body, field, words", [
    ({"agency": "XFD"}, "agency", "No agency 'XFD'"),
    ({"agency": "CPD"}, "agency", "this center's own agency"),
    ({"agency": "CFD"}, "agency", "dispatched by this center"),
    ({}, "agency", "required"),
    ({"agency": "NFPD", "note": "x" * 501}, "note", "500"),
    ({"agency": "NFPD", "relay": "yes"}, "relay", "true or false"),
    ({"agency": "NFPD", "share": True}, "share", ""),
    ({"agency": 7}, "agency", "string"),
])
def test_a_share_with_bad_input_is_a_400_with_the_reason(as_alice, call, body, field, words):
    before = counts(call)

    response = as_alice.post(url(call, "share"), body, format="json")

    assert response.status_code == 400, response.content
    assert words in " ".join(response.json()[field])
    nothing_changed(call, before)


def test_sharing_a_call_shared_already_is_a_409_that_says_since_when(alice, as_alice, call):
    share(call, "NFPD", alice)
    before = counts(call)

    response = as_alice.post(url(call, "share"), {"agency": "NFPD"}, format="json")

    assert response.status_code == 409
    assert "is shared with NFPD already (since " in response.json()["detail"]
    assert "by dispatcher1" in response.json()["detail"]
    nothing_changed(call, before)


def test_a_call_relayed_to_one_partner_is_not_relayed_to_a_second(alice, as_alice, call):
    share(call, "NFPD", alice, relay=True)
    before = counts(call)

    response = as_alice.post(url(call, "share"), {"agency": "DCSO", "relay": True}, format="json")

    assert response.status_code == 409
    assert "relayed to NFPD already" in response.json()["detail"]
    nothing_changed(call, before)
    # Shared (not relayed) with a second partner is fine.
    assert as_alice.post(url(call, "share"), {"agency": "DCSO"}, format="json").status_code == 200


def test_a_closed_call_is_not_shared(alice, as_alice, call):
    services.call_close(call=call, disposition=Disposition.objects.get(code="02"), by=alice)
    before = counts(call)

    response = as_alice.post(url(call, "share"), {"agency": "NFPD"}, format="json")

    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    nothing_changed(call, before)


def test_a_closed_calls_share_still_ends(alice, as_alice, nfpd, call):
    share(call, "NFPD", alice)
    services.call_close(call=call, disposition=Disposition.objects.get(code="02"), by=alice)

    assert as_alice.delete(url(call, "share") + "?agency=NFPD").status_code == 200
    assert nfpd.get(url(call)).status_code == 404


def test_ending_a_share_that_is_not_there_is_a_409_and_without_an_agency_a_400(as_alice, call):
    assert as_alice.delete(url(call, "share") + "?agency=NFPD").status_code == 409
    assert as_alice.delete(url(call, "share")).status_code == 400
    assert as_alice.delete(url(call, "share") + "?agency=NOPE").status_code == 400


@pytest.mark.parametrize("method", ["post", "delete"])
def test_a_partner_and_a_records_clerk_may_not_share(alice, as_carol, nfpd, call, method):
    share(call, "NFPD", alice)
    before = counts(call)

    for client in (nfpd, as_carol):
        response = getattr(client, method)(url(call, "share"), {"agency": "NFPD"}, format="json")
        assert response.status_code == 403
    nothing_changed(call, before)
    assert AuditEntry.objects.filter(action="denied", username="agency-NFPD").exists()


def test_sharing_an_unknown_call_is_a_404(as_alice):
    assert as_alice.post(f"{CALLS}999999/share/", {"agency": "NFPD"}, format="json").status_code == 404


# A call a partner sends in


def test_a_partner_sends_a_call_in_and_follows_it(alice, as_alice, nfpd, dcso):
    response = nfpd.post(CALLS, {
        "call_type": "FSTRU", "location": {"address": "350 MAIN ST"}, "incident_number": "F26-0042",
        "caller": {"name": "NFPD Dispatch", "phone": "816-555-0199"}, "narrative": "Smoke from the roof",
    }, format="json")

    assert response.status_code == 201, response.content
    sent = response.json()
    assert (sent["status"], sent["source"]) == ("pending", "partner")
    assert sent["sent_by"] == {"agency": "NFPD", "agency_name": "North County Fire Protection District",
                               "incident_number": "F26-0042"}
    assert sent["chronology"][0]["text"].endswith("sent in by NFPD (F26-0042)")
    assert nfpd.get(f"{CALLS}{sent['id']}/").json()["sent_by"]["incident_number"] == "F26-0042"
    assert as_alice.get(f"{CALLS}{sent['id']}/").json()["sent_by"]["agency"] == "NFPD"
    assert dcso.get(f"{CALLS}{sent['id']}/").status_code == 404
    entry = AuditEntry.objects.get(action="call.create", object=f"call:{sent['id']}")
    assert (entry.username, entry.detail["sent_by"]) == ("agency-NFPD", "NFPD")


def test_the_same_incident_sent_twice_is_a_409_naming_the_call_it_made(nfpd):
    body = {"call_type": "FSTRU", "location": {"address": "350 MAIN ST"}, "incident_number": "F26-0042"}
    first = nfpd.post(CALLS, body, format="json").json()

    again = nfpd.post(CALLS, body, format="json")

    assert again.status_code == 409
    assert first["number"] in again.json()["detail"]
    assert Call.objects.filter(sent_by__code="NFPD").count() == 1


@pytest.mark.parametrize("body, field", [
    ({"source": "911"}, "source"),
    ({"incident_number": "x" * 65}, "incident_number"),
    ({"call_type": "NOPE"}, "call_type"),
])
def test_a_partners_call_with_bad_input_is_a_400(nfpd, body, field):
    response = nfpd.post(CALLS, {"call_type": "FSTRU", "location": {"address": "350 MAIN ST"}, **body},
                         format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Call.objects.filter(sent_by__code="NFPD").exists()


def test_an_agency_the_center_dispatches_does_not_send_calls_in(db):
    response = token_client("CFD").post(CALLS, {"call_type": "FSTRU", "location": {"address": "350 MAIN ST"}},
                                        format="json")

    assert response.status_code == 403
    assert "partner agencies send calls in" in response.json()["detail"]
    assert not Call.objects.filter(source="partner").exists()


def test_the_center_gives_no_incident_number_of_its_own(as_alice):
    response = as_alice.post(CALLS, {"call_type": "ROBBERY", "location": {"address": "310 MAIN ST"},
                                     "incident_number": "X1"}, format="json")

    assert response.status_code == 400
    assert "incident_number" in response.json()


# A call relayed to a partner: its own units


def test_a_partner_sends_its_own_units_to_a_call_relayed_to_it_and_moves_them(alice, as_alice, nfpd, call):
    share(call, "NFPD", alice, relay=True)

    response = nfpd.post(url(call, "dispatch"), {"units": ["e51"]}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["units"] == [{"callsign": "E51", "agency": "NFPD", "status": "dispatched"}]
    assert nfpd.post("/api/v1/units/E51/status/", {"status": "enroute"}, format="json").status_code == 200
    center = as_alice.get(url(call)).json()
    assert center["status"] == "enroute"
    assert center["units"] == [{"callsign": "E51", "agency": "NFPD", "status": "enroute"}]
    assert [(s["agency"], s["relay"]) for s in center["shared_with"]] == [("NFPD", True)]


def test_a_partner_does_not_send_units_to_a_call_only_shared_with_it(alice, nfpd, call):
    share(call, "NFPD", alice)

    response = nfpd.post(url(call, "dispatch"), {"units": ["E51"]}, format="json")

    assert response.status_code == 403
    assert "relayed" in response.json()["detail"]
    assert unit("E51").status == "available"


@pytest.mark.parametrize("callsigns", [["1A12"], ["E51", "S21"], ["ZZ99"]])
def test_a_partner_sends_no_unit_that_is_not_its_own(alice, nfpd, call, callsigns):
    share(call, "NFPD", alice, relay=True)

    response = nfpd.post(url(call, "dispatch"), {"units": callsigns}, format="json")

    assert response.status_code == 400
    assert all("not one of NFPD's units" in m for m in response.json()["units"])
    assert Unit.objects.filter(callsign__in=["E51", "1A12", "S21"], status="available").count() == 3


def test_a_partner_does_not_dispatch_on_a_call_it_cannot_see(nfpd, call):
    assert nfpd.post(url(call, "dispatch"), {"units": ["E51"]}, format="json").status_code == 404
    assert unit("E51").status == "available"


def test_a_relayed_call_raises_no_goal_alert_for_the_center_until_the_relay_ends(alice, call):
    share(call, "NFPD", alice, relay=True)
    later = timezone.now() + timedelta(hours=2)

    assert timers_check(now=later).raised == 0

    services.call_unshare(call=call, agency=agency("NFPD"), by=alice)
    assert timers_check(now=later).raised == 2  # the dispatch and the response goal, ours again


# Part 7: a partner's notes


def test_a_partner_notes_a_call_it_sees_and_the_note_is_marked_with_its_agency(alice, as_alice, nfpd, call):
    share(call, "NFPD", alice)

    response = nfpd.post(url(call, "notes"), {"text": "Engine 51 staging at 3RD AVE"}, format="json")

    assert response.status_code == 201
    assert (response.json()["agency"], response.json()["by"]) == ("NFPD", "agency-NFPD")
    line = as_alice.get(url(call)).json()["chronology"][-1]
    assert (line["kind"], line["agency"], line["text"]) == ("note", "NFPD", "Engine 51 staging at 3RD AVE")
    assert AuditEntry.objects.get(action="call.note", object=f"call:{call.pk}").detail["agency"] == "NFPD"


def test_a_partner_does_not_note_a_call_it_cannot_see(nfpd, call):
    before = ChronologyEntry.objects.filter(call=call).count()

    assert nfpd.post(url(call, "notes"), {"text": "hello"}, format="json").status_code == 404
    assert ChronologyEntry.objects.filter(call=call).count() == before


def test_the_centers_notes_carry_no_agency(as_alice, call):
    response = as_alice.post(url(call, "notes"), {"text": "Caller hung up"}, format="json")

    assert response.json()["agency"] is None


# Part 7: a premise flag's text released to the crews on the call

LIFT_ASSIST = "needs lift assist"


def medical_flag(body) -> dict:
    return next(f for f in body["premise_flags"] if f["kind"] == "medical")


def releases(call) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="flag.released", detail__call_id=call.pk).order_by("id"))


def test_a_confidential_flag_reaches_a_partners_crew_on_the_call_and_each_release_is_audited(alice, nfpd):
    call = new_call(alice, "230 OAK ST", code="SICK")  # the demo's medical flag, confidential

    assert medical_flag(nfpd.post(CALLS, {"call_type": "SICK", "location": {"address": "230 OAK ST"}},
                                  format="json").json())["text"] is None  # sent in, no crew on it
    services.call_dispatch(call=call, units=[unit("M51")], by=alice)

    on_it = nfpd.get(url(call)).json()

    assert LIFT_ASSIST in medical_flag(on_it)["text"]
    [release] = releases(call)
    assert release.username == "agency-NFPD"
    assert (release.detail["agency"], release.detail["units"], release.detail["call"]) == (
        "NFPD", ["M51"], call.number)
    assert release.object.startswith("flag:")


def test_the_text_is_released_again_after_a_while_and_kept_back_once_the_crew_clears(alice, nfpd, dcso):
    call = new_call(alice, "230 OAK ST", code="SICK")
    services.call_dispatch(call=call, units=[unit("M51")], by=alice)
    share(call, "DCSO", alice)
    nfpd.get(url(call))
    nfpd.get(url(call))  # a program polling: one release, not one per read
    assert len(releases(call)) == 1
    later = timezone.now() + FLAG_READ_AGAIN_AFTER + timedelta(seconds=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        assert LIFT_ASSIST in medical_flag(nfpd.get(url(call)).json())["text"]
    assert len(releases(call)) == 2

    assert medical_flag(dcso.get(url(call)).json())["text"] is None  # shared, no crew on it
    assert medical_flag(nfpd.get(CALLS).json()["results"][0])["text"] is None  # lists never carry it
    unit_status_set(unit=unit("M51"), status="available", by=alice)

    assert medical_flag(nfpd.get(url(call)).json())["text"] is None
    assert len(releases(call)) == 2


# The API reference, opened in a browser


def test_the_api_reference_sends_a_signed_out_browser_to_sign_in(client, db):
    response = client.get("/api/docs/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/api/docs/"


def test_a_program_with_a_token_still_reads_the_schema(nfpd):
    response = nfpd.get("/api/schema/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert "/api/v1/calls/{id}/share/" in response.json()["paths"]
