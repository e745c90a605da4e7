from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cad.permissions import IsCenterStaffOrPartner
from units.api.serializers import UnitLocationInputSerializer, UnitSerializer
from units.filtersets import UnitFilterSet
from units.selectors import units_visible_to
from units.services import unit_location_set


class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every unit with its status and current call. Partner agencies see their own units."""

    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
    permission_classes = [IsCenterStaffOrPartner]
    lookup_field = "callsign"
    lookup_value_regex = "[A-Za-z0-9-]+"
    # A console needs every unit at once; a region's few thousand units fit one answer.
    pagination_class = None

    def get_queryset(self):
        return units_visible_to(self.request.user)

    def get_object(self):
        # Callsigns are kept in upper case; "1a12" on a keyboard means 1A12.
        self.kwargs[self.lookup_field] = self.kwargs[self.lookup_field].upper()
        return super().get_object()

    @extend_schema(request=UnitLocationInputSerializer, responses={200: UnitSerializer})
    @action(detail=True, methods=["post"])
    def location(self, request, callsign=None):
        """Report where the unit is now (from AVL or a mobile terminal)."""
        unit = self.get_object()
        data = UnitLocationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unit = unit_location_set(unit=unit, **data.validated_data)
        return Response(UnitSerializer(units_visible_to(request.user).get(pk=unit.pk)).data)
