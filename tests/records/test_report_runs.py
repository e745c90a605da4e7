"""POST reports/runs/: a report made by a worker into one file, frozen with its SHA-256, downloaded by
supervisors and clerks only; made once however often a worker is handed it."""

import hashlib
from datetime import date, timedelta

import pytest
from django.utils import timezone

from cad.celery import app
from records.models import AuditEntry
from records.reports.models import ReportRun
from records.reports.query import report_query
from records.reports.services import report_path, report_run_make, report_run_request, scheduled_runs
from tests.conftest import client_for, token_client
from tests.records.reports_data import call_made

URL = "/api/v1/reports/runs/"
BODY = {"report": "compliance", "from": "2025-06-10", "to": "2025-06-10", "format": "pdf"}


@pytest.fixture(autouse=True)
def reports_dir(settings, tmp_path):
    settings.CAD_REPORTS_DIR = tmp_path / "reports"
    return settings.CAD_REPORTS_DIR


@pytest.fixture
def made(django_capture_on_commit_callbacks):
    """Ask for a run; its task runs in this process when the request commits, as without Redis."""
    was = app.conf.task_always_eager
    app.conf.task_always_eager = True

    def ask(client, body=BODY) -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            answer = client.post(URL, body, format="json")
        assert answer.status_code == 202, answer.content
        return answer.json()

    yield ask
    app.conf.task_always_eager = was


def test_a_clerk_asks_for_a_pdf_and_downloads_it_with_its_hash(as_carol, db, reports_dir, made):
    for seconds in (30, 50, 90):
        call_made(processing=seconds)
    run = made(as_carol)
    assert set(run) >= {"id", "status"}
    run = as_carol.get(f"{URL}{run['id']}/").json()
    assert (run["status"], run["progress"]) == ("done", 1.0)
    file = as_carol.get(run["download"])
    assert file.status_code == 200 and file["Content-Type"] == "application/pdf"
    content = b"".join(file.streaming_content)
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == run["sha256"] == file["X-Content-SHA256"]
    assert AuditEntry.objects.filter(action="report.run", object=f"report_run:{run['id']}").exists()
    assert AuditEntry.objects.filter(action="export", object=f"report_run:{run['id']}").exists()
    assert len(list(reports_dir.iterdir())) == 1


def test_a_csv_opens_with_a_header_row(as_sam, db, made):
    call_made(processing=30)
    run = made(as_sam, {**BODY, "format": "csv", "standard": "nfpa1221"})
    content = b"".join(as_sam.get(as_sam.get(f"{URL}{run['id']}/").json()["download"]).streaming_content)
    lines = content.decode().splitlines()
    assert lines[0].startswith(
        "interval,priority,count,median_s,p90_s,goal_s,target,within_goal,met,excluded"
    )
    assert any(line.startswith("processing,1,1,30.0,30.0,64,0.9,1.0,True") for line in lines), lines
    workload = made(as_sam, {**BODY, "report": "workload", "format": "csv", "by": "unit"})
    content = b"".join(as_sam.get(as_sam.get(f"{URL}{workload['id']}/").json()["download"]).streaming_content)
    assert (
        content.decode().splitlines()[0]
        == "unit,calls,units_sent,busy_hours,busy_share,on_duty_hours,utilisation"
    )


def test_the_same_report_made_again_is_the_same_file(sam, db):
    call_made(processing=40)
    query = report_query("compliance", {"from": "2025-06-10", "to": "2025-06-10"})
    first = report_run_request(query=query, format="pdf", by=sam, enqueue=lambda pk: None)
    second = report_run_request(query=query, format="pdf", by=sam, enqueue=lambda pk: None)
    assert report_run_make(run_id=first.pk).sha256 == report_run_make(run_id=second.pk).sha256 != ""


def test_a_run_handed_out_twice_or_taken_over_from_a_lost_worker_makes_one_file(sam, db, reports_dir):
    call_made(processing=40)
    query = report_query("workload", {"from": "2025-06-10", "to": "2025-06-10"})
    run = report_run_request(query=query, format="pdf", by=sam, enqueue=lambda pk: None)
    # A worker is making it: a second delivery leaves it alone.
    ReportRun.objects.filter(pk=run.pk).update(status="running", heartbeat_at=timezone.now())
    assert report_run_make(run_id=run.pk).status == "running"
    assert not reports_dir.exists() or not any(reports_dir.iterdir())
    # That worker died halfway (a partial file, no word for ten minutes): the next one takes over.
    reports_dir.mkdir(parents=True, exist_ok=True)
    ReportRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=10))
    done = report_run_make(run_id=run.pk)
    assert done.status == "done"
    again = report_run_make(run_id=run.pk)
    assert (again.sha256, again.finished_at) == (done.sha256, done.finished_at)
    assert [p.name for p in reports_dir.iterdir()] == [done.file]
    assert hashlib.sha256(report_path(done).read_bytes()).hexdigest() == done.sha256


def test_beat_asks_for_last_months_compliance_and_yesterdays_workload_once(
    db, django_capture_on_commit_callbacks
):
    handed = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            scheduled_runs(today=date(2025, 7, 3), enqueue=handed.append)
    runs = ReportRun.objects.filter(key__isnull=False).order_by("key")
    assert [(r.key, r.params["from"], r.params["to"]) for r in runs] == [
        ("compliance:2025-06", "2025-06-01", "2025-06-30"),
        ("workload:2025-07-02", "2025-07-02", "2025-07-02"),
    ]
    assert len(handed) == 2


@pytest.mark.parametrize(
    "body, field",
    [
        ({**BODY, "format": "docx"}, "format"),
        ({**BODY, "report": "crimes"}, "report"),
        ({**BODY, "from": "2025-06-11"}, "from"),
        ({**BODY, "standard": "nfpa9"}, "standard"),
        ({**BODY, "colour": "red"}, "colour"),
        ({key: value for key, value in BODY.items() if key != "to"}, "to"),
    ],
)
def test_a_bad_run_is_a_400_and_nothing_is_queued(as_sam, body, field):
    answer = as_sam.post(URL, body, format="json")
    assert answer.status_code == 400 and field in answer.json(), answer.json()
    assert not ReportRun.objects.exists()


def test_dispatchers_and_partners_can_neither_ask_for_nor_download_a_run(alice, sam, db, made):
    call_made(processing=40)
    run = made(client_for(sam))
    for client in (client_for(alice), token_client("DCSO"), token_client("CPD")):
        assert client.post(URL, BODY, format="json").status_code == 403
        assert client.get(f"{URL}{run['id']}/").status_code == 403
        assert client.get(f"{URL}{run['id']}/download/").status_code == 403
