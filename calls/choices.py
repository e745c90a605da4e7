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
    MUTUAL_AID = "mutual_aid", "Mutual aid"
    SHARED = "shared", "Shared with a partner agency"
    RELAYED = "relayed", "Relayed to a partner agency"
    UNSHARED = "unshared", "Share with a partner agency ended"
    MESSAGE = "message", "Message to or from units"


# The lines about one partner's share: each partner reads only those about itself.
SHARE_KINDS = frozenset({ChronologyKind.SHARED, ChronologyKind.RELAYED, ChronologyKind.UNSHARED})


class MutualAidState(models.TextChoices):
    """A mutual-aid request's life: asked, then answered by the partner or withdrawn by the center."""

    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"




class ClassOfService(models.TextChoices):
    """The class of service the 911 telephone system gives a line (NENA's ALI codes): what kind of
    line it is, and so how far its location can be trusted."""

    RESD = "RESD", "Residence"
    BUSN = "BUSN", "Business"
    PBXB = "PBXB", "PBX (main location)"
    PBXR = "PBXR", "PBX (remote location)"
    CNTX = "CNTX", "Centrex"
    COIN = "COIN", "Coin / pay phone"
    WRLS = "WRLS", "Wireless, no location (phase 0)"
    WPH1 = "WPH1", "Wireless phase I: tower and sector, no handset fix"
    WPH2 = "WPH2", "Wireless phase II: handset location"
    VOIP = "VOIP", "VoIP (fixed)"
    VNOM = "VNOM", "VoIP (nomadic: registered address, the caller may be elsewhere)"
    TEXT = "TEXT", "Text to 9-1-1"
    TDD = "TDD", "TDD / TTY"


WIRELESS_PHASE = {ClassOfService.WRLS: 0, ClassOfService.WPH1: 1, ClassOfService.WPH2: 2}

# The call's source by the line's class of service: a TDD or text session is a source like any other.
CLASS_OF_SERVICE_SOURCE = {
    **{cls: CallSource.E911 for cls in ClassOfService},
    **{cls: CallSource.E911_WIRELESS for cls in WIRELESS_PHASE},
    ClassOfService.TEXT: CallSource.TEXT,
    ClassOfService.TDD: CallSource.TEXT,
}

# Lines whose coordinates say where the caller is better than the words sent with them (a tower's
# or a carrier's address): the call is placed at the point when there is one.
LOCATED_BY_POINT = frozenset({*WIRELESS_PHASE, ClassOfService.TEXT})


class CallbackOutcome(models.TextChoices):
    NO_ANSWER = "no_answer", "No answer"
    POCKET_DIAL = "pocket_dial", "Pocket dial"
    EMERGENCY = "emergency", "Emergency: a call was opened"
    RESOLVED = "resolved", "Resolved, no call needed"


class MessageTo(models.TextChoices):
    """Whom a message goes to: one unit, every unit of a beat or an agency, or the center's consoles
    (from a unit)."""

    UNIT = "unit", "A unit"
    BEAT = "beat", "Every unit of a beat"
    AGENCY = "agency", "Every unit of an agency"
    CONSOLES = "consoles", "The center's consoles"
