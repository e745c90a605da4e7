"""A call as a NENA-STA-021 EIDO (Emergency Incident Data Object): what `GET calls/{id}/eido/`
answers and what `/ws/eido/` notifies, built by this one function from the rows the EIDO selector
reads in a few queries (calls.selectors.eido).

Every id this center gives is a URN ending in its domain (CAD_EIDO_DOMAIN):
`urn:emergency:uid:incidentid:2026-000123:psap.example.gov`. A call that came in as another
center's EIDO keeps that center's incident id, and a note that came in keeps its own id, so two
centers exchanging one incident speak of it, and of each note, by the same names.
"""

import re
import uuid
from datetime import datetime
from html import escape
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from django.conf import settings
from django.utils import timezone

from cad.models import Agency
from calls.choices import CallSource, CallStatus, ChronologyKind
from calls.eido.ids import incident_id, urn
from calls.models import Assignment, Call, ChronologyEntry
from calls.selectors.eido import EidoContext
from units.choices import EIDO_STATUS, UnitStatus, UnitType

CONTENT_TYPE = "application/emergency.eido+json"
HOUSE_AND_STREET = re.compile(r"(\d+[A-Z]?(?:-\d+)?)\s+(\S.*)")

# incidentStatusCommonRegistryText (registry IncidentStatus) of each call status.
INCIDENT_STATUS = {
    CallStatus.PENDING: ["Active"],
    CallStatus.DISPATCHED: ["Active", "ResourcesAssigned"],
    CallStatus.ENROUTE: ["Active", "ResourcesAssigned", "ResourcesEnroute"],
    CallStatus.ONSCENE: ["Active", "ResourcesAssigned", "ResourcesOnscene"],
    CallStatus.CLEARED: ["Active"],
    CallStatus.CLOSED: ["Closed"],
}
# STA-023's call priorities, for P1 … P5.
CALL_PRIORITY = {1: "highest", 2: "high", 3: "normal", 4: "low", 5: "lowest"}
# The LogEvent CallTypes registry's primary types: a 9-1-1 line or text session is an emergency call.
EMERGENCY_SOURCES = frozenset({CallSource.E911, CallSource.E911_WIRELESS, CallSource.TEXT})
# The IANA urn:emergency:service:responder types of the agencies' disciplines.
RESPONDER_TYPE = {"police": "police", "fire": "fire", "ems": "ems", "animal_control": "animal_control",
                  "public_works": "public_works", "behavioral_health": "mental_health"}
# The emergency resource type of each kind of unit.
RESOURCE_TYPE = {
    UnitType.PATROL: "LawEnforcement", UnitType.SUPERVISOR: "LawEnforcement", UnitType.K9: "LawEnforcement",
    UnitType.TRAFFIC: "LawEnforcement", UnitType.DEPUTY: "LawEnforcement", UnitType.ENGINE: "Engine",
    UnitType.LADDER: "Ladder", UnitType.MEDIC: "ALS", UnitType.CHIEF: "Command",
    UnitType.ANIMAL_CONTROL: "AnimalControl", UnitType.WATER_CREW: "PublicWorks",
    UnitType.STREETS_CREW: "PublicWorks", UnitType.PARKS_CREW: "PublicWorks",
    UnitType.BEHAVIORAL_HEALTH: "BehavioralHealth",
}


