from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from records.reports.demo import Figures, History


class Command(BaseCommand):
    help = ("Add N days of realistic past calls to the demo city (closed, every unit time stamped, with the "
            "untidy cases real data has), ending before today, for the reports and their benchmark.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, required=True, help="days of calls, ending yesterday")
        parser.add_argument("--per-day", type=float, default=120.0,
                            help="calls a day on average (default 120; about 2,740 makes a million a year)")
        parser.add_argument("--seed", type=int, default=15, help="the same seed and days give the same calls")
        parser.add_argument("--end", type=date.fromisoformat, default=None,
                            help="the day after the last one made (YYYY-MM-DD; default today)")
        parser.add_argument("--batch", type=int, default=5000, help="calls written per insert")

    def handle(self, *args, days: int, per_day: float, seed: int, end: date | None, batch: int, **options):
        if days < 1 or per_day <= 0 or batch < 1:
            raise CommandError("--days, --per-day and --batch must be above 0.")
        try:
            history = History(days=days, per_day=per_day, seed=seed, end=end or timezone.localdate(),
                              batch=batch)
        except ValueError as error:
            raise CommandError(str(error)) from None

        def progress(figures: Figures) -> None:
            self.stdout.write(f"  {figures.calls:,} calls, {figures.assignments:,} units sent "
                              f"({figures.rows_per_second:,.0f} rows/s)")

        figures = history.run(progress if options["verbosity"] > 1 else None)
        kinds = ", ".join(f"{count:,} {kind}" for kind, count in sorted(figures.by_kind.items()))
        self.stdout.write(
            f"Added {figures.calls:,} past calls and {figures.assignments:,} units sent, "
            f"{history.start:%Y-%m-%d} to {history.end:%Y-%m-%d} (not included), in {figures.seconds:.1f} s: "
            f"{figures.rows_per_second:,.0f} rows/s. Among them: {kinds}. The days' counts kept for the "
            f"workload report in {figures.counted_seconds:.1f} s.")
