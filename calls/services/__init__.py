"""The only ways calls, their assignments and their alerts change; each module a topic:
entry (call taking), dispatch, closing, duplicates, chronology (notes, supplements), flags, alerts
(the timers), shares (partner agencies), and the steps they share (assignments, locks). A unit's
own status is units.services'."""

from calls.services.alerts import alert_acknowledge, checks_answered, timers_check
from calls.services.chronology import call_note_add, call_supplement_add
from calls.services.closing import call_close, call_reopen
from calls.services.dispatch import call_dispatch
from calls.services.duplicates import call_link
from calls.services.entry import call_create, call_number_next, call_update
from calls.services.flags import call_premise_flags_read_record, call_premise_flags_release_record
from calls.services.shares import call_dispatch_for_partner, call_share, call_unshare

__all__ = [
    "alert_acknowledge", "call_close", "call_create", "call_dispatch", "call_dispatch_for_partner",
    "call_link", "call_note_add", "call_number_next", "call_premise_flags_read_record",
    "call_premise_flags_release_record", "call_reopen", "call_share", "call_supplement_add", "call_unshare",
    "call_update",
    "checks_answered",
    "timers_check",
]
