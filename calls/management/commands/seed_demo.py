from django.core.management.base import BaseCommand
from django.db import transaction

from cad.demo import demo_password, seed_disciplines_and_agencies, seed_groups, seed_users
from calls.demo import (
    seed_call_types,
    seed_dispositions,
    seed_priorities,
    seed_response_plans,
    seed_status_check_rules,
)
from premises.demo import build_demo_city
from units.demo import seed_units


class Command(BaseCommand):
    help = "Load the demo city, agencies, call types, units and demo users. Safe to run again."

    def handle(self, *args, **options):
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
            password, generated = demo_password()
            logins = seed_users(password, reset_passwords=not generated)
        self.stdout.write(
            f"Demo city: {city['beats']} beats, {city['addresses']} addresses, "
            f"{city['intersections']} intersections; {call_types} call types, "
            f"{dispositions} dispositions, {plans} response plans, {units} units."
        )
        self.stdout.write("Demo logins (http://127.0.0.1:8000/accounts/login/):")
        for username, role, shown in logins:
            self.stdout.write(f"  {username:<12} {role:<14} password: {shown}")
        if generated and any(shown == password for _, _, shown in logins):
            self.stdout.write("  (generated and kept in var/demo_password; set CAD_DEMO_PASSWORD to choose)")
