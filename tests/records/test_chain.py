"""The trail is a hash chain: append-only, verified end to end, pruned only behind a signed digest."""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test import override_settings
from django.utils import timezone

from cad.audit import AuditAction, audit_record
from cad.history import AppendOnlyError
from cad.settings import envdays_at_least
from calls import services
from calls.models import Call, CallType
from records.audit import audit_chain_verify, audit_prune
from records.models import AuditDigest, AuditEntry
from records.tasks import audit_prune as audit_prune_task

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")


def write(count: int, **fields) -> list[AuditEntry]:
    for i in range(count):
        audit_record(action=AuditAction.CALL_NOTE, object=f"call:{i}", detail={"n": i, "ünï": [1.5, None]},
                     **fields)
    return list(AuditEntry.objects.order_by("-pk")[:count])[::-1]


def verify() -> tuple[int, str]:
    try:
        call_command("audit_verify", stdout=(out := StringIO()))
    except CommandError as error:
        return 1, str(error)
    return 0, out.getvalue()


def tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE records_auditentry DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE records_auditentry ENABLE TRIGGER USER")


def test_each_entry_follows_the_one_before(db):
    first, second, third = write(3)
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert verify()[0] == 0


def test_the_orm_refuses_to_change_or_remove_an_entry(db):
    entry, = write(1)
    entry.outcome = "denied"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(outcome="denied")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()


def test_an_entry_changed_behind_the_orms_back_is_named_by_verify(db):
    _, changed, _ = write(3)
    tamper("UPDATE records_auditentry SET object = %s WHERE id = %s", ["call:999", changed.pk])
    code, message = verify()
    assert code == 1 and f"entry {changed.pk} at " in message and "changed" in message


def test_an_entry_removed_behind_the_orms_back_is_named_by_verify(db):
    _, removed, after = write(3)
    tamper("DELETE FROM records_auditentry WHERE id = %s", [removed.pk])
    code, message = verify()
    assert code == 1 and f"entry {after.pk} at " in message


@on_postgresql
def test_postgresql_refuses_a_raw_update_or_delete(db):
    entry, = write(1)
    for sql in ("UPDATE records_auditentry SET outcome = 'denied' WHERE id = %s",
                "DELETE FROM records_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).outcome == "ok"


def test_an_audit_write_that_fails_fails_the_change(alice, monkeypatch):
    def broken(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr("cad.audit._writer", broken)
    before = Call.objects.count()
    with pytest.raises(DatabaseError):
        services.call_create(call_type=CallType.objects.get(code="DISORD"),
                             location={"address": "230 oak street"}, by=alice)
    assert Call.objects.count() == before


def test_keeping_forever_prunes_nothing(db):
    write(2)
    assert audit_prune_task() == 0 and AuditEntry.objects.count() == 2


@override_settings(CAD_AUDIT_RETENTION_DAYS=365)
def test_pruning_archives_a_signed_digest_and_verify_starts_from_it(db):
    old = write(3)
    later = timezone.now() + timedelta(days=366)
    assert audit_prune(now=later) == 3
    digest = AuditDigest.objects.get()
    assert (digest.first_id, digest.last_id, digest.count, digest.last_hash) == (old[0].pk, old[-1].pk, 3,
                                                                               old[-1].hash)
    remaining = AuditEntry.objects.get()
    assert remaining.action == "audit.prune" and remaining.prev_hash == old[-1].hash
    write(1)
    assert verify()[0] == 0


@override_settings(CAD_AUDIT_RETENTION_DAYS=365)
def test_a_digest_not_signed_by_this_server_breaks_the_chain(db):
    write(2)
    audit_prune(now=timezone.now() + timedelta(days=366))
    with override_settings(SECRET_KEY="another-servers-key-" * 3):
        code, message = verify()
    assert code == 1 and "not signed" in message


@pytest.mark.parametrize("raw", ["30", "364", "a year"])
def test_a_retention_under_a_year_stops_the_start_up(monkeypatch, raw):
    monkeypatch.setenv("CAD_AUDIT_RETENTION_DAYS", raw)
    with pytest.raises(ImproperlyConfigured, match="CAD_AUDIT_RETENTION_DAYS"):
        envdays_at_least("CAD_AUDIT_RETENTION_DAYS", 365)


def test_retention_is_forever_unless_set(monkeypatch):
    monkeypatch.delenv("CAD_AUDIT_RETENTION_DAYS", raising=False)
    assert envdays_at_least("CAD_AUDIT_RETENTION_DAYS", 365) is None
    monkeypatch.setenv("CAD_AUDIT_RETENTION_DAYS", "400")
    assert envdays_at_least("CAD_AUDIT_RETENTION_DAYS", 365) == 400


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs PostgreSQL (set DATABASE_URL); CI runs it")
@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_leave_a_whole_chain():
    barrier = threading.Barrier(2)
    errors = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(25):
                with transaction.atomic():
                    audit_record(action=AuditAction.CALL_NOTE, object=f"call:{n}-{i}")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.count() == 50
    assert audit_chain_verify() is None


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs PostgreSQL (set DATABASE_URL); CI runs it")
@pytest.mark.django_db(transaction=True)
def test_auditing_before_or_after_announcing_never_deadlocks():
    """One writer audits, then announces (a confidential read, then the call it was read for); the
    other announces, then audits (every service). Two locks taken in opposite orders would
    deadlock; the chain and the seq share one."""
    from cad import events
    from cad.events import EventName

    barrier = threading.Barrier(2)
    errors = []

    def writer(audit_first: bool) -> None:
        try:
            barrier.wait()
            for i in range(30):
                with transaction.atomic():
                    if audit_first:
                        audit_record(action=AuditAction.FLAG_CONFIDENTIAL_READ, object=f"flag:{i}")
                    events.publish(EventName.CALL_NOTE, {"n": i})
                    if not audit_first:
                        audit_record(action=AuditAction.CALL_NOTE, object=f"call:{i}")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(first,)) for first in (True, False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.count() == 60
    assert audit_chain_verify() is None
