"""The reports page: supervisors and records clerks pick a report, a range, a standard and a breakdown,
and read its charts and tables; ask for it as a PDF or CSV made by a worker, and find the runs kept."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cad import roles
from cad.exceptions import Invalid
from cad.models import Agency
from records.reports.charts import bars_svg, heat_classes, histogram_svg
from records.reports.compliance import compliance_figures, interval_histograms
from records.reports.models import ReportRun
from records.reports.query import COMPLIANCE_BY, WORKLOAD_BY, ReportQuery, report_query
from records.reports.render import local_time, seconds_text
from records.reports.services import report_run_request
from records.reports.standards import REASONS, STANDARDS
from records.reports.workload import workload_figures
from records.tasks import report_run_enqueue

FIELDS = ("report", "from", "to", "standard", "priority", "agency", "by")


def _asked(request: HttpRequest) -> dict:
    source = request.POST if request.method == "POST" else request.GET
    yesterday = timezone.localdate() - timedelta(days=1)
    asked = {name: source.get(name, "").strip() for name in FIELDS}
    asked["report"] = asked["report"] if asked["report"] in ("compliance", "workload") else "compliance"
    asked["from"] = asked["from"] or (yesterday - timedelta(days=29)).isoformat()
    asked["to"] = asked["to"] or yesterday.isoformat()
    return asked


def _by_month(query: ReportQuery) -> list[tuple[str, float]]:
    """P1's processing compliance month by month over the range (at most twelve months)."""
    months, start = [], query.start.replace(day=1)
    while start <= query.end and len(months) < 12:
        following = (start + timedelta(days=32)).replace(day=1)
        part = ReportQuery(
            "compliance",
            max(start, query.start),
            min(following - timedelta(days=1), query.end),
            priority=1,
            agency=query.agency,
            standard=query.standard,
        )
        everyone = [r for r in compliance_figures(part)["intervals"][0]["rows"] if r["priority"] is None]
        months.append((f"{start:%b %Y}", (everyone[0]["within_goal"] if everyone else None) or 0.0))
        start = following
    return months


@login_required
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest) -> HttpResponse:
    if not roles.may_read_reports(request.user):
        raise PermissionDenied("Reports are for supervisors and records clerks.")
    asked = _asked(request)
    errors: dict = {}
    try:
        query = report_query(asked["report"], asked)
    except Invalid as invalid:
        query, errors = None, invalid.detail
    if request.method == "POST" and query is not None:
        run_format = request.POST.get("format")
        if run_format in ReportRun.Format.values:
            run = report_run_request(
                query=query, format=run_format, by=request.user, enqueue=report_run_enqueue
            )
            messages.info(request, f"Report run {run.pk} asked for; it is listed below with its status.")
        return redirect(f"{reverse('reports')}?{request.POST.urlencode()}")
    context = {
        "asked": asked,
        "errors": errors,
        "standards": STANDARDS,
        "reasons": REASONS,
        "compliance_by": COMPLIANCE_BY,
        "workload_by": WORKLOAD_BY,
        "agencies": Agency.objects.values_list("code", "name"),
        "runs": ReportRun.objects.order_by("-requested_at", "-id")[:20],
    }
    if query is not None and query.report == "compliance":
        figures = compliance_figures(query)
        histograms = interval_histograms(query)
        for interval in figures["intervals"]:
            interval["chart"] = histogram_svg(histograms[interval["interval"]])
            for row in interval["rows"]:
                row["bucket"] = row.get(query.by) if query.by else None
                row["median_text"], row["p90_text"] = (
                    seconds_text(row["median_s"]),
                    seconds_text(row["p90_s"]),
                )
        months = _by_month(query)
        context.update(
            figures=figures,
            months_chart=bars_svg(
                months, label="P1 call processing within goal, by month", percent=True, goal=0.9
            )
            if months
            else None,
        )
    elif query is not None:
        figures = workload_figures(query)
        peak = figures["peak_concurrent_calls"]
        peak["local"] = local_time(peak["at"]) if peak["at"] else None
        for row in [*figures["rows"], *figures["disciplines"]]:
            row["bucket"] = row.get("name") or row.get(query.by)
            row["utilisation_pct"] = (
                None if row.get("utilisation") is None else round(100 * row["utilisation"], 1)
            )
        context.update(
            figures=figures,
            heat=heat_classes(figures["beat_hour"]),
            calls_chart=bars_svg(
                [(str(row.get("name", row[query.by]))[:10], row["calls"]) for row in figures["rows"]][:40],
                label=f"Calls by {query.by}",
            ),
        )
    return render(request, "reports.html", context)
