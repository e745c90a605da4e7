"""The websockets: the live stream here, and each app's own from its `routing` module (the calls'
EIDO conveyance, /ws/eido/), gathered by the apps' names as cad/urls.py gathers their URLs."""

from importlib import import_module

from django.apps import apps
from django.urls import path
from django.utils.module_loading import module_has_submodule

from cad.consumers import ConsoleConsumer


def _apps_routes() -> list:
    routes = []
    for config in apps.get_app_configs():
        if config.name != "cad" and module_has_submodule(config.module, "routing"):
            routes += getattr(import_module(f"{config.name}.routing"), "websocket_urlpatterns", [])
    return routes


websocket_urlpatterns = [
    path("ws/console/", ConsoleConsumer.as_asgi()),
    *_apps_routes(),
]
