"""The only ways the records to query change, and the inquiry itself. Each is stamped with who and
when and written on the audit trail, in the same transaction; the admin saves through these too.

Every value is cleaned by the national formats' rules (records/inquiries/formats.py), so a record
entered here is one an inquiry can find: plates and VINs kept as an inquiry asks for them.
"""

import logging
import re
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from cad import roles
from cad.audit import AuditAction, audit_record, field_changes, object_ref
from cad.exceptions import Conflict, Forbidden, Invalid
from cad.history import actor
from calls.models import Call, ChronologyEntry
from calls.services import call_note_add
from records.inquiries import formats
from records.inquiries.adapters import Hit, adapters
from records.inquiries.choices import CautionCode, InquiryKind, Purpose, WarrantStatus
from records.inquiries.models import Bolo, Inquiry, MissingPerson, Person, Vehicle, Warrant
from records.inquiries.selectors import local_person_hits, local_vehicle_hits

logger = logging.getLogger(__name__)
User = AbstractBaseUser | AnonymousUser | None
NAME = re.compile(r"[A-Z][A-Z '\-]{0,59}")
REASON_LONGEST = 200


def _may_keep_records(by: User) -> None:
    """Clerks, supervisors and dispatchers enter records; no agency's program does."""
    if by is not None and not (roles.is_center_staff(by) and roles.scoped_agency(by) is None):
        raise Forbidden("Only the center's clerks, supervisors and dispatchers keep these records.")


def name_clean(text: str) -> str:
    name = " ".join((text or "").split()).upper()
    if not NAME.fullmatch(name):
        raise ValidationError("A name is letters, spaces, hyphens and apostrophes (up to 60).")
    return name


def _before(obj: models.Model) -> models.Model | None:
    return type(obj).objects.filter(pk=obj.pk).first() if obj.pk else None


def _save(obj: models.Model, *, unique_field: str | None = None) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        if unique_field:
            raise Invalid({unique_field: ["Another record already has this."]}) from None
        raise


def _audit(obj: models.Model, *, action: AuditAction, before: models.Model | None, by: User) -> None:
    audit_record(action=action, object=object_ref(obj._meta.model_name, obj.pk), by=by,
                 detail={"record": str(obj), "changes": field_changes(before, obj)})


def person_clean(*, person: Person) -> None:
    """The names as inquiries ask for them (upper case), a real birth date; Invalid names what is wrong."""
    values = formats.cleaned({"last_name": (name_clean, person.last_name),
                              "first_name": (name_clean, person.first_name),
                              "middle_name": (name_clean, person.middle_name),
                              "date_of_birth": (formats.birth_date_clean, person.date_of_birth)})
    for name in ("last_name", "first_name", "date_of_birth"):
        if not values[name]:
            raise Invalid({name: ["This is required."]})
    for name, value in values.items():
        setattr(person, name, value or "" if name != "date_of_birth" else value)


@transaction.atomic
def person_save(*, person: Person, by: User) -> Person:
    """A person on record, new or changed."""
    _may_keep_records(by)
    person_clean(person=person)
    before = _before(person)
    if before is None:
        person.entered_at, person.entered_by = timezone.now(), actor(by)
    _save(person)
    _audit(person, action=AuditAction.PERSON_SAVE, before=before, by=by)
    return person


def caution_codes_clean(codes: list[str]) -> list[str]:
    unknown = [c for c in codes if c not in CautionCode.values]
    if unknown:
        raise ValidationError(f"Unknown caution code: {', '.join(map(str, unknown))} "
                              f"(give any of {', '.join(CautionCode.values)}).")
    return list(dict.fromkeys(codes))


def warrant_clean(*, warrant: Warrant) -> None:
    values = formats.cleaned({"issued_on": (formats.past_clean, warrant.issued_on),
                              "caution_codes": (caution_codes_clean, list(warrant.caution_codes or []))})
    warrant.caution_codes = values["caution_codes"] or []
    warrant.number = warrant.number.strip().upper()
    if not warrant.number:
        raise Invalid({"number": ["Give the warrant number."]})


