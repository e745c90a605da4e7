from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from cad import roles
from cad.exceptions import Conflict, Invalid
from cad.permissions import IsCenterStaff, IsCenterStaffOrPartner, IsCenterStaffOrPartnerReading
from calls import services
from calls.api.duplicates import CallCreatedSerializer, CallDuplicatesMixin, possible_duplicates
from calls.api.recommend import RecommendationSerializer
from calls.api.serializers import (
    CallCreateSerializer,
    CallDetailSerializer,
    CallSerializer,
    CallTypeSerializer,
    CallUpdateSerializer,
    ChronologyEntrySerializer,
    CloseInputSerializer,
    DispatchInputSerializer,
    DispositionSerializer,
    LinkInputSerializer,
    NoteInputSerializer,
    PrioritySerializer,
    ReopenInputSerializer,
)
from calls.choices import CallStatus
from calls.filtersets import CallFilterSet
from calls.models import Call, CallType, Disposition, Priority
from calls.recommend import recommend
from calls.selectors import call_details_visible_to, call_lookup, calls_visible_to
from calls.stats import figures_for_day
from units.api.serializers import UnitSerializer, UnitStatusInputSerializer
from units.models import Unit
from units.selectors import units_visible_to

CONFLICT = OpenApiResponse(description='{"detail": …}: the change lost a race or is not allowed now')


