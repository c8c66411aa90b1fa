"""A person's copy of their data: everything the product holds about them, read section
by section into plain rows, and the ZIP file that carries it (one JSON file per
section, a readable ``index.html`` and a ``README.txt``).

What goes in follows what the person may read in the product:

- their own account, applications (with the consent they gave, word for word),
  memberships, invitations, replies, reflections, pulses, answers to the early check,
  evaluations and concerns, in full;
- what the pair keeps together (the agreement's versions and signatures, goals, targets
  and progress, sessions with their agenda and summary, actions, the final review), in
  full, whichever of the two wrote it;
- what the other person of the pair wrote for themselves only as they shared it: a
  reflection they shared is in, a private one is not; their pulses, evaluations, early
  check answers and concerns are theirs and are not;
- never the coordinators' own records about the pair (the follow-up notes of a pair at
  risk, what was done about a concern, the reason for a stage correction), nor the
  matching engine's working (runs, proposals, other candidates' scores): the reasons
  the pair was matched are in, as the pair reads them.

Each section is read in a fixed number of queries, whatever the rows
(``person_data``); rows hold JSON values only, dates and times in ISO 8601.
"""

import json
import re
import textwrap
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any
from uuid import UUID

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from agreements.models import (
    AgreementVersion,
    Concern,
    Goal,
    ProgressEntry,
    Signature,
    StageMove,
    Target,
)
from agreements.selectors.pair import stage_label
from matching.models import Mentorship, Unmatched
from matching.selectors.mentorships import mentorship_reasons
from mentoring.models import AuditEntry, OutboxMessage, User
from privacy.models import DataExport
from schemes.models import Application, CustomQuestion, Invitation, Membership
from sessions.models import (
    AGENDA_PROMPTS,
    Evaluation,
    FinalReview,
    MentoringSession,
    NotificationPreference,
    PairingCheck,
    Pulse,
    Reflection,
    Reminder,
    SessionAction,
)
from sessions.reflections import CHECKLIST_CHOICES, QUESTION_SETS
from sessions.rules import KIND_CHOICES

__all__ = [
    "SECTIONS",
    "Section",
    "person_data",
    "readme_text",
    "render_index",
    "write_zip",
]

Row = dict[str, Any]
Data = dict[str, list[Row]]

_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Section:
    """One kind of data: its file (``<key>.json``), its heading and what it holds."""

    key: str
    title: str
    about: str

    @property
    def file_name(self) -> str:
        return f"{self.key}.json"


