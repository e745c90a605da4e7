"""The one publisher: services announce changes here, and they go out only after commit.

A rolled-back change is never announced. A channel layer that is down (Redis restarting)
does not fail the write that was already committed: the database stays the truth.
"""

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

CONSOLE_GROUP = "console"


def publish(event: str, data: dict[str, Any]) -> None:
    """Announce `event` (e.g. "call.updated") with `data` once the current transaction commits."""
    message = {"type": "cad.event", "event": event, "data": data}
    transaction.on_commit(lambda: _send(message))


def _send(message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(CONSOLE_GROUP, message)
    except Exception:
        logger.exception("Could not announce %s; consoles will resync from the database", message["event"])
