"""Reads of the matching schedule: which schemes it covers, and which are due a run."""

from datetime import date, timedelta

from django.db.models import QuerySet

from matching.models import MatchRun
from schemes.choices import MatchingMode, MatchingSchedule
from schemes.models import Scheme

__all__ = ["WINDOW_CLOSE_GRACE", "scheduled_matching_due", "schemes_with_matching_schedule"]

# How long after applications close a "when the window closes" run may still start,
# should beat have been down on the day itself.
WINDOW_CLOSE_GRACE = timedelta(days=7)


def schemes_with_matching_schedule() -> QuerySet[Scheme]:
    """The schemes that run matching on a schedule (weekly, or when the window closes),
    oldest first: those the daily job looks at."""
    return (
        Scheme.objects.filter(matching_mode=MatchingMode.RUN)
        .exclude(matching_schedule=MatchingSchedule.MANUAL)
        .order_by("pk")
    )


def scheduled_matching_due(scheme: Scheme, today: date) -> bool:
    """Whether ``scheme``'s matching schedule asks for a run on ``today``: every Monday
    while it takes applications ("weekly"), or the first day after its applications
    close ("window_close"; later within a grace week if beat missed that day)."""
    if scheme.matching_mode != MatchingMode.RUN:
        return False
    schedule_runs = MatchRun.objects.filter(scheme=scheme, trigger=MatchRun.Trigger.SCHEDULE)
    if scheme.matching_schedule == MatchingSchedule.WEEKLY:
        return (
            today.weekday() == 0
            and not scheme.window_problem(today)
            and not schedule_runs.filter(created_at__date=today).exists()
        )
    if scheme.matching_schedule == MatchingSchedule.WINDOW_CLOSE:
        closed = scheme.applications_close_on
        return (
            closed is not None
            and closed < today <= closed + WINDOW_CLOSE_GRACE
            and scheme.status != scheme.Status.CLOSED
            and not schedule_runs.filter(created_at__date__gt=closed).exists()
        )
    return False
