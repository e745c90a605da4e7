import redis
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, redirect_to_login
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render, resolve_url
from django.views import defaults
from django.views.decorators.http import require_GET
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.exceptions import NotAuthenticated
from rest_framework.negotiation import BaseContentNegotiation

from cad import roles
from cad.audit import AuditAction, Outcome, audit_record


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user_roles = roles.roles_of(request.user)
    return render(request, "home.html", {
        "roles": sorted(user_roles) or (["administrator"] if request.user.is_superuser else []),
        "can_dispatch": roles.can_dispatch(request.user),
        "is_center_staff": roles.is_center_staff(request.user),
        "may_read_reports": roles.may_read_reports(request.user),
    })


class SignInView(LoginView):
    """Django's sign-in form. Afterwards each person lands where their work is: dispatchers and
    supervisors on the console (LOGIN_REDIRECT_URL), everyone else on the home page. A page asked
    for (`?next=`) wins, except the home page itself, which is where a bookmark of the site sends
    everyone: a dispatcher who opened the site's address wants the console, not four keys more."""

    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        home = resolve_url("home")
        wanted = self.get_redirect_url()
        if wanted and wanted != home:
            return wanted
        if roles.is_officer(self.request.user):
            return resolve_url("unit-terminal")
        return resolve_url(settings.LOGIN_REDIRECT_URL) if roles.can_dispatch(self.request.user) else home


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and docker health checks: is the database (and Redis) answering?"""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "down"
    if settings.REDIS_URL:
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1).ping()
            checks["redis"] = "ok"
        except Exception:
            checks["redis"] = "down"
    healthy = checks["database"] == "ok"
    return JsonResponse(checks, status=200 if healthy else 503)


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Bad request (too large, or malformed)."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A page refused (the console to a records clerk, an admin page beyond one's role, a record
    printed by someone outside the center): on the audit trail as the API's 403s are."""
    with transaction.atomic():
        audit_record(action=AuditAction.DENIED, object=request.path[:100], outcome=Outcome.DENIED,
                     detail={"method": request.method, "path": request.path, "reason": str(exception)})
    if _wants_json(request):
        return JsonResponse({"detail": "You do not have permission to perform this action."}, status=403)
    return defaults.permission_denied(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Server error; it has been logged."}, status=500)
    return defaults.server_error(request)


class PageNegotiation(BaseContentNegotiation):
    """A page answers in HTML (or its own script) whatever the client's Accept or ?format says:
    a strict negotiation rendered the 406 for `Accept: application/json` with the page's template,
    whose context authenticated a bad token again, and answered 500."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ApiDocsView(SpectacularSwaggerSplitView):
    """The API reference (Swagger UI from the installed sidecar), its start-up script served apart
    from the page so the Content-Security-Policy needs no inline script."""

    content_negotiation_class = PageNegotiation

    def handle_exception(self, exc):
        # A person who opened the page signed out is sent to sign in, and back here after; a program
        # that sent a token (a bad one) is told 401, as the API tells it.
        if isinstance(exc, NotAuthenticated) and "HTTP_AUTHORIZATION" not in self.request.META:
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)
