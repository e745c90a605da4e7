from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cad.permissions import IsCenterStaff, IsCenterStaffOrPartner
from units.api.serializers import UnitLocationInputSerializer, UnitSerializer, UnitStatusInputSerializer
from units.filtersets import UnitFilterSet
from units.selectors import units_visible_to
from units.services import unit_check, unit_location_set, unit_status_set

CONFLICT = OpenApiResponse(description='{"detail": …}: the change is not allowed now, or lost a race')


class UnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Every unit with its status and current call. Partner agencies see, and move, their own."""

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

    def _answer(self, unit) -> Response:
        return Response(UnitSerializer(self.get_queryset().get(pk=unit.pk)).data)

    # The operation ids partners' generated clients already use.
    @extend_schema(request=UnitStatusInputSerializer, responses={200: UnitSerializer, 409: CONFLICT},
                   operation_id="units_status_create")
    @action(detail=True, methods=["post"])
    def status(self, request, callsign=None):
        """Set the unit's status; 409 when the change is not allowed. On a call, en route / on scene
        / clearing stamp the assignment and the call."""
        unit = self.get_object()
        data = UnitStatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(unit_status_set(unit=unit, status=data.validated_data["status"], by=request.user))

    @extend_schema(request=None, responses={200: UnitSerializer}, operation_id="units_check_create")
    @action(detail=True, methods=["post"], permission_classes=[IsCenterStaff])
    def check(self, request, callsign=None):
        """The unit answered its officer-safety status check: its check clock starts again."""
        return self._answer(unit_check(unit=self.get_object(), by=request.user))

    @extend_schema(request=UnitLocationInputSerializer, responses={200: UnitSerializer})
    @action(detail=True, methods=["post"])
    def location(self, request, callsign=None):
        """Report where the unit is now (from AVL or a mobile terminal)."""
        unit = self.get_object()
        data = UnitLocationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(unit_location_set(unit=unit, **data.validated_data))
