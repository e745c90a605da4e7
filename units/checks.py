"""Start-up checks of the settings that name unit types: a typo stops the server, not a call."""

from django.conf import settings
from django.core.checks import Error

from units.choices import UnitType


def unit_speeds_check(app_configs, **kwargs) -> list[Error]:
    unknown = sorted(set(settings.CAD_UNIT_SPEEDS_KMH) - set(UnitType.values))
    if not unknown:
        return []
    return [Error(f"CAD_UNIT_SPEEDS_KMH names unit types that do not exist: {', '.join(unknown)}.",
                  hint=f"Unit types: {', '.join(UnitType.values)}.", id="units.E001")]
