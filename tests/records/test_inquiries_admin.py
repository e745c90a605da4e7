"""A records clerk keeps the records to query in the admin, through the same services and checks."""

from records.inquiries.models import Vehicle, Warrant
from records.models import AuditEntry
from tests.records.inquiries import wanted

VEHICLES = "/admin/records/vehicle/"


def vehicle_form(**fields) -> dict:
    return {"plate": "tst 77-77", "plate_state": "mo", "vin": "3VWFE21C04M000001", "year": "2004",
            "make": "VW", "model": "Jetta", "colour": "Black", "stolen_at_0": "2026-01-10",
            "stolen_at_1": "08:30:00", "case_number": "26-0777", "recovered_at_0": "", "recovered_at_1": "",
            **fields}


def test_a_clerk_enters_a_stolen_vehicle_through_the_admin(as_carol, carol):
    page = as_carol.post(f"{VEHICLES}add/", vehicle_form())

    assert page.status_code == 302, page.context["adminform"].form.errors if page.context else page
    vehicle = Vehicle.objects.get(case_number="26-0777")
    assert (vehicle.plate, vehicle.plate_state) == ("TST7777", "MO")
    assert vehicle.entered_by == carol and vehicle.entered_at is not None
    assert AuditEntry.objects.filter(action="vehicle.stolen", object=f"vehicle:{vehicle.pk}",
                                     username="clerk1").exists()


def test_a_bad_vin_in_the_admin_is_a_form_error_and_nothing_is_saved(as_carol):
    page = as_carol.post(f"{VEHICLES}add/", vehicle_form(vin="3VWFE21C14M000001", case_number="26-0778"))

    assert page.status_code == 200
    errors = page.context["adminform"].form.errors
    assert "check digit" in errors["vin"][0]
    assert not Vehicle.objects.filter(case_number="26-0778").exists()


def test_a_stolen_date_in_the_future_in_the_admin_is_a_form_error(as_carol):
    page = as_carol.post(f"{VEHICLES}add/", vehicle_form(stolen_at_0="2999-01-01", case_number="26-0779"))

    assert "future" in page.context["adminform"].form.errors["stolen_at"][0]
    assert not Vehicle.objects.filter(case_number="26-0779").exists()


def test_a_clerk_marks_a_warrant_served_and_it_is_stamped_and_audited(as_carol, carol):
    warrant = wanted(carol, number="T-26-0100")
    form = {"person": warrant.person_id, "number": warrant.number, "charge": warrant.charge,
            "court": warrant.court, "issued_on": "2026-01-05", "extradition": "full",
            "caution_codes": ["ARMED"], "status": "served"}

    page = as_carol.post(f"/admin/records/warrant/{warrant.pk}/change/", form)

    assert page.status_code == 302, page.context["adminform"].form.errors if page.context else page
    warrant = Warrant.objects.get(pk=warrant.pk)
    assert warrant.status == "served" and warrant.status_by == carol
    assert warrant.caution_codes == ["ARMED"]
    assert AuditEntry.objects.filter(action="warrant.status", object=f"warrant:{warrant.pk}").exists()


def test_a_dispatcher_has_no_records_pages_in_the_admin(as_alice):
    assert as_alice.get(f"{VEHICLES}add/").status_code in (302, 403)
