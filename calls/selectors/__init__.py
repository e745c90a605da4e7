"""Reads of calls: visibility, lookups, alerts, likely duplicates, the 9-1-1 line and its callback
queue, today's figures, recommendations."""

from calls.selectors.alerts import open_alerts, open_alerts_visible_to, recent_alerts
from calls.selectors.ali import (
    ali_line_latest,
    ali_records,
    ali_records_recent,
    callback_latest_ali,
    callbacks,
    callbacks_waiting,
    callbacks_waiting_visible_to,
    sees_the_line,
)
from calls.selectors.calls import (
    active_calls_visible_to,
    call_alarm_permit,
    call_detail_as_entered,
    call_details_visible_to,
    call_lookup,
    call_place,
    call_shared_with,
    calls_shared_with,
    calls_visible_to,
    calls_with_phone_digits,
    chronology_page,
    current_premise_flags,
    phone_digits_typed,
)

__all__ = [
    "active_calls_visible_to", "ali_line_latest", "ali_records", "ali_records_recent", "call_alarm_permit",
    "call_detail_as_entered", "call_details_visible_to", "call_lookup", "call_place", "call_shared_with",
    "callback_latest_ali", "callbacks", "callbacks_waiting", "callbacks_waiting_visible_to",
    "calls_shared_with", "calls_visible_to", "calls_with_phone_digits", "chronology_page",
    "current_premise_flags", "open_alerts", "open_alerts_visible_to", "phone_digits_typed", "recent_alerts",
    "sees_the_line",
]
