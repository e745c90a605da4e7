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
    """Which call each unit worked, seq by seq: kept from the unit events as they pass (and seeded
    by the admission of a terminal, which read it with the other sockets opening). A terminal
    catching up on old events is judged by the call its unit worked at each event's seq, not by
    today's; before what the hub knows of a unit, it cannot be judged (`knows`), and a snapshot
    is the answer."""

    MOVES_KEPT = 64  # per unit; a terminal further behind than that is sent a snapshot

    def __init__(self) -> None:
        self.moves: dict[str, list[tuple[int, int | None]]] = {}  # callsign → [(from seq, call)], in order

    def follow(self, announcement: dict) -> None:
        for read in _unit_moves:
            moved = read(announcement)
            if moved is not None:
                self._move(moved[0], announcement["seq"], moved[1])

    def _move(self, callsign: str, seq: int, call_id: int | None) -> None:
        moves = self.moves.setdefault(callsign, [])
        if moves and moves[-1][0] >= seq:
            return  # older news than what it holds
        moves.append((seq, call_id))
        if len(moves) > self.MOVES_KEPT:
            del moves[0]

    def seed(self, callsign: str, call_id: int | None, seq: int) -> None:
        """What the database said at admission (as of `seq`), unless the events already told (they
        are newer)."""
        if callsign not in self.moves:
            self.moves[callsign] = [(seq, call_id)]

    def knows(self, callsign: str, seq: int) -> bool:
        """Whether the call `callsign` worked at `seq` is known."""
        moves = self.moves.get(callsign)
        return bool(moves) and moves[0][0] <= seq

    def call_at(self, callsign: str, seq: int) -> int | None:
        """The call `callsign` worked at `seq` (its latest move at or before it); None when on none,
        or not known."""
        for moved_at, call_id in reversed(self.moves.get(callsign) or ()):
            if moved_at <= seq:
                return call_id
        return None

    def sees(self, announcement: dict, callsign: str) -> bool:
        call_id = self.call_at(callsign, announcement["seq"])
        return any(rule(announcement, callsign, call_id) for rule in _unit_rules)
