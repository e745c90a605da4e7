from django.db import migrations

from cad.history import append_only_operation


class Migration(migrations.Migration):
    dependencies = [("units", "0002_unit_status_since_default")]

    operations = [append_only_operation("units_unitstatuschange")]
