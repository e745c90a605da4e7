from django.urls import path
from rest_framework.routers import SimpleRouter

from records.api.billing_views import BillViewSet, FalseAlarmListView
from records.api.entries import MissingPersonPhotoView, MissingPersonView, StolenVehicleView
from records.api.inquiries import InquiryViewSet
from records.api.reports import ComplianceExclusionsView, ComplianceView, ReportRunViewSet, WorkloadView
from records.api.views import AuditEntryViewSet

router = SimpleRouter()
router.register("audit", AuditEntryViewSet, basename="audit")
router.register("reports/runs", ReportRunViewSet, basename="report-run")
router.register("reports/compliance/exclusions", ComplianceExclusionsView, basename="report-exclusion")
router.register("bills", BillViewSet, basename="bill")
router.register("inquiries", InquiryViewSet, basename="inquiry")
urlpatterns = [
    path("reports/compliance/", ComplianceView.as_view(), name="report-compliance"),
    path("reports/workload/", WorkloadView.as_view(), name="report-workload"),
    path("false-alarms/", FalseAlarmListView.as_view(), name="false-alarms"),
    path("vehicles/stolen/", StolenVehicleView.as_view(), name="vehicle-stolen"),
    path("missing-persons/", MissingPersonView.as_view(), name="missing-person"),
    path("missing-persons/<int:pk>/photo/", MissingPersonPhotoView.as_view(), name="missing-person-photo"),
    *router.urls,
]
