"""Evaluations, the final review and a scheme's session settings: every change.

- ``evaluation_complete``: one person's answers at a milestone, once, when due; the
  mentee's follow-up in the distance stage completes the mentorship.
- ``final_review_complete``: the pair's review at the wind-up, once; it moves them to
  the distance stage.
- ``session_settings_update``: a coordinator sets the scheme's time zone, the
  follow-up delay and the statements about the relationship.
"""

import zoneinfo
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from agreements.models import StageMove
from agreements.services.stages import stage_move_automatic
from matching.models import Mentorship
from schemes.models import Role, Scheme
from schemes.permissions import scheme_roles
from sessions.models import Evaluation, FinalReview, SessionSettings
from sessions.selectors.evaluations import evaluation_state, questions_for

__all__ = [
    "COMMENTS_MAX_LENGTH",
    "MAX_RELATIONSHIP_ITEMS",
    "RELATIONSHIP_ITEM_MAX_LENGTH",
    "REVIEW_MAX_LENGTH",
    "evaluation_complete",
    "final_review_complete",
    "session_settings_update",
]

Milestone = Evaluation.Milestone
COMMENTS_MAX_LENGTH = 5000
REVIEW_MAX_LENGTH = 5000
MAX_RELATIONSHIP_ITEMS = 12
RELATIONSHIP_ITEM_MAX_LENGTH = 200


