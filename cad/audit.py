"""The audit trail's one entry point: who did what, from where, with what outcome (CJIS).

Every layer records through `audit_record`, in the caller's transaction, so a change whose entry
cannot be written fails with it. The records app keeps the trail (a hash chain, records/audit.py);
it sits above every app that writes to it, so it registers its writer here when it is ready, as
the other upper apps do (docs/architecture.md). The request's user and source address reach
`audit_record` through a context variable (AuditContextMiddleware, and the API's token
authentication), so services keep their keyword-only signatures and never take a request.
"""

import ipaddress
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Protocol

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

from cad.history import actor
from cad.models import AgencyToken


class AuditAction(StrEnum):
    LOGIN_SUCCESS = "login.success"
    LOGIN_FAILURE = "login.failure"
    LOGOUT = "logout"
    LOCKOUT = "lockout"
    DENIED = "denied"
    REFUSED = "refused"  # a change the API refused as it stood (409): a closed call, a unit already taken
    CALL_CREATE = "call.create"
    CALL_CHANGE = "call.change"
    CALL_NOTE = "call.note"
    MESSAGE_SEND = "message.send"
    CALL_SUPPLEMENT = "call.supplement"
    CALL_PRINT = "call.print"  # a call's record printed or saved as a PDF
    CALL_DISPATCH = "call.dispatch"
    CALL_LINK = "call.link"
    CALL_CLOSE = "call.close"
    CALL_REOPEN = "call.reopen"
    CALL_SHARE = "call.share"  # shared with a partner agency, or relayed to it
    CALL_UNSHARE = "call.unshare"
    ALERT_ACKNOWLEDGE = "alert.acknowledge"
    UNIT_EMERGENCY = "unit.emergency"  # a unit's emergency button, pressed (or relayed from its radio)
    MUTUAL_AID_REQUEST = "mutual_aid.request"
    MUTUAL_AID_ACCEPT = "mutual_aid.accept"
    MUTUAL_AID_DECLINE = "mutual_aid.decline"
    MUTUAL_AID_CANCEL = "mutual_aid.cancel"


    ALI_RECEIVE = "ali.receive"
    ALI_REBID = "ali.rebid"
    CALLBACK_CLAIM = "callback.claim"
    CALLBACK_RELEASE = "callback.release"
    CALLBACK_OUTCOME = "callback.outcome"
    UNIT_CREATE = "unit.create"
    UNIT_CHANGE = "unit.change"
    UNIT_STATUS = "unit.status"
    UNIT_CHECK = "unit.check"
    UNIT_SIGN_ON = "unit.sign_on"
    UNIT_SIGN_OFF = "unit.sign_off"
    STATION_SAVE = "station.save"
    STATION_DELETE = "station.delete"
    FLAG_CREATE = "flag.create"
    FLAG_CHANGE = "flag.change"
    FLAG_APPROVE = "flag.approve"
    FLAG_CONFIDENTIAL_READ = "flag.confidential_read"
    FLAG_RELEASED = "flag.released"  # a confidential flag's text served to an agency with a unit on the call
    PERMIT_CREATE = "permit.create"
    PERMIT_CHANGE = "permit.change"
    TOKEN_CREATE = "token.create"
    TOKEN_REVOKE = "token.revoke"
    USER_CREATE = "user.create"
    USER_CHANGE = "user.change"
    USER_DELETE = "user.delete"
    ADMIN_CREATE = "admin.create"
    ADMIN_CHANGE = "admin.change"
    ADMIN_DELETE = "admin.delete"
    AUDIT_PRUNE = "audit.prune"
    FEE_SCHEDULE_SAVE = "fee_schedule.save"
    BILLING_RUN = "billing.run"
    BILL_DRAFT = "bill.draft"
    BILL_ISSUE = "bill.issue"
    BILL_APPEAL = "bill.appeal"
    BILL_DECISION = "bill.decision"
    BILL_PAYMENT = "bill.payment"
    BILL_OVERDUE = "bill.overdue"
    BILL_NOTICE_EMAIL = "bill.notice_email"
    BILL_REMINDER_EMAIL = "bill.reminder_email"
    WEBHOOK_CREATE = "webhook.create"
    WEBHOOK_CHANGE = "webhook.change"
    WEBHOOK_SECRET_ROLL = "webhook.secret_roll"  # a new signing secret (never written here)
    WEBHOOK_RESEND = "webhook.resend"
    PERSON_SAVE = "person.save"  # a person on record (warrants name them), entered or changed
    WARRANT_CREATE = "warrant.create"
    WARRANT_CHANGE = "warrant.change"
    WARRANT_STATUS = "warrant.status"  # served or recalled (or active again)
    VEHICLE_STOLEN = "vehicle.stolen"  # a vehicle entered as reported stolen
    VEHICLE_CHANGE = "vehicle.change"  # other changes, a recovery among them
    MISSING_PERSON_ENTER = "missing_person.enter"
    MISSING_PERSON_CHANGE = "missing_person.change"
    BOLO_CREATE = "bolo.create"
    BOLO_CHANGE = "bolo.change"
    INQUIRY = "inquiry"  # a records inquiry: who, what was asked, its purpose and what came back
    INQUIRY_ATTACH = "inquiry.attach"  # one of its hits put on a call's chronology
    EXPORT = "export"
    REPORT_RUN = "report.run"  # a report asked for (its download is an export)


