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
    return [alarm_permit_choose(permits, on=on) for permits in alarm_permits_at_places(places)]


def alarm_permit_choose(permits: Sequence[AlarmPermit], *, on: date) -> AlarmPermit | None:
    """Of a site's permits, the one that speaks for it on a day: valid ones first, then the latest."""
    ranked = sorted(permits, key=lambda p: (p.standing(on) == PermitStatus.ACTIVE, p.expires_on, p.pk),
                    reverse=True)
    return ranked[0] if ranked else None


def alarm_permits_at_places(places: Sequence[Place]) -> list[list[AlarmPermit]]:
    """Every permit at each place, whatever its standing (alarm_permit_choose picks one for a day)."""
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
    by_address: dict[int, list[AlarmPermit]] = {}
    by_text: dict[str, list[AlarmPermit]] = {}
    by_point: list[AlarmPermit] = []
    for permit in permits:
        if permit.site_address_id is not None:
            by_address.setdefault(permit.site_address_id, []).append(permit)
        else:
            if permit.site_text:
                by_text.setdefault(permit.site_text, []).append(permit)
            if permit.site_lat is not None:
                by_point.append(permit)
    answer: list[list[AlarmPermit]] = []
    for place, own_ids in zip(places, own, strict=True):
        mine = {permit.pk: permit for address_id in own_ids for permit in by_address.get(address_id, ())}
        mine.update((permit.pk, permit) for permit in by_text.get(place.address, ()) if place.address)
        if place.lat is not None:
            mine.update((permit.pk, permit) for permit in by_point
                        if distance_m(place.lat, place.lon, permit.site_lat, permit.site_lon)
                        <= PERMIT_SITE_METRES)
        answer.append(list(mine.values()))
    return answer


def alarm_permit_for(place: Place, *, on: date | None = None) -> AlarmPermit | None:
    """The alarm permit at that site (valid ones first), or None when the site has none."""
    return alarm_permits_for_places([place], on=on)[0]
