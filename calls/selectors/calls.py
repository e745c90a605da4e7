"""Reading calls: who may see which, finding one by number, and what is known at its location."""

import re
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Prefetch, Q, QuerySet, Value, prefetch_related_objects
from django.db.models.functions import Replace
from django.utils import timezone

from cad import roles
from calls.choices import SHARE_KINDS, CallStatus
from calls.models import Assignment, Call, CallPremiseFlag, CallShare, ChronologyEntry
from calls.selectors.shares import open_shares_queryset
from premises.models import AlarmPermit
from premises.places import Place
from premises.selectors import alarm_permit_for

NUMBER = re.compile(r"[0-9]{4}-[0-9]{1,8}")
CHRONOLOGY_PAGE = 50
ID = re.compile(r"[0-9]{1,18}")
PHONE_TYPED = re.compile(r"[\d\s().+-]+")
PHONE_MARKS = "-(). +"


def phone_digits_typed(text: str) -> str | None:
    """The digits of a phone number as typed (816-555-0142, (816) 555 0142), or None when the text
    is not one (too few digits, or letters)."""
    text = text.strip()
    digits = re.sub(r"\D", "", text)
    return digits if PHONE_TYPED.fullmatch(text) and len(digits) >= 7 else None


def calls_with_phone_digits(calls: QuerySet[Call]) -> QuerySet[Call]:
    """The calls with `caller_phone_digits`: the caller's number without its punctuation, so a
    number is found however either side wrote it."""
    digits = F("caller_phone")
    for mark in PHONE_MARKS:
        digits = Replace(digits, Value(mark), Value(""))
    return calls.annotate(caller_phone_digits=digits)


def calls_shared_with(agency_code: str) -> QuerySet[Call]:
    """The calls a partner agency may see: those shared or relayed with it (while the share is
    open), those it sent in, and those its units were sent to. The one rule the API, the live
    stream, EIDO and webhooks all apply."""
    return Call.objects.filter(
        Q(pk__in=Assignment.objects.filter(unit__agency__code=agency_code).values("call_id"))
        | Q(pk__in=CallShare.objects.filter(agency__code=agency_code, ended_at__isnull=True)
            .values("call_id"))
        | Q(sent_by__code=agency_code)
    )


def call_shared_with(call_id: int, agency_code: str) -> bool:
    return calls_shared_with(agency_code).filter(pk=call_id).exists()


# What a call's list shape reads with it (calls_visible_to).
LIST_RELATED = ("call_type", "priority", "beat", "disposition", "master", "sent_by")


def calls_visible_to(user: AbstractBaseUser) -> QuerySet[Call]:
    """Center staff see every call; another agency sees the calls shared with it."""
    calls = Call.objects.all()
    agency = roles.scoped_agency(user)
    if agency is not None:
        calls = calls_shared_with(agency.code)
    elif not roles.is_center_staff(user):
        return Call.objects.none()
    return calls.select_related(*LIST_RELATED).prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(cleared_at__isnull=True).select_related("unit__agency"),
            to_attr="open_assignments",
        ),
        Prefetch(
            "premise_flag_copies",
            queryset=CallPremiseFlag.objects.filter(attached_at=F("call__premise_flags_at"))
            .select_related("flag"),
            to_attr="current_premise_flags",
        ),
        Prefetch("shares", queryset=open_shares_queryset(), to_attr="open_shares"),
    )


def active_calls_visible_to(user: AbstractBaseUser) -> QuerySet[Call]:
    """The calls a console shows: every one not yet closed, oldest first."""
    return calls_visible_to(user).exclude(status=CallStatus.CLOSED).order_by("received_at", "pk")


def call_details_visible_to(user: AbstractBaseUser) -> QuerySet[Call]:
    """What the call detail shows besides its chronology, whose last page is read on its own
    (chronology_page): a call with ten thousand entries costs what a fresh one does."""
    return calls_visible_to(user).prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("unit__agency", "dispatched_by")),
        "duplicates",
    )


def call_detail_as_entered(call: Call) -> Call:
    """A call just entered (calls.services.call_create), ready for its detail without reading back
    what it cannot have yet: units and duplicates (its flags are the ones call_create attached)."""
    prefetch_related_objects([call], Prefetch("assignments", queryset=Assignment.objects.none()),
                             Prefetch("duplicates", queryset=Call.objects.none()))
    return call


def chronology_page(call_id: int, *, before: int | None = None, size: int = CHRONOLOGY_PAGE,
                    partner: str | None = None) -> tuple[list[ChronologyEntry], bool]:
    """The `size` entries of the call's chronology just before entry `before` (the latest when
    None), oldest first, and whether earlier ones exist: one index seek however long the call's
    history (calls_chronologyentry's (call, at, id) index). An entry not on this call: LookupError.

    A `partner` (an agency's code) reads the lines about its own shares and not those about
    another partner's."""
    entries = ChronologyEntry.objects.filter(call_id=call_id)
    if partner is not None:
        entries = entries.filter(~Q(kind__in=SHARE_KINDS) | Q(agency__code=partner))
    if before is not None:
        anchor = (ChronologyEntry.objects.filter(call_id=call_id, pk=before)
                  .values_list("at", flat=True).first())
        if anchor is None:
            raise LookupError(before)
        entries = entries.filter(Q(at__lt=anchor) | Q(at=anchor, pk__lt=before))
    page = list(entries.select_related("by", "unit", "corrects", "agency").order_by("-at", "-pk")[:size + 1])
    return page[:size][::-1], len(page) > size


def call_lookup(key: str) -> dict:
    """What `key` names: a call number (2026-000123) or an id; anything else matches nothing."""
    key = key.strip()
    if NUMBER.fullmatch(key):
        return {"number": key}
    return {"pk": int(key)} if ID.fullmatch(key) else {"pk": 0}


def current_premise_flags(call: Call) -> list[CallPremiseFlag]:
    """The flags attached for the call's current location, as they read then (hazards first)."""
    prefetched = getattr(call, "current_premise_flags", None)
    if prefetched is not None:
        return prefetched
    if call.premise_flags_at is None:
        return []
    return list(CallPremiseFlag.objects.filter(call=call, attached_at=call.premise_flags_at)
                .select_related("flag"))


def call_place(call: Call) -> Place:
    """Where the call is, as the street file's lookups take a place."""
    return Place.recorded(address=call.address, lat=call.lat, lon=call.lon, beat=call.beat,
                          verified=call.location_verified, address_id=call.address_point_id)


def call_alarm_permit(call: Call, *, on: date | None = None) -> AlarmPermit | None:
    """The alarm permit of the call's site as it stood `on` (the day the call came in), or None."""
    return alarm_permit_for(call_place(call), on=on or timezone.localdate(call.received_at))