SECTIONS: tuple[Section, ...] = (
    Section(
        "account",
        "Your account",
        "Your name and e-mail address, when you joined and last signed in, and the "
        "site-wide roles your account holds. Your password is kept only as a one-way "
        "hash, which is left out.",
    ),
    Section(
        "email_addresses",
        "E-mail addresses",
        "The e-mail addresses of your account, whether each is confirmed and which is "
        "the main one.",
    ),
    Section(
        "two_factor",
        "Two-factor authentication",
        "The kinds of second step you set up (an authenticator app, recovery codes) and "
        "when they were set up and last used. Their secrets and codes are left out.",
    ),
    Section(
        "single_sign_on",
        "Single sign-on",
        "The accounts of your organisation's sign-in service linked to yours, and what "
        "that service told the site about you when you last signed in with it.",
    ),
    Section(
        "notification_settings",
        "Notification settings",
        "The reminders you chose to receive in the app only rather than by e-mail.",
    ),
    Section(
        "memberships",
        "Roles in schemes",
        "Each scheme you take part in and your role there, since when.",
    ),
    Section(
        "invitations",
        "Invitations",
        "The invitations sent to your e-mail addresses or accepted by you: the scheme, "
        "the role, the name they were addressed to, when they were sent and what became "
        "of them.",
    ),
    Section(
        "applications",
        "Applications and consent",
        "Each application you made, with every answer you gave, the statement you "
        "agreed to and when, and the coordinators' decision with the reason they gave "
        "you.",
    ),
    Section(
        "mentorships",
        "Matches and mentorships",
        "Each match you were part of: the scheme, your role, the other person, why you "
        "were matched, both replies, the stage and the dates, and which of your "
        "goal-setting answers you shared with your mentor.",
    ),
    Section(
        "not_matched",
        "Not matched",
        "The matching runs that could not find you a mentor, and why.",
    ),
    Section(
        "agreements",
        "Agreements",
        "Every version of each of your agreements, as the pair wrote it, with the "
        "signatures given on it.",
    ),
    Section(
        "stage_moves",
        "Stages",
        "Each move of your mentorships from one stage to the next: when, and who made it.",
    ),
    Section(
        "goals",
        "Goals",
        "The goals of your mentorships, why they matter, how you will know they are "
        "reached, and whether their progress is shared with the coordinators.",
    ),
    Section("targets", "Targets", "The SMART targets of each goal, and what became of them."),
    Section(
        "progress",
        "Progress",
        "Each rating of a goal's progress, with its comment and who gave it.",
    ),
    Section(
        "sessions",
        "Sessions",
        "The sessions of your mentorships: when and where, their agenda and summary, "
        "and why one was cancelled.",
    ),
    Section(
        "actions",
        "Actions",
        "The actions agreed at your sessions, whose they are, by when, and whether done.",
    ),
    Section(
        "reflections",
        "Reflections",
        "Every reflection you wrote, shared or not, and the reflections the other person "
        "of your pair shared with you. Their private reflections are theirs and are left "
        "out.",
    ),
    Section("pulses", "Pulses", "How useful you said each session was, 1 to 4."),
    Section(
        "pairing_checks",
        "Early check",
        'Your answer to "is this pairing working?" after your first session.',
    ),
    Section(
        "evaluations",
        "Evaluations",
        "Your answers at each milestone: your ratings, the scheme's rating, whether you "
        "would recommend it, and your comments.",
    ),
    Section(
        "final_reviews",
        "Final reviews",
        "The review your pair wrote at the wind-up.",
    ),
    Section(
        "concerns",
        "Concerns",
        "The concerns you raised with the coordinators, and whether they are resolved.",
    ),
    Section(
        "notifications",
        "Notifications and reminders",
        "Every reminder and notification made for you, whether it was e-mailed, and "
        "when you read it.",
    ),
    Section(
        "emails",
        "E-mails sent to you",
        "The product's e-mails sent to your addresses (invitations, decisions, matches, "
        "sessions, reminders): which e-mail and when.",
    ),
    Section(
        "activity",
        "Your recorded actions",
        "The actions of yours the site records for accountability (publishing matches, "
        "deciding applications, exports, downloading your data): what and when.",
    ),
    Section(
        "data_copies",
        "Copies of your data",
        "The copies of your data you asked for, when they were written and downloaded.",
    ),
)


# Plain values ------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """``value`` as JSON: dates and times in ISO 8601, UUIDs and decimals as text."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(item) for item in value]
    return value


def _label(choices: Iterable[tuple[str, Any]], value: str) -> str:
    return str(dict(choices).get(value, value))


@dataclass(frozen=True)
class _Person:
    """What every section needs: the person, their addresses (lower case) and their
    mentorships by id."""

    user: User
    addresses: tuple[str, ...]
    pairs: dict[int, Mentorship]

    def role_in(self, pair_id: int) -> str:
        pair = self.pairs[pair_id]
        return "mentee" if pair.mentee_id == self.user.pk else "mentor"

    def other_in(self, pair_id: int) -> User:
        pair = self.pairs[pair_id]
        return pair.mentor if pair.mentee_id == self.user.pk else pair.mentee

    def who(self, user_id: int | None, pair_id: int) -> str:
        """Who wrote or did something in pair ``pair_id``, as the person reads it."""
        if user_id is None:
            return ""
        if user_id == self.user.pk:
            return "you"
        if user_id == self.other_in(pair_id).pk:
            return f"your {'mentor' if self.role_in(pair_id) == 'mentee' else 'mentee'}"
        return "a coordinator"

    def scheme_of(self, pair_id: int) -> str:
        return self.pairs[pair_id].scheme.name


