"""A unit keeps the call it is working as the call's id and number, not a key into calls: units sit
below calls (CALLS -> UNITS only). The column current_call_id stays as it is; its foreign key
constraint goes, and the call's number is copied beside it."""

from django.db import migrations, models


def copy_numbers(apps, schema_editor):
    Unit = apps.get_model("units", "Unit")
    for unit in Unit.objects.filter(current_call__isnull=False).select_related("current_call"):
        Unit.objects.filter(pk=unit.pk).update(current_call_number=unit.current_call.number)


class Migration(migrations.Migration):

    dependencies = [
        ("units", "0004_stations_and_status_checks"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="current_call_number",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.RunPython(copy_numbers, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="unit",
            name="current_call",
            field=models.BigIntegerField(blank=True, null=True, db_column="current_call_id"),
        ),
        migrations.RenameField(model_name="unit", old_name="current_call", new_name="current_call_id"),
        migrations.AlterField(
            model_name="unit",
            name="current_call_id",
            field=models.BigIntegerField(blank=True, help_text="The call it is working", null=True),
        ),
    ]
