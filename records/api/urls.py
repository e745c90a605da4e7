from rest_framework.routers import SimpleRouter

from records.api.views import AuditEntryViewSet

router = SimpleRouter()
router.register("audit", AuditEntryViewSet, basename="audit")
urlpatterns = router.urls
