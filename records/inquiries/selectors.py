"""Reads of the records to query: what matches an inquiry in the local records, and which
inquiries a person may see."""

from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from cad import roles
from records.inquiries.adapters import LOCAL_SOURCE, Hit
from records.inquiries.choices import HitType, WarrantStatus
from records.inquiries.models import Bolo, Inquiry, MissingPerson, Vehicle, Warrant


def _name(prefix: str, *, last: str, first: str) -> Q:
    match = Q(**{f"{prefix}last_name__iexact": last})
    if first:
        match &= Q(**{f"{prefix}first_name__iexact": first})
    return match


def bolos_in_force(at: datetime) -> QuerySet[Bolo]:
    return Bolo.objects.filter(cancelled_at__isnull=True, issued_at__lte=at, expires_at__gt=at)


def _bolo_hit(bolo: Bolo) -> Hit:
    return Hit(type=HitType.BOLO, source=LOCAL_SOURCE, ids={"bolo": bolo.pk},
               summary=f"BOLO ({bolo.get_kind_display().lower()}, until {bolo.expires_at:%Y-%m-%d %H:%M}): "
                       f"{bolo.subject}")


def local_person_hits(*, last: str, first: str, dob: date | None, at: datetime) -> list[Hit]:
    """Active warrants, missing persons not yet located, BOLOs in force, for this name (and date
    of birth, when given)."""
    born = {"person__date_of_birth": dob} if dob else {}
    warrants = (Warrant.objects.filter(_name("person__", last=last, first=first), status=WarrantStatus.ACTIVE,
                                       **born).select_related("person").order_by("issued_on", "pk"))
    hits = [Hit(type=HitType.WARRANT, source=LOCAL_SOURCE, caution_codes=list(w.caution_codes),
                ids={"warrant": w.pk, "person": w.person_id},
                summary=f"Warrant {w.number} ({w.court}, issued {w.issued_on:%Y-%m-%d}): {w.charge}; "
                        f"{w.get_extradition_display().lower()}; {w.person}")
            for w in warrants]
    missing = MissingPerson.objects.filter(_name("", last=last, first=first), located_at__isnull=True,
                                           **({"date_of_birth": dob} if dob else {})).order_by("pk")
    hits += [Hit(type=HitType.MISSING_PERSON, source=LOCAL_SOURCE, ids={"missing_person": m.pk},
                 photo=m.photo_url,
                 summary=f"Missing person, {m.get_category_display().lower()}: {m.last_name}, {m.first_name} "
                         f"({m.date_of_birth:%Y-%m-%d}), missing since {m.missing_since:%Y-%m-%d %H:%M}, "
                         f"last seen {m.last_seen}" + (f"; {m.description}" if m.description else ""))
             for m in missing]
    bolos = bolos_in_force(at).filter(_name("", last=last, first=first)).order_by("pk")
    hits += [_bolo_hit(b) for b in bolos]
    return hits


def local_vehicle_hits(*, plate: str, state: str, vin: str, at: datetime) -> list[Hit]:
    """Vehicles reported stolen and not recovered, and BOLOs in force, for this plate (in this
    state, when given) or VIN."""
    match = Q()
    if plate:
        match |= Q(plate=plate, **({"plate_state": state} if state else {}))
    if vin:
        match |= Q(vin=vin)
    stolen = Vehicle.objects.filter(match, stolen_at__isnull=False, recovered_at__isnull=True).order_by("pk")
    hits = [Hit(type=HitType.STOLEN_VEHICLE, source=LOCAL_SOURCE, ids={"vehicle": v.pk},
                summary=f"Stolen vehicle: {v}, reported {v.stolen_at:%Y-%m-%d %H:%M}"
                        + (f", case {v.case_number}" if v.case_number else ""))
            for v in stolen]
    if plate:
        bolos = bolos_in_force(at).filter(plate=plate).filter(
            Q(plate_state="") | Q(plate_state=state) if state else Q()).order_by("pk")
        hits += [_bolo_hit(b) for b in bolos]
    return hits


def inquiries_visible(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Inquiry]:
    """Supervisors see every inquiry; everyone else their own."""
    inquiries = Inquiry.objects.order_by("-at", "-pk")
    return inquiries if roles.is_supervisor(user) else inquiries.filter(by=user.pk)
