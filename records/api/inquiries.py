"""Inquiries over the API: ask about a person or a vehicle (with a purpose), list the inquiries made,
attach a hit to a call. Center staff only; thin over records/inquiries/services.py."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cad import roles
from cad.exceptions import Forbidden
from cad.permissions import MakesInquiries
from cad.serializers import StrictInputSerializer
from calls.api.serializers import ChronologyEntrySerializer
from calls.models import Call
from records.inquiries import formats
from records.inquiries.choices import HitType, InquiryKind, Purpose
from records.inquiries.models import Inquiry
from records.inquiries.selectors import inquiries_visible
from records.inquiries.services import REASON_LONGEST, inquiry_hit_attach, inquiry_make

CLOSED = OpenApiResponse(description='{"detail": …}: the call is closed (add a supplement to its record)')
PURPOSE_REQUIRED = f"Give the purpose of the inquiry: {'; '.join(Purpose.labels)}."


class InquiryInputSerializer(StrictInputSerializer):
    kind = serializers.ChoiceField(choices=InquiryKind.choices)
    last = serializers.CharField(required=False, allow_blank=True, max_length=60,
                                 help_text="A person's last name")
    first = serializers.CharField(required=False, allow_blank=True, max_length=60)
    dob = serializers.DateField(required=False, allow_null=True, help_text="Date of birth, YYYY-MM-DD")
    plate = serializers.CharField(required=False, allow_blank=True, max_length=20,
                                  help_text="1 to 8 letters and digits; spaces and dashes are dropped")
    state = serializers.CharField(required=False, allow_blank=True, max_length=2,
                                  help_text="The plate's state, two letters (e.g. MO); empty: any state")
    vin = serializers.CharField(required=False, allow_blank=True, max_length=30,
                                help_text="17 characters, with a correct check digit")
    purpose = serializers.ChoiceField(choices=Purpose.choices, error_messages={
        "required": PURPOSE_REQUIRED, "blank": PURPOSE_REQUIRED, "null": PURPOSE_REQUIRED,
        "invalid_choice": f"{{input}} is not a purpose. {PURPOSE_REQUIRED}"})
    reason = serializers.CharField(required=False, allow_blank=True, max_length=REASON_LONGEST,
                                   help_text="Why, in words (a case number, the stop)")
    call = serializers.PrimaryKeyRelatedField(queryset=Call.objects.all(), required=False, allow_null=True,
                                              help_text="The call the inquiry is made for, if any")

    def validate_plate(self, value: str) -> str:
        return formats.plate_clean(value) if value else value

    def validate_state(self, value: str) -> str:
        return formats.state_clean(value) if value else value

    def validate_vin(self, value: str) -> str:
        return formats.vin_clean(value) if value else value

    def validate_dob(self, value):
        return formats.birth_date_clean(value) if value else value


class HitSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=HitType.choices)
    source = serializers.CharField(help_text="Local records, or the state or national system that answered")
    simulated = serializers.BooleanField(
        help_text="True for the demo's simulated state system: not a real record")
    summary = serializers.CharField()
    caution_codes = serializers.ListField(child=serializers.CharField(),
                                          help_text="e.g. ARMED, VIOLENT: shown first")
    cautions = serializers.ListField(child=serializers.CharField(), help_text="The caution codes in words")
    ids = serializers.DictField(help_text="The record's ids where it is kept (warrant, person, vehicle, …)")
    photo = serializers.CharField(default="", help_text="A missing person's photo (for staff and officers "
                                                        "signed in); empty when there is none")


class InquirySerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="username", help_text="Who asked")
    hits = HitSerializer(many=True)
    terms = serializers.DictField(help_text="What was asked, as cleaned (e.g. the plate upper-cased)")

    class Meta:
        model = Inquiry
        fields = ["id", "at", "user", "kind", "terms", "purpose", "reason", "call", "hit_count", "summary",
                  "hits"]


class AttachInputSerializer(StrictInputSerializer):
    call = serializers.PrimaryKeyRelatedField(queryset=Call.objects.all(), help_text="The call's id")
    hit = serializers.IntegerField(min_value=0, help_text="The hit's index in the inquiry's `hits` (from 0)")


class InquiryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Records inquiries, newest first: a dispatcher (or an officer at the unit terminal) sees their
    own, a supervisor every one."""

    serializer_class = InquirySerializer
    permission_classes = [MakesInquiries]

    def get_queryset(self):
        return inquiries_visible(self.request.user)

    @extend_schema(request=InquiryInputSerializer, responses={201: InquirySerializer})
    def create(self, request):
        """Ask about a person (`last`, `first`, `dob`) or a vehicle (`plate` and `state`, or `vin`), with
        a `purpose`: the local records first, then each state or national system configured. Every
        inquiry is kept and audited; a hit from the simulated state system says `simulated: true`."""
        body = InquiryInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        names = ("last", "first", "dob") if data["kind"] == InquiryKind.PERSON else ("plate", "state", "vin")
        inquiry = inquiry_make(kind=data["kind"], terms={name: data.get(name) for name in names},
                               purpose=data["purpose"], reason=data.get("reason", ""), call=data.get("call"),
                               by=request.user)
        return Response(InquirySerializer(inquiry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AttachInputSerializer, responses={201: ChronologyEntrySerializer, 409: CLOSED})
    @action(detail=True, methods=["post"])
    def attach(self, request, pk=None):
        """Put one of this inquiry's hits on a call's chronology, caution codes first."""
        if not roles.is_center_staff(request.user):
            raise Forbidden("A hit is put on a call from a console; tell the dispatcher.")
        inquiry = self.get_object()
        body = AttachInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = inquiry_hit_attach(inquiry=inquiry, hit=body.validated_data["hit"],
                                   call=body.validated_data["call"], by=request.user)
        return Response(ChronologyEntrySerializer(entry).data, status=status.HTTP_201_CREATED)
