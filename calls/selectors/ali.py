"""Reading the 9-1-1 line: the latest ANI/ALI records the consoles show, and the callback queue.
Only the center's staff see any of it (its figures for the board are in stats)."""

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cad import roles
from calls.models import AliRecord, Callback

RECENT_LINES = timedelta(hours=1)  # what a console that (re)connects is shown of the lines that rang
RECENT_LINES_SHOWN = 10


def ali_records() -> QuerySet[AliRecord]:
    return AliRecord.objects.select_related("call", "rebid_of").order_by("-received_at", "-id")


def ali_records_recent(user: AbstractBaseUser) -> QuerySet[AliRecord]:
    """The latest records of the last hour, newest first, for a console's ALI panel: the center's
    people and program only (an agency's program sees none)."""
    if not sees_the_line(user):
        return AliRecord.objects.none()
    return ali_records().filter(received_at__gte=timezone.now() - RECENT_LINES)[:RECENT_LINES_SHOWN]


def ali_line_latest(line: AliRecord) -> AliRecord:
    """A line's newest record: its latest rebid, or the first record itself."""
    return line.rebids.order_by("-received_at", "-id").first() or line


def sees_the_line(user: AbstractBaseUser) -> bool:
    """The 9-1-1 line and its callbacks are the center's own: its staff and its own program."""
    return roles.is_center_staff(user) and roles.scoped_agency(user) is None


def callbacks() -> QuerySet[Callback]:
    """Queue entries with what they are shown with: the newest record first (callback_latest_ali)."""
    return Callback.objects.select_related("claimed_by", "done_by", "call").prefetch_related(
        Prefetch("ali_records", queryset=ali_records(), to_attr="ali_newest_first"))


def callbacks_waiting() -> QuerySet[Callback]:
    """Entries without an outcome yet, oldest first (claimed ones too: they are still waiting)."""
    return callbacks().filter(done_at__isnull=True).order_by("queued_at", "pk")


def callbacks_waiting_visible_to(user: AbstractBaseUser) -> QuerySet[Callback]:
    return callbacks_waiting() if sees_the_line(user) else Callback.objects.none()


def callback_latest_ali(callback: Callback) -> AliRecord | None:
    """The entry's newest record (its newest location): read with it (callbacks()), or here."""
    records = getattr(callback, "ali_newest_first", None)
    if records is None:
        records = list(ali_records().filter(callback=callback)[:1])
    return records[0] if records else None
