from django.urls import re_path
from rest_framework.routers import SimpleRouter

from calls.api.views import (
    AlertViewSet,
    CallTypeViewSet,
    CallViewSet,
    DispositionViewSet,
    PriorityViewSet,
    StatsTodayView,
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
]
