"""Mentorships with their dates, stage, status, sessions, agreement and goals: counts
and dates only, never what the pair wrote."""

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from agreements.models import AgreementVersion, Goal
from dashboard.reports.base import (
    CHUNK,
    People,
    Report,
    in_period,
    local_date,
    mentee_filters,
    register,
)
from dashboard.scope import Scope
from matching.models import Mentorship
from sessions.models import MentoringSession


def _correlated(queryset: QuerySet, aggregate) -> Coalesce:
    """One number per mentorship from ``queryset``'s rows of that mentorship, as a
    subquery, so that several never multiply each other."""
    grouped = queryset.filter(mentorship=OuterRef("pk")).order_by().values("mentorship")
    return Coalesce(
        Subquery(grouped.annotate(n=aggregate).values("n"), output_field=IntegerField()), 0
    )


@register
class MentorshipsReport(Report):
    identifier = "mentorships"
    position = 20
    name = "Mentorships"
    description = (
        "Every pair: when it started and ended, its stage and status, sessions held and "
        "hours, when the agreement was first signed, and how many goals were set and "
        "achieved (counts only)."
    )

    def columns(self, scope: Scope) -> list[str]:
        if scope.named:
            people = ["Mentee", "Mentee e-mail", "Mentor", "Mentor e-mail"]
        else:
            people = ["Mentee", "Mentor"]
        return [
            "Scheme",
            *people,
            "Matched",
            "Started",
            "Ended",
            "Stage",
            "Status",
            "Sessions held",
            "Hours",
            "Agreement signed",
            "Days from match to signature",
            "Goals set",
            "Goals achieved",
        ]

    def queryset(self, scope: Scope) -> QuerySet[Mentorship]:
        pairs = Mentorship.objects.filter(
            scheme_id__in=scope.scheme_ids, **mentee_filters("mentee_application__", scope)
        )
        return in_period(pairs, "started_at", scope)

    def count(self, scope: Scope) -> int:
        return self.queryset(scope).count()

    def rows(self, scope: Scope) -> Iterator[list[Any]]:
        people = People(scope)
        stages = dict(Mentorship.Stage.choices)
        statuses = dict(Mentorship.Status.choices)
        held = MentoringSession.objects.filter(status=MentoringSession.Status.HELD)
        # The first time a version of the agreement went in force: both signed it.
        signed = (
            AgreementVersion.objects.filter(mentorship=OuterRef("pk"), in_force_at__isnull=False)
            .order_by("in_force_at")
            .values("in_force_at")[:1]
        )
        values = (
            self.queryset(scope)
            .annotate(
                sessions_held=_correlated(held, Count("pk")),
                minutes=_correlated(held, Sum("duration_minutes")),
                signed_at=Subquery(signed),
                goals_set=_correlated(Goal.objects.all(), Count("pk")),
                goals_achieved=_correlated(
                    Goal.objects.filter(status=Goal.Status.ACHIEVED), Count("pk")
                ),
            )
            .order_by("scheme__name", "scheme_id", "created_at", "pk")
            .values_list(
                "scheme_id",
                "scheme__name",
                "mentee_id",
                "mentee__name",
                "mentee__email",
                "mentor_id",
                "mentor__name",
                "mentor__email",
                "created_at",
                "started_at",
                "ended_at",
                "stage",
                "status",
                "sessions_held",
                "minutes",
                "signed_at",
                "goals_set",
                "goals_achieved",
            )
        )
        for row in values.iterator(chunk_size=CHUNK):
            (scheme_id, scheme, mentee_id, mentee_name, mentee_email) = row[:5]
            (mentor_id, mentor_name, mentor_email, matched_at, started, ended) = row[5:11]
            (stage, status, sessions, minutes, signed_at, goals_set, goals_achieved) = row[11:]
            mentee = people(scheme_id, mentee_id, mentee_name, mentee_email)
            mentor = people(scheme_id, mentor_id, mentor_name, mentor_email)
            matched_on = local_date(matched_at)
            signed_on = local_date(signed_at)
            yield [
                scheme,
                *(mentee + mentor if scope.named else [mentee[0], mentor[0]]),
                matched_on,
                local_date(started),
                local_date(ended),
                stages.get(stage, stage),
                statuses.get(status, status),
                sessions,
                round(minutes / 60, 2),
                signed_on,
                (signed_on - matched_on).days if signed_on else None,
                goals_set,
                goals_achieved,
            ]
