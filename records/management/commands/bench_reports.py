import io

from django.core.management import call_command
from django.core.management.base import BaseCommand

from cad.bench import throwaway_database
from records.reports.bench import reports_bench


class Command(BaseCommand):
    help = (
        "Measure the reports in a throwaway database: seed_history makes --calls calls over a year, then "
        "the month's and the year's compliance and the year's workload by hour are timed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--calls", type=int, default=1_000_000, help="calls over the year (default 1,000,000)"
        )
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--keep-db", action="store_true", help="leave the throwaway database")

    def handle(self, *args, calls: int, rounds: int, keep_db: bool, **options):
        with throwaway_database("bench_reports", keep=keep_db):
            call_command("seed_demo", stdout=io.StringIO())
            reports_bench(self.stdout.write, calls=calls, rounds=rounds)
