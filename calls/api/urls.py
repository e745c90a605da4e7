from django.urls import re_path
from rest_framework.routers import SimpleRouter

from calls.api.alerts import AlertViewSet, UnitCheckView
from calls.api.views import (
    CallTypeViewSet,
    CallViewSet,
    DispositionViewSet,
    PriorityViewSet,
    StatsTodayView,
    UnitStatusView,
)

router = SimpleRouter()
router.register("calls", CallViewSet, basename="call")
router.register("call-types", CallTypeViewSet, basename="call-type")
router.register("dispositions", DispositionViewSet, basename="disposition")
router.register("priorities", PriorityViewSet, basename="priority")
router.register("alerts", AlertViewSet, basename="alert")
urlpatterns = [
    *router.urls,
    re_path(r"^stats/today/$", StatsTodayView.as_view(), name="stats-today"),
    re_path(r"^units/(?P<callsign>[A-Za-z0-9-]+)/status/$", UnitStatusView.as_view(), name="unit-status"),
    re_path(r"^units/(?P<callsign>[A-Za-z0-9-]+)/check/$", UnitCheckView.as_view(), name="unit-check"),
]