# The sections -------------------------------------------------------------------------


def _account(person: _Person) -> list[Row]:
    user = person.user
    return [
        {
            "email": user.email,
            "name": user.name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "is_active": user.is_active,
            "report_viewer": user.is_report_viewer,
            "site_administrator": user.is_staff or user.is_superuser,
            "signed_up_to_take_part_in": user.signup_for,
        }
    ]


def _email_addresses(person: _Person) -> list[Row]:
    return [
        {"email": row.email, "verified": row.verified, "primary": row.primary}
        for row in EmailAddress.objects.filter(user=person.user).order_by("pk")
    ]


def _two_factor(person: _Person) -> list[Row]:
    # Only the kind and the dates: ``data`` holds the secret and the codes.
    return [
        {
            "type": _label(Authenticator.Type.choices, row["type"]),
            "created_at": row["created_at"],
            "last_used_at": row["last_used_at"],
        }
        for row in Authenticator.objects.filter(user=person.user)
        .order_by("pk")
        .values("type", "created_at", "last_used_at")
    ]


def _single_sign_on(person: _Person) -> list[Row]:
    return [
        {
            "provider": row.provider,
            "uid": row.uid,
            "date_joined": row.date_joined,
            "last_login": row.last_login,
            "details_sent": row.extra_data,
        }
        for row in SocialAccount.objects.filter(user=person.user).order_by("pk")
    ]


def _notification_settings(person: _Person) -> list[Row]:
    return [
        {
            "reminder": _label(KIND_CHOICES, row.kind),
            "by_email": row.by_email,
            "updated_at": row.updated_at,
        }
        for row in NotificationPreference.objects.filter(
            Q(user=person.user) | (Q(user__isnull=True) & _address_match("email", person.addresses))
        ).order_by("kind", "pk")
    ]


def _memberships(person: _Person) -> list[Row]:
    return [
        {"scheme": row.scheme.name, "role": row.get_role_display(), "since": row.created_at}
        for row in Membership.objects.filter(user=person.user)
        .select_related("scheme")
        .order_by("created_at", "pk")
    ]


def _address_match(field: str, addresses: tuple[str, ...]) -> Q:
    """Rows whose ``field`` is one of ``addresses``, whatever its case."""
    query = Q(pk__in=[])
    for address in addresses:
        query |= Q(**{f"{field}__iexact": address})
    return query


def _invitations(person: _Person) -> list[Row]:
    rows = Invitation.objects.filter(
        Q(accepted_by=person.user) | _address_match("email", person.addresses)
    ).select_related("scheme")
    # The link's token is left out: it is a key, not information about the person.
    return [
        {
            "scheme": row.scheme.name,
            "role": row.get_role_display(),
            "email": row.email,
            "name": row.name,
            "status": row.state_label,
            "created_at": row.created_at,
            "sent_at": row.sent_at,
            "expires_at": row.expires_at,
            "accepted_at": row.accepted_at,
        }
        for row in rows.order_by("created_at", "pk")
    ]


# The application's fields that are not the person's answers, or are given otherwise.
_APPLICATION_SKIPPED = {
    "id",
    "scheme",
    "user",
    "invitation",
    "decided_by",
    "answers",
    "role",
    "status",
    "created_at",
    "updated_at",
}


_APPLICATION_LABELS = {
    field.name: str(field.verbose_name) for field in Application._meta.concrete_fields
}


def _applications(person: _Person) -> list[Row]:
    applications = list(
        Application.objects.filter(user=person.user)
        .select_related("scheme")
        .order_by("created_at", "pk")
    )
    questions = {
        str(question.pk): question.text
        for question in CustomQuestion.objects.filter(
            scheme_id__in={application.scheme_id for application in applications}
        )
    }
    rows = []
    for application in applications:
        row: Row = {
            "id": application.pk,
            "scheme": application.scheme.name,
            "role": application.get_role_display(),
            "status": application.get_status_display(),
            "created_at": application.created_at,
            "updated_at": application.updated_at,
        }
        for field in Application._meta.concrete_fields:
            if field.name in _APPLICATION_SKIPPED:
                continue
            value = getattr(application, field.attname)
            if field.choices and value not in (None, ""):
                value = _label(field.choices, value)
            row[field.name] = value
        row["scheme_questions"] = {
            questions.get(str(key), f"Question {key} (since removed)"): answer
            for key, answer in (application.answers or {}).items()
        }
        rows.append(row)
    return rows


