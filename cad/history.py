"""Append-only history: rows are added, never changed or removed, by any path Django offers.

On PostgreSQL a trigger (see the history migrations) refuses UPDATE and DELETE as well, so
raw SQL and other programs cannot rewrite it either.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import migrations, models


def actor(by: AbstractBaseUser | AnonymousUser | None) -> AbstractBaseUser | None:
    """Who a change is stamped with: the signed-in person or agency account, else nobody (the system)."""
    return by if by is not None and by.is_authenticated else None


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} is append-only.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} is append-only.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError(f"{type(self).__name__} is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} is append-only.")


def refuse_changes_sql(table: str, *, may_clear: tuple[str, ...] = ()) -> tuple[str, str]:
    """SQL that makes `table` append-only on PostgreSQL, and the SQL that undoes it.

    `may_clear` names reference columns that may still be set to NULL and nothing else (a
    SET_NULL key whose row was deleted elsewhere); every other column stays as written.
    """
    function = f"{table}_append_only"
    allowed = ""
    if may_clear:
        keys = " - ".join(f"'{column}'" for column in may_clear)
        nulls = " AND ".join(f"NEW.{column} IS NULL" for column in may_clear)
        allowed = f"""
            IF TG_OP = 'UPDATE' THEN
                IF {nulls} AND to_jsonb(NEW) - {keys} = to_jsonb(OLD) - {keys} THEN
                    RETURN NEW;
                END IF;
            END IF;"""
    forward = f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN{allowed}
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER {function} BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {function}();
    """
    backward = f"DROP TRIGGER IF EXISTS {function} ON {table}; DROP FUNCTION IF EXISTS {function}();"
    return forward, backward


def append_only_operation(table: str, *, may_clear: tuple[str, ...] = ()):
    """A migration operation adding the trigger on PostgreSQL and nothing elsewhere."""
    forward, backward = refuse_changes_sql(table, may_clear=may_clear)

    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(forward, params=None)

    def revert(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(backward, params=None)

    return migrations.RunPython(apply, revert)
