"""Today's figures for the board."""

from rest_framework import serializers

from calls.api.serializers.ali import CallbackCountsSerializer


class PriorityFiguresSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    name = serializers.CharField()
    dispatch_goal_seconds = serializers.IntegerField(allow_null=True)
    response_goal_seconds = serializers.IntegerField(allow_null=True)
    calls = serializers.IntegerField()
    processing_p90 = serializers.FloatField(allow_null=True, help_text="Received → dispatched, s")
    processing_within_goal_pct = serializers.FloatField(allow_null=True)
    response_p90 = serializers.FloatField(allow_null=True, help_text="Received → first on scene, s")
    response_within_goal_pct = serializers.FloatField(allow_null=True)


class HourCountSerializer(serializers.Serializer):
    hour = serializers.IntegerField()
    count = serializers.IntegerField()


class DayFiguresSerializer(serializers.Serializer):
    date = serializers.DateField()
    timezone = serializers.CharField()
    calls_today = serializers.IntegerField()
    per_hour = HourCountSerializer(many=True)
    priorities = PriorityFiguresSerializer(many=True)
    callbacks = CallbackCountsSerializer(help_text="The callback queue: abandoned 9-1-1 calls")