def _mentorships(person: _Person) -> list[Row]:
    rows = []
    for pair in person.pairs.values():
        mine = person.role_in(pair.pk)
        other = person.other_in(pair.pk)
        row: Row = {
            "id": pair.pk,
            "scheme": pair.scheme.name,
            "your_role": mine,
            "with": other.display_name,
            "status": pair.get_status_display(),
            "stage": pair.get_stage_display(),
            "matched_by": pair.get_source_display(),
            "why_matched": mentorship_reasons(pair.breakdown),
            "created_at": pair.created_at,
            "respond_by": pair.respond_by,
            "your_reply": getattr(pair, f"get_{mine}_response_display")(),
            "your_reply_at": getattr(pair, f"{mine}_responded_at"),
            "their_reply": getattr(
                pair, f"get_{'mentor' if mine == 'mentee' else 'mentee'}_response_display"
            )(),
            "started_at": pair.started_at,
            "ended_at": pair.ended_at,
        }
        # A reason is in when the person wrote it, or when it was sent to them (the
        # coordinators' reason for ending a match is e-mailed to both); the other
        # person's own reason went to the coordinators only.
        if pair.declined_by_id == person.user.pk:
            row["your_reason_for_declining"] = pair.decline_reason
        if pair.ended_by_id is not None and pair.ended_by_id != other.pk:
            row["end_reason"] = pair.end_reason
        if mine == "mentee":
            row["answers_shared_with_your_mentor"] = [
                _APPLICATION_LABELS.get(name, name) for name in pair.shared_answers or []
            ]
        rows.append(row)
    return rows


def _not_matched(person: _Person) -> list[Row]:
    return [
        {
            "scheme": row.run.scheme.name,
            "run_finished_at": row.run.finished_at,
            "reason": row.get_reason_display(),
        }
        for row in Unmatched.objects.filter(mentee__user=person.user)
        .select_related("run__scheme")
        .order_by("run__created_at", "pk")
    ]


def _agreements(person: _Person) -> list[Row]:
    versions = AgreementVersion.objects.filter(mentorship_id__in=person.pairs).order_by(
        "mentorship", "number"
    )
    signatures: dict[int, list[Signature]] = {}
    for signature in Signature.objects.filter(version__in=versions).order_by("signed_at", "pk"):
        signatures.setdefault(signature.version_id, []).append(signature)
    rows = []
    for version in versions:
        row: Row = {
            "mentorship": version.mentorship_id,
            "scheme": person.scheme_of(version.mentorship_id),
            "version": version.number,
            "status": version.get_status_display(),
            "created_at": version.created_at,
            "in_force_at": version.in_force_at,
            "last_edited_by": person.who(version.edited_by_id, version.mentorship_id),
            **version.content(),
            "arranged_by": version.get_arranged_by_display(),
            "content_hash": version.content_hash,
            "signatures": [
                {
                    "signed_by": person.who(signature.signer_id, version.mentorship_id),
                    "role": signature.role,
                    "typed_name": signature.typed_name,
                    "signed_at": signature.signed_at,
                    "content_hash": signature.content_hash,
                }
                for signature in signatures.get(version.pk, [])
            ],
        }
        rows.append(row)
    return rows


def _stage_moves(person: _Person) -> list[Row]:
    # A coordinator's reason for a correction is their record, as on the pair's page.
    rows = []
    for move in StageMove.objects.filter(mentorship_id__in=person.pairs).order_by(
        "mentorship", "moved_at", "pk"
    ):
        if move.kind == StageMove.Kind.AUTOMATIC:
            by = "the product"
        else:
            by = person.who(move.moved_by_id, move.mentorship_id) or move.get_kind_display()
        rows.append(
            {
                "mentorship": move.mentorship_id,
                "scheme": person.scheme_of(move.mentorship_id),
                "from": stage_label(move.from_stage),
                "to": stage_label(move.to_stage),
                "moved_at": move.moved_at,
                "by": by,
            }
        )
    return rows


