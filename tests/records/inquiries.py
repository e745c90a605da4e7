"""Records to query, made for the inquiry tests (names no demo record has)."""

from datetime import date, timedelta

from django.utils import timezone

from records.inquiries import services
from records.inquiries.models import Bolo, Person, Warrant


def wanted(by, *, last="QUILLFEATHER", first="ORSON", dob=date(1981, 3, 9), number="T-26-0001",
           codes=("ARMED", "VIOLENT")) -> Warrant:
    person = services.person_save(person=Person(last_name=last, first_name=first, date_of_birth=dob), by=by)
    return services.warrant_save(warrant=Warrant(
        person=person, number=number, charge="Aggravated assault", court="Demo County Circuit Court",
        issued_on=date(2026, 1, 5), caution_codes=list(codes)), by=by)


def bolo(by, **fields) -> Bolo:
    now = timezone.now()
    return services.bolo_save(bolo=Bolo(**{"kind": "vehicle", "subject": "Red pickup, dented tailgate",
                                           "issued_at": now - timedelta(hours=1),
                                           "expires_at": now + timedelta(days=1), **fields}), by=by)
