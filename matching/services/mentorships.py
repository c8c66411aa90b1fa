"""Every change to a mentorship: publishing a run's pairs, each person's reply, the
matches that lapse unanswered, and the no-fault ending.

A published pair starts as a *proposed* mentorship that each person accepts or declines
before ``respond_by``. Both accepting makes it *active* (stage initiation). A decline, a
lapse or an early ending puts the mentee back in the pool (and the mentor, when they
have no other open mentorship); that pair is never proposed again (``Mentorship.TRIED``).
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from matching.models import SHAREABLE_ANSWERS, MatchRun, Mentorship, Proposal
from matching.pool import stale_pairs, stale_summary
from matching.services.mentorship_emails import MENTORSHIP_EMAIL, mentorship_email_enqueue
from mentoring.audit import audit_record
from mentoring.models import AuditEntry
from mentoring.outbox import outbox_add_many
from schemes.models import Application, Membership, Role, Scheme

# Checked before ``bulk_create`` in one query each, under the locks, rather than one
# query per row by ``full_clean``.
RELATIONS = (
    "scheme",
    "mentee",
    "mentor",
    "mentee_application",
    "mentor_application",
    "run",
    "declined_by",
    "ended_by",
)

NOT_WAITING: dict[str, str] = {
    Mentorship.Status.ACTIVE: "This mentorship has already started.",
    Mentorship.Status.DECLINED: "This match was declined, so it is closed.",
    Mentorship.Status.EXPIRED: "The time to reply to this match has passed, so it is closed.",
    Mentorship.Status.ENDED: "This mentorship has ended.",
    Mentorship.Status.COMPLETED: "This mentorship is complete.",
}


@transaction.atomic
def match_run_publish(*, run: MatchRun, published_by) -> list[Mentorship]:
    """Turn each proposal of ``run`` into a proposed mentorship and tell both people.

    Only a finished run that is not a dry run, and only while every proposal still
    holds: the mentee is approved with no open mentorship and the mentor has a place
    for each of their proposals. Otherwise nothing changes and the ``ValidationError``
    names the stale pairs. The mentees' and mentors' applications become ``matched``;
    each person has ``scheme.response_days`` days to reply.
    """
    # The scheme's lock orders publications; the mentors' locks make a shortlist
    # request for one of them wait until the places are counted.
    scheme = Scheme.objects.select_for_update().get(pk=run.scheme_id)
    _lock_run(run)
    if not run.is_editable:
        if run.status == MatchRun.Status.PUBLISHED:
            raise ValidationError("This run has already been published.")
        if run.dry_run:
            raise ValidationError("A dry run cannot be published. Start a run to publish.")
        raise ValidationError("Only a finished run can be published.")
    proposals = list(
        Proposal.objects.filter(run=run)
        .select_related("mentee__user", "mentor__user")
        .order_by("pk")
    )
    if not proposals:
        raise ValidationError("This run has no pairs to publish.")
    mentor_ids = sorted({proposal.mentor_id for proposal in proposals})
    list(
        Application.objects.select_for_update()
        .filter(pk__in=mentor_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    _refuse_stale(scheme, proposals)

    now = timezone.now()
    respond_by = now + timedelta(days=scheme.response_days)
    mentorships = [
        Mentorship(
            scheme=scheme,
            mentee_id=proposal.mentee.user_id,
            mentor_id=proposal.mentor.user_id,
            mentee_application=proposal.mentee,
            mentor_application=proposal.mentor,
            run=run,
            source=Mentorship.Source.RUN,
            score=proposal.score,
            breakdown=proposal.breakdown,
            respond_by=respond_by,
        )
        for proposal in proposals
    ]
    for mentorship in mentorships:
        mentorship.full_clean(exclude=RELATIONS, validate_constraints=False)
    mentorships = Mentorship.objects.bulk_create(mentorships)

    mentee_ids = [proposal.mentee_id for proposal in proposals]
    matched = Application.objects.filter(
        pk__in=mentee_ids, status=Application.Status.APPROVED
    ).update(status=Application.Status.MATCHED, updated_at=now)
    if matched != len(mentee_ids):
        # A mentee withdrew after the check: roll everything back.
        raise ValidationError(
            "A mentee's application changed while the pairs were being published. Run "
            "matching again to get fresh proposals."
        )
    Application.objects.filter(pk__in=mentor_ids, status=Application.Status.APPROVED).update(
        status=Application.Status.MATCHED, updated_at=now
    )

    run.status = MatchRun.Status.PUBLISHED
    run.published_at = now
    run.published_by = published_by
    run.full_clean()
    run.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    audit_record(
        AuditEntry.Action.MATCH_PUBLISHED,
        actor=published_by,
        scheme_id=scheme.pk,
        subject=run,
        detail={"run": run.pk, "mentorships": len(mentorships)},
    )
    outbox_add_many(
        handler=MENTORSHIP_EMAIL,
        payloads=[{"mentorship_id": m.pk, "event": "proposed"} for m in mentorships],
        subjects=[("mentorship", m.pk) for m in mentorships],
        scheme_id=scheme.pk,
    )
    return mentorships


@transaction.atomic
def mentorship_accept(*, mentorship: Mentorship, user) -> Mentorship:
    """``user`` (the mentee or the mentor) accepts a proposed match before its deadline.
    When both have accepted the mentorship is active, at the initiation stage, and
    both are told."""
    role = _lock_for_reply(mentorship, user)
    if getattr(mentorship, f"{role}_response") == Mentorship.Response.ACCEPTED:
        raise ValidationError("You have already accepted this match.")
    now = timezone.now()
    setattr(mentorship, f"{role}_response", Mentorship.Response.ACCEPTED)
    setattr(mentorship, f"{role}_responded_at", now)
    started = (
        mentorship.mentee_response == mentorship.mentor_response == Mentorship.Response.ACCEPTED
    )
    if started:
        mentorship.status = Mentorship.Status.ACTIVE
        mentorship.stage = Mentorship.Stage.INITIATION
        mentorship.started_at = now
        # A pair chosen from a shortlist was never published: it is matched from now.
        Application.objects.filter(
            pk__in=[mentorship.mentee_application_id, mentorship.mentor_application_id],
            status=Application.Status.APPROVED,
        ).update(status=Application.Status.MATCHED, updated_at=now)
    mentorship.full_clean()
    mentorship.save()
    if started:
        mentorship_email_enqueue(mentorship=mentorship, event="started")
    return mentorship


@transaction.atomic
def mentorship_decline(*, mentorship: Mentorship, user, reason: str = "") -> Mentorship:
    """``user`` (the mentee or the mentor) declines a proposed match before its
    deadline, having accepted it or not. Both go back into the pool; the other person
    is told kindly, without the reason, which goes to the scheme's coordinators."""
    role = _lock_for_reply(mentorship, user)
    now = timezone.now()
    setattr(mentorship, f"{role}_response", Mentorship.Response.DECLINED)
    setattr(mentorship, f"{role}_responded_at", now)
    mentorship.status = Mentorship.Status.DECLINED
    mentorship.declined_by = user
    mentorship.decline_reason = reason.strip()
    mentorship.full_clean()
    mentorship.save()
    _release(mentorship, now)
    mentorship_email_enqueue(mentorship=mentorship, event="declined")
    return mentorship


