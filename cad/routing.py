# Per-app websocket routes are gathered here; the console stream arrives with the live-console work.
websocket_urlpatterns: list = []
