"""Changes from a unit terminal that may arrive twice (sent offline, then again when the link came
back, or answered but the answer lost): each client id is applied once."""

from collections.abc import Callable
from datetime import datetime, timedelta
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from cad.exceptions import Conflict
from units.models import FieldAction

Answer = tuple[int, dict]
# A change the device made longer ago than this reached the server late (it waited for the link).
LATE_AFTER = timedelta(seconds=30)


def field_action_once(*, client_id: UUID, user: AbstractBaseUser, kind: str, device_at: datetime | None,
                      apply: Callable[[], Answer]) -> tuple[Answer, bool]:
    """Apply the change (`apply()` → (status code, answer)) unless its client id was applied
    before; either way, (the answer, whether it is a replay). A replay of another person's or
    another kind's client id is a 409."""
    earlier = FieldAction.objects.filter(client_id=client_id).first()
    if earlier is None:
        try:
            with transaction.atomic():
                answer = apply()
                FieldAction.objects.create(client_id=client_id, user=user, kind=kind, device_at=device_at,
                                           received_at=timezone.now(), status_code=answer[0],
                                           answer=answer[1])
            return answer, False
        except IntegrityError:
            # The same change sent twice at once: the other one applied it, this one is undone.
            earlier = FieldAction.objects.filter(client_id=client_id).first()
            if earlier is None:
                raise
    if earlier.user_id != user.pk or earlier.kind != kind:
        raise Conflict(f"Client id {client_id} was used for another change.")
    return (earlier.status_code, earlier.answer), True


def offline_words(*, callsign: str, device_at: datetime | None, at: datetime) -> str:
    """How a call's chronology says that a change stamped `at` (the server's time) was made on the
    unit's device earlier, while offline: "sent from 1A12 offline, made 10:42:13 by the device's
    clock"; empty when it came in time (or the device gave no time)."""
    if device_at is None or at - device_at <= LATE_AFTER:
        return ""
    made = timezone.localtime(device_at)
    when = f"{made:%H:%M:%S}" if made.date() == timezone.localtime(at).date() else f"{made:%Y-%m-%d %H:%M:%S}"
    return f"sent from {callsign} offline, made {when} by the device's clock"
