"""The HTTP side of the ASGI application: a request is worked in one thread, from the first
middleware to the view and back."""

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler as DjangoASGIHandler
from django.http import HttpRequest, HttpResponse


class ASGIHandler(DjangoASGIHandler):
    """Django's ASGI handler with its middleware chain built for a thread, not for the event loop.

    Our views are synchronous, and so are some of the middleware (whitenoise's, ours). Django's own
    handler builds the chain for the event loop and adapts each sync piece where it meets an async
    one, and its async-capable middleware run each `process_request` and `process_response` through
    `sync_to_async`: a request crossed between the event loop and its thread six or more times. The
    same loop writes every event to a thousand consoles' sockets, and each crossing waited for it:
    the POST of a new call waited behind the fan-out of the calls before it. Built for a thread, the
    whole chain (middleware, URL resolution, view) runs in one crossing there and one back."""

    def __init__(self):
        # Not Django's __init__: it builds the chain for the event loop.
        self.load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponse:
        # The request's own thread (Django's handler gives each request one, ThreadSensitiveContext),
        # the one a streamed answer's pieces are read in later (calls.export.served_async).
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
