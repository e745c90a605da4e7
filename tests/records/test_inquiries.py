"""Inquiries: local records first, then the state system (simulated in the demo, and labelled so);
every inquiry kept and on the audit trail with its purpose and result."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cad.exceptions import Forbidden, Invalid
from cad.models import Agency
from cad.settings import envdotted
from calls.models import ChronologyEntry
from records.inquiries import services
from records.inquiries.adapters import SIMULATED_SOURCE, AdapterUnavailable, InquiryAdapter, adapters
from records.inquiries.models import Inquiry, MissingPerson, Vehicle
from records.models import AuditEntry
from tests.records.inquiries import bolo, wanted
from tests.records.test_supplements import new_call


def person_inquiry(by, **terms):
    return services.inquiry_make(kind="person", terms=terms, purpose="C", by=by, reason="traffic stop")


def test_a_name_with_an_active_warrant_returns_the_hit_with_its_caution_codes(alice, carol):
    warrant = wanted(carol)

    inquiry = person_inquiry(alice, last="quillfeather", first="Orson", dob=date(1981, 3, 9))

    assert inquiry.hit_count == 1
    [hit] = inquiry.hits
    assert hit["type"] == "warrant"
    assert hit["caution_codes"] == ["ARMED", "VIOLENT"]
    assert hit["cautions"] == ["Armed and dangerous", "Violent tendencies"]
    assert "T-26-0001" in hit["summary"] and hit["simulated"] is False
    assert hit["ids"] == {"warrant": warrant.pk, "person": warrant.person_id}


def test_a_served_warrant_is_no_longer_a_hit(alice, carol):
    warrant = wanted(carol)
    services.warrant_status_set(warrant=warrant, status="served", by=carol)

    assert person_inquiry(alice, last="QUILLFEATHER", first="ORSON").hit_count == 0
    warrant.refresh_from_db()
    assert warrant.status_by == carol and warrant.status_at is not None


def test_every_inquiry_is_an_audit_entry_with_who_what_purpose_and_result(alice, carol):
    wanted(carol)

    inquiry = person_inquiry(alice, last="QUILLFEATHER", first="ORSON")

    entry = AuditEntry.objects.get(action="inquiry", object=f"inquiry:{inquiry.pk}")
    assert entry.username == "dispatcher1"
    assert entry.detail["purpose"] == "C"
    assert entry.detail["reason"] == "traffic stop"
    assert entry.detail["terms"] == {"last": "QUILLFEATHER", "first": "ORSON"}
    assert entry.detail["result"] == "1 hit: warrant"
    assert entry.detail["hits"][0]["caution_codes"] == ["ARMED", "VIOLENT"]


def test_an_inquiry_that_finds_nothing_is_kept_and_audited_all_the_same(alice):
    inquiry = person_inquiry(alice, last="NOBODYKNOWN")

    assert inquiry.summary == "No record found"
    assert AuditEntry.objects.filter(action="inquiry", object=f"inquiry:{inquiry.pk}").exists()


@pytest.mark.parametrize("purpose", ["", None, "Z"])
def test_an_inquiry_without_a_purpose_is_refused_and_nothing_is_kept(alice, purpose):
    before = Inquiry.objects.count()

    with pytest.raises(Invalid) as refused:
        services.inquiry_make(kind="person", terms={"last": "SMITH"}, purpose=purpose, by=alice)

    assert "purpose" in refused.value.detail
    assert Inquiry.objects.count() == before
    assert not AuditEntry.objects.filter(action="inquiry", detail__terms__last="SMITH").exists()


def test_local_hits_come_before_the_state_systems_hits(alice, carol):
    wanted(carol, last="MARSH", first="DALE", dob=date(1975, 6, 14), number="T-26-0002", codes=["ESCAPE"])

    inquiry = person_inquiry(alice, last="MARSH", first="DALE", dob=date(1975, 6, 14))

    assert [(h["source"], h["simulated"]) for h in inquiry.hits] == [
        ("Local records", False), (SIMULATED_SOURCE, True)]


def test_the_simulated_state_systems_stolen_plate_is_labelled_simulated(alice):
    inquiry = services.inquiry_make(kind="vehicle", terms={"plate": "ks-4471", "state": "ks"}, purpose="C",
                                    by=alice)

    [hit] = inquiry.hits
    assert hit["type"] == "stolen_vehicle"
    assert hit["simulated"] is True
    assert hit["source"] == "Simulated state system (not a real MULES/NCIC connection)"
    assert hit["summary"].startswith("SIMULATED")
    assert "SIMULATED" in inquiry.summary


def test_a_stolen_vehicle_entered_by_a_dispatcher_is_found_by_plate_and_by_vin(alice, bob):
    vehicle = services.vehicle_stolen_enter(plate="tst 901", state="mo", vin="1hgcm82633a004352",
                                            make="Honda", model="Accord", colour="Blue", case_number="26-5",
                                            by=bob)

    assert (vehicle.plate, vehicle.plate_state, vehicle.vin) == ("TST901", "MO", "1HGCM82633A004352")
    assert vehicle.entered_by == bob
    assert AuditEntry.objects.filter(action="vehicle.stolen", object=f"vehicle:{vehicle.pk}",
                                     username="dispatcher2").exists()
    by_plate = services.inquiry_make(kind="vehicle", terms={"plate": "TST901", "state": "MO"}, purpose="C",
                                     by=alice)
    by_vin = services.inquiry_make(kind="vehicle", terms={"vin": "1HGCM82633A004352"}, purpose="C", by=alice)
    assert [h["ids"] for h in by_plate.hits] == [{"vehicle": vehicle.pk}]
    assert [h["ids"] for h in by_vin.hits] == [{"vehicle": vehicle.pk}]


def test_a_recovered_vehicle_is_no_longer_a_hit(alice, carol):
    vehicle = services.vehicle_stolen_enter(plate="TST902", state="MO", stolen_at=timezone.now()
                                            - timedelta(days=2), by=carol)
    vehicle.recovered_at = timezone.now()
    services.vehicle_save(vehicle=vehicle, by=carol)

    inquiry = services.inquiry_make(kind="vehicle", terms={"plate": "TST902", "state": "MO"}, purpose="C",
                                    by=alice)
    assert inquiry.hit_count == 0


def test_entering_a_stolen_vehicle_with_a_bad_vin_or_plate_saves_nothing(carol):
    with pytest.raises(Invalid) as refused:
        services.vehicle_stolen_enter(plate="TOO-LONG-PLATE", state="XX", vin="1HGCM82643A004351", by=carol)

    assert set(refused.value.detail) == {"plate", "plate_state", "vin"}
    assert not Vehicle.objects.filter(case_number="", make="").filter(plate__startswith="TOO").exists()


def test_a_missing_endangered_person_is_entered_audited_and_found(alice, carol):
    missing = services.missing_person_enter(
        last="Tremblewood", first="Ivy", dob=date(2012, 5, 1), category="endangered",
        missing_since=timezone.now() - timedelta(hours=3), last_seen="Lakeview Park", by=alice)

    assert AuditEntry.objects.filter(action="missing_person.enter", object=f"missingperson:{missing.pk}",
                                     username="dispatcher1").exists()
    inquiry = person_inquiry(carol, last="TREMBLEWOOD", first="IVY")
    assert [h["type"] for h in inquiry.hits] == ["missing_person"]
    assert "endangered" in inquiry.hits[0]["summary"]


def test_a_missing_person_born_in_the_future_is_refused(carol):
    with pytest.raises(Invalid) as refused:
        services.missing_person_enter(
            last="Tremblewood", first="Ivy", dob=timezone.localdate() + timedelta(days=3), category="lost",
            missing_since=timezone.now() + timedelta(days=1), last_seen="Park", by=carol)

    assert set(refused.value.detail) == {"date_of_birth", "missing_since"}
    assert not MissingPerson.objects.filter(last_name="TREMBLEWOOD").exists()


def test_an_unexpired_bolo_matches_the_plate_and_an_expired_one_does_not(alice, carol):
    live = bolo(carol, plate="TST903")
    bolo(carol, plate="TST904", issued_at=timezone.now() - timedelta(days=3),
         expires_at=timezone.now() - timedelta(days=1))

    assert [h["ids"] for h in services.inquiry_make(
        kind="vehicle", terms={"plate": "TST903"}, purpose="C", by=alice).hits] == [{"bolo": live.pk}]
    assert services.inquiry_make(kind="vehicle", terms={"plate": "TST904"}, purpose="C", by=alice).hits == []


def test_a_bolo_must_expire_after_it_is_issued(carol):
    with pytest.raises(Invalid) as refused:
        bolo(carol, expires_at=timezone.now() - timedelta(hours=2))

    assert "expires_at" in refused.value.detail


def test_a_partners_program_may_not_enter_records(carol):
    partner = Agency.objects.get(code="DCSO").service_user
    with pytest.raises(Forbidden):
        services.vehicle_stolen_enter(plate="TST905", state="MO", by=partner)


def test_attaching_a_hit_puts_it_on_the_calls_chronology_cautions_first(alice, carol):
    wanted(carol)
    call = new_call(alice)
    inquiry = person_inquiry(alice, last="QUILLFEATHER")

    entry = services.inquiry_hit_attach(inquiry=inquiry, hit=0, call=call, by=alice)

    assert ChronologyEntry.objects.get(pk=entry.pk).call_id == call.pk
    assert entry.text.startswith("Inquiry hit: CAUTION ARMED, VIOLENT: Warrant T-26-0001")
    assert AuditEntry.objects.filter(action="inquiry.attach", object=f"inquiry:{inquiry.pk}",
                                     detail__call=call.number).exists()


def test_an_inquiry_row_is_never_edited(alice):
    inquiry = person_inquiry(alice, last="NOBODYKNOWN")
    inquiry.summary = "changed"

    with pytest.raises(Exception, match="append-only"):
        inquiry.save()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_a_raw_change_to_an_inquiry(alice):
    inquiry = person_inquiry(alice, last="NOBODYKNOWN")

    for sql in ("UPDATE records_inquiry SET summary = 'nothing to see' WHERE id = %s",
                "DELETE FROM records_inquiry WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [inquiry.pk])
    assert Inquiry.objects.get(pk=inquiry.pk).summary == "No record found"


def test_the_demo_city_has_a_record_for_each_kind_of_hit(alice):
    holloway = person_inquiry(alice, last="HOLLOWAY", first="RAY", dob=date(1984, 7, 19))
    wells = person_inquiry(alice, last="WELLS", first="AVA")
    stolen = services.inquiry_make(kind="vehicle", terms={"plate": "MOX4521", "state": "MO"}, purpose="C",
                                   by=alice)
    wanted_car = services.inquiry_make(kind="vehicle", terms={"plate": "8TRX552"}, purpose="C", by=alice)

    assert [(h["type"], h["caution_codes"]) for h in holloway.hits] == [("warrant", ["ARMED", "VIOLENT"])]
    assert [h["type"] for h in wells.hits] == ["missing_person"] and "endangered" in wells.hits[0]["summary"]
    assert [h["type"] for h in stolen.hits] == ["stolen_vehicle"]
    assert [h["type"] for h in wanted_car.hits] == ["bolo"]


class BrokenSwitch(InquiryAdapter):
    name = "Broken state switch"

    def person(self, *, last, first, dob):
        raise AdapterUnavailable("the line to the state is down")


@pytest.fixture
def broken_state_system(settings):
    settings.CAD_INQUIRY_ADAPTERS = ["tests.records.test_inquiries.BrokenSwitch"]
    adapters.cache_clear()
    yield
    adapters.cache_clear()


def test_a_state_system_that_fails_costs_nothing_of_the_local_answer(alice, carol, broken_state_system):
    wanted(carol)

    inquiry = person_inquiry(alice, last="QUILLFEATHER")

    assert [h["type"] for h in inquiry.hits] == ["warrant"]
    assert inquiry.summary == "1 hit: warrant; not answered: Broken state switch"
    entry = AuditEntry.objects.get(action="inquiry", object=f"inquiry:{inquiry.pk}")
    assert entry.detail["unanswered"] == ["Broken state switch"]


def test_the_adapters_setting_takes_dotted_paths_or_nothing_and_stops_on_anything_else(monkeypatch):
    monkeypatch.setenv("CAD_INQUIRY_ADAPTERS", " a.b.C , d.e.F ")
    assert envdotted("CAD_INQUIRY_ADAPTERS", "x.Y") == ["a.b.C", "d.e.F"]
    monkeypatch.setenv("CAD_INQUIRY_ADAPTERS", "")
    assert envdotted("CAD_INQUIRY_ADAPTERS", "x.Y") == []
    monkeypatch.setenv("CAD_INQUIRY_ADAPTERS", "records/inquiries.py")
    with pytest.raises(ImproperlyConfigured, match="CAD_INQUIRY_ADAPTERS"):
        envdotted("CAD_INQUIRY_ADAPTERS", "x.Y")


class WatchedSwitch(InquiryAdapter):
    """Notes how many transactions were open when it was asked."""

    name = "Watched state switch"
    depths: list[int] = []

    def person(self, *, last, first, dob):
        WatchedSwitch.depths.append(len(connection.atomic_blocks))
        return []


def test_a_state_system_is_asked_outside_the_inquirys_transaction(alice, settings):
    settings.CAD_INQUIRY_ADAPTERS = ["tests.records.test_inquiries.WatchedSwitch"]
    adapters.cache_clear()
    WatchedSwitch.depths = []
    outside = len(connection.atomic_blocks)  # the test's own
    try:
        inquiry = person_inquiry(alice, last="NOBODY")
    finally:
        adapters.cache_clear()

    # A slow switch holds no transaction (nor the audit chain's lock) open while it answers.
    assert WatchedSwitch.depths == [outside]
    assert inquiry.summary == "No record found"
