"""The demo city's records to query, so that QP and QV in the demo find something: persons with
active warrants (one ARMED and VIOLENT), a stolen vehicle, a missing endangered child, a BOLO in
force. Loaded as the demo's other reference data is, not as a clerk's change on the audit trail;
safe to run again (the BOLO's expiry is moved on, so the demo's BOLO stays in force)."""

from datetime import date, timedelta

from django.utils import timezone

from records.inquiries import formats
from records.inquiries.choices import (
    BoloKind,
    CautionCode,
    Extradition,
    IdentifierKind,
    MissingCategory,
    Sex,
)
from records.inquiries.models import Bolo, MissingPerson, Person, PersonIdentifier, Vehicle, Warrant

# (last, first, middle, born, sex, licence) and the warrant naming them
# (number, charge, court, issued, extradition, caution codes)
WANTED = [
    (("HOLLOWAY", "RAY", "DEAN", date(1984, 7, 19), Sex.MALE, "H140-7719-0412"),
     ("DC-26-0412", "Armed robbery (first degree)", "Demo County Circuit Court", date(2026, 2, 3),
      Extradition.FULL, [CautionCode.ARMED, CautionCode.VIOLENT])),
    (("PRICE", "LENA", "", date(1991, 2, 11), Sex.FEMALE, "P620-1102-1991"),
     ("DC-26-0533", "Failure to appear (traffic)", "Demo City Municipal Court", date(2026, 3, 17),
      Extradition.IN_STATE, [])),
    (("GRANT", "OWEN", "", date(1969, 10, 30), Sex.MALE, ""),
     ("DC-25-1190", "Assault, second degree", "Demo County Circuit Court", date(2025, 11, 24),
      Extradition.SURROUNDING, [CautionCode.RESISTS, CautionCode.MEDICAL])),
]
STOLEN = {"plate": "MOX4521", "plate_state": "MO", "vin": "1FTFW1ET9DFC10312", "year": 2013, "make": "Ford",
          "model": "F-150", "colour": "Grey", "case_number": "26-004417"}
BOLO_PLATE = "8TRX552"


def seed_inquiry_records() -> dict[str, int]:
    now = timezone.now()
    for (last, first, middle, born, sex, licence), warrant in WANTED:
        number, charge, court, issued, extradition, codes = warrant
        person, _ = Person.objects.get_or_create(
            last_name=last, first_name=first, date_of_birth=formats.birth_date_clean(born),
            defaults={"middle_name": middle, "sex": sex, "entered_at": now})
        if licence:
            PersonIdentifier.objects.get_or_create(person=person, kind=IdentifierKind.OPERATOR_LICENCE,
                                                   number=licence, state="MO")
        Warrant.objects.get_or_create(number=number, defaults={
            "person": person, "charge": charge, "court": court, "issued_on": issued,
            "extradition": extradition, "caution_codes": [str(c) for c in codes], "entered_at": now,
            "status_at": now})
    vehicle = {**STOLEN, "plate": formats.plate_clean(STOLEN["plate"]),
               "vin": formats.vin_clean(STOLEN["vin"])}
    Vehicle.objects.get_or_create(vin=vehicle["vin"], defaults={
        **vehicle, "stolen_at": now - timedelta(days=2), "entered_at": now})
    MissingPerson.objects.get_or_create(last_name="WELLS", first_name="AVA", defaults={
        "date_of_birth": date(2013, 3, 22), "category": MissingCategory.ENDANGERED,
        "missing_since": now - timedelta(hours=6), "last_seen": "Lakeview Park, 400 block of LAKE DR",
        "description": "12, 4'9\", slight, brown hair in a braid, purple rain jacket; needs daily insulin",
        "entered_at": now})
    Bolo.objects.update_or_create(plate=BOLO_PLATE, defaults={
        "kind": BoloKind.VEHICLE, "plate_state": "MO",
        "subject": "Blue 2015 Chevrolet Malibu, MO 8TRX552, rear bumper taped: driver sought in the armed "
                   "robbery at 310 MAIN ST; do not stop alone",
        "issued_at": now - timedelta(hours=1), "expires_at": now + timedelta(days=14), "cancelled_at": None})
    return {"warrants": len(WANTED), "stolen vehicles": 1, "missing persons": 1, "BOLOs": 1}
