from datetime import UTC

import django_filters
from django import forms


class SafeIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return value
        try:
            # In UTC: PostgreSQL refuses offsets beyond ±15:59 that Python accepts.
            value = value.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("That time is out of range.", code="invalid") from None
        if value.year < 1900:
            raise forms.ValidationError("That time is out of range.", code="invalid")
        return value


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 time; one that cannot be a real moment is a 400, not a database error."""

    field_class = SafeIsoDateTimeField
