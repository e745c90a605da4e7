from rest_framework import serializers

from cad.serializers import StrictInputSerializer
from calls.choices import MessageTo
from calls.models import Call, Message


class MessageSerializer(serializers.ModelSerializer):
    """A message as consoles, unit terminals and the API see it."""

    sent_by = serializers.CharField(source="sent_by.username", default=None, allow_null=True, read_only=True)
    from_unit = serializers.CharField(source="from_unit.callsign", default=None, allow_null=True,
                                      read_only=True)
    call_number = serializers.CharField(source="call.number", default=None, allow_null=True, read_only=True)
    units = serializers.ListField(child=serializers.CharField(), read_only=True,
                                  help_text="The callsigns it went to (empty: to the consoles)")

    class Meta:
        model = Message
        fields = ["id", "sent_at", "sent_by", "from_unit", "to_kind", "to", "units", "call", "call_number",
                  "text"]
        read_only_fields = fields


class MessageInputSerializer(StrictInputSerializer):
    to_kind = serializers.ChoiceField(choices=[c for c in MessageTo.choices if c[0] != MessageTo.CONSOLES],
                                      default=MessageTo.UNIT, help_text="unit (default), beat or agency")
    to = serializers.CharField(max_length=16, help_text="The unit's callsign, the beat or the agency code")
    text = serializers.CharField(max_length=1000, trim_whitespace=True)
    call = serializers.PrimaryKeyRelatedField(queryset=Call.objects.all(), required=False, allow_null=True,
                                              help_text="The call it is about: logged on its chronology")
