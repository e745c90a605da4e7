"""Reference data: priorities and goals, APCO dispositions and call types, plus local ones."""

import csv
import html
from pathlib import Path

from cad.models import Discipline
from calls.models import CallType, Disposition, Priority, ResponsePlan, ResponsePlanLine, StatusCheckRule

REFERENCE = Path(__file__).resolve().parent / "reference"

# (level, name, dispatch goal s, response goal s): P1 per DOMAIN.md, the rest editable in the admin.
PRIORITIES = [
    (1, "Emergency: life at risk, crime in progress", 60, 300),
    (2, "Urgent", 180, 600),
    (3, "Prompt", 900, 1800),
    (4, "Routine", 1800, 3600),
    (5, "Report only", 3600, 7200),
]

LOCAL_DISPOSITIONS = [
    ("FAB", "False Alarm, No Cause Found (billable)", True),
    ("ACX", "Alarm Cancelled by Alarm Company Before Arrival", False),
]

P, F, E, A, W, B = "police", "fire", "ems", "animal_control", "public_works", "behavioral_health"

# code: (priority, disciplines, is_alarm). Descriptions come from the APCO 2.103 file.
APCO_CALL_TYPES = {
    "ACTSHOOT": (1, [P, E], False), "SHOOT": (1, [P, E], False), "STABBING": (1, [P, E], False),
    "ROBBERY": (1, [P], False), "WEAPON": (1, [P], False), "HOSTAGE": (1, [P], False),
    "HLP1": (1, [P], False), "DVA": (1, [P], False), "FIGHT": (1, [P], False),
    "ASSAULT": (2, [P, E], False), "BURGLARY": (2, [P], False), "CARJACK": (1, [P], False),
    "ALRBA": (2, [P], True), "ALRBS": (2, [P], True), "ALRROBS": (1, [P], True),
    "ALRPANS": (1, [P], True), "ALMR": (2, [P], True), "ALMB": (2, [P], True),
    "ALRF": (2, [F], True), "ALRCO": (2, [F], True), "ALRMED": (1, [E], True),
    "911H": (2, [P], False), "911OPN": (2, [P], False),
    "MVA": (3, [P], False), "MVAINJY": (1, [P, F, E], False), "MVAHR": (3, [P], False),
    "FSTRU": (1, [F, E, P], False), "FAPT": (1, [F, E, P], False), "FVEH": (2, [F], False),
    "FBRUSH": (2, [F], False), "FSMOKE": (2, [F], False), "GASLEAKI": (1, [F], False),
    "CARDIAC": (1, [E, F], False), "RESP": (1, [E, F], False), "PERUNCON": (1, [E, F], False),
    "OD": (1, [E, P], False), "FALL": (3, [E], False), "SICK": (3, [E], False),
    "STROKE": (1, [E, F], False), "SEIZURE": (2, [E], False),
    "MNTL": (3, [B, P], False), "MTLV": (1, [P, B, E], False), "SUICTHRT": (1, [P, B, E], False),
    "EDP": (2, [B, P], False), "WELFARE": (3, [P], False),
    "ANIMAL": (4, [A], False), "BITE": (3, [A, E], False),
    "NOISE": (4, [P], False), "SUSP": (3, [P], False), "PERSUSP": (3, [P], False),
    "VEHSUSP": (3, [P], False), "PROW": (2, [P], False), "TRESPASS": (3, [P], False),
    "DISORD": (3, [P], False), "INTOX": (3, [P], False), "DUI": (2, [P], False),
    "RECKDRV": (2, [P], False), "TSTOP": (3, [P], False), "THAZ": (3, [P], False),
    "DISVEH": (4, [P], False), "LARCENY": (4, [P], False), "SHOPLIFT": (3, [P], False),
    "VANDAL": (4, [P], False), "FRAUD": (5, [P], False), "PERMISS": (2, [P], False),
    "CITASST": (4, [P], False), "PUBWKS": (4, [W], False), "WIRES": (2, [F, W], False),
    "INFO": (5, [P], False), "ASSIST": (3, [P], False),
}

