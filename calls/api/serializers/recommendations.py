"""The recommendation's answer: the plan, the ranked units and what is missing."""

from rest_framework import serializers

from units.choices import UnitType


class PlanLineSerializer(serializers.Serializer):
    capability = serializers.CharField(help_text='A capability ("engine"), or a discipline in the fallback')
    count = serializers.IntegerField()
    match = serializers.ChoiceField(choices=["capability", "discipline"],
                                    help_text="What units the line matches on")
    assigned = serializers.IntegerField(help_text="Units already on the call that fill it")
    reason = serializers.CharField(
        allow_blank=True, help_text='Why a line beyond the plan is there, e.g. "+1 police: officer-safety '
                                    'flag at this address" (cover for premise hazards); else empty')


class PlanSerializer(serializers.Serializer):
    source = serializers.CharField(
        help_text='"priority": the type\'s plan for this priority; "type": its plan for any priority; '
                  '"fallback": no plan, one unit of each of the type\'s disciplines')
    call_type = serializers.CharField()
    priority = serializers.IntegerField(allow_null=True)
    description = serializers.CharField()
    notes = serializers.CharField(allow_blank=True)
    lines = PlanLineSerializer(many=True)


class RecommendedUnitSerializer(serializers.Serializer):
    callsign = serializers.CharField()
    agency = serializers.CharField()
    unit_type = serializers.ChoiceField(choices=UnitType.choices)
    capability = serializers.CharField(help_text="The plan line it fills")
    eta_seconds = serializers.IntegerField(allow_null=True, help_text="Estimated travel time")
    distance_m = serializers.IntegerField(allow_null=True, help_text="Straight-line distance")
    position = serializers.ChoiceField(
        choices=["location", "station", "beat", "none"],
        help_text="Where it was measured from: its fresh last location, its station, its home beat's centre")
    mutual_aid = serializers.BooleanField(help_text="A partner agency's unit, offered because the "
                                                    "center's own cannot fill the line")
    in_call_beat = serializers.BooleanField(help_text="Its home beat is the call's beat")
    reason = serializers.CharField()


class UnfilledSerializer(serializers.Serializer):
    capability = serializers.CharField()
    wanted = serializers.IntegerField()
    found = serializers.IntegerField(help_text="Including units already on the call")
    text = serializers.CharField()


class RecommendationSerializer(serializers.Serializer):
    call_id = serializers.IntegerField()
    plan = PlanSerializer()
    units = RecommendedUnitSerializer(many=True, help_text="Nearest first; mutual aid last")
    unfilled = UnfilledSerializer(many=True)
    assigned = serializers.ListField(child=serializers.CharField(),
                                     help_text="Units already on the call (they count toward the plan)")
    located = serializers.BooleanField(help_text="False: the call has no coordinates, units are not "
                                                 "ranked by distance")
    computed_at = serializers.DateTimeField()
