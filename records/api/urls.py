from django.urls import path
from rest_framework.routers import SimpleRouter

from records.api.billing_views import BillViewSet, FalseAlarmListView
from records.api.views import AuditEntryViewSet

router = SimpleRouter()
router.register("audit", AuditEntryViewSet, basename="audit")
router.register("bills", BillViewSet, basename="bill")
urlpatterns = [path("false-alarms/", FalseAlarmListView.as_view(), name="false-alarms"), *router.urls]
