"""Each audited action leaves its entry: who, from where, what, outcome (one test per action, so the
one that stops being audited is named)."""

import ipaddress
import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.utils import timezone

from cad.audit import AuditContext, audit_context, client_address
from cad.models import Agency, AgencyToken
from cad.services import agency_token_create, agency_tokens_revoke
from calls import services
from calls.models import Alert, CallType, Disposition
from premises.choices import FlagKind, Occupancy
from premises.models import Address, AlarmPermit, PremiseFlag
from premises.services import alarm_permit_save, premise_flag_approve, premise_flag_save
from records.models import AuditEntry
from tests.conftest import client_for
from units.models import Station, Unit
from units.services import station_save, stations_delete, unit_add, unit_check, unit_describe, unit_status_set

PASSWORD = "a-password-for-these-tests-1"


def last(action: str) -> AuditEntry:
    return AuditEntry.objects.filter(action=action).latest("pk")


def new_call(by, address: str = "230 oak street", code: str = "DISORD"):
    call_type = CallType.objects.get(code=code)
    return services.call_create(call_type=call_type, location={"address": address}, by=by)


def test_a_call_created_is_audited_with_who_and_where_from(alice, as_alice):
    body = {"call_type": "DISORD", "location": {"address": "230 oak street"}}
    answer = as_alice.post("/api/v1/calls/", body, format="json", REMOTE_ADDR="10.9.8.7")
    assert answer.status_code == 201, answer.content
    entry = last("call.create")
    assert (entry.user, entry.username, entry.source_ip) == (alice, "dispatcher1", "10.9.8.7")
    assert entry.outcome == "ok"
    assert entry.object == f"call:{answer.json()['id']}"
    assert entry.detail["number"] == answer.json()["number"]


def test_a_call_changed_is_audited_field_old_to_new(alice):
    call = new_call(alice)
    services.call_update(call=call, by=alice, caller_name="Pat Doe")
    entry = last("call.change")
    assert entry.object == f"call:{call.pk}" and entry.detail["changes"] == {"caller_name": ["", "Pat Doe"]}


def test_a_call_closed_and_reopened_are_audited(alice):
    call = new_call(alice)
    services.call_close(call=call, disposition=Disposition.objects.get(code="ACX"), by=alice)
    assert last("call.close").detail["changes"]["disposition"] == [None, "ACX"]
    services.call_reopen(call=call, by=alice, reason="Caller rang back")
    assert last("call.reopen").detail["reason"] == "Caller rang back"


def test_a_dispatch_is_audited_with_its_units(alice):
    call = new_call(alice)
    unit = Unit.objects.filter(status="available", agency__code="CPD").first()
    services.call_dispatch(call=call, units=[unit], by=alice)
    assert last("call.dispatch").detail["units"] == [unit.callsign]


def test_a_duplicate_linked_is_audited(alice):
    master, duplicate = new_call(alice), new_call(alice)
    services.call_link(call=duplicate, master=master, by=alice)
    assert last("call.link").detail["changes"]["master"] == [None, master.number]


def test_a_note_is_audited(alice):
    call = new_call(alice)
    entry = services.call_note_add(call=call, by=alice, text="Caller says two men")
    assert last("call.note").detail["chronology_entry"] == entry.pk


def test_a_calls_record_printed_is_audited_with_its_format_and_where_from(alice, carol):
    call = new_call(alice)
    client = client_for(carol)

    assert client.get(f"/records/calls/{call.pk}/record/", REMOTE_ADDR="10.4.5.6").status_code == 200
    page = last("call.print")
    assert client.get(f"/records/calls/{call.pk}/record.pdf", REMOTE_ADDR="10.4.5.6").status_code == 200
    pdf = last("call.print")

    assert (page.detail["format"], pdf.detail["format"]) == ("html", "pdf")
    assert {page.object, pdf.object} == {f"call:{call.pk}"}
    assert {page.username, pdf.username} == {"clerk1"} and {page.source_ip, pdf.source_ip} == {"10.4.5.6"}


def test_an_alert_acknowledged_is_audited(alice):
    call = new_call(alice)
    alert = Alert.objects.create(kind=Alert.Kind.DISPATCH_GOAL, call=call, text="Pending too long",
                                 key=f"t-{call.pk}", raised_at=call.received_at)
    services.alert_acknowledge(alert=alert, by=alice)
    assert last("alert.acknowledge").object == f"alert:{alert.pk}"


def test_a_unit_status_change_is_audited(alice):
    unit = Unit.objects.filter(status="available").first()
    unit_status_set(unit=unit, status="out_of_service", by=alice)
    assert last("unit.status").detail["changes"] == {"status": ["available", "out_of_service"]}


