"""The reference lists a console and a partner's program read: call types, dispositions, priorities."""

from rest_framework import viewsets

from cad.permissions import IsCenterStaffOrPartnerReading
from calls.api.serializers import CallTypeSerializer, DispositionSerializer, PrioritySerializer
from calls.models import CallType, Disposition, Priority


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
