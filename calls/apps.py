from django.apps import AppConfig
from django.core import checks


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = "Calls for service"

    def ready(self) -> None:
        from cad import events
        from calls import stream, tasks
        from calls.checks import cover_flags_check
        from calls.services.unit_work import UnitWork
        from units.services import call_work_register

        call_work_register(UnitWork())
        checks.register(cover_flags_check)
        stream.register()
        events.committed_listen(tasks.webhooks_kick)