def _is_rating(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5


def _check_ratings(
    ratings: Any, expected: tuple[str, ...], field: str, what: str
) -> dict[str, int]:
    if not isinstance(ratings, dict):
        raise ValidationError({field: f"Rate each {what} from 1 to 5."})
    unknown = [key for key in ratings if key not in expected]
    if unknown:
        raise ValidationError({field: f"“{unknown[0]}” is not one of this scheme's {what}s."})
    missing = [key for key in expected if key not in ratings]
    if missing:
        raise ValidationError({field: f"Rate “{missing[0]}” from 1 to 5."})
    bad = [key for key in expected if not _is_rating(ratings[key])]
    if bad:
        raise ValidationError({field: f"Rate “{bad[0]}” from 1 to 5."})
    return {key: ratings[key] for key in expected}


@transaction.atomic
def evaluation_complete(
    *,
    mentorship: Mentorship,
    user: Any,
    milestone: str,
    area_ratings: dict[str, int] | None = None,
    relationship_ratings: dict[str, int] | None = None,
    scheme_rating: int | None = None,
    would_recommend: bool | None = None,
    comments: str = "",
) -> Evaluation:
    """``user``'s evaluation of ``mentorship`` at ``milestone``: refused when it is not
    due or already given, when a rating is not 1 to 5, or when an area or statement is
    not the scheme's. When the mentee completes the follow-up in the distance stage,
    the mentorship is complete."""
    role = mentorship.role_of(user)
    if role is None:
        raise PermissionDenied("Only the mentee and the mentor evaluate their mentorship.")
    if milestone not in Milestone.values:
        raise ValidationError({"milestone": "There is no such evaluation."})
    locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    state = evaluation_state(locked, role)
    status = state.status(milestone)
    label = status.label.lower()
    if not status.applies:
        raise ValidationError("The mentor has no baseline evaluation.")
    if status.done is not None:
        raise ValidationError(
            f"You completed the {label} evaluation on "
            f"{timezone.localdate(status.done.completed_at):%d %B %Y}: "
            "each evaluation is given once."
        )
    if not status.is_due:
        if locked.status != Mentorship.Status.ACTIVE:
            raise ValidationError("This mentorship has finished.")
        raise ValidationError(f"The {label} evaluation is due {status.when}.")

    questions = questions_for(
        milestone, role, development_areas=locked.scheme.development_areas, settings=state.settings
    )
    areas = _check_ratings(area_ratings or {}, questions.areas, "area_ratings", "development area")
    relationship = _check_ratings(
        relationship_ratings or {}, questions.relationship, "relationship_ratings", "statement"
    )
    comments = (comments or "").strip()
    if questions.asks_relationship:
        if not _is_rating(scheme_rating):
            raise ValidationError({"scheme_rating": "Rate the scheme from 1 to 5."})
        if not isinstance(would_recommend, bool):
            raise ValidationError(
                {"would_recommend": "Say whether you would recommend the scheme."}
            )
        if len(comments) > COMMENTS_MAX_LENGTH:
            raise ValidationError(
                {"comments": f"Keep your comments to {COMMENTS_MAX_LENGTH} characters."}
            )
    else:
        scheme_rating, would_recommend, comments = None, None, ""

    evaluation = Evaluation(
        mentorship=locked,
        respondent=user,
        role=role,
        milestone=milestone,
        area_ratings=areas,
        relationship_ratings=relationship,
        scheme_rating=scheme_rating,
        would_recommend=would_recommend,
        comments=comments,
        completed_at=timezone.now(),
    )
    evaluation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError as error:  # the constraint backs the check above
        raise ValidationError(
            f"You have already completed the {label} evaluation: each evaluation is given once."
        ) from error

    if (
        role == "mentee"
        and milestone == Milestone.FOLLOW_UP
        and locked.status == Mentorship.Status.ACTIVE
        and locked.stage == Mentorship.Stage.DISTANCE
    ):
        stage_move_automatic(mentorship=locked, to_stage=StageMove.COMPLETED, moved_by=user)
    mentorship.stage, mentorship.status = locked.stage, locked.status
    return evaluation


@transaction.atomic
def final_review_complete(
    *,
    mentorship: Mentorship,
    user: Any,
    targets_met: str,
    enjoyed: str = "",
    difficult: str = "",
    marking_end: str = "",
) -> FinalReview:
    """The pair's final review, written by one of them in the wind-up stage, once; it
    moves the pair to the distance stage."""
    if mentorship.role_of(user) is None:
        raise PermissionDenied("Only the mentee and the mentor write their final review.")
    locked = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if FinalReview.objects.filter(mentorship=locked).exists():
        raise ValidationError("Your final review is already written: it is written once.")
    if locked.status != Mentorship.Status.ACTIVE:
        raise ValidationError("This mentorship has finished.")
    if locked.stage != Mentorship.Stage.WIND_UP:
        raise ValidationError("The final review is written in the wind-up stage.")
    texts = {
        "targets_met": (targets_met or "").strip(),
        "enjoyed": (enjoyed or "").strip(),
        "difficult": (difficult or "").strip(),
        "marking_end": (marking_end or "").strip(),
    }
    if not texts["targets_met"]:
        raise ValidationError(
            {"targets_met": "Say which targets were met and what was achieved, even if none."}
        )
    for name, text in texts.items():
        if len(text) > REVIEW_MAX_LENGTH:
            raise ValidationError({name: f"Keep this to {REVIEW_MAX_LENGTH} characters."})
    review = FinalReview(mentorship=locked, written_by=user, completed_at=timezone.now(), **texts)
    review.full_clean(validate_unique=False)
    review.save()
    stage_move_automatic(mentorship=locked, to_stage=Mentorship.Stage.DISTANCE, moved_by=user)
    mentorship.stage = locked.stage
    return review


def clean_relationship_items(items: Any) -> list[str]:
    """The statements about the relationship, trimmed: 1 to 12, each at most 200
    characters, none twice; a ``ValidationError`` on ``relationship_items`` otherwise."""
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ValidationError({"relationship_items": "Write one statement a line."})
    cleaned = [" ".join(item.split()) for item in items]
    cleaned = [item for item in cleaned if item]
    if not cleaned:
        raise ValidationError({"relationship_items": "Write at least one statement."})
    if len(cleaned) > MAX_RELATIONSHIP_ITEMS:
        raise ValidationError(
            {
                "relationship_items": f"Write at most {MAX_RELATIONSHIP_ITEMS} statements "
                f"(there are {len(cleaned)})."
            }
        )
    for item in cleaned:
        if len(item) > RELATIONSHIP_ITEM_MAX_LENGTH:
            raise ValidationError(
                {
                    "relationship_items": f"Keep each statement to {RELATIONSHIP_ITEM_MAX_LENGTH} "
                    f"characters: “{item[:40]}…” has {len(item)}."
                }
            )
    if len({item.casefold() for item in cleaned}) != len(cleaned):
        raise ValidationError({"relationship_items": "Each statement may appear only once."})
    return cleaned


@transaction.atomic
def session_settings_update(
    *,
    scheme: Scheme,
    coordinator: Any,
    time_zone: str,
    follow_up_months: int,
    relationship_items: list[str],
) -> SessionSettings:
    """A coordinator of ``scheme`` sets the time zone of its sessions, how many months
    after the end the follow-up evaluation is due, and the statements about the
    relationship that both people rate."""
    if Role.COORDINATOR not in scheme_roles(coordinator, scheme):
        raise PermissionDenied("Only the scheme's coordinators change its session settings.")
    if time_zone not in zoneinfo.available_timezones():
        raise ValidationError({"time_zone": "Choose a time zone from the list."})
    if (
        not isinstance(follow_up_months, int)
        or isinstance(follow_up_months, bool)
        or not 1 <= follow_up_months <= 24
    ):
        raise ValidationError({"follow_up_months": "Enter a number of months from 1 to 24."})
    items = clean_relationship_items(relationship_items)
    settings, _ = SessionSettings.objects.select_for_update().get_or_create(scheme=scheme)
    settings.time_zone = time_zone
    settings.follow_up_months = follow_up_months
    settings.relationship_items = items
    settings.full_clean()
    settings.save()
    return settings
