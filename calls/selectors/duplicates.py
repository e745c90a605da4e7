"""Likely duplicates: open calls received shortly before a new one, close to where it is.

The new call's type sets the window: its `duplicate_radius_m` (straight-line distance) and its
`duplicate_window_minutes` (how long before the new call's receipt an earlier call still counts).
Calls of any type inside the window are offered, because one crash arrives as MVA from one
caller and as MVAINJY from the next; calls of the same common type come first, then the
others, each group nearest first (ties: the more recent first). Only calls that could be a
master are offered: open (not closed) and not themselves linked as a duplicate. Calls received
after the new one are not offered: the earlier call is the master.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from calls.choices import CallStatus
from calls.models import Call, CallType
from calls.selectors.calls import LIST_RELATED
from premises.geo import degrees_around, distance_m

MOST_CANDIDATES = 10


@dataclass(frozen=True)
class Candidate:
    call: Call | None  # None only while candidates are ranked, before the offered ones are read
    distance_m: float
    minutes_apart: float  # how long before the new call this one was received
    same_type: bool  # the same call type code
    related_type: bool  # the same APCO common type (a local type and the type it maps to)
    reason: str


def _kinship(call_type: CallType, other: CallType) -> tuple[bool, bool, str]:
    if other.pk == call_type.pk:
        return True, True, "same type"
    if other.common_type == call_type.common_type:
        return False, True, f"related type {other.code}"
    return False, False, f"other type {other.code}"


def _best_first(c: Candidate) -> tuple:
    """The same common type first, then the same type, each nearest first (ties: the more recent)."""
    return (not c.related_type, not c.same_type, c.distance_m, c.minutes_apart)


def _minutes_text(minutes: float) -> str:
    if minutes < 1:
        return "under 1 min earlier"
    return f"{round(minutes)} min earlier"


def likely_duplicates(
    *,
    lat: float | None,
    lon: float | None,
    call_type: CallType,
    received_at: datetime | None = None,
    exclude: Call | int | None = None,
    calls: QuerySet[Call] | None = None,
    limit: int = MOST_CANDIDATES,
) -> list[Candidate]:
    """Open calls a new `call_type` call at (lat, lon), received at `received_at` (default now), may
    duplicate, best first. `calls` is the pool to look in (default every call; a view passes what
    its user may see); `exclude` is the call itself when it already exists."""
    if lat is None or lon is None:
        return []
    received_at = received_at or timezone.now()
    radius = call_type.duplicate_radius_m
    earliest = received_at - timedelta(minutes=call_type.duplicate_window_minutes)
    dlat, dlon = degrees_around(lat, radius)
    pool = Call.objects.all() if calls is None else calls
    # The box and the time range bound the rows read; exact distances are taken on those few, from
    # their coordinates alone: only the calls offered are read whole (with what the pool prefetches),
    # so a street with a hundred open calls costs what one with ten does.
    nearby = pool.filter(
        received_at__range=(earliest, received_at),
        lat__range=(lat - dlat, lat + dlat),
        lon__range=(lon - dlon, lon + dlon),
        master__isnull=True,
    ).exclude(status=CallStatus.CLOSED)
    if exclude is not None:
        nearby = nearby.exclude(pk=exclude.pk if isinstance(exclude, Call) else exclude)
    inside = [(pk, metres, at, type_id)
              for pk, call_lat, call_lon, at, type_id in nearby.values_list(
                  "pk", "lat", "lon", "received_at", "call_type_id")
              if (metres := distance_m(lat, lon, call_lat, call_lon)) <= radius]
    types = {call_type.pk: call_type}
    if others := {type_id for *_, type_id in inside} - types.keys():
        types.update(CallType.objects.in_bulk(others))
    ranked = []
    for pk, metres, at, type_id in inside:
        minutes = (received_at - at).total_seconds() / 60
        same, related, kin = _kinship(call_type, types[type_id])
        reason = f"{kin}, {round(metres)} m, {_minutes_text(minutes)}"
        ranked.append((pk, Candidate(None, metres, minutes, same, related, reason)))
    ranked.sort(key=lambda ranking: _best_first(ranking[1]))
    offered = ranked[:limit]
    # An offered call is never linked under another (master__isnull above): its master is not read.
    unlinked = pool.select_related(None).select_related(*(name for name in LIST_RELATED if name != "master"))
    whole = unlinked.in_bulk([pk for pk, _ in offered])
    return [replace(candidate, call=whole[pk]) for pk, candidate in offered if pk in whole]


def likely_duplicates_of(call: Call, *, calls: QuerySet[Call] | None = None) -> list[Candidate]:
    """What an existing open call may duplicate (a closed call has nothing left to link)."""
    if call.is_closed or call.master_id is not None or call.duplicates.exists():
        return []  # a master with duplicates of its own is not linked under another call
    found = likely_duplicates(
        lat=call.lat, lon=call.lon, call_type=call.call_type, received_at=call.received_at,
        exclude=call, calls=calls,
    )
    # Two calls received at the same instant: only the later-entered one is the duplicate.
    return [c for c in found if c.call.received_at != call.received_at or c.call.pk < call.pk]
