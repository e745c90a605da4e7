from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from cad.audit import audit_context_token_set
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
        audit_context_token_set(token)
        return token.agency.service_user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


def token_from_key(key: str) -> AgencyToken | None:
    return tokens_from_keys({key}).get(key)


def tokens_from_keys(keys: set[str]) -> dict[str, AgencyToken]:
    """The live tokens among `keys` (not revoked, their agency's account active), by key, with the
    agency and its account; their use stamped at most once a minute so reads do not each cost a
    write. The API asks for one key, the live stream for all of a server process's at once."""
    if not keys:
        return {}
    by_hash = {hash_token_key(key): key for key in keys}
    tokens = list(AgencyToken.objects.select_related("agency__service_user").filter(
        key_hash__in=by_hash, revoked_at__isnull=True, agency__service_user__is_active=True))
    now = timezone.now()
    stale = [t.pk for t in tokens if t.last_used_at is None or now - t.last_used_at > timedelta(minutes=1)]
    if stale:
        AgencyToken.objects.filter(pk__in=stale).update(last_used_at=now)
    return {by_hash[t.key_hash]: t for t in tokens}


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
