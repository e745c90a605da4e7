"""A call's chronology comes a page at a time, and a call with a long history costs no more to read
or to write to than a fresh one (a major incident's call carries thousands of entries)."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls import services
from calls.choices import ChronologyKind
from calls.models import CallType, ChronologyEntry

CALLS = "/api/v1/calls/"


def call_with_history(alice, entries: int):
    call = services.call_create(call_type=CallType.objects.get(code="FSTRU"),
                                location={"address": "650 CEDAR ST"}, by=alice)
    start = timezone.now() - timedelta(hours=2)
    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(call=call, kind=ChronologyKind.NOTE, at=start + timedelta(seconds=n), by=alice,
                        text=f"update {n}")
        for n in range(entries))
    return call


def test_the_detail_shows_the_latest_entries_and_where_the_earlier_are(as_alice, alice):
    call = call_with_history(alice, 120)
    detail = as_alice.get(f"{CALLS}{call.pk}/").json()
    shown = detail["chronology"]
    assert len(shown) == 50
    newest = ChronologyEntry.objects.filter(call=call).order_by("-at", "-id").first()
    assert shown[-1]["id"] == newest.pk  # oldest first within the page, as before
    pages, url = [shown], detail["chronology_earlier"]
    while url:
        page = as_alice.get(url).json()
        pages.insert(0, page["results"])
        url = page["earlier"]
    every = [e["id"] for page in pages for e in page]
    in_order = ChronologyEntry.objects.filter(call=call).order_by("at", "id").values_list("pk", flat=True)
    assert every == list(in_order)
    assert [len(page) for page in pages] == [21, 50, 50]  # 120 notes and the call's creation


def test_a_fresh_call_says_there_is_nothing_earlier(as_alice, alice):
    call = call_with_history(alice, 0)
    assert as_alice.get(f"{CALLS}{call.pk}/").json()["chronology_earlier"] is None
    page = as_alice.get(f"{CALLS}{call.pk}/chronology/").json()
    assert page["earlier"] is None and [e["kind"] for e in page["results"]] == ["created"]


def test_an_entry_of_another_call_is_a_400(as_alice, alice):
    first, second = call_with_history(alice, 3), call_with_history(alice, 3)
    other = ChronologyEntry.objects.filter(call=second).first()
    response = as_alice.get(f"{CALLS}{first.pk}/chronology/", {"before": other.pk})
    assert response.status_code == 400 and "before" in response.json()


def queries(action) -> int:
    """How many queries `action` makes; none of them reads a call's whole chronology."""
    with CaptureQueriesContext(connection) as captured:
        response = action()
    assert response.status_code < 300, response.content
    for query in captured.captured_queries:
        sql = query["sql"].upper()
        if sql.startswith("SELECT") and 'FROM "CALLS_CHRONOLOGYENTRY"' in sql:
            assert " LIMIT " in sql, f"a whole chronology read: {query['sql'][:200]}"
    return len(captured.captured_queries)


def test_a_note_reading_or_acting_on_a_long_history_costs_what_it_does_on_a_fresh_call(as_alice, alice):
    fresh, long = call_with_history(alice, 0), call_with_history(alice, 2000)
    def post(call, path, body):
        return queries(lambda: as_alice.post(f"{CALLS}{call.pk}/{path}", body, format="json"))

    for path, body in (("notes/", {"text": "smoke showing"}), ("dispatch/", {"units": ["E1"]})):
        costs = []
        for call in (fresh, long):
            costs.append(post(call, path, body))
            if path == "dispatch/":
                as_alice.post("/api/v1/units/E1/status/", {"status": "available"}, format="json")
        assert costs[0] == costs[1], (path, costs)
    reading = [queries(lambda call=call: as_alice.get(f"{CALLS}{call.pk}/")) for call in (fresh, long)]
    assert reading[0] == reading[1]
    long_detail = as_alice.get(f"{CALLS}{long.pk}/").content
    assert len(long_detail) < 40_000  # one page of it, not 2,000 entries
    answer = as_alice.post(f"{CALLS}{long.pk}/close/", {"disposition": "02"}, format="json")
    assert len(answer.json()["chronology"]) == 50
