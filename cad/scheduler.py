"""The beat schedule, run inside the server process when there is no Redis and no beat.

The embedded default (`make run`) has no Celery beat; this thread runs the same tasks on the
same intervals through the same task code, so timers fire even when no console is open.
Each task must be idempotent, as it must be under Celery beat (two schedulers may overlap).
"""

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import close_old_connections

from cad.celery import app

logger = logging.getLogger(__name__)

_started = threading.Event()


def start() -> bool:
    """Start the scheduler thread once per process; False if it was already running."""
    if _started.is_set():
        return False
    _started.set()
    threading.Thread(target=_run, name="cad-scheduler", daemon=True).start()
    logger.info("In-process scheduler started for %s", ", ".join(settings.CELERY_BEAT_SCHEDULE))
    return True


def _interval(entry: dict) -> float:
    schedule = entry["schedule"]
    if hasattr(schedule, "total_seconds"):
        return schedule.total_seconds()
    if hasattr(schedule, "run_every"):
        return schedule.run_every.total_seconds()
    return float(schedule)


def _until_next(entry: dict, wall: datetime) -> float | None:
    """Seconds from `wall` to a crontab entry's next time (the monthly billing run); None for an
    entry that runs every so often."""
    schedule = entry["schedule"]
    if hasattr(schedule, "remaining_delta"):
        last, delta, _ = schedule.remaining_delta(wall)  # the next time after `wall`, by the crontab alone
        return max(((last + delta) - wall).total_seconds(), 1.0)
    return None


def run_due(next_run: dict[str, float], now: float, wall: datetime | None = None) -> None:
    """Run every entry whose time has come and set its next time. An entry on a crontab waits for
    its time, also at start-up (a monthly run does not run each time the server starts)."""
    wall = wall or datetime.now(UTC)
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        until = _until_next(entry, wall)
        if until is not None and name not in next_run:
            next_run[name] = now + until
        if now < next_run.get(name, 0):
            continue
        next_run[name] = now + (_until_next(entry, wall + timedelta(seconds=1)) if until is not None
                                else _interval(entry))
        close_old_connections()
        try:
            _task(entry["task"])(*entry.get("args", ()))  # the task's own code, in this thread
        except Exception:
            logger.exception("Scheduled task %s failed", name)
        finally:
            close_old_connections()


def _task(name: str):
    """The registered task `name`, discovering the apps' tasks modules the first time."""
    if name not in current_app.tasks:
        app.loader.import_default_modules()
    return current_app.tasks[name]


def _run() -> None:
    next_run: dict[str, float] = {}
    while True:
        run_due(next_run, time.monotonic())
        time.sleep(1)
