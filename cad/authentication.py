from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from cad.models import AgencyToken, hash_token_key


class AgencyTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>`: acts as the agency's service account."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Give the header as: Authorization: Token <key>.")
        token = token_from_key(header[1].decode(errors="replace"))
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        return token.agency.service_user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


def token_from_key(key: str) -> AgencyToken | None:
    token = (
        AgencyToken.objects.select_related("agency__service_user")
        .filter(key_hash=hash_token_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or token.agency.service_user is None or not token.agency.service_user.is_active:
        return None
    now = timezone.now()
    # Stamp use at most once a minute so reads do not each cost a write.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        AgencyToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


class AgencyTokenScheme(OpenApiAuthenticationExtension):
    target_class = "cad.authentication.AgencyTokenAuthentication"
    name = "agencyToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`, from `make token AGENCY=NFPD` "
                           "(or `.venv/bin/python manage.py agency_token NFPD`).",
        }
