"""The reference lists a console and a partner's program read: call types, dispositions, priorities;
and the partner agencies a console may share a call with."""

from rest_framework import mixins, viewsets

from cad.permissions import IsCenterStaff, IsCenterStaffOrPartnerReading
from calls.api.serializers import CallTypeSerializer, DispositionSerializer, PrioritySerializer
from calls.api.serializers.shares import PartnerSerializer
from calls.models import CallType, Disposition, Priority
from calls.selectors.shares import partner_agencies


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """A short list, read whole: no pagination; everyone who reads calls may read it."""

    permission_classes = [IsCenterStaffOrPartnerReading]
    pagination_class = None


class CallTypeViewSet(ReferenceViewSet):
    """Call types (APCO 2.103 and local), with default priority and disciplines."""

    queryset = CallType.objects.filter(active=True).select_related("default_priority").prefetch_related(
        "disciplines"
    )
    serializer_class = CallTypeSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9]+"


class DispositionViewSet(ReferenceViewSet):
    """Dispositions: APCO 1.111.2 codes and local ones."""

    queryset = Disposition.objects.all()
    serializer_class = DispositionSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9]+"


class PriorityViewSet(ReferenceViewSet):
    """Priorities and their response-time goals."""

    queryset = Priority.objects.all()
    serializer_class = PrioritySerializer


class PartnerViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The partner agencies a call may be shared with or relayed to (POST calls/{id}/share/): the
    center's staff only."""

    permission_classes = [IsCenterStaff]
    pagination_class = None
    serializer_class = PartnerSerializer

    def get_queryset(self):
        return partner_agencies()
