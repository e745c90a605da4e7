"""Who may open a websocket: browsers from our own origin with a session, programs with a token."""

from urllib.parse import urlsplit

from channels.db import database_sync_to_async
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.db import transaction
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host

from cad.admission import STREAM_PATH, Credentials
from cad.audit import AuditAction, Outcome, audit_record, client_address


class BrowserOriginValidator:
    """A browser always sends Origin on a websocket, and it must be this site's own origin
    (the scheme, host and port the page came from, on an allowed host) or one of
    CSRF_TRUSTED_ORIGINS, as Django asks of a form post; so no other site, not even another
    port of the same host, can open the stream with a dispatcher's cookie. Programs send no
    Origin; they authenticate with a token header, which a browser page cannot set."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not _origin_allowed(scope):
            await database_sync_to_async(_origin_refusal_audit)(scope)
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)


def _origin_allowed(scope: dict) -> bool:
    headers = dict(scope.get("headers") or [])
    origin = headers.get(b"origin")
    if origin is None:
        return True
    origin = origin.decode("latin1").strip().lower()
    host = headers.get(b"host", b"").decode("latin1").strip().lower()
    allowed_hosts = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed_hosts:
        allowed_hosts = [".localhost", "127.0.0.1", "[::1]"]
    domain, _ = split_domain_port(host)
    if not domain or not validate_host(domain, allowed_hosts):
        return False
    parsed = urlsplit(origin)
    # Either scheme for the very host and port the socket came to (behind a TLS proxy the page
    # is https while the socket arrives as ws); any other origin must be trusted by name.
    same_site = {f"http://{host}", f"https://{host}"}
    trusted = {o.lower().rstrip("/") for o in settings.CSRF_TRUSTED_ORIGINS}
    return f"{parsed.scheme}://{parsed.netloc}" in same_site | trusted


class CredentialsMiddleware:
    """Puts what the socket brought in scope["cad_credentials"]: `Authorization: Token <key>` (a bad
    or revoked token is refused, never a fall back to a cookie) or the session cookie. Nothing is
    looked up here, so the handshake never waits on the database; the stream admits its sockets in
    batches (cad.admission) once they are open."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        return await self.app({**scope, "cad_credentials": credentials_of(scope)}, receive, send)


def credentials_of(scope: dict) -> Credentials:
    headers = dict(scope.get("headers") or [])
    where = {"source_ip": source_address(scope), "path": (scope.get("path") or STREAM_PATH)[:100]}
    header = headers.get(b"authorization")
    if header is not None:
        parts = header.decode(errors="replace").split()
        if len(parts) == 2 and parts[0].lower() == "token":
            return Credentials(token_key=parts[1], **where)
        return Credentials(token_malformed=True, **where)
    cookies = parse_cookie(headers.get(b"cookie", b"").decode("latin1"))
    return Credentials(session_key=cookies.get(settings.SESSION_COOKIE_NAME) or None, **where)


def source_address(scope: dict) -> str | None:
    """The socket's client as the audit trail names it (behind our own proxies, the one they name)."""
    headers = dict(scope.get("headers") or [])
    client = scope.get("client") or ("",)
    return client_address({"REMOTE_ADDR": client[0] or "",
                           "HTTP_X_FORWARDED_FOR": headers.get(b"x-forwarded-for", b"").decode("latin1")})


def _origin_refusal_audit(scope: dict) -> None:
    origin = dict(scope.get("headers") or []).get(b"origin", b"").decode("latin1")[:200]
    with transaction.atomic():
        audit_record(action=AuditAction.DENIED, object=scope.get("path", "")[:100], outcome=Outcome.DENIED,
                     source_ip=source_address(scope),
                     detail={"path": scope.get("path", ""), "origin": origin,
                             "reason": "a websocket opened from another site's page"})
