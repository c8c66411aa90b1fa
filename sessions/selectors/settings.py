"""A scheme's session settings, saved or the defaults."""

from zoneinfo import ZoneInfo

from schemes.models import Scheme
from sessions.models import SessionSettings

__all__ = ["scheme_time_zone", "session_settings_for"]


def session_settings_for(scheme: Scheme) -> SessionSettings:
    """``scheme``'s session settings; the defaults (unsaved) until a coordinator saves
    them."""
    return SessionSettings.objects.filter(scheme=scheme).first() or SessionSettings(scheme=scheme)


def scheme_time_zone(scheme: Scheme) -> ZoneInfo:
    """The time zone ``scheme``'s session times are shown and entered in."""
    return ZoneInfo(session_settings_for(scheme).time_zone)
