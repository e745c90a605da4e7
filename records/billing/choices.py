from django.db import models


class CountingWindow(models.TextChoices):
    CALENDAR_YEAR = "calendar_year", "Calendar year"
    PERMIT_YEAR = "permit_year", "Permit year (from the permit's issue date)"
    ROLLING_DAYS = "rolling_days", "Rolling number of days"


class BillStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    APPEALED = "appealed", "Appealed"
    PAID = "paid", "Paid"
    WAIVED = "waived", "Waived"
    OVERDUE = "overdue", "Overdue"


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    WAIVED = "waived", "Waived"
    REDUCED = "reduced", "Reduced"


class PaymentMethod(models.TextChoices):
    CHECK = "check", "Check"
    CARD = "card", "Card"
    CASH = "cash", "Cash"


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class SendingOutcome(models.TextChoices):
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    NO_EMAIL = "no_email", "Not sent: no email address on the permit"


class SendingKind(models.TextChoices):
    NOTICE = "notice", "Notice"
    REMINDER = "reminder", "Overdue reminder"
