"""Partner agencies in the API: a call's shares and relays, the call a partner sent in, what a share
request takes, and the partners a call may be shared with."""

import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cad import roles
from cad.models import Agency
from cad.serializers import StrictInputSerializer
from calls.models import CallShare

SHARE_NOTE_LONGEST = CallShare._meta.get_field("note").max_length
INCIDENT_NUMBER_LONGEST = 64
ALL_SHARES = "*"
AGENCY_CODE = re.compile(r"[A-Z0-9_-]{1,16}")


def shares_for(context: dict) -> str | None:
    """Whose shares a call's shape shows: every one (ALL_SHARES: the center's staff, and the live
    stream's events, which the stream narrows for each partner), one partner's (its code), or none
    (None: a shape built without saying for whom)."""
    if "shares_for" in context:
        return context["shares_for"]
    request = context.get("request")
    if request is None:
        return None
    agency = roles.scoped_agency(request.user)
    return agency.code if agency is not None else ALL_SHARES


def shares_context(user) -> dict:
    """The serializer context that shows `user` the shares it may see."""
    agency = roles.scoped_agency(user)
    return {"shares_for": agency.code if agency is not None else ALL_SHARES}


def shares_seen(shares: list[dict], viewer: str | None) -> list[dict]:
    """The one rule of whose shares a reader sees (`shares` as CallShareSerializer gives them):
    every one (ALL_SHARES), a partner's own (its code), or none (None)."""
    if viewer == ALL_SHARES:
        return shares
    return [share for share in shares if viewer is not None and share["agency"] == viewer]


class CallShareSerializer(serializers.ModelSerializer):
    """A call shared with a partner agency (it sees the call, its chronology and its events), or
    relayed to it (`relay`: it took responsibility for the call)."""

    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    shared_by = serializers.CharField(source="shared_by.username", default=None, allow_null=True)

    class Meta:
        model = CallShare
        fields = ["agency", "agency_name", "relay", "note", "shared_at", "shared_by"]
        read_only_fields = fields


class SentBySerializer(serializers.Serializer):
    """The partner agency that sent the call in, and its own incident number for it."""

    agency = serializers.CharField(source="sent_by.code")
    agency_name = serializers.CharField(source="sent_by.name")
    incident_number = serializers.CharField(
        source="sent_by_incident", allow_blank=True,
        help_text="The sending agency's own incident number ('' if none given)")


@extend_schema_field({"type": "string", "pattern": r"^\s*[A-Za-z0-9_-]{1,16}\s*$",
                      "description": "An agency's code, in any case, e.g. NFPD"})
class AgencyCodeField(serializers.CharField):
    """An agency's code, in any case, becoming the agency; an unknown code is a 400."""

    def to_internal_value(self, data) -> Agency:
        code = super().to_internal_value(data).strip().upper()
        agency = Agency.objects.filter(code=code).first() if AGENCY_CODE.fullmatch(code) else None
        if agency is None:
            raise serializers.ValidationError(f"No agency {code[:16]!r}; the partners: /api/v1/partners/.")
        return agency


class ShareInputSerializer(StrictInputSerializer):
    agency = AgencyCodeField(help_text="A partner agency's code (GET partners/), e.g. NFPD")
    note = serializers.CharField(required=False, allow_blank=True, max_length=SHARE_NOTE_LONGEST,
                                 help_text="Why, for the partner and the chronology")
    relay = serializers.BooleanField(default=False, help_text="The partner takes responsibility for the call")


class UnshareInputSerializer(StrictInputSerializer):
    agency = AgencyCodeField(help_text="The partner agency's code, e.g. NFPD")


class PartnerSerializer(serializers.ModelSerializer):
    """A partner agency a call may be shared with or relayed to."""

    disciplines = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Agency
        fields = ["code", "name", "disciplines"]
        read_only_fields = fields
