"""GET webhooks/deliveries/ and POST webhooks/deliveries/{id}/resend/: a partner's token sees and
resends its own subscriptions' deliveries only; the center's staff every one."""

from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks import Webhook

from cad.models import Agency
from calls import services
from calls.models import CallType, WebhookDelivery
from tests.calls.conftest import subscribe
from tests.conftest import client_for, token_client
from units.models import Unit

URL = "/api/v1/webhooks/deliveries/"


@pytest.fixture
def both_partners(alice, receiver, committed):
    """NFPD and DCSO each subscribed; a call both sent a unit to (each gets the call's event and its
    own unit's), and a call only DCSO's deputy works."""
    nfpd, _ = subscribe("NFPD", receiver.url)
    dcso, _ = subscribe("DCSO", receiver.url)
    both = committed(services.call_create, call_type=CallType.objects.get(code="FSTRU"),
                     location={"address": "310 MAIN ST"}, by=alice)
    committed(services.call_dispatch, call=both, units=Unit.objects.filter(callsign__in=["E51", "S21"]),
              by=alice)
    theirs = committed(services.call_create, call_type=CallType.objects.get(code="FIGHT"),
                       location={"address": "410 MAIN ST"}, by=alice)
    committed(services.call_dispatch, call=theirs, units=[Unit.objects.get(callsign="S22")], by=alice)
    return {"NFPD": nfpd, "DCSO": dcso, "both": both, "theirs": theirs}


def listed(client, **query) -> list[dict]:
    response = client.get(URL, query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_partner_sees_only_its_own_deliveries(both_partners):
    nfpd = listed(token_client("NFPD"))
    dcso = listed(token_client("DCSO"))

    assert {d["subscription"] for d in nfpd} == {both_partners["NFPD"].pk}
    assert sorted((d["event"], d["call"]) for d in nfpd) == sorted([
        ("call.updated", both_partners["both"].pk), ("unit.updated", None)])
    assert {d["subscription"] for d in dcso} == {both_partners["DCSO"].pk}
    # Each call once dispatched, and its unit.
    assert sorted((d["event"], d["call"]) for d in dcso) == sorted([
        ("call.updated", both_partners["both"].pk), ("unit.updated", None),
        ("call.updated", both_partners["theirs"].pk), ("unit.updated", None)])
    assert WebhookDelivery.objects.count() == len(nfpd) + len(dcso)


@pytest.mark.parametrize("who", ["cpd_token", "alice", "carol", "sam"])
def test_the_centers_staff_see_every_delivery(who, both_partners, request):
    client = token_client("CPD") if who == "cpd_token" else client_for(request.getfixturevalue(who))
    assert len(listed(client, page_size=100)) == WebhookDelivery.objects.count() > 0


def test_a_delivery_says_what_was_sent_and_how_it_went(both_partners):
    [delivery] = listed(token_client("NFPD"), event="unit.updated")
    stored = WebhookDelivery.objects.get(pk=delivery["id"])
    assert delivery == {**delivery, "status": "delivered", "attempts": 1, "last_status": 204,
                        "last_error": "", "next_attempt_at": None, "webhook_id": stored.webhook_id,
                        "seq": stored.seq, "url": both_partners["NFPD"].url, "resent_at": None}
    assert delivery["created_at"] and delivery["delivered_at"] and delivery["last_attempt_at"]
    assert delivery["payload"]["type"] == "unit.updated" and delivery["payload"]["data"]["callsign"] == "E51"


def test_deliveries_filter_by_status_event_and_subscription(both_partners):
    WebhookDelivery.objects.filter(event="unit.updated").update(status="failed")
    staff = token_client("CPD")

    assert {d["event"] for d in listed(staff, status="failed")} == {"unit.updated"}
    assert {d["status"] for d in listed(staff, event="call.updated")} == {"delivered"}
    assert {d["subscription"] for d in listed(staff, subscription=both_partners["NFPD"].pk)} == {
        both_partners["NFPD"].pk}
    assert listed(token_client("NFPD"), subscription=both_partners["DCSO"].pk) == []


@pytest.mark.parametrize("query", [{"status": "lost"}, {"event": "call.exploded"}, {"subscription": "x"},
                                   {"seq": "first"}, {"seq": "1.5"}, {"subscription": "99999999999999999999"},
                                   {"seq": "0"}])
def test_a_filter_that_cannot_be_meant_is_a_400(query, both_partners):
    response = token_client("NFPD").get(URL, query)
    assert response.status_code == 400
    assert set(query) <= set(response.json())


def test_anonymous_gets_401(anonymous):
    assert anonymous.get(URL).status_code == 401


def test_a_partner_resends_its_failed_delivery_with_the_same_webhook_id(both_partners, receiver, committed):
    delivery = WebhookDelivery.objects.filter(subscription=both_partners["NFPD"], event="unit.updated").get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", last_status=500)
    before = len(receiver.received)

    response = committed(token_client("NFPD").post, f"{URL}{delivery.pk}/resend/")

    assert response.status_code == 202, response.content
    assert response.json()["id"] == delivery.pk
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("delivered", 1, 204)
    [(headers, body, _)] = receiver.received[before:]
    assert headers["webhook-id"] == delivery.webhook_id
    assert Webhook(both_partners["NFPD"].secret).verify(body, headers)["data"]["callsign"] == "E51"


def test_a_partner_cannot_resend_another_agencys_delivery(both_partners):
    theirs = WebhookDelivery.objects.filter(subscription=both_partners["DCSO"]).first()
    response = token_client("NFPD").post(f"{URL}{theirs.pk}/resend/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.resent_at is None


def test_a_records_clerk_resends_any_delivery(both_partners, carol, committed):
    delivery = WebhookDelivery.objects.filter(subscription=both_partners["DCSO"]).first()
    response = committed(client_for(carol).post, f"{URL}{delivery.pk}/resend/")
    assert response.status_code == 202
    delivery.refresh_from_db()
    assert delivery.resent_by == carol and delivery.status == "delivered"


def test_an_unknown_delivery_is_a_404(both_partners):
    assert token_client("CPD").post(f"{URL}999999/resend/").status_code == 404
    assert token_client("CPD").get(f"{URL}999999/").status_code == 404


def test_a_delivery_being_sent_is_not_resent_meanwhile(both_partners):
    delivery = WebhookDelivery.objects.filter(subscription=both_partners["NFPD"]).first()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(locked_until=timezone.now() + timedelta(minutes=1))
    response = token_client("NFPD").post(f"{URL}{delivery.pk}/resend/")
    assert response.status_code == 409
    assert "being sent" in response.json()["detail"]


def test_a_partner_agency_with_no_subscription_sees_none(both_partners):
    assert Agency.objects.filter(code="SFPD").exists()
    assert listed(token_client("SFPD")) == []
