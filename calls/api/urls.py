from rest_framework.routers import SimpleRouter

from calls.api.views import CallTypeViewSet, CallViewSet, DispositionViewSet, PriorityViewSet

router = SimpleRouter()
router.register("calls", CallViewSet, basename="call")
router.register("call-types", CallTypeViewSet, basename="call-type")
router.register("dispositions", DispositionViewSet, basename="disposition")
router.register("priorities", PriorityViewSet, basename="priority")
urlpatterns = router.urls
