"""Sign-ins, sign-outs, lockouts and what the admin saves directly: Django and django-axes announce
these by signal, and each becomes an audit entry (the services record their own changes)."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest

from cad.audit import AuditAction, Outcome, audit_record, client_address, object_ref

# The admin's own log says what it saved; accounts are `user.*`, anything else `admin.*`.
ADMIN_ACTIONS = {
    ADDITION: (AuditAction.ADMIN_CREATE, AuditAction.USER_CREATE),
    CHANGE: (AuditAction.ADMIN_CHANGE, AuditAction.USER_CHANGE),
    DELETION: (AuditAction.ADMIN_DELETE, AuditAction.USER_DELETE),
}

# What their services record themselves, with the fields old → new: the admin's log of the same
# save would be a second entry for one change.
AUDITED_BY_SERVICES = {
    ADDITION: {"units.unit", "units.station", "premises.premiseflag", "premises.alarmpermit",
               "records.feeschedule"},
    CHANGE: {"units.unit", "units.station", "premises.premiseflag", "premises.alarmpermit",
             "records.feeschedule"},
    DELETION: {"units.station"},
}


def _address(request: HttpRequest | None) -> str | None:
    return client_address(request.META) if request is not None else None


def signed_in(sender, request: HttpRequest | None, user: AbstractBaseUser, **kwargs) -> None:
    audit_record(action=AuditAction.LOGIN_SUCCESS, object=object_ref("user", user.pk), by=user,
                 source_ip=_address(request))


def signed_out(sender, request: HttpRequest | None, user: AbstractBaseUser | None, **kwargs) -> None:
    audit_record(action=AuditAction.LOGOUT, object=object_ref("user", user.pk) if user else "", by=user,
                 source_ip=_address(request))


def sign_in_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    # Django has already masked the password in `credentials`; only the name tried is kept.
    username = str(credentials.get(get_user_model().USERNAME_FIELD, ""))[:150]
    audit_record(action=AuditAction.LOGIN_FAILURE, object=f"user:{username}", outcome=Outcome.FAILED,
                 detail={"username": username}, source_ip=_address(request))


def locked_out(sender, request: HttpRequest | None, username: str, ip_address: str | None = None,
               **kwargs) -> None:
    audit_record(action=AuditAction.LOCKOUT, object=f"user:{username}", outcome=Outcome.DENIED,
                 detail={"username": username}, source_ip=_address(request))


def admin_logged(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    if not created:
        return
    model = instance.content_type.model_class() if instance.content_type_id else None
    if model is not None and model._meta.label_lower in AUDITED_BY_SERVICES[instance.action_flag]:
        return
    is_account = model is get_user_model()
    action = ADMIN_ACTIONS[instance.action_flag][1 if is_account else 0]
    kind = "user" if is_account else (instance.content_type.model if instance.content_type_id else "object")
    audit_record(action=action, object=object_ref(kind, instance.object_id),
                 detail={"object": instance.object_repr, "change": instance.get_change_message()},
                 by=instance.user)
