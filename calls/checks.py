"""Start-up checks of the settings that name flag kinds: a typo stops the server, not a call."""

from django.conf import settings
from django.core.checks import Error

from premises.choices import FlagKind


def cover_flags_check(app_configs, **kwargs) -> list[Error]:
    unknown = sorted(set(settings.CAD_COVER_FOR_FLAGS) - set(FlagKind.values))
    if not unknown:
        return []
    # A misspelt kind would silently send no cover to the address it was meant for.
    return [Error(f"CAD_COVER_FOR_FLAGS names flag kinds that do not exist: {', '.join(unknown)}.",
                  hint=f"Flag kinds: {', '.join(FlagKind.values)}.", id="calls.E001")]
