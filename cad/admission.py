"""Who may follow the live stream, decided for many sockets at once.

A server process holds hundreds of consoles, and a restart brings them all back together. Each
socket's credentials (a token, or a session cookie) are read here in a batch: a handful of
queries for all of them, whether a burst of reconnects is let in or every socket of the process
is looked at again at its heartbeat (signed out, 30 idle minutes, a token revoked, a role taken
away). The handshake itself never waits on the database.
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from cad import roles, stream
from cad.audit import AuditAction, Outcome, audit_record
from cad.authentication import tokens_from_keys

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_SIGNED_ON = 4409  # an officer with no open shift: the terminal asks them to sign on
STREAM_PATH = "/ws/console/"


@dataclass(frozen=True)
class Credentials:
    """What a socket brought: an `Authorization: Token` header (which wins over any cookie, and is
    refused when malformed), or the session cookie's key, or nothing."""

    token_key: str | None = None
    session_key: str | None = None
    token_malformed: bool = False
    source_ip: str | None = None  # for the audit trail, when the socket is refused
    path: str = STREAM_PATH  # the socket's path (/ws/console/, /ws/eido/), for the same


@dataclass(frozen=True)
class Admission:
    """`refusal` (a close code), or the account and what it may see: `audience` None for the
    center's staff (everything), an agency code for an agency's program (what was shared with it),
    "unit:<callsign>" for an officer's terminal (the unit of the open shift; `call_id`, the call
    that unit works as the database said)."""

    refusal: int | None = None
    user: AbstractBaseUser | None = None
    audience: str | None = None
    call_id: int | None = None


# user ids → {user id: (callsign, the call it works or None)} of those with an open shift: the
# units app's roster, registered in its AppConfig.ready() (cad sits below units).
ShiftsRead = Callable[[set[int]], dict[int, tuple[str, int | None]]]


def _no_shifts(user_ids: set[int]) -> dict[int, tuple[str, int | None]]:
    return {}


_shifts_read: ShiftsRead = _no_shifts


def shifts_register(read: ShiftsRead) -> None:
    global _shifts_read
    _shifts_read = read


REFUSED = Admission(refusal=CLOSE_UNAUTHENTICATED)


def admit(batch: list[Credentials], *, audit_refusals: bool = False) -> list[Admission]:
    """The admission of each of `batch`, in its order; with `audit_refusals` (sockets opening, not
    the heartbeat's look again), each refusal is an entry in the audit trail, as a 403 of the API is."""
    tokens = tokens_from_keys({c.token_key for c in batch if c.token_key})
    sessions = _session_users({c.session_key for c in batch if c.session_key and not c.token_key})
    wanted = {t.agency.service_user_id for t in tokens.values()} | {uid for uid, _ in sessions.values()}
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=wanted, is_active=True)
             .select_related("service_agency")}
    roles.roles_load(list(users.values()))
    officers = {u.pk for u in users.values() if roles.is_officer(u)}
    shifts = _shifts_read(officers) if officers else {}

    admissions = []
    for credentials in batch:
        user = None
        if credentials.token_key or credentials.token_malformed:
            token = tokens.get(credentials.token_key or "")
            user = users.get(token.agency.service_user_id) if token is not None else None
        elif credentials.session_key in sessions:
            user_id, session_hash = sessions[credentials.session_key]
            user = users.get(user_id)
            if user is not None and not constant_time_compare(session_hash, user.get_session_auth_hash()):
                user = None  # the password changed since: that session is over
        admissions.append(_admission(user, shifts))
    if audit_refusals:
        _refusals_audit(batch, admissions)
    return admissions


REFUSAL_REASONS = {
    CLOSE_UNAUTHENTICATED: "no valid credentials: not signed in, or a token unknown, revoked or malformed",
    CLOSE_FORBIDDEN: "this account's role may not follow the live stream",
    CLOSE_NOT_SIGNED_ON: "an officer follows the stream for the unit signed on to: not signed on to a unit",
}


def _refusals_audit(batch: list[Credentials], admissions: list[Admission]) -> None:
    refused = [(c, a) for c, a in zip(batch, admissions, strict=True) if a.refusal is not None]
    if not refused:
        return
    with transaction.atomic():
        for credentials, answer in refused:
            audit_record(action=AuditAction.DENIED, object=credentials.path, outcome=Outcome.DENIED,
                         by=answer.user, source_ip=credentials.source_ip,
                         detail={"path": credentials.path, "close": answer.refusal,
                                 "reason": REFUSAL_REASONS[answer.refusal]})


def _admission(user: AbstractBaseUser | None, shifts: dict[int, tuple[str, int | None]]) -> Admission:
    if user is None:
        return REFUSED
    if roles.is_officer(user):
        if user.pk not in shifts:
            return Admission(refusal=CLOSE_NOT_SIGNED_ON, user=user)
        callsign, call_id = shifts[user.pk]
        return Admission(user=user, audience=stream.unit_audience(callsign), call_id=call_id)
    agency = roles.scoped_agency(user)
    if agency is not None:
        return Admission(user=user, audience=agency.code)
    if roles.is_center_staff(user):
        return Admission(user=user, audience=None)
    return Admission(refusal=CLOSE_FORBIDDEN, user=user)


def _session_users(keys: set[str]) -> dict[str, tuple[int, str]]:
    """For each session key still signed in: (user id, the session's auth hash)."""
    if not keys:
        return {}
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if hasattr(store, "get_model_class"):  # the database's sessions (db, cached_db): one query
        rows = store.get_model_class().objects.filter(session_key__in=keys, expire_date__gt=timezone.now())
        contents = {row.session_key: store().decode(row.session_data) for row in rows}
    else:
        contents = {key: store(session_key=key).load() for key in keys}
    signed_in = {}
    for key, data in contents.items():
        try:
            user_id = get_user_model()._meta.pk.to_python(data[SESSION_KEY])
        except (KeyError, ValueError):
            continue
        if data.get(BACKEND_SESSION_KEY) in settings.AUTHENTICATION_BACKENDS:
            signed_in[key] = (user_id, data.get(HASH_SESSION_KEY, ""))
    return signed_in
