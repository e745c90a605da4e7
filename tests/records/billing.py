"""Alarm calls, permits and dates for the false-alarm billing tests."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from calls import services as call_services
from calls.models import Call, CallType, Disposition
from premises.choices import Occupancy
from premises.models import Address, AlarmPermit
from premises.services import alarm_permit_save

LAST_YEAR = timezone.localdate().year - 1


def day(month: int, dom: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment of last year (a whole permit year that has passed, whatever today is)."""
    return timezone.make_aware(datetime.combine(date(LAST_YEAR, month, dom), time(hour, minute)))


def permit(number: str = "AP-TEST-1", address: str = "310 MAIN ST", *, occupancy: str = Occupancy.BUSINESS,
           mailing: str = "PO BOX 77\nDEMO CITY MO 64015", holder: str = "ACME HARDWARE") -> AlarmPermit:
    return alarm_permit_save(permit=AlarmPermit(
        number=number, holder_name=holder, holder_mailing_address=mailing,
        site_address=Address.objects.get(label=address), occupancy=occupancy,
        issued_on=date(LAST_YEAR - 1, 6, 1), expires_on=date(LAST_YEAR + 2, 6, 1)))


def alarm(by, at: datetime, disposition: str = "FAB", address: str = "310 MAIN ST",
          code: str = "ALRBA") -> Call:
    """A closed alarm call received at `at` (entered now, then moved back: a test's history)."""
    call = call_services.call_create(call_type=CallType.objects.get(code=code), location={"address": address},
                                     by=by)
    call_services.call_close(call=call, disposition=Disposition.objects.get(code=disposition), by=by)
    Call.objects.filter(pk=call.pk).update(received_at=at, entered_at=at,
                                           closed_at=at + timedelta(minutes=30))
    call.refresh_from_db()
    return call