def _goals(person: _Person) -> list[Row]:
    return [
        {
            "id": goal.pk,
            "mentorship": goal.mentorship_id,
            "scheme": person.scheme_of(goal.mentorship_id),
            "title": goal.title,
            "why": goal.why,
            "success_criteria": goal.success_criteria,
            "status": goal.get_status_display(),
            "shared_with_coordinators": goal.shared_with_coordinator,
            "written_by": person.who(goal.created_by_id, goal.mentorship_id),
            "created_at": goal.created_at,
        }
        for goal in Goal.objects.filter(mentorship_id__in=person.pairs).order_by(
            "mentorship", "created_at", "pk"
        )
    ]


def _targets(person: _Person) -> list[Row]:
    return [
        {
            "goal": target.goal_id,
            "what": target.what,
            "measure": target.measure,
            "achievable": target.achievable,
            "due_on": target.due_on,
            "status": target.get_status_display(),
            "closed_at": target.closed_at,
            "closed_by": person.who(target.closed_by_id, target.goal.mentorship_id),
        }
        for target in Target.objects.filter(goal__mentorship_id__in=person.pairs)
        .select_related("goal")
        .order_by("goal", "due_on", "pk")
    ]


def _progress(person: _Person) -> list[Row]:
    return [
        {
            "goal": entry.goal_id,
            "rating": entry.rating,
            "comment": entry.comment,
            "by": person.who(entry.author_id, entry.goal.mentorship_id),
            "recorded_at": entry.recorded_at,
        }
        for entry in ProgressEntry.objects.filter(goal__mentorship_id__in=person.pairs)
        .select_related("goal")
        .order_by("goal", "recorded_at", "pk")
    ]


_AGENDA_TITLES = {key: title for key, title, _ in AGENDA_PROMPTS}


def _sessions(person: _Person) -> list[Row]:
    return [
        {
            "id": session.pk,
            "mentorship": session.mentorship_id,
            "scheme": person.scheme_of(session.mentorship_id),
            "starts_at": session.starts_at,
            "duration_minutes": session.duration_minutes,
            "format": session.get_format_display(),
            "place": session.place,
            "status": session.get_status_display(),
            "planned_by": person.who(session.created_by_id, session.mentorship_id),
            "agenda": {
                _AGENDA_TITLES.get(key, key): text for key, text in (session.agenda or {}).items()
            },
            "summary": session.summary,
            "summary_by": person.who(session.summary_by_id, session.mentorship_id),
            "cancelled_at": session.cancelled_at,
            "cancelled_by": person.who(session.cancelled_by_id, session.mentorship_id),
            "cancel_reason": session.cancel_reason,
        }
        for session in MentoringSession.objects.filter(mentorship_id__in=person.pairs).order_by(
            "mentorship", "starts_at", "pk"
        )
    ]


def _actions(person: _Person) -> list[Row]:
    return [
        {
            "session": action.session_id,
            "mentorship": action.mentorship_id,
            "whose": "yours"
            if action.owner == person.role_in(action.mentorship_id)
            else f"your {action.owner}'s",
            "text": action.text,
            "due_on": action.due_on,
            "done": action.done,
            "done_at": action.done_at,
            "goal": action.goal_id,
        }
        for action in SessionAction.objects.filter(mentorship_id__in=person.pairs).order_by(
            "mentorship", "session", "pk"
        )
    ]


_CHECKLIST_LABELS = dict(CHECKLIST_CHOICES)


def _reflection_answers(kind: str, answers: dict[str, Any]) -> dict[str, Any]:
    """A reflection's answers by their questions' words, in the questions' order."""
    questions = QUESTION_SETS.get(kind)
    if questions is None:
        return dict(answers)
    named = {}
    for question in questions.questions:
        if question.key in answers:
            value = answers[question.key]
            named[question.label] = (
                _CHECKLIST_LABELS.get(value, value) if question.choice else value
            )
    named.update({key: value for key, value in answers.items() if key not in questions.keys})
    return named


