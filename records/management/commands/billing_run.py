from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from records.billing.selectors import dollars
from records.billing.services import billing_preview, billing_run
from records.models import Bill


class Command(BaseCommand):
    help = ("Bill every false alarm not billed yet, by the fee schedule (the same code as the monthly "
            "Celery task records.tasks.billing_run); running it again bills nothing twice.")

    def add_arguments(self, parser):
        parser.add_argument("--through", type=_day, help="alarms received up to this day, YYYY-MM-DD "
                                                         "(default: yesterday)")
        parser.add_argument("--preview", action="store_true", help="print what would be billed; bill nothing")

    def handle(self, *args, through: date | None, preview: bool, **options):
        through = through or timezone.localdate() - timezone.timedelta(days=1)
        if preview:
            plan = billing_preview(through=through)
            self.stdout.write(f"Preview through {through:%Y-%m-%d}: {_n(len(plan.bills), 'bill')}, "
                              f"{_n(plan.alarms, 'alarm')}, {dollars(plan.total)} (nothing billed)")
            for bill in plan.bills:
                calls = [line.call.number for line in bill.lines]
                self._bill("(draft)", bill.permit.number, bill.permit.holder_name, calls, bill.total, "")
            self._held([(v.call.number, v.permit and v.permit.number, v.site, v.held) for v in plan.held])
            return
        run = billing_run(through=through)
        self.stdout.write(f"Billing run {run.pk} through {through:%Y-%m-%d}: {_n(run.bills_issued, 'bill')} "
                          f"issued, {_n(run.alarms_billed, 'alarm')}, {dollars(run.total_billed)}")
        for bill in Bill.objects.filter(run=run).select_related("permit").prefetch_related("lines"):
            calls = [line.call_number for line in bill.lines.all()]
            self._bill(bill.number or "(draft)", bill.permit.number, bill.holder_name, calls, bill.total,
                       f"  due {bill.due_on:%Y-%m-%d}" if bill.due_on else "")
        self._held([(h["call"], h["permit"], h["site"], h["held"]) for h in run.held])

    def _bill(self, number: str, permit: str, holder: str, calls: list[str], total, due: str) -> None:
        self.stdout.write(f"  {number}  {permit}  {holder}  {_n(len(calls), 'alarm')} ({', '.join(calls)})  "
                          f"{dollars(total)}{due}")

    def _held(self, held: list[tuple]) -> None:
        if held:
            self.stdout.write(f"Held, not billed ({len(held)}):")
        for call, permit, site, why in held:
            self.stdout.write(f"  {call}  {permit or '(no permit)'}  {site}: {why}")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--through takes a day as YYYY-MM-DD, not {text!r}.") from None


def _n(count: int, thing: str) -> str:
    return f"{count} {thing}{'' if count == 1 else 's'}"