@transaction.atomic
def warrant_save(*, warrant: Warrant, by: User) -> Warrant:
    """A warrant, new or changed; its status stamped with who and when it last changed."""
    _may_keep_records(by)
    warrant_clean(warrant=warrant)
    before = _before(warrant)
    now = timezone.now()
    if before is None:
        warrant.entered_at, warrant.entered_by = now, actor(by)
    if before is None or before.status != warrant.status:
        warrant.status_at, warrant.status_by = now, actor(by)
    _save(warrant, unique_field="number")
    action = (AuditAction.WARRANT_CREATE if before is None else
              AuditAction.WARRANT_STATUS if before.status != warrant.status else AuditAction.WARRANT_CHANGE)
    _audit(warrant, action=action, before=before, by=by)
    return warrant


def _after(later_name: str, later: datetime | None, earlier: datetime | None, words: str) -> dict:
    return {later_name: [words]} if later and earlier and later < earlier else {}


def vehicle_clean(*, vehicle: Vehicle) -> None:
    """Plate, state and VIN as the national formats have them; the dates in order, none ahead."""
    values = formats.cleaned({"plate": (formats.plate_clean, vehicle.plate),
                              "plate_state": (formats.state_clean, vehicle.plate_state),
                              "vin": (formats.vin_clean, vehicle.vin),
                              "stolen_at": (formats.past_clean, vehicle.stolen_at),
                              "recovered_at": (formats.past_clean, vehicle.recovered_at)})
    problems = _after("recovered_at", values["recovered_at"], values["stolen_at"],
                      "A vehicle is recovered after it was stolen.")
    if not values["plate"] and not values["vin"]:
        problems["plate"] = ["Give the plate or the VIN."]
    if values["plate"] and not values["plate_state"]:
        problems["plate_state"] = ["Give the state that issued the plate."]
    if values["recovered_at"] and not values["stolen_at"]:
        problems["recovered_at"] = ["Only a vehicle reported stolen is recovered."]
    if problems:
        raise Invalid(problems)
    for name, value in values.items():
        setattr(vehicle, name, value or ("" if name in ("plate", "plate_state", "vin") else None))


@transaction.atomic
def vehicle_save(*, vehicle: Vehicle, by: User) -> Vehicle:
    """A vehicle, new or changed; entered with `stolen_at` it is a stolen vehicle (audited as such),
    with `recovered_at` it is found."""
    _may_keep_records(by)
    vehicle_clean(vehicle=vehicle)
    before = _before(vehicle)
    if before is None:
        vehicle.entered_at, vehicle.entered_by = timezone.now(), actor(by)
    _save(vehicle)
    newly_stolen = vehicle.stolen_at and (before is None or before.stolen_at is None)
    _audit(vehicle, action=AuditAction.VEHICLE_STOLEN if newly_stolen else AuditAction.VEHICLE_CHANGE,
           before=before, by=by)
    return vehicle


def vehicle_stolen_enter(
    *, plate: str = "", state: str = "", vin: str = "", year: int | None = None, make: str = "",
    model: str = "", colour: str = "", stolen_at: datetime | None = None, case_number: str = "", by: User,
) -> Vehicle:
    """Enter a vehicle reported stolen (now, unless `stolen_at` says when)."""
    return vehicle_save(vehicle=Vehicle(plate=plate, plate_state=state, vin=vin, year=year, make=make,
                                        model=model, colour=colour, stolen_at=stolen_at or timezone.now(),
                                        case_number=case_number), by=by)


def missing_person_clean(*, missing_person: MissingPerson) -> None:
    record = missing_person
    values = formats.cleaned({"last_name": (name_clean, record.last_name),
                              "first_name": (name_clean, record.first_name),
                              "date_of_birth": (formats.birth_date_clean, record.date_of_birth),
                              "missing_since": (formats.past_clean, record.missing_since),
                              "located_at": (formats.past_clean, record.located_at)})
    problems = {name: ["This is required."] for name in ("last_name", "first_name", "date_of_birth",
                                                           "missing_since") if not values[name]}
    problems |= _after("located_at", values["located_at"], values["missing_since"],
                       "A person is located after going missing.")
    if problems:
        raise Invalid(problems)
    for name, value in values.items():
        setattr(record, name, value)


@transaction.atomic
def missing_person_save(*, missing_person: MissingPerson, by: User) -> MissingPerson:
    """A missing person, entered or changed (located, when `located_at` is set)."""
    _may_keep_records(by)
    missing_person_clean(missing_person=missing_person)
    record = missing_person
    before = _before(record)
    if before is None:
        record.entered_at, record.entered_by = timezone.now(), actor(by)
    _save(record)
    _audit(record, action=AuditAction.MISSING_PERSON_ENTER if before is None else
           AuditAction.MISSING_PERSON_CHANGE, before=before, by=by)
    return record