def test_a_unit_check_is_audited(alice):
    unit = Unit.objects.filter(status="available").first()
    unit_check(unit=unit, by=alice)
    assert last("unit.check").object == f"unit:{unit.pk}"


def test_a_unit_added_and_described_are_audited(sam):
    template = Unit.objects.first()
    unit = unit_add(unit=Unit(callsign="9Z99", agency=template.agency, unit_type=template.unit_type,
                              discipline=template.discipline), by=sam)
    assert last("unit.create").detail["callsign"] == "9Z99"
    unit.capabilities = ["k9"]
    unit_describe(unit=unit, changed=["capabilities"], by=sam)
    assert last("unit.change").detail["changes"] == {"capabilities": [[], ["k9"]]}


def test_stations_saved_and_deleted_are_audited(sam):
    station = station_save(station=Station(name="Station 99"), changed=["name"], by=sam)
    assert last("station.save").object == f"station:{station.pk}"
    stations_delete(stations=[station], by=sam)
    assert last("station.delete").detail == {"name": "Station 99"}


def test_a_flag_created_changed_and_approved_are_audited(carol, sam):
    flag = premise_flag_save(flag=PremiseFlag(address=Address.objects.get(label="230 OAK ST"),
                                              kind=FlagKind.MEDICAL, text="Oxygen", requires_approval=True),
                             by=carol)
    assert last("flag.create").username == "clerk1"
    flag.text = "Oxygen tanks in the garage"
    premise_flag_save(flag=flag, by=carol, changed=["text"])
    assert last("flag.change").detail["changes"]["text"] == ["Oxygen", "Oxygen tanks in the garage"]
    premise_flag_approve(flag=flag, by=sam)
    assert last("flag.approve").username == "supervisor1"


def test_a_confidential_flag_read_is_audited_with_the_call(alice, bob):
    flag = premise_flag_save(flag=PremiseFlag(address=Address.objects.get(label="230 OAK ST"),
                                              kind=FlagKind.MEDICAL, text="Home oxygen", confidential=True),
                             by=None)
    call = new_call(alice, code="SICK")
    client_for(bob).get(f"/api/v1/calls/{call.pk}/")
    entry = AuditEntry.objects.get(action="flag.confidential_read", object=f"flag:{flag.pk}")
    assert (entry.username, entry.detail["call"]) == ("dispatcher2", call.number)
    assert entry.detail["where"]


def test_a_permit_created_and_changed_are_audited(carol):
    with audit_context(AuditContext(user=carol, source_ip="10.0.0.3")):
        today = timezone.localdate()
        permit = alarm_permit_save(permit=AlarmPermit(
            number="P-99", holder_name="ACME", holder_mailing_address="PO BOX 1",
            site_address=Address.objects.get(label="230 OAK ST"),
            occupancy=Occupancy.BUSINESS, issued_on=today, expires_on=today + timedelta(days=300)))
        assert last("permit.create").username == "clerk1"
        permit.holder_name = "ACME CORP"
        alarm_permit_save(permit=permit)
    assert last("permit.change").detail["changes"]["holder_name"] == ["ACME", "ACME CORP"]


def test_tokens_created_and_revoked_are_audited(sam):
    token, _ = agency_token_create(agency=Agency.objects.get(code="NFPD"), label="CAD link", created_by=sam)
    assert last("token.create").detail["agency"] == "NFPD"
    agency_tokens_revoke(tokens=AgencyToken.objects.filter(pk=token.pk), by=sam)
    assert last("token.revoke").object == f"token:{token.pk}"


def test_a_token_request_names_the_token(as_cpd_token):
    as_cpd_token.post("/api/v1/calls/", {"call_type": "DISORD", "location": {"address": "230 oak street"}},
                      format="json")
    entry = last("call.create")
    assert entry.token is not None and entry.token.agency.code == "CPD"


def test_sign_in_success_failure_and_sign_out_are_audited(db):
    user = get_user_model().objects.get(username="dispatcher1")
    user.set_password(PASSWORD)
    user.save()
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.post("/accounts/login/", {"username": "dispatcher1", "password": "wrong"})
    failure = last("login.failure")
    assert (failure.outcome, failure.detail["username"]) == ("failed", "dispatcher1")
    assert failure.source_ip == "10.1.2.3"
    assert "wrong" not in str(failure.detail)
    client.post("/accounts/login/", {"username": "dispatcher1", "password": PASSWORD})
    assert last("login.success").username == "dispatcher1"
    client.post("/accounts/logout/")
    assert last("logout").username == "dispatcher1"


