"""Partners' webhooks in tests: a receiver on 127.0.0.1 (allow-listed), Celery tasks run in this
process when a change commits (as without Redis, whatever REDIS_URL says), and subscriptions."""

import pytest

from cad.celery import app
from cad.events import EventName
from cad.models import Agency
from calls.models import WebhookSubscription
from calls.webhooks.bench import WebhookReceiver
from calls.webhooks.services import webhook_subscription_save

EVERY_EVENT = [str(name) for name in EventName]


@pytest.fixture
def webhooks_here(settings):
    was = app.conf.task_always_eager
    app.conf.task_always_eager = True
    settings.CAD_WEBHOOK_ALLOW_HOSTS = ["127.0.0.1"]
    yield
    app.conf.task_always_eager = was


@pytest.fixture
def receiver(webhooks_here):
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """committed(service, **kwargs): run it, then what its commit sets off (events, deliveries)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def subscribe(agency_code: str, url: str, events: list[str] | None = None) -> tuple[WebhookSubscription, str]:
    subscription = WebhookSubscription(agency=Agency.objects.get(code=agency_code), url=url,
                                       event_types=events or EVERY_EVENT)
    return webhook_subscription_save(subscription=subscription, by=None)
