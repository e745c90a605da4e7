"""Premise flags: which reach a place (active, approved, in radius), and who read a confidential one."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from cad import roles
from cad.history import AppendOnlyError
from premises.choices import FlagKind
from premises.demo import grid_point
from premises.models import Address, PremiseFlag, PremiseFlagRead
from premises.selectors import place_at, place_resolve, place_search, premise_flags_for
from premises.services import premise_flag_approve, premise_flag_read_record, premise_flag_save

ADDRESSES = "/api/v1/addresses/"
FLAGS = "/admin/premises/premiseflag/"
CLERK_PERMISSIONS = {"add_premiseflag", "change_premiseflag", "add_alarmpermit", "change_alarmpermit",
                     "add_commonplace", "change_commonplace", "add_commonplacealias",
                     "change_commonplacealias", "delete_commonplacealias"}


def test_clerks_keep_premise_records_and_only_supervisors_approve_flags(db):
    def codenames(role):
        return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

    assert codenames(roles.RECORDS_CLERK) >= CLERK_PERMISSIONS
    assert "approve_premiseflag" not in codenames(roles.RECORDS_CLERK)
    assert "change_premiseflagread" not in codenames(roles.RECORDS_CLERK)
    assert {"approve_premiseflag", *CLERK_PERMISSIONS} <= codenames(roles.SUPERVISOR)


def address(label: str) -> Address:
    return Address.objects.get(label=label)


def flag_at(label: str, **fields) -> PremiseFlag:
    fields.setdefault("kind", FlagKind.OFFICER_SAFETY)
    fields.setdefault("text", "Dog on chain by the front door")
    return premise_flag_save(flag=PremiseFlag(address=address(label), **fields), by=None)


def texts(place) -> list[str]:
    return [f.text for f in premise_flags_for(place)]


def test_an_active_flag_reaches_its_address_however_the_address_is_typed(db):
    flag = flag_at("310 ELM ST")

    for typed in ("310 elm street", "310 ELM ST APT 2"):
        assert [f.pk for f in premise_flags_for(place_resolve(typed))] == [flag.pk]
    assert premise_flags_for(place_resolve("311 ELM ST")) == []


def test_an_expired_flag_does_not_reach_the_place(db):
    flag_at("310 ELM ST", text="expired", expires_at=timezone.now() - timedelta(minutes=1))
    flag_at("310 ELM ST", text="current", expires_at=timezone.now() + timedelta(days=30))

    assert texts(place_resolve("310 ELM ST")) == ["current"]
    later = timezone.now() + timedelta(days=31)
    assert premise_flags_for(place_resolve("310 ELM ST"), at=later) == []


def test_a_flag_waiting_for_approval_reaches_nobody_until_a_supervisor_approves(db, sam):
    flag = flag_at("310 ELM ST", requires_approval=True)
    place = place_resolve("310 ELM ST")
    assert premise_flags_for(place) == []

    assert premise_flag_approve(flag=flag, by=sam) is True

    assert premise_flags_for(place) == [flag]
    assert premise_flag_approve(flag=flag, by=sam) is False
    flag.refresh_from_db()
    assert flag.approved_by == sam


def test_changing_an_approved_flag_sends_it_back_for_approval(db, sam):
    flag = flag_at("310 ELM ST", requires_approval=True)
    premise_flag_approve(flag=flag, by=sam)
    flag.refresh_from_db()

    flag.text = "Two dogs now"
    premise_flag_save(flag=flag, by=None, changed=["text"])

    assert flag.approved_at is None
    assert premise_flags_for(place_resolve("310 ELM ST")) == []


def test_a_radius_flag_reaches_every_place_inside_it(db):
    lat, lon = grid_point(1, 2)  # 2ND AVE / ELM ST
    premise_flag_save(flag=PremiseFlag(kind=FlagKind.ACCESS, text="Road closed", lat=lat, lon=lon,
                                       radius_m=120), by=None)

    assert texts(place_resolve("ELM ST / 2ND AVE")) == ["Road closed"]
    assert texts(place_resolve("210 ELM ST")) == ["Road closed"]  # about 21 m east of the corner
    assert texts(place_at(lat + 0.0005, lon)) == ["Road closed"]  # 55 m north
    assert premise_flags_for(place_resolve("270 ELM ST")) == []  # about 155 m east
    assert premise_flags_for(place_resolve("ELM ST / 3RD AVE")) == []


def test_hazards_come_first(db):
    flag_at("310 ELM ST", kind=FlagKind.NOTE, text="note")
    flag_at("310 ELM ST", kind=FlagKind.MEDICAL, text="medical")
    flag_at("310 ELM ST", kind=FlagKind.OFFICER_SAFETY, text="hazard")

    assert texts(place_resolve("310 ELM ST")) == ["hazard", "medical", "note"]


def test_a_flag_needs_an_address_or_a_point_and_radius(db):
    with pytest.raises(Exception):  # noqa: B017 - model validation or the database constraint
        premise_flag_save(flag=PremiseFlag(kind=FlagKind.NOTE, text="nowhere"), by=None)


def test_the_lookup_lists_a_confidential_flag_without_its_text_and_records_no_read(as_alice):
    flag_at("310 ELM ST", text="Violent history")
    flag_at("310 ELM ST", kind=FlagKind.MEDICAL, text="On oxygen", confidential=True)

    for typed in ("310 e", "310 el", "310 elm street"):
        match = as_alice.get(ADDRESSES, {"q": typed}).json()[0]

    assert [(f["kind"], f["text"], f["confidential"]) for f in match["premise_flags"]] == [
        ("officer_safety", "Violent history", False), ("medical", None, True)]
    assert PremiseFlagRead.objects.count() == 0


def test_a_read_on_a_call_is_recorded_with_the_call_and_cannot_be_rewritten(db, bob):
    secret = flag_at("310 ELM ST", confidential=True)
    plain = flag_at("311 ELM ST")

    read = premise_flag_read_record(flag=secret, by=bob, call_id=42, call_number="2026-000042")

    assert premise_flag_read_record(flag=plain, by=bob) is None
    assert (read.by, read.call_id, read.call_number) == (bob, 42, "2026-000042")
    with pytest.raises(AppendOnlyError):
        read.delete()
    with pytest.raises(AppendOnlyError):
        PremiseFlagRead.objects.filter(pk=read.pk).update(call_id=1)


def test_the_demo_flags_show_only_what_is_active(db):
    hazard = place_search("511 elm")[0]
    assert [f.kind for f in premise_flags_for(hazard)] == ["officer_safety"]
    assert premise_flags_for(place_resolve("611 MAPLE ST")) == []  # expired
    assert premise_flags_for(place_resolve("330 CEDAR ST")) == []  # awaiting approval
    assert [f.confidential for f in premise_flags_for(place_resolve("230 OAK ST"))] == [True]
    assert "Gate code" in premise_flags_for(place_resolve("450 PINE ST"))[0].text


def test_the_admins_states_are_what_reaches_a_call(carol):
    """One definition of an active flag: the admin's filter, its state column and call entry agree."""
    now = timezone.now()
    clerk = Client()
    clerk.force_login(carol)
    listed = {state: {f.pk for f in clerk.get(FLAGS, {"state": state}).context["cl"].queryset}
              for state in ("active", "awaiting", "expired")}
    shown = {"active": "active", "awaiting": "awaiting approval", "expired": "expired"}
    for state, pks in listed.items():
        assert pks, f"the demo city has a flag {state}"
        assert all(PremiseFlag.objects.get(pk=pk).state(now) == shown[state] for pk in pks)
    assert set(PremiseFlag.objects.active(now).values_list("pk", flat=True)) == listed["active"]
    assert "611 MAPLE ST" in {f.where for f in PremiseFlag.objects.expired(now)}
    assert premise_flags_for(place_resolve("330 CEDAR ST")) == []  # listed as awaiting approval


