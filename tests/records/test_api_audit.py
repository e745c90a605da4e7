"""GET /api/v1/audit/: supervisors read the trail, filtered; everyone else gets a 403 that is itself
an entry. The admin shows it read-only, to supervisors only."""

import pytest
from django.test import Client

from calls import services
from calls.models import CallType
from records.models import AuditEntry

AUDIT = "/api/v1/audit/"


@pytest.fixture
def some_calls(alice, bob):
    call_type = CallType.objects.get(code="DISORD")
    return [services.call_create(call_type=call_type, location={"address": "230 oak street"}, by=who)
            for who in (alice, bob, alice)]


def test_a_supervisor_reads_the_trail_newest_first(as_sam, some_calls):
    body = as_sam.get(AUDIT).json()
    newest = body["results"][0]
    assert newest["action"] == "call.create" and newest["user"] == "dispatcher1"
    assert set(newest) >= {"at", "user", "source_ip", "action", "object", "outcome", "detail", "hash",
                           "prev_hash"}
    assert newest["prev_hash"] == body["results"][1]["hash"]
    assert "count" in body and "next" in body


@pytest.mark.parametrize("who", ["as_alice", "as_carol", "as_cpd_token"])
def test_everyone_but_supervisors_gets_a_403_that_is_audited(db, request, who):
    client = request.getfixturevalue(who)
    assert client.get(AUDIT).status_code == 403
    entry = AuditEntry.objects.filter(action="denied").latest("pk")
    assert (entry.outcome, entry.detail["path"], entry.detail["method"]) == ("denied", AUDIT, "GET")


def test_filters_by_user_action_object_and_time(as_sam, some_calls):
    first = some_calls[0]
    bobs = as_sam.get(AUDIT, {"user": "dispatcher2"}).json()["results"]
    assert bobs and {e["user"] for e in bobs} == {"dispatcher2"}
    assert as_sam.get(AUDIT, {"action": "call.create"}).json()["count"] == 3
    only = as_sam.get(AUDIT, {"object": f"call:{first.pk}"}).json()["results"]
    assert [e["object"] for e in only] == [f"call:{first.pk}"]
    at = AuditEntry.objects.get(object=f"call:{first.pk}").at.isoformat()
    assert as_sam.get(AUDIT, {"action": "call.create", "since": at}).json()["count"] == 3
    assert as_sam.get(AUDIT, {"action": "call.create", "until": at}).json()["count"] == 0


@pytest.mark.parametrize("name", ["since", "until"])
def test_a_time_that_cannot_be_meant_is_a_400_naming_the_field(as_sam, name):
    answer = as_sam.get(AUDIT, {name: "yesterday"})
    assert answer.status_code == 400 and name in answer.json()


def test_the_admin_shows_the_trail_to_supervisors_read_only(sam, carol, some_calls):
    client = Client()
    client.force_login(sam)
    page = client.get("/admin/records/auditentry/?action=call.create")
    assert page.status_code == 200 and "call.create" in page.content.decode()
    entry = AuditEntry.objects.latest("pk")
    assert client.get(f"/admin/records/auditentry/{entry.pk}/change/").status_code == 200
    assert client.get("/admin/records/auditentry/add/").status_code == 403
    assert client.post(f"/admin/records/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    clerk = Client()
    clerk.force_login(carol)
    assert clerk.get("/admin/records/auditentry/").status_code == 403
