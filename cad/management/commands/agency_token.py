from django.core.management.base import BaseCommand, CommandError

from cad.models import Agency
from cad.services import agency_token_create


class Command(BaseCommand):
    help = "Print a new API token for an agency (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("agency_code")
        parser.add_argument("--label", default="", help="What the token is for")

    def handle(self, *args, agency_code: str, label: str, **options):
        agency = Agency.objects.filter(code__iexact=agency_code).first()
        if agency is None:
            codes = ", ".join(Agency.objects.values_list("code", flat=True)) or "none; run seed_demo"
            raise CommandError(f"No agency {agency_code!r}. Agencies: {codes}")
        _, key = agency_token_create(agency=agency, label=label or "created by agency_token")
        self.stdout.write(key)
