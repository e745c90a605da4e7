import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cad.settings")
django.setup(set_prefix=False)  # as django.core.asgi.get_asgi_application does

from cad.handlers import ASGIHandler  # noqa: E402

django_asgi_app = ASGIHandler()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from cad import heap, scheduler  # noqa: E402
from cad.routing import websocket_urlpatterns  # noqa: E402
from cad.websocket import BrowserOriginValidator, CredentialsMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": BrowserOriginValidator(CredentialsMiddleware(URLRouter(websocket_urlpatterns))),
    }
)

# Every view imported now rather than at its first request, then the heap settled (cad.heap).
get_resolver().url_patterns  # noqa: B018
heap.settle()

if settings.CAD_INPROCESS_SCHEDULER:
    scheduler.start()
