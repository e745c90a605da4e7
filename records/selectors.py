"""Reads for the records clerks' desk: a call's printable record, and the call's audit entries."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from cad import roles
from cad.admin import timestamp
from cad.audit import object_ref
from cad.models import Agency
from calls.admin import by_marked, kind_marked
from calls.choices import ChronologyKind
from calls.models import Assignment, Call, ChronologyEntry
from calls.selectors import current_premise_flags
from records.models import AuditEntry

CONFIDENTIAL_WITHHELD = "(confidential: not shown to you)"


@dataclass(frozen=True)
class UnitTimes:
    callsign: str
    agency: str
    dispatched_by: str
    times: list[tuple[str, str]]  # (label, "YYYY-MM-DD HH:MM:SS" or "-"), in the order a unit goes


@dataclass(frozen=True)
class RecordLine:
    at: str
    kind: str  # "SUPPLEMENT · corrects …" for a supplement
    unit: str
    by: str
    text: str
    is_supplement: bool


@dataclass(frozen=True)
class FlagShown:
    kind: str
    text: str
    confidential: bool
    where: str
    expires: str
    attached: str


@dataclass(frozen=True)
class CallRecord:
    """A call as its printed record shows it: every value already in words, for the page and the PDF."""

    call: Call
    center: str
    header: list[tuple[str, str]]
    location: list[tuple[str, str]]
    caller: list[tuple[str, str]]
    narrative: str
    times: list[tuple[str, str]]
    units: list[UnitTimes]
    chronology: list[RecordLine]
    flags: list[FlagShown]
    confidential_shown: bool = field(default=False)

    @property
    def number(self) -> str:
        return self.call.number


def center_name() -> str:
    """CAD_CENTER_NAME, else the name of the center's own agency."""
    if settings.CAD_CENTER_NAME:
        return settings.CAD_CENTER_NAME
    center = Agency.objects.filter(kind=Agency.Kind.CENTER).order_by("code").values_list("name", flat=True)
    return center.first() or "Communications center"


def _or_dash(value) -> str:
    return str(value) if value not in (None, "") else "-"


def _name(user: AbstractBaseUser | None) -> str:
    return user.get_username() if user is not None else "system"


UNIT_TIMES = [
    ("Dispatched", "dispatched_at"),
    ("En route", "enroute_at"),
    ("On scene", "onscene_at"),
    ("Transporting", "transporting_at"),
    ("At hospital", "at_hospital_at"),
    ("Cleared", "cleared_at"),
]


def call_record(call: Call, *, reader: AbstractBaseUser) -> CallRecord:
    """Everything the call's record prints, in order. Confidential premise flags are read out only to
    those who may read them (roles.may_read_confidential); `confidential_shown` says one was, so the
    caller records the read (calls.services.call_premise_flags_read_record)."""
    call = Call.objects.select_related(
        "call_type", "priority", "beat", "disposition", "master", "created_by"
    ).get(pk=call.pk)
    assignments = list(
        Assignment.objects.filter(call=call)
        .select_related("unit__agency", "dispatched_by")
        .order_by("dispatched_at", "id")
    )
    agencies = list(dict.fromkeys(a.unit.agency.name for a in assignments))
    header = [
        ("Call", call.number),
        ("Type", f"{call.call_type.code} {call.call_type.description}"),
        ("Priority", f"P{call.priority_id} {call.priority.name}"),
        ("Agency", ", ".join(agencies) or "-"),
        ("Status", call.get_status_display()),
        (
            "Disposition",
            f"{call.disposition.code} {call.disposition.description}" if call.disposition else "-",
        ),
        ("Source", call.get_source_display()),
    ]
    if call.master is not None:
        header.append(("Duplicate of", call.master.number))
    location = [
        ("Address", _or_dash(call.address)),
        ("Beat", f"{call.beat.code} {call.beat.name}" if call.beat else "-"),
        (
            "Coordinates",
            f"{call.lat:.6f}, {call.lon:.6f}" if call.lat is not None and call.lon is not None else "-",
        ),
        ("Verified", "yes" if call.location_verified else "no"),
    ]
    caller = [("Name", _or_dash(call.caller_name)), ("Callback", _or_dash(call.caller_phone))]
    cleared = [a.cleared_at for a in assignments]
    last_cleared = max(cleared) if cleared and all(cleared) else None
    times = [
        ("Received", timestamp(call.received_at)),
        ("Entered", timestamp(call.entered_at)),
        ("First dispatched", timestamp(call.dispatched_at)),
        ("First en route", timestamp(call.enroute_at)),
        ("First on scene", timestamp(call.onscene_at)),
        ("Last unit cleared", timestamp(last_cleared)),
        ("Closed", timestamp(call.closed_at)),
    ]
    if call.reopened_at:
        times.append(("Last reopened", timestamp(call.reopened_at)))
    units = [
        UnitTimes(
            callsign=a.unit.callsign,
            agency=a.unit.agency.code,
            dispatched_by=_name(a.dispatched_by),
            times=[(label, timestamp(getattr(a, name))) for label, name in UNIT_TIMES],
        )
        for a in assignments
    ]
    entries = (
        ChronologyEntry.objects.filter(call=call)
        .select_related("unit", "by", "corrects", "agency")
        .order_by("at", "id")
    )
    chronology = [
        RecordLine(
            at=timestamp(e.at),
            kind=kind_marked(e),
            unit=e.unit.callsign if e.unit else "",
            by=by_marked(e),
            text="\n".join(t for t in (e.text, e.changes_in_words()) if t),
            is_supplement=e.kind == ChronologyKind.SUPPLEMENT,
        )
        for e in entries.iterator(chunk_size=500)
    ]
    may_read = roles.may_read_confidential(reader)
    flags, confidential_shown = [], False
    for copy in current_premise_flags(call):
        secret = copy.is_confidential
        confidential_shown |= secret and may_read
        flags.append(
            FlagShown(
                kind=copy.get_kind_display(),
                text=CONFIDENTIAL_WITHHELD if secret and not may_read else copy.text,
                confidential=secret,
                where=copy.where,
                expires=timestamp(copy.expires_at),
                attached=timestamp(copy.attached_at),
            )
        )
    return CallRecord(
        call=call,
        center=center_name(),
        header=header,
        location=location,
        caller=caller,
        narrative=call.narrative,
        times=times,
        units=units,
        chronology=chronology,
        flags=flags,
        confidential_shown=confidential_shown,
    )


def call_audit_entries(call: Call) -> QuerySet[AuditEntry]:
    """The audit entries whose object is this call, newest first (the supervisors' view)."""
    return AuditEntry.objects.filter(object=object_ref("call", call.pk)).order_by("-pk")
