"""Which units to send: the call type's response plan filled with the nearest available units.

The plan is the call type's plan for the call's priority, else its plan for any priority, else
the fallback: one unit of each of the type's disciplines. Each line is filled with available units
that have its capability, ranked by estimated travel time: straight-line distance × a road factor
÷ a speed per unit type, from where the unit is believed to be (its last location while fresh,
else its station, else its home beat's centre). Equal times prefer units of the call's beat. The
center's own and served agencies fill the plan first; partner agencies' units are offered, as
mutual aid, only for what they cannot fill. Units already on the call count toward the plan.
Premise flags on the call of the kinds in CAD_COVER_FOR_FLAGS (officer-safety hazards, by default)
add cover: that many more police units, on a line of their own that says why.

One query reads every available unit as plain rows; the ranking is Python, so 1,000 units cost
a few milliseconds (`make bench` measures it).
"""

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from cad.models import Agency
from calls.models import Assignment, Call, ResponsePlan
from calls.selectors.calls import current_premise_flags
from premises.geo import bounds, distance_m
from premises.models import Beat
from units.choices import UnitStatus
from units.models import Unit

CENTER_KINDS = frozenset({Agency.Kind.CENTER, Agency.Kind.SERVED})


@dataclass(frozen=True)
class PlanLine:
    capability: str
    count: int
    match: str = "capability"  # "discipline" for the fallback's lines and for cover
    assigned: int = 0  # units already on the call that fill it
    reason: str = ""  # why a line beyond the plan is there: "+1 police: officer-safety flag at this address"


@dataclass(frozen=True)
class Plan:
    source: str  # "priority" (the type's plan for this priority), "type" (any priority), "fallback"
    call_type: str
    priority: int | None
    description: str
    notes: str
    lines: list[PlanLine]


@dataclass(frozen=True)
class RecommendedUnit:
    callsign: str
    agency: str
    unit_type: str
    capability: str
    eta_seconds: int | None
    distance_m: int | None
    position: str  # "location", "station", "beat" or "none"
    mutual_aid: bool
    in_call_beat: bool
    reason: str


@dataclass(frozen=True)
class Unfilled:
    capability: str
    wanted: int
    found: int
    text: str


@dataclass
class Recommendation:
    call_id: int
    plan: Plan
    units: list[RecommendedUnit]
    unfilled: list[Unfilled]
    computed_at: datetime
    located: bool = True  # the call has coordinates, so units are ranked by travel time
    assigned: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Candidate:
    callsign: str
    agency: str
    agency_name: str
    partner: bool
    unit_type: str
    discipline: str
    capabilities: frozenset
    home_beat_id: int | None
    home_beat: str | None
    eta: float | None = None
    distance: float | None = None
    position: str = "none"
    where: str = ""
    in_call_beat: bool = False
    reason: str = ""


def plan_for(call: Call) -> Plan:
    """The plan that applies to the call: for its priority, else for any priority, else the
    fallback of one unit per discipline of its type."""
    call_type = call.call_type
    plans = {p.priority_id: p for p in ResponsePlan.objects.filter(
        Q(priority_id=call.priority_id) | Q(priority__isnull=True), call_type_id=call_type.pk,
    ).prefetch_related("lines")}
    plan = plans.get(call.priority_id) or plans.get(None)
    if plan is not None:
        lines = [PlanLine(line.capability, line.count) for line in plan.lines.all() if line.count]
        if plan.priority_id:
            description = f"{call_type.code} plan for P{plan.priority_id}"
            source = "priority"
        else:
            description = f"{call_type.code} plan"
            source = "type"
        return Plan(source, call_type.code, plan.priority_id, description, plan.notes, lines)
    disciplines = sorted(call_type.disciplines.values_list("code", flat=True))
    lines = [PlanLine(code, 1, match="discipline") for code in disciplines]
    description = (f"No plan for {call_type.code}: one unit of each discipline "
                   f"({', '.join(disciplines) or 'none'})")
    return Plan("fallback", call_type.code, None, description, "", lines)


COVER_DISCIPLINE = "police"


def with_cover(plan: Plan, call: Call) -> Plan:
    """The plan with a cover line when the call's premise flags are of a kind that asks for it
    (CAD_COVER_FOR_FLAGS: the largest count among the kinds present, so two hazards do not stack)."""
    wanted = settings.CAD_COVER_FOR_FLAGS
    kinds = sorted({flag.kind for flag in current_premise_flags(call) if wanted.get(flag.kind)})
    if not kinds:
        return plan
    count = max(wanted[kind] for kind in kinds)
    flags = " and ".join(kind.replace("_", "-") for kind in kinds)
    reason = f"+{count} {COVER_DISCIPLINE}: {flags} flag at this address"
    line = PlanLine(COVER_DISCIPLINE, count, match="discipline", reason=reason)
    return Plan(plan.source, plan.call_type, plan.priority, f"{plan.description}; {reason}", plan.notes,
                [*plan.lines, line])


