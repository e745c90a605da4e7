"""Another center's EIDO (already checked against the schema), read into what call entry takes:
the incident's id and type, its priority, where it is (the location's PIDF-LO civic address and
point, as call entry's location: an address or intersection, and lat/lon), the caller, the
narrative (the notes its call component points at), and every other note, with its id so that a
note is added here once. What cannot be read is a 400 naming the part (cad.exceptions.Invalid).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.dateparse import parse_datetime

from cad.exceptions import Invalid
from calls.eido.ids import is_ours

CIVIC = "{urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr}"
GML = "{http://www.opengis.net/gml}"
# The parts of an RFC 5139 civic address that make the street line, in the order it is written.
STREET_LINE = ("HNO", "HNS", "PRD", "RD", "STS", "POD")
CALLER_NAME_LONGEST, CALLER_PHONE_LONGEST, TEXT_LONGEST, ADDRESS_LONGEST = 128, 32, 20000, 200


@dataclass(frozen=True)
class IncomingNote:
    eido_id: str
    text: str


@dataclass
class IncomingIncident:
    incident_id: str
    common_type: str
    internal_type: str
    owning_agency_code: str | None
    location: dict[str, Any]
    priority: int | None = None
    received_at: datetime | None = None
    caller_name: str = ""
    caller_phone: str = ""
    narrative: str = ""
    notes: list[IncomingNote] = field(default_factory=list)


def eido_read(document: dict[str, Any]) -> IncomingIncident:
    """What the EIDO says of its incident; Invalid when it says too little to make a call of."""
    incident = document.get("incidentComponent")
    if not isinstance(incident, dict):
        raise Invalid({"incidentComponent": ["An EIDO sent here must carry its incident."]})
    components = {item["$id"]: item for name, items in document.items()
                  if name.endswith("Component") and isinstance(items, list)
                  for item in items if isinstance(item, dict) and isinstance(item.get("$id"), str)}
    calls = [c for c in document.get("callComponent", []) if isinstance(c, dict)]
    call = calls[0] if calls else {}
    narrative_ids = [ref["$ref"] for ref in call.get("notesReference", [])]
    priority = incident.get("incidentCommonPriorityNumber")
    read = IncomingIncident(
        incident_id=incident["$id"],
        common_type=incident["incidentTypeCommonRegistryText"].strip().upper(),
        internal_type=str(incident.get("incidentTypeInternalCode", "")).strip().upper(),
        owning_agency_code=_owning_agency(document),
        location=_location(incident, components, document),
        priority=priority if isinstance(priority, int) and 1 <= priority <= 5 else None,
        received_at=parse_datetime(call["callStartTimestamp"]) if call.get("callStartTimestamp") else None,
        caller_name=_caller_name(call, components, document),
        caller_phone=_caller_phone(call, components, document),
        narrative="\n".join(_text(components[i]["notesActionComments"]) for i in narrative_ids
                            if i in components and "notesActionComments" in components[i]).strip(),
    )
    skip = set(narrative_ids)
    for note in document.get("notesComponent", []):
        if note["$id"] in skip or is_ours(note["$id"]):
            continue  # the narrative, or a note of ours the other center carries back
        text = _text(note["notesActionComments"])
        if text:
            read.notes.append(IncomingNote(note["$id"], text))
    _check_lengths(read)
    return read


def _check_lengths(read: IncomingIncident) -> None:
    problems = {}
    if len(read.caller_name) > CALLER_NAME_LONGEST:
        problems["personComponent"] = [f"The caller's name is over {CALLER_NAME_LONGEST} characters."]
    if len(read.caller_phone) > CALLER_PHONE_LONGEST:
        problems["callbackComponent"] = [f"The callback number is over {CALLER_PHONE_LONGEST} characters."]
    if len(read.narrative) > TEXT_LONGEST or any(len(n.text) > TEXT_LONGEST for n in read.notes):
        problems["notesComponent"] = [f"A note is over {TEXT_LONGEST} characters."]
    if len(read.incident_id) > 255:
        problems["incidentComponent"] = ["The incident's $id is over 255 characters."]
    if problems:
        raise Invalid(problems)


def _owning_agency(document: dict) -> str | None:
    """The code of the agency the EIDO says owns the incident (its id urn:…:agencyid:CODE:domain)."""
    for agency in document.get("agencyComponent", []):
        if agency.get("incidentOwningAgencyIndicator"):
            matched = re.fullmatch(r"urn:emergency:uid:agencyid:([A-Za-z0-9_-]{1,16}):.+", agency["$id"])
            return matched.group(1).upper() if matched else None
    return None


def _location(incident: dict, components: dict, document: dict) -> dict[str, Any]:
    """Call entry's location: the words (an address or intersection) and the point, as the EIDO's
    incident location gives them; its description when it gives neither."""
    refs = [ref["$ref"] for ref in incident.get("locationReference", [])]
    locations = [components[r] for r in refs if r in components] or document.get("locationComponent", [])
    if not locations:
        raise Invalid({"locationComponent": ["The EIDO gives no location for its incident."]})
    where = locations[0]
    location: dict[str, Any] = {}
    if where.get("locationByValue"):
        words, point = _pidf(where["locationByValue"])
        streets = where.get("intersectingStreetByValue", [])
        crossing = [_pidf(street)[0] or street.strip() for street in streets]
        if words and crossing:
            location["intersection"] = " / ".join([words, *[c for c in crossing if c]])
        elif words:
            location["address"] = words
        if point is not None:
            location["lat"], location["lon"] = point
    if "address" not in location and "intersection" not in location and "lat" not in location:
        description = (where.get("locationDescriptionText") or "").strip()
        if not description:
            raise Invalid({"locationComponent": [
                "The incident's location has no civic address, point or description to place it by."]})
        location["address"] = description
    words = location.get("address") or location.get("intersection") or ""
    if len(words) > ADDRESS_LONGEST:
        raise Invalid({"locationComponent": [f"The address is over {ADDRESS_LONGEST} characters."]})
    return location


def _pidf(text: str) -> tuple[str, tuple[float, float] | None]:
    """A PIDF-LO's street line (from its civic address) and its point (lat, lon)."""
    if not text.lstrip().startswith("<"):
        return "", None
    try:
        root: Element = fromstring(text)
    except (ParseError, DefusedXmlException) as error:
        problem = f"locationByValue is not a PIDF-LO that can be read: {error}"
        raise Invalid({"locationComponent": [problem]}) from None
    words = ""
    civic = root.find(f".//{CIVIC}civicAddress")
    if civic is not None:
        parts = [(civic.findtext(f"{CIVIC}{part}") or "").strip() for part in STREET_LINE]
        words = " ".join(p for p in parts if p).upper()
    point = None
    position = root.findtext(f".//{GML}Point/{GML}pos")
    if position:
        try:
            lat, lon = (float(v) for v in position.split())
        except ValueError:
            raise Invalid({"locationComponent": [f"The point {position!r} is not two numbers."]}) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise Invalid({"locationComponent": [f"The point {position!r} is not a latitude and longitude."]})
        point = (lat, lon)
    return words, point


