from django.apps import AppConfig


class PremisesConfig(AppConfig):
    name = "premises"
    verbose_name = "Premises and geography"