@override_settings(AXES_FAILURE_LIMIT=2)
def test_a_lockout_is_audited(db):
    client = Client()
    for _ in range(3):
        client.post("/accounts/login/", {"username": "dispatcher2", "password": "wrong"})
    entry = last("lockout")
    assert (entry.outcome, entry.detail["username"]) == ("denied", "dispatcher2")


def test_a_refused_api_request_is_audited_as_denied(carol, as_carol):
    assert as_carol.post("/api/v1/calls/", {}, format="json").status_code == 403
    entry = last("denied")
    assert (entry.username, entry.outcome, entry.detail["method"]) == ("clerk1", "denied", "POST")
    assert entry.detail["path"] == "/api/v1/calls/"


def test_a_refused_page_is_audited_as_denied_once(carol, as_carol):
    assert as_carol.get("/console/").status_code == 403
    entry = last("denied")
    assert (entry.username, entry.outcome, entry.object) == ("clerk1", "denied", "/console/")
    assert (entry.detail["method"], entry.detail["path"]) == ("GET", "/console/")
    assert "dispatchers and supervisors" in entry.detail["reason"]
    assert as_carol.post("/api/v1/calls/", {}, format="json").status_code == 403
    assert AuditEntry.objects.filter(action="denied").count() == 2  # the API's 403 once, not twice


def test_a_refused_patch_of_a_closed_call_is_audited_as_failed_and_the_call_is_unchanged(alice, as_alice):
    call = new_call(alice)
    services.call_close(call=call, disposition=Disposition.objects.get(code="02"), by=alice)
    response = as_alice.patch(f"/api/v1/calls/{call.pk}/", {"narrative": "rewritten"}, format="json")
    assert response.status_code == 409
    entry = last("refused")
    assert (entry.username, entry.outcome) == ("dispatcher1", "failed")
    assert entry.object == f"/api/v1/calls/{call.pk}/"
    assert entry.detail["method"] == "PATCH" and "supplement" in entry.detail["reason"]
    assert not AuditEntry.objects.filter(action="call.change", object=f"call:{call.pk}").exists()


def test_a_user_changed_in_the_admin_is_audited(admin_user, carol):
    client = Client()
    client.force_login(admin_user)
    client.post(f"/admin/auth/user/{carol.pk}/password/", {"password1": "x-new-Password-77",
                                                            "password2": "x-new-Password-77"})
    entry = last("user.change")
    assert (entry.object, entry.username) == (f"user:{carol.pk}", "admin")


def test_reference_data_saved_directly_in_the_admin_is_audited(sam):
    client = Client()
    client.force_login(sam)
    code = Disposition.objects.get(code="ACX")
    page = client.get(f"/admin/calls/disposition/{code.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data["description"] = "Report taken (changed)"
    data = {k: v for k, v in data.items() if v is not None}
    client.post(f"/admin/calls/disposition/{code.pk}/change/", data)
    entry = last("admin.change")
    assert entry.object == f"disposition:{code.pk}" and entry.username == "supervisor1"


@pytest.mark.parametrize("remote, forwarded, trusted, expected", [
    ("10.0.0.9", "", [], "10.0.0.9"),
    ("10.0.0.9", "203.0.113.5", [], "10.0.0.9"),  # not from our proxy: the header is not believed
    ("10.0.0.9", "203.0.113.5", ["10.0.0.0/8"], "203.0.113.5"),
    ("10.0.0.9", "198.51.100.1, 203.0.113.5, 10.0.0.2", ["10.0.0.0/8"], "203.0.113.5"),
    ("10.0.0.9", "not-an-address", ["10.0.0.0/8"], "10.0.0.9"),
])
def test_the_source_address_believes_forwarded_for_only_from_trusted_proxies(remote, forwarded, trusted,
                                                                            expected):
    with override_settings(CAD_TRUSTED_PROXIES=[ipaddress.ip_network(n) for n in trusted]):
        assert client_address({"REMOTE_ADDR": remote, "HTTP_X_FORWARDED_FOR": forwarded}) == expected


def test_a_unit_changed_in_the_admin_is_one_audit_entry_with_its_fields(sam):
    unit = Unit.objects.get(callsign="1A12")
    client = Client()
    client.force_login(sam)
    page = client.get(f"/admin/units/unit/{unit.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v is not None}
    data["capabilities"] = json.dumps([*unit.capabilities, "thermal_camera"])
    before = AuditEntry.objects.count()
    response = client.post(f"/admin/units/unit/{unit.pk}/change/", data)
    assert response.status_code == 302, response.content[:2000]
    made = list(AuditEntry.objects.order_by("id")[before:].values_list("action", "object"))
    assert made == [("unit.change", f"unit:{unit.pk}")]
    assert last("unit.change").detail["changes"]["capabilities"] == [
        unit.capabilities, [*unit.capabilities, "thermal_camera"]]
