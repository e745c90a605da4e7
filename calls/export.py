"""The calls as CSV, for records clerks: the API's export.csv and the admin's action write the same
file. Calls are read a chunk at a time (their units fetched once per chunk), so a million rows never
sit in memory; the export is put on the audit trail when the stream ends, when its row count is known.

Every time column of DOMAIN.md that the center stamps is a column, in ISO 8601 with its offset.
A cell a spreadsheet would take for a formula (= + - @) starts with an apostrophe.
"""

import csv
import re
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.handlers.asgi import ASGIRequest
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone

from cad.audit import AuditAction, audit_record, client_address
from cad.exceptions import Invalid
from calls.models import Assignment

HEADER = [
    "number", "call_type", "priority", "status", "source", "address", "beat", "received", "entered",
    "first_dispatched", "first_enroute", "first_onscene", "closed", "units", "disposition_code",
    "disposition",
]
CHUNK = 2000  # calls read per query; their units in one more
DEFAULT_DAYS = 30
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_window(query: dict, *, today: date) -> tuple[date, date]:
    """The days asked for by `?from=` and `?to=` (YYYY-MM-DD, both included): the last 30 days when
    neither is given; a 400 naming the parameter when one is not a date, or the range is too long."""
    days = {}
    for name in ("from", "to"):
        text = (query.get(name) or "").strip()
        if not text:
            continue
        try:
            days[name] = date.fromisoformat(text) if DATE.fullmatch(text) else None
        except ValueError:
            days[name] = None
        if days[name] is None:
            raise Invalid({name: ["Give a date as YYYY-MM-DD."]})
    end = days.get("to") or (today if "from" not in days else max(today, days["from"]))
    start = days.get("from") or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise Invalid({"from": ["Must be on or before `to`."]})
    longest = settings.CAD_EXPORT_MAX_DAYS
    if (end - start).days + 1 > longest:
        raise Invalid({"to": [f"An export covers at most {longest} days (CAD_EXPORT_MAX_DAYS); "
                              f"this asks for {(end - start).days + 1}."]})
    return start, end


def received_between(calls: QuerySet, start: date | None, end: date | None) -> QuerySet:
    """The calls received from the start of `start` to the end of `end` (either may be open), in
    the center's days: the export's range, and the admin's."""
    if start is not None:
        calls = calls.filter(received_at__gte=_midnight(start))
    if end is not None:
        calls = calls.filter(received_at__lt=_midnight(end + timedelta(days=1)))
    return calls


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _cell(value, zone) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(zone).isoformat(timespec="seconds")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


COLUMNS = (
    "id", "number", "call_type__code", "priority_id", "status", "source", "address", "beat__code",
    "received_at", "entered_at", "dispatched_at", "enroute_at", "onscene_at", "closed_at",
    "disposition__code", "disposition__description",
)
UNITS_AT = COLUMNS.index("closed_at") + 1


def export_rows(calls: QuerySet) -> Iterator[list[str]]:
    """One row per call, oldest first, read CHUNK calls at a time with the units of each chunk in one
    more query. Plain tuples rather than models: a hundred thousand rows in seconds, not minutes."""
    zone = timezone.get_current_timezone()
    chunk: list[tuple] = []
    for values in calls.order_by("received_at", "id").values_list(*COLUMNS).iterator(chunk_size=CHUNK):
        chunk.append(values)
        if len(chunk) == CHUNK:
            yield from _chunk_rows(chunk, zone)
            chunk = []
    yield from _chunk_rows(chunk, zone)


def _chunk_rows(chunk: list[tuple], zone) -> Iterator[list[str]]:
    callsigns: dict[int, dict[str, None]] = {}
    sent = (Assignment.objects.filter(call_id__in=[values[0] for values in chunk])
            .order_by("dispatched_at", "id").values_list("call_id", "unit__callsign"))
    for call_id, callsign in sent:
        callsigns.setdefault(call_id, {})[callsign] = None
    for values in chunk:
        row = [_cell(value, zone) for value in values[1:]]
        row.insert(UNITS_AT - 1, _cell(" ".join(callsigns.get(values[0], ())), zone))
        yield row


class _Line:
    def write(self, text: str) -> str:
        return text


def export_csv(calls: QuerySet, *, filters: dict, by: AbstractBaseUser | None, source_ip: str | None,
               rows_per_piece: int = 500) -> Iterator[str]:
    """The CSV text, a few hundred rows per piece; its audit entry (the filters and the rows sent)
    is written in a transaction of its own when the stream ends, finished or cut short."""
    writer = csv.writer(_Line())
    sent, finished = 0, False
    try:
        piece = [writer.writerow(HEADER)]
        for row in export_rows(calls):
            piece.append(writer.writerow(row))
            sent += 1
            if len(piece) >= rows_per_piece:
                yield "".join(piece)
                piece = []
        if piece:
            yield "".join(piece)
        finished = True
    finally:
        with transaction.atomic():
            audit_record(action=AuditAction.EXPORT, object="calls", by=by, source_ip=source_ip,
                         detail={"filters": filters, "rows": sent, "finished": finished})


def served_async(pieces: Iterator[str]) -> AsyncIterator[str]:
    """The same pieces for an ASGI server, read in the thread the database connection lives in:
    Django would read a plain iterator whole before sending a byte of it."""
    async def stream():
        try:
            while (piece := await sync_to_async(next)(pieces, None)) is not None:
                yield piece
        finally:
            await sync_to_async(pieces.close)()
    return stream()


def export_response(calls: QuerySet, *, request: HttpRequest, filters: dict, filename: str
                    ) -> StreamingHttpResponse:
    """The export as a download, for the API and the admin alike."""
    pieces = export_csv(calls, filters=filters, by=request.user, source_ip=client_address(request.META))
    response = StreamingHttpResponse(served_async(pieces) if isinstance(request, ASGIRequest) else pieces,
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
