from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cad import roles
from cad.permissions import IsCenterStaffOrPartner
from calls.services import unit_status_set
from units.api.serializers import UnitSerializer, UnitStatusInputSerializer
from units.filtersets import UnitFilterSet
from units.selectors import units_visible_to


class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every unit with its status and current call. Partner agencies see their own units."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    permission_classes = [IsCenterStaffOrPartner]
    lookup_field = "callsign"
    lookup_value_regex = "[^/]+"
    # A console needs every unit at once; a region's few thousand units fit one answer.
    pagination_class = None

    def get_queryset(self):
        return units_visible_to(self.request.user)

    @extend_schema(
        request=UnitStatusInputSerializer,
        responses={200: UnitSerializer, 409: OpenApiResponse(description="The change is not allowed")},
    )
    @action(detail=True, methods=["post"])
    def status(self, request, callsign=None):
        unit = self.get_object()
        if roles.partner_agency(request.user) is None and not roles.can_dispatch(request.user):
            raise PermissionDenied("Only dispatchers and supervisors change unit statuses.")
        data = UnitStatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = unit_status_set(unit=unit, status=data.validated_data["status"], by=request.user)
        return Response(UnitSerializer(units_visible_to(request.user).get(pk=unit.pk)).data)
