from rest_framework import serializers


class PlaceSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="address, intersection, interpolated or coordinates")
    address = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)
    beat = serializers.CharField(source="beat.code", default=None, allow_null=True)
    verified = serializers.BooleanField()


class PlaceQuerySerializer(serializers.Serializer):
    q = serializers.CharField(min_length=2, max_length=200, help_text="e.g. 123 MAIN, MAIN / 3RD")
    limit = serializers.IntegerField(min_value=1, max_value=50, default=10)
