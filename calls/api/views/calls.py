"""Calls for service in the API: enter, list, read, change, dispatch, note, supplement, close, reopen,
link, recommend, ask for mutual aid. `{id}` is the call's id or its number (YYYY-NNNNNN)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cad import roles
from cad.exceptions import Conflict, Invalid
from cad.permissions import IsAnyCenterStaff, IsCenterStaff, IsCenterStaffOrPartnerReading
from calls import services
from calls.api.serializers import (
    CallCreateSerializer,
    CallDetailSerializer,
    CallSerializer,
    CallUpdateSerializer,
    ChronologyEntrySerializer,
    CloseInputSerializer,
    DispatchInputSerializer,
    LinkInputSerializer,
    NoteInputSerializer,
    ReopenInputSerializer,
    SupplementInputSerializer,
)
from calls.api.serializers.calls import ChronologyPageSerializer, chronology_earlier_url
from calls.api.serializers.duplicates import CallCreatedSerializer, possible_duplicates
from calls.api.serializers.inputs import ChronologyQuerySerializer
from calls.api.serializers.recommendations import RecommendationSerializer
from calls.api.views.duplicates import CallDuplicatesMixin
from calls.api.views.eido import CallEidoMixin
from calls.api.views.mutual_aid import CallMutualAidMixin
from calls.filtersets import CallFilterSet
from calls.models import Call
from calls.selectors import (
    call_detail_as_entered,
    call_details_visible_to,
    call_lookup,
    calls_visible_to,
    chronology_page,
)
from calls.selectors.recommend import recommend
from units.selectors import units_named

CONFLICT = OpenApiResponse(description='{"detail": …}: the change lost a race or is not allowed now')
CLOSED = OpenApiResponse(description='{"detail": …}: the call is closed, and a closed call is not edited: '
                                     'add a supplement (POST calls/{id}/supplements/), or reopen it')


class CallViewSet(
    CallDuplicatesMixin, CallEidoMixin, CallMutualAidMixin, mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin, viewsets.GenericViewSet,
):
    """Calls for service. `{id}` is the call's id or its number (YYYY-NNNNNN)."""

    filterset_class = CallFilterSet
    permission_classes = [IsCenterStaffOrPartnerReading]
    lookup_value_regex = r"(?:[0-9]{1,18}|[0-9]{4}-[0-9]{1,8})"

    def get_queryset(self):
        # Only what the endpoint renders: the detail's rows for the detail, the call alone to act on.
        if self.action == "retrieve":
            return call_details_visible_to(self.request.user)
        return calls_visible_to(self.request.user)

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

    def _input(self, serializer_class, **options):
        """The request's body through `serializer_class`: its data, or a 400 with the field errors."""
        data = serializer_class(data=self.request.data, **options)
        data.is_valid(raise_exception=True)
        return data

    def retrieve(self, request, *args, **kwargs):
        """One call with its assignments, current premise flags, alarm permit and chronology."""
        return self._served(self.get_object())

    @extend_schema(request=CallCreateSerializer, responses={201: CallCreatedSerializer})
    def create(self, request, *args, **kwargs):
        """Enter a call; the answer also lists the open calls it may duplicate (`possible_duplicates`)."""
        data = self._input(CallCreateSerializer)
        call = services.call_create(by=request.user, **data.service_kwargs())
        response = self._served(call_detail_as_entered(call), status.HTTP_201_CREATED)
        response.data["possible_duplicates"] = possible_duplicates(
            call, calls=calls_visible_to(request.user))
        return response

    @extend_schema(request=CallUpdateSerializer, responses={200: CallDetailSerializer, 409: CLOSED})
    def partial_update(self, request, *args, **kwargs):
        """Change what is known about an open call; a closed call is a 409: add a supplement instead."""
        call = self.get_object()
        data = self._input(CallUpdateSerializer, partial=True)
        return self._detail(services.call_update(call=call, by=request.user, **data.service_kwargs()))

    @extend_schema(request=DispatchInputSerializer, responses={200: CallDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_units(self, request, pk=None):
        """Send units; 409 when one is not available (then none is sent)."""
        call = self.get_object()
        units, unknown = units_named(self._input(DispatchInputSerializer).validated_data["units"])
        if unknown:
            raise Invalid({"units": [f"Unknown unit {c}." for c in unknown]})
        return self._detail(services.call_dispatch(call=call, units=units, by=request.user))

    @extend_schema(request=NoteInputSerializer, responses={201: ChronologyEntrySerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        call = self.get_object()
        text = self._input(NoteInputSerializer).validated_data["text"]
        entry = services.call_note_add(call=call, by=request.user, text=text)
        return Response(ChronologyEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SupplementInputSerializer, responses={201: ChronologyEntrySerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAnyCenterStaff])
    def supplements(self, request, pk=None):
        """Add a supplement to the call's record, open or closed: records clerks, supervisors and
        dispatchers; `corrects` names the entry of this call it corrects, if any."""
        call = self.get_object()
        data = self._input(SupplementInputSerializer).validated_data
        entry = services.call_supplement_add(call=call, by=request.user, text=data["text"],
                                             corrects=data.get("corrects"))
        return Response(ChronologyEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CloseInputSerializer, responses={200: CallDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        call = self.get_object()
        data = self._input(CloseInputSerializer).validated_data
        return self._detail(services.call_close(call=call, by=request.user, **data))

    @extend_schema(request=ReopenInputSerializer, responses={200: CallDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        call = self.get_object()
        data = self._input(ReopenInputSerializer).validated_data
        return self._detail(services.call_reopen(call=call, by=request.user, **data))

    @extend_schema(parameters=[ChronologyQuerySerializer], responses={200: ChronologyPageSerializer})
    @action(detail=True, methods=["get"])
    def chronology(self, request, pk=None):
        """The call's chronology a page at a time, oldest first within a page: the latest entries,
        or with `before` the ones before that entry; `earlier` says where the page before is."""
        call = self.get_object()
        query = ChronologyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            entries, more = chronology_page(call.pk, **query.validated_data)
        except LookupError:
            before = query.validated_data["before"]
            raise Invalid({"before": [f"No entry {before} on {call.number}."]}) from None
        return Response(ChronologyPageSerializer(
            {"results": entries, "earlier": chronology_earlier_url(call.pk, entries, more)}).data)

    @extend_schema(responses={200: RecommendationSerializer, 409: CONFLICT})
    @action(detail=True, methods=["get"], permission_classes=[IsCenterStaff])
    def recommendations(self, request, pk=None):
        """The units to send: the call type's response plan filled with the nearest available
        units, each with its reason; partner units as mutual aid only where the center's fall short."""
        call = get_object_or_404(Call.objects.select_related("call_type", "priority", "beat"),
                                 **call_lookup(self.kwargs["pk"]))
        if call.is_closed:
            raise Conflict(f"{call.number} is closed: nothing to send. Reopen it first.")
        return Response(RecommendationSerializer(recommend(call)).data)

    @extend_schema(request=LinkInputSerializer, responses={200: CallDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        """Link this call as a duplicate of `master`; it closes with disposition 22."""
        call = self.get_object()
        key = self._input(LinkInputSerializer).validated_data["master"].strip()
        master = calls_visible_to(request.user).filter(**call_lookup(key)).first()
        if master is None:
            raise Invalid({"master": [f"No call {key}."]})
        call = services.call_link(call=call, master=master, by=request.user)
        return self._detail(call)
