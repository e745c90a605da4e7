import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402

from cad import scheduler  # noqa: E402
from cad.routing import websocket_urlpatterns  # noqa: E402
from cad.websocket import BrowserOriginValidator, CredentialsMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": BrowserOriginValidator(CredentialsMiddleware(URLRouter(websocket_urlpatterns))),
    }
)

if settings.CAD_INPROCESS_SCHEDULER:
    scheduler.start()
