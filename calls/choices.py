from django.db import models


class CallStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DISPATCHED = "dispatched", "Dispatched"
    ENROUTE = "enroute", "En route"
    ONSCENE = "onscene", "On scene"
    CLEARED = "cleared", "Units cleared, awaiting disposition"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = frozenset(s for s in CallStatus if s != CallStatus.CLOSED)
ACTIVE_STATUSES = frozenset(OPEN_STATUSES - {CallStatus.PENDING})


class CallSource(models.TextChoices):
    E911 = "911", "9-1-1 wireline"
    E911_WIRELESS = "911_wireless", "9-1-1 wireless"
    ADMIN_LINE = "admin", "Administrative line"
    WALK_IN = "walk_in", "Walk-in"
    TEXT = "text", "TDD / text to 9-1-1"
    ALARM_COMPANY = "alarm_company", "Alarm company"
    PARTNER = "partner", "Partner agency"
    SELF_INITIATED = "self_initiated", "Self-initiated by a unit"


class ChronologyKind(models.TextChoices):
    CREATED = "created", "Call created"
    CHANGED = "changed", "Field changed"
    NOTE = "note", "Note"
    DISPATCHED = "dispatched", "Unit dispatched"
    UNIT_STATUS = "unit_status", "Unit status"
    CLOSED = "closed", "Call closed"
    REOPENED = "reopened", "Call reopened"
    LINKED = "linked", "Linked as duplicate"
    DUPLICATE_ADDED = "duplicate_added", "Duplicate call linked here"
    PREMISE_FLAGS = "premise_flags", "Premise flags attached"
    ALERT = "alert", "Alert"
    STATUS_CHECK = "status_check", "Status check"
    SUPPLEMENT = "supplement", "Supplement"
    SHARED = "shared", "Shared with a partner agency"
    RELAYED = "relayed", "Relayed to a partner agency"
    UNSHARED = "unshared", "Share with a partner agency ended"


# The lines about one partner's share: each partner reads only those about itself.
SHARE_KINDS = frozenset({ChronologyKind.SHARED, ChronologyKind.RELAYED, ChronologyKind.UNSHARED})
