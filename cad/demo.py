"""The demo city's agencies, disciplines and people."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from cad import roles
from cad.models import Agency, Discipline
from cad.services import agency_service_user_ensure

DISCIPLINES = [
    ("police", "Police"),
    ("fire", "Fire"),
    ("ems", "EMS"),
    ("animal_control", "Animal control"),
    ("public_works", "Public works"),
    ("behavioral_health", "Behavioral health"),
]

AGENCIES = [
    ("CPD", "Demo City Police Department", Agency.Kind.CENTER, ["police"]),
    ("CFD", "Demo City Fire Department", Agency.Kind.SERVED, ["fire", "ems"]),
    ("ACS", "Demo City Animal Control", Agency.Kind.SERVED, ["animal_control"]),
    ("DPW", "Demo City Public Works (after hours)", Agency.Kind.SERVED, ["public_works"]),
    ("BHT", "Demo County Behavioral Health Response Team", Agency.Kind.SERVED, ["behavioral_health"]),
    ("DCSO", "Demo County Sheriff's Office", Agency.Kind.PARTNER, ["police"]),
    ("NFPD", "North County Fire Protection District", Agency.Kind.PARTNER, ["fire", "ems"]),
    ("SFPD", "South County Fire Protection District", Agency.Kind.PARTNER, ["fire", "ems"]),
]

# Premise flags, alarm permits and common places: kept by records clerks (and supervisors).
PREMISE_RECORDS = [
    "add_premiseflag", "change_premiseflag", "add_alarmpermit", "change_alarmpermit",
    "add_commonplace", "change_commonplace", "add_commonplacealias", "change_commonplacealias",
    "delete_commonplacealias",
]
# Stations, response plans and status-check intervals: the supervisors' to set.
DISPATCH_RULES = [
    f"{verb}_{model}" for model in ("station", "responseplan", "responseplanline", "statuscheckrule")
    for verb in ("add", "change", "delete")
]
# The false-alarm ordinance (fee schedules, their tiers and dispositions): the supervisors' to set.
BILLING_RULES = [
    f"{verb}_{model}" for model in ("feeschedule", "feetier", "scheduledisposition")
    for verb in ("add", "change", "delete")
]
# Partners' webhook subscriptions: registered by records clerks and supervisors (deliveries are read
# and resent, never edited).
WEBHOOK_RECORDS = ["add_webhooksubscription", "change_webhooksubscription"]
# The records inquiries search (persons and their warrants, vehicles, missing persons, BOLOs): kept
# by records clerks and supervisors, never deleted (a warrant is served or recalled, a BOLO cancelled).
INQUIRY_RECORDS = [
    f"{verb}_{model}"
    for model in ("person", "personidentifier", "warrant", "vehicle", "missingperson", "bolo")
    for verb in ("add", "change")
]
# What each role may do in the admin; every change to calls and units still goes through services.
ADMIN_PERMISSIONS = {
    roles.RECORDS_CLERK: ["view_", *PREMISE_RECORDS, *WEBHOOK_RECORDS, *INQUIRY_RECORDS],
    roles.SUPERVISOR: ["view_", "change_priority", "change_calltype", "add_calltype", "change_unit",
                       "add_unit", "change_disposition", "add_disposition", *PREMISE_RECORDS,
                       *WEBHOOK_RECORDS, *INQUIRY_RECORDS,
                       "approve_premiseflag",  # flags that need a supervisor's approval
                       *DISPATCH_RULES, *BILLING_RULES,
                       "delete_accessattempt"],  # unlock an account locked by failed sign-ins
    roles.DISPATCHER: [],
    roles.PARTNER: [],
    roles.OFFICER: [],
}
ADMIN_APPS = ["cad", "premises", "units", "calls", "records", "axes"]

DEMO_USERS = [
    ("dispatcher1", roles.DISPATCHER, False, False),
    ("dispatcher2", roles.DISPATCHER, False, False),
    ("supervisor1", roles.SUPERVISOR, True, False),
    ("clerk1", roles.RECORDS_CLERK, True, False),
    # Field officers of the police department (units/demo.py puts them on its roster).
    *[(f"officer{n}", roles.OFFICER, False, False) for n in range(1, 5)],
    ("admin", None, True, True),
]


def seed_disciplines_and_agencies() -> None:
    for code, name in DISCIPLINES:
        Discipline.objects.update_or_create(code=code, defaults={"name": name})
    for code, name, kind, disciplines in AGENCIES:
        agency, _ = Agency.objects.update_or_create(code=code, defaults={"name": name, "kind": kind})
        agency.disciplines.set(Discipline.objects.filter(code__in=disciplines))
        agency_service_user_ensure(agency=agency)


def seed_groups() -> None:
    for role, prefixes in ADMIN_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = Permission.objects.filter(content_type__app_label__in=ADMIN_APPS)
        # "view_" grants every view permission; other entries are exact codenames.
        group.permissions.set([p for p in perms if any(
            p.codename.startswith(x) if x.endswith("_") else p.codename == x for x in prefixes)])


def demo_password() -> tuple[str, bool]:
    """$CAD_DEMO_PASSWORD, else one generated once and kept in an ignored file. (password, generated)"""
    if settings.CAD_DEMO_PASSWORD:
        return settings.CAD_DEMO_PASSWORD, False
    path = settings.VAR_DIR / "demo_password"
    if not path.exists():
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip(), True


def demo_logins(password: str) -> list[tuple[str, str, str]]:
    """(username, role, the password to show) of each demo user, as the accounts stand now."""
    names = [username for username, _, _, _ in DEMO_USERS]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    logins = []
    for username, role, _, _ in DEMO_USERS:
        user = users.get(username)
        if user is None:
            shown = "(not created yet: make seed)"
        elif not user.is_active:
            shown = "(account deactivated)"
        else:
            shown = password if user.check_password(password) else "(its password was changed)"
        logins.append((username, role or "administrator", shown))
    return logins


def logins_text(logins: list[tuple[str, str, str]], *, site_url: str, password: str, generated: bool) -> str:
    """The demo logins as `make run` prints them last, and where the password is kept."""
    lines = [f"Demo logins ({site_url.rstrip('/')}/accounts/login/):"]
    lines += [f"  {username:<12} {role:<14} password: {shown}" for username, role, shown in logins]
    if generated and any(shown == password for _, _, shown in logins):
        kept = settings.VAR_DIR / "demo_password"
        lines.append(f"  The password was generated and is kept in {kept}; "
                     "set CAD_DEMO_PASSWORD to choose one.")
    lines.append("  make logins prints these again.")
    return "\n".join(lines)


def seed_users(password: str, *, reset_passwords: bool) -> list[tuple[str, str, str]]:
    """Create the demo users that are missing. Existing accounts keep their state (a deactivated
    admin stays deactivated); their password changes only when $CAD_DEMO_PASSWORD asks for it."""
    User = get_user_model()
    logins = []
    for username, role, is_staff, is_superuser in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"is_staff": is_staff, "is_superuser": is_superuser}
        )
        if created or reset_passwords:
            user.set_password(password)
            user.save()
        if created and role:
            user.groups.set([Group.objects.get(name=role)])
        still_valid = created or reset_passwords or user.check_password(password)
        shown = password if still_valid else "(existing account; its password was changed)"
        logins.append((username, role or "administrator", shown))
    return logins
