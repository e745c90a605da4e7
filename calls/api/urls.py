from django.urls import re_path
from rest_framework.routers import SimpleRouter

from calls.api.views import (
    AlertViewSet,
    AliViewSet,
    CallbackViewSet,
    CallExportView,
    CallTypeViewSet,
    CallViewSet,
    DispositionViewSet,
    EidoReceiveView,
    MutualAidViewSet,
    PartnerViewSet,
    PriorityViewSet,
    StatsTodayView,
)
from calls.api.views.messages import MessageViewSet
from calls.api.views.terminal import TerminalViewSet
from calls.webhooks.api.urls import urlpatterns as webhook_urls

router = SimpleRouter()
router.register("calls", CallViewSet, basename="call")
router.register("call-types", CallTypeViewSet, basename="call-type")
router.register("dispositions", DispositionViewSet, basename="disposition")
router.register("priorities", PriorityViewSet, basename="priority")
router.register("alerts", AlertViewSet, basename="alert")
router.register("mutual-aid", MutualAidViewSet, basename="mutual-aid")
router.register("ali", AliViewSet, basename="ali")
router.register("callbacks", CallbackViewSet, basename="callback")
router.register("partners", PartnerViewSet, basename="partner")
router.register("messages", MessageViewSet, basename="message")
router.register("terminal", TerminalViewSet, basename="terminal")
urlpatterns = [
    re_path(r"^calls/export\.csv$", CallExportView.as_view(), name="call-export"),
    *router.urls,
    re_path(r"^eido/$", EidoReceiveView.as_view(), name="eido-receive"),
    re_path(r"^stats/today/$", StatsTodayView.as_view(), name="stats-today"),
    *webhook_urls,
]
