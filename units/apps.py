from django.apps import AppConfig
from django.core import checks


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = "Units"

    def ready(self) -> None:
        from units import stream
        from units.checks import unit_speeds_check

        checks.register(unit_speeds_check)
        stream.register()
