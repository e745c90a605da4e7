"""Alarm permits of places: an alarm call shows its site's permit, or that none is on file."""

from collections.abc import Sequence
from datetime import date

from django.db.models import Q
from django.utils import timezone

from premises.choices import PermitStatus
from premises.geo import degrees_around, distance_m
from premises.models import AlarmPermit
from premises.places import Place
from premises.selectors.sites import own_addresses

PERMIT_SITE_METRES = 30  # a permit given by its point covers calls this close


def alarm_permits_for_places(places: Sequence[Place], *, on: date | None = None) -> list[AlarmPermit | None]:
    """Each place's alarm permit: one valid on that day if there is one, else the latest (expired,
    suspended or revoked, so the dispatcher sees that), else None."""
    on = on or timezone.localdate()
    own = own_addresses(places)
    all_ids = set().union(*own)
    labels = {p.address for p in places if p.address}
    located = [p for p in places if p.lat is not None and p.lon is not None]
    wanted = Q(site_address_id__in=all_ids) | Q(site_address__isnull=True, site_text__in=labels)
    if located:
        dlat, dlon = degrees_around(max(abs(p.lat) for p in located), PERMIT_SITE_METRES)
        wanted |= Q(
            site_address__isnull=True,
            site_lat__range=(min(p.lat for p in located) - dlat, max(p.lat for p in located) + dlat),
            site_lon__range=(min(p.lon for p in located) - dlon, max(p.lon for p in located) + dlon),
        )
    permits = list(AlarmPermit.objects.filter(wanted).select_related("site_address")) if (
        all_ids or labels or located) else []
    answer: list[AlarmPermit | None] = []
    for place, own_ids in zip(places, own, strict=True):
        mine = [
            permit for permit in permits
            if (permit.site_address_id is not None and permit.site_address_id in own_ids)
            or (permit.site_address_id is None and permit.site_text and permit.site_text == place.address)
            or (permit.site_address_id is None and permit.site_lat is not None and place.lat is not None
                and distance_m(place.lat, place.lon, permit.site_lat, permit.site_lon)
                <= PERMIT_SITE_METRES)
        ]
        mine.sort(key=lambda p: (p.standing(on) == PermitStatus.ACTIVE, p.expires_on, p.pk), reverse=True)
        answer.append(mine[0] if mine else None)
    return answer


def alarm_permit_for(place: Place, *, on: date | None = None) -> AlarmPermit | None:
    """The alarm permit at that site (valid ones first), or None when the site has none."""
    return alarm_permits_for_places([place], on=on)[0]
