from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from cad import roles
from units.models import Unit


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
