"""EIDO (NENA-STA-021): a call built as one and checked against the schema in calls/reference
(openapi-schema-validator), served on GET calls/{id}/eido/ to whoever may see the call, and another
center's EIDO made into a call here, or applied once to the call it made (POST eido/)."""

import copy
import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cad.models import Agency
from calls import services
from calls.choices import CallSource, ChronologyKind
from calls.eido.build import CONTENT_TYPE, eido_build
from calls.eido.schema import eido_problems, registry
from calls.models import Call, CallNoteReceived, CallType, ChronologyEntry, Disposition
from calls.selectors.eido import eido_calls, eido_context
from tests.conftest import token_client
from units.choices import EIDO_STATUS
from units.models import Unit
from units.services import unit_status_set

EIDO_URL = "/api/v1/eido/"


def robbery(by, address="310 MAIN ST", **kwargs) -> Call:
    return services.call_create(call_type=CallType.objects.get(code="ROBBERY"), location={"address": address},
                                by=by, **kwargs)


def send(call, by, *callsigns):
    return services.call_dispatch(call=call, units=[Unit.objects.get(callsign=c) for c in callsigns], by=by)


def eido_of(call: Call) -> dict:
    document = eido_build(eido_calls(Call.objects.filter(pk=call.pk)).get(), context=eido_context())
    assert eido_problems(document) == []
    return document


def components(document: dict, name: str) -> list[dict]:
    return document.get(f"{name}Component", [])


def by_id(document: dict) -> dict[str, dict]:
    return {c["$id"]: c for name, items in document.items() if name.endswith("Component")
            for c in (items if isinstance(items, list) else [items])}


def note_texts(document: dict) -> list[str]:
    return [n["notesActionComments"] for n in components(document, "notes")]


# The builder


def test_a_pending_call_is_an_eido_with_its_incident_call_and_place(alice):
    call = robbery(alice, caller_name="Ann Lee", caller_phone="816-555-0142", narrative="Man with a knife")
    document = eido_of(call)
    incident = document["incidentComponent"]
    assert incident["$id"] == f"urn:emergency:uid:incidentid:{call.number}:cad.invalid"
    assert incident["incidentTypeCommonRegistryText"] == "ROBBERY"
    assert incident["incidentStatusCommonRegistryText"] == ["Active"]
    assert incident["incidentCommonPriorityNumber"] == 1
    [place] = components(document, "location")
    assert place["locationDescriptionText"] == "310 MAIN ST"
    assert "<ca:HNO>310</ca:HNO><ca:RD>MAIN ST</ca:RD>" in place["locationByValue"]
    assert f"<gml:pos>{call.lat:.6f} {call.lon:.6f}</gml:pos>" in place["locationByValue"]
    [the_call] = components(document, "call")
    assert the_call["priorityIdentifier"] == "highest"
    assert by_id(document)[the_call["notesReference"][0]["$ref"]]["notesActionComments"] == "Man with a knife"
    assert components(document, "callback")[0]["callBackInformationUri"] == ["tel:8165550142"]
    assert components(document, "person")[0]["ncPersonComponent"]["PersonName"]["PersonFullName"] == "Ann Lee"
    assert components(document, "emergencyResource") == []
    [center] = components(document, "agency")
    assert center["incidentOwningAgencyIndicator"] is True and "psap" in center["agencyType"]


def test_a_dispatched_call_lists_each_unit_with_its_eido_status_and_agency(alice):
    call = send(robbery(alice), alice, "1A11", "S21")
    unit_status_set(unit=Unit.objects.get(callsign="1A11"), status="enroute", by=alice)
    document = eido_of(call)
    resources = {r["emergencyResourceName"]: r for r in components(document, "emergencyResource")}
    assert resources["1A11"]["primaryUnitStatusRegistryText"] == "NotAvailable"
    assert resources["1A11"]["secondaryUnitStatusRegistryText"] == ["EnRoute"]
    assert resources["S21"]["secondaryUnitStatusRegistryText"] == ["Dispatched"]
    agencies = by_id(document)
    sheriff = agencies[resources["S21"]["updatedByAgencyReference"]["$ref"]]
    assert "Responding" in sheriff["agencyRoleDescriptionRegistryText"] and "DCSO" in sheriff["agencyJcard"]
    assert document["incidentComponent"]["incidentStatusCommonRegistryText"] == [
        "Active", "ResourcesAssigned", "ResourcesEnroute"]
    assert len(components(document, "dispatch")) == 2


