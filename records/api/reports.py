"""Reports in the API: compliance and its exclusions ledger, workload, and report runs made by Celery
(PDF or CSV, frozen with their SHA-256). Supervisors and records clerks only."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from cad import roles
from cad.audit import AuditAction, audit_record, object_ref
from cad.serializers import StrictInputSerializer
from records.reports.compliance import compliance_figures, exclusions_list
from records.reports.models import ReportRun
from records.reports.query import COMPLIANCE_BY, REPORTS, WORKLOAD_BY, report_query
from records.reports.services import CONTENT_TYPES, report_path, report_run_request
from records.reports.standards import INTERVAL_CODES, REASONS, STANDARDS
from records.reports.workload import workload_figures
from records.tasks import report_run_enqueue


class ReadsReports(BasePermission):
    message = "Reports are for supervisors and records clerks."

    def has_permission(self, request, view) -> bool:
        return roles.may_read_reports(request.user)


RANGE = [
    OpenApiParameter("from", OpenApiTypes.DATE, required=True, description="First day received (YYYY-MM-DD)"),
    OpenApiParameter(
        "to",
        OpenApiTypes.DATE,
        required=True,
        description="Last day received, included; at most CAD_REPORTS_MAX_DAYS (366) days",
    ),
    OpenApiParameter("priority", OpenApiTypes.INT, description="Only calls of this priority (1–5)"),
    OpenApiParameter("agency", OpenApiTypes.STR, description="Only this agency's units' times, e.g. CFD"),
]
COMPLIANCE_PARAMETERS = [
    *RANGE,
    OpenApiParameter(
        "standard",
        OpenApiTypes.STR,
        enum=list(STANDARDS),
        description="center (the priorities' own goals, default), nfpa1225 or nfpa1221",
    ),
    OpenApiParameter(
        "by", OpenApiTypes.STR, enum=COMPLIANCE_BY, description="A breakdown within each priority"
    ),
]
REPORT = OpenApiResponse(OpenApiTypes.OBJECT, description="The report's figures (README: Reports)")


class ReportView(GenericAPIView):
    permission_classes = [ReadsReports]
    filter_backends = []
    pagination_class = None
    renderer_classes = [JSONRenderer]


class ComplianceView(ReportView):
    @extend_schema(
        operation_id="v1_reports_compliance", parameters=COMPLIANCE_PARAMETERS, responses={200: REPORT}
    )
    def get(self, request, *args, **kwargs):
        """Response-time compliance: for each interval (answering, processing, turnout, travel,
        response) a row per priority and one for all: count, median_s, p90_s, goal_s, target,
        within_goal (fraction), met, excluded and exclusions (calls left out, by reason; listed by
        compliance/exclusions/)."""
        query = report_query("compliance", request.query_params)
        return Response(compliance_figures(query))


class ExclusionSerializer(serializers.Serializer):
    call = serializers.CharField(help_text="The call's number")
    call_id = serializers.IntegerField()
    priority = serializers.IntegerField()
    interval = serializers.ChoiceField(choices=INTERVAL_CODES)
    reason = serializers.ChoiceField(choices=list(REASONS))
    rang_at = serializers.DateTimeField(allow_null=True, help_text="The 9-1-1 line rang (ANI/ALI)")
    answered_at = serializers.DateTimeField(allow_null=True, help_text="The 9-1-1 line was answered")
    received_at = serializers.DateTimeField(allow_null=True)
    dispatched_at = serializers.DateTimeField(allow_null=True)
    enroute_at = serializers.DateTimeField(allow_null=True)
    onscene_at = serializers.DateTimeField(allow_null=True)


class ComplianceExclusionsView(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The exclusions ledger: every call left out of an interval, with the reason and its times."""

    permission_classes = [ReadsReports]
    serializer_class = ExclusionSerializer
    renderer_classes = [JSONRenderer]
    filter_backends = []  # the report's own parameters, checked by report_query

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return []
        params = self.request.query_params
        query = report_query("compliance", params)
        errors = {}
        interval = (params.get("interval") or "").strip() or None
        reason = (params.get("reason") or "").strip() or None
        if interval and interval not in INTERVAL_CODES:
            errors["interval"] = [f"One of {', '.join(INTERVAL_CODES)}."]
        if reason and reason not in REASONS:
            errors["reason"] = [f"One of {', '.join(REASONS)}."]
        if errors:
            raise serializers.ValidationError(errors)
        return list(exclusions_list(query, interval=interval, reason=reason))

    @extend_schema(
        operation_id="v1_reports_compliance_exclusions",
        parameters=[
            *COMPLIANCE_PARAMETERS[:4],
            OpenApiParameter("interval", OpenApiTypes.STR, enum=INTERVAL_CODES),
            OpenApiParameter("reason", OpenApiTypes.STR, enum=list(REASONS)),
        ],
    )
    def list(self, request, *args, **kwargs):
        """Every call left out of an interval, oldest first, paginated: call, interval, reason, times."""
        return super().list(request, *args, **kwargs)


