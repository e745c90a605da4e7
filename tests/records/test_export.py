"""GET calls/export.csv and the admin's CSV action: every call of the filters and days asked for,
one row each, streamed, and each export on the audit trail with its row count."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls import services
from calls.export import HEADER
from calls.models import Call, CallType, Disposition
from records.models import AuditEntry
from tests.conftest import client_for
from units.models import Unit

EXPORT = "/api/v1/calls/export.csv"


def new_call(by, address: str = "310 MAIN ST", code: str = "ROBBERY", **fields) -> Call:
    call_type = CallType.objects.get(code=code)
    return services.call_create(call_type=call_type, location={"address": address}, by=by, **fields)


def rows_of(response) -> list[dict]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def worked_call(alice) -> Call:
    call = new_call(alice, caller_phone="8165550142")
    units = [Unit.objects.get(callsign="1A11"), Unit.objects.get(callsign="1A12")]
    services.call_dispatch(call=call, units=units, by=alice)
    return services.call_close(call=call, disposition=Disposition.objects.get(code="02"), by=alice)


@pytest.mark.parametrize("who", ["as_alice", "as_sam", "as_carol"])
def test_center_staff_export_the_calls_with_every_time_units_and_disposition(request, alice, who):
    call = worked_call(alice)

    rows = rows_of(request.getfixturevalue(who).get(EXPORT))

    row = next(r for r in rows if r["number"] == call.number)
    assert list(row) == HEADER
    assert (row["call_type"], row["priority"], row["status"]) == ("ROBBERY", str(call.priority_id), "closed")
    assert row["units"] == "1A11 1A12"
    assert (row["disposition_code"], row["disposition"]) == ("02", call.disposition.description)
    received = datetime.fromisoformat(row["received"])
    assert received.utcoffset() is not None and received == call.received_at.replace(microsecond=0)
    for column in ("entered", "first_dispatched", "closed"):
        assert datetime.fromisoformat(row[column]).tzinfo is not None
    assert row["first_onscene"] == ""


def test_a_client_that_accepts_only_csv_gets_it_and_its_errors_as_json(alice, as_carol):
    new_call(alice)

    assert len(rows_of(as_carol.get(EXPORT, HTTP_ACCEPT="text/csv"))) == 1
    refused = as_carol.get(EXPORT, {"from": "soon"}, HTTP_ACCEPT="text/csv")
    assert refused.status_code == 400 and refused.json()["from"]


def test_a_partner_may_not_export(as_sheriff_token):
    assert as_sheriff_token.get(EXPORT).status_code == 403


def test_the_export_takes_the_calls_lists_filters(alice, as_carol):
    robbery = new_call(alice)
    fight = new_call(alice, code="FIGHT", address="100 ELM ST")

    numbers = {r["number"] for r in rows_of(as_carol.get(EXPORT, {"call_type": "fight"}))}

    assert fight.number in numbers and robbery.number not in numbers


def test_without_dates_the_export_covers_the_last_30_days(alice, as_carol):
    today = new_call(alice)
    old = new_call(alice)
    Call.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=31))

    numbers = {r["number"] for r in rows_of(as_carol.get(EXPORT))}

    assert today.number in numbers and old.number not in numbers


def test_from_and_to_choose_the_days_received(alice, as_carol):
    old = new_call(alice)
    Call.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=40))
    day = timezone.localdate() - timedelta(days=40)

    rows = rows_of(as_carol.get(EXPORT, {"from": day.isoformat(), "to": day.isoformat()}))

    assert [r["number"] for r in rows] == [old.number]


@pytest.mark.parametrize("query, named", [
    ({"from": "2026-13-01"}, "from"), ({"to": "yesterday"}, "to"), ({"from": "2026-1-5"}, "from"),
    ({"from": "2026-06-02", "to": "2026-06-01"}, "from"), ({"call_type": "NOSUCH"}, "call_type"),
])
def test_a_bad_filter_is_a_400_naming_it(as_carol, query, named):
    answer = as_carol.get(EXPORT, query)

    assert answer.status_code == 400
    assert named in answer.json()


@override_settings(CAD_EXPORT_MAX_DAYS=31)
def test_a_range_over_the_limit_is_a_400_naming_the_limit(as_carol):
    answer = as_carol.get(EXPORT, {"from": "2026-01-01", "to": "2026-02-01"})

    assert answer.status_code == 400
    assert "31 days" in answer.json()["to"][0]
    assert as_carol.get(EXPORT, {"from": "2026-01-01", "to": "2026-01-31"}).status_code == 200


def test_a_cell_a_spreadsheet_would_run_as_a_formula_starts_with_an_apostrophe(alice, as_carol):
    call = new_call(alice)
    Call.objects.filter(pk=call.pk).update(address='=HYPERLINK("http://x","y")')

    row = rows_of(as_carol.get(EXPORT))[0]

    assert row["address"] == '\'=HYPERLINK("http://x","y")'


def test_each_export_is_audited_with_its_filters_and_row_count(alice, carol, as_carol):
    new_call(alice)
    new_call(alice, address="100 ELM ST")

    response = as_carol.get(EXPORT, {"status": "open"}, REMOTE_ADDR="10.4.4.4")
    assert not AuditEntry.objects.filter(action="export").exists()  # counted when the stream ends
    rows = rows_of(response)

    entry = AuditEntry.objects.get(action="export")
    assert (entry.user, entry.source_ip, entry.outcome) == (carol, "10.4.4.4", "ok")
    assert entry.detail["rows"] == len(rows) == 2
    assert entry.detail["filters"]["status"] == "open" and entry.detail["finished"] is True


def exported_with_queries(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        rows = rows_of(client.get(EXPORT))
    return len(rows), len(queries)


def dispatched_calls(alice, count: int) -> None:
    for n in range(count):
        services.call_dispatch(call=new_call(alice, address=f"{300 + n} MAIN ST"),
                               units=[Unit.objects.filter(status="available").first()], by=alice)


def test_the_export_reads_units_per_chunk_not_per_call(alice, as_carol):
    dispatched_calls(alice, 2)
    few = exported_with_queries(as_carol)
    dispatched_calls(alice, 10)

    many = exported_with_queries(as_carol)

    assert (few[0], many[0]) == (2, 12)
    assert many[1] == few[1]


def test_the_admins_csv_action_exports_the_selected_calls_and_is_audited(alice, carol):
    chosen, other = new_call(alice), new_call(alice, address="100 ELM ST")
    clerk: Client = client_for(carol)

    response = clerk.post("/admin/calls/call/", {"action": "export_csv", "_selected_action": [chosen.pk]})

    assert [r["number"] for r in rows_of(response)] == [chosen.number]
    entry = AuditEntry.objects.get(action="export")
    assert entry.detail["rows"] == 1 and entry.detail["filters"]["admin"] is True
    assert other.number not in str(entry.detail)



def test_under_asgi_the_export_streams_in_pieces_and_is_audited(seeded_transactional_db):
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from asgiref.sync import sync_to_async
    from django.contrib.auth import get_user_model
    from django.test import AsyncClient

    alice, carol = (get_user_model().objects.get(username=name) for name in ("dispatcher1", "clerk1"))
    calls = [new_call(alice, address=f"{300 + n} MAIN ST") for n in range(3)]

    async def fetch():
        client = AsyncClient()
        await client.aforce_login(carol)
        response = await client.get(EXPORT)
        assert response.status_code == 200 and response.is_async
        pieces = [piece async for piece in response.streaming_content]
        # As a server does: the request is finished, and the database connection it used closed.
        await sync_to_async(response.close)()
        return pieces

    with ThreadPoolExecutor(1) as pool:  # a loop of its own: the browser tests' may be running here
        pieces = pool.submit(asyncio.run, fetch()).result()

    rows = list(csv.DictReader(io.StringIO(b"".join(pieces).decode())))
    assert {r["number"] for r in rows} == {c.number for c in calls}
    assert AuditEntry.objects.get(action="export").detail["rows"] == 3
