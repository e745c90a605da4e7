from django.contrib.auth.models import Group
from django.test import Client

from cad.demo import seed_groups


def test_a_supervisor_can_unlock_an_account(sam):
    seed_groups()
    supervisor = Group.objects.get(name="supervisor")
    assert supervisor.permissions.filter(codename="delete_accessattempt").exists()
    client = Client()
    client.force_login(sam)
    assert client.get("/admin/axes/accessattempt/").status_code == 200


def test_records_clerks_neither_read_sign_in_attempts_nor_unlock(carol):
    # Sign-in attempts are the supervisors' and administrators' (least privilege, issue 13).
    client = Client()
    client.force_login(carol)
    assert client.get("/admin/axes/accessattempt/").status_code == 403
    assert not carol.has_perm("axes.delete_accessattempt")
