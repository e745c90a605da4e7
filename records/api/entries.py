"""Entering a stolen vehicle or a missing person over the API: a dispatcher's action as much as a
records clerk's (the clerks' admin saves through the same services), checked as the national
formats have it; partners' programs 403."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cad.exceptions import Invalid
from cad.permissions import IsAnyCenterStaff
from cad.serializers import StrictInputSerializer
from records.inquiries import formats
from records.inquiries.choices import MissingCategory
from records.inquiries.models import PHOTO_TYPES, MissingPerson, Vehicle
from records.inquiries.services import missing_person_enter, missing_person_photo_set, vehicle_stolen_enter

# The records' field names as this API names them, so a 400 names the field that was sent.
AS_SENT = {"plate_state": "state", "last_name": "last", "first_name": "first", "date_of_birth": "dob"}


def _entered(enter, **values):
    try:
        return enter(**values)
    except Invalid as error:
        if isinstance(error.detail, dict):
            raise Invalid({AS_SENT.get(name, name): words for name, words in error.detail.items()}) from None
        raise


class StolenVehicleInputSerializer(StrictInputSerializer):
    plate = serializers.CharField(required=False, allow_blank=True, max_length=20,
                                  help_text="1 to 8 letters and digits; with its state. Or the VIN")
    state = serializers.CharField(required=False, allow_blank=True, max_length=2)
    vin = serializers.CharField(required=False, allow_blank=True, max_length=30)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=1900, max_value=2100)
    make = serializers.CharField(required=False, allow_blank=True, max_length=30)
    model = serializers.CharField(required=False, allow_blank=True, max_length=30)
    colour = serializers.CharField(required=False, allow_blank=True, max_length=30)
    stolen_at = serializers.DateTimeField(required=False, allow_null=True, help_text="Default: now")
    case_number = serializers.CharField(required=False, allow_blank=True, max_length=30)


class VehicleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vehicle
        fields = ["id", "plate", "plate_state", "vin", "year", "make", "model", "colour", "stolen_at",
                  "case_number", "recovered_at", "entered_at"]
        read_only_fields = fields


class MissingPersonInputSerializer(StrictInputSerializer):
    last = serializers.CharField(max_length=60)
    first = serializers.CharField(max_length=60)
    dob = serializers.DateField(help_text="Date of birth, YYYY-MM-DD")
    category = serializers.ChoiceField(choices=MissingCategory.choices)
    missing_since = serializers.DateTimeField()
    last_seen = serializers.CharField(max_length=200, help_text="Where last seen")
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    def validate_dob(self, value):
        # Here too, so a 400 names a future date of birth with the fields left empty, not after them.
        return formats.birth_date_clean(value)


PHOTO_LARGEST = 5 * 1024 * 1024


class PhotoInputSerializer(StrictInputSerializer):
    photo = serializers.ImageField(help_text="JPEG, PNG, GIF or WebP, up to 5 MB")

    def validate_photo(self, photo):
        if photo.size > PHOTO_LARGEST:
            raise serializers.ValidationError(
                f"A photo is at most 5 MB; this one is {photo.size / 1048576:.1f} MB.")
        if photo.name.rsplit(".", 1)[-1].lower() not in PHOTO_TYPES:
            raise serializers.ValidationError("A photo is a JPEG, PNG, GIF or WebP file.")
        return photo


class MissingPersonSerializer(serializers.ModelSerializer):
    photo_url = serializers.CharField(
        read_only=True, help_text="The photo, for staff and officers signed in; empty when there is none")

    class Meta:
        model = MissingPerson
        fields = ["id", "last_name", "first_name", "date_of_birth", "category", "missing_since", "last_seen",
                  "description", "photo_url", "located_at", "entered_at"]
        read_only_fields = fields


class MissingPersonPhotoView(APIView):
    permission_classes = [IsAnyCenterStaff]
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": PhotoInputSerializer},
                   responses={200: MissingPersonSerializer})
    def put(self, request, pk: int):
        """A missing person's photo (multipart, field `photo`), added or replaced: audited; shown
        with the person's inquiry hits, to the center's staff and field officers only."""
        person = get_object_or_404(MissingPerson, pk=pk)
        body = PhotoInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person = missing_person_photo_set(missing_person=person, photo=body.validated_data["photo"],
                                          by=request.user)
        return Response(MissingPersonSerializer(person).data)


class StolenVehicleView(APIView):
    permission_classes = [IsAnyCenterStaff]

    @extend_schema(request=StolenVehicleInputSerializer, responses={201: VehicleSerializer})
    def post(self, request):
        """Enter a vehicle reported stolen (plate and state, or VIN): audited as `vehicle.stolen`; an
        inquiry finds it from then on."""
        body = StolenVehicleInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        vehicle = _entered(vehicle_stolen_enter, by=request.user, **body.validated_data)
        return Response(VehicleSerializer(vehicle).data, status=status.HTTP_201_CREATED)


class MissingPersonView(APIView):
    permission_classes = [IsAnyCenterStaff]

    @extend_schema(request=MissingPersonInputSerializer, responses={201: MissingPersonSerializer})
    def post(self, request):
        """Enter a missing person (the Locator / NCMEC kinds: runaway, lost, endangered, abducted,
        disabled): audited as `missing_person.enter`; an inquiry finds them from then on."""
        body = MissingPersonInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person = _entered(missing_person_enter, by=request.user, **body.validated_data)
        return Response(MissingPersonSerializer(person).data, status=status.HTTP_201_CREATED)
