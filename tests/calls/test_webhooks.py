"""Partners' webhooks: what a partner receives (exactly what it may see), signed as Standard
Webhooks says (checked with the standardwebhooks package, not our code), retried on the schedule,
never sent twice, never to an address that is not public."""

import json
import socket
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from cad.models import Agency
from calls import services, tasks
from calls.choices import CallSource
from calls.models import CallShare, CallType, WebhookCursor, WebhookDelivery, WebhookSubscription
from calls.webhooks import sending
from calls.webhooks.services import ATTEMPT_HOLD, RETRY_DELAYS, webhook_delivery_resend, webhooks_fan_out
from records.models import AuditEntry
from tests.calls.conftest import subscribe
from units.models import Unit
from units.services import unit_status_set

T0 = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


def new_call(by, code: str = "FSTRU", address: str = "310 MAIN ST", **fields):
    return services.call_create(call_type=CallType.objects.get(code=code), location={"address": address},
                                by=by, **fields)


def dispatch(call, callsign: str, by):
    return services.call_dispatch(call=call, units=[Unit.objects.get(callsign=callsign)], by=by)


def received(receiver) -> list[dict]:
    return [json.loads(body) for _, body, _ in receiver.received]


def about(payload: dict) -> tuple:
    """An event as a partner tells it apart: its name and the call or unit it is about."""
    data = payload["data"]
    return payload["type"], data.get("callsign") or data.get("number")


def nothing_queued(ids: list[int]) -> None:
    """An enqueue that sends nothing: the test sends when it wants."""


def test_a_partner_receives_exactly_the_events_of_the_calls_it_may_see(alice, receiver, committed):
    subscribe("NFPD", receiver.url)
    nfpd = Agency.objects.get(code="NFPD")

    worked = committed(new_call, alice)  # not NFPD's yet: its call.created is not sent
    committed(dispatch, worked, "E51", alice)  # NFPD's engine sent: the call and the engine are
    elsewhere = committed(new_call, alice, code="ROBBERY", address="410 MAIN ST")
    committed(dispatch, elsewhere, "1A12", alice)  # the center's own unit, another call: nothing
    shared = committed(new_call, alice, address="510 MAIN ST")
    share = CallShare.objects.create(call=shared, agency=nfpd, shared_at=timezone.now(), shared_by=alice)
    committed(services.call_update, call=shared, by=alice, narrative="Smoke from the roof")
    share.ended_at = timezone.now()
    share.save()
    committed(services.call_update, call=shared, by=alice, narrative="Share ended: not NFPD's now")
    sent_in = committed(new_call, nfpd.service_user, address="610 MAIN ST", source=CallSource.PARTNER,
                        sent_by=nfpd, sent_by_incident="NF-26-0042")
    committed(unit_status_set, unit=Unit.objects.get(callsign="S21"), status="out_of_service", by=alice)

    assert sorted(about(p) for p in received(receiver)) == sorted([
        ("call.updated", worked.number), ("unit.updated", "E51"),
        ("call.updated", shared.number),
        ("call.created", sent_in.number),
    ])
    assert WebhookDelivery.objects.filter(status="delivered").count() == 4
    assert set(WebhookDelivery.objects.values_list("call_id", flat=True)) == {
        worked.pk, shared.pk, sent_in.pk, None}


def test_a_partner_reads_only_its_own_share_of_a_call_shared_with_others(alice, receiver, committed):
    subscribe("NFPD", receiver.url, events=["call.updated"])
    call = committed(new_call, alice)
    committed(services.call_share, call=call, agency=Agency.objects.get(code="DCSO"), by=alice)
    committed(services.call_share, call=call, agency=Agency.objects.get(code="NFPD"), by=alice,
              note="Engine may be needed")

    shares = [p["data"]["shared_with"] for p in received(receiver)]
    assert shares and all({s["agency"] for s in seen} == {"NFPD"} for seen in shares)
    assert CallShare.objects.filter(call=call, ended_at__isnull=True).count() == 2


def test_a_subscription_gets_only_the_event_types_it_chose(alice, receiver, committed):
    subscribe("NFPD", receiver.url, events=["unit.updated"])
    call = committed(new_call, alice)
    committed(dispatch, call, "E51", alice)

    assert [about(p) for p in received(receiver)] == [("unit.updated", "E51")]


