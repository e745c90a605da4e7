from rest_framework import serializers


class CoordinateField(serializers.FloatField):
    """A number; true/false are not coordinates, though Python would read them as 1 and 0."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)
