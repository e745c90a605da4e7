"""Reads of the street file: finding places, and what is known about them (flags, permits)."""

from premises.selectors.flags import premise_flags_for, premise_flags_for_places
from premises.selectors.lookup import (
    beat_at,
    place_at,
    place_for_location,
    place_resolve,
    place_search,
    street_suggestions,
)
from premises.selectors.permits import (
    alarm_permit_choose,
    alarm_permit_for,
    alarm_permits_at_places,
    alarm_permits_for_places,
)

__all__ = [
    "alarm_permit_choose", "alarm_permit_for", "alarm_permits_at_places", "alarm_permits_for_places",
    "beat_at", "place_at", "place_for_location",
    "place_resolve", "place_search", "premise_flags_for", "premise_flags_for_places", "street_suggestions",
]