def _reflections(person: _Person) -> list[Row]:
    # The person's own, and the other person's that they shared: never their private
    # ones. Each pair has only its two people as authors.
    reflections = (
        Reflection.objects.filter(session__mentorship_id__in=person.pairs)
        .filter(Q(author=person.user) | Q(shared=True))
        .select_related("session")
        .order_by("session__starts_at", "session", "kind", "pk")
    )
    return [
        {
            "session": reflection.session_id,
            "session_starts_at": reflection.session.starts_at,
            "mentorship": reflection.session.mentorship_id,
            "written_by": person.who(reflection.author_id, reflection.session.mentorship_id),
            "kind": reflection.get_kind_display(),
            "shared": reflection.shared,
            "answers": _reflection_answers(reflection.kind, reflection.answers or {}),
            "created_at": reflection.created_at,
            "updated_at": reflection.updated_at,
        }
        for reflection in reflections
    ]


def _pulses(person: _Person) -> list[Row]:
    return [
        {
            "session": pulse.session_id,
            "session_starts_at": pulse.session.starts_at,
            "role": pulse.get_role_display(),
            "usefulness": pulse.usefulness,
            "recorded_at": pulse.recorded_at,
        }
        for pulse in Pulse.objects.filter(author=person.user)
        .select_related("session")
        .order_by("recorded_at", "pk")
    ]


def _pairing_checks(person: _Person) -> list[Row]:
    return [
        {
            "mentorship": check.mentorship_id,
            "role": check.get_role_display(),
            "working": check.working,
            "answered_at": check.answered_at,
        }
        for check in PairingCheck.objects.filter(author=person.user).order_by("answered_at", "pk")
    ]


def _evaluations(person: _Person) -> list[Row]:
    return [
        {
            "mentorship": evaluation.mentorship_id,
            "milestone": evaluation.get_milestone_display(),
            "role": evaluation.get_role_display(),
            "development_areas": evaluation.area_ratings,
            "relationship": evaluation.relationship_ratings,
            "scheme_rating": evaluation.scheme_rating,
            "would_recommend": evaluation.would_recommend,
            "comments": evaluation.comments,
            "completed_at": evaluation.completed_at,
        }
        for evaluation in Evaluation.objects.filter(respondent=person.user).order_by(
            "completed_at", "pk"
        )
    ]


def _final_reviews(person: _Person) -> list[Row]:
    return [
        {
            "mentorship": review.mentorship_id,
            "scheme": person.scheme_of(review.mentorship_id),
            "targets_met": review.targets_met,
            "enjoyed": review.enjoyed,
            "difficult": review.difficult,
            "marking_end": review.marking_end,
            "written_by": person.who(review.written_by_id, review.mentorship_id),
            "completed_at": review.completed_at,
        }
        for review in FinalReview.objects.filter(mentorship_id__in=person.pairs).order_by(
            "completed_at", "pk"
        )
    ]


def _concerns(person: _Person) -> list[Row]:
    # What the coordinators recorded as done is their record, as on the pair's page.
    return [
        {
            "mentorship": concern.mentorship_id,
            "scheme": concern.mentorship.scheme.name,
            "topic": concern.get_topic_display(),
            "text": concern.text,
            "status": concern.get_status_display(),
            "raised_at": concern.created_at,
            "resolved_at": concern.resolved_at,
        }
        for concern in Concern.objects.filter(raised_by=person.user)
        .select_related("mentorship__scheme")
        .order_by("created_at", "pk")
    ]


