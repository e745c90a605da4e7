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

# Which status a unit may go to from which; "dispatched" is reached only by dispatching.
ALLOWED_TRANSITIONS = {
    UnitStatus.AVAILABLE: {UnitStatus.OUT_OF_SERVICE, UnitStatus.OFF_DUTY},
    UnitStatus.DISPATCHED: {UnitStatus.ENROUTE, UnitStatus.ONSCENE, UnitStatus.AVAILABLE,
                            UnitStatus.OUT_OF_SERVICE},
    UnitStatus.ENROUTE: {UnitStatus.ONSCENE, UnitStatus.AVAILABLE, UnitStatus.OUT_OF_SERVICE},
    UnitStatus.ONSCENE: {UnitStatus.TRANSPORTING, UnitStatus.AVAILABLE, UnitStatus.OUT_OF_SERVICE},
    UnitStatus.TRANSPORTING: {UnitStatus.AT_HOSPITAL, UnitStatus.ONSCENE, UnitStatus.AVAILABLE,
                              UnitStatus.OUT_OF_SERVICE},
    UnitStatus.AT_HOSPITAL: {UnitStatus.TRANSPORTING, UnitStatus.AVAILABLE,
                             UnitStatus.OUT_OF_SERVICE},
    UnitStatus.OUT_OF_SERVICE: {UnitStatus.AVAILABLE, UnitStatus.OFF_DUTY},
    UnitStatus.OFF_DUTY: {UnitStatus.AVAILABLE, UnitStatus.OUT_OF_SERVICE},
}


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
