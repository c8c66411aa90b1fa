"""PLACEHOLDER: replaced by the helper that owns this module."""

from typing import Any

from agreements.panels import Panel
from agreements.permissions import PairAccess
from matching.models import Mentorship


def reflections_pair_panel(access: PairAccess) -> Panel | None:
    return None


def reflections_coordinator_panel(mentorship: Mentorship, reader: Any) -> Panel | None:
    return None


def reflections_on_session(session: Any, access: PairAccess) -> Any:
    """What the session page shows of the viewer's reflections and pulse."""
    return None
