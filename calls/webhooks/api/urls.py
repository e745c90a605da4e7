from rest_framework.routers import SimpleRouter

from calls.webhooks.api.views import WebhookDeliveryViewSet

router = SimpleRouter()
router.register("webhooks/deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
urlpatterns = router.urls
