"""PLACEHOLDER: replaced by the helper that owns this module."""

from typing import Any

from agreements.panels import Panel
from agreements.permissions import PairAccess
from matching.models import Mentorship


def sessions_pair_panel(access: PairAccess) -> Panel | None:
    return None


def sessions_coordinator_panel(mentorship: Mentorship, reader: Any) -> Panel | None:
    return None