class CallViewSet(
    CallDuplicatesMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Calls for service. `{id}` is the call's id or its number (YYYY-NNNNNN)."""

    filterset_class = CallFilterSet
    permission_classes = [IsCenterStaffOrPartnerReading]
    lookup_value_regex = r"[0-9]{1,18}|[0-9]{4}-[0-9]{1,8}"

    def get_queryset(self):
        if self.action == "list":
            return calls_visible_to(self.request.user)
        return call_details_visible_to(self.request.user)

    def get_serializer_class(self):
        return CallSerializer if self.action == "list" else CallDetailSerializer

    def get_object(self):
        return get_object_or_404(self.get_queryset(), **call_lookup(self.kwargs["pk"]))

    def get_serializer_context(self):
        # Lists and the stream never carry a confidential flag's text; the call detail does, to the
        # center's staff, and each read is recorded against the call.
        confidential = self.action != "list" and roles.may_read_confidential(self.request.user)
        return {**super().get_serializer_context(), "confidential_text": confidential}

    def _detail(self, call, code=status.HTTP_200_OK) -> Response:
        return self._served(call_details_visible_to(self.request.user).get(pk=call.pk), code)

    def _served(self, call, code=status.HTTP_200_OK) -> Response:
        context = self.get_serializer_context()
        data = CallDetailSerializer(call, context=context).data
        if context["confidential_text"]:
            services.call_premise_flags_read_record(call=call, by=self.request.user)
        return Response(data, status=code)

    def retrieve(self, request, *args, **kwargs):
        """One call with its assignments, current premise flags, alarm permit and chronology."""
        return self._served(self.get_object())

    @extend_schema(request=CallCreateSerializer, responses={201: CallCreatedSerializer})
    def create(self, request, *args, **kwargs):
        """Enter a call; the answer also lists the open calls it may duplicate (`possible_duplicates`)."""
        data = CallCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call = services.call_create(by=request.user, **data.service_kwargs())
        response = self._detail(call, status.HTTP_201_CREATED)
        response.data["possible_duplicates"] = possible_duplicates(
            call, calls=calls_visible_to(request.user))
        return response

    @extend_schema(request=CallUpdateSerializer, responses={200: CallDetailSerializer, 409: CONFLICT})
    def partial_update(self, request, *args, **kwargs):
        call = self.get_object()
        data = CallUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        call = services.call_update(call=call, by=request.user, **data.service_kwargs())
        return self._detail(call)

    @extend_schema(request=DispatchInputSerializer, responses={200: CallDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_units(self, request, pk=None):
        """Send units; 409 when one is not available (then none is sent)."""
        call = self.get_object()
        data = DispatchInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wanted = [c.strip().upper() for c in data.validated_data["units"]]
        units = list(Unit.objects.filter(callsign__in=wanted))
        unknown = sorted(set(wanted) - {u.callsign for u in units})
        if unknown:
            raise Invalid({"units": [f"Unknown unit {c}." for c in unknown]})
        call = services.call_dispatch(call=call, units=units, by=request.user)
        return self._detail(call)

    @extend_schema(request=NoteInputSerializer, responses={201: ChronologyEntrySerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        call = self.get_object()
        data = NoteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.call_note_add(call=call, by=request.user, text=data.validated_data["text"])
        return Response(ChronologyEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CloseInputSerializer, responses={200: CallDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        call = self.get_object()
        data = CloseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call = services.call_close(call=call, by=request.user, **data.validated_data)
        return self._detail(call)

    @extend_schema(request=ReopenInputSerializer, responses={200: CallDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        call = self.get_object()
        data = ReopenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call = services.call_reopen(call=call, by=request.user, **data.validated_data)
        return self._detail(call)

    @extend_schema(responses={200: RecommendationSerializer, 409: CONFLICT})
    @action(detail=True, methods=["get"], permission_classes=[IsCenterStaff])
    def recommendations(self, request, pk=None):
        """The units to send: the call type's response plan filled with the nearest available
        units, each with its reason; partner units as mutual aid only where the center's fall short."""
        call = get_object_or_404(Call.objects.select_related("call_type", "priority", "beat"),
                                 **call_lookup(self.kwargs["pk"]))
        if call.status == CallStatus.CLOSED:
            raise Conflict(f"{call.number} is closed: nothing to send. Reopen it first.")
        return Response(RecommendationSerializer(recommend(call)).data)

    @extend_schema(request=LinkInputSerializer, responses={200: CallDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        """Link this call as a duplicate of `master`; it closes with disposition 22."""
        call = self.get_object()
        data = LinkInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        key = data.validated_data["master"].strip()
        master = calls_visible_to(request.user).filter(**call_lookup(key)).first()
        if master is None:
            raise Invalid({"master": [f"No call {key}."]})
        call = services.call_link(call=call, master=master, by=request.user)
        return self._detail(call)


class CallTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """Call types (APCO 2.103 and local), with default priority and disciplines."""

    queryset = CallType.objects.filter(active=True).select_related("default_priority").prefetch_related(
        "disciplines"
    )
    serializer_class = CallTypeSerializer
    lookup_value_regex = "[A-Za-z0-9]+"
    permission_classes = [IsCenterStaffOrPartnerReading]
    lookup_field = "code"
    pagination_class = None


class DispositionViewSet(viewsets.ReadOnlyModelViewSet):
    """Dispositions: APCO 1.111.2 codes and local ones."""

    queryset = Disposition.objects.all()
    serializer_class = DispositionSerializer
    lookup_value_regex = "[A-Za-z0-9]+"
    permission_classes = [IsCenterStaffOrPartnerReading]
    lookup_field = "code"
    pagination_class = None


class PriorityViewSet(viewsets.ReadOnlyModelViewSet):
    """Priorities and their response-time goals."""

    queryset = Priority.objects.all()
    serializer_class = PrioritySerializer
    permission_classes = [IsCenterStaffOrPartnerReading]
    pagination_class = None


class UnitStatusView(GenericAPIView):
    """Set a unit's status. On a call, en route / on scene / clearing stamp the assignment and call.

    Lives with the calls because a unit's status moves its call along; units/ does not know calls.
    """

    permission_classes = [IsCenterStaffOrPartner]
    serializer_class = UnitStatusInputSerializer

    @extend_schema(
        request=UnitStatusInputSerializer, responses={200: UnitSerializer, 409: CONFLICT},
        operation_id="units_status_create",
    )
    def post(self, request, callsign: str):
        unit = get_object_or_404(units_visible_to(request.user), callsign=callsign.upper())
        data = UnitStatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = services.unit_status_set(unit=unit, status=data.validated_data["status"], by=request.user)
        return Response(UnitSerializer(units_visible_to(request.user).get(pk=unit.pk)).data)


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


class StatsTodayView(APIView):
    """Today's goal compliance per priority (90th percentiles) and calls per hour, for the board.

    Duplicates linked to a master call are not counted.
    """

    @extend_schema(responses={200: DayFiguresSerializer})
    def get(self, request):
        return Response(DayFiguresSerializer(figures_for_day()).data)