def _notifications(person: _Person) -> list[Row]:
    reminders = Reminder.objects.filter(
        Q(user=person.user) | (Q(user__isnull=True) & _address_match("email", person.addresses))
    ).select_related("scheme")
    return [
        {
            "kind": reminder.get_kind_display(),
            "scheme": reminder.scheme.name,
            "about": f"{reminder.subject_type} {reminder.subject_id}",
            "status": reminder.get_status_display(),
            "detail": reminder.detail,
            "created_at": reminder.created_at,
            "sent_at": reminder.sent_at,
            "read_at": reminder.read_at,
        }
        for reminder in reminders.order_by("created_at", "pk")
    ]


def _emails(person: _Person) -> list[Row]:
    # Each e-mail an outbox row sent is recorded on it as "<e-mail>:<to>,<to>..."
    # (mentoring.emails); the query narrows to rows naming an address, and the check
    # below keeps only those sent to one of the person's addresses exactly.
    query = Q(pk__in=[])
    for address in person.addresses:
        query |= Q(delivered__icontains=address)
    rows = []
    for message in OutboxMessage.objects.filter(query, kind=OutboxMessage.Kind.EMAIL).order_by(
        "pk"
    ):
        for key in message.delivered or []:
            name, _, recipients = str(key).partition(":")
            if {to.strip().lower() for to in recipients.split(",")} & set(person.addresses):
                rows.append(
                    {
                        "email": name,
                        "sent_at": message.sent_at or message.updated_at,
                        "status": message.get_status_display(),
                    }
                )
    return rows


def _activity(person: _Person) -> list[Row]:
    return [
        {
            "action": entry.get_action_display(),
            "code": entry.action,
            "at": entry.created_at,
            "object": f"{entry.subject_type} {entry.subject_id}" if entry.subject_type else "",
        }
        for entry in AuditEntry.objects.filter(actor=person.user).order_by("created_at", "pk")
    ]


def _data_copies(person: _Person) -> list[Row]:
    return [
        {
            "asked_at": export.created_at,
            "status": export.get_status_display(),
            "finished_at": export.finished_at,
            "expires_at": export.expires_at,
            "downloaded_at": export.downloaded_at,
            "size_bytes": export.size,
        }
        for export in DataExport.objects.filter(user=person.user).order_by("created_at", "pk")
    ]


_READERS: dict[str, Callable[[_Person], list[Row]]] = {
    "account": _account,
    "email_addresses": _email_addresses,
    "two_factor": _two_factor,
    "single_sign_on": _single_sign_on,
    "notification_settings": _notification_settings,
    "memberships": _memberships,
    "invitations": _invitations,
    "applications": _applications,
    "mentorships": _mentorships,
    "not_matched": _not_matched,
    "agreements": _agreements,
    "stage_moves": _stage_moves,
    "goals": _goals,
    "targets": _targets,
    "progress": _progress,
    "sessions": _sessions,
    "actions": _actions,
    "reflections": _reflections,
    "pulses": _pulses,
    "pairing_checks": _pairing_checks,
    "evaluations": _evaluations,
    "final_reviews": _final_reviews,
    "concerns": _concerns,
    "notifications": _notifications,
    "emails": _emails,
    "activity": _activity,
    "data_copies": _data_copies,
}


def person_data(user: User) -> Data:
    """Everything the product holds about ``user``, as the copy gives it: for each
    section of ``SECTIONS``, a list of rows of JSON values. About thirty queries,
    however many rows."""
    # Confirmed addresses only: allauth keeps an address someone typed but never
    # confirmed, which may be another person's.
    addresses = {user.email.lower()}
    addresses |= {
        email.lower()
        for email in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }
    pairs = {
        pair.pk: pair
        for pair in Mentorship.objects.filter(Q(mentee=user) | Q(mentor=user))
        .select_related("scheme", "mentee", "mentor")
        .order_by("created_at", "pk")
    }
    person = _Person(user=user, addresses=tuple(sorted(addresses)), pairs=pairs)
    return {section.key: _plain(_READERS[section.key](person)) for section in SECTIONS}


# The ZIP ------------------------------------------------------------------------------


