"""The roles of CONTRACT.md, as Django groups, and what each may do."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ObjectDoesNotExist

DISPATCHER = "dispatcher"
SUPERVISOR = "supervisor"
RECORDS_CLERK = "records_clerk"
PARTNER = "partner"  # an agency's program: its own units, and the calls they were sent to
OFFICER = "officer"  # a person in the field: the unit terminal, for the unit signed on to; never center staff

CENTER_ROLES = frozenset({DISPATCHER, SUPERVISOR, RECORDS_CLERK})
DISPATCH_ROLES = frozenset({DISPATCHER, SUPERVISOR})
ALL_ROLES = (DISPATCHER, SUPERVISOR, RECORDS_CLERK, PARTNER, OFFICER)

User = AbstractBaseUser | AnonymousUser


def service_agency(user: User):
    """The agency whose API tokens act as this account, or None for a person."""
    try:
        return user.service_agency
    except (AttributeError, ObjectDoesNotExist):
        return None


def roles_of(user: User) -> frozenset[str]:
    if not user or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_cad_roles", None)
    if cached is None:
        agency = service_agency(user)
        if agency is not None:
            # Follows the agency's kind as it is now: only the center's own program dispatches.
            cached = frozenset({DISPATCHER if agency.kind == agency.Kind.CENTER else PARTNER})
        else:
            cached = frozenset(user.groups.values_list("name", flat=True))
        user._cad_roles = cached
    return cached


def roles_load(users: list[AbstractBaseUser]) -> None:
    """Read the roles of many accounts at once (their groups in one query), as roles_of would one by
    one: the live stream re-checks every socket of a server process together. The accounts come
    with their service_agency already read (select_related), or None."""
    people = {u.pk for u in users if service_agency(u) is None}
    memberships = get_user_model().groups.through.objects.filter(
        **{f"{get_user_model()._meta.model_name}_id__in": people}
    ).values_list(f"{get_user_model()._meta.model_name}_id", "group__name")
    names: dict[int, set[str]] = {}
    for user_id, group in memberships:
        names.setdefault(user_id, set()).add(group)
    for user in users:
        user._cad_roles = None
        if user.pk in people:
            user._cad_roles = frozenset(names.get(user.pk, ()))
        roles_of(user)


def is_supervisor(user: User) -> bool:
    """May read the audit trail: supervisors (and administrators)."""
    return bool(user and user.is_authenticated and (user.is_superuser or SUPERVISOR in roles_of(user)))


def keeps_records(user: User) -> bool:
    """May file appeals and record payments on false-alarm bills: records clerks and supervisors."""
    return bool(user and user.is_authenticated and (
        user.is_superuser or roles_of(user) & {RECORDS_CLERK, SUPERVISOR}))


def is_center_staff(user: User) -> bool:
    """May read the center's calls and units: dispatchers, supervisors, records clerks."""
    return bool(user and user.is_authenticated and (user.is_superuser or roles_of(user) & CENTER_ROLES))


def can_dispatch(user: User) -> bool:
    """May change calls and units: dispatchers and supervisors."""
    return bool(user and user.is_authenticated and (user.is_superuser or roles_of(user) & DISPATCH_ROLES))


def scoped_agency(user: User):
    """The agency a token account is limited to (a partner, or a department the center dispatches
    for), or None for the center's own people and program."""
    if not user or not user.is_authenticated or PARTNER not in roles_of(user):
        return None
    return service_agency(user)


def may_read_confidential(user: User) -> bool:
    """The center's own people read confidential premise flags (and each read is recorded);
    no agency's program does."""
    return is_center_staff(user) and scoped_agency(user) is None


def may_read_reports(user: User) -> bool:
    """Reports (records/reports) are the supervisors' and the records clerks' (and administrators');
    no agency's program reads them, not even the center's own, whose token acts as a dispatcher."""
    if not user or not user.is_authenticated or service_agency(user) is not None:
        return False
    return bool(user.is_superuser or roles_of(user) & {SUPERVISOR, RECORDS_CLERK})


def is_officer(user: User) -> bool:
    """A field officer: uses the unit terminal for the unit signed on to, and nothing of the center's."""
    return bool(user and user.is_authenticated and service_agency(user) is None
                and OFFICER in roles_of(user) and not roles_of(user) & CENTER_ROLES)
