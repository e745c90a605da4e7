"""A database made for one benchmark run and dropped after it, on the configured server."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, connections


@contextmanager
def throwaway_database(sqlite_name: str, *, keep: bool = False) -> Iterator[None]:
    """Create an empty, migrated database beside the configured one (on SQLite the file
    `var/<sqlite_name>.sqlite3`), switch to it, and drop it afterwards unless `keep`."""
    creation = connection.creation
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"var/{sqlite_name}.sqlite3"
    creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connections.close_all()
        if not keep:
            creation.destroy_test_db(old_name, verbosity=0)
