from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from cad.history import AppendOnlyModel
from cad.models import Agency, Discipline
from calls.choices import (
    CallbackOutcome,
    CallSource,
    CallStatus,
    ChronologyKind,
    ClassOfService,
    MessageTo,
    MutualAidState,
)

# Partners' webhooks keep their tables beside the code that fills them; they are this app's.
from calls.webhooks.models import WebhookCursor, WebhookDelivery, WebhookSubscription  # noqa: F401
from premises.choices import FlagKind
from premises.models import Address, Beat, PremiseFlag
from units.choices import UnitStatus
from units.models import Unit


class Priority(models.Model):
    """P1 (life at risk) … P5 (report only), with the goals the clock is measured against."""

    level = models.PositiveSmallIntegerField(
        primary_key=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    name = models.CharField(max_length=64)
    dispatch_goal_seconds = models.PositiveIntegerField(help_text="Received → first unit dispatched")
    response_goal_seconds = models.PositiveIntegerField(help_text="Received → first unit on scene")

    class Meta:
        ordering = ["level"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return f"P{self.level} {self.name}"


class CallType(models.Model):
    """The nature of a call: an APCO 2.103 common incident type or a local type mapped to one."""

    code = models.CharField(max_length=16, unique=True)
    description = models.CharField(max_length=200)
    common_type = models.CharField(
        max_length=16, help_text="The APCO 2.103 common incident type this maps to"
    )
    default_priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="+")
    disciplines = models.ManyToManyField(Discipline, related_name="call_types")
    is_alarm = models.BooleanField(default=False, help_text="An alarm call (permits, false-alarm billing)")
    is_local = models.BooleanField(default=False, help_text="A local type, not in APCO 2.103")
    active = models.BooleanField(default=True)
    duplicate_radius_m = models.PositiveIntegerField(
        default=300, help_text="Open calls this close to a new one are offered as likely duplicates"
    )
    duplicate_window_minutes = models.PositiveIntegerField(
        default=30, help_text="… if received within this many minutes before it"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class Disposition(models.Model):
    """How a call ended: an APCO 1.111.2 code or a local one."""

    code = models.CharField(max_length=8, unique=True)
    description = models.CharField(max_length=200)
    is_local = models.BooleanField(default=False)
    billable_false_alarm = models.BooleanField(
        default=False, help_text="Counts toward the false-alarm fee schedule"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class CallNumberCounter(models.Model):
    """The last call number handed out in a year; its row lock keeps numbers unique and gap-free."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: last {self.year}-{self.last:06d}"


class Call(models.Model):
    """A call for service, from the first ring to its disposition."""

    number = models.CharField(max_length=16, unique=True, help_text="YYYY-NNNNNN")
    source = models.CharField(max_length=32, choices=CallSource.choices, default=CallSource.E911)
    call_type = models.ForeignKey(CallType, on_delete=models.PROTECT, related_name="calls")
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="calls")
    status = models.CharField(max_length=16, choices=CallStatus.choices, default=CallStatus.PENDING)

    address = models.CharField(max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    beat = models.ForeignKey(Beat, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls")
    location_verified = models.BooleanField(
        default=False, help_text="The location matched the street file"
    )
    address_point = models.ForeignKey(
        Address, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The street file's address point the location matched, when it is one",
    )
    premise_flags_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When the flags of the current location were attached (null: before flags were kept)",
    )

    caller_name = models.CharField(max_length=128, blank=True)
    caller_phone = models.CharField(max_length=32, blank=True)
    narrative = models.TextField(blank=True)

    received_at = models.DateTimeField(help_text="The line rang / the request arrived")
    rang_at = models.DateTimeField(
        null=True, blank=True, help_text="A 9-1-1 line: when it rang (ANI/ALI); null for other calls",
    )
    answered_at = models.DateTimeField(
        null=True, blank=True, help_text="A 9-1-1 line: when it was answered (rang → answered: answering)",
    )
    entered_at = models.DateTimeField(help_text="The call was saved in CAD")
    dispatched_at = models.DateTimeField(null=True, blank=True, help_text="First unit dispatched")
    enroute_at = models.DateTimeField(null=True, blank=True, help_text="First unit en route")
    onscene_at = models.DateTimeField(null=True, blank=True, help_text="First unit on scene")
    closed_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True, help_text="Last reopened")

    disposition = models.ForeignKey(
        Disposition, on_delete=models.PROTECT, null=True, blank=True, related_name="calls"
    )
    master = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates",
        help_text="The call this one duplicates",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_by = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="calls_sent",
        help_text="The partner agency that sent this call in (source partner), which follows it",
    )
    sent_by_incident = models.CharField(
        max_length=255, blank=True,
        help_text="The sending agency's own incident number or id (an EIDO's incident id, when it sent one)",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["status", "priority", "received_at"]),
            models.Index(fields=["received_at"]),
            models.Index(fields=["updated_at"]),
            # The consoles' open calls, read on every snapshot: found among a million closed ones
            # (seed_history, years of records) without reading them.
            models.Index(fields=["received_at", "id"], condition=~Q(status="closed"),
                         name="call_open_by_received"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_closed(self) -> bool:
        return self.status == CallStatus.CLOSED


def received_at_problem(received_at: datetime, *, now: datetime) -> str | None:
    """Why a call cannot have been received then (None when it can): not in the future, and not
    older than CAD_RECEIVED_AT_MAX_AGE_HOURS, past which it is a report rather than a call for
    service. Call entry, the console's stamp and the API's early checks all apply it."""
    hours = settings.CAD_RECEIVED_AT_MAX_AGE_HOURS
    if received_at > now:
        return "Cannot be in the future."
    if now - received_at > timedelta(hours=hours):
        limit = f"{hours // 24} days" if hours % 24 == 0 else f"{hours} hours"
        return f"More than {limit} ago; enter a report instead of a call."
    return None


class Assignment(models.Model):
    """One unit sent to one call, with the time of each step it took on it."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(max_length=32, choices=UnitStatus.choices, default=UnitStatus.DISPATCHED)
    dispatched_at = models.DateTimeField()
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    enroute_at = models.DateTimeField(null=True, blank=True)
    onscene_at = models.DateTimeField(null=True, blank=True)
    transporting_at = models.DateTimeField(null=True, blank=True)
    at_hospital_at = models.DateTimeField(null=True, blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dispatched_at", "id"]
        constraints = [
            # The database itself refuses a second open assignment for one unit.
            models.UniqueConstraint(
                fields=["unit"], condition=Q(cleared_at__isnull=True), name="assignment_one_open_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} on {self.call}"


SUPPLEMENT_LONGEST = 10_000  # characters


class ChronologyEntry(AppendOnlyModel):
    """The call's log: every action, who did it and when. Appended, never rewritten."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="chronology")
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=32, choices=ChronologyKind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    text = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True, help_text='{"field": [old, new]}')
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections",
        help_text="A supplement: the entry of this call it corrects",
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The agency whose program wrote it (a partner's note), or the partner it is about "
                  "(a share, a relay, their end)",
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "chronology entries"
        # A call's latest entries, or those before one, in one seek however long its history.
        indexes = [models.Index(fields=["call", "at", "id"], name="chronology_call_at")]

    def __str__(self) -> str:
        return f"{self.call} {self.at:%H:%M:%S} {self.get_kind_display()}"

    def changes_in_words(self) -> str:
        """What changed, as a clerk reads it: "status: dispatched → en route"."""
        return "; ".join(f"{name}: {_in_words(name, old)} → {_in_words(name, new)}"
                         for name, (old, new) in self.changes.items())


STATUS_WORDS = {**dict(UnitStatus.choices), **dict(CallStatus.choices)}


def _in_words(name: str, value) -> str:
    if value is None or value == "":
        return "none"
    if name == "status":
        return str(STATUS_WORDS.get(value, value)).lower()
    return str(value)


class CallPremiseFlag(AppendOnlyModel):
    """A premise flag as it read when it was attached to the call: later edits, expiry or removal of
    the flag do not change what responders were told. Appended, never rewritten."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="premise_flag_copies")
    # Kept when the flag is removed from the records (the PostgreSQL trigger allows only that change).
    flag = models.ForeignKey(PremiseFlag, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=32, choices=FlagKind.choices)
    text = models.TextField()
    confidential = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    where = models.CharField(max_length=200, help_text="The flag's address, or its radius and point")
    call_address = models.CharField(max_length=200, help_text="The call's location it was attached for")
    attached_at = models.DateTimeField()
    attached_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["attached_at", "id"]
        indexes = [models.Index(fields=["call", "attached_at"])]

    def __str__(self) -> str:
        return f"{self.call} {self.get_kind_display()} ({self.attached_at:%H:%M:%S})"

    @property
    def is_confidential(self) -> bool:
        """Confidential as attached, or since: a flag made confidential later is guarded from then
        on; one made public later stays guarded on calls that were told it in confidence."""
        return self.confidential or bool(self.flag_id and self.flag.confidential)


class ResponsePlan(models.Model):
    """The units a call type needs (a run card), optionally for one priority only."""

    call_type = models.ForeignKey(CallType, on_delete=models.CASCADE, related_name="response_plans")
    priority = models.ForeignKey(
        Priority, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
        help_text="Only for calls of this priority; blank: any priority",
    )
    notes = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["call_type__code", "priority_id"]
        constraints = [
            models.UniqueConstraint(fields=["call_type", "priority"], name="one_plan_per_type_and_priority"),
            models.UniqueConstraint(fields=["call_type"], condition=models.Q(priority__isnull=True),
                                    name="one_default_plan_per_type"),
        ]

    def __str__(self) -> str:
        return f"{self.call_type.code}" + (f" P{self.priority_id}" if self.priority_id else "")


class ResponsePlanLine(models.Model):
    """How many units with one capability the plan asks for, e.g. 2 × engine."""

    plan = models.ForeignKey(ResponsePlan, on_delete=models.CASCADE, related_name="lines")
    capability = models.SlugField(max_length=32, help_text='As in units\' capabilities, e.g. "engine"')
    count = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in which lines are filled")

    class Meta:
        ordering = ["plan", "position", "id"]

    def __str__(self) -> str:
        return f"{self.count} × {self.capability}"


class StatusCheckRule(models.Model):
    """How long a unit may stay in a status before an officer-safety check is due; a rule for a
    call type wins over the status's general rule."""

    status = models.CharField(max_length=32, choices=UnitStatus.choices)
    call_type = models.ForeignKey(CallType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    interval_seconds = models.PositiveIntegerField()

    class Meta:
        ordering = ["status", "call_type__code"]
        constraints = [
            models.UniqueConstraint(fields=["status", "call_type"],
                                    name="one_check_rule_per_status_and_type"),
            models.UniqueConstraint(fields=["status"], condition=models.Q(call_type__isnull=True),
                                    name="one_general_check_rule_per_status"),
        ]

    def __str__(self) -> str:
        scope = self.call_type.code if self.call_type_id else "any call"
        return f"{self.status} ({scope}): check every {self.interval_seconds} s"


class Alert(models.Model):
    """A timer that ran out (a call past its goal, a unit overdue for its status check), or a unit's
    emergency button: the highest alert, which only a supervisor acknowledges.

    `key` names the breach (the call or the unit's stint in a status), so however many
    schedulers look, one breach raises one alert.
    """

    class Kind(models.TextChoices):
        DISPATCH_GOAL = "dispatch_goal", "Waiting past the dispatch goal"
        RESPONSE_GOAL = "response_goal", "No unit on scene by the response goal"
        STATUS_CHECK = "status_check", "Officer-safety status check overdue"
        EMERGENCY = "emergency", "Emergency button"

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    call = models.ForeignKey(Call, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="alerts")
    text = models.CharField(max_length=200)
    # Where the unit was when it pressed its emergency button (its last known location).
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    raised_at = models.DateTimeField(db_index=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["acknowledged_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text}"


class CallShare(models.Model):
    """A call shared with a partner agency (it sees the call, its chronology and its events), or
    relayed to it (it takes responsibility; the call stays on the board marked as relayed).

    Kept as history: ending a share stamps it, and sharing again starts a new one. At most one
    share of a call with an agency is open at a time.
    """

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="shares")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="call_shares")
    relay = models.BooleanField(default=False, help_text="The partner took responsibility for the call")
    note = models.CharField(max_length=500, blank=True)
    shared_at = models.DateTimeField()
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-shared_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["call", "agency"], condition=Q(ended_at__isnull=True),
                                    name="call_share_one_open_per_agency"),
        ]
        indexes = [models.Index(fields=["agency", "ended_at"])]

    def __str__(self) -> str:
        what = "relayed to" if self.relay else "shared with"
        return f"{self.call} {what} {self.agency.code}"


class CallNoteReceived(models.Model):
    """A note another center's EIDO brought (its notes' `$id`), and the chronology entry it became:
    the same EIDO posted again, or a later one repeating the note, adds nothing."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="notes_received")
    eido_id = models.CharField(max_length=255, help_text="The note's $id in the EIDO")
    entry = models.OneToOneField(ChronologyEntry, on_delete=models.PROTECT, related_name="received_as")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               help_text="The partner whose EIDO brought it")
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "eido_id"], name="call_note_received_once")]
        verbose_name_plural = "notes received"

    def __str__(self) -> str:
        return f"{self.call} note {self.eido_id}"


MUTUAL_AID_MOST_UNITS = 20  # a request asks for at most this many units of one capability


class MutualAidRequest(models.Model):
    """The center asks a partner agency for units of one capability on a call; the partner accepts
    with its units (dispatched on the call at once) or declines with a reason, and a dispatcher may
    withdraw a request still pending. How long the partner took to answer is kept."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="mutual_aid_requests")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="mutual_aid_requests",
                               help_text="The partner agency asked")
    capability = models.SlugField(max_length=32, help_text='As in units\' capabilities, e.g. "engine"')
    count = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MUTUAL_AID_MOST_UNITS)],
        help_text="How many units asked for")
    note = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=16, choices=MutualAidState.choices, default=MutualAidState.PENDING)
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True, help_text="Accepted or declined")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(max_length=500, blank=True)
    units = models.ManyToManyField(Unit, blank=True, related_name="+", help_text="The units it accepted with")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One open question per partner and capability on a call: asking twice is a 409.
            models.UniqueConstraint(fields=["call", "agency", "capability"],
                                    condition=Q(state=MutualAidState.PENDING),
                                    name="mutual_aid_one_pending_per_capability"),
            models.CheckConstraint(condition=Q(count__gte=1), name="mutual_aid_count_at_least_one"),
        ]
        indexes = [models.Index(fields=["agency", "state"]), models.Index(fields=["state", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.call} {self.agency.code} {self.count} × {self.capability} ({self.state})"

    @property
    def answer_seconds(self) -> float | None:
        """How long the partner took to answer (None while pending, or when withdrawn unanswered)."""
        if self.answered_at is None:
            return None
        return (self.answered_at - self.requested_at).total_seconds()


class Callback(models.Model):
    """An abandoned 9-1-1 call or hang-up, waiting for a dispatcher to call the number back.

    One entry per number while it waits: a pocket dial that rings again adds an attempt to the entry
    already queued. Claimed by one dispatcher at a time; done once it has an outcome.
    """

    ani = models.CharField(max_length=16, help_text="The number to call back")
    attempts = models.PositiveIntegerField(default=1, help_text="Abandoned calls from this number meanwhile")
    queued_at = models.DateTimeField(help_text="The first abandoned call: the wait counts from here")
    last_attempt_at = models.DateTimeField()
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=CallbackOutcome.choices, blank=True)
    note = models.TextField(blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, null=True, blank=True, related_name="callbacks",
        help_text="The call the callback opened (an emergency)",
    )

    class Meta:
        ordering = ["queued_at", "id"]
        constraints = [
            # Two hang-ups from one number at once still make one entry to call back.
            models.UniqueConstraint(fields=["ani"], condition=Q(done_at__isnull=True),
                                    name="callback_one_waiting_per_number"),
        ]
        indexes = [
            models.Index(fields=["queued_at"], condition=Q(done_at__isnull=True), name="callback_waiting"),
            models.Index(fields=["done_at"]),
        ]

    def __str__(self) -> str:
        return f"callback {self.ani} ({self.get_outcome_display() or 'waiting'})"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class AliRecord(models.Model):
    """What the 9-1-1 telephone system sent with a line: the callback number (ANI), its class of
    service and the caller's location (ALI). Kept as it was sent; a rebid (a newer location for the
    same caller) is a record of its own, pointing at the line's first record."""

    ani = models.CharField(max_length=16, help_text="The callback number")
    class_of_service = models.CharField(max_length=8, choices=ClassOfService.choices)
    address = models.CharField(max_length=200, blank=True, help_text="Civic address, or a tower's")
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    uncertainty_m = models.FloatField(null=True, blank=True, help_text="Radius around lat/lon, metres")
    confidence = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)],
        help_text="Per cent: how likely the caller is within the radius",
    )
    position = models.CharField(max_length=32, blank=True, help_text="The call taker's position it rang at")
    abandoned = models.BooleanField(default=False, help_text="Hung up or abandoned: queued for a callback")
    rang_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(help_text="When CAD received the record")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, null=True, blank=True, related_name="ali_records",
    )
    callback = models.ForeignKey(
        Callback, on_delete=models.PROTECT, null=True, blank=True, related_name="ali_records",
    )
    rebid_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="rebids",
        help_text="A rebid: the line's first record",
    )
    rebid_count = models.PositiveIntegerField(default=0, help_text="On a line's first record: its rebids")

    class Meta:
        verbose_name = "ANI/ALI record"
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["received_at"])]

    def __str__(self) -> str:
        return f"{self.ani} {self.class_of_service} {self.received_at:%Y-%m-%d %H:%M:%S}"

    @property
    def line_id(self) -> int:
        """The line's first record: rebids are made of it."""
        return self.rebid_of_id or self.pk


class Message(AppendOnlyModel):
    """A message between the center's consoles and units in the field, kept as sent: to one unit,
    every unit of a beat or an agency (the units it reached are written down when it is sent), or
    from a unit back to the consoles. One about a call is logged on its chronology too."""

    sent_at = models.DateTimeField(db_index=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  help_text="The unit it came from (a unit terminal); empty: a console")
    to_kind = models.CharField(max_length=16, choices=MessageTo.choices)
    to = models.CharField(max_length=16, blank=True, help_text="The callsign, beat or agency code")
    units = models.JSONField(default=list, blank=True, help_text="The callsigns it went to")
    call = models.ForeignKey(Call, on_delete=models.PROTECT, null=True, blank=True, related_name="messages")
    text = models.TextField(max_length=1000)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M} to {self.to_kind} {self.to}: {self.text[:40]}"