def missing_person_enter(
    *, last: str, first: str, dob: date, category: str, missing_since: datetime, last_seen: str,
    description: str = "", by: User,
) -> MissingPerson:
    return missing_person_save(missing_person=MissingPerson(
        last_name=last, first_name=first, date_of_birth=dob, category=category, missing_since=missing_since,
        last_seen=last_seen, description=description), by=by)


@transaction.atomic
def missing_person_photo_set(*, missing_person: MissingPerson, photo: File, by: User) -> MissingPerson:
    """A missing person's photo, added or replaced: the record's change audited as any other (the
    photo before stays on file, under its own name)."""
    record = MissingPerson.objects.select_for_update().get(pk=missing_person.pk)
    record.photo = photo
    return missing_person_save(missing_person=record, by=by)


def bolo_clean(*, bolo: Bolo) -> None:
    """It expires after it is issued (a time is required), and is issued no later than now."""
    bolo.issued_at = bolo.issued_at or timezone.now()
    values = formats.cleaned({"plate": (formats.plate_clean, bolo.plate),
                              "plate_state": (formats.state_clean, bolo.plate_state),
                              "last_name": (name_clean, bolo.last_name),
                              "first_name": (name_clean, bolo.first_name),
                              "issued_at": (formats.past_clean, bolo.issued_at)})
    problems = {}
    if not bolo.expires_at:
        problems["expires_at"] = ["Give the time the BOLO expires."]
    elif bolo.expires_at <= values["issued_at"]:
        problems["expires_at"] = ["A BOLO expires after it is issued."]
    if not (bolo.subject or "").strip():
        problems["subject"] = ["Say who or what to look for."]
    if problems:
        raise Invalid(problems)
    for name, value in values.items():
        setattr(bolo, name, value or "" if name != "issued_at" else value)


@transaction.atomic
def bolo_save(*, bolo: Bolo, by: User) -> Bolo:
    """A BOLO, issued or changed."""
    _may_keep_records(by)
    bolo_clean(bolo=bolo)
    before = _before(bolo)
    if before is None:
        bolo.issued_by = actor(by)
    _save(bolo)
    _audit(bolo, action=AuditAction.BOLO_CREATE if before is None else AuditAction.BOLO_CHANGE,
           before=before, by=by)
    return bolo


def _person_terms(terms: dict) -> dict:
    dob = terms.get("dob")
    problems = {}
    if isinstance(dob, str) and dob:
        try:
            dob = date.fromisoformat(dob)
        except ValueError:
            problems["dob"] = ["Give the date of birth as YYYY-MM-DD."]
    if not terms.get("last"):
        problems["last"] = ["Give the last name."]
    if problems:
        raise Invalid(problems)
    values = formats.cleaned({"last": (name_clean, terms.get("last")),
                              "first": (name_clean, terms.get("first")),
                              "dob": (formats.birth_date_clean, dob)})
    return {"last": values["last"], "first": values["first"] or "", "dob": values["dob"]}


def _vehicle_terms(terms: dict) -> dict:
    if not terms.get("plate") and not terms.get("vin"):
        raise Invalid({"plate": ["Give the plate (and its state) or the VIN."]})
    values = formats.cleaned({"plate": (formats.plate_clean, terms.get("plate")),
                              "state": (formats.state_clean, terms.get("state")),
                              "vin": (formats.vin_clean, terms.get("vin"))})
    return {name: value or "" for name, value in values.items()}


def _summary(hits: list[Hit], unanswered: list[str]) -> str:
    if hits:
        kinds = ", ".join(f"{h.type.label.lower()}{' (SIMULATED)' if h.simulated else ''}" for h in hits)
        summary = f"{len(hits)} hit{'s' if len(hits) > 1 else ''}: {kinds}"
    else:
        summary = "No record found"
    if unanswered:
        summary += f"; not answered: {', '.join(unanswered)}"
    return summary[:300]


