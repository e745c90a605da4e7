"""What the live stream carries belongs to the apps: each one registers its part of a console's
snapshot, and says which of its events an agency's program may see, in its AppConfig.ready().
So cad/, below every app, imports none of them.

The stream's hub (cad/hub.py) reads every part in one REPEATABLE READ transaction with the seq
they reflect, once per seq for all the consoles of a server process that see the same, and asks
`shared_with` once per event and agency before it sends an event to that agency's programs, and
`seen_by` for what of it they may read (a call's shares: a partner reads only its own).
"""

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser

SnapshotPart = Callable[[AbstractBaseUser], list[dict]]
CallAudience = Callable[[int, str], bool]
EventView = Callable[[dict, str], dict | None]

_parts: dict[str, SnapshotPart] = {}
_call_audiences: list[CallAudience] = []
_views: dict[str, EventView] = {}


def snapshot_part(name: str, read: SnapshotPart) -> None:
    """`read(user)`: what `user` may see of `name` ("units", "calls", "alerts"), in the shape of
    that app's events, for a console's snapshot."""
    _parts[name] = read


def call_audience(rule: CallAudience) -> None:
    """`rule(call_id, agency_code)`: may that agency's program see events about that call."""
    if rule not in _call_audiences:
        _call_audiences.append(rule)


def event_view(event: str, view: EventView) -> None:
    """`view(data, agency_code)`: the data of an `event` as that agency's programs may read it, or
    None when they may read all of it (the agency sees the event at all: shared_with said so)."""
    _views[event] = view


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


def seen_by(announcement: dict, agency_code: str) -> dict | None:
    """What an agency's programs read of an event they may see: its data narrowed by the app that
    registered a view for it, or None when they read it whole."""
    view = _views.get(announcement.get("event", ""))
    return view(announcement["data"], agency_code) if view is not None else None


# A unit terminal's audience is "unit:<callsign>". What it may see is decided from the event alone
# and what the hub learnt from earlier events (which call each unit works: `UnitCalls`), never by
# a query: a thousand terminals cost a thousand checks in Python per event.
UNIT_AUDIENCE_PREFIX = "unit:"

UnitRule = Callable[[dict, str, int | None], bool]
UnitMove = Callable[[dict], tuple[str, int | None] | None]
UnitSnapshotPart = Callable[[str], list[dict]]

_unit_rules: list[UnitRule] = []
_unit_moves: list[UnitMove] = []
_unit_parts: dict[str, UnitSnapshotPart] = {}


def unit_audience(callsign: str) -> str:
    return f"{UNIT_AUDIENCE_PREFIX}{callsign}"


def unit_of(audience: str | None) -> str | None:
    """The callsign of a unit terminal's audience, or None for the center's staff or an agency."""
    if audience is not None and audience.startswith(UNIT_AUDIENCE_PREFIX):
        return audience[len(UNIT_AUDIENCE_PREFIX):]
    return None


def unit_rule(rule: UnitRule) -> None:
    """`rule(announcement, callsign, call_id)`: may the terminal of `callsign`, working `call_id`
    (or None), see the event. Any rule saying yes lets it."""
    if rule not in _unit_rules:
        _unit_rules.append(rule)


def unit_move(read: UnitMove) -> None:
    """`read(announcement)`: (callsign, the call it works now or None) when the event says where a
    unit is, else None."""
    if read not in _unit_moves:
        _unit_moves.append(read)


def unit_snapshot_part(name: str, read: UnitSnapshotPart) -> None:
    """`read(callsign)`: what a unit terminal's snapshot holds of `name`, in that app's event shapes."""
    _unit_parts[name] = read


def unit_snapshot(callsign: str) -> dict[str, list[dict]]:
    return {name: read(callsign) for name, read in _unit_parts.items()}


class UnitCalls:
    """Which call each unit works, kept from the unit events as they pass (and seeded by the
    admission of a terminal, which read it with the other sockets opening)."""

    def __init__(self) -> None:
        self.calls: dict[str, int | None] = {}

    def follow(self, announcement: dict) -> None:
        for read in _unit_moves:
            moved = read(announcement)
            if moved is not None:
                self.calls[moved[0]] = moved[1]

    def seed(self, callsign: str, call_id: int | None) -> None:
        """What the database said at admission, unless the events already told (they are newer)."""
        self.calls.setdefault(callsign, call_id)

    def sees(self, announcement: dict, callsign: str) -> bool:
        call_id = self.calls.get(callsign)
        return any(rule(announcement, callsign, call_id) for rule in _unit_rules)
