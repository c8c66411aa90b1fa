"""Reads of schemes and memberships shared by views and reports."""

from django.db.models import Count, Q, QuerySet

from schemes.models import Membership, Role, Scheme


def memberships_for_user(user) -> QuerySet[Membership]:
    """Every role ``user`` holds, with its scheme, in one query."""
    return (
        Membership.objects.filter(user=user)
        .select_related("scheme")
        .order_by("scheme__name", "role")
    )


def scheme_coordinators(scheme: Scheme) -> QuerySet:
    """The people who coordinate ``scheme``, by name."""
    return scheme.members.filter(memberships__role=Role.COORDINATOR).order_by("name", "email")


def schemes_with_counts() -> QuerySet[Scheme]:
    """All schemes with the number of coordinators, mentors and mentees in each,
    counted by the database in one query."""
    return Scheme.objects.annotate(
        coordinator_count=Count("memberships", filter=Q(memberships__role=Role.COORDINATOR)),
        mentor_count=Count("memberships", filter=Q(memberships__role=Role.MENTOR)),
        mentee_count=Count("memberships", filter=Q(memberships__role=Role.MENTEE)),
    ).order_by("name")
