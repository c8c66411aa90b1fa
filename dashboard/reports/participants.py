"""Participants and the status of their applications."""

from collections.abc import Iterator
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

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
from dashboard.scope import Scope
from matching.models import Mentorship
from schemes.models import Application, ParticipantRole

# A match that stands or stood: one declined or never answered is not a match.
MATCHED = (
    Mentorship.Status.PROPOSED,
    Mentorship.Status.ACTIVE,
    Mentorship.Status.COMPLETED,
    Mentorship.Status.ENDED,
)


@register
class ParticipantsReport(Report):
    identifier = "participants"
    position = 10
    name = "Participants"
    description = (
        "Every application: the participant, their role, the application's status, "
        "department, grade, when it was submitted and whether they were matched."
    )

    def columns(self, scope: Scope) -> list[str]:
        person = ["Participant", "E-mail"] if scope.named else ["Participant"]
        return [
            "Scheme",
            *person,
            "Role",
            "Application status",
            "Department",
            "Grade",
            "Submitted",
            "Matched",
        ]

    def queryset(self, scope: Scope) -> QuerySet[Application]:
        applications = in_period(
            Application.objects.filter(scheme_id__in=scope.scheme_ids), "submitted_at", scope
        )
        filters = mentee_filters("", scope)
        if filters:
            # The mentees of that department or grade, and the mentors matched with one.
            paired = Mentorship.objects.filter(
                mentor_application=OuterRef("pk"),
                status__in=MATCHED,
                **mentee_filters("mentee_application__", scope),
            )
            applications = applications.filter(
                Q(role=ParticipantRole.MENTEE, **filters)
                | Q(Exists(paired), role=ParticipantRole.MENTOR)
            )
        return applications

    def count(self, scope: Scope) -> int:
        return self.queryset(scope).count()

    def rows(self, scope: Scope) -> Iterator[list[Any]]:
        people = People(scope)
        roles = dict(ParticipantRole.choices)
        statuses = dict(Application.Status.choices)
        matched = Mentorship.objects.filter(status__in=MATCHED)
        values = (
            self.queryset(scope)
            .annotate(
                matched=Exists(matched.filter(mentee_application=OuterRef("pk")))
                | Exists(matched.filter(mentor_application=OuterRef("pk")))
            )
            .order_by("scheme__name", "scheme_id", "role", "pk")
            .values_list(
                "scheme_id",
                "scheme__name",
                "user_id",
                "user__name",
                "user__email",
                "role",
                "status",
                "department",
                "grade",
                "submitted_at",
                "matched",
            )
        )
        for row in values.iterator(chunk_size=CHUNK):
            scheme_id, scheme, user_id, name, email, role, status, dept, grade, sub, m = row
            person = people(scheme_id, user_id, name, email)
            yield [
                scheme,
                *(person if scope.named else person[:1]),
                roles.get(role, role),
                statuses.get(status, status),
                dept,
                grade,
                local_date(sub),
                yes_no(m),
            ]
