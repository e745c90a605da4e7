import re

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cad.exceptions import Conflict, Invalid
from cad.history import AppendOnlyError
from calls import services
from calls.choices import CallStatus, ChronologyKind
from calls.models import Assignment, CallType, ChronologyEntry, Disposition, Priority
from units.choices import UnitStatus
from units.models import Unit, UnitStatusChange
from units.services import unit_status_set


def new_call(by, code="ROBBERY", address="310 MAIN ST", **kwargs):
    return services.call_create(
        call_type=CallType.objects.get(code=code), location={"address": address}, by=by, **kwargs
    )


def unit(callsign):
    return Unit.objects.get(callsign=callsign)


def kinds(call):
    return list(call.chronology.order_by("at", "id").values_list("kind", flat=True))


def test_a_new_call_gets_a_year_number_its_type_priority_and_the_beat(alice):
    call = new_call(alice, narrative="Clerk robbed at gunpoint")
    assert re.fullmatch(rf"{timezone.now().year}-\d{{6}}", call.number)
    assert call.priority_id == 1
    assert call.status == CallStatus.PENDING
    assert (call.address, call.beat.code, call.location_verified) == ("310 MAIN ST", "1", True)
    assert call.entered_at is not None and call.received_at <= call.entered_at
    entry = call.chronology.get()
    assert (entry.kind, entry.by) == (ChronologyKind.CREATED, alice)


def test_call_numbers_follow_each_other(alice):
    first, second = new_call(alice), new_call(alice)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1


def test_an_unknown_address_is_kept_but_marked_unverified(alice):
    call = new_call(alice, address="9999 nowhere lane")
    assert call.address == "9999 NOWHERE LANE"
    assert call.location_verified is False
    assert call.beat is None
    assert "not verified" in call.chronology.get().text


def test_coordinates_alone_name_the_nearest_address_and_the_beat(alice):
    call = services.call_create(
        call_type=CallType.objects.get(code="MVA"), location={"lat": 39.0100, "lon": -94.2850}, by=alice
    )
    assert call.beat.code == "1"
    assert "MAIN ST" in call.address or "3RD AVE" in call.address
    assert call.location_verified is False


def test_the_priority_can_be_overridden(alice):
    call = new_call(alice, code="NOISE", priority=Priority.objects.get(level=2))
    assert call.priority_id == 2


def test_a_received_time_in_the_future_is_refused(alice):
    with pytest.raises(Invalid):
        new_call(alice, received_at=timezone.now() + timezone.timedelta(hours=1))


def test_each_changed_field_is_logged_old_and_new(alice, bob):
    call = new_call(alice, caller_name="Pat")
    services.call_update(call=call, by=bob, caller_name="Pat Doe", priority=Priority.objects.get(level=2))
    entry = call.chronology.get(kind=ChronologyKind.CHANGED)
    assert entry.by == bob
    assert entry.changes["caller_name"] == ["Pat", "Pat Doe"]
    assert entry.changes["priority"][1].startswith("P2")
    call.refresh_from_db()
    assert call.priority_id == 2


def test_an_update_that_changes_nothing_logs_nothing(alice):
    call = new_call(alice, caller_name="Pat")
    services.call_update(call=call, by=alice, caller_name="Pat")
    assert kinds(call) == [ChronologyKind.CREATED]


def test_moving_a_call_relooks_up_its_location(alice):
    call = new_call(alice)
    services.call_update(call=call, by=alice, location={"intersection": "PINE / 7TH"})
    call.refresh_from_db()
    assert call.address == "PINE ST / 7TH AVE"
    assert call.beat.code == "6"
    assert "address" in call.chronology.get(kind=ChronologyKind.CHANGED).changes


def test_a_closed_call_cannot_be_edited(alice):
    call = new_call(alice)
    services.call_close(call=call, disposition=Disposition.objects.get(code="02"), by=alice)
    with pytest.raises(Conflict):
        services.call_update(call=call, by=alice, narrative="rewrite")


def test_a_note_is_stamped_with_who_and_when(alice):
    call = new_call(alice)
    entry = services.call_note_add(call=call, by=alice, text="Suspect wore a red hoodie")
    assert (entry.kind, entry.by, entry.text) == (ChronologyKind.NOTE, alice, "Suspect wore a red hoodie")


def test_an_empty_note_is_refused(alice):
    with pytest.raises(Invalid):
        services.call_note_add(call=new_call(alice), by=alice, text="   ")


