from django.apps import AppConfig


class CadConfig(AppConfig):
    name = "cad"
    verbose_name = "Agencies and access"
