"""The roster: who is signed on to which unit, kept as history."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cad import roles
from cad.exceptions import Conflict, Forbidden
from records.models import AuditEntry
from units.models import Officer, Shift, Unit
from units.services import unit_sign_off, unit_sign_on


def officer(n):
    return get_user_model().objects.get(username=f"officer{n}")


def unit(callsign):
    return Unit.objects.get(callsign=callsign)


def test_the_demo_officers_are_officers_of_the_police_and_never_center_staff(db):
    for n in range(1, 5):
        person = officer(n)
        assert roles.is_officer(person)
        assert not roles.is_center_staff(person)
        assert Officer.objects.get(user=person).agency.code == "CPD"


def test_make_logins_lists_the_officers(db, capsys):
    call_command("demo_logins")
    printed = capsys.readouterr().out
    assert "officer1" in printed and "officer4" in printed


def test_signing_on_and_off_keeps_each_shift_as_history(db):
    first = unit_sign_on(unit=unit("1A12"), user=officer(1), by=officer(1))
    assert first.ended_at is None and first.started_at is not None
    ended = unit_sign_off(user=officer(1), by=officer(1))
    assert ended.pk == first.pk
    second = unit_sign_on(unit=unit("1A11"), user=officer(1), by=officer(1))
    assert second.pk != first.pk
    shifts = list(Shift.objects.filter(user=officer(1)).order_by("started_at"))
    assert [(s.unit.callsign, s.ended_at is None) for s in shifts] == [("1A12", False), ("1A11", True)]


def test_an_officer_holds_one_open_shift_at_a_time(db):
    unit_sign_on(unit=unit("1A12"), user=officer(1), by=officer(1))
    with pytest.raises(Conflict, match="already signed on to 1A12"):
        unit_sign_on(unit=unit("1A11"), user=officer(1), by=officer(1))
    assert Shift.objects.filter(user=officer(1), ended_at__isnull=True).count() == 1


def test_a_unit_takes_two_officers_and_not_a_third(db):
    unit_sign_on(unit=unit("1A12"), user=officer(1), by=officer(1))
    unit_sign_on(unit=unit("1A12"), user=officer(2), by=officer(2))
    with pytest.raises(Conflict, match="already has 2 officers"):
        unit_sign_on(unit=unit("1A12"), user=officer(3), by=officer(3))


def test_an_officer_signs_on_only_to_their_agencys_units(db):
    with pytest.raises(Forbidden):
        unit_sign_on(unit=unit("E1"), user=officer(1), by=officer(1))


def test_signing_off_without_a_shift_is_refused(db):
    with pytest.raises(Conflict, match="not signed on"):
        unit_sign_off(user=officer(1), by=officer(1))


def test_signing_on_and_off_are_on_the_audit_trail(db):
    unit_sign_on(unit=unit("1A12"), user=officer(1), by=officer(1))
    unit_sign_off(user=officer(1), by=officer(1))
    actions = list(AuditEntry.objects.filter(action__in=["unit.sign_on", "unit.sign_off"])
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["unit.sign_on", "unit.sign_off"]


def test_supervisors_read_the_roster_history_in_the_admin_and_cannot_change_it(db, sam, carol, client):
    shift = unit_sign_on(unit=unit("1A12"), user=officer(1), by=officer(1))
    client.force_login(sam)
    listing = client.get("/admin/units/shift/")
    assert listing.status_code == 200 and b"officer1" in listing.content
    assert client.post(f"/admin/units/shift/{shift.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Shift.objects.filter(pk=shift.pk).exists()
    client.force_login(carol)
    assert client.get("/admin/units/shift/").status_code == 403