def readme_text(user: User, written_at: datetime) -> str:
    """The README.txt of the ZIP: what it is, and what each file holds."""
    lines = [
        f"A copy of your data, {user.email}",
        f"Written {timezone.localtime(written_at):%d %B %Y at %H:%M %Z}.",
        "",
        "index.html is a summary you can read in any web browser. Each JSON file holds",
        "one kind of data as a list of records, dates and times in ISO 8601 (UTC).",
        "",
    ]
    for section in SECTIONS:
        lines.append(section.file_name)
        lines += textwrap.wrap(
            section.about, width=80, initial_indent="    ", subsequent_indent="    "
        )
    lines += [
        "",
        "Left out: other people's private writing (the other person's private",
        "reflections, pulses, evaluations and concerns), the coordinators' own notes",
        "about your pair, the matching engine's working about other people, and the",
        "secrets of your sign-in (your password's hash, two-factor secrets and codes).",
    ]
    return "\n".join(lines) + "\n"


def _words(key: str) -> str:
    """A field's name in words ("date_joined": "Date joined"); a key that is already
    words (a question, an agenda's heading, a development area) is left as it is."""
    return key.replace("_", " ").capitalize() if _IDENTIFIER.fullmatch(key) else key


def _when(value: str) -> str:
    """An ISO date or time as the index shows it, in the site's time zone."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    if len(value) == 10:
        return f"{parsed:%d %B %Y}"
    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return f"{parsed:%d %B %Y, %H:%M}"


def _html_value(key: str, value: Any) -> SafeString:
    """One value of a row as HTML, escaped: lists as lists, records as definitions."""
    if value is None or value == "" or value == [] or value == {}:
        return format_html('<span class="none">{}</span>', "—")
    if isinstance(value, bool):
        return format_html("{}", "Yes" if value else "No")
    if isinstance(value, str):
        if key.endswith(("_at", "_on", "date_joined", "last_login", "since", "respond_by")):
            return format_html("{}", _when(value))
        return format_html('<span class="text">{}</span>', value)
    if isinstance(value, dict):
        return format_html(
            "<dl>{}</dl>",
            format_html_join(
                "",
                "<dt>{}</dt><dd>{}</dd>",
                ((_words(k), _html_value(k, v)) for k, v in value.items()),
            ),
        )
    if isinstance(value, list):
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((_html_value(key, item),) for item in value)),
        )
    return format_html("{}", value)


def _html_row(row: Row) -> SafeString:
    return format_html(
        "<dl>{}</dl>",
        format_html_join(
            "", "<dt>{}</dt><dd>{}</dd>", ((_words(k), _html_value(k, v)) for k, v in row.items())
        ),
    )


def _tabular(rows: list[Row]) -> bool:
    """Rows short and flat enough to read as a table."""
    keys = set(rows[0])
    return (
        all(
            set(row) == keys and not any(isinstance(v, dict | list) for v in row.values())
            for row in rows
        )
        and len(keys) <= 7
    )


def render_index(user: User, data: Data, written_at: datetime) -> str:
    """The index.html of the ZIP: every section under its heading, as a table or as
    one description list per record; self-contained (no script, no link out)."""
    sections = []
    for section in SECTIONS:
        rows = data[section.key]
        entry: dict[str, Any] = {"section": section, "count": len(rows), "table": None, "items": []}
        if rows and _tabular(rows):
            entry["table"] = {
                "head": [_words(key) for key in rows[0]],
                "rows": [[_html_value(k, v) for k, v in row.items()] for row in rows],
            }
        else:
            entry["items"] = [_html_row(row) for row in rows]
        sections.append(entry)
    return render_to_string(
        "privacy/yourdata/index.html",
        {
            "person": user,
            "written_at": written_at,
            "sections": sections,
        },
    )


def write_zip(user: User, file: IO[bytes], *, written_at: datetime | None = None) -> Data:
    """Write the copy of ``user``'s data to ``file`` as a ZIP; returns the data."""
    written_at = written_at or timezone.now()
    data = person_data(user)
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme_text(user, written_at))
        archive.writestr("index.html", render_index(user, data, written_at))
        for section in SECTIONS:
            archive.writestr(
                section.file_name,
                json.dumps(data[section.key], ensure_ascii=False, indent=2) + "\n",
            )
    return data
