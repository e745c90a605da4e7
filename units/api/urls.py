from rest_framework.routers import SimpleRouter

from units.api.views import UnitViewSet

router = SimpleRouter()
router.register("units", UnitViewSet, basename="unit")
urlpatterns = router.urls