class WorkloadView(ReportView):
    @extend_schema(
        operation_id="v1_reports_workload",
        responses={200: REPORT},
        parameters=[
            *RANGE[:2],
            OpenApiParameter("by", OpenApiTypes.STR, enum=WORKLOAD_BY, description="Default hour"),
        ],
    )
    def get(self, request, *args, **kwargs):
        """Workload: per bucket of `by`, calls, units sent, busy hours, on-duty hours and utilisation; by
        discipline, utilisation and the minutes with no unit free; peak concurrent calls; beat × hour."""
        query = report_query("workload", request.query_params)
        return Response(workload_figures(query))


class ReportRunInputSerializer(StrictInputSerializer):
    report = serializers.ChoiceField(choices=REPORTS)
    format = serializers.ChoiceField(choices=ReportRun.Format.choices)
    # "from" is a Python word: the field is added under its JSON name below.
    to = serializers.CharField(help_text="Last day, included (YYYY-MM-DD)")
    priority = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
    agency = serializers.CharField(required=False, allow_blank=True)
    standard = serializers.ChoiceField(choices=list(STANDARDS), required=False)
    by = serializers.CharField(required=False, allow_blank=True)


ReportRunInputSerializer._declared_fields["from"] = serializers.CharField(help_text="First day (YYYY-MM-DD)")


class ReportRunSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(help_text="Where the file is, once done")

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "report",
            "format",
            "params",
            "status",
            "progress",
            "requested_at",
            "finished_at",
            "download",
            "sha256",
            "size",
            "error",
        ]

    def get_download(self, run: ReportRun) -> str | None:
        if run.status != ReportRun.Status.DONE:
            return None
        return self.context["request"].build_absolute_uri(reverse("report-run-download", args=[run.pk]))


class ReportRunViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Report runs, newest first: asked for here or by beat, made by a Celery worker."""

    permission_classes = [ReadsReports]
    serializer_class = ReportRunSerializer
    queryset = ReportRun.objects.order_by("-requested_at", "-id")

    @extend_schema(request=ReportRunInputSerializer, responses={202: ReportRunSerializer})
    def create(self, request, *args, **kwargs):
        """Ask for a report as a file: `{"report", "from", "to", "format": "pdf"|"csv"}` and the report's
        own parameters → 202 with the run; poll it for status and progress, then download."""
        given = ReportRunInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        params = {name: value for name, value in given.validated_data.items() if value not in (None, "")}
        query = report_query(params["report"], params)
        run = report_run_request(
            query=query, format=params["format"], by=request.user, enqueue=report_run_enqueue
        )
        run.refresh_from_db()
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, (200, "text/csv"): OpenApiTypes.STR}
    )
    @action(detail=True, methods=["get"], url_path="download", url_name="download")
    def download(self, request, pk=None):
        """The run's file as made (its SHA-256 is the run's `sha256`); each download is an export entry."""
        run = get_object_or_404(self.get_queryset(), pk=pk)
        if run.status != ReportRun.Status.DONE or not report_path(run).is_file():
            raise NotFound("This run has no file (yet).")
        audit_record(
            action=AuditAction.EXPORT,
            object=object_ref("report_run", run.pk),
            by=request.user,
            detail={"report": run.report, "format": run.format, "sha256": run.sha256},
        )
        response = FileResponse(
            report_path(run).open("rb"),
            content_type=CONTENT_TYPES[run.format],
            as_attachment=True,
            filename=run.file,
        )
        response["X-Content-SHA256"] = run.sha256
        return response

    def perform_content_negotiation(self, request, force=False):
        if self.action == "download":
            # The file is the answer whatever the client accepts; an error is JSON.
            renderer = JSONRenderer()
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)
