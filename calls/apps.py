from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Calls for service"

    def ready(self) -> None:
        from calls import stream
        from calls.services.unit_work import UnitWork
        from units.services import call_work_register

        call_work_register(UnitWork())
        stream.register()
