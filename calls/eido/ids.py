"""The ids this center gives in its EIDOs: URNs ending in its domain (CAD_EIDO_DOMAIN), e.g.
`urn:emergency:uid:incidentid:2026-000123:psap.example.gov`. A call that came in as another center's
EIDO keeps that center's incident id, so both centers name the incident alike."""

import re
from typing import Any

from django.conf import settings

from calls.models import Call

INCIDENT_PREFIX = "urn:emergency:uid:incidentid:"


def urn(kind: str, key: Any) -> str:
    """An id this center gives: unique to it by its domain."""
    return f"urn:emergency:uid:{kind}:{key}:{settings.CAD_EIDO_DOMAIN}"


def is_ours(eido_id: str) -> bool:
    return eido_id.startswith("urn:emergency:uid:") and eido_id.endswith(f":{settings.CAD_EIDO_DOMAIN}")


def incident_id(call: Call) -> str:
    """The incident's tracking id: the one another center's EIDO gave it, else ours."""
    if call.sent_by_incident.startswith(INCIDENT_PREFIX):
        return call.sent_by_incident
    return urn("incidentid", call.number)


def number_of_incident(eido_id: str) -> str | None:
    """The call number in one of our own incident ids, or None when the id is not ours."""
    if not (eido_id.startswith(INCIDENT_PREFIX) and is_ours(eido_id)):
        return None
    number = eido_id[len(INCIDENT_PREFIX):-len(settings.CAD_EIDO_DOMAIN) - 1]
    return number if re.fullmatch(r"[0-9]{4}-[0-9]{1,8}", number) else None