class Outcome(StrEnum):
    OK = "ok"
    DENIED = "denied"
    FAILED = "failed"


@dataclass(frozen=True)
class AuditContext:
    """Who is asking and from where, for the length of one request."""

    source_ip: str | None = None
    user: Any = None  # the request's user, read only when an entry is written (it may be lazy)
    token: AgencyToken | None = None


class Writer(Protocol):
    def __call__(self, *, action: str, object: str, outcome: str, detail: dict,
                 user: AbstractBaseUser | None, token: AgencyToken | None, source_ip: str | None) -> None: ...


_context: ContextVar[AuditContext | None] = ContextVar("audit_context", default=None)
_writer: Writer | None = None
_suspended: ContextVar[bool] = ContextVar("audit_suspended", default=False)


def audit_writer_register(writer: Writer) -> None:
    global _writer
    _writer = writer


def audit_record(
    *, action: AuditAction, object: str = "", outcome: Outcome = Outcome.OK, detail: dict | None = None,
    by: AbstractBaseUser | AnonymousUser | None = None, source_ip: str | None = None,
) -> None:
    """Append one entry to the audit trail, in the caller's transaction. `by` defaults to the
    request's user; `source_ip` to the request's address."""
    if _suspended.get():
        return
    if _writer is None:
        # Never skip silently: a change that cannot be audited must not happen.
        raise ImproperlyConfigured("No audit writer is registered (is the records app installed?).")
    context = _context.get() or AuditContext()
    user = actor(by) or actor(context.user)
    _writer(action=str(action), object=object, outcome=str(outcome), detail=detail or {}, user=user,
            token=context.token, source_ip=source_ip or context.source_ip)


def object_ref(kind: str, pk: Any) -> str:
    """How an entry names what it is about: `call:123`, `unit:7`."""
    return f"{kind}:{pk}"


def field_changes(before: Model | None, after: Model, fields: Iterable[str] | None = None) -> dict[str, list]:
    """What a save changed, field -> [old, new] (every field of a new row, old None); related rows
    as their ids, other values as text where JSON has no form for them."""
    changes = {}
    for field in after._meta.concrete_fields:
        if field.primary_key or (fields is not None and field.name not in fields):
            continue
        new = field.value_from_object(after)
        old = field.value_from_object(before) if before is not None else None
        if before is None and new in (None, "", [], {}):
            continue
        if old != new:
            changes[field.name] = [_plain(old), _plain(new)]
    return changes


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int | float | str | list | dict) else str(value)


def client_address(meta: dict) -> str | None:
    """The client's address: REMOTE_ADDR, or when that is a trusted proxy (CAD_TRUSTED_PROXIES),
    the nearest address in X-Forwarded-For that is not one. Anyone can send the header, so it is
    believed only as far as our own proxies wrote it."""
    remote = _address(meta.get("REMOTE_ADDR", ""))
    if remote is None or not _trusted(remote):
        return remote
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break
        if not _trusted(address):
            return address
    return remote


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def _trusted(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in settings.CAD_TRUSTED_PROXIES)


@contextmanager
def audit_context(context: AuditContext) -> Iterator[None]:
    reset = _context.set(context)
    try:
        yield
    finally:
        _context.reset(reset)


def audit_context_token_set(token: AgencyToken) -> None:
    """The API authenticated a request by an agency's token: its entries name the token."""
    context = _context.get()
    if context is not None:
        _context.set(replace(context, user=token.agency.service_user, token=token))


@contextmanager
def audit_suspended() -> Iterator[None]:
    """No entries are written inside: only for measuring what the audit costs (make bench)."""
    reset = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(reset)


class AuditContextMiddleware:
    """Makes the request's user and source address known to audit_record."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = AuditContext(source_ip=client_address(request.META), user=getattr(request, "user", None))
        with audit_context(context):
            return self.get_response(request)
