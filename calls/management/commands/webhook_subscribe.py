from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cad.events import EventName
from cad.models import Agency
from calls.models import WebhookSubscription
from calls.webhooks.services import webhook_subscription_save


class Command(BaseCommand):
    help = ("Register a partner agency's webhook (as the admin does) and print its signing secret, shown "
            "this once.")

    def add_arguments(self, parser):
        parser.add_argument("agency_code")
        parser.add_argument("url", help="Where deliveries are posted: http or https, a public address")
        parser.add_argument("--events", default=",".join(EventName),
                            help=f"Comma-separated event names (default all: {', '.join(EventName)})")
        parser.add_argument("--description", default="")

    def handle(self, *args, agency_code: str, url: str, events: str, description: str, **options):
        agency = Agency.objects.filter(code__iexact=agency_code).first()
        if agency is None:
            raise CommandError(f"No agency {agency_code!r}.")
        subscription = WebhookSubscription(agency=agency, url=url, description=description,
                                           event_types=[e.strip() for e in events.split(",") if e.strip()])
        try:
            subscription, secret = webhook_subscription_save(subscription=subscription, by=None)
        except ValidationError as refused:
            raise CommandError("; ".join(f"{field}: {' '.join(problems)}"
                                         for field, problems in refused.message_dict.items())) from None
        self.stdout.write(f"Webhook {subscription.pk} for {agency.code}: {subscription.url}")
        self.stdout.write(secret)