def test_a_closed_call_carries_its_disposition_and_its_units_cleared(alice):
    call = send(robbery(alice), alice, "1A11")
    services.call_close(call=call, disposition=Disposition.objects.get(code="02"), by=alice)
    document = eido_of(call)
    [disposition] = document["incidentComponent"]["dispositionComponent"]
    assert disposition["dispositionCommonRegistryCode"] == "02"
    assert disposition["dispositionDescriptionText"] == "No Report Taken"
    assert document["incidentComponent"]["incidentStatusCommonRegistryText"] == ["Closed"]
    [unit] = components(document, "emergencyResource")
    assert unit["secondaryUnitStatusRegistryText"] == ["Cleared"]
    assert "Call closed: Closed: 02 No Report Taken" in note_texts(document)


def test_a_duplicate_names_its_master_and_the_master_each_duplicate(alice):
    master = robbery(alice)
    duplicate = robbery(alice, "312 MAIN ST")
    services.call_link(call=duplicate, master=master, by=alice)
    [up] = eido_of(duplicate)["linkComponent"]
    assert (up["incidentTrackingIdentifier"], up["linkDirectionCode"]) == (
        f"urn:emergency:uid:incidentid:{master.number}:cad.invalid", "PARENT")
    [down] = eido_of(master)["linkComponent"]
    assert (down["incidentTrackingIdentifier"], down["linkDirectionCode"]) == (
        f"urn:emergency:uid:incidentid:{duplicate.number}:cad.invalid", "CHILD")
    assert eido_of(duplicate)["incidentComponent"]["dispositionComponent"][0][
        "dispositionCommonRegistryCode"] == "22"


def test_a_call_a_partner_sent_in_names_it_as_the_owning_agency(alice):
    nfpd = Agency.objects.get(code="NFPD")
    call = services.call_create(call_type=CallType.objects.get(code="FSTRU"),
                                location={"address": "310 MAIN ST"}, by=nfpd.service_user,
                                source=CallSource.PARTNER, sent_by=nfpd, sent_by_incident="NF-2026-77")
    agencies = {a["agencyJcard"].split('"nickname",{},"text","')[1][:4].strip('"'): a
                for a in components(eido_of(call), "agency")}
    assert agencies["NFPD"]["incidentOwningAgencyIndicator"] is True
    assert "Originating" in agencies["NFPD"]["agencyRoleDescriptionRegistryText"]
    assert agencies["CPD"]["incidentOwningAgencyIndicator"] is False


def test_the_chronology_is_the_notes_as_html_text(alice):
    call = robbery(alice)
    services.call_note_add(call=call, by=alice, text="Suspect <fled> north & east")
    texts = note_texts(eido_of(call))
    assert "Suspect &lt;fled&gt; north &amp; east" in texts
    assert any(t.startswith("Call created: ROBBERY P1 at 310 MAIN ST") for t in texts)


def test_every_unit_status_is_one_the_eido_registries_know():
    for primary, secondary in EIDO_STATUS.values():
        assert primary in registry("PrimaryUnitStatus")
        assert secondary in registry("SecondaryUnitStatus")


def test_the_validator_finds_what_is_wrong_with_an_eido(alice):
    document = eido_of(robbery(alice))
    del document["incidentComponent"]["incidentTypeCommonRegistryText"]
    document["callComponent"][0]["direction"] = "sideways"
    problems = eido_problems(document)
    assert any(p.startswith("$.incidentComponent") and "incidentTypeCommonRegistryText" in p
               for p in problems)
    assert any(p.startswith("$.callComponent[0].direction") for p in problems)


def test_an_eido_is_read_in_the_same_few_queries_however_much_the_call_holds(alice):
    small = robbery(alice)
    big = send(robbery(alice, "320 MAIN ST"), alice, "1A11", "1A12", "S21")
    for n in range(20):
        services.call_note_add(call=big, by=alice, text=f"note {n}")

    def queries(call):
        with CaptureQueriesContext(connection) as read:
            eido_build(eido_calls(Call.objects.filter(pk=call.pk)).get(), context=eido_context())
        return len(read.captured_queries)

    assert queries(big) == queries(small) <= 8


# GET calls/{id}/eido/