def test_each_delivery_is_signed_as_standard_webhooks_says(alice, receiver, committed):
    _, secret = subscribe("NFPD", receiver.url)
    assert secret.startswith("whsec_")
    nfpd = Agency.objects.get(code="NFPD")
    call = committed(new_call, nfpd.service_user, source=CallSource.PARTNER, sent_by=nfpd)

    [(headers, body, _)] = receiver.received
    payload = Webhook(secret).verify(body, headers)
    delivery = WebhookDelivery.objects.get()
    assert headers["webhook-id"] == delivery.webhook_id
    assert abs(int(headers["webhook-timestamp"]) - timezone.now().timestamp()) < 60
    assert headers["webhook-signature"].startswith("v1,")
    assert headers["content-type"] == "application/json"
    assert payload["type"] == "call.created" and payload["data"]["number"] == call.number
    assert payload["seq"] == delivery.seq and payload["timestamp"]
    assert json.loads(delivery.payload) == payload
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(call.number, "2026-999999"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(sending.secret_new()).verify(body, headers)


def test_a_change_carries_each_changed_field_old_and_new(alice, receiver, committed):
    subscribe("NFPD", receiver.url, events=["call.updated"])
    nfpd = Agency.objects.get(code="NFPD")
    call = committed(new_call, nfpd.service_user, source=CallSource.PARTNER, sent_by=nfpd)

    committed(services.call_update, call=call, by=alice, narrative="Smoke showing",
              caller_phone="816-555-0142")
    committed(dispatch, call, "E51", alice)

    changed, dispatched = received(receiver)
    assert changed["data"]["changes"] == {"caller_phone": ["", "816-555-0142"],
                                          "narrative": ["", "Smoke showing"]}
    assert changed["data"]["narrative"] == "Smoke showing"
    assert dispatched["data"]["changes"] == {"status": ["pending", "dispatched"]}


def test_a_failing_partner_is_retried_on_the_schedule_then_the_delivery_fails(alice, receiver, committed):
    receiver.status = 500
    subscribe("NFPD", receiver.url, events=["call.created"])
    nfpd = Agency.objects.get(code="NFPD")
    with time_machine.travel(T0, tick=False) as clock:
        committed(new_call, nfpd.service_user, sent_by=nfpd)
        delivery = WebhookDelivery.objects.get()
        assert (len(receiver.received), delivery.status, delivery.attempts) == (1, "pending", 1)
        assert delivery.last_status == 500

        at = T0
        for attempt, delay in enumerate(RETRY_DELAYS, start=2):
            at += delay
            clock.move_to(at - timedelta(seconds=1))
            committed(tasks.webhooks_sweep)
            assert len(receiver.received) == attempt - 1, f"attempt {attempt} came early"
            clock.move_to(at)
            committed(tasks.webhooks_sweep)
            assert len(receiver.received) == attempt, f"attempt {attempt} did not come after {delay}"
            delivery.refresh_from_db()
            assert delivery.attempts == attempt
        assert (delivery.status, delivery.next_attempt_at, delivery.last_status) == ("failed", None, 500)
        assert "500" in delivery.last_error

        clock.move_to(at + timedelta(days=3))
        committed(tasks.webhooks_sweep)
    assert len(receiver.received) == 7  # the first attempt and six retries: then it is left failed
    assert {headers["webhook-id"] for headers, _, _ in receiver.received} == {delivery.webhook_id}
    stamps = [int(headers["webhook-timestamp"]) for headers, _, _ in receiver.received]
    assert [b - a for a, b in zip(stamps, stamps[1:], strict=False)] == [
        int(d.total_seconds()) for d in RETRY_DELAYS]


def test_a_partner_back_after_a_failure_gets_the_delivery_on_the_next_retry(alice, receiver, committed):
    receiver.status = 503
    subscribe("NFPD", receiver.url, events=["call.created"])
    nfpd = Agency.objects.get(code="NFPD")
    with time_machine.travel(T0, tick=False) as clock:
        committed(new_call, nfpd.service_user, sent_by=nfpd)
        receiver.status = 200
        clock.move_to(T0 + RETRY_DELAYS[0])
        committed(tasks.webhooks_sweep)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("delivered", 2, 200)
    assert delivery.delivered_at == T0 + RETRY_DELAYS[0] and delivery.next_attempt_at is None


def test_a_redirect_is_not_followed(alice, receiver, committed):
    receiver.status = 307
    subscribe("NFPD", receiver.url, events=["call.created"])
    nfpd = Agency.objects.get(code="NFPD")
    committed(new_call, nfpd.service_user, sent_by=nfpd)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_status) == ("pending", 307)
    assert "redirect" in delivery.last_error


