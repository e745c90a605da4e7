"""Webhook subscriptions in the admin: registered by a records clerk or a supervisor, the secret
shown once and never again, bad URLs refused on the form; deliveries resent with one click."""

import re

import pytest
from standardwebhooks import Webhook

from cad.models import Agency
from calls import services
from calls.models import CallType, WebhookDelivery, WebhookSubscription
from records.models import AuditEntry
from tests.calls.conftest import subscribe
from tests.conftest import client_for

SUBSCRIPTIONS = "/admin/calls/webhooksubscription/"
DELIVERIES = "/admin/calls/webhookdelivery/"
SECRET = re.compile(r'value="(whsec_[A-Za-z0-9+/=]+)"')


def register(client, url: str, events=("call.created", "call.updated")):
    return client.post(f"{SUBSCRIPTIONS}add/", {
        "agency": Agency.objects.get(code="NFPD").pk, "url": url, "description": "NFPD CAD",
        "event_types": list(events), "active": "on"})


@pytest.mark.parametrize("username", ["clerk1", "supervisor1"])
def test_a_clerk_or_supervisor_registers_a_webhook_and_sees_its_secret_once(
    username, receiver, django_user_model
):
    client = client_for(django_user_model.objects.get(username=username))

    response = register(client, receiver.url)

    assert response.status_code == 200, response.content.decode()[:2000]
    page = response.content.decode()
    [secret] = SECRET.findall(page)
    assert "shown only this once" in page and response["Cache-Control"] == "no-store"
    subscription = WebhookSubscription.objects.get()
    assert (subscription.secret, subscription.url, subscription.event_types) == (
        secret, receiver.url, ["call.created", "call.updated"])
    assert subscription.created_by.username == username
    for page in (client.get(SUBSCRIPTIONS), client.get(f"{SUBSCRIPTIONS}{subscription.pk}/change/")):
        assert page.status_code == 200 and secret not in page.content.decode()
        assert subscription.secret_hint in page.content.decode()
    assert AuditEntry.objects.filter(action="webhook.create", username=username).count() == 1


@pytest.mark.parametrize("url, said", [
    ("ftp://partner.example/hooks", "Give an http or https URL."),
    ("http://10.20.30.40/hooks", "is not a public address"),
    ("http://127.0.0.1:9/hooks", "is not a public address"),
])
def test_the_form_refuses_a_url_deliveries_could_not_go_to(url, said, as_carol, settings):
    settings.CAD_WEBHOOK_ALLOW_HOSTS = []
    response = register(as_carol, url)
    assert response.status_code == 200
    assert said in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_the_form_needs_an_event_type(as_carol, receiver):
    response = register(as_carol, receiver.url, events=())
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_a_clerk_changes_the_event_types_and_the_secret_stays(as_carol, receiver):
    subscription, secret = subscribe("NFPD", receiver.url)
    response = as_carol.post(f"{SUBSCRIPTIONS}{subscription.pk}/change/", {
        "agency": subscription.agency_id, "url": receiver.url, "description": "only units",
        "event_types": ["unit.updated"], "active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    subscription.refresh_from_db()
    assert (subscription.event_types, subscription.secret) == (["unit.updated"], secret)
    entry = AuditEntry.objects.get(action="webhook.change")
    assert "event_types" in entry.detail["changes"] and secret not in str(entry.detail)


def test_a_new_secret_is_shown_once_and_signs_from_then_on(as_sam, alice, receiver, committed):
    subscription, old = subscribe("NFPD", receiver.url)
    response = as_sam.post(SUBSCRIPTIONS, {"action": "roll_secret", "_selected_action": [subscription.pk]})
    assert response.status_code == 200
    [new] = SECRET.findall(response.content.decode())
    assert new != old
    subscription.refresh_from_db()
    assert subscription.secret == new
    assert AuditEntry.objects.filter(action="webhook.secret_roll").count() == 1

    nfpd = Agency.objects.get(code="NFPD")
    committed(services.call_create, call_type=CallType.objects.get(code="FSTRU"),
              location={"address": "310 MAIN ST"}, by=nfpd.service_user, sent_by=nfpd)
    [(headers, body, _)] = receiver.received
    assert Webhook(new).verify(body, headers)["type"] == "call.created"


def test_a_clerk_resends_deliveries_from_the_list(as_carol, alice, receiver, committed):
    receiver.status = 500
    subscribe("NFPD", receiver.url)
    nfpd = Agency.objects.get(code="NFPD")
    committed(services.call_create, call_type=CallType.objects.get(code="FSTRU"),
              location={"address": "310 MAIN ST"}, by=nfpd.service_user, sent_by=nfpd)
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.update(status="failed", next_attempt_at=None)
    receiver.status = 204

    response = committed(as_carol.post, DELIVERIES, {"action": "resend", "_selected_action": [delivery.pk]})

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.resent_by.username) == ("delivered", "clerk1")
    assert [h["webhook-id"] for h, _, _ in receiver.received] == [delivery.webhook_id] * 2
    page = as_carol.get(f"{DELIVERIES}{delivery.pk}/change/").content.decode()
    assert delivery.webhook_id in page


def test_a_delivery_is_never_changed_in_the_admin(admin_user, receiver, committed):
    subscribe("NFPD", receiver.url)
    nfpd = Agency.objects.get(code="NFPD")
    committed(services.call_create, call_type=CallType.objects.get(code="FSTRU"),
              location={"address": "310 MAIN ST"}, by=nfpd.service_user, sent_by=nfpd)
    delivery = WebhookDelivery.objects.get()
    superuser = client_for(admin_user)
    assert superuser.post(f"{DELIVERIES}{delivery.pk}/change/", {"status": "failed"}).status_code == 403
    assert superuser.post(f"{DELIVERIES}{delivery.pk}/delete/", {"post": "yes"}).status_code == 403
    assert superuser.get(f"{DELIVERIES}add/").status_code == 403
