"""Reads of the agreements app, shared by its views, the dashboard and the reports."""

from agreements.selectors.agreement import *  # noqa: F403
from agreements.selectors.coordinator import *  # noqa: F403
from agreements.selectors.goals import *  # noqa: F403
from agreements.selectors.stages import *  # noqa: F403