def test_dispatch_assigns_the_unit_and_stamps_the_call(alice):
    call = services.call_dispatch(call=new_call(alice), units=[unit("1A12")], by=alice)
    assert call.status == CallStatus.DISPATCHED
    assert call.dispatched_at is not None
    u = unit("1A12")
    assert (u.status, u.current_call_id, u.current_call_number) == (
        UnitStatus.DISPATCHED, call.pk, call.number)
    assignment = Assignment.objects.get(call=call)
    assert (assignment.unit, assignment.dispatched_by) == (u, alice)
    history = UnitStatusChange.objects.filter(unit=u).first()
    assert (history.from_status, history.to_status, history.call_number) == ("available", "dispatched",
                                                                              call.number)


def test_a_busy_unit_is_refused_and_nothing_is_dispatched(alice):
    first = services.call_dispatch(call=new_call(alice), units=[unit("1A12")], by=alice)
    second = new_call(alice)
    with pytest.raises(Conflict, match="1A12"):
        services.call_dispatch(call=second, units=[unit("1A11"), unit("1A12")], by=alice)
    assert unit("1A11").status == UnitStatus.AVAILABLE
    assert not Assignment.objects.filter(call=second).exists()
    assert (unit("1A12").current_call_id, unit("1A12").current_call_number) == (first.pk, first.number)


@pytest.mark.parametrize("status", [UnitStatus.OUT_OF_SERVICE, UnitStatus.OFF_DUTY])
def test_a_unit_out_of_service_or_off_duty_cannot_be_dispatched(alice, status):
    unit_status_set(unit=unit("2A11"), status=status, by=alice)
    with pytest.raises(Conflict):
        services.call_dispatch(call=new_call(alice), units=[unit("2A11")], by=alice)


def test_a_closed_call_cannot_be_dispatched(alice):
    call = new_call(alice)
    services.call_close(call=call, disposition=Disposition.objects.get(code="10"), by=alice)
    with pytest.raises(Conflict):
        services.call_dispatch(call=call, units=[unit("1A11")], by=alice)


def test_en_route_and_on_scene_stamp_the_assignment_and_the_call_once(alice):
    call = services.call_dispatch(call=new_call(alice), units=[unit("1A11"), unit("1A12")], by=alice)
    unit_status_set(unit=unit("1A11"), status="enroute", by=alice)
    call.refresh_from_db()
    assert call.status == CallStatus.ENROUTE
    first_enroute = call.enroute_at
    unit_status_set(unit=unit("1A12"), status="enroute", by=alice)
    unit_status_set(unit=unit("1A12"), status="onscene", by=alice)
    call.refresh_from_db()
    assert call.status == CallStatus.ONSCENE
    assert call.enroute_at == first_enroute
    a = Assignment.objects.get(call=call, unit__callsign="1A12")
    assert a.enroute_at is not None and a.onscene_at >= a.enroute_at


def test_the_last_unit_clearing_leaves_the_call_open_for_the_dispatcher(alice):
    call = services.call_dispatch(call=new_call(alice), units=[unit("1A11")], by=alice)
    for status in ("enroute", "onscene", "available"):
        unit_status_set(unit=unit("1A11"), status=status, by=alice)
    call.refresh_from_db()
    assert call.status == CallStatus.CLEARED
    assert call.closed_at is None
    assert (unit("1A11").current_call_id, unit("1A11").current_call_number) == (None, "")
    assert Assignment.objects.get(call=call).cleared_at is not None


def test_a_unit_cancelled_before_arrival_puts_the_call_back_in_the_queue(alice):
    call = services.call_dispatch(call=new_call(alice), units=[unit("1A11")], by=alice)
    unit_status_set(unit=unit("1A11"), status="available", by=alice)
    call.refresh_from_db()
    assert call.status == CallStatus.PENDING


@pytest.mark.parametrize(
    "start, to",
    [("available", "onscene"), ("available", "enroute"), ("available", "transporting"),
     ("dispatched", "at_hospital"), ("off_duty", "onscene")],
)
def test_disallowed_transitions_are_refused(alice, start, to):
    u = unit("3A11")
    if start == "dispatched":
        services.call_dispatch(call=new_call(alice), units=[u], by=alice)
    elif start != "available":
        unit_status_set(unit=u, status=start, by=alice)
    with pytest.raises(Conflict):
        unit_status_set(unit=unit("3A11"), status=to, by=alice)
    assert unit("3A11").status == start


def test_dispatched_is_reached_only_by_dispatching(alice):
    with pytest.raises(Conflict):
        unit_status_set(unit=unit("3A11"), status="dispatched", by=alice)


def test_an_unknown_status_is_invalid(alice):
    with pytest.raises(Invalid):
        unit_status_set(unit=unit("3A11"), status="napping", by=alice)


