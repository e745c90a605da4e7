"""What the API accepts: a new call, a change to one, and the actions on it."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from cad.fields import CoordinateField, TimeField
from cad.serializers import StrictInputSerializer
from calls.choices import CallSource
from calls.models import SUPPLEMENT_LONGEST, CallType, Disposition, Priority


def location_problem(data: dict) -> tuple[str | None, str] | None:
    """The one check of a location as given (an address, an intersection, or lat and lon): the
    field at fault (None for the whole location) and why; None when it can be looked up."""
    if ("lat" in data) != ("lon" in data):
        return "lat", "Give lat and lon together."
    if data.get("address") and data.get("intersection"):
        return "address", "Give an address or an intersection, not both."
    if not (data.get("address") or data.get("intersection") or "lat" in data):
        return None, "Give an address, an intersection, or lat and lon."
    return None


def _location_shape(*names: str) -> dict:
    return {"type": "object", "required": list(names), "additionalProperties": False,
            "properties": {name: LOCATION_PROPERTIES[name] for name in names}}


LOCATION_PROPERTIES = {
    "address": {"type": "string", "minLength": 1, "maxLength": 200, "example": "310 MAIN ST"},
    "intersection": {"type": "string", "minLength": 1, "maxLength": 200, "example": "MAIN ST / 3RD AVE"},
    "lat": {"type": "number", "minimum": -90, "maximum": 90},
    "lon": {"type": "number", "minimum": -180, "maximum": 180},
}


@extend_schema_field({
    "description": "An address, an intersection, or lat and lon; words with a point must agree "
                   "(within CAD_LOCATION_AGREE_METRES), else the request is refused naming both.",
    "oneOf": [_location_shape("address"), _location_shape("address", "lat", "lon"),
              _location_shape("intersection"), _location_shape("intersection", "lat", "lon"),
              _location_shape("lat", "lon")],
})
class LocationInputSerializer(StrictInputSerializer):
    address = serializers.CharField(required=False, max_length=200)
    intersection = serializers.CharField(required=False, max_length=200)
    lat = CoordinateField(required=False, min_value=-90, max_value=90)
    lon = CoordinateField(required=False, min_value=-180, max_value=180)

    def validate(self, data):
        problem = location_problem(data)
        if problem:
            field, message = problem
            raise serializers.ValidationError({field or api_settings.NON_FIELD_ERRORS_KEY: [message]})
        return data


class CodeField(serializers.CharField):
    """A reference code (ROBBERY, 02) given in any case, becoming its row; unknown codes are a 400.

    Only plain letters and digits reach the database, so odd text (NUL bytes) never does.
    """

    def __init__(self, *, queryset, noun: str, listing: str, longest: int, **kwargs):
        super().__init__(**kwargs)
        self.queryset, self.noun, self.listing, self.longest = queryset, noun, listing, longest

    def to_internal_value(self, data):
        code = super().to_internal_value(data).strip().upper()
        known = code.isascii() and code.isalnum() and len(code) <= self.longest
        found = self.queryset.filter(code=code).first() if known else None
        if found is None:
            raise serializers.ValidationError(f"Unknown {self.noun} {code!r}; see {self.listing}.")
        return found


@extend_schema_field({"type": "string", "pattern": r"^\s*[A-Za-z0-9]{1,16}\s*$",
                      "description": "A call type's code (GET call-types/), in any case, e.g. ROBBERY"})
class CallTypeField(CodeField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=CallType.objects.select_related("default_priority").filter(active=True),
            noun="call type", listing="/api/v1/call-types/", longest=16, **kwargs,
        )


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 5})
class PriorityField(serializers.IntegerField):
    """1 (highest) to 5, given as a number; becomes the Priority with its goals."""

    def to_internal_value(self, data):
        level = super().to_internal_value(data)
        priority = Priority.objects.filter(level=level).first() if 1 <= level <= 5 else None
        if priority is None:
            raise serializers.ValidationError("Give a priority from 1 (highest) to 5.")
        return priority

    def to_representation(self, value):
        return value.level if isinstance(value, Priority) else value


class CallerInputSerializer(StrictInputSerializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=128)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=32)


class CallCreateSerializer(StrictInputSerializer):
    call_type = CallTypeField(help_text="APCO 2.103 or local code, e.g. ROBBERY")
    location = LocationInputSerializer()
    caller = CallerInputSerializer(required=False)
    narrative = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    source = serializers.ChoiceField(choices=CallSource.choices, default=CallSource.E911)
    priority = PriorityField(required=False, help_text="Overrides the call type's default")
    received_at = TimeField(required=False, help_text="When the line rang (with its offset); default now")
    incident_number = serializers.CharField(
        required=False, allow_blank=True, max_length=64,
        help_text="A partner agency's program only: its own incident number for the call it sends in")

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        caller = data.pop("caller", {})
        # Only what was sent: changing the caller's name must not erase the phone.
        if "name" in caller:
            data["caller_name"] = caller["name"]
        if "phone" in caller:
            data["caller_phone"] = caller["phone"]
        return data


class CallUpdateSerializer(CallCreateSerializer):
    call_type = CallTypeField(required=False)
    location = LocationInputSerializer(required=False)
    source = serializers.ChoiceField(choices=CallSource.choices, required=False)
    received_at = None
    incident_number = None
    unknown_hints = {"status": "Use dispatch/, close/ or reopen/.", "disposition": "Use close/."}


class DispatchInputSerializer(StrictInputSerializer):
    units = serializers.ListField(
        child=serializers.CharField(max_length=16), min_length=1, max_length=50,
        help_text="Callsigns, e.g. [\"1A12\"]",
    )


class NoteInputSerializer(StrictInputSerializer):
    text = serializers.CharField(max_length=20000)


class SupplementInputSerializer(StrictInputSerializer):
    text = serializers.CharField(max_length=SUPPLEMENT_LONGEST,
                                 help_text="What the record should also say, or say instead")
    corrects = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                        help_text="The id of the chronology entry of this call it corrects")


@extend_schema_field({"type": "string", "pattern": r"^\s*[A-Za-z0-9]{1,8}\s*$",
                      "description": "An APCO 1.111 or local disposition code (GET dispositions/), e.g. 02"})
class DispositionField(CodeField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Disposition.objects.all(), noun="disposition",
                         listing="/api/v1/dispositions/", longest=8, **kwargs)


class CloseInputSerializer(StrictInputSerializer):
    disposition = DispositionField()
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReopenInputSerializer(StrictInputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class LinkInputSerializer(StrictInputSerializer):
    master = serializers.CharField(help_text="The master call's number (YYYY-NNNNNN) or id")


class ChronologyQuerySerializer(StrictInputSerializer):
    before = serializers.IntegerField(required=False, min_value=1,
                                      help_text="An entry's id: the ones before it")
    size = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50,
                                    help_text="How many entries, 1 to 200")
