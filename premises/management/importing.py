"""What every import command shares: read one file, import it, print the report."""

import json
import time

from django.core.management.base import BaseCommand, CommandError

from premises.services import ImportReport


class ImportCommand(BaseCommand):
    """Subclasses say how to `load` the file into an ImportReport; bad rows are reported, a file
    that cannot be read at all is a clear error."""

    def add_arguments(self, parser):
        parser.add_argument("file")

    def load(self, path: str, **options) -> ImportReport:
        raise NotImplementedError

    def handle(self, *args, **options):
        started = time.perf_counter()
        path = options["file"]
        try:
            report = self.load(path, **options)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        if report.rows == 0 and report.bad_rows:
            raise CommandError(f"Nothing imported: {report.bad_examples[0][1]}")
        self.stdout.write(f"{report.summary()} in {time.perf_counter() - started:.1f} s.")
        for reason, count in report.bad.most_common():
            self.stdout.write(f"  bad: {count} × {reason}")
        for line, reason in report.bad_examples:
            self.stdout.write(f"  line {line}: {reason}")
        for line, reason in report.conflict_examples:
            self.stdout.write(f"  conflict, line {line}: {reason}")
