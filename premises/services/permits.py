"""Alarm permits, kept by records clerks."""

from premises.models import AlarmPermit
from premises.normalize import normalize


def alarm_permit_save(*, permit: AlarmPermit) -> AlarmPermit:
    """Create or change a permit; a site given as text is written in the street file's spelling."""
    if permit.site_address_id is None and permit.site_text:
        permit.site_text = normalize(permit.site_text)
    permit.full_clean()
    permit.save()
    return permit
