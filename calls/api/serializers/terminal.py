"""The unit terminal's shapes: what an officer's terminal reads, and what it sends."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cad.fields import CoordinateField, TimeField
from cad.serializers import StrictInputSerializer
from calls.api.serializers.alerts import WhereInputSerializer
from calls.api.serializers.calls import CallDetailSerializer
from units.api.serializers import UnitSerializer
from units.choices import UnitStatus


class ShiftSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField(source="unit.callsign")
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)


class StatusChangeTodaySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    call_number = serializers.CharField(allow_blank=True)
    by = serializers.CharField(source="by.username", default=None, allow_null=True)


class SignableUnitSerializer(serializers.Serializer):
    callsign = serializers.CharField()
    unit_type = serializers.CharField()
    status = serializers.CharField()


class TerminalSerializer(serializers.Serializer):
    """An officer's terminal: the shift and unit signed on to (null when not signed on), the units
    they may sign on to, the call the unit works with its chronology, and the unit's day."""

    officer = serializers.CharField()
    shift = ShiftSerializer(allow_null=True)
    unit = UnitSerializer(allow_null=True)
    officers = serializers.ListField(child=serializers.CharField(),
                                     help_text="Who is signed on to the unit now")
    allowed_statuses = serializers.ListField(
        child=serializers.ChoiceField(choices=UnitStatus.choices),
        help_text="The statuses the unit may go to from its current one, in the order to offer them")
    signable_units = SignableUnitSerializer(many=True, help_text="The units of the officer's agency")
    call = serializers.SerializerMethodField()
    history = StatusChangeTodaySerializer(many=True,
                                          help_text="The unit's status changes today, newest first")
    calls_today = serializers.ListField(child=serializers.CharField(),
                                        help_text="The numbers of the calls the unit worked today")

    @extend_schema_field(CallDetailSerializer(allow_null=True))
    def get_call(self, terminal: dict) -> dict | None:
        call = terminal.get("call")
        return CallDetailSerializer(call, context=self.context).data if call is not None else None


class SignOnInputSerializer(StrictInputSerializer):
    unit = serializers.CharField(max_length=16, help_text="The unit's callsign, e.g. 1A12")


class OfflineFields(StrictInputSerializer):
    """A change the terminal may have queued while offline: its client id makes it applied once."""

    client_id = serializers.UUIDField(
        required=False, help_text="Chosen by the terminal; the same id sent again is answered as the "
                                  "first time and not applied twice")
    device_at = TimeField(required=False, help_text="When it was made, by the device's clock (kept beside "
                                                    "the server's; the change is stamped with the server's)")


class TerminalStatusInputSerializer(OfflineFields):
    status = serializers.ChoiceField(choices=UnitStatus.choices)


class TerminalNoteInputSerializer(OfflineFields):
    text = serializers.CharField(max_length=20000)


class TrafficStopInputSerializer(OfflineFields):
    """Where: the unit's last known location when nothing is given, else an address or lat/lon (a
    terminal sends where the device was when the stop was tapped, even if sent later)."""

    address = serializers.CharField(required=False, max_length=200)
    lat = CoordinateField(required=False, min_value=-90, max_value=90)
    lon = CoordinateField(required=False, min_value=-180, max_value=180)
    narrative = serializers.CharField(required=False, max_length=2000, allow_blank=True)

    def validate(self, data):
        if ("lat" in data) != ("lon" in data):
            missing = "lat" if "lat" not in data else "lon"
            raise serializers.ValidationError({missing: ["Give lat and lon together."]})
        return data

    def location(self) -> dict | None:
        data = self.validated_data
        if "address" in data:
            return {"address": data["address"]}
        if "lat" in data:
            return {"lat": data["lat"], "lon": data["lon"]}
        return None


class EmergencyButtonInputSerializer(OfflineFields, WhereInputSerializer):
    """The unit terminal's emergency button: where the device is, if it says."""


class TerminalMessageInputSerializer(OfflineFields):
    text = serializers.CharField(max_length=1000, help_text="To the center's consoles")