def inquiry_make(
    *, kind: str, terms: dict, purpose: str, by: User, call: Call | None = None, reason: str = "",
) -> Inquiry:
    """Search the local records, then each configured state or national system, for a person (last,
    first, dob) or a vehicle (plate and state, or VIN). A purpose (NCIC's codes) is required. The
    inquiry is kept as made and written on the audit trail, hits and all, in one transaction opened
    after the systems answered (a slow state switch never holds a transaction, nor the audit chain's
    lock, open)."""
    problems = {}
    if purpose not in Purpose.values:
        problems["purpose"] = [f"Give the purpose: one of {', '.join(Purpose.values)} "
                               f"({'; '.join(Purpose.labels)})."]
    if kind not in InquiryKind.values:
        problems["kind"] = ["Ask about a person or a vehicle."]
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_LONGEST:
        problems["reason"] = [f"Keep the reason to {REASON_LONGEST} characters."]
    if problems:
        raise Invalid(problems)
    now = timezone.now()
    hits: list[Hit] = []
    unanswered: list[str] = []
    if kind == InquiryKind.PERSON:
        asked = _person_terms(terms)
        hits += local_person_hits(**asked, at=now)
    else:
        asked = _vehicle_terms(terms)
        hits += local_vehicle_hits(**asked, at=now)
    for adapter in adapters():
        try:
            hits += adapter.person(**asked) if kind == InquiryKind.PERSON else adapter.vehicle(**asked)
        except Exception:
            # One system down must not cost the local answer: the inquiry says it was not answered.
            logger.exception("Inquiry adapter %s failed", adapter.name)
            unanswered.append(adapter.name)
    kept_terms = {name: value.isoformat() if isinstance(value, date) else value
                  for name, value in asked.items() if value}
    answer = [hit.as_dict() for hit in hits]
    with transaction.atomic():
        return _inquiry_keep(kind=kind, kept_terms=kept_terms, purpose=purpose, reason=reason, call=call,
                             by=by, at=now, answer=answer, summary=_summary(hits, unanswered),
                             unanswered=unanswered)


def _inquiry_keep(*, kind: str, kept_terms: dict, purpose: str, reason: str, call: Call | None, by: User,
                  at: datetime, answer: list[dict], summary: str, unanswered: list[str]) -> Inquiry:
    inquiry = Inquiry.objects.create(
        at=at, by=actor(by), username=getattr(actor(by), "username", ""), kind=kind, terms=kept_terms,
        purpose=purpose, reason=reason, call=call, hits=answer, hit_count=len(answer), summary=summary)
    audit_record(action=AuditAction.INQUIRY, object=object_ref("inquiry", inquiry.pk), by=by, detail={
        "kind": kind, "terms": kept_terms, "purpose": purpose, "reason": reason,
        "call": call.number if call else None, "result": inquiry.summary, "hit_count": len(answer),
        "unanswered": unanswered,
        "hits": [{k: h[k] for k in ("type", "source", "simulated", "summary", "caution_codes", "ids")}
                 for h in answer]})
    return inquiry


def hit_line(hit: dict) -> str:
    """A hit in one line, as the call's chronology shows it: caution codes first."""
    cautions = f"CAUTION {', '.join(hit['caution_codes'])}: " if hit.get("caution_codes") else ""
    simulated = "SIMULATED " if hit.get("simulated") else ""
    return f"{simulated}Inquiry hit: {cautions}{hit['summary']} (source: {hit['source']})"


@transaction.atomic
def inquiry_hit_attach(*, inquiry: Inquiry, hit: int, call: Call, by: User) -> ChronologyEntry:
    """Put one of an inquiry's hits (its index in `hits`) on a call's chronology, with its caution codes."""
    if not 0 <= hit < len(inquiry.hits):
        found = len(inquiry.hits)
        raise Invalid({"hit": [f"This inquiry has {found} hit(s): give 0 to {found - 1}." if found
                               else "This inquiry found nothing to attach."]})
    if call.is_closed:
        raise Conflict(f"{call.number} is closed: add a supplement to its record instead.")
    found = inquiry.hits[hit]
    entry = call_note_add(call=call, by=by, text=hit_line(found))
    audit_record(action=AuditAction.INQUIRY_ATTACH, object=object_ref("inquiry", inquiry.pk), by=by,
                 detail={"call": call.number, "hit": hit, "type": found["type"], "source": found["source"],
                         "caution_codes": found["caution_codes"], "chronology_entry": entry.pk})
    return entry


def warrant_status_set(*, warrant: Warrant, status: str, by: User) -> Warrant:
    if status not in WarrantStatus.values:
        raise Invalid({"status": [f"One of {', '.join(WarrantStatus.values)}."]})
    warrant.status = status
    return warrant_save(warrant=warrant, by=by)
