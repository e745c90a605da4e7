"""Named actors and the demo city, loaded once per test session.

alice and bob are dispatchers, sam a supervisor, carol a records clerk; the CPD token is the
center's own program, the sheriff's token a partner's.
"""

import io
import os

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from cad.models import Agency
from cad.services import agency_token_create


def pytest_configure(config):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Rescanning static folders for every test client costs a third of the API tests' time.
    settings.WHITENOISE_USE_FINDERS = False
    # Tests run the scheduled tasks themselves; no background thread in the test process.
    settings.CAD_INPROCESS_SCHEDULER = False
    # A test run shares Redis with anything else on the machine (another run, a dev server):
    # its stream events must not reach their consoles, nor theirs ours.
    for layer in settings.CHANNEL_LAYERS.values():
        if "prefix" in layer.get("CONFIG", {}):
            layer["CONFIG"]["prefix"] = f"cad-test-{os.getpid()}"


def seed_everything() -> None:
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        seed_everything()


@pytest.fixture
def seeded_transactional_db(transactional_db):
    """The demo city for tests that commit for real (threads, on_commit); flushed afterwards."""
    seed_everything()


def _user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


@pytest.fixture
def alice(db):
    return _user("dispatcher1")


@pytest.fixture
def bob(db):
    return _user("dispatcher2")


@pytest.fixture
def sam(db):
    return _user("supervisor1")


@pytest.fixture
def carol(db):
    return _user("clerk1")


@pytest.fixture
def admin_user(db):
    return _user("admin")


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def as_alice(alice) -> APIClient:
    return client_for(alice)


@pytest.fixture
def as_sam(sam) -> APIClient:
    return client_for(sam)


@pytest.fixture
def as_carol(carol) -> APIClient:
    return client_for(carol)


@pytest.fixture
def anonymous() -> APIClient:
    return APIClient()


def listed(response) -> set[str]:
    """The call numbers an admin change list shows."""
    assert response.status_code == 200
    return {call.number for call in response.context["cl"].result_list}


def token_client(agency_code: str) -> APIClient:
    _, key = agency_token_create(agency=Agency.objects.get(code=agency_code))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def as_cpd_token(db) -> APIClient:
    return token_client("CPD")


@pytest.fixture
def as_sheriff_token(db) -> APIClient:
    return token_client("DCSO")


@pytest.fixture
def console_channel():
    """A channel in the consoles' group, to read what the services announce."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from cad.events import CONSOLE_GROUP

    layer = get_channel_layer()
    name = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(CONSOLE_GROUP, name)
    yield layer, name
    async_to_sync(layer.group_discard)(CONSOLE_GROUP, name)


def receive(layer, name, count=1, timeout=5.0):
    """Read `count` messages in one event loop (channels-redis keeps its buffers per loop); a message
    that never comes fails the test after `timeout` seconds instead of hanging it."""
    import asyncio

    from asgiref.sync import async_to_sync

    async def read():
        return [await asyncio.wait_for(layer.receive(name), timeout) for _ in range(count)]

    messages = async_to_sync(read)()
    return messages[0] if count == 1 else messages