# Where APCO's text reads as a note rather than a name.
DESCRIPTION_OVERRIDES = {
    "ASSAULT": "Assault, With or Without Injury",
    "FSTRU": "Structure Fire (house, garage, shed)",
    "FBRUSH": "Brush, Grass or Outdoor Fire",
    "SEIZURE": "Seizure, Convulsions",
    "MVAINJY": "Motor Vehicle Accident With Injury",
    "MVA": "Motor Vehicle Accident, No Injury",
    "RESP": "Difficulty Breathing, Respiratory Issue",
    "PERUNCON": "Unconscious Person, Fainting",
    "OD": "Overdose, Poisoning, Accidental Ingestion",
    "SICK": "Sick Person, General Illness",
    "CARDIAC": "Cardiac Event, Heart Attack, Chest Pain",
    "SUSP": "Suspicious Incident, Circumstances",
    "STROKE": "Stroke (CVA)",
    "GASLEAKI": "Gas Leak Inside",
    "WELFARE": "Welfare Check, Man Down Check",
    "ALMR": "Residential Alarm",
}

# Local call types, each mapped to the APCO common type it is reported as.
LOCAL_CALL_TYPES = [
    ("WATERMAIN", "Water Main Break", "PUBWKS", 3, [W], False),
    ("STREETHAZ", "Street Hazard, Pothole or Debris (city crew)", "THAZ", 3, [W, P], False),
    ("PARKAH", "Park After Hours", "TRESPASS", 4, [P], False),
    ("SIGNAL", "Traffic Signal Out", "THAZ", 3, [W, P], False),
    # What a 9-1-1 line's ANI/ALI makes (CAD_ALI_CALL_TYPE) until the call taker learns the nature.
    ("911UNK", "9-1-1 Call, Nature Not Yet Known", "TROUBLE", 2, [P], False),
]


def _apco_descriptions() -> dict[str, str]:
    descriptions: dict[str, str] = {}
    with (REFERENCE / "incident_types_apco_2103.tsv").open(newline="") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if len(row) >= 2 and row[0].strip() and row[0] not in descriptions:
                descriptions[row[0].strip()] = html.unescape(row[1]).strip()
    return descriptions


def _apco_dispositions() -> list[tuple[str, str]]:
    with (REFERENCE / "eido_registries.tsv").open(newline="") as handle:
        return [
            (row[1].strip(), html.unescape(row[2]).strip())
            for row in csv.reader(handle, delimiter="\t")
            if row and row[0].startswith("Disposition")
        ]


def seed_priorities() -> None:
    for level, name, dispatch_goal, response_goal in PRIORITIES:
        # Existing goals are the center's own settings: create them, never overwrite them.
        Priority.objects.get_or_create(
            level=level,
            defaults={"name": name, "dispatch_goal_seconds": dispatch_goal,
                      "response_goal_seconds": response_goal},
        )


def seed_dispositions() -> int:
    for code, description in _apco_dispositions():
        Disposition.objects.update_or_create(code=code, defaults={"description": description})
    for code, description, billable in LOCAL_DISPOSITIONS:
        Disposition.objects.update_or_create(
            code=code, defaults={"description": description, "is_local": True,
                                 "billable_false_alarm": billable},
        )
    return Disposition.objects.count()


def _call_type(code, description, common_type, priority, disciplines, is_alarm, is_local) -> None:
    call_type, created = CallType.objects.get_or_create(
        code=code,
        defaults={"description": description, "common_type": common_type,
                  "default_priority_id": priority, "is_alarm": is_alarm, "is_local": is_local},
    )
    if created:
        call_type.disciplines.set(Discipline.objects.filter(code__in=disciplines))