def _fits(candidate: _Candidate, line: PlanLine) -> bool:
    if line.match == "discipline":
        return candidate.discipline == line.capability
    return line.capability in candidate.capabilities


def _ago(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return "just now"
    if minutes < 120:
        return f"{minutes} min ago"
    return f"{minutes // 60} h ago"


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"


def _km(metres: float) -> str:
    return f"{round(metres / 10) * 10:.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km"


def _minutes(seconds: float) -> str:
    return "<1 min" if seconds < 60 else f"~{round(seconds / 60)} min"


class _BeatCentres:
    """Beats' centres, read in one query when a unit first needs one."""

    def __init__(self) -> None:
        self.centres: dict[int, tuple[float, float]] | None = None

    def __getitem__(self, beat_id: int) -> tuple[float, float] | None:
        if self.centres is None:
            self.centres = {}
            for pk, boundary in Beat.objects.values_list("pk", "boundary"):
                box = bounds(boundary)
                if box:
                    self.centres[pk] = ((box[1] + box[3]) / 2, (box[0] + box[2]) / 2)
        return self.centres.get(beat_id)


def _raw_rows(query: QuerySet) -> list[tuple]:
    """The query's rows straight from the cursor: Django's per-value converters cost more than
    the ranking itself for a thousand units. Only the JSON capabilities need decoding (below)
    and times arrive aware from both backends (SQLite's are parsed here)."""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "sqlite":
        rows = [(*row[:-1], _sqlite_time(row[-1])) for row in rows]
    return rows


def _sqlite_time(value):
    """SQLite keeps UTC times without their zone (as text, or parsed by Django's converter)."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _capabilities(value) -> frozenset[str]:
    if not value:
        return frozenset()
    if isinstance(value, str):
        value = json.loads(value)
    return frozenset(value) if isinstance(value, list) else frozenset()


def _available_units(units: QuerySet[Unit] | None, now: datetime, call: Call,
                     lines: list[PlanLine]) -> list[_Candidate]:
    stale_after = settings.CAD_LOCATION_STALE_SECONDS
    road = settings.CAD_ROAD_FACTOR
    speeds = settings.CAD_UNIT_SPEEDS_KMH
    located = call.lat is not None and call.lon is not None
    centres = _BeatCentres()
    query = (units if units is not None else Unit.objects.all()).filter(
        status=UnitStatus.AVAILABLE).values_list(
        "callsign", "agency__code", "agency__name", "agency__kind", "unit_type", "discipline__code",
        "capabilities", "home_beat_id", "home_beat__code", "station__name", "station__lat",
        "station__lon", "last_lat", "last_lon", "location_at")
    rows = _raw_rows(query)
    wanted = {line.capability for line in lines if line.match == "capability"}
    wanted_disciplines = {line.capability for line in lines if line.match == "discipline"}
    candidates = []
    for (callsign, agency, agency_name, kind, unit_type, discipline, capabilities, beat_id, beat,
         station, station_lat, station_lon, lat, lon, location_at) in rows:
        if (discipline not in wanted_disciplines and isinstance(capabilities, str)
                and not any(f'"{capability}"' in capabilities for capability in wanted)):
            continue  # fits no line of the plan (seen without decoding its JSON)
        capabilities = _capabilities(capabilities)
        if discipline not in wanted_disciplines and wanted.isdisjoint(capabilities):
            continue  # fits no line of the plan
        c = _Candidate(callsign, agency, agency_name, kind not in CENTER_KINDS, unit_type, discipline,
                       capabilities, beat_id, beat,
                       in_call_beat=beat_id is not None and beat_id == call.beat_id)
        age = (now - location_at).total_seconds() if location_at else None
        has_fix = lat is not None and lon is not None
        if has_fix and age is not None and age <= stale_after:
            c.position, c.where, point = "location", f"from its location {_ago(max(age, 0))}", (lat, lon)
        else:
            why = f"location stale ({_span(age)})" if has_fix and age is not None else "no location"
            point = None
            if station_lat is not None and station_lon is not None:
                c.position, c.where, point = "station", f"{why}: from {station}", (station_lat, station_lon)
            elif beat_id is not None and (centre := centres[beat_id]) is not None:
                c.position, c.where, point = "beat", f"{why}: from beat {beat} centre", centre
            else:
                c.where = f"{why}, no station or beat: distance unknown"
        if located and point is not None:
            c.distance = distance_m(point[0], point[1], call.lat, call.lon)
            speed = speeds.get(unit_type, settings.CAD_DEFAULT_SPEED_KMH) / 3.6
            c.eta = c.distance * road / speed
        candidates.append(c)
    # Nearest first; equal times (to the second) go to the call's beat, then by callsign.
    candidates.sort(key=lambda c: (c.eta is None, round(c.eta) if c.eta is not None else 0,
                                   not c.in_call_beat, c.callsign))
    return candidates


def _reason(c: _Candidate, line: PlanLine, nth: int, call: Call, short_by: int) -> str:
    what = line.capability if line.match == "capability" else f"{line.capability} unit"
    rank = "" if c.partner else ("nearest " if nth == 0 else "next nearest ")
    if c.eta is not None:
        text = f"{rank}{what}, {_km(c.distance)}, {_minutes(c.eta)} {c.where}"
    else:
        if call.lat is None or call.lon is None:
            text = f"{what}, distance unknown (the call has no coordinates); {c.where}"
        else:
            text = f"{what}, {c.where}"
    if c.in_call_beat and c.home_beat:
        text += f"; in beat {c.home_beat}"
    if c.partner:
        text = f"mutual aid from {c.agency} ({c.agency_name}): the center is {short_by} {what} short; " + text
    if line.reason:
        text = f"{line.reason}; {text}"
    return text


def _nearest(c: _Candidate) -> tuple:
    return (c.eta is None, c.eta or 0, c.callsign)


def _assign(lines: list[PlanLine], filled: list[int], candidates: list[_Candidate], used: set[str],
            *, partner: bool) -> list[tuple[int, _Candidate]]:
    """Fill the lines, in plan order, with the nearest fitting units of one side (the center's, or
    the partners'); then let a unit taken for one line give way where that frees it for a line
    left short (E1, engine and ALS, taken for ALS while a medic was free, had left the engine
    line to mutual aid)."""
    picked: list[tuple[int, _Candidate]] = []
    mine = [c for c in candidates if c.partner == partner]
    for index, line in enumerate(lines):
        for c in mine:
            if filled[index] >= line.count:
                break
            if c.callsign not in used and _fits(c, line):
                used.add(c.callsign)
                filled[index] += 1
                picked.append((index, c))
    for index, line in enumerate(lines):
        while filled[index] < line.count and _give_way(index, lines, filled, mine, used, picked):
            pass
    return picked


def _give_way(short: int, lines: list[PlanLine], filled: list[int], mine: list[_Candidate],
              used: set[str], picked: list[tuple[int, _Candidate]]) -> bool:
    for k, (other, unit) in enumerate(picked):
        if other == short or not _fits(unit, lines[short]):
            continue
        spare = next((c for c in mine if c.callsign not in used and _fits(c, lines[other])), None)
        if spare is None:
            continue
        picked[k] = (short, unit)
        picked.append((other, spare))
        used.add(spare.callsign)
        filled[short] += 1
        return True
    return False


def recommend(call: Call, *, now: datetime | None = None,
              units: QuerySet[Unit] | None = None) -> Recommendation:
    """Fill the call's plan with the nearest available units; `units` narrows the candidates."""
    now = now or timezone.now()
    plan = with_cover(plan_for(call), call)
    on_call = list(Assignment.objects.filter(call_id=call.pk, cleared_at__isnull=True).values_list(
        "unit__callsign", "unit__capabilities", "unit__discipline__code"))
    # Units already on the call fill lines first, each one line.
    lines, used = [], set()
    for line in plan.lines:
        taken = 0
        for callsign, capabilities, discipline in on_call:
            if taken == line.count or callsign in used:
                continue
            if (discipline == line.capability if line.match == "discipline"
                    else line.capability in (capabilities or ())):
                used.add(callsign)
                taken += 1
        lines.append(PlanLine(line.capability, line.count, line.match, taken, line.reason))
    plan = Plan(plan.source, plan.call_type, plan.priority, plan.description, plan.notes, lines)

    candidates = _available_units(units, now, call, lines)
    picked: list[tuple[int, _Candidate]] = []
    filled = [line.assigned for line in lines]
    center_filled: list[int] = []
    for partner in (False, True):
        picked += _assign(lines, filled, candidates, used, partner=partner)
        if not partner:
            center_filled = list(filled)
    for index, line in enumerate(lines):
        mine = sorted((c for i, c in picked if i == index), key=_nearest)
        for nth, c in enumerate(c for c in mine if not c.partner):
            c.reason = _reason(c, line, nth, call, 0)
        for c in (c for c in mine if c.partner):
            c.reason = _reason(c, line, 0, call, line.count - center_filled[index])
    located = call.lat is not None and call.lon is not None
    recommended = [
        RecommendedUnit(
            callsign=c.callsign, agency=c.agency, unit_type=c.unit_type, capability=lines[i].capability,
            eta_seconds=round(c.eta) if c.eta is not None else None,
            distance_m=round(c.distance) if c.distance is not None else None,
            position=c.position, mutual_aid=c.partner, in_call_beat=c.in_call_beat, reason=c.reason)
        for i, c in picked
    ]
    # Nearest first across the lines (the console lists them so); lines keep their own order above.
    recommended.sort(key=lambda u: (u.mutual_aid, u.eta_seconds is None, u.eta_seconds or 0))
    unfilled = [
        Unfilled(line.capability, line.count, filled[i],
                 f"plan asks {line.count} × {line.capability}, {filled[i]} found")
        for i, line in enumerate(lines) if filled[i] < line.count
    ]
    return Recommendation(call.pk, plan, recommended, unfilled, now, located,
                          sorted(callsign for callsign, _, _ in on_call))

