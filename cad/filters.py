"""Query filters under the API's input policy: a value that cannot be meant is a 400, not an empty
answer or a silent default."""

import django_filters
from django import forms

from cad.fields import TIME_FORMAT, parse_time


class StrictTimeField(forms.Field):
    def to_python(self, value):
        if value in (None, ""):
            return None
        moment = parse_time(value)
        if moment is None:
            raise forms.ValidationError("Give %(form)s (in a query string, write + as %(plus)s).",
                                        code="invalid", params={"form": TIME_FORMAT, "plus": "%2B"})
        return moment


class IsoDateTimeFilter(django_filters.Filter):
    """An RFC 3339 time with its offset; anything else is a 400 that says the form."""

    field_class = StrictTimeField


class CodeField(forms.Field):
    """A code of the reference data (a call type, a beat, an agency), in any case; one that names
    nothing is a 400 listing where the codes are."""

    def __init__(self, *, queryset, listing: str, key: str = "code", **kwargs):
        super().__init__(**kwargs)
        self.queryset, self.listing, self.key = queryset, listing, key

    def to_python(self, value):
        if value in (None, ""):
            return None
        value = value.strip()
        found = None
        if value.isprintable():
            found = self.queryset.filter(**{f"{self.key}__iexact": value}).first()
        if found is None:
            raise forms.ValidationError("Unknown %(value)r; see %(listing)s.", code="invalid_choice",
                                        params={"value": value, "listing": self.listing})
        return found


class CodeFilter(django_filters.Filter):
    field_class = CodeField

    def __init__(self, *args, queryset, listing: str, key: str = "code", **kwargs):
        super().__init__(*args, **kwargs)
        self.extra.update(queryset=queryset, listing=listing, key=key)