def test_a_records_clerk_adds_a_flag_in_the_admin_and_its_text_stays_out_of_the_list(
    carol
):
    clerk = Client()
    clerk.force_login(carol)

    response = clerk.post(f"{FLAGS}add/", {
        "kind": "medical", "text": "Bedridden, on oxygen", "address": address("230 ELM ST").pk,
        "confidential": "on",
    })

    assert response.status_code == 302, response.content.decode()[:2000]
    flag = PremiseFlag.objects.get(text="Bedridden, on oxygen")
    assert flag.created_by == carol and flag.confidential
    listing = clerk.get(FLAGS, {"q": "230 ELM"}).content.decode()
    assert "230 ELM ST" in listing and "(confidential)" in listing
    assert "Bedridden" not in listing
    assert clerk.get(f"{FLAGS}{flag.pk}/change/").status_code == 200
    assert PremiseFlagRead.objects.filter(flag=flag, by=carol, context="admin").exists()


def test_the_admin_filters_flags_by_state_kind_and_confidentiality(carol):
    expired = flag_at("310 ELM ST", text="old", expires_at=timezone.now() - timedelta(days=1))
    waiting = flag_at("310 ELM ST", text="new", requires_approval=True)
    clerk = Client()
    clerk.force_login(carol)

    def listed(**query) -> set[int]:
        return {f.pk for f in clerk.get(FLAGS, query).context["cl"].result_list}

    assert expired.pk in listed(state="expired") and waiting.pk not in listed(state="expired")
    assert waiting.pk in listed(state="awaiting") and waiting.pk not in listed(state="active")
    assert all(PremiseFlag.objects.get(pk=pk).confidential for pk in listed(confidential__exact="1"))
    assert listed(kind__exact="access") and all(
        PremiseFlag.objects.get(pk=pk).kind == "access" for pk in listed(kind__exact="access"))


