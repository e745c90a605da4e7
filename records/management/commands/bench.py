"""`make bench`: the figures of each app's bench module, printed, from one run.

Each measurement runs in a throwaway database (created, seeded, dropped) on whatever
DATABASE_URL / REDIS_URL point at, so the figures are those of the real services.
"""

import io

from django.core.management import call_command
from django.core.management.base import BaseCommand

from cad.bench import StreamBench, stream_scale_bench, throwaway_database
from cad.stream_scale.cases import Scale
from calls.bench import DispatchBench, p1_trial_bench
from calls.webhooks.bench import webhooks_bench
from premises.bench import street_file_bench
from records.bench import billing_bench
from records.reports.bench import reports_bench
from units.bench import unit_terminals_bench


class Command(BaseCommand):
    help = ("Measure the dispatch core (service and API latencies, a call's EIDO, a 50-way dispatch race, "
            "the live stream, the P1 trial in the console, recommendations, partners' webhooks); with "
            "--eido, the EIDO alone; with --street-file, a 100,000-point street file instead; with "
            "--stream-scale, the live stream at a thousand consoles beside a bare websockets broadcast "
            "server.")

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=200, help="samples per measurement")
        parser.add_argument("--street-file", action="store_true",
                            help="import a generated street file and time lookups over it")
        parser.add_argument("--points", type=int, default=100_000, help="with --street-file")
        parser.add_argument("--lookups", type=int, default=200, help="with --street-file")
        parser.add_argument("--keep-db", action="store_true", help="leave the throwaway database")
        parser.add_argument("--audit", action="store_true",
                            help="only call_create with the audit trail and with it bypassed")
        parser.add_argument("--history", action="store_true",
                            help="only the call with 10,000 chronology entries beside a fresh one")
        parser.add_argument("--stream-scale", action="store_true",
                            help="only the live stream at scale: fan-out beside a bare broadcast server, a "
                                 "burst of connects, 100 calls/s, idle cost, Redis restarted (minutes)")
        parser.add_argument("--unit-terminals", action="store_true",
                            help="only the unit terminals: --terminals terminals and 50 consoles on one "
                                 "server process, a dispatch timed to its unit's terminal")
        parser.add_argument("--terminals", type=int, default=1000, help="with --unit-terminals")
        parser.add_argument("--consoles", type=int, default=1000,
                            help="with --stream-scale: consoles of each case (the fan-out also runs a fifth "
                                 "of them, and twice them on two server processes)")
        parser.add_argument("--client-processes", type=int, default=4,
                            help="with --stream-scale: processes holding the consoles' sockets")
        parser.add_argument("--connect-rate", type=float, default=500.0,
                            help="with --stream-scale: consoles connecting a second (the burst: all at once)")
        parser.add_argument("--export", action="store_true",
                            help="only GET calls/export.csv of 100,000 calls: seconds and peak memory")
        parser.add_argument("--calls", type=int, default=100_000, help="with --export")
        parser.add_argument("--billing", action="store_true",
                            help="only false-alarm billing: a run over 10,000 permits and 50,000 alarm "
                                 "calls, and the PDF of 1,000 notices (seconds and peak memory)")
        parser.add_argument("--permits", type=int, default=10_000, help="with --billing")
        parser.add_argument("--reports", action="store_true",
                            help="only the reports: seed_history makes --history-calls calls over a "
                                 "year, then the month's and the year's compliance and the year's "
                                 "workload are timed")
        parser.add_argument("--history-calls", type=int, default=1_000_000, help="with --reports")
        parser.add_argument("--alarms", type=int, default=50_000, help="with --billing")
        parser.add_argument("--eido", action="store_true",
                            help="only the EIDO: a call's EIDO built, read and built, served, and 50 "
                                 "together")
        parser.add_argument("--webhooks", action="store_true",
                            help="only partners' webhooks: --deliveries events made into deliveries and "
                                 "posted to a receiver on this machine (by a celery worker with REDIS_URL); "
                                 "the delivery rate and the delay from commit to receiver")
        parser.add_argument("--deliveries", type=int, default=1000, help="with --webhooks")

    def handle(self, *args, rounds: int, street_file: bool, points: int, lookups: int, keep_db: bool,
               history: bool, audit: bool, export: bool, calls: int, stream_scale: bool, consoles: int,
               client_processes: int, connect_rate: float, billing: bool, permits: int, alarms: int,
               reports: bool, history_calls: int, eido: bool, webhooks: bool, deliveries: int,
               unit_terminals: bool, terminals: int, **options):
        if unit_terminals:
            with throwaway_database("bench", keep=keep_db):
                call_command("seed_demo", stdout=io.StringIO())
                unit_terminals_bench(self.stdout.write, terminals=terminals,
                                     client_processes=client_processes)
            return
        if webhooks:
            with throwaway_database("bench", keep=keep_db):
                call_command("seed_demo", stdout=io.StringIO())
                webhooks_bench(self.stdout.write, deliveries=deliveries)
            return
        if reports:
            with throwaway_database("bench_reports", keep=keep_db):
                call_command("seed_demo", stdout=io.StringIO())
                reports_bench(self.stdout.write, calls=history_calls, rounds=3)
            return
        if billing:
            with throwaway_database("bench", keep=keep_db):
                call_command("seed_demo", stdout=io.StringIO())
                billing_bench(self.stdout.write, permits=permits, alarms=alarms)
            return
        if stream_scale:
            scale = Scale(consoles=consoles, client_processes=client_processes, connect_rate=connect_rate)
            with throwaway_database("bench", keep=keep_db):
                call_command("seed_demo", stdout=io.StringIO())
                stream_scale_bench(self.stdout.write, scale=scale)
            return
        if street_file:
            with throwaway_database("bench_street_file", keep=keep_db):
                street_file_bench(self.stdout.write, points=points, lookups=lookups)
            return
        if audit:
            with throwaway_database("bench", keep=keep_db):
                call_command("seed_demo", stdout=io.StringIO())
                DispatchBench(self.stdout.write).audit_cost(rounds)
            return
        if export:
            with throwaway_database("bench", keep=keep_db):
                call_command("seed_demo", stdout=io.StringIO())
                DispatchBench(self.stdout.write).export(calls)
            return
        if eido:
            with throwaway_database("bench", keep=keep_db):
                call_command("seed_demo", stdout=io.StringIO())
                core = DispatchBench(self.stdout.write)
                core.eido(rounds)
                core.print()
            return
        if history:
            with throwaway_database("bench", keep=keep_db):
                call_command("seed_demo", stdout=io.StringIO())
                DispatchBench(self.stdout.write).long_history()
            return
        with throwaway_database("bench", keep=keep_db):
            call_command("seed_demo", stdout=io.StringIO())
            stream = StreamBench(self.stdout.write)
            core = DispatchBench(self.stdout.write)
            try:
                stream.snapshot("the demo city as seeded")
                core.services(rounds)
                core.api(rounds)
                core.eido(rounds)
                core.print()
                core.audit_cost(rounds)
                core.race()
                stream.snapshot("after the calls above")
                stream.latency()
                p1_trial_bench(self.stdout.write, stream.writer.url)
                core.recommendations()
                core.long_history()
                webhooks_bench(self.stdout.write, deliveries=deliveries)
                self.stdout.write("The live stream at 1,000 consoles beside a bare broadcast server: "
                                  "manage.py bench --stream-scale")
            finally:
                stream.stop()
