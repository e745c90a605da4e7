from calls.api.views.alerts import AlertViewSet
from calls.api.views.calls import CallViewSet
from calls.api.views.export import CallExportView
from calls.api.views.reference import CallTypeViewSet, DispositionViewSet, PartnerViewSet, PriorityViewSet
from calls.api.views.stats import StatsTodayView

__all__ = ["AlertViewSet", "CallExportView", "CallTypeViewSet", "CallViewSet", "DispositionViewSet",
           "PartnerViewSet", "PriorityViewSet", "StatsTodayView"]
