"""Row locks on calls, always taken in one order (calls by id, then their units by id), so two
services never deadlock."""

from calls.models import Call


def call_locked(call: Call | int) -> Call:
    return Call.objects.select_for_update().get(pk=call.pk if isinstance(call, Call) else call)


def calls_locked(*calls: Call) -> list[Call]:
    """Lock several calls in id order; returned as given."""
    locked = {c.pk: c for c in Call.objects.select_for_update().filter(pk__in=[c.pk for c in calls])
              .order_by("pk")}
    return [locked[c.pk] for c in calls]