def test_a_medic_transports_and_reaches_the_hospital(alice):
    call = services.call_dispatch(call=new_call(alice, code="CARDIAC"), units=[unit("M1")], by=alice)
    for status in ("enroute", "onscene", "transporting", "at_hospital"):
        unit_status_set(unit=unit("M1"), status=status, by=alice)
    a = Assignment.objects.get(call=call)
    assert a.transporting_at is not None and a.at_hospital_at >= a.transporting_at
    call.refresh_from_db()
    assert call.status == CallStatus.ONSCENE


def test_closing_clears_the_units_still_on_the_call(alice, bob):
    call = services.call_dispatch(call=new_call(alice), units=[unit("1A11"), unit("1A12")], by=alice)
    unit_status_set(unit=unit("1A11"), status="enroute", by=alice)
    call = services.call_close(call=call, disposition=Disposition.objects.get(code="03"), by=bob,
                               text="One in custody")
    assert call.status == CallStatus.CLOSED
    assert call.disposition.code == "03"
    assert {unit("1A11").status, unit("1A12").status} == {UnitStatus.AVAILABLE}
    assert not Assignment.objects.filter(call=call, cleared_at__isnull=True).exists()
    closing = call.chronology.get(kind=ChronologyKind.CLOSED)
    assert closing.by == bob and "One in custody" in closing.text


def test_closing_twice_is_a_conflict(alice):
    call = new_call(alice)
    services.call_close(call=call, disposition=Disposition.objects.get(code="02"), by=alice)
    with pytest.raises(Conflict):
        services.call_close(call=call, disposition=Disposition.objects.get(code="02"), by=alice)


def test_reopening_puts_the_call_back_and_keeps_its_history(alice):
    call = new_call(alice)
    services.call_close(call=call, disposition=Disposition.objects.get(code="02"), by=alice)
    call = services.call_reopen(call=call, by=alice, reason="Caller called back")
    assert call.status == CallStatus.PENDING
    assert (call.closed_at, call.disposition) == (None, None)
    assert kinds(call) == [ChronologyKind.CREATED, ChronologyKind.CLOSED, ChronologyKind.REOPENED]
    assert call.chronology.get(kind=ChronologyKind.REOPENED).changes["disposition"] == ["02", None]


def test_reopening_an_open_call_is_a_conflict(alice):
    with pytest.raises(Conflict):
        services.call_reopen(call=new_call(alice), by=alice)


def test_a_duplicate_is_linked_closed_as_22_and_tells_the_master(alice):
    master = new_call(alice, code="MVAINJY", address="130 MAIN ST")
    duplicate = new_call(alice, code="MVAINJY", address="150 MAIN ST",
                         caller_name="Lee", caller_phone="816-555-0199", narrative="Two cars, one smoking")
    services.call_link(call=duplicate, master=master, by=alice)
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.disposition.code, duplicate.master) == ("closed", "22", master)
    told = master.chronology.get(kind=ChronologyKind.DUPLICATE_ADDED).text
    assert duplicate.number in told and "Lee" in told and "one smoking" in told


def test_reopening_a_duplicate_unlinks_it(alice):
    master, duplicate = new_call(alice), new_call(alice)
    services.call_link(call=duplicate, master=master, by=alice)
    services.call_reopen(call=duplicate, by=alice)
    duplicate.refresh_from_db()
    assert duplicate.master is None
    assert duplicate.status == CallStatus.PENDING


def test_a_call_cannot_duplicate_itself_or_a_closed_call(alice):
    call, closed = new_call(alice), new_call(alice)
    services.call_close(call=closed, disposition=Disposition.objects.get(code="02"), by=alice)
    with pytest.raises(Invalid):
        services.call_link(call=call, master=call, by=alice)
    with pytest.raises(Conflict):
        services.call_link(call=call, master=closed, by=alice)


def test_the_chronology_cannot_be_rewritten_or_deleted(alice):
    entry = new_call(alice).chronology.get()
    entry.text = "something else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        ChronologyEntry.objects.filter(pk=entry.pk).update(text="something else")
    with pytest.raises(AppendOnlyError):
        ChronologyEntry.objects.filter(pk=entry.pk).delete()
    assert ChronologyEntry.objects.get(pk=entry.pk).text != "something else"


def test_unit_history_cannot_be_rewritten(alice):
    unit_status_set(unit=unit("4A11"), status="out_of_service", by=alice)
    change = UnitStatusChange.objects.filter(unit__callsign="4A11").first()
    change.to_status = "available"
    with pytest.raises(AppendOnlyError):
        change.save()
    with pytest.raises(AppendOnlyError):
        UnitStatusChange.objects.filter(unit__callsign="4A11").delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize("sql", [
    "UPDATE calls_chronologyentry SET text = 'rewritten' WHERE id = %s",
    "DELETE FROM calls_chronologyentry WHERE id = %s",
])
def test_even_raw_sql_cannot_rewrite_the_chronology_on_postgresql(alice, sql):
    entry = new_call(alice).chronology.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
        c.execute(sql, [entry.pk])
    assert ChronologyEntry.objects.get(pk=entry.pk).text == entry.text


