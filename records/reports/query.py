"""What a report is asked for, checked once: the API, the page and a report run all read it from here."""

from contextlib import ContextDecorator
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cad.exceptions import Invalid
from cad.models import Agency
from records.reports.standards import STANDARDS

COMPLIANCE_BY = ["call_type", "beat", "agency", "hour"]
WORKLOAD_BY = ["hour", "weekday", "beat", "unit", "call_type", "agency"]
REPORTS = ["compliance", "workload"]


@dataclass(frozen=True)
class ReportQuery:
    report: str
    start: date
    end: date  # included
    priority: int | None = None
    agency: str | None = None
    standard: str = "center"
    by: str | None = None

    @property
    def since(self) -> datetime:
        return local_midnight(self.start)

    @property
    def until(self) -> datetime:
        return local_midnight(self.end + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def as_params(self) -> dict:
        """The parameters as JSON keeps them (a run's record, a URL's query)."""
        params = asdict(self)
        params["from"], params["to"] = params.pop("start").isoformat(), params.pop("end").isoformat()
        if self.report != "compliance":
            params.pop("standard")
        return {name: value for name, value in params.items() if value is not None}

    @classmethod
    def from_params(cls, params: dict) -> "ReportQuery":
        return report_query(params.get("report", "compliance"), params)


class roomy_sorts(ContextDecorator):  # noqa: N801  (used as a decorator, like transaction.atomic)
    """A report sorts hundreds of thousands of times (percentiles, running counts): on PostgreSQL it
    gets CAD_REPORTS_WORK_MEM for its own transaction, so they sort in memory, not on disk."""

    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.CAD_REPORTS_WORK_MEM])
        return self

    def __exit__(self, *exc):
        return self.atomic.__exit__(*exc)


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _date(params: dict, name: str, errors: dict) -> date | None:
    text = str(params.get(name) or "").strip()
    if not text:
        errors[name] = ["Required: a date as YYYY-MM-DD."]
        return None
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = ["Give a date as YYYY-MM-DD."]
        return None


def report_query(report: str, params: dict) -> ReportQuery:
    """The report asked for by `params` (a query string or a run's body), or Invalid naming each field
    that is wrong: a 400 with the field errors."""
    errors: dict[str, list[str]] = {}
    if report not in REPORTS:
        raise Invalid({"report": [f"Unknown report; one of {', '.join(REPORTS)}."]})
    start, end = _date(params, "from", errors), _date(params, "to", errors)
    if start and end and start > end:
        errors["from"] = ["Must be on or before `to`."]
    elif start and end and (end - start).days + 1 > settings.CAD_REPORTS_MAX_DAYS:
        errors["to"] = [
            f"A report covers at most {settings.CAD_REPORTS_MAX_DAYS} days (CAD_REPORTS_MAX_DAYS); "
            f"this asks for {(end - start).days + 1}."
        ]
    priority = None
    if str(params.get("priority") or "").strip():
        text = str(params["priority"]).strip().upper().removeprefix("P")
        if text in ("1", "2", "3", "4", "5"):
            priority = int(text)
        else:
            errors["priority"] = ["A priority from 1 to 5."]
    agency = str(params.get("agency") or "").strip().upper() or None
    if agency and not Agency.objects.filter(code=agency).exists():
        errors["agency"] = [f"No agency {agency!r}."]
    standard = str(params.get("standard") or "center").strip()
    if report == "compliance" and standard not in STANDARDS:
        errors["standard"] = [f"Unknown standard; one of {', '.join(STANDARDS)}."]
    choices = COMPLIANCE_BY if report == "compliance" else WORKLOAD_BY
    by = str(params.get("by") or "").strip() or (None if report == "compliance" else "hour")
    if by is not None and by not in choices:
        errors["by"] = [f"Unknown breakdown; one of {', '.join(choices)}."]
    if errors:
        raise Invalid(errors)
    return ReportQuery(
        report=report,
        start=start,
        end=end,
        priority=priority,
        agency=agency,
        standard=standard if report == "compliance" else "center",
        by=by,
    )
