"""State and national systems an inquiry asks after the local records (MULES, NCIC and the like),
each behind one small interface, configured by dotted path in CAD_INQUIRY_ADAPTERS.

The demo ships one: a SIMULATED state system answering from a small table written here. It never
connects to anything, and every hit it gives says so (`simulated: true`, and its source's name), so
no one mistakes it for a real record.
"""

from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cache

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from records.inquiries.choices import CautionCode, HitType

LOCAL_SOURCE = "Local records"


@dataclass(frozen=True)
class Hit:
    """One record an inquiry found, as every path shows it (API, console, chronology, audit)."""

    type: HitType
    source: str
    summary: str
    caution_codes: list[str] = field(default_factory=list)
    ids: dict = field(default_factory=dict)
    simulated: bool = False
    photo: str = ""  # a missing person's photo, where staff and officers signed in see it

    def as_dict(self) -> dict:
        answer = asdict(self)
        answer["type"] = str(self.type)
        answer["cautions"] = [CautionCode(code).label if code in CautionCode.values else code
                              for code in self.caution_codes]
        return answer


class InquiryAdapter:
    """A state or national system: given what was asked, the records it holds that match. Raise
    AdapterUnavailable when the system cannot answer; the inquiry goes on without it, and says so."""

    name: str = "Unnamed system"

    def person(self, *, last: str, first: str, dob: date | None) -> list[Hit]:
        return []

    def vehicle(self, *, plate: str, state: str, vin: str) -> list[Hit]:
        return []


class AdapterUnavailable(Exception):
    pass


SIMULATED_SOURCE = "Simulated state system (not a real MULES/NCIC connection)"


class SimulatedStateSystem(InquiryAdapter):
    """A stand-in for a state switch, for the demo and tests: fixed answers, no network."""

    name = SIMULATED_SOURCE
    # (last, first, date of birth) -> (summary, caution codes, record number)
    PERSONS = {
        ("MARSH", "DALE", date(1975, 6, 14)): (
            "Warrant KS-26-CR-0981 (Johnson County, KS District Court): probation violation, "
            "burglary; extradition: surrounding states", ["ESCAPE"], "SIM-W-0981"),
    }
    # (plate, state) -> (summary, record number)
    PLATES = {
        ("KS4471", "KS"): ("Stolen in Kansas: 2019 silver Honda Civic, Olathe PD case 26-1187",
                           "SIM-V-1187"),
    }
    VINS = {
        "2T1BURHE5JC034461": ("Stolen in Kansas: 2018 white Toyota Corolla, Lenexa PD case 26-0204",
                              "SIM-V-0204"),
    }

    def _hit(self, type: HitType, summary: str, record: str, codes: list[str] | None = None) -> Hit:
        return Hit(type=type, source=SIMULATED_SOURCE, simulated=True, summary=f"SIMULATED: {summary}",
                   caution_codes=codes or [], ids={"record": record})

    def person(self, *, last: str, first: str, dob: date | None) -> list[Hit]:
        return [self._hit(HitType.WARRANT, summary, record, codes)
                for (p_last, p_first, p_dob), (summary, codes, record) in self.PERSONS.items()
                if p_last == last and (not first or p_first == first) and (dob is None or p_dob == dob)]

    def vehicle(self, *, plate: str, state: str, vin: str) -> list[Hit]:
        found = [self._hit(HitType.STOLEN_VEHICLE, summary, record)
                 for (p_plate, p_state), (summary, record) in self.PLATES.items()
                 if plate and p_plate == plate and (not state or p_state == state)]
        if vin in self.VINS:
            found.append(self._hit(HitType.STOLEN_VEHICLE, *self.VINS[vin]))
        return found


@cache
def adapters() -> tuple[InquiryAdapter, ...]:
    """The systems configured, in order, each made once."""
    found = []
    for path in settings.CAD_INQUIRY_ADAPTERS:
        try:
            adapter = import_string(path)
        except ImportError as error:
            raise ImproperlyConfigured(f"CAD_INQUIRY_ADAPTERS: cannot import {path} ({error}).") from None
        if not (isinstance(adapter, type) and issubclass(adapter, InquiryAdapter)):
            raise ImproperlyConfigured(f"CAD_INQUIRY_ADAPTERS: {path} is not an InquiryAdapter class.")
        found.append(adapter())
    return tuple(found)


def adapters_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """At start-up: every configured adapter can be loaded."""
    try:
        adapters()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="records.E101")]
    return []
