from calls.api.views.alerts import AlertViewSet
from calls.api.views.ali import AliViewSet, CallbackViewSet
from calls.api.views.calls import CallViewSet
from calls.api.views.eido import EidoReceiveView
from calls.api.views.export import CallExportView
from calls.api.views.mutual_aid import MutualAidViewSet
from calls.api.views.reference import CallTypeViewSet, DispositionViewSet, PartnerViewSet, PriorityViewSet
from calls.api.views.stats import StatsTodayView

__all__ = ["AlertViewSet", "AliViewSet", "CallExportView", "CallTypeViewSet", "CallViewSet",
           "CallbackViewSet", "DispositionViewSet", "EidoReceiveView", "MutualAidViewSet",
           "PartnerViewSet", "PriorityViewSet", "StatsTodayView"]