def test_center_staff_get_a_calls_eido_as_its_media_type(as_alice, alice):
    call = robbery(alice)
    response = as_alice.get(f"/api/v1/calls/{call.number}/eido/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(CONTENT_TYPE)
    assert response.json()["incidentComponent"]["internalIncidentId"] == call.number
    assert eido_problems(response.json()) == []


def test_a_partner_gets_the_eido_of_a_call_shared_with_it_and_404_for_any_other(alice):
    sheriff = token_client("DCSO")
    theirs = send(robbery(alice), alice, "S21")
    not_theirs = robbery(alice, "320 MAIN ST")
    assert sheriff.get(f"/api/v1/calls/{theirs.pk}/eido/").status_code == 200
    assert sheriff.get(f"/api/v1/calls/{not_theirs.pk}/eido/").status_code == 404
    assert token_client("NFPD").get(f"/api/v1/calls/{theirs.pk}/eido/").status_code == 404


# POST eido/: another center's incident


FOREIGN = "nfpd.example"
INCIDENT = f"urn:emergency:uid:incidentid:NF-2026-77:{FOREIGN}"


def foreign_eido(*, incident=INCIDENT, common="FSTRU", notes=(), narrative="Smoke from the attic",
                 civic="<ca:HNO>310</ca:HNO><ca:RD>MAIN ST</ca:RD>", priority=1) -> dict:
    """An EIDO as another center (NFPD's CAD) writes one."""
    stamp = (timezone.now() - timedelta(minutes=5)).isoformat()
    agency = f"urn:emergency:uid:agencyid:NFPD:{FOREIGN}"

    def prologue(eido_id):
        return {"$id": eido_id, "lastUpdateTimeStamp": stamp, "updatedByAgencyReference": {"$ref": agency}}

    narrative_id = f"urn:emergency:uid:noteid:narrative:{FOREIGN}"
    pidf = ('<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" '
            'xmlns:ca="urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr" entity="pres:x@nfpd.example">'
            f'<tuple id="t"><status><gp:geopriv><gp:location-info><ca:civicAddress>{civic}</ca:civicAddress>'
            '</gp:location-info></gp:geopriv></status></tuple></presence>')
    return {
        **prologue(f"urn:emergency:uid:eidoid:1:{FOREIGN}"), "eidoVersion": "1.0",
        "issuingElementIdentification": f"urn:emergency:uid:elementid:cad:{FOREIGN}",
        "incidentComponent": {**prologue(incident), "incidentTypeCommonRegistryText": common,
                              "incidentCommonPriorityNumber": priority,
                              "locationReference": [{"$ref": "loc"}]},
        "callComponent": [{**prologue("call"), "callStateRegistryText": "callEnd",
                           "standardPrimaryCallType": "emergency", "direction": "incoming",
                           "callStartTimestamp": stamp, "notesReference": [{"$ref": narrative_id}]}],
        "locationComponent": [{**prologue("loc"), "locationTypeDescriptionRegistryText": "Incident",
                               "locationByValue": pidf}],
        "notesComponent": [{**prologue(narrative_id), "notesActionComments": narrative}]
                          + [{**prologue(f"urn:emergency:uid:noteid:{i}:{FOREIGN}"),
                              "notesActionComments": text} for i, text in notes],
        "agencyComponent": [{**prologue(agency), "agencyRoleDescriptionRegistryText": ["Primary"],
                             "agencyType": ["fire"], "incidentOwningAgencyIndicator": True}],
    }


def post(client, document):
    return client.post(EIDO_URL, document, format="json")


def chronology_notes(call_id) -> list[str]:
    return list(ChronologyEntry.objects.filter(call_id=call_id, kind=ChronologyKind.NOTE)
                .order_by("at", "pk").values_list("text", flat=True))


def test_a_partners_eido_becomes_a_pending_call_sent_in_by_it(db):
    nfpd = token_client("NFPD")
    response = post(nfpd, foreign_eido(notes=[(1, "Engine 51 <b>on scene</b>"), (2, "Crew inside")]))
    assert response.status_code == 201, response.json()
    call = Call.objects.get(pk=response.json()["id"])
    assert (call.status, call.source, call.sent_by.code, call.sent_by_incident) == (
        "pending", "partner", "NFPD", INCIDENT)
    assert (call.call_type.code, call.priority_id, call.address, call.location_verified) == (
        "FSTRU", 1, "310 MAIN ST", True)
    assert call.narrative == "Smoke from the attic"
    assert chronology_notes(call.pk) == ["Engine 51 on scene", "Crew inside"]
    # It follows the call, and the call's own EIDO keeps NFPD's incident id.
    assert nfpd.get(f"/api/v1/calls/{call.pk}/").status_code == 200
    assert eido_of(call)["incidentComponent"]["$id"] == INCIDENT


def test_the_same_eido_posted_again_changes_nothing(db):
    nfpd = token_client("NFPD")
    document = foreign_eido(notes=[(1, "Engine 51 on scene")])
    first = post(nfpd, document)
    entries = ChronologyEntry.objects.filter(call_id=first.json()["id"]).count()
    again = post(nfpd, copy.deepcopy(document))
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert ChronologyEntry.objects.filter(call_id=first.json()["id"]).count() == entries
    assert Call.objects.filter(sent_by_incident=INCIDENT).count() == 1


def test_a_later_eido_of_the_incident_updates_its_call_and_adds_only_the_new_notes(db):
    nfpd = token_client("NFPD")
    call_id = post(nfpd, foreign_eido(notes=[(1, "Engine 51 on scene")])).json()["id"]
    later = foreign_eido(notes=[(1, "Engine 51 on scene"), (2, "Fire knocked down")], priority=2,
                         narrative="Smoke from the attic; all out")
    response = post(nfpd, later)
    assert response.status_code == 200
    call = Call.objects.get(pk=call_id)
    assert (call.priority_id, call.narrative) == (2, "Smoke from the attic; all out")
    assert chronology_notes(call_id) == ["Engine 51 on scene", "Fire knocked down"]
    changed = ChronologyEntry.objects.get(call_id=call_id, kind=ChronologyKind.CHANGED)
    assert set(changed.changes) == {"priority", "narrative"}
    assert CallNoteReceived.objects.filter(call_id=call_id).count() == 2


def test_an_incident_type_we_do_not_have_arrives_as_the_general_type_and_says_so(db):
    response = post(token_client("NFPD"), foreign_eido(common="TRAIN"))
    assert response.status_code == 201
    assert response.json()["call_type"]["code"] == "ASSIST"
    assert any("incident type TRAIN maps to no call type here: entered as ASSIST" in n
               for n in chronology_notes(response.json()["id"]))


def test_an_eido_that_does_not_validate_is_refused_with_the_validators_reasons(db):
    document = foreign_eido()
    del document["eidoVersion"]
    document["callComponent"][0]["direction"] = "sideways"
    calls = Call.objects.count()
    response = post(token_client("NFPD"), document)
    assert response.status_code == 400
    reasons = response.json()["eido"]
    assert any("'eidoVersion' is a required property" in r for r in reasons)
    assert any(r.startswith("$.callComponent[0].direction") for r in reasons)
    assert Call.objects.count() == calls


@pytest.mark.parametrize("body", [[], "an eido", {"eidoVersion": "1.0"}])
def test_anything_but_an_eido_object_is_a_400(db, body):
    response = token_client("NFPD").post(EIDO_URL, body, format="json")
    assert response.status_code == 400 and "eido" in response.json()


def test_an_incident_with_no_place_is_refused(db):
    document = foreign_eido()
    del document["locationComponent"][0]["locationByValue"]
    response = post(token_client("NFPD"), document)
    assert response.status_code == 400 and "locationComponent" in response.json()


def test_an_eido_in_its_own_media_type_is_taken(db):
    response = token_client("NFPD").post(EIDO_URL, json.dumps(foreign_eido()), content_type=CONTENT_TYPE)
    assert response.status_code == 201


def test_a_partner_updates_one_of_our_calls_it_may_see_and_gets_404_for_one_it_may_not(alice):
    ours = send(robbery(alice), alice, "S21")
    hidden = robbery(alice, "320 MAIN ST")
    sheriff = token_client("DCSO")
    update = eido_of(ours)
    update["notesComponent"].append({**{k: update["notesComponent"][0][k] for k in (
        "lastUpdateTimeStamp", "updatedByAgencyReference")}, "$id": "urn:emergency:uid:noteid:9:dcso.example",
        "notesActionComments": "Deputy S21 has the suspect"})
    response = post(sheriff, update)
    assert response.status_code == 200 and response.json()["id"] == ours.pk
    assert chronology_notes(ours.pk) == ["Deputy S21 has the suspect"]  # our own lines are not added back
    assert post(sheriff, eido_of(hidden)).status_code == 404
    assert chronology_notes(hidden.pk) == []


def test_notes_for_a_closed_call_arrive_as_supplements(db, alice):
    nfpd = token_client("NFPD")
    call = Call.objects.get(pk=post(nfpd, foreign_eido()).json()["id"])
    services.call_close(call=call, disposition=Disposition.objects.get(code="02"), by=alice)
    response = post(nfpd, foreign_eido(notes=[(3, "Investigator on the way")], narrative="changed later"))
    assert response.status_code == 200
    supplement = ChronologyEntry.objects.get(call=call, kind=ChronologyKind.SUPPLEMENT)
    assert supplement.text == "Investigator on the way"
    # A closed record is not rewritten.
    assert Call.objects.get(pk=call.pk).narrative == "Smoke from the attic"


def test_dispatchers_may_post_an_eido_and_records_clerks_may_not(as_alice, as_carol):
    assert post(as_carol, foreign_eido()).status_code == 403
    response = post(as_alice, foreign_eido())
    assert response.status_code == 201
    # The EIDO says NFPD owns the incident: the call is NFPD's to follow.
    assert Call.objects.get(pk=response.json()["id"]).sent_by.code == "NFPD"


def test_ids_are_urns_of_this_centers_domain(alice, settings):
    settings.CAD_EIDO_DOMAIN = "psap.example.gov"
    document = eido_of(robbery(alice))
    ids = [c["$id"] for c in by_id(document).values()]
    assert all(re.fullmatch(r"urn:emergency:uid:[a-z]+:[^:]+:psap\.example\.gov", i) for i in ids), ids
