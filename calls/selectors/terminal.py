"""What an officer's unit terminal reads: the shift, the unit, its call and its day."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch

from calls.models import Assignment, Call
from units.choices import ALLOWED_TRANSITIONS, UnitStatus
from units.models import Shift
from units.selectors import officers_on, shift_open, unit_history_today, units_signable_by


def unit_call(call_id: int | None) -> Call | None:
    """The call a unit works, ready for its detail."""
    if not call_id:
        return None
    return Call.objects.filter(pk=call_id).select_related(
        "call_type", "priority", "beat", "disposition", "master").prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("unit__agency", "dispatched_by")),
        "duplicates",
    ).first()


def terminal_read(user: AbstractBaseUser, shift: Shift | None = None) -> dict:
    """The terminal as `user` sees it now (their open shift's, or the units they may sign on to)."""
    shift = shift or shift_open(user)
    terminal = {"officer": user.get_username(), "shift": shift, "unit": None, "officers": [],
                "allowed_statuses": [], "signable_units": [], "call": None, "history": [], "calls_today": []}
    if shift is None:
        terminal["signable_units"] = list(units_signable_by(user))
        return terminal
    unit = shift.unit
    unit.refresh_from_db()
    history = list(unit_history_today(unit))
    terminal.update(
        unit=unit, officers=officers_on(unit),
        allowed_statuses=list(ALLOWED_TRANSITIONS[UnitStatus(unit.status)]),
        call=unit_call(unit.current_call_id), history=history,
        calls_today=list(dict.fromkeys(c.call_number for c in reversed(history) if c.call_number)),
    )
    return terminal
