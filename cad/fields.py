"""Input fields that take what is sent as it is sent: a time in one strict form, a coordinate only
as a number."""

import re
from datetime import UTC, datetime

from rest_framework import serializers

# RFC 3339, as ISO 8601 is written on the wire: a date, a time, and the offset that says whose time.
RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})", re.IGNORECASE)
TIME_FORMAT = "a time with its offset, e.g. 2026-12-01T04:30:00Z or 2026-11-30T22:30:00-06:00"


def parse_time(text: object) -> datetime | None:
    """The moment `text` names when it is written as RFC 3339 with an offset; None otherwise (no
    guessing at a zone, no spaces or trailing characters, nothing before the year 1900)."""
    if not isinstance(text, str) or not RFC3339.fullmatch(text):
        return None
    try:
        moment = datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
    except ValueError:
        return None
    try:
        # In UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts.
        moment = moment.astimezone(UTC)
    except OverflowError:
        return None
    return moment if moment.year >= 1900 else None


class TimeField(serializers.DateTimeField):
    """A moment, written as RFC 3339 with its offset; anything else is a 400 that says the form."""

    default_error_messages = {"invalid": f"Give {TIME_FORMAT}."}

    def to_internal_value(self, value):
        moment = parse_time(value)
        if moment is None:
            self.fail("invalid")
        return moment


class CoordinateField(serializers.FloatField):
    """A number; true/false are not coordinates, though Python would read them as 1 and 0."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)
