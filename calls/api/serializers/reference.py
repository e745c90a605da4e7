"""Reference lists: call types, dispositions, priorities and their goals."""

from rest_framework import serializers

from calls.models import CallType, Disposition, Priority


class CallTypeSerializer(serializers.ModelSerializer):
    default_priority = serializers.IntegerField(source="default_priority_id", read_only=True)
    disciplines = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = CallType
        fields = ["code", "description", "common_type", "default_priority", "disciplines",
                  "is_alarm", "is_local"]


class DispositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Disposition
        fields = ["code", "description", "is_local", "billable_false_alarm"]


class PrioritySerializer(serializers.ModelSerializer):
    class Meta:
        model = Priority
        fields = ["level", "name", "dispatch_goal_seconds", "response_goal_seconds"]
