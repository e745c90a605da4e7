from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "Records"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.admin.models import LogEntry
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.core import checks
        from django.db.models.signals import post_save

        from cad.audit import audit_writer_register
        from records import receivers
        from records.audit import audit_entry_append
        from records.inquiries.adapters import adapters_check

        audit_writer_register(audit_entry_append)
        checks.register(adapters_check)
        user_logged_in.connect(receivers.signed_in, dispatch_uid="records.signed_in")
        user_logged_out.connect(receivers.signed_out, dispatch_uid="records.signed_out")
        user_login_failed.connect(receivers.sign_in_failed, dispatch_uid="records.sign_in_failed")
        user_locked_out.connect(receivers.locked_out, dispatch_uid="records.locked_out")
        post_save.connect(receivers.admin_logged, sender=LogEntry, dispatch_uid="records.admin_logged")
