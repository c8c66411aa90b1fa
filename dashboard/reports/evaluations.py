"""Evaluation ratings: one row per evaluation given, each development area in its own
column. The ratings' numbers only: an evaluation's comments are never read.

Without names, each person is a respondent code that no other export uses: their
participant code would join the ratings to the participants export's department, grade
and dates, and so to a person. For the same reason the unnamed report is not filtered by
department or grade (a small department's rows would be its few people's ratings); the
impact summary gives those figures, suppressed."""

from collections.abc import Iterator
from statistics import mean
from typing import Any

from django.db.models import QuerySet

from dashboard.reports.base import (
    CHUNK,
    People,
    Report,
    in_period,
    local_date,
    mentee_filters,
    register,
    yes_no,
)
from dashboard.scope import Scope, respondent_code
from schemes.models import Scheme
from sessions.models import PAIR_ROLES, Evaluation


def development_areas(scope: Scope) -> list[str]:
    """The development areas of the schemes in scope, each once, in the schemes' order."""
    areas: dict[str, None] = {}
    for scheme_areas in (
        Scheme.objects.filter(pk__in=scope.scheme_ids)
        .order_by("name", "pk")
        .values_list("development_areas", flat=True)
    ):
        areas.update(dict.fromkeys(str(area) for area in scheme_areas or []))
    return list(areas)


@register
class EvaluationsReport(Report):
    identifier = "evaluations"
    position = 30
    name = "Evaluation ratings"
    description = (
        "Every evaluation given: who, at which milestone and when, the mentee's rating of "
        "each development area, the mean relationship rating, the scheme rating and "
        "whether they would recommend the scheme. Never their comments. Without names, "
        "each person is a respondent code that no other export uses."
    )

    def refusal(self, scope: Scope) -> str:
        if scope.named or not (scope.department or scope.grade):
            return ""
        return (
            "Evaluation ratings without names are given for whole schemes and periods only: "
            "narrowed to a department or a grade, the rows could be recognised as a few "
            "people's own ratings. Export them without the department and grade filters, "
            "or use the impact summary, whose figures for a department or grade are "
            "suppressed."
        )

    def columns(self, scope: Scope) -> list[str]:
        person = ["Participant", "E-mail"] if scope.named else ["Respondent"]
        return [
            "Scheme",
            *person,
            "Role",
            "Milestone",
            "Completed",
            *(f"Area: {area}" for area in development_areas(scope)),
            "Relationship rating (mean)",
            "Scheme rating",
            "Would recommend",
        ]

    def queryset(self, scope: Scope) -> QuerySet[Evaluation]:
        evaluations = Evaluation.objects.filter(
            mentorship__scheme_id__in=scope.scheme_ids,
            **mentee_filters("mentorship__mentee_application__", scope),
        )
        return in_period(evaluations, "mentorship__started_at", scope)

    def count(self, scope: Scope) -> int:
        return self.queryset(scope).count()

    def rows(self, scope: Scope) -> Iterator[list[Any]]:
        people = People(scope)
        areas = development_areas(scope)
        roles = dict(PAIR_ROLES)
        milestones = dict(Evaluation.Milestone.choices)
        values = (
            self.queryset(scope)
            .order_by("mentorship__scheme__name", "mentorship__scheme_id", "completed_at", "pk")
            .values_list(
                "mentorship__scheme_id",
                "mentorship__scheme__name",
                "respondent_id",
                "respondent__name",
                "respondent__email",
                "role",
                "milestone",
                "completed_at",
                "area_ratings",
                "relationship_ratings",
                "scheme_rating",
                "would_recommend",
            )
        )
        for row in values.iterator(chunk_size=CHUNK):
            (scheme_id, scheme, user_id, name, email, role, milestone, completed) = row[:8]
            (area_ratings, relationship_ratings, scheme_rating, would_recommend) = row[8:]
            person = (
                people(scheme_id, user_id, name, email)
                if scope.named
                else [respondent_code(scheme_id, user_id)]
            )
            relationship = [
                v for v in (relationship_ratings or {}).values() if isinstance(v, int | float)
            ]
            yield [
                scheme,
                *person,
                roles.get(role, role),
                milestones.get(milestone, milestone),
                local_date(completed),
                *((area_ratings or {}).get(area) for area in areas),
                round(mean(relationship), 2) if relationship else None,
                scheme_rating,
                yes_no(would_recommend),
            ]
