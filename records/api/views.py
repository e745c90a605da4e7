from rest_framework import mixins, viewsets

from cad.permissions import IsSupervisor
from records.api.serializers import AuditEntrySerializer
from records.filtersets import AuditEntryFilterSet
from records.models import AuditEntry


class AuditEntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The audit trail, newest first: sign-ins, every change, confidential reads and refusals."""

    queryset = AuditEntry.objects.order_by("-pk")
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilterSet
    permission_classes = [IsSupervisor]
