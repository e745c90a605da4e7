"""The one input policy of the API: what is sent is taken as it is sent, or refused with a 400 that
names the field. A field the endpoint does not know is refused, not ignored; a value of the wrong
JSON type is refused, not coerced (`"address": 310` is not an address, `"priority": "1"` is not a
number, `true` is not a coordinate). Query strings are text by nature: their values are checked by
the fields, not their types."""

from collections.abc import Mapping

from django.http import QueryDict
from rest_framework import serializers

NUMBER_FIELDS = (serializers.IntegerField, serializers.FloatField)


def json_type_problem(field: serializers.Field, value: object) -> str | None:
    """Why `value`, as JSON gave it, cannot be meant for `field` (None when it can)."""
    if value is None:
        return None  # the field says whether null is allowed
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "Give true or false."
    if isinstance(field, serializers.IntegerField):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else "Give a whole number."
    if isinstance(field, serializers.FloatField):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "Give a number."
    if isinstance(field, serializers.DecimalField):
        ok = isinstance(value, str | int | float) and not isinstance(value, bool)
        return None if ok else 'Give an amount, e.g. "50.00".'
    if isinstance(field, serializers.ListField | serializers.ListSerializer | serializers.ManyRelatedField):
        return None if isinstance(value, list) else "Give a list."
    if isinstance(field, serializers.Serializer):
        return None if isinstance(value, Mapping) else "Give an object."
    if isinstance(field, serializers.ChoiceField):
        if all(isinstance(choice, str) for choice in field.choices):
            return None if isinstance(value, str) else "Give one of the choices as a string."
        return None
    if isinstance(field, serializers.CharField | serializers.DateTimeField | serializers.DateField):
        return None if isinstance(value, str) else "Give a string."
    return None


class StrictInputSerializer(serializers.Serializer):
    # An endpoint's input under the one policy. No docstring: the schema would give it to every
    # input shape. `unknown_hints` may say where a refused field belongs (`"status": "Use close/."`).

    unknown_hints: dict[str, str] = {}

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)
        errors = {}
        known = {name for name, field in self.fields.items() if not field.read_only}
        for name in sorted(set(data) - known):
            errors[name] = [self.unknown_hints.get(
                name, f"Not a field here; the fields are {', '.join(sorted(known))}.")]
        if not isinstance(data, QueryDict):
            for name in known & set(data):
                problem = json_type_problem(self.fields[name], data[name])
                if problem:
                    errors[name] = [problem]
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as invalid:
            # Every field's own complaint too, so one answer names every mistake.
            raise serializers.ValidationError({**invalid.detail, **errors}) from None
        if errors:
            raise serializers.ValidationError(errors)
        return value
