"""What a records clerk hit in the admin: finding yesterday's calls and a range of days, a phone
number however it was typed, changes read in words, and only the records that are a clerk's."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.utils import timezone

from calls import services
from calls.models import Call, CallType, ChronologyEntry
from tests.conftest import client_for, listed
from units.models import Unit
from units.services import unit_status_set

CALLS = "/admin/calls/call/"


def new_call(by, address: str = "310 MAIN ST", **fields) -> Call:
    call_type = CallType.objects.get(code="ROBBERY")
    return services.call_create(call_type=call_type, location={"address": address}, by=by, **fields)


def received_days_ago(call: Call, days: int) -> Call:
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    Call.objects.filter(pk=call.pk).update(received_at=noon - timedelta(days=days))
    return call


def test_the_call_list_offers_yesterday(alice, as_carol):
    today = received_days_ago(new_call(alice), 0)
    yesterday = received_days_ago(new_call(alice), 1)
    before = received_days_ago(new_call(alice), 2)
    page = as_carol.get(CALLS)
    cl = page.context["cl"]
    received = next(spec for spec in cl.filter_specs if getattr(spec, "field_path", "") == "received_at")
    link = next(choice for choice in received.choices(cl) if choice["display"] == "Yesterday")

    numbers = listed(as_carol.get(CALLS + link["query_string"]))

    assert yesterday.number in numbers
    assert today.number not in numbers and before.number not in numbers


def test_the_call_list_filters_a_range_of_days_received(alice, as_carol):
    inside = [received_days_ago(new_call(alice), days) for days in (3, 5)]
    outside = [received_days_ago(new_call(alice), days) for days in (2, 6)]
    first = timezone.localdate() - timedelta(days=5)
    last = timezone.localdate() - timedelta(days=3)

    page = as_carol.get(CALLS, {"received_from": first.isoformat(), "received_to": last.isoformat()})

    assert {c.number for c in inside} <= listed(page)
    assert not {c.number for c in outside} & listed(page)
    assert 'name="received_from"' in page.content.decode()


def test_a_bad_day_in_the_range_does_not_break_the_list(as_carol):
    assert as_carol.get(CALLS, {"received_from": "last tuesday"}).status_code in (200, 302)


@pytest.mark.parametrize("entered, typed", [
    ("8165550142", "816-555-0142"), ("8165550142", "(816) 555-0142"), ("816-555-0142", "8165550142"),
    ("816.555.0142", "555-0142"),
])
def test_a_phone_number_is_found_however_it_was_typed(alice, as_carol, entered, typed):
    wanted = new_call(alice, caller_phone=entered)
    other = new_call(alice, caller_phone="8165550199")

    numbers = listed(as_carol.get(CALLS, {"q": typed}))

    assert wanted.number in numbers and other.number not in numbers


def test_the_chronology_shows_changes_in_words_not_json(alice, as_carol):
    call = new_call(alice)
    unit = Unit.objects.get(callsign="1A11")
    services.call_dispatch(call=call, units=[unit], by=alice)
    unit_status_set(unit=Unit.objects.get(pk=unit.pk), status="enroute", by=alice)
    entry = ChronologyEntry.objects.filter(call=call, kind="unit_status").latest("pk")

    page = as_carol.get(f"/admin/calls/call/{call.pk}/change/").content.decode()

    assert entry.changes_in_words() == "status: dispatched → en route"
    assert "status: dispatched → en route" in page
    assert "[&quot;dispatched&quot;, &quot;enroute&quot;]" not in page


# Who may open each admin list: the supervisors' and administrators' records are not a clerk's.
EVERYONE_ON_STAFF = ("clerk", "supervisor")
SUPERVISORS = ("supervisor",)
NOBODY = ()
MAY_SEE = {
    "auth.group": NOBODY, "auth.user": NOBODY,
    "axes.accessattempt": SUPERVISORS, "axes.accesslog": SUPERVISORS, "axes.accessfailurelog": SUPERVISORS,
    "cad.discipline": EVERYONE_ON_STAFF, "cad.agency": EVERYONE_ON_STAFF, "cad.agencytoken": SUPERVISORS,
    "cad.event": SUPERVISORS, "cad.eventcounter": SUPERVISORS,
    "premises.beat": EVERYONE_ON_STAFF, "premises.street": EVERYONE_ON_STAFF,
    "premises.streetsegment": EVERYONE_ON_STAFF, "premises.address": EVERYONE_ON_STAFF,
    "premises.intersection": EVERYONE_ON_STAFF, "premises.commonplace": EVERYONE_ON_STAFF,
    "premises.commonplacealias": EVERYONE_ON_STAFF, "premises.premiseflag": EVERYONE_ON_STAFF,
    "premises.premiseflagread": EVERYONE_ON_STAFF, "premises.alarmpermit": EVERYONE_ON_STAFF,
    "units.unit": EVERYONE_ON_STAFF, "units.unitstatuschange": EVERYONE_ON_STAFF,
    "units.station": EVERYONE_ON_STAFF, "units.shift": SUPERVISORS, "units.officer": SUPERVISORS,
    "units.fieldaction": SUPERVISORS,
    "calls.priority": EVERYONE_ON_STAFF, "calls.calltype": EVERYONE_ON_STAFF,
    "calls.disposition": EVERYONE_ON_STAFF, "calls.callnumbercounter": EVERYONE_ON_STAFF,
    "calls.call": EVERYONE_ON_STAFF, "calls.assignment": EVERYONE_ON_STAFF,
    "calls.chronologyentry": EVERYONE_ON_STAFF, "calls.callpremiseflag": EVERYONE_ON_STAFF,
    "calls.responseplan": EVERYONE_ON_STAFF, "calls.statuscheckrule": EVERYONE_ON_STAFF,
    "calls.alert": EVERYONE_ON_STAFF, "calls.responseplanline": EVERYONE_ON_STAFF,
    "calls.callshare": EVERYONE_ON_STAFF, "calls.mutualaidrequest": EVERYONE_ON_STAFF,
    "calls.callnotereceived": EVERYONE_ON_STAFF, "calls.alirecord": EVERYONE_ON_STAFF,
    "calls.callback": EVERYONE_ON_STAFF, "calls.message": EVERYONE_ON_STAFF,
    "calls.webhooksubscription": EVERYONE_ON_STAFF, "calls.webhookdelivery": EVERYONE_ON_STAFF,
    "calls.webhookcursor": SUPERVISORS,
    "records.auditentry": SUPERVISORS, "records.auditdigest": SUPERVISORS,
    "records.feeschedule": EVERYONE_ON_STAFF, "records.bill": EVERYONE_ON_STAFF,
    "records.billingrun": EVERYONE_ON_STAFF, "records.falsealarmcall": EVERYONE_ON_STAFF,
    "records.person": EVERYONE_ON_STAFF, "records.personidentifier": EVERYONE_ON_STAFF,
    "records.warrant": EVERYONE_ON_STAFF,
    "records.vehicle": EVERYONE_ON_STAFF, "records.missingperson": EVERYONE_ON_STAFF,
    "records.bolo": EVERYONE_ON_STAFF, "records.inquiry": SUPERVISORS,
}
ROLES = {"dispatcher": "alice", "clerk": "carol", "supervisor": "sam"}
REGISTERED = sorted(model._meta.label_lower for model in admin.site._registry)


def test_every_admin_model_is_in_the_table():
    assert sorted(MAY_SEE) == REGISTERED


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label", REGISTERED)
def test_each_role_sees_only_its_admin_lists(db, request, label, role):
    user = request.getfixturevalue(ROLES[role])
    app, model = label.split(".")

    answer = client_for(user).get(f"/admin/{app}/{model}/")

    if role == "dispatcher":  # not on the admin's staff at all: sent to sign in
        assert answer.status_code == 302 and "/login/" in answer["Location"]
    else:
        assert answer.status_code == (200 if role in MAY_SEE.get(label, ()) else 403)


def test_a_clerks_admin_index_does_not_list_the_supervisors_records(as_carol):
    page = as_carol.get("/admin/").content.decode()

    for hidden in ("/admin/axes/", "/admin/cad/agencytoken/", "/admin/cad/event/",
                   "/admin/records/auditentry/", "/admin/records/auditdigest/"):
        assert hidden not in page
    assert "/admin/calls/call/" in page
