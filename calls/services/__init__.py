"""The only ways calls, their assignments and their alerts change; each module a topic:
entry (call taking), ali (the 9-1-1 line's ANI/ALI and rebids), callbacks (the abandoned-call queue),
dispatch, closing, duplicates, chronology (notes, supplements), flags, alerts (the timers), mutual aid,
eido (another center's incidents), shares (partner agencies), and the steps they share (assignments,
locks). A unit's own status is units.services'."""

from calls.services.alerts import alert_acknowledge, checks_answered, timers_check, unit_emergency_raise
from calls.services.ali import ali_rebid, ali_receive
from calls.services.callbacks import callback_claim, callback_outcome, callback_release
from calls.services.chronology import call_note_add, call_supplement_add
from calls.services.closing import call_close, call_reopen
from calls.services.dispatch import call_dispatch
from calls.services.duplicates import call_link
from calls.services.eido import call_eido_receive
from calls.services.entry import call_create, call_number_next, call_update
from calls.services.flags import call_premise_flags_read_record, call_premise_flags_release_record
from calls.services.messages import message_send
from calls.services.mutual_aid import (
    mutual_aid_accept,
    mutual_aid_cancel,
    mutual_aid_decline,
    mutual_aid_request,
)
from calls.services.self_initiated import call_self_initiate
from calls.services.shares import call_dispatch_for_partner, call_share, call_unshare

__all__ = [
    "alert_acknowledge", "ali_rebid", "ali_receive", "call_close", "call_create", "call_dispatch",
    "call_dispatch_for_partner", "call_eido_receive", "call_link", "call_note_add", "call_number_next",
    "call_premise_flags_read_record", "call_premise_flags_release_record", "call_reopen",
    "call_self_initiate", "call_share",
    "call_supplement_add", "call_unshare", "call_update", "callback_claim", "callback_outcome",
    "callback_release", "checks_answered", "message_send", "mutual_aid_accept", "mutual_aid_cancel",
    "mutual_aid_decline", "mutual_aid_request", "timers_check", "unit_emergency_raise",
]
