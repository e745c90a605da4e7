from django.core.management.base import BaseCommand

from cad.demo import demo_logins, demo_password, logins_text


class Command(BaseCommand):
    help = "Print the demo logins again (make logins); changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("--site-url", default="http://127.0.0.1:8000")

    def handle(self, *args, site_url: str, **options):
        password, generated = demo_password()
        self.stdout.write(logins_text(demo_logins(password), site_url=site_url, password=password,
                                      generated=generated))
