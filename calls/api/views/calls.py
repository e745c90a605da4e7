"""Calls for service in the API: enter, list, read, change, dispatch, note, supplement, close, reopen,
link, recommend, ask for mutual aid, share with a partner agency. `{id}` is the call's id or its
number (YYYY-NNNNNN).

A partner agency's program reads the calls shared with it, sends calls in, adds notes to the calls
it sees, and sends its own units to the calls relayed to it."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cad import roles
from cad.exceptions import Conflict, Invalid
from cad.permissions import (
    IsAnyCenterStaff,
    IsCenterStaff,
    IsCenterStaffOrPartner,
    IsCenterStaffOrPartnerReading,
)
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
from calls.api.serializers.shares import ALL_SHARES, ShareInputSerializer, UnshareInputSerializer
from calls.api.views.duplicates import CallDuplicatesMixin
from calls.api.views.eido import CallEidoMixin
from calls.api.views.mutual_aid import CallMutualAidMixin
from calls.choices import CallSource
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
from calls.selectors.shares import agency_units_on_call
from calls.services.shares import foreign_units_problem
from units.selectors import units_named

CONFLICT = OpenApiResponse(description='{"detail": …}: the change lost a race or is not allowed now')
CLOSED = OpenApiResponse(description='{"detail": …}: the call is closed, and a closed call is not edited: '
                                     'add a supplement (POST calls/{id}/supplements/), or reopen it')
SHARE_CONFLICT = OpenApiResponse(description='{"detail": …}: the call is closed, shared with that agency '
                                             'already (or relayed to another), or not shared with it')
NOT_RELAYED = OpenApiResponse(description='{"detail": …}: a partner sends its units only to a call '
                                          'relayed to it')
# What a partner's program may do besides reading: send calls in, note, send units to its relays.
PARTNER_ACTIONS = frozenset({"create", "notes", "dispatch_units"})


class CallViewSet(
    CallDuplicatesMixin, CallEidoMixin, CallMutualAidMixin, mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin, viewsets.GenericViewSet,
):
    """Calls for service. `{id}` is the call's id or its number (YYYY-NNNNNN)."""

    filterset_class = CallFilterSet
    permission_classes = [IsCenterStaffOrPartnerReading]
    lookup_value_regex = r"(?:[0-9]{1,18}|[0-9]{4}-[0-9]{1,8})"

    def get_permissions(self):
        if self.action in PARTNER_ACTIONS:
            return [IsCenterStaffOrPartner()]
        return super().get_permissions()

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
        agency = roles.scoped_agency(self.request.user)
        return {**super().get_serializer_context(), "confidential_text": confidential,
                "shares_for": agency.code if agency is not None else ALL_SHARES}

    def _detail(self, call, code=status.HTTP_200_OK) -> Response:
        return self._served(call_details_visible_to(self.request.user).get(pk=call.pk), code)

    def _served(self, call, code=status.HTTP_200_OK) -> Response:
        context = self.get_serializer_context()
        agency = roles.scoped_agency(self.request.user)
        # A confidential flag's text reaches an agency's crews while they are on the call (released,
        # each release recorded); its program reads it in the call's detail, as the center's staff do.
        units = agency_units_on_call(call, agency) if agency is not None else []
        if units:
            context["confidential_text"] = True
        data = CallDetailSerializer(call, context=context).data
        if units:
            services.call_premise_flags_release_record(call=call, by=self.request.user, agency=agency,
                                                       units=units)
        elif context["confidential_text"]:
            services.call_premise_flags_read_record(call=call, by=self.request.user)
        return Response(data, status=code)

    def _input(self, serializer_class, data=None, **options):
        """The request's body (or `data`) through `serializer_class`: its data, or a 400 with the
        field errors."""
        data = serializer_class(data=self.request.data if data is None else data, **options)
        data.is_valid(raise_exception=True)
        return data

    def retrieve(self, request, *args, **kwargs):
        """One call with its assignments, current premise flags, alarm permit and chronology."""
        return self._served(self.get_object())

    @extend_schema(request=CallCreateSerializer, responses={201: CallCreatedSerializer})
    def create(self, request, *args, **kwargs):
        """Enter a call; the answer also lists the open calls it may duplicate (`possible_duplicates`).

        A partner agency's token sends a call in: it lands pending with source `partner`, the
        agency as `sent_by` with its `incident_number`, and the partner follows it. The same
        incident sent again is a 409 naming the call it made."""
        data = self._input(CallCreateSerializer)
        kwargs = data.service_kwargs()
        incident = kwargs.pop("incident_number", "")
        agency = roles.scoped_agency(request.user)
        if agency is None:
            if incident:
                raise Invalid({"incident_number": ["Only a partner agency's program sends its own incident "
                                                   "number, with the call it sends in."]})
        else:
            if not agency.is_partner:
                raise PermissionDenied(f"{agency.code} is dispatched by this center: its program reads the "
                                       f"calls its units are sent to; partner agencies send calls in.")
            if request.data.get("source", CallSource.PARTNER) != CallSource.PARTNER:
                raise Invalid({"source": [f"A call {agency.code} sends in has source {CallSource.PARTNER}."]})
            kwargs.update(source=CallSource.PARTNER, sent_by=agency, sent_by_incident=incident.strip())
        call = services.call_create(by=request.user, **kwargs)
        response = self._served(call_detail_as_entered(call), status.HTTP_201_CREATED)
        response.data["possible_duplicates"] = possible_duplicates(
            call, calls=calls_visible_to(request.user), context=self.get_serializer_context())
        return response

    @extend_schema(request=CallUpdateSerializer, responses={200: CallDetailSerializer, 409: CLOSED})
    def partial_update(self, request, *args, **kwargs):
        """Change what is known about an open call; a closed call is a 409: add a supplement instead."""
        call = self.get_object()
        data = self._input(CallUpdateSerializer, partial=True)
        return self._detail(services.call_update(call=call, by=request.user, **data.service_kwargs()))

    @extend_schema(request=DispatchInputSerializer,
                   responses={200: CallDetailSerializer, 403: NOT_RELAYED, 409: CONFLICT})
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_units(self, request, pk=None):
        """Send units; 409 when one is not available (then none is sent). A partner's program sends
        its own units, to a call relayed to it."""
        call = self.get_object()
        units, unknown = units_named(self._input(DispatchInputSerializer).validated_data["units"])
        agency = roles.scoped_agency(request.user)
        if agency is not None:
            problem = foreign_units_problem(agency, unknown)
            if problem:
                raise Invalid(problem)
            return self._detail(services.call_dispatch_for_partner(call=call, agency=agency, units=units,
                                                                   by=request.user))
        if unknown:
            raise Invalid({"units": [f"Unknown unit {c}." for c in unknown]})
        return self._detail(services.call_dispatch(call=call, units=units, by=request.user))

    @extend_schema(request=NoteInputSerializer, responses={201: ChronologyEntrySerializer})
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        """A note on the call. A partner's program notes the calls it sees; its notes are marked with
        its agency."""
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
        agency = roles.scoped_agency(request.user)
        try:
            entries, more = chronology_page(call.pk, **query.validated_data,
                                            partner=agency.code if agency is not None else None)
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

    @extend_schema(methods=["POST"], request=ShareInputSerializer,
                   responses={200: CallDetailSerializer, 409: SHARE_CONFLICT})
    @extend_schema(methods=["DELETE"], request=UnshareInputSerializer,
                   parameters=[OpenApiParameter("agency", str, description="The partner's code, "
                                                                           "when the body does not give it")],
                   responses={200: CallDetailSerializer, 409: SHARE_CONFLICT})
    @action(detail=True, methods=["post", "delete"], permission_classes=[IsCenterStaff])
    def share(self, request, pk=None):
        """POST: share the call with a partner agency (it sees the call, its chronology and its
        events), or with `relay` relay it (the partner takes responsibility; the call stays on the
        board marked as relayed). A share may be turned into a relay and back. DELETE: end the share
        with `agency` (in the body or the query). Dispatchers and supervisors."""
        call = self.get_object()
        if request.method == "DELETE":
            given = request.data if isinstance(request.data, dict) and request.data else \
                {key: value for key, value in request.query_params.items() if key == "agency"}
            agency = self._input(UnshareInputSerializer, given).validated_data["agency"]
            return self._detail(services.call_unshare(call=call, agency=agency, by=request.user))
        data = self._input(ShareInputSerializer).validated_data
        return self._detail(services.call_share(call=call, by=request.user, **data))
