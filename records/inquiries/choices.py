from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Unknown"


class IdentifierKind(models.TextChoices):
    OPERATOR_LICENCE = "OLN", "Operator licence number"
    STATE_ID = "SID", "State identification number"
    FBI = "FBI", "FBI number"
    OTHER = "OTH", "Other"


class Extradition(models.TextChoices):
    FULL = "full", "Full extradition"
    SURROUNDING = "surrounding", "Surrounding states only"
    IN_STATE = "in_state", "In-state only"
    NONE = "none", "No extradition"


class CautionCode(models.TextChoices):
    """Shown first and prominent wherever a hit shows."""

    ARMED = "ARMED", "Armed and dangerous"
    VIOLENT = "VIOLENT", "Violent tendencies"
    ESCAPE = "ESCAPE", "Escape risk"
    SUICIDAL = "SUICIDAL", "Suicidal"
    MEDICAL = "MEDICAL", "Medical condition"
    RESISTS = "RESISTS", "Known to resist arrest"


class WarrantStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SERVED = "served", "Served"
    RECALLED = "recalled", "Recalled"


class MissingCategory(models.TextChoices):
    RUNAWAY = "runaway", "Runaway"
    LOST = "lost", "Lost"
    ENDANGERED = "endangered", "Endangered"
    ABDUCTED = "abducted", "Abducted"
    DISABLED = "disabled", "Disabled"


class BoloKind(models.TextChoices):
    PERSON = "person", "Person"
    VEHICLE = "vehicle", "Vehicle"
    OTHER = "other", "Other"


class InquiryKind(models.TextChoices):
    PERSON = "person", "Person"
    VEHICLE = "vehicle", "Vehicle"


class Purpose(models.TextChoices):
    """Why a record is queried, as NCIC's purpose codes have it: every inquiry gives one."""

    CRIMINAL_JUSTICE = "C", "C: criminal justice"
    EMPLOYMENT = "J", "J: criminal justice employment"
    FIREARMS = "F", "F: weapons-related check"
    DOMESTIC_VIOLENCE = "D", "D: domestic violence and stalking"
    HOUSING = "H", "H: public housing"
    EMERGENCY = "E", "E: exigent circumstances"


class HitType(models.TextChoices):
    WARRANT = "warrant", "Warrant"
    STOLEN_VEHICLE = "stolen_vehicle", "Stolen vehicle"
    MISSING_PERSON = "missing_person", "Missing person"
    BOLO = "bolo", "BOLO"