def test_a_call_with_a_medic_transporting_cannot_be_closed_under_it(alice):
    call = services.call_dispatch(call=new_call(alice, code="CARDIAC"), units=[unit("M1"), unit("E1")],
                                  by=alice)
    for status in ("enroute", "onscene", "transporting"):
        unit_status_set(unit=unit("M1"), status=status, by=alice)
    with pytest.raises(Conflict, match="M1 is transporting"):
        services.call_close(call=call, disposition=Disposition.objects.get(code="45"), by=alice)
    assert unit("M1").status == UnitStatus.TRANSPORTING
    assert unit("E1").status == UnitStatus.DISPATCHED
    unit_status_set(unit=unit("M1"), status="available", by=alice)
    services.call_close(call=call, disposition=Disposition.objects.get(code="45"), by=alice)
    assert unit("E1").status == UnitStatus.AVAILABLE


def test_units_on_a_duplicate_move_to_the_master_and_keep_working(alice):
    master = new_call(alice, code="MVAINJY", address="130 MAIN ST")
    duplicate = services.call_dispatch(call=new_call(alice, code="MVAINJY", address="150 MAIN ST"),
                                       units=[unit("4A11")], by=alice)
    unit_status_set(unit=unit("4A11"), status="enroute", by=alice)
    unit_status_set(unit=unit("4A11"), status="onscene", by=alice)

    services.call_link(call=duplicate, master=master, by=alice)

    master.refresh_from_db()
    u = unit("4A11")
    assert (u.status, u.current_call_id, u.current_call_number) == (
        UnitStatus.ONSCENE, master.pk, master.number)
    assert master.status == CallStatus.ONSCENE and master.onscene_at is not None
    moved = Assignment.objects.get(call=master, unit=u)
    assert moved.cleared_at is None and moved.onscene_at is not None
    assert "4A11 moved from duplicate" in " ".join(master.chronology.values_list("text", flat=True))
    unit_status_set(unit=u, status="available", by=alice)
    master.refresh_from_db()
    assert master.status == CallStatus.CLEARED


def test_a_reopened_call_whose_new_unit_is_cancelled_goes_back_to_the_queue(alice):
    call = services.call_dispatch(call=new_call(alice), units=[unit("5A12")], by=alice)
    for status in ("enroute", "onscene", "available"):
        unit_status_set(unit=unit("5A12"), status=status, by=alice)
    services.call_close(call=call, disposition=Disposition.objects.get(code="02"), by=alice)
    services.call_reopen(call=call, by=alice)
    services.call_dispatch(call=call, units=[unit("5A12")], by=alice)
    unit_status_set(unit=unit("5A12"), status="available", by=alice)
    call.refresh_from_db()
    assert call.status == CallStatus.PENDING


def test_a_note_marks_the_call_as_changed(alice):
    call = new_call(alice)
    before = call.updated_at
    services.call_note_add(call=call, by=alice, text="Caller called back")
    call.refresh_from_db()
    assert call.updated_at > before


def test_a_reopened_master_that_takes_a_worked_duplicate_waits_for_its_disposition(alice):
    master = new_call(alice)
    services.call_close(call=master, disposition=Disposition.objects.get(code="02"), by=alice)
    duplicate = services.call_dispatch(call=new_call(alice), units=[unit("1A12")], by=alice)
    unit_status_set(unit=unit("1A12"), status="enroute", by=alice)
    unit_status_set(unit=unit("1A12"), status="onscene", by=alice)
    services.call_reopen(call=master, by=alice)
    services.call_link(call=duplicate, master=master, by=alice)
    unit_status_set(unit=unit("1A12"), status="available", by=alice)
    master.refresh_from_db()
    assert master.status == CallStatus.CLEARED


def test_a_master_never_shows_units_sent_before_it_was_received(alice):
    duplicate = services.call_dispatch(call=new_call(alice), units=[unit("1A12")], by=alice)
    master = new_call(alice)
    services.call_link(call=duplicate, master=master, by=alice)
    master.refresh_from_db()
    assert master.dispatched_at >= master.received_at


def test_linking_and_unlinking_mark_the_master_changed(alice):
    master, duplicate = new_call(alice), new_call(alice)
    before = master.updated_at
    services.call_link(call=duplicate, master=master, by=alice)
    master.refresh_from_db()
    linked = master.updated_at
    assert linked > before
    services.call_reopen(call=duplicate, by=alice)
    master.refresh_from_db()
    assert master.updated_at > linked
