from django.db import migrations

from cad.history import append_only_operation


class Migration(migrations.Migration):
    dependencies = [("calls", "0002_initial")]

    operations = [append_only_operation("calls_chronologyentry")]
