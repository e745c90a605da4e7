"""The premise flags of places: what call entry shows and what a call keeps."""

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from premises.choices import FlagKind
from premises.geo import degrees_around, distance_m
from premises.models import FLAG_RADIUS_MAX_M, PremiseFlag
from premises.places import Place
from premises.selectors.sites import own_addresses

KIND_ORDER = [FlagKind.OFFICER_SAFETY, FlagKind.MEDICAL, FlagKind.ACCESS, FlagKind.EMERGENCY_CONTACT,
              FlagKind.NOTE]


def premise_flags_for_places(
    places: Sequence[Place], *, at: datetime | None = None
) -> list[list[PremiseFlag]]:
    """The active flags of each place (not expired, approved when approval is needed): those of its
    address (a building's flags go with each of its units, and a call at the building gets its
    units' flags too) and those whose radius holds its point. Hazards first."""
    at = at or timezone.now()
    own = own_addresses(places)
    all_ids = set().union(*own)
    located = [p for p in places if p.lat is not None and p.lon is not None]
    wanted = Q(address_id__in=all_ids) if all_ids else Q()
    if located:
        dlat, dlon = degrees_around(max(abs(p.lat) for p in located), FLAG_RADIUS_MAX_M)
        wanted |= Q(
            address__isnull=True,
            lat__range=(min(p.lat for p in located) - dlat, max(p.lat for p in located) + dlat),
            lon__range=(min(p.lon for p in located) - dlon, max(p.lon for p in located) + dlon),
        )
    by_address: dict[int, list[PremiseFlag]] = {}
    point_flags: list[PremiseFlag] = []
    if wanted:
        # The flags of the places' points and those with a radius near them, in one read.
        for flag in PremiseFlag.objects.active(at).select_related("address").filter(wanted).order_by():
            if flag.address_id is None:
                point_flags.append(flag)
            else:
                by_address.setdefault(flag.address_id, []).append(flag)
    answer = []
    for place, mine in zip(places, own, strict=True):
        flags: list[PremiseFlag] = [f for pk in mine for f in by_address.get(pk, [])]
        if place.lat is not None and place.lon is not None:
            flags += [
                f for f in point_flags
                if distance_m(place.lat, place.lon, f.lat, f.lon) <= (f.radius_m or 0)
            ]
        flags.sort(key=lambda f: (KIND_ORDER.index(f.kind), -f.created_at.timestamp(), -f.pk))
        answer.append(flags)
    return answer


def premise_flags_for(place: Place, *, at: datetime | None = None) -> list[PremiseFlag]:
    """The active flags for a resolved place, hazards first; see premise_flags_for_places."""
    return premise_flags_for_places([place], at=at)[0]
