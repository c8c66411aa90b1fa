"""The five stages of a mentoring relationship, in the product's words, and a pair's
record of moves between them."""

from dataclasses import dataclass

from django.db.models import QuerySet

from agreements.models import StageMove
from matching.models import Mentorship

__all__ = ["STAGES", "StageGuide", "stage_guide", "stage_moves"]

Stage = Mentorship.Stage


@dataclass(frozen=True)
class StageGuide:
    """What a stage is for and what it asks of the pair."""

    value: str
    label: str
    purpose: str
    expects: tuple[str, ...]


STAGES = (
    StageGuide(
        Stage.INITIATION,
        "Initiation",
        "Getting to know each other and agreeing how you will work together.",
        (
            "Build an open, honest working relationship.",
            "Agree your roles: the mentee leads and arranges; the mentor makes time and "
            "shares experience.",
            "Agree the purpose of the mentoring and what success will look like.",
            "Note where the mentee is starting from, so you can see the change later.",
            "Write your agreement and both sign it.",
        ),
    ),
    StageGuide(
        Stage.GOAL_SETTING,
        "Goal setting",
        "Turning the agreement's objectives into goals with SMART targets.",
        (
            "Make each objective a goal: what, why it matters, how you will know.",
            "Give each goal targets that are specific, measurable, achievable, realistic "
            "and due by a date.",
            "Keep the targets the mentee's own: they decide, the mentor supports.",
        ),
    ),
    StageGuide(
        Stage.PROGRESS,
        "Progress",
        "Meeting regularly and working towards the targets.",
        (
            "Meet regularly; the mentee brings an agenda.",
            "Give each other honest feedback and recognise progress.",
            "Record progress on your goals and review the targets.",
            "Talk about the relationship itself: what is working, what is hard.",
        ),
    ),
    StageGuide(
        Stage.WIND_UP,
        "Wind-up",
        "Bringing the mentoring to a good end.",
        (
            "Review what you set out to do and what has been achieved.",
            "Acknowledge the changes and celebrate them.",
            "Plan how the relationship ends and what happens after.",
        ),
    ),
    StageGuide(
        Stage.DISTANCE,
        "Distance",
        "Informal contact after the formal mentoring.",
        (
            "Keep in touch informally, as you agreed.",
            "Look back together some months on: have the changes lasted?",
        ),
    ),
)

_BY_VALUE = {guide.value: guide for guide in STAGES}


def stage_guide(stage: str) -> StageGuide:
    """The guide to ``stage`` (one of ``Mentorship.Stage``)."""
    return _BY_VALUE[stage]


def stage_moves(mentorship: Mentorship) -> QuerySet[StageMove]:
    """Every move of ``mentorship`` between stages, oldest first, with who made it."""
    return StageMove.objects.filter(mentorship=mentorship).select_related("moved_by")