def mentorships_expire(*, now: datetime | None = None) -> int:
    """Lapse every proposed mentorship whose ``respond_by`` has passed, as a decline
    would (back into the pool, the pair and the coordinators told). Returns how many.

    Each one is claimed under a row lock that other workers skip, so that two workers
    (or a retry) never lapse, or e-mail about, the same match twice.
    """
    now = now or timezone.now()
    expired = 0
    while (outcome := _expire_next(now)) is not None:
        expired += outcome
    return expired


@transaction.atomic
def mentorship_end(
    *, mentorship: Mentorship, ended_by, reason: str, notify: bool = True
) -> Mentorship:
    """End a proposed or active mentorship early ("no-fault ending"), by its mentee,
    its mentor or a coordinator of its scheme, with a reason. The mentee can be matched
    again (never with the same mentor); the other person and the coordinators are told,
    unless ``notify`` is False: the erasure of an account tells the other person itself,
    in words that do not name the one who left.
    """
    if mentorship.role_of(ended_by) is None and not _coordinates(ended_by, mentorship.scheme_id):
        raise PermissionDenied("Only the pair and the scheme's coordinators can end it.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Please say why the mentorship is ending."})
    _lock(mentorship)
    if not mentorship.is_open:
        raise ValidationError(NOT_WAITING[mentorship.status])
    now = timezone.now()
    status_before = mentorship.status
    mentorship.status = Mentorship.Status.ENDED
    mentorship.ended_at = now
    mentorship.ended_by = ended_by
    mentorship.end_reason = reason
    mentorship.full_clean()
    mentorship.save()
    _release(mentorship, now)
    # The reason is the person's own words: the trail keeps who ended it, in which role.
    audit_record(
        AuditEntry.Action.MATCH_ENDED,
        actor=ended_by,
        scheme_id=mentorship.scheme_id,
        subject=mentorship,
        detail={
            "status_before": status_before,
            "status_after": mentorship.status,
            "ended_by_role": mentorship.role_of(ended_by) or Role.COORDINATOR,
        },
    )
    if notify:
        mentorship_email_enqueue(mentorship=mentorship, event="ended")
    return mentorship


