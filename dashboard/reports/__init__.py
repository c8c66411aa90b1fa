"""Exports: each report a class in one registry (``REGISTRY``), written by one renderer
as CSV or Excel (``render``). Importing this package registers every report."""

from dashboard.reports import evaluations, impact, match_runs, mentorships, participants
from dashboard.reports.base import (
    REGISTRY,
    ExportRefused,
    NamesRefused,
    Report,
    check_export,
    check_named,
    reports_in_order,
)

__all__ = [
    "REGISTRY",
    "ExportRefused",
    "NamesRefused",
    "Report",
    "check_export",
    "check_named",
    "evaluations",
    "impact",
    "match_runs",
    "mentorships",
    "participants",
    "reports_in_order",
]
