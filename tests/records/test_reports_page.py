"""/reports/: the supervisors' and clerks' page, its charts drawn on the server under the strict CSP."""

import pytest

from records.reports.models import ReportRun
from tests.conftest import client_for
from tests.records.reports_data import call_made

DAY = {"from": "2025-06-10", "to": "2025-06-10"}


@pytest.fixture
def page_client(client, carol):
    # The page, as a browser fetches it (the API's client would not render templates' messages).
    client.force_login(carol)
    return client


def test_a_clerk_reads_compliance_with_a_chart_and_a_table_per_interval(page_client, db):
    for seconds in (30, 50, 90):
        call_made(processing=seconds)
    page = page_client.get("/reports/", DAY)
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count('<svg class="chart"') == 5  # a histogram per interval, answering first
    assert "goal 60 s (P1)" in text
    figures = page.context["figures"]
    processing = next(i for i in figures["intervals"] if i["interval"] == "processing")
    p1 = next(r for r in processing["rows"] if r["priority"] == 1)
    assert (p1["count"], p1["median_text"]) == (3, "50 s")
    # Nothing inline: the CSP forbids inline script and style.
    assert "<script" not in text and " style=" not in text


def test_the_workload_page_has_the_beat_by_hour_heat_map(page_client, db):
    call_made(processing=30, beat="3")
    page = page_client.get("/reports/", {**DAY, "report": "workload", "by": "beat"})
    assert page.status_code == 200
    heat = page.context["heat"]
    row = next(r for r in heat if r["beat"] == "3")
    assert row["cells"][9] == {"n": 1, "shade": 9}
    assert 'id="heat-map"' in page.content.decode()


def test_bad_input_is_said_on_the_page(page_client, db):
    page = page_client.get("/reports/", {"from": "2025-06-11", "to": "2025-06-10", "standard": "nope"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "from: Must be on or before" in text and "standard: Unknown standard" in text
    assert "figures" not in page.context


def test_asking_for_a_pdf_from_the_page_lists_the_run(page_client, db):
    call_made(processing=30)
    answer = page_client.post("/reports/", {**DAY, "report": "compliance", "format": "pdf"})
    assert answer.status_code == 302
    run = ReportRun.objects.get()
    assert (run.report, run.format, run.params["from"]) == ("compliance", "pdf", "2025-06-10")
    assert f"Report run {run.pk} asked for" in page_client.get(answer.url).content.decode()


@pytest.mark.parametrize("username", ["dispatcher1"])
def test_dispatchers_are_refused_the_page(db, username, django_user_model):
    assert client_for(django_user_model.objects.get(username=username)).get("/reports/").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, db):
    assert client.get("/reports/").status_code == 302


def test_days_without_calls_show_empty_tables_not_an_error(page_client, db):
    page = page_client.get("/reports/", {"from": "2024-12-20", "to": "2025-01-10"})
    assert page.status_code == 200
    assert "No calls received in these days." in page.content.decode()
