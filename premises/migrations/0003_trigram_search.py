"""pg_trgm for "did you mean" on PostgreSQL, and the append-only trigger on flag reads.

Nothing happens on SQLite: there the suggestions are scored in Python (premises.selectors._similar).
"""

from django.db import migrations

from cad.history import append_only_operation

TRIGRAM_INDEXES = [
    ("premises_street_name_trgm", "premises_street", "name"),
    ("premises_commonplace_key_trgm", "premises_commonplace", "key"),
    ("premises_commonplacealias_key_trgm", "premises_commonplacealias", "key"),
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _, _ in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("premises", "0002_street_file_flags_permits")]

    operations = [
        migrations.RunPython(forward, backward),
        append_only_operation("premises_premiseflagread"),
    ]
