"""GET false-alarms/ and bills/, the notice PDF, appeals, decisions and payments over the API."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from reportlab import rl_config

from records.billing.services import billing_run
from records.models import AuditEntry, Bill, Payment
from tests.records.billing import LAST_YEAR, alarm, day, permit

FALSE_ALARMS = "/api/v1/false-alarms/"
BILLS = "/api/v1/bills/"


@pytest.fixture
def billed(alice):
    """ACME's five false alarms and a weather alarm last year, billed today: the 4th and 5th at $50."""
    acme = permit()
    for month in (1, 2, 3, 4, 5):
        alarm(alice, day(month, 10))
    alarm(alice, day(6, 1), disposition="17")
    billing_run(through=date(LAST_YEAR, 12, 31))
    return Bill.objects.get(permit=acme)


def test_the_false_alarm_list_gives_each_alarm_its_reason_and_fee(billed, as_carol):
    answer = as_carol.get(FALSE_ALARMS, {"permit": "AP-TEST-1", "from": f"{LAST_YEAR}-01-01",
                                         "to": f"{LAST_YEAR}-12-31"})

    assert answer.status_code == 200
    rows = answer.json()["results"]
    assert answer.json()["count"] == 6
    assert [(r["billable"], r["fee"], r["reason"]) for r in rows] == [
        (False, "0.00", "1st false alarm this permit year: free"),
        (False, "0.00", "2nd false alarm this permit year: free"),
        (False, "0.00", "3rd false alarm this permit year: free"),
        (True, "50.00", "4th false alarm this permit year: $50.00"),
        (True, "50.00", "5th false alarm this permit year: $50.00"),
        (False, "0.00", "weather, power or utility failure: not false"),
    ]
    assert {r["permit"] for r in rows} == {"AP-TEST-1"} and rows[0]["site"] == "310 MAIN ST"
    assert [r["bill"] for r in rows if r["billable"]] == [billed.number, billed.number]


@pytest.mark.parametrize("query, field", [
    ({"from": "yesterday"}, "from"), ({"to": "2026-13-01"}, "to"), ({"permit": "AP-NOPE"}, "permit"),
    ({"from": "2026-05-01", "to": "2026-04-01"}, "from"), ({"colour": "red"}, "colour"),
])
def test_a_bad_false_alarm_query_is_a_400_naming_the_field(as_carol, query, field):
    answer = as_carol.get(FALSE_ALARMS, query)

    assert answer.status_code == 400 and field in answer.json()


def test_partners_may_not_read_false_alarms_or_bills(billed, as_sheriff_token, as_cpd_token):
    assert as_sheriff_token.get(FALSE_ALARMS).status_code == 403
    assert as_sheriff_token.get(BILLS).status_code == 403
    assert as_sheriff_token.get(f"{BILLS}{billed.pk}/pdf/").status_code == 403
    assert as_cpd_token.get(BILLS).status_code == 200  # the center's own program reads them


def test_a_bill_reads_as_the_contract_says(billed, as_alice):
    answer = as_alice.get(f"{BILLS}{billed.pk}/")

    bill = answer.json()
    assert answer.status_code == 200
    assert (bill["number"], bill["permit"], bill["holder"], bill["site"], bill["status"]) == (
        billed.number, "AP-TEST-1", "ACME HARDWARE", "310 MAIN ST", "issued")
    assert bill["mailing_address"] == "PO BOX 77\nDEMO CITY MO 64015"
    assert [(line["fee"], line["reason"]) for line in bill["lines"]] == [
        ("50.00", "4th false alarm this permit year: $50.00"),
        ("50.00", "5th false alarm this permit year: $50.00")]
    assert (bill["total"], bill["balance"], bill["issued"]) == ("100.00", "100.00", date.today().isoformat())
    assert bill["due"] == (date.today() + timedelta(days=30)).isoformat()
    assert as_alice.get(BILLS, {"status": "issued"}).json()["count"] == 1
    assert as_alice.get(BILLS, {"permit": "AP-2026-0001"}).json()["count"] == 0


def test_the_notice_pdf_carries_what_the_holder_must_know(billed, as_carol, monkeypatch):
    monkeypatch.setattr(rl_config, "pageCompression", 0)  # the page's text readable in the bytes

    answer = as_carol.get(f"{BILLS}{billed.pk}/pdf/")

    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    pdf = answer.content
    assert pdf.startswith(b"%PDF")
    lines, due = list(billed.lines.all()), billed.due_on
    for needed in ["ACME HARDWARE", "PO BOX 77", "DEMO CITY MO 64015", "310 MAIN ST", billed.number,
                   lines[0].call_number, lines[1].call_number, "$50.00", "$100.00", "Earlier unpaid balance",
                   "How to appeal", f"{due:%B} {due.day}, {due.year}", f"{lines[0].at:%Y-%m-%d}",
                   f"{lines[0].at:%H:%M}"]:
        assert needed.encode() in pdf, needed


def test_markup_in_a_holders_name_is_printed_as_text(alice, as_carol, monkeypatch):
    monkeypatch.setattr(rl_config, "pageCompression", 0)
    permit(holder="SMITH & <b>SONS</b>")
    for month in (1, 2, 3, 4):
        alarm(alice, day(month, 10))
    billing_run(through=date(LAST_YEAR, 12, 31))

    answer = as_carol.get(f"{BILLS}{Bill.objects.get().pk}/pdf/")

    assert answer.status_code == 200 and b"SMITH & <b>SONS</b>" in answer.content


