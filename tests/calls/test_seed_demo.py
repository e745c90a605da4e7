import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

from cad.models import Agency
from calls.models import CallType, Disposition, Priority
from premises.models import Address, Beat, Intersection
from units.models import Unit


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Agency, CallType, Disposition, Priority, Address, Beat, Intersection, Unit)
    }


def test_the_demo_city_has_what_the_issue_asks_for(db):
    assert 4 <= Beat.objects.count() <= 6
    assert Unit.objects.count() >= 30
    assert set(Agency.objects.values_list("code", flat=True)) >= {"CPD", "DCSO", "NFPD", "SFPD", "ACS",
                                                                  "DPW", "BHT"}
    apco = set(CallType.objects.filter(is_local=False).values_list("code", flat=True))
    assert len(apco) >= 40
    assert apco >= {"ROBBERY", "SHOOT", "WEAPON", "FIGHT", "ASSAULT", "DVA", "ALRBA", "ALRBS", "ALMR",
                    "ALMB", "911H", "911OPN", "MVA", "MVAINJY", "FSTRU", "CARDIAC", "RESP", "MNTL",
                    "SUICTHRT", "WELFARE", "ANIMAL", "BITE", "NOISE", "SUSP", "TSTOP", "THAZ"}
    water = CallType.objects.get(code="WATERMAIN")
    assert (water.is_local, water.common_type) == (True, "PUBWKS")
    assert list(water.disciplines.values_list("code", flat=True)) == ["public_works"]
    p1 = Priority.objects.get(level=1)
    assert (p1.dispatch_goal_seconds, p1.response_goal_seconds) == (60, 300)
    assert Disposition.objects.get(code="17").billable_false_alarm is False
    assert Disposition.objects.get(code="FAB").billable_false_alarm is True
    assert Unit.objects.values("agency__code").distinct().count() == Agency.objects.count()


def test_running_it_again_changes_nothing_and_keeps_edited_goals(db):
    before = counts()
    Priority.objects.filter(level=2).update(dispatch_goal_seconds=240)
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == before
    assert Priority.objects.get(level=2).dispatch_goal_seconds == 240
    assert "dispatcher1" in out.getvalue() and "clerk1" in out.getvalue()


def test_demo_users_get_the_password_from_the_environment(db, settings):
    settings.CAD_DEMO_PASSWORD = "correct horse battery"
    call_command("seed_demo", stdout=io.StringIO())
    users = get_user_model().objects.filter(username__in=["dispatcher1", "dispatcher2", "supervisor1",
                                                          "clerk1", "admin"])
    assert users.count() == 5
    assert all(u.check_password("correct horse battery") for u in users)
    assert get_user_model().objects.get(username="clerk1").groups.get().name == "records_clerk"


def test_running_it_again_leaves_existing_accounts_as_they_are(db, settings):
    settings.CAD_DEMO_PASSWORD = ""
    User = get_user_model()
    User.objects.filter(username="admin").update(is_active=False)
    dispatcher = User.objects.get(username="dispatcher1")
    dispatcher.set_password("changed by the dispatcher")
    dispatcher.save()
    call_command("seed_demo", stdout=io.StringIO())
    assert User.objects.get(username="admin").is_active is False
    assert User.objects.get(username="dispatcher1").check_password("changed by the dispatcher")