def test_only_a_supervisor_approves_in_the_admin(carol, sam):
    flag = flag_at("310 ELM ST", requires_approval=True)
    action = {"action": "approve_flags", "_selected_action": [flag.pk]}
    clerk, supervisor = Client(), Client()
    clerk.force_login(carol)
    supervisor.force_login(sam)

    clerk.post(FLAGS, action)
    flag.refresh_from_db()
    assert flag.approved_at is None

    assert supervisor.post(FLAGS, action).status_code == 302
    flag.refresh_from_db()
    assert flag.approved_by == sam


def test_a_clerk_cannot_take_approval_off_a_flag(carol, sam):
    flag = flag_at("310 ELM ST", requires_approval=True)
    clerk = Client()
    clerk.force_login(carol)
    form = {"kind": flag.kind, "text": flag.text, "address": flag.address_id, "radius_m": ""}

    response = clerk.post(f"{FLAGS}{flag.pk}/change/", form)

    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.requires_approval and not flag.approved
    assert premise_flags_for(place_resolve("310 ELM ST")) == []
    flag.requires_approval = False
    with pytest.raises(ValidationError, match="Only a supervisor"):
        premise_flag_save(flag=flag, by=carol, changed=["requires_approval"])
    premise_flag_save(flag=flag, by=sam, changed=["requires_approval"])
    assert [f.pk for f in premise_flags_for(place_resolve("310 ELM ST"))] == [flag.pk]


@pytest.mark.parametrize("radius, ok", [(0, False), (1, True), (5000, True), (5001, False)])
def test_a_radius_is_one_metre_to_five_kilometres_however_the_flag_is_saved(db, radius, ok):
    lat, lon = grid_point(1.5, 0.5)
    flag = PremiseFlag(kind=FlagKind.NOTE, text="Quarry blasting", lat=lat, lon=lon, radius_m=radius)

    if ok:
        assert premise_flag_save(flag=flag, by=None).pk
    else:
        with pytest.raises(ValidationError):
            premise_flag_save(flag=flag, by=None)
