"""The audit trail as a hash chain: written here (through cad.audit.audit_record), verified and pruned.

Each entry's hash is sha256 over a canonical JSON of its content and the previous entry's hash.
Appends are serialised, so concurrent writers never fork the chain: on PostgreSQL by the lock
that also orders the events' seq (cad.events.writers_lock), held to commit, which is why services
record last; SQLite serialises writers already. An entry edited, removed or inserted by hand
breaks the chain from there on, and `audit_verify` names the first entry that does not fit.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pgtrigger
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from cad import events
from cad.audit import AuditAction, audit_record
from cad.models import AgencyToken
from records.models import AuditDigest, AuditEntry


def _canonical(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      cls=DjangoJSONEncoder).encode()


def entry_hash(entry: AuditEntry) -> str:
    content = {
        "at": entry.at.astimezone(UTC).isoformat(), "user": entry.user_id,
        "username": entry.username, "token": entry.token_id, "source_ip": entry.source_ip,
        "action": entry.action, "object": entry.object, "outcome": entry.outcome, "detail": entry.detail,
        "prev_hash": entry.prev_hash,
    }
    return hashlib.sha256(_canonical(content)).hexdigest()


def _chain_lock() -> None:
    events.writers_lock()


def _head() -> str:
    """The hash the next entry follows: the newest entry's, else the newest digest's, else ""."""
    # Read on every change the center makes: one plain statement, not a query built each time.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT hash FROM {connection.ops.quote_name(AuditEntry._meta.db_table)} "
                       "ORDER BY id DESC LIMIT 1")
        row = cursor.fetchone()
    last = row[0] if row else None
    if last is None:
        last = AuditDigest.objects.order_by("-last_id").values_list("last_hash", flat=True).first()
    return last or ""


def audit_entry_append(
    *, action: str, object: str, outcome: str, detail: dict, user: AbstractBaseUser | None,
    token: AgencyToken | None, source_ip: str | None,
) -> AuditEntry:
    # Stored as it reads back from JSON, so the hash computed now is the one verify computes.
    detail = json.loads(_canonical(detail))
    # No savepoint inside the caller's transaction: an entry that fails fails the whole change anyway.
    with transaction.atomic(savepoint=False):
        _chain_lock()
        entry = AuditEntry(
            at=timezone.now(), user=user, username=user.get_username() if user else "", token=token,
            source_ip=source_ip, action=action, object=object[:100], outcome=outcome, detail=detail,
            prev_hash=_head(),
        )
        entry.hash = entry_hash(entry)
        _insert(entry)
    return entry


def _insert(entry: AuditEntry) -> None:
    """entry.save(), as one plain statement: every change the center makes writes one, and the
    statement the ORM would build is the same each time (the values as each field saves them)."""
    global _INSERT_SQL
    fields = [f for f in AuditEntry._meta.concrete_fields if not f.primary_key]
    if _INSERT_SQL is None:
        quote = connection.ops.quote_name
        _INSERT_SQL = (f"INSERT INTO {quote(AuditEntry._meta.db_table)} "
                       f"({', '.join(quote(f.column) for f in fields)}) "
                       f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote('id')}")
    with connection.cursor() as cursor:
        values = [f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields]
        cursor.execute(_INSERT_SQL, values)
        entry.pk = cursor.fetchone()[0]
    entry._state.adding, entry._state.db = False, connection.alias


_INSERT_SQL: str | None = None


@dataclass(frozen=True)
class Break:
    id: int
    at: datetime | None
    reason: str

    def __str__(self) -> str:
        at = f" at {self.at.astimezone(UTC).isoformat()}" if self.at else ""
        return f"entry {self.id}{at}: {self.reason}"


def digest_signature(digest: AuditDigest) -> str:
    content = {
        "first_id": digest.first_id, "last_id": digest.last_id,
        "first_at": digest.first_at.astimezone(UTC).isoformat(),
        "last_at": digest.last_at.astimezone(UTC).isoformat(),
        "count": digest.count, "prev_hash": digest.prev_hash, "last_hash": digest.last_hash,
    }
    return hmac.new(settings.SECRET_KEY.encode(), _canonical(content), hashlib.sha256).hexdigest()


def audit_chain_verify(*, through_id: int | None = None) -> Break | None:
    """Walk the chain from the newest digest (or the start) to the newest entry (or `through_id`);
    the first entry that does not fit, or None when the chain is whole."""
    expected, after = "", 0
    for digest in AuditDigest.objects.order_by("last_id"):
        if not hmac.compare_digest(digest.signature, digest_signature(digest)):
            return Break(digest.last_id, digest.last_at, f"the digest of pruned entries {digest.first_id}–"
                                                         f"{digest.last_id} is not signed by this server")
        if digest.prev_hash != expected:
            return Break(digest.first_id, digest.first_at, "the pruned range does not follow the one before")
        expected, after = digest.last_hash, digest.last_id
    entries = AuditEntry.objects.filter(pk__gt=after).order_by("pk")
    if through_id is not None:
        entries = entries.filter(pk__lte=through_id)
    if AuditEntry.objects.filter(pk__lte=after).exists():
        first = AuditEntry.objects.filter(pk__lte=after).order_by("pk").first()
        return Break(first.pk, first.at, "a pruned entry is back in the table")
    for entry in entries.iterator(chunk_size=2000):
        if entry.prev_hash != expected:
            return Break(entry.pk, entry.at, "it does not follow the entry before it (one was removed or "
                                             "inserted)")
        if entry.hash != entry_hash(entry):
            return Break(entry.pk, entry.at, "its content does not match its hash (it was changed)")
        expected = entry.hash
    return None


class ChainBroken(Exception):
    pass


@transaction.atomic
def audit_prune(*, now: datetime | None = None) -> int:
    """Remove entries older than CAD_AUDIT_RETENTION_DAYS (none when entries are kept forever),
    after archiving a signed digest of them; verify then starts from that digest. Refuses to sign
    a range that is already broken. Returns how many entries were removed."""
    days = settings.CAD_AUDIT_RETENTION_DAYS
    if days is None:
        return 0
    _chain_lock()
    cutoff = (now or timezone.now()) - timedelta(days=days)
    old = AuditEntry.objects.filter(at__lt=cutoff)
    last = old.order_by("-pk").first()
    if last is None:
        return 0
    first = old.order_by("pk").first()
    broken = audit_chain_verify(through_id=last.pk)
    if broken is not None:
        raise ChainBroken(f"Not pruning: the audit chain is broken at {broken}.")
    count = AuditEntry.objects.filter(pk__lte=last.pk).count()
    digest = AuditDigest(created_at=timezone.now(), first_id=first.pk, last_id=last.pk, first_at=first.at,
                         last_at=last.at, count=count, prev_hash=first.prev_hash, last_hash=last.hash)
    digest.signature = digest_signature(digest)
    digest.save()
    with pgtrigger.ignore("records.AuditEntry:append_only"), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEntry._meta.db_table} WHERE id <= %s", [last.pk])
    audit_record(action=AuditAction.AUDIT_PRUNE, object=f"audit:{first.pk}-{last.pk}",
                 detail={"count": count, "before": cutoff.isoformat(), "last_hash": last.hash})
    return count
