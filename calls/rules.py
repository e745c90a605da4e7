"""Rules of call entry that the services and the API's early checks both apply, written once."""

from datetime import datetime, timedelta

OLDEST_RECEIVED = timedelta(days=7)


def received_at_problem(received_at: datetime, *, now: datetime) -> str | None:
    """Why a call cannot have been received then (None when it can): not in the future, and not so
    long ago that it is a report rather than a call for service."""
    if received_at > now:
        return "Cannot be in the future."
    if now - received_at > OLDEST_RECEIVED:
        return "More than 7 days ago; enter a report instead of a call."
    return None
