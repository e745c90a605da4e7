from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from cad import roles
from units.models import Shift, Unit, UnitStatusChange


def units_visible_to(user: AbstractBaseUser) -> QuerySet[Unit]:
    """Center staff see every unit; a partner agency sees its own units only."""
    units = Unit.objects.select_related("agency", "discipline", "home_beat", "station")
    partner = roles.scoped_agency(user)
    if partner is not None:
        return units.filter(agency=partner)
    if roles.is_center_staff(user):
        return units
    return units.none()


def units_named(callsigns: list[str]) -> tuple[list[Unit], list[str]]:
    """The units those callsigns name, typed in any case, and the callsigns that name none."""
    wanted = [c.strip().upper() for c in callsigns]
    units = list(Unit.objects.filter(callsign__in=wanted))
    return units, sorted(set(wanted) - {u.callsign for u in units})


def shift_open(user: AbstractBaseUser) -> Shift | None:
    """The person's open shift, with its unit, or None."""
    return (Shift.objects.filter(user=user, ended_at__isnull=True)
            .select_related("unit__agency", "unit__discipline", "unit__home_beat", "unit__station").first())


def shifts_open_of(user_ids: set[int]) -> dict[int, tuple[str, int | None]]:
    """For each of `user_ids` with an open shift: its unit's callsign and the call it works, in one
    query (the live stream admits and re-checks its sockets in batches)."""
    rows = Shift.objects.filter(user_id__in=user_ids, ended_at__isnull=True).values_list(
        "user_id", "unit__callsign", "unit__current_call_id")
    return {user_id: (callsign, call_id) for user_id, callsign, call_id in rows}


def units_signable_by(user: AbstractBaseUser) -> QuerySet[Unit]:
    """The units a person on the roster may sign on to: their agency's."""
    return Unit.objects.filter(agency__officers__user=user).select_related("agency")


def officers_on(unit: Unit) -> list[str]:
    """Who is signed on to the unit now, first signed on first."""
    return list(Shift.objects.filter(unit=unit, ended_at__isnull=True).order_by("started_at", "id")
                .values_list("user__username", flat=True))


def unit_history_today(unit: Unit) -> QuerySet[UnitStatusChange]:
    """The unit's status changes since local midnight, newest first."""
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return unit.status_history.filter(at__gte=midnight).select_related("by").order_by("-at", "-id")
