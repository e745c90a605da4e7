"""Errors a service raises, and how the API answers them: never a 500 for a user's mistake."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cad.audit import AuditAction, Outcome, audit_record


class ServiceError(Exception):
    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, detail: str | dict):
        super().__init__(detail)
        self.detail = detail


class Invalid(ServiceError):
    """The request cannot be carried out as given; `detail` may map fields to messages."""


class Conflict(ServiceError):
    """The state changed under the request: a unit already taken, a call already closed."""

    status_code = status.HTTP_409_CONFLICT


class Forbidden(ServiceError):
    """Not this caller's to do, as the state stands (checked under the service's locks): a partner
    dispatching on a call that is not relayed to it."""

    status_code = status.HTTP_403_FORBIDDEN


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        body = exc.detail if isinstance(exc.detail, dict) else {"detail": exc.detail}
        if isinstance(exc, Conflict):
            # The change was refused and rolled back; the attempt stays on the record.
            _audit_refusal(context["request"], AuditAction.REFUSED, Outcome.FAILED, exc.detail)
        elif isinstance(exc, Forbidden):
            _audit_refusal(context["request"], AuditAction.DENIED, Outcome.DENIED, exc.detail)
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_403_FORBIDDEN:
        reason = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        _audit_refusal(context["request"], AuditAction.DENIED, Outcome.DENIED, reason)
    return response


def _audit_refusal(request, action: AuditAction, outcome: Outcome, reason) -> None:
    audit_record(action=action, object=request.path[:100], outcome=outcome, by=request.user,
                 detail={"method": request.method, "path": request.path, "reason": str(reason)})
