"""The demo city's units: 36 across the city's departments and its partners."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from cad.models import Agency, Discipline
from premises.demo import beat_centre, grid_point
from premises.models import Beat
from units.choices import UnitType
from units.models import Officer, Station, Unit

T = UnitType
# (name, agency, grid point (avenue index, street index)): inside the city, or beyond its edge
# for the partners' stations, so mutual aid comes from farther away.
STATIONS = [
    ("Police HQ", "CPD", (3.5, 1.5)),
    ("Fire Station 1", "CFD", (1, 1)),
    ("Fire Station 2", "CFD", (4, 2)),
    ("Fire Station 3", "CFD", (6, 4)),
    ("Animal Shelter", "ACS", (0.5, 0)),
    ("Public Works Yard", "DPW", (7, 0)),
    ("Crisis Center", "BHT", (3, 3)),
    ("Sheriff North Substation", "DCSO", (5, 8)),
    ("Sheriff South Substation", "DCSO", (2, -3)),
    ("NFPD Station 51", "NFPD", (9, 7)),
    ("SFPD Station 61", "SFPD", (-2, -2)),
]
# (callsign, agency, type, discipline, capabilities, home beat, station)
UNITS = [
    *[(f"{beat}A{n}", "CPD", T.PATROL, "police", ["patrol"], str(beat), "Police HQ")
      for beat in range(1, 7) for n in (11, 12)],
    ("1S10", "CPD", T.SUPERVISOR, "police", ["patrol", "supervisor"], "2", "Police HQ"),
    ("2S10", "CPD", T.SUPERVISOR, "police", ["patrol", "supervisor"], "5", "Police HQ"),
    ("K9-1", "CPD", T.K9, "police", ["patrol", "k9"], "5", "Police HQ"),
    ("T1", "CPD", T.TRAFFIC, "police", ["patrol", "traffic"], "2", "Police HQ"),
    ("E1", "CFD", T.ENGINE, "fire", ["engine", "bls"], "1", "Fire Station 1"),
    ("E2", "CFD", T.ENGINE, "fire", ["engine", "bls"], "3", "Fire Station 2"),
    ("E3", "CFD", T.ENGINE, "fire", ["engine", "bls"], "5", "Fire Station 3"),
    ("L1", "CFD", T.LADDER, "fire", ["ladder", "rescue"], "2", "Fire Station 1"),
    ("M1", "CFD", T.MEDIC, "ems", ["medic", "als", "transport"], "1", "Fire Station 1"),
    ("M2", "CFD", T.MEDIC, "ems", ["medic", "als", "transport"], "3", "Fire Station 2"),
    ("M3", "CFD", T.MEDIC, "ems", ["medic", "als", "transport"], "5", "Fire Station 3"),
    ("BC1", "CFD", T.CHIEF, "fire", ["chief", "command"], "2", "Fire Station 1"),
    ("AC1", "ACS", T.ANIMAL_CONTROL, "animal_control", ["animal_control"], "2", "Animal Shelter"),
    ("AC2", "ACS", T.ANIMAL_CONTROL, "animal_control", ["animal_control"], "5", "Animal Shelter"),
    ("W1", "DPW", T.WATER_CREW, "public_works", ["water"], "3", "Public Works Yard"),
    ("ST1", "DPW", T.STREETS_CREW, "public_works", ["streets", "signals"], "3", "Public Works Yard"),
    ("PK1", "DPW", T.PARKS_CREW, "public_works", ["parks"], "4", "Public Works Yard"),
    ("BH1", "BHT", T.BEHAVIORAL_HEALTH, "behavioral_health", ["behavioral_health"], "2",
     "Crisis Center"),
    ("BH2", "BHT", T.BEHAVIORAL_HEALTH, "behavioral_health", ["behavioral_health"], "5",
     "Crisis Center"),
    ("S21", "DCSO", T.DEPUTY, "police", ["patrol"], "4", "Sheriff North Substation"),
    ("S22", "DCSO", T.DEPUTY, "police", ["patrol"], "6", "Sheriff North Substation"),
    ("S23", "DCSO", T.DEPUTY, "police", ["patrol", "k9"], "1", "Sheriff South Substation"),
    ("E51", "NFPD", T.ENGINE, "fire", ["engine", "bls"], "6", "NFPD Station 51"),
    ("M51", "NFPD", T.MEDIC, "ems", ["medic", "als", "transport"], "6", "NFPD Station 51"),
    ("E61", "SFPD", T.ENGINE, "fire", ["engine", "bls"], "1", "SFPD Station 61"),
    ("L61", "SFPD", T.LADDER, "fire", ["ladder", "rescue"], "1", "SFPD Station 61"),
]


def seed_stations() -> dict[str, Station]:
    agencies = {a.code: a for a in Agency.objects.all()}
    stations = {}
    for name, agency, (avenue, street) in STATIONS:
        lat, lon = grid_point(avenue, street)
        stations[name], _ = Station.objects.update_or_create(
            name=name, defaults={"agency": agencies[agency], "lat": lat, "lon": lon})
    return stations


def seed_units() -> int:
    stations = seed_stations()
    agencies = {a.code: a for a in Agency.objects.all()}
    disciplines = {d.code: d for d in Discipline.objects.all()}
    beats = {b.code: b for b in Beat.objects.all()}
    now = timezone.now()
    for n, (callsign, agency, unit_type, discipline, capabilities, beat, station) in enumerate(UNITS):
        home = beats[beat]
        lat, lon = beat_centre(home) if home.boundary else grid_point(3, 2)
        # Spread units a little around their beat so distances differ.
        lat += ((n * 7) % 11 - 5) * 0.0002
        lon += ((n * 5) % 9 - 4) * 0.0003
        Unit.objects.update_or_create(
            callsign=callsign,
            defaults={"agency": agencies[agency], "unit_type": unit_type,
                      "discipline": disciplines[discipline], "capabilities": capabilities,
                      "home_beat": home, "station": stations[station]},
            create_defaults={"agency": agencies[agency], "unit_type": unit_type,
                             "discipline": disciplines[discipline], "capabilities": capabilities,
                             "home_beat": home, "station": stations[station], "status_since": now,
                             "last_lat": lat, "last_lon": lon, "location_at": now},
        )
    return Unit.objects.count()


DEMO_OFFICERS = [(f"officer{n}", "CPD") for n in range(1, 5)]


def seed_officers() -> int:
    """The demo officers on their agency's roster (the accounts are made with the other demo users)."""
    names = [username for username, _ in DEMO_OFFICERS]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    for username, agency in DEMO_OFFICERS:
        if username in users:
            Officer.objects.get_or_create(user=users[username],
                                          defaults={"agency": Agency.objects.get(code=agency)})
    return len(users)
