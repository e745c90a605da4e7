from django.db import models


class UnitStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    DISPATCHED = "dispatched", "Dispatched"
    ENROUTE = "enroute", "En route"
    ONSCENE = "onscene", "On scene"
    TRANSPORTING = "transporting", "Transporting"
    AT_HOSPITAL = "at_hospital", "At hospital"
    OUT_OF_SERVICE = "out_of_service", "Out of service"
    OFF_DUTY = "off_duty", "Off duty"


# Statuses in which a unit is working a call.
ASSIGNED_STATUSES = frozenset(
    {
        UnitStatus.DISPATCHED,
        UnitStatus.ENROUTE,
        UnitStatus.ONSCENE,
        UnitStatus.TRANSPORTING,
        UnitStatus.AT_HOSPITAL,
    }
)

# Each status as the NENA EIDO primary and secondary unit status (reference/eido_registries.tsv).
EIDO_STATUS = {
    UnitStatus.AVAILABLE: ("Available", "InService"),
    UnitStatus.DISPATCHED: ("NotAvailable", "Dispatched"),
    UnitStatus.ENROUTE: ("NotAvailable", "EnRoute"),
    UnitStatus.ONSCENE: ("NotAvailable", "OnScene"),
    UnitStatus.TRANSPORTING: ("NotAvailable", "Transporting"),
    UnitStatus.AT_HOSPITAL: ("NotAvailable", "Hospital"),
    UnitStatus.OUT_OF_SERVICE: ("NotAvailable", "OutofService"),
    UnitStatus.OFF_DUTY: ("NotAvailable", "OffDuty"),
}

# Which status a unit may go to from which ("dispatched" is reached only by dispatching), in the
# order the console offers them: the usual next step first. The console reads this table.
S = UnitStatus
ALLOWED_TRANSITIONS: dict[UnitStatus, tuple[UnitStatus, ...]] = {
    S.AVAILABLE: (S.OUT_OF_SERVICE, S.OFF_DUTY),
    S.DISPATCHED: (S.ENROUTE, S.ONSCENE, S.AVAILABLE, S.OUT_OF_SERVICE),
    S.ENROUTE: (S.ONSCENE, S.AVAILABLE, S.OUT_OF_SERVICE),
    S.ONSCENE: (S.TRANSPORTING, S.AVAILABLE, S.OUT_OF_SERVICE),
    S.TRANSPORTING: (S.AT_HOSPITAL, S.ONSCENE, S.AVAILABLE, S.OUT_OF_SERVICE),
    S.AT_HOSPITAL: (S.TRANSPORTING, S.AVAILABLE, S.OUT_OF_SERVICE),
    S.OUT_OF_SERVICE: (S.AVAILABLE, S.OFF_DUTY),
    S.OFF_DUTY: (S.AVAILABLE, S.OUT_OF_SERVICE),
}
del S


class UnitType(models.TextChoices):
    PATROL = "patrol", "Patrol car"
    SUPERVISOR = "supervisor", "Patrol supervisor"
    K9 = "k9", "K-9 unit"
    TRAFFIC = "traffic", "Traffic unit"
    DEPUTY = "deputy", "Sheriff's deputy"
    ENGINE = "engine", "Engine"
    LADDER = "ladder", "Ladder truck"
    MEDIC = "medic", "Medic (ALS ambulance)"
    CHIEF = "chief", "Battalion chief"
    ANIMAL_CONTROL = "animal_control", "Animal control officer"
    WATER_CREW = "water_crew", "Water crew"
    STREETS_CREW = "streets_crew", "Streets crew"
    PARKS_CREW = "parks_crew", "Parks crew"
    BEHAVIORAL_HEALTH = "behavioral_health", "Behavioral-health team"
