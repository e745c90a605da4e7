"""Posting one delivery to a partner: signed as Standard Webhooks says, to a public address only.

The host is resolved when the connection is made and every address it resolves to is checked, then
the connection goes to an address that was checked, so a name cannot pass the check and connect
somewhere else (DNS rebinding). Loopback, private, link-local, shared, reserved and multicast
addresses are refused unless CAD_WEBHOOK_ALLOW_HOSTS names the host or holds the address. Redirects
are not followed, the environment's proxies are not used, and every wait is short.
"""

import base64
import ipaddress
import os
import secrets
import socket
import threading
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import httpcore
from django.conf import settings
from standardwebhooks import Webhook

from calls.webhooks.models import WEB_SCHEMES

USER_AGENT = "CAD-webhooks/1"
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
ANSWER_READ_LIMIT = 64 * 1024  # of a partner's answer: only its status matters
CONNECTIONS = 20  # per worker process, kept open between deliveries

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
FAILURES = (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError,
            httpcore.UnsupportedProtocol, httpcore.ProxyError, OSError)


class AddressRefused(Exception):
    """The host is not public and not allowed: the delivery fails without retries."""


def secret_new() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def signed_headers(*, secret: str, webhook_id: str, at: datetime, body: str) -> dict[str, str]:
    """The Standard Webhooks headers: webhook-signature is `v1,` and the base64 HMAC-SHA256 of
    `id.timestamp.body` under the secret, made by the standardwebhooks package."""
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(webhook_id, at, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _allowed(host: str, address: IPAddress) -> bool:
    for item in settings.CAD_WEBHOOK_ALLOW_HOSTS:
        try:
            network = ipaddress.ip_network(item, strict=False)
        except ValueError:
            if host.lower().rstrip(".") == item:
                return True
            continue
        if address.version == network.version and address in network:
            return True
    return False


def checked_addresses(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to, once each, when each may be sent to; AddressRefused naming
    the first that may not; OSError when it does not resolve."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
    for address in addresses:
        if not is_public(address) and not _allowed(host, address):
            shown = host if host == str(address) else f"{host} ({address})"
            raise AddressRefused(f"{shown} is not a public address; webhooks are sent only to public "
                                 f"addresses unless CAD_WEBHOOK_ALLOW_HOSTS allows it.")
    return addresses


def url_problem(url: str) -> str | None:
    """Why deliveries could not be sent to `url` (None when they can): not http(s), no host, or a
    host that does not resolve or is not a public address."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "Enter a valid URL."
    if parts.scheme not in WEB_SCHEMES:
        return "Give an http or https URL."
    if not parts.hostname:
        return "Give the receiver's host."
    if parts.username or parts.password:
        return "Leave the user name and password out of the URL; deliveries are signed instead."
    try:
        checked_addresses(parts.hostname, port)
    except AddressRefused as refused:
        return str(refused)
    except (OSError, UnicodeError):
        return f"{parts.hostname} cannot be resolved."
    return None


class _CheckedBackend(httpcore.SyncBackend):
    """Connects only to addresses checked_addresses allowed, trying each in turn."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            addresses = checked_addresses(host, port)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"{host} cannot be resolved: {exc}") from exc
        failure: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(str(address), port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                failure = exc
        raise failure or httpcore.ConnectError(f"{host} has no address")


_pool_lock = threading.Lock()
_pools: dict[int, httpcore.ConnectionPool] = {}


def _pool() -> httpcore.ConnectionPool:
    """One pool of kept-open connections per process (a forked worker makes its own)."""
    with _pool_lock:
        pool = _pools.get(os.getpid())
        if pool is None:
            pool = _pools[os.getpid()] = httpcore.ConnectionPool(
                max_connections=CONNECTIONS, keepalive_expiry=30.0, network_backend=_CheckedBackend())
        return pool


@dataclass(frozen=True)
class Answer:
    status: int | None = None  # the HTTP status, when the partner answered
    error: str = ""
    refused: bool = False  # never to be retried: the address is not allowed

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(*, url: str, body: str, headers: dict[str, str]) -> Answer:
    """POST `body` to `url`; what the partner answered, or why it could not."""
    wait = settings.CAD_WEBHOOK_TIMEOUT_SECONDS
    timeouts = {"connect": wait, "read": wait, "write": wait, "pool": wait}
    try:
        with _pool().stream("POST", url, headers=list(headers.items()), content=body.encode(),
                            extensions={"timeout": timeouts}) as response:
            read = 0
            for chunk in response.iter_stream():
                read += len(chunk)
                if read >= ANSWER_READ_LIMIT:
                    break
            status = response.status
    except AddressRefused as refused:
        return Answer(error=str(refused), refused=True)
    except httpcore.TimeoutException:
        return Answer(error=f"No answer within {wait:g} s.")
    except FAILURES as exc:
        return Answer(error=f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    if 200 <= status < 300:
        return Answer(status=status)
    what = "a redirect, which is not followed" if 300 <= status < 400 else "not a 2xx"
    return Answer(status=status, error=f"Answered {status}: {what}.")
