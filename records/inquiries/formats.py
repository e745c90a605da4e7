"""The national formats' rules for what is entered and asked (NCIC's, as published): plates, state
codes, VINs and dates. Their one home: the services, the API's serializers and the admin's forms
all clean through these, so a value refused in one place is refused in all.

Each check takes what was typed and returns the value as kept (upper-cased, spaces and dashes
stripped), or raises Django's ValidationError with the reason in words.
"""

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from cad.exceptions import Invalid

# US states, the District, territories, military mail, Canadian provinces and territories, Mexico.
STATE_CODES = """
AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND
OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP UM AA AE AP
AB BC MB NB NL NS NT NU ON PE QC SK YT MX
"""
STATES = frozenset(STATE_CODES.split())
PLATE = re.compile(r"[A-Z0-9]{1,8}")
VIN_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
VIN_VALUES = dict(zip(VIN_LETTERS, [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9],
                      strict=True)) | {str(d): d for d in range(10)}
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
OLDEST_YEARS = 120


def plate_clean(text: str) -> str:
    plate = re.sub(r"[\s-]+", "", text or "").upper()
    if not plate:
        raise ValidationError("Give the plate.")
    if not PLATE.fullmatch(plate):
        raise ValidationError("A plate is 1 to 8 letters and digits (spaces and dashes are dropped).")
    return plate


def state_clean(text: str) -> str:
    state = (text or "").strip().upper()
    if state not in STATES:
        raise ValidationError(f"{state or 'Empty'} is not a state's two-letter code (e.g. MO, KS, ON).")
    return state


def vin_check_digit(vin: str) -> str:
    """The digit a 17-character VIN must carry in its 9th place (North American rule): the weighted
    sum of its characters' values, modulo 11, with 10 written X."""
    remainder = sum(VIN_VALUES[c] * w for c, w in zip(vin, VIN_WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


def vin_clean(text: str) -> str:
    vin = re.sub(r"[\s-]+", "", text or "").upper()
    if len(vin) != 17:
        raise ValidationError(f"A VIN is 17 characters; this one has {len(vin)}.")
    wrong = sorted({c for c in vin if c not in VIN_VALUES})
    if wrong:
        raise ValidationError(
            f"A VIN has only digits and letters other than I, O and Q (not {''.join(wrong)}).")
    if vin[8] != vin_check_digit(vin):
        raise ValidationError(f"The VIN's check digit (9th character) is wrong: {vin[8]}, where "
                              f"{vin_check_digit(vin)} is expected. Read the VIN again.")
    return vin


def birth_date_clean(value: date) -> date:
    today = timezone.localdate()
    if value > today:
        raise ValidationError("A date of birth cannot be in the future.")
    if value < today - timedelta(days=round(365.25 * OLDEST_YEARS)):
        raise ValidationError(f"A date of birth is at most {OLDEST_YEARS} years ago.")
    return value


def past_clean(value: date | datetime) -> date | datetime:
    """A day or time something happened (reported stolen, missing since, issued): not in the future."""
    now = timezone.now() if isinstance(value, datetime) else timezone.localdate()
    # A minute's grace for a clock a little ahead of the server's.
    if value > (now + timedelta(minutes=1) if isinstance(value, datetime) else now):
        raise ValidationError("This cannot be in the future.")
    return value


def expiry_clean(expires_at: datetime, *, issued_at: datetime) -> datetime:
    if expires_at <= issued_at:
        raise ValidationError("A BOLO expires after it is issued.")
    return expires_at


def cleaned(checks: dict[str, tuple[Callable[..., Any], Any]]) -> dict[str, Any]:
    """Each field's value through its check (a value of None or "" is passed over, as not given);
    the cleaned values, or Invalid naming every field that failed and why."""
    values, problems = {}, {}
    for name, (check, value) in checks.items():
        if value is None or value == "":
            values[name] = value
            continue
        try:
            values[name] = check(value)
        except ValidationError as error:
            problems[name] = error.messages
    if problems:
        raise Invalid(problems)
    return values