def _caller_name(call: dict, components: dict, document: dict) -> str:
    people = [components[r["$ref"]] for r in call.get("personReference", []) if r["$ref"] in components]
    people += [p for p in document.get("personComponent", [])
               if "Caller" in p["personIncidentRoleRegistryText"]]
    for person in people:
        name = ((person.get("ncPersonComponent") or {}).get("PersonName") or {}).get("PersonFullName")
        if isinstance(name, str) and name.strip():
            return name.strip()
    return ""


def _caller_phone(call: dict, components: dict, document: dict) -> str:
    reference = (call.get("callBackReference") or {}).get("$ref")
    callbacks = [components[reference]] if reference in components else []
    callbacks += document.get("callbackComponent", [])
    for callback in callbacks:
        for uri in callback.get("callBackInformationUri", []):
            number = re.sub(r"^(tel|sip|sips):", "", uri.strip()).split(";")[0].split("@")[0]
            if number:
                return number
    return ""


class _TextOf(HTMLParser):
    """The text a person reads in an HTML5 note: tags dropped, line breaks kept."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("br", "p", "div", "li"):
            self.parts.append("\n")


def _text(html: str) -> str:
    reader = _TextOf()
    reader.feed(html)
    reader.close()
    return re.sub(r"\n{3,}", "\n\n", "".join(reader.parts)).strip()
