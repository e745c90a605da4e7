from django.core.management.base import BaseCommand
from django.db import transaction

from cad.demo import demo_password, logins_text, seed_disciplines_and_agencies, seed_groups, seed_users
from calls.demo import (
    seed_call_types,
    seed_dispositions,
    seed_priorities,
    seed_response_plans,
    seed_status_check_rules,
)
from premises.demo import build_demo_city
from records.demo import seed_fee_schedule
from records.inquiries.demo import seed_inquiry_records
from units.demo import seed_officers, seed_units


class Command(BaseCommand):
    help = ("Load the demo city, agencies, call types, units, the false-alarm fee schedule and demo users. "
            "Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--site-url", default="http://127.0.0.1:8000",
                            help="where the server will answer, for the sign-in address printed")

    def handle(self, *args, site_url: str, **options):
        with transaction.atomic():
            seed_disciplines_and_agencies()
            seed_groups()
            city = build_demo_city()
            seed_priorities()
            dispositions = seed_dispositions()
            call_types = seed_call_types()
            plans = seed_response_plans()
            seed_status_check_rules()
            units = seed_units()
            seed_fee_schedule()
            records = seed_inquiry_records()
            password, generated = demo_password()
            logins = seed_users(password, reset_passwords=not generated)
            seed_officers()
        self.stdout.write(
            f"Demo city: {city['beats']} beats, {city['addresses']} addresses, "
            f"{city['intersections']} intersections; {call_types} call types, "
            f"{dispositions} dispositions, {plans} response plans, {units} units; records to query: "
            + ", ".join(f"{count} {what}" for what, count in records.items()) + "."
        )
        self.stdout.write(logins_text(logins, site_url=site_url, password=password, generated=generated))