def _time(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _ref(eido_id: str) -> dict[str, str]:
    return {"$ref": eido_id}


class _Document:
    """One EIDO being put together: each component gets the common prologue, each agency is
    listed once."""

    def __init__(self, call: Call, context: EidoContext, stamp: datetime):
        self.call, self.context, self.stamp = call, context, stamp
        center = context.center
        self.center_id = urn("agencyid", center.code if center else "center")
        self.agencies: dict[str, dict] = {}

    def prologue(self, eido_id: str, at: datetime | None = None, by_agency: str | None = None) -> dict:
        return {"$id": eido_id, "lastUpdateTimeStamp": _time(at or self.stamp),
                "updatedByAgencyReference": _ref(by_agency or self.center_id)}

    def agency(self, agency: Agency, role: str, *, owning: bool = False) -> str:
        eido_id = urn("agencyid", agency.code)
        component = self.agencies.get(eido_id)
        if component is None:
            kinds = [RESPONDER_TYPE[code] for code in self.context.disciplines.get(agency.pk, ())
                     if code in RESPONDER_TYPE]
            if agency.kind == Agency.Kind.CENTER:
                kinds.insert(0, "psap")
            component = self.agencies[eido_id] = {
                **self.prologue(eido_id), "agencyRoleDescriptionRegistryText": [],
                "agencyType": kinds, "agencyJcard": _jcard(agency), "incidentOwningAgencyIndicator": False,
            }
        if role not in component["agencyRoleDescriptionRegistryText"]:
            component["agencyRoleDescriptionRegistryText"].append(role)
        component["incidentOwningAgencyIndicator"] |= owning
        return eido_id


def _jcard(agency: Agency) -> str:
    """The agency's contact card (RFC 7095 jCard): its name and code."""
    name = agency.name.replace("\\", "\\\\").replace('"', '\\"')
    return f'["vcard",[["version",{{}},"text","4.0"],["fn",{{}},"text","{name}"],' \
           f'["nickname",{{}},"text","{agency.code}"],["kind",{{}},"text","org"]]]'


def eido_build(call: Call, *, context: EidoContext) -> dict[str, Any]:
    """The call as an EIDO. `call` comes from calls.selectors.eido_calls (its rows read beforehand),
    `context` from calls.selectors.eido_context."""
    stamp = call.updated_at or timezone.now()
    doc = _Document(call, context, stamp)
    center = context.center
    incident = incident_id(call)
    # Who owns the incident: the partner that sent it in (it keeps responsibility), else the center.
    if call.sent_by_id:
        doc.agency(call.sent_by, "Originating", owning=True)
    if center is not None:
        doc.agency(center, "Primary", owning=not call.sent_by_id)
    for share in call.eido_shares:
        doc.agency(share.agency, "Relayed" if share.relay else "Shared", owning=share.relay)

    location_id = urn("locationid", call.number)
    notes, note_refs = _notes(doc, call)
    call_component = _call_component(doc, call, location_id, notes)
    resources, dispatches = _resources(doc, call, incident)
    incident_component = {
        **doc.prologue(incident),
        "incidentTypeCommonRegistryText": call.call_type.common_type,
        "incidentTypeInternalCode": call.call_type.code,
        "incidentTypeInternalText": call.call_type.description,
        "incidentStatusCommonRegistryText": _incident_status(call),
        "incidentStatusInternalText": [call.status],
        "internalIncidentId": call.number,
        "incidentPriorityInternalText": f"P{call.priority_id}",
        "incidentCommonPriorityNumber": call.priority_id,
        "locationReference": [_ref(location_id)],
        "notesReference": note_refs,
    }
    if call.beat_id:
        incident_component["beatOrDispatchGroupText"] = call.beat.code
    if call.disposition_id:
        incident_component["dispositionComponent"] = [{
            **doc.prologue(urn("dispositionid", call.number), call.closed_at),
            "dispositionCommonRegistryCode": call.disposition.code,
            "dispositionPrimaryIndicator": True,
            "dispositionDescriptionText": call.disposition.description,
            **({"dispositionCategoryText": "local"} if call.disposition.is_local else {}),
        }]
    document = {
        **doc.prologue(urn("eidoid", uuid.uuid4())),
        "eidoVersion": "1.0",
        "issuingElementIdentification": urn("elementid", "cad"),
        "incidentComponent": incident_component,
        "callComponent": [call_component],
        "locationComponent": [_location(doc, call, location_id)],
        "notesComponent": notes,
        "emergencyResourceComponent": resources,
        "dispatchComponent": dispatches,
        "agencyComponent": list(doc.agencies.values()),
    }
    links = _links(doc, call)
    if links:
        document["linkComponent"] = links
    if call.caller_name:
        document["personComponent"] = [{
            **doc.prologue(urn("personid", f"{call.number}.caller")),
            "personIncidentRoleRegistryText": ["Caller"],
            "ncPersonComponent": {"PersonName": {"PersonFullName": call.caller_name}},
            "callIdentifier": [urn("callid", call.number)],
        }]
    if call.caller_phone:
        document["callbackComponent"] = [{
            **doc.prologue(urn("callbackid", call.number)),
            "callBackInformationUri": [_tel(call.caller_phone)],
        }]
    return document


def _incident_status(call: Call) -> list[str]:
    status = list(INCIDENT_STATUS[CallStatus(call.status)])
    if call.reopened_at is not None and call.status != CallStatus.CLOSED:
        status.append("ReOpened")
    return status


def _tel(phone: str) -> str:
    digits = re.sub(r"[^\d+]", "", phone)
    return f"tel:{digits}" if digits else f"tel:{phone}"


def _call_component(doc: _Document, call: Call, location_id: str, notes: list[dict]) -> dict:
    component = {
        **doc.prologue(urn("callid", call.number)),
        "callStateRegistryText": "callEnd" if call.status == CallStatus.CLOSED else "callAnswered",
        "standardPrimaryCallType": "emergency" if call.source in EMERGENCY_SOURCES else "nonEmergency",
        "localCallType": call.source,
        "direction": "incoming",
        "priorityIdentifier": CALL_PRIORITY[call.priority_id],
        "callStartTimestamp": _time(call.received_at),
        "answerDate": _time(call.entered_at),
        "locationReference": [_ref(location_id)],
    }
    if call.narrative:
        narrative_id = urn("noteid", f"{call.number}.narrative")
        notes.insert(0, {**doc.prologue(narrative_id, call.entered_at),
                         "notesActionComments": escape(call.narrative)})
        component["notesReference"] = [_ref(narrative_id)]
    if call.caller_phone:
        component["callBackReference"] = _ref(urn("callbackid", call.number))
    if call.caller_name:
        component["personReference"] = [_ref(urn("personid", f"{call.number}.caller"))]
    if call.sent_by_id:
        component["agencyReference"] = [_ref(urn("agencyid", call.sent_by.code))]
    return component


def _location(doc: _Document, call: Call, location_id: str) -> dict:
    component = {**doc.prologue(location_id), "locationTypeDescriptionRegistryText": "Incident",
                 "locationDescriptionText": call.address}
    streets = [s.strip() for s in call.address.split(" / ")] if " / " in call.address else []
    civic = ""
    if streets:
        civic = _civic(road=streets[0])
        component["intersectingStreetByValue"] = [_pidf(_civic(road=s), "") for s in streets[1:]]
    else:
        matched = HOUSE_AND_STREET.fullmatch(call.address)
        if matched:
            civic = _civic(number=matched.group(1), road=matched.group(2))
    point = ""
    if call.lat is not None and call.lon is not None:
        point = (f'<gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>{call.lat:.6f} {call.lon:.6f}'
                 f'</gml:pos></gml:Point>')
    if civic or point:
        component["locationByValue"] = _pidf(civic, point)
    return component


def _civic(*, road: str, number: str = "") -> str:
    hno = f"<ca:HNO>{xml_escape(number)}</ca:HNO>" if number else ""
    return (f"<ca:civicAddress><ca:country>US</ca:country>{hno}<ca:RD>{xml_escape(road)}</ca:RD>"
            "</ca:civicAddress>")


def _pidf(civic: str, point: str) -> str:
    """A PIDF-LO (RFC 4119, RFC 5139 civic address, GML point) of one place."""
    return ('<presence xmlns="urn:ietf:params:xml:ns:pidf" '
            'xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" '
            'xmlns:ca="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr" '
            'xmlns:gml="http://www.opengis.net/gml" entity="pres:incident@' + settings.CAD_EIDO_DOMAIN + '">'
            '<tuple id="location"><status><gp:geopriv><gp:location-info>' + civic + point +
            '</gp:location-info><gp:usage-rules/></gp:geopriv></status></tuple></presence>')


def _notes(doc: _Document, call: Call) -> tuple[list[dict], list[dict]]:
    """The chronology, each line a note, oldest first; lines that came in as another center's notes
    keep their ids."""
    notes, refs = [], []
    for entry in call.eido_chronology:
        eido_id = entry.received_as.eido_id if hasattr(entry, "received_as") else urn("noteid", entry.pk)
        notes.append({**doc.prologue(eido_id, entry.at), "notesActionComments": escape(_note_text(entry))})
        refs.append(_ref(eido_id))
    return notes, refs


def _note_text(entry: ChronologyEntry) -> str:
    if entry.kind == ChronologyKind.NOTE:
        return entry.text
    words = entry.get_kind_display()
    if entry.unit_id:
        words += f" {entry.unit.callsign}"
    return f"{words}: {entry.text}" if entry.text else words


def _resources(doc: _Document, call: Call, incident: str) -> tuple[list[dict], list[dict]]:
    """Each unit sent, with its status on this call in EIDO terms, and each dispatch of one."""
    resources: dict[str, dict] = {}
    dispatches = []
    for assignment in call.eido_assignments:
        unit = assignment.unit
        agency_id = doc.agency(unit.agency, "Responding")
        resource_id = urn("resourceid", unit.callsign)
        resources[resource_id] = {
            **doc.prologue(resource_id, _assignment_changed(assignment), agency_id),
            "emergencyResourceTypeCommonRegistryText": RESOURCE_TYPE.get(unit.unit_type, "Other"),
            "emergencyResourceTypeInternalText": unit.unit_type,
            "resourceAttributeRegistryText": [],
            "emergencyResourceName": unit.callsign,
            **_resource_status(assignment),
            "agentReference": [],
            "activeOnIncidentId": incident,
        }
        dispatches.append({
            **doc.prologue(urn("dispatchid", assignment.pk), assignment.dispatched_at),
            "agencyReference": _ref(agency_id),
            "emergencyResourceReference": [_ref(resource_id)],
        })
    return list(resources.values()), dispatches


def _resource_status(assignment: Assignment) -> dict:
    if assignment.cleared_at is not None:
        primary, secondary = EIDO_STATUS[UnitStatus(assignment.unit.status)]
        return {"primaryUnitStatusRegistryText": primary, "secondaryUnitStatusRegistryText": ["Cleared"],
                "unitStatusInternal": ["cleared"]}
    primary, secondary = EIDO_STATUS[UnitStatus(assignment.status)]
    return {"primaryUnitStatusRegistryText": primary, "secondaryUnitStatusRegistryText": [secondary],
            "unitStatusInternal": [assignment.status]}


def _assignment_changed(assignment: Assignment) -> datetime:
    stamps = [assignment.dispatched_at, assignment.enroute_at, assignment.onscene_at,
              assignment.transporting_at, assignment.at_hospital_at, assignment.cleared_at]
    return max(at for at in stamps if at is not None)


def _links(doc: _Document, call: Call) -> list[dict]:
    """A duplicate names its master as its parent; a master names each of its duplicates."""
    links = []
    if call.master_id:
        links.append({**doc.prologue(urn("linkid", f"{call.number}.{call.master.number}")),
                      "incidentTrackingIdentifier": incident_id(call.master), "linkDirectionCode": "PARENT",
                      "transactionReasonText": f"Duplicate of {call.master.number}"})
    for duplicate in call.eido_duplicates:
        links.append({**doc.prologue(urn("linkid", f"{call.number}.{duplicate.number}")),
                      "incidentTrackingIdentifier": incident_id(duplicate), "linkDirectionCode": "CHILD",
                      "transactionReasonText": f"Duplicate call {duplicate.number}"})
    return links
