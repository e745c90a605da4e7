"""Mutual aid in the API: a dispatcher asks a partner agency for units on a call; the partner's
program lists what it was asked, and accepts with its units or declines; a dispatcher may cancel
a request still pending."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cad.exceptions import Invalid
from cad.permissions import IsCenterStaff, IsCenterStaffOrPartnerReading, IsPartnerAgency
from calls import services
from calls.api.serializers.mutual_aid import (
    MutualAidAcceptInputSerializer,
    MutualAidCancelInputSerializer,
    MutualAidDeclineInputSerializer,
    MutualAidPartnerSerializer,
    MutualAidRequestInputSerializer,
    MutualAidRequestSerializer,
)
from calls.filtersets import MutualAidFilterSet
from calls.selectors.mutual_aid import mutual_aid_partners, mutual_aid_visible_to
from units.selectors import units_named

ANSWERED = OpenApiResponse(description='{"detail": …}: the request was already answered or cancelled '
                                       '(says when, and how), or a unit was taken at the same moment')
ANSWERS = {200: MutualAidRequestSerializer, 409: ANSWERED}
CLOSED_OR_ASKED = OpenApiResponse(description='{"detail": …}: the call is closed, or that agency was '
                                              'already asked for that capability and has not answered')


def _input(request, serializer_class):
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


class CallMutualAidMixin:
    """The call viewset's mutual-aid request (dispatchers and supervisors)."""

    @extend_schema(request=MutualAidRequestInputSerializer,
                   responses={201: MutualAidRequestSerializer, 409: CLOSED_OR_ASKED})
    @action(detail=True, methods=["post"], url_path="mutual-aid", url_name="mutual-aid",
            permission_classes=[IsCenterStaff])
    def mutual_aid(self, request, pk=None):
        """Ask a partner agency for `count` units with `capability` on this call. The partner sees
        the request (the call's type, priority, place and beat) at once, on the API and its stream,
        before it may see the call itself."""
        call = self.get_object()
        data = _input(request, MutualAidRequestInputSerializer)
        asked = services.mutual_aid_request(call=call, by=request.user, **data)
        return Response(MutualAidRequestSerializer(mutual_aid_visible_to(request.user).get(pk=asked.pk)).data,
                        status=status.HTTP_201_CREATED)


class MutualAidViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Mutual-aid requests, newest first. The center's staff see every one; a partner's token sees
    those put to its agency, and accepts or declines them."""

    serializer_class = MutualAidRequestSerializer
    filterset_class = MutualAidFilterSet
    permission_classes = [IsCenterStaffOrPartnerReading]
    lookup_value_regex = "[0-9]{1,18}"

    def get_queryset(self):
        return mutual_aid_visible_to(self.request.user)

    def _answer(self, request_id: int) -> Response:
        return Response(MutualAidRequestSerializer(self.get_queryset().get(pk=request_id)).data)

    @extend_schema(request=MutualAidAcceptInputSerializer, responses=ANSWERS)
    @action(detail=True, methods=["post"], permission_classes=[IsPartnerAgency])
    def accept(self, request, pk=None):
        """The agency asked accepts with its own available units that have the capability asked (at
        most as many as asked): they are dispatched on the call at once, and the agency sees the
        call from then on. Another agency's request: 404."""
        aid = self.get_object()
        units, unknown = units_named(_input(request, MutualAidAcceptInputSerializer)["units"])
        if unknown:
            raise Invalid({"units": [f"Unknown unit {callsign}." for callsign in unknown]})
        return self._answer(services.mutual_aid_accept(mutual_aid=aid, units=units, by=request.user).pk)

    @extend_schema(request=MutualAidDeclineInputSerializer, responses=ANSWERS)
    @action(detail=True, methods=["post"], permission_classes=[IsPartnerAgency])
    def decline(self, request, pk=None):
        """The agency asked cannot help, and says why. Another agency's request: 404."""
        aid = self.get_object()
        reason = _input(request, MutualAidDeclineInputSerializer)["reason"]
        return self._answer(services.mutual_aid_decline(mutual_aid=aid, reason=reason, by=request.user).pk)

    @extend_schema(request=MutualAidCancelInputSerializer, responses=ANSWERS)
    @action(detail=True, methods=["post"], permission_classes=[IsCenterStaff])
    def cancel(self, request, pk=None):
        """A dispatcher withdraws a request the partner has not answered yet."""
        aid = self.get_object()
        reason = _input(request, MutualAidCancelInputSerializer)["reason"]
        return self._answer(services.mutual_aid_cancel(mutual_aid=aid, reason=reason, by=request.user).pk)

    @extend_schema(responses={200: MutualAidPartnerSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None,
            permission_classes=[IsCenterStaff])
    def partners(self, request):
        """The partner agencies that may be asked, each with the capabilities its units have (how
        many, and how many are available now)."""
        return Response(MutualAidPartnerSerializer(mutual_aid_partners(), many=True).data)
