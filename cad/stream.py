"""What the live stream carries belongs to the apps: each one registers its part of a console's
snapshot, and says which of its events an agency's program may see, in its AppConfig.ready().
So cad/, below every app, imports none of them.

The stream's hub (cad/hub.py) reads every part in one REPEATABLE READ transaction with the seq
they reflect, once per seq for all the consoles of a server process that see the same, and asks
`shared_with` once per event and agency before it sends an event to that agency's programs.
"""

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser

SnapshotPart = Callable[[AbstractBaseUser], list[dict]]
CallAudience = Callable[[int, str], bool]

_parts: dict[str, SnapshotPart] = {}
_call_audiences: list[CallAudience] = []


def snapshot_part(name: str, read: SnapshotPart) -> None:
    """`read(user)`: what `user` may see of `name` ("units", "calls", "alerts"), in the shape of
    that app's events, for a console's snapshot."""
    _parts[name] = read


def call_audience(rule: CallAudience) -> None:
    """`rule(call_id, agency_code)`: may that agency's program see events about that call."""
    if rule not in _call_audiences:
        _call_audiences.append(rule)


def snapshot(user: AbstractBaseUser) -> dict[str, list[dict]]:
    """Every registered part as `user` may see it; call inside the transaction that reads the seq."""
    return {name: read(user) for name, read in _parts.items()}


def shared_with(announcement: dict, agency_code: str) -> bool:
    """Partners see the events addressed to their agency (their own units, a mutual-aid request put
    to them, even about a call they may not see yet), and events about the calls the calls app says
    they may see; nothing else. Decided from the event alone for the first: no query. `announcement`
    is an event as Event.announcement() gives it."""
    if announcement.get("agency_code"):
        return announcement["agency_code"] == agency_code
    if announcement.get("call_id") is None:
        return False
    return any(rule(announcement["call_id"], agency_code) for rule in _call_audiences)
