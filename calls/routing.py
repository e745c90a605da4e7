"""The calls' websockets, gathered by cad/routing.py: the EIDO conveyance (NENA-STA-024)."""

from django.urls import path

from calls.consumers import EidoConsumer

websocket_urlpatterns = [
    path("ws/eido/", EidoConsumer.as_asgi()),
]