def made_not_sent(committed, alice) -> WebhookDelivery:
    """A delivery made by the fan-out and not sent yet (its task not run)."""
    nfpd = Agency.objects.get(code="NFPD")
    new_call(nfpd.service_user, sent_by=nfpd)  # its commit is not run: nothing kicks the fan-out
    committed(webhooks_fan_out, enqueue=nothing_queued)
    return WebhookDelivery.objects.get()


def test_a_delivery_task_run_twice_sends_the_delivery_once(alice, receiver, committed):
    subscribe("NFPD", receiver.url, events=["call.created"])
    delivery = made_not_sent(committed, alice)

    assert tasks.webhook_deliver.apply(args=[delivery.pk]).get() == "delivered"
    assert tasks.webhook_deliver.apply(args=[delivery.pk]).get() is None

    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)


def test_the_fan_out_run_again_makes_no_delivery_twice(alice, receiver, committed):
    subscribe("NFPD", receiver.url, events=["call.created"])
    delivery = made_not_sent(committed, alice)

    committed(webhooks_fan_out, enqueue=nothing_queued)
    WebhookCursor.objects.update(last_seq=0)  # as if the cursor were lost: every event looked at again
    committed(webhooks_fan_out, enqueue=nothing_queued)

    made = list(WebhookDelivery.objects.values_list("pk", "webhook_id"))
    assert made == [(delivery.pk, delivery.webhook_id)]


def test_a_delivered_delivery_is_never_sent_again_by_a_sweep(alice, receiver, committed):
    subscribe("NFPD", receiver.url, events=["call.created"])
    nfpd = Agency.objects.get(code="NFPD")
    with time_machine.travel(T0, tick=False) as clock:
        committed(new_call, nfpd.service_user, sent_by=nfpd)
        for later in (timedelta(minutes=1), timedelta(hours=1), timedelta(days=2)):
            clock.move_to(T0 + later)
            committed(tasks.webhooks_sweep)
    assert len(receiver.received) == 1


def test_a_delivery_whose_worker_died_half_way_goes_again_with_the_same_webhook_id(
    alice, receiver, committed
):
    subscribe("NFPD", receiver.url, events=["call.created"])
    with time_machine.travel(T0, tick=False) as clock:
        delivery = made_not_sent(committed, alice)
        # An attempt claimed it (as webhook_deliver does) and its worker was killed before it finished.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            locked_until=T0 + ATTEMPT_HOLD, attempts=1, last_attempt_at=T0, queued_at=None)

        committed(tasks.webhooks_sweep)
        assert tasks.webhook_deliver.apply(args=[delivery.pk]).get() is None  # a redelivered task
        assert receiver.received == []

        clock.move_to(T0 + ATTEMPT_HOLD + timedelta(seconds=1))
        committed(tasks.webhooks_sweep)
        committed(tasks.webhooks_sweep)
    [(headers, _, _)] = receiver.received
    assert headers["webhook-id"] == delivery.webhook_id
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)


def test_a_failed_delivery_is_resent_with_its_webhook_id_and_the_resend_audited(
    alice, carol, receiver, committed
):
    receiver.status = 500
    subscribe("NFPD", receiver.url, events=["call.created"])
    nfpd = Agency.objects.get(code="NFPD")
    committed(new_call, nfpd.service_user, sent_by=nfpd)
    WebhookDelivery.objects.update(status="failed", next_attempt_at=None)
    receiver.status = 204

    delivery = committed(webhook_delivery_resend, delivery=WebhookDelivery.objects.get(), by=carol,
                         enqueue=tasks.webhook_deliveries_enqueue)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.resent_by) == ("delivered", 1, carol)
    assert [h["webhook-id"] for h, _, _ in receiver.received] == [delivery.webhook_id] * 2
    entry = AuditEntry.objects.get(action="webhook.resend")
    assert entry.username == "clerk1" and entry.detail["was"] == "failed"


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/hooks", "http://10.1.2.3/hooks", "http://192.168.1.20/hooks",
    "http://172.16.0.9/hooks", "http://[::1]:8000/hooks", "http://localhost:8000/hooks",
    "http://169.254.169.254/latest/meta-data/", "http://[::ffff:127.0.0.1]/hooks", "http://0.0.0.0/hooks",
    "http://100.64.0.1/hooks", "http://[fd00::1]/hooks", "http://[fe80::1]/hooks",
])
def test_an_address_that_is_not_public_is_refused(url, settings):
    settings.CAD_WEBHOOK_ALLOW_HOSTS = []
    assert "not a public address" in sending.url_problem(url)