def test_an_appeal_holds_the_fee_and_a_waiver_clears_it(billed, as_carol, as_sam):
    appealed = as_carol.post(f"{BILLS}{billed.pk}/appeal/", {"reason": "The power was out all night."},
                             format="json")

    assert appealed.status_code == 201
    assert (appealed.json()["status"], appealed.json()["held"]) == ("appealed", "100.00")
    assert appealed.json()["appeal"]["reason"] == "The power was out all night."

    decided = as_sam.post(f"{BILLS}{billed.pk}/decision/",
                          {"outcome": "waived", "reason": "Utility outage confirmed"}, format="json")

    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["balance"], decided.json()["held"]) == (
        "waived", "0.00", "0.00")
    assert decided.json()["appeal"]["outcome"] == "waived"
    audited = AuditEntry.objects.filter(object=f"bill:{billed.pk}",
                                        action__in=["bill.appeal", "bill.decision"])
    assert audited.count() == 2


def test_a_reduction_leaves_the_reduced_amount_owed(billed, as_carol, as_sam):
    as_carol.post(f"{BILLS}{billed.pk}/appeal/", {"reason": "New panel installed."}, format="json")

    decided = as_sam.post(f"{BILLS}{billed.pk}/decision/",
                          {"outcome": "reduced", "amount": "50.00", "reason": "One alarm was the installer"},
                          format="json")

    assert (decided.json()["status"], decided.json()["amount"], decided.json()["balance"]) == (
        "issued", "50.00", "50.00")


def test_payments_add_up_to_the_right_balance(billed, as_carol):
    first = as_carol.post(f"{BILLS}{billed.pk}/payments/", {"amount": "30.00", "method": "check",
                                                            "reference": "1042"}, format="json")

    assert first.status_code == 201 and first.json()["amount"] == "30.00"
    assert as_carol.get(f"{BILLS}{billed.pk}/").json()["balance"] == "70.00"

    second = as_carol.post(f"{BILLS}{billed.pk}/payments/", {"amount": "70", "method": "card"}, format="json")

    bill = as_carol.get(f"{BILLS}{billed.pk}/").json()
    assert second.status_code == 201
    assert (bill["balance"], bill["paid"], bill["status"]) == ("0.00", "100.00", "paid")
    assert [p["amount"] for p in bill["payments"]] == ["30.00", "70.00"]


@pytest.mark.parametrize("body, field", [
    ({"amount": "100.01", "method": "cash"}, "amount"),
    ({"amount": "-5.00", "method": "cash"}, "amount"),
    ({"amount": "0", "method": "cash"}, "amount"),
    ({"amount": "fifty", "method": "cash"}, "amount"),
    ({"amount": "NaN", "method": "cash"}, "amount"),
    ({"amount": "1.005", "method": "cash"}, "amount"),
    ({"amount": True, "method": "cash"}, "amount"),
    ({"amount": "10.00", "method": "bitcoin"}, "method"),
    ({"amount": "10.00"}, "method"),
])
def test_a_bad_payment_is_a_400_and_nothing_is_saved(billed, as_carol, body, field):
    answer = as_carol.post(f"{BILLS}{billed.pk}/payments/", body, format="json")

    assert answer.status_code == 400 and field in answer.json(), answer.json()
    assert not Payment.objects.exists()
    assert Bill.objects.get(pk=billed.pk).balance == Decimal("100.00")


def test_an_appeal_after_the_window_is_refused(billed, as_carol):
    Bill.objects.filter(pk=billed.pk).update(issued_on=date.today() - timedelta(days=11))

    answer = as_carol.post(f"{BILLS}{billed.pk}/appeal/", {"reason": "Late."}, format="json")

    assert answer.status_code == 400 and "appeal window closed" in answer.json()["reason"][0]
    assert Bill.objects.get(pk=billed.pk).status == "issued"


def test_a_decision_on_a_bill_not_under_appeal_is_refused(billed, as_sam):
    answer = as_sam.post(f"{BILLS}{billed.pk}/decision/", {"outcome": "waived", "reason": "Kind"},
                         format="json")

    assert answer.status_code == 400 and "not under appeal" in answer.json()["detail"]


@pytest.mark.parametrize("body, field", [
    ({"outcome": "reduced", "reason": "x"}, "amount"),
    ({"outcome": "reduced", "amount": "150.00", "reason": "x"}, "amount"),
    ({"outcome": "reduced", "amount": "-1", "reason": "x"}, "amount"),
    ({"outcome": "pardoned", "reason": "x"}, "outcome"),
    ({"outcome": "upheld", "reason": "  "}, "reason"),
])
def test_a_bad_decision_is_a_400_and_the_appeal_stays_open(billed, as_carol, as_sam, body, field):
    as_carol.post(f"{BILLS}{billed.pk}/appeal/", {"reason": "Storm."}, format="json")

    answer = as_sam.post(f"{BILLS}{billed.pk}/decision/", body, format="json")

    assert answer.status_code == 400 and field in answer.json(), answer.json()
    assert Bill.objects.get(pk=billed.pk).status == "appealed"


def test_only_clerks_and_supervisors_appeal_and_take_payments_and_only_supervisors_decide(
        billed, as_alice, as_carol):
    assert as_alice.post(f"{BILLS}{billed.pk}/appeal/", {"reason": "x"}, format="json").status_code == 403
    assert as_alice.post(f"{BILLS}{billed.pk}/payments/", {"amount": "1.00", "method": "cash"},
                         format="json").status_code == 403
    as_carol.post(f"{BILLS}{billed.pk}/appeal/", {"reason": "Storm."}, format="json")
    assert as_carol.post(f"{BILLS}{billed.pk}/decision/", {"outcome": "waived", "reason": "x"},
                         format="json").status_code == 403
    assert AuditEntry.objects.filter(action="denied", username="dispatcher1").count() == 2
