"""Who may open a websocket: browsers from our own origin with a session, programs with a token."""

from channels.db import database_sync_to_async
from channels.security.websocket import OriginValidator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from cad.authentication import token_from_key


class BrowserOriginValidator(OriginValidator):
    """A browser always sends Origin on a websocket, and it must be one of ALLOWED_HOSTS, so no
    other site can open the stream with a dispatcher's cookie. Programs send no Origin; they
    authenticate with a token header, which a browser page cannot set."""

    def __init__(self, application):
        allowed = list(settings.ALLOWED_HOSTS)
        if settings.DEBUG and not allowed:
            allowed = ["localhost", "127.0.0.1", "[::1]"]
        super().__init__(application, allowed)

    def valid_origin(self, parsed_origin) -> bool:
        if parsed_origin is None:
            return True
        return super().valid_origin(parsed_origin)


class TokenAuthMiddleware:
    """`Authorization: Token <key>` on the handshake acts as the agency's service account; a bad
    or revoked token is anonymous (and refused), never a fall back to a cookie."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        header = dict(scope.get("headers") or []).get(b"authorization")
        if header is not None:
            parts = header.decode(errors="replace").split()
            user = AnonymousUser()
            if len(parts) == 2 and parts[0].lower() == "token":
                user = await database_sync_to_async(_token_user)(parts[1])
            scope = {**scope, "user": user}
        return await self.app(scope, receive, send)


def _token_user(key: str):
    token = token_from_key(key)
    return token.agency.service_user if token is not None else AnonymousUser()