def seed_call_types() -> int:
    descriptions = _apco_descriptions()
    for code, (priority, disciplines, is_alarm) in APCO_CALL_TYPES.items():
        description = DESCRIPTION_OVERRIDES.get(code, descriptions[code])
        _call_type(code, description, code, priority, disciplines, is_alarm, False)
    for code, description, common, priority, disciplines, is_alarm in LOCAL_CALL_TYPES:
        _call_type(code, description, common, priority, disciplines, is_alarm, True)
    return CallType.objects.count()


# Officer-safety status checks (seconds): a unit on scene is checked every 15 minutes, every 10
# on a traffic stop; one en route for 20 minutes has surely been forgotten.
STATUS_CHECKS = [
    ("onscene", None, 15 * 60),
    ("onscene", "TSTOP", 10 * 60),
    ("enroute", None, 20 * 60),
]


def seed_status_check_rules() -> int:
    for status, code, seconds in STATUS_CHECKS:
        call_type = CallType.objects.get(code=code) if code else None
        StatusCheckRule.objects.get_or_create(status=status, call_type=call_type,
                                              defaults={"interval_seconds": seconds})
    return StatusCheckRule.objects.count()


# Run cards: (call type, priority or None for any, notes, [(capability, count), …]), one for every
# call type above (police, fire, EMS, city services, behavioral health), so no call is recommended
# the fallback of one unit per discipline; the fallback stays for types a center adds later.
FIRE_FULL = [("engine", 2), ("ladder", 1), ("chief", 1), ("medic", 1)]
ALS_FIRST = [("medic", 1), ("engine", 1)]
ONE_OFFICER = [("patrol", 1)]
TWO_OFFICERS = [("patrol", 2)]
CRISIS = [("behavioral_health", 1), ("patrol", 1)]
RESPONSE_PLANS = [
    # Police: violence and weapons get more officers, and medics where someone may be hurt.
    ("ACTSHOOT", None, "Active shooter: every near officer, a supervisor, medics staged",
     [("patrol", 4), ("supervisor", 1), ("medic", 2)]),
    ("SHOOT", None, "Shots fired or someone shot: officers first, a medic staged",
     [("patrol", 3), ("medic", 1)]),
    ("STABBING", None, "Officers first, a medic staged", [("patrol", 2), ("medic", 1)]),
    ("ROBBERY", None, "Two-officer response to a crime in progress", TWO_OFFICERS),
    ("CARJACK", None, "Armed crime in progress", [("patrol", 3)]),
    ("WEAPON", None, "A weapon seen: three officers", [("patrol", 3)]),
    ("HOSTAGE", None, "Contain and call the supervisor", [("patrol", 4), ("supervisor", 1)]),
    ("HLP1", None, "An officer, firefighter or medic in trouble: everyone near, and a supervisor",
     [("patrol", 4), ("supervisor", 1), ("medic", 1)]),
    ("DVA", None, "Domestic violence: never one officer", TWO_OFFICERS),
    ("FIGHT", None, "", TWO_OFFICERS),
    ("ASSAULT", None, "", [("patrol", 2), ("medic", 1)]),
    ("BURGLARY", None, "", TWO_OFFICERS),
    ("PROW", None, "Prowler: two officers to cover front and back", TWO_OFFICERS),
    ("PERSUSP", None, "", TWO_OFFICERS),
    ("DISORD", None, "", TWO_OFFICERS),
    ("PERMISS", None, "Missing person: search from two sides", TWO_OFFICERS),
    *[(code, None, "", ONE_OFFICER) for code in (
        "911H", "911OPN", "WELFARE", "NOISE", "SUSP", "VEHSUSP", "TRESPASS", "INTOX", "DUI", "RECKDRV",
        "TSTOP", "THAZ", "DISVEH", "LARCENY", "SHOPLIFT", "VANDAL", "FRAUD", "CITASST", "INFO", "MVA",
        "MVAHR", "PARKAH", "911UNK", "ASSIST")],
    # Alarms: a silent or panic alarm may be a crime in progress; an audible one usually is not.
    ("ALRBA", None, "Audible burglar alarm: one officer", ONE_OFFICER),
    ("ALMR", None, "Residential alarm: one officer", ONE_OFFICER),
    ("ALMB", None, "Commercial alarm: one officer", ONE_OFFICER),
    ("ALRBS", None, "Silent alarm: two officers", TWO_OFFICERS),
    ("ALRROBS", None, "Two-officer response to a hold-up alarm", TWO_OFFICERS),
    ("ALRPANS", None, "Panic alarm: two officers", TWO_OFFICERS),
    ("ALRF", None, "Single engine to investigate", [("engine", 1)]),
    ("ALRCO", None, "Carbon monoxide: one engine with meters", [("engine", 1)]),
    ("ALRMED", None, "Medical alarm: a medic", [("medic", 1)]),
    # Fire.
    ("FSTRU", None, "Full first alarm", FIRE_FULL),
    ("FAPT", None, "Full first alarm, third engine for exposures", [("engine", 3), *FIRE_FULL[1:]]),
    ("FVEH", None, "", [("engine", 1)]),
    ("FBRUSH", None, "", [("engine", 2)]),
    ("FSMOKE", None, "Smoke or odor, no flames seen: investigate", [("engine", 1)]),
    ("GASLEAKI", None, "Gas inside a building: evacuate and ventilate", [("engine", 2), ("chief", 1)]),
    ("WIRES", None, "Wires down: an engine holds the scene until the crew comes",
     [("engine", 1), ("streets", 1)]),
    # EMS.
    ("CARDIAC", None, "", ALS_FIRST),
    ("RESP", None, "", ALS_FIRST),
    ("PERUNCON", None, "", ALS_FIRST),
    ("STROKE", None, "", ALS_FIRST),
    ("SEIZURE", None, "", [("medic", 1)]),
    ("FALL", None, "", [("medic", 1)]),
    ("FALL", 1, "Raised to P1: an engine for lifting and first aid", ALS_FIRST),
    ("SICK", None, "", [("medic", 1)]),
    ("SICK", 1, "Raised to P1: an engine company too", ALS_FIRST),
    ("OD", None, "", [("medic", 1), ("patrol", 1)]),
    ("MVAINJY", None, "", [("patrol", 1), ("medic", 1), ("engine", 1)]),
    # Behavioral health: the crisis team leads unless there is violence.
    ("MNTL", None, "Crisis team leads, one officer stands by", CRISIS),
    ("EDP", None, "Crisis team leads, one officer stands by", CRISIS),
    ("SUICTHRT", None, "", [("patrol", 1), ("behavioral_health", 1), ("medic", 1)]),
    ("MTLV", None, "Violent: officers first", [("patrol", 2), ("behavioral_health", 1), ("medic", 1)]),
    # Animals and city services.
    ("ANIMAL", None, "", [("animal_control", 1)]),
    ("BITE", None, "", [("animal_control", 1), ("medic", 1)]),
    ("WATERMAIN", None, "On-call water crew", [("water", 1)]),
    ("PUBWKS", None, "On-call streets crew", [("streets", 1)]),
    ("STREETHAZ", None, "Streets crew; an officer for traffic until it arrives",
     [("streets", 1), ("patrol", 1)]),
    ("SIGNAL", None, "Signal crew; an officer directs traffic meanwhile", [("signals", 1), ("patrol", 1)]),
]


def seed_response_plans() -> int:
    """Create the demo's run cards; a plan that exists is the center's own and is left alone."""
    types = {t.code: t for t in CallType.objects.filter(code__in={p[0] for p in RESPONSE_PLANS})}
    for code, priority, notes, lines in RESPONSE_PLANS:
        plan, created = ResponsePlan.objects.get_or_create(
            call_type=types[code], priority_id=priority, defaults={"notes": notes})
        if created:
            ResponsePlanLine.objects.bulk_create(
                ResponsePlanLine(plan=plan, capability=capability, count=count, position=position)
                for position, (capability, count) in enumerate(lines))
    return ResponsePlan.objects.count()
