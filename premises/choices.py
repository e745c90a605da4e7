from django.db import models


class FlagKind(models.TextChoices):
    OFFICER_SAFETY = "officer_safety", "Officer-safety hazard"
    MEDICAL = "medical", "Medical"
    EMERGENCY_CONTACT = "emergency_contact", "Emergency contact"
    ACCESS = "access", "Access (gate code, key box)"
    NOTE = "note", "Note"


class Occupancy(models.TextChoices):
    RESIDENTIAL = "residential", "Residential"
    BUSINESS = "business", "Business"


class PermitStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    REVOKED = "revoked", "Revoked"