@transaction.atomic
def mentorship_share_answers(*, mentorship: Mentorship, user, answers: list[str]) -> Mentorship:
    """Choose which of the mentee's goal-setting answers their mentor may read (an empty
    list shares none). Only the mentee chooses, and only while the mentorship is active:
    both have accepted. The coordinators are never shown the choice."""
    if mentorship.role_of(user) != Role.MENTEE:
        raise PermissionDenied("Only the mentee chooses what to share of their answers.")
    _lock(mentorship)
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise ValidationError(
            "Answers are shared once you have both accepted, while the mentorship lasts."
        )
    unknown = set(answers) - set(SHAREABLE_ANSWERS)
    if unknown:
        raise ValidationError(
            {"answers": "Only your answers to the goal-setting questions can be shared."}
        )
    mentorship.shared_answers = [field for field in SHAREABLE_ANSWERS if field in answers]
    mentorship.full_clean()
    mentorship.save(update_fields=["shared_answers", "updated_at"])
    return mentorship


# --- helpers ---------------------------------------------------------------------------


def _lock_run(run: MatchRun) -> None:
    """Re-read the run's state under a row lock: a second publication waits, then sees
    the first."""
    status, dry_run = (
        MatchRun.objects.select_for_update()
        .filter(pk=run.pk)
        .values_list("status", "dry_run")
        .get()
    )
    run.status, run.dry_run = status, dry_run


def _refuse_stale(scheme: Scheme, proposals: list[Proposal]) -> None:
    """Raise, naming them, when some proposals no longer hold."""
    stale = stale_pairs(scheme, proposals)
    if stale:
        raise ValidationError(
            f"Some pairs of this run are out of date: {stale_summary(stale)}. Nothing was "
            "published. Run matching again to get fresh proposals.",
            code="stale",
        )


def _lock(mentorship: Mentorship) -> None:
    """Lock the mentorship's row and re-read it: a reply, a lapse or an ending made
    meanwhile wins."""
    list(Mentorship.objects.select_for_update().filter(pk=mentorship.pk).values_list("pk"))
    mentorship.refresh_from_db()


def _lock_for_reply(mentorship: Mentorship, user) -> str:
    """The role of ``user`` in the pair, once the match is known to still wait for
    their reply."""
    role = mentorship.role_of(user)
    if role is None:
        raise PermissionDenied("Only the mentee and the mentor can reply to this match.")
    _lock(mentorship)
    if mentorship.status != Mentorship.Status.PROPOSED:
        raise ValidationError(NOT_WAITING[mentorship.status])
    if timezone.now() >= mentorship.respond_by:
        raise ValidationError("The time to reply to this match has passed.")
    return role


def _release(mentorship: Mentorship, now: datetime) -> None:
    """Put the mentee back into the pool, and the mentor when this was their last open
    mentorship (a mentor with places left is in the pool either way)."""
    Application.objects.filter(
        pk=mentorship.mentee_application_id, status=Application.Status.MATCHED
    ).update(status=Application.Status.APPROVED, updated_at=now)
    mentor_busy = Mentorship.objects.filter(
        mentor_application_id=mentorship.mentor_application_id, status__in=Mentorship.OPEN
    ).exists()
    if not mentor_busy:
        Application.objects.filter(
            pk=mentorship.mentor_application_id, status=Application.Status.MATCHED
        ).update(status=Application.Status.APPROVED, updated_at=now)


@transaction.atomic
def _expire_next(now: datetime) -> int | None:
    """Lapse one overdue match that no other worker holds: 1 when it did, 0 when another
    worker got there first, None when none is left."""
    mentorship = (
        Mentorship.objects.select_for_update(skip_locked=True)
        .filter(status=Mentorship.Status.PROPOSED, respond_by__lte=now)
        .order_by("respond_by", "pk")
        .first()
    )
    if mentorship is None:
        return None
    # The claim: only the worker whose update changes the row sends the e-mails (on a
    # database without row locks as well).
    claimed = Mentorship.objects.filter(pk=mentorship.pk, status=Mentorship.Status.PROPOSED).update(
        status=Mentorship.Status.EXPIRED, updated_at=now
    )
    if not claimed:
        return 0
    mentorship.status = Mentorship.Status.EXPIRED
    _release(mentorship, now)
    mentorship_email_enqueue(mentorship=mentorship, event="expired")
    return 1


def _coordinates(user, scheme_id: int) -> bool:
    return Membership.objects.filter(
        scheme_id=scheme_id, user_id=user.pk, role=Role.COORDINATOR
    ).exists()
