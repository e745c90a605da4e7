"""GET calls/export.csv: the calls list's filters, a range of days, and every call as a CSV row."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer

from cad.permissions import IsAnyCenterStaff
from calls.export import export_response, export_window, received_between
from calls.filtersets import CallFilterSet
from calls.selectors import calls_visible_to

CSV = OpenApiResponse(OpenApiTypes.STR, description="A header row, then one row per call, oldest first")


class CallExportView(GenericAPIView):
    filterset_class = CallFilterSet
    permission_classes = [IsAnyCenterStaff]
    pagination_class = None

    def get_queryset(self):
        return calls_visible_to(self.request.user)

    def perform_content_negotiation(self, request, force=False):
        # The CSV is made here, whatever the client accepts; only an error is rendered: as JSON.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    @extend_schema(
        operation_id="v1_calls_export_csv", filters=True, responses={(200, "text/csv"): CSV},
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="First day received (YYYY-MM-DD); "
                             "without from and to, the last 30 days"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day received, included (YYYY-MM-DD); "
                             "the range may cover at most CAD_EXPORT_MAX_DAYS (default 366) days"),
        ],
    )
    def get(self, request, *args, **kwargs):
        """The calls as CSV, streamed: the same filters as GET calls/, received within `from`–`to`;
        number, type, priority, status, source, address, beat, every time (ISO 8601 with offset),
        the units sent and the disposition. Each export is put on the audit trail with its row count."""
        start, end = export_window(request.query_params, today=timezone.localdate())
        calls = received_between(self.filter_queryset(self.get_queryset()), start, end)
        filters = {name: value for name, value in request.query_params.items() if value}
        filters.update({"from": start.isoformat(), "to": end.isoformat()})
        return export_response(calls, request=request._request, filters=filters,
                               filename=f"calls-{start}-to-{end}.csv")
