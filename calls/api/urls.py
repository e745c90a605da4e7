from django.urls import re_path
from rest_framework.routers import SimpleRouter

from calls.api.views import (
    AlertViewSet,
    CallExportView,
    CallTypeViewSet,
    CallViewSet,
    DispositionViewSet,
    PartnerViewSet,
    PriorityViewSet,
    StatsTodayView,
)

router = SimpleRouter()
router.register("calls", CallViewSet, basename="call")
router.register("call-types", CallTypeViewSet, basename="call-type")
router.register("dispositions", DispositionViewSet, basename="disposition")
router.register("priorities", PriorityViewSet, basename="priority")
router.register("alerts", AlertViewSet, basename="alert")
router.register("partners", PartnerViewSet, basename="partner")
urlpatterns = [
    re_path(r"^calls/export\.csv$", CallExportView.as_view(), name="call-export"),
    *router.urls,
    re_path(r"^stats/today/$", StatsTodayView.as_view(), name="stats-today"),
]
