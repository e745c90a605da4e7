"""Races that real dispatch floors produce, run on PostgreSQL with real threads and connections."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections

from cad.exceptions import Conflict
from calls import services
from calls.models import Assignment, Call, CallType
from units.choices import UnitStatus
from units.models import Unit, UnitStatusChange
from units.services import unit_status_set

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL); CI runs it"
)


def run_together(count: int, work):
    """Start `count` workers at one barrier so their transactions really overlap."""
    barrier = threading.Barrier(count)

    def worker(i):
        try:
            barrier.wait()
            return work(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(worker, range(count)))


def test_fifty_dispatchers_racing_for_one_unit_exactly_one_wins(seeded_transactional_db):
    alice = get_user_model().objects.get(username="dispatcher1")
    robbery = CallType.objects.get(code="ROBBERY")
    calls = [
        services.call_create(call_type=robbery, location={"address": "310 MAIN ST"}, by=alice)
        for _ in range(50)
    ]
    unit = Unit.objects.get(callsign="1A12")

    def dispatch(i):
        try:
            services.call_dispatch(call=calls[i], units=[unit], by=alice)
            return "won"
        except Conflict:
            return "conflict"

    outcomes = run_together(50, dispatch)

    assert outcomes.count("won") == 1
    assert outcomes.count("conflict") == 49
    assert Assignment.objects.filter(unit=unit).count() == 1
    winner = Assignment.objects.get(unit=unit).call
    unit.refresh_from_db()
    assert (unit.status, unit.current_call_id, unit.current_call_number) == (
        UnitStatus.DISPATCHED, winner.pk, winner.number)
    assert UnitStatusChange.objects.filter(unit=unit).count() == 1
    assert Call.objects.filter(status="dispatched").count() == 1


def test_call_numbers_stay_unique_and_gap_free_under_concurrent_entry(seeded_transactional_db):
    alice = get_user_model().objects.get(username="dispatcher1")
    fight = CallType.objects.get(code="FIGHT")

    def create(i):
        return services.call_create(
            call_type=fight, location={"address": f"{110 + (i % 4) * 20} MAIN ST"}, by=alice
        ).number

    numbers = run_together(40, create)

    assert len(set(numbers)) == 40
    sequence = sorted(int(n.split("-")[1]) for n in numbers)
    assert sequence == list(range(sequence[0], sequence[0] + 40))


def test_a_unit_status_change_racing_a_close_never_leaves_it_on_a_closed_call(seeded_transactional_db):
    from calls.models import Disposition

    alice = get_user_model().objects.get(username="dispatcher1")
    robbery = CallType.objects.get(code="ROBBERY")
    disposition = Disposition.objects.get(code="02")
    for _ in range(10):
        call = services.call_create(call_type=robbery, location={"address": "310 MAIN ST"}, by=alice)
        unit = Unit.objects.get(callsign="1A11")
        services.call_dispatch(call=call, units=[unit], by=alice)

        def act(i, call=call, unit=unit):
            try:
                if i == 0:
                    services.call_close(call=call, disposition=disposition, by=alice)
                else:
                    unit_status_set(unit=unit, status="enroute", by=alice)
            except Conflict:
                pass

        run_together(2, act)
        unit.refresh_from_db()
        call.refresh_from_db()
        assert call.status == "closed"
        assert (unit.status, unit.current_call_id, unit.current_call_number) == (
            UnitStatus.AVAILABLE, None, "")
        assert not Assignment.objects.filter(unit=unit, cleared_at__isnull=True).exists()


def test_reopening_a_duplicate_while_someone_links_it_never_deadlocks(seeded_transactional_db):
    from calls.models import ChronologyEntry

    alice = get_user_model().objects.get(username="dispatcher1")
    mva = CallType.objects.get(code="MVA")
    for _ in range(10):
        master = services.call_create(call_type=mva, location={"address": "130 MAIN ST"}, by=alice)
        duplicate = services.call_create(call_type=mva, location={"address": "150 MAIN ST"}, by=alice)
        services.call_link(call=duplicate, master=master, by=alice)

        def act(i, duplicate=duplicate, master=master):
            try:
                if i == 0:
                    services.call_reopen(call=duplicate, by=alice)
                else:
                    services.call_link(call=duplicate, master=master, by=alice)
                return "done"
            except Conflict:
                return "conflict"

        outcomes = run_together(2, act)
        assert outcomes.count("done") >= 1
        assert ChronologyEntry.objects.filter(call=duplicate).exists()
