"""The stream's seq under concurrent writers on PostgreSQL: gap-free and in commit order.

A sequence handed out before commit can commit out of order (writer A takes 7, B takes 8, B
commits first: a reader sees 8 without 7). These tests make that happen on purpose and check
that no reader ever sees a later seq before an earlier one.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction

from cad import events
from cad.models import Event
from calls import services
from calls.models import CallType

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL); CI runs it"
)


def test_a_writer_that_started_later_cannot_commit_an_earlier_seq(transactional_db):
    published = threading.Event()
    timeline = []

    def slow_writer():
        try:
            with transaction.atomic():
                record = events.publish("test.slow", {})
                published.set()
                time.sleep(0.4)  # the rest of a long transaction
                timeline.append(("slow committed", record.seq))
        finally:
            connections.close_all()

    def quick_writer():
        try:
            published.wait(5)
            with transaction.atomic():
                record = events.publish("test.quick", {})
            timeline.append(("quick committed", record.seq))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(slow_writer), pool.submit(quick_writer)]:
            future.result()

    (first, first_seq), (second, second_seq) = timeline
    assert (first, second) == ("slow committed", "quick committed")
    assert second_seq == first_seq + 1


def test_a_rolled_back_writer_leaves_no_hole(transactional_db):
    before = events.latest_seq()
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish("test.lost", {})
        raise RuntimeError("the request failed")
    record = events.publish("test.kept", {})
    assert record.seq == before + 1


def test_readers_never_see_a_later_seq_before_an_earlier_one_under_forty_writers(seeded_transactional_db):
    alice = get_user_model().objects.get(username="dispatcher1")
    robbery = CallType.objects.get(code="ROBBERY")
    start = events.latest_seq()
    writers, per_writer = 40, 5
    done = threading.Event()
    holes = []
    reads = [0]

    def reader():
        """What a console does when it catches up: read everything after the last seq it has."""
        last = start
        try:
            while True:
                seqs = list(Event.objects.filter(seq__gt=last).order_by("seq").values_list("seq", flat=True))
                reads[0] += 1
                if seqs and seqs != list(range(last + 1, last + 1 + len(seqs))):
                    holes.append((last, seqs[:10]))
                    return
                if seqs:
                    last = seqs[-1]
                if done.is_set() and not seqs:
                    return  # the writers are finished and everything was read
        finally:
            connections.close_all()

    barrier = threading.Barrier(writers)

    def writer(i):
        try:
            barrier.wait()
            for n in range(per_writer):
                call = services.call_create(call_type=robbery, location={"address": "310 MAIN ST"}, by=alice)
                if n % 2:
                    services.call_note_add(call=call, by=alice, text=f"writer {i} note {n}")
        finally:
            connections.close_all()

    watcher = threading.Thread(target=reader)
    watcher.start()
    with ThreadPoolExecutor(max_workers=writers) as pool:
        list(pool.map(writer, range(writers)))
    done.set()
    watcher.join(30)

    seqs = list(Event.objects.filter(seq__gt=start).values_list("seq", flat=True))
    expected = writers * per_writer + writers * (per_writer // 2)
    assert holes == []
    assert reads[0] > 10  # the reader really read while the writers wrote
    assert seqs == list(range(start + 1, start + 1 + expected))