def resolves_to(monkeypatch, *addresses: str) -> None:
    def getaddrinfo(host, port, *args, **kwargs):
        assert host == "partner.example"
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in addresses]

    monkeypatch.setattr(sending.socket, "getaddrinfo", getaddrinfo)


def test_a_host_name_is_refused_when_any_address_it_resolves_to_is_private(monkeypatch, settings):
    settings.CAD_WEBHOOK_ALLOW_HOSTS = []
    resolves_to(monkeypatch, "93.184.216.34", "10.0.0.7")
    assert "partner.example (10.0.0.7) is not a public address" in sending.url_problem(
        "https://partner.example/hooks")

    resolves_to(monkeypatch, "93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946")
    assert sending.url_problem("https://partner.example/hooks") is None


@pytest.mark.parametrize("url", ["ftp://partner.example/hooks", "file:///etc/passwd", "javascript:alert(1)",
                                 "gopher://partner.example/", "partner.example/hooks"])
def test_a_url_that_is_not_http_or_https_is_refused(url):
    assert sending.url_problem(url) == "Give an http or https URL."


@pytest.mark.parametrize("url", ["http://10.0.0.7/hooks", "ftp://partner.example/hooks"])
def test_a_subscription_to_a_refused_url_is_not_saved(url, settings, db):
    settings.CAD_WEBHOOK_ALLOW_HOSTS = []
    with pytest.raises(ValidationError) as refused:
        subscribe("NFPD", url)
    assert list(refused.value.message_dict) == ["url"]
    assert not WebhookSubscription.objects.exists()


def test_an_address_no_longer_allowed_when_sending_fails_the_delivery_at_once(alice, receiver, committed,
                                                                             settings):
    subscribe("NFPD", receiver.url, events=["call.created"])
    settings.CAD_WEBHOOK_ALLOW_HOSTS = []  # e.g. the list was changed since, or the name moved
    nfpd = Agency.objects.get(code="NFPD")
    committed(new_call, nfpd.service_user, sent_by=nfpd)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status) == ("failed", 1, None)
    assert "127.0.0.1 is not a public address" in delivery.last_error
    assert receiver.received == []


@pytest.mark.parametrize("allowed, host", [(["127.0.0.1"], "127.0.0.1"), (["127.0.0.0/8"], "127.0.0.1"),
                                           (["localhost"], "localhost")])
def test_the_allow_list_lets_a_receiver_on_a_private_address_have_deliveries(
    allowed, host, alice, receiver, committed, settings
):
    settings.CAD_WEBHOOK_ALLOW_HOSTS = allowed
    subscribe("NFPD", receiver.url.replace("127.0.0.1", host), events=["call.created"])
    nfpd = Agency.objects.get(code="NFPD")
    committed(new_call, nfpd.service_user, sent_by=nfpd)

    assert WebhookDelivery.objects.get().status == "delivered"
    assert len(receiver.received) == 1


def test_a_subscription_made_now_receives_only_what_happens_from_now(alice, receiver, committed):
    nfpd = Agency.objects.get(code="NFPD")
    committed(new_call, nfpd.service_user, sent_by=nfpd)
    subscribe("NFPD", receiver.url, events=["call.created"])
    later = committed(new_call, nfpd.service_user, sent_by=nfpd, address="410 MAIN ST")

    assert [about(p) for p in received(receiver)] == [("call.created", later.number)]


def test_nothing_is_made_while_nobody_subscribed(alice, receiver, committed):
    committed(new_call, alice)
    assert not WebhookDelivery.objects.exists()


def test_an_inactive_subscription_receives_nothing(alice, receiver, committed):
    subscription, _ = subscribe("NFPD", receiver.url, events=["call.created"])
    WebhookSubscription.objects.filter(pk=subscription.pk).update(active=False)
    nfpd = Agency.objects.get(code="NFPD")
    committed(new_call, nfpd.service_user, sent_by=nfpd)

    assert receiver.received == [] and not WebhookDelivery.objects.exists()


def test_a_subscription_for_the_center_itself_is_refused(receiver, db):
    with pytest.raises(ValidationError) as refused:
        subscribe("CPD", receiver.url)
    assert "agency" in refused.value.message_dict


def test_a_subscription_is_audited_without_its_secret(receiver, db):
    subscription, secret = subscribe("NFPD", receiver.url)
    entry = AuditEntry.objects.get(action="webhook.create")
    assert entry.object == f"webhook:{subscription.pk}"
    assert secret not in json.dumps(entry.detail) and "secret" not in entry.detail["changes"]
    assert entry.detail["changes"]["url"] == [None, receiver.url]
