"""Reads of the matching app, shared by its views, the dashboard and the reports."""

from matching.selectors.mentorships import *  # noqa: F403
from matching.selectors.runs import *  # noqa: F403
from matching.selectors.schedule import *  # noqa: F403
from matching.selectors.summary import *  # noqa: F403
