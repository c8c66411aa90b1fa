"""Every change to an application: start, save a step, submit, decide, withdraw."""

from collections import Counter
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from mentoring.audit import audit_record, audit_record_many
from mentoring.emails import send_email
from mentoring.models import AuditEntry
from mentoring.outbox import outbox_add, outbox_add_many
from schemes import questionnaire
from schemes.models import PARTICIPANT_ROLES, Application, Invitation, Membership, Role, Scheme
from schemes.services.schemes import membership_add, membership_remove

# A mentorship's statuses while it is open (``matching.Mentorship.OPEN``, which this
# floor cannot import): a decision waits until it is closed.
OPEN_MATCH = ("proposed", "active")

# The e-mails an applicant gets: on submitting, and on each decision.
ApplicationEmail = Literal["received", "decided"]
# The outbox handler of those e-mails (registered in ``SchemesConfig.ready``).
APPLICATION_EMAIL = "schemes.application"


@transaction.atomic
def application_start(
    *, scheme: Scheme, user, role: str, invitation: Invitation | None = None
) -> Application:
    """Open (or reopen) ``user``'s application to ``scheme`` as ``role``.

    A draft already started is returned as it is, so that following a link twice
    resumes. A withdrawn application is reopened as a draft: withdrawing removed its
    answers, so the person answers afresh (one withdrawn before that was so keeps the
    answers it has). Applying outside the window, or again after submitting, is
    refused with a clear message.
    """
    if role not in PARTICIPANT_ROLES:
        raise ValidationError("People apply as a mentor or a mentee.")
    application = (
        Application.objects.select_for_update().filter(scheme=scheme, user=user, role=role).first()
    )
    if application is not None and application.status == Application.Status.DRAFT:
        return application
    if application is not None and application.status != Application.Status.WITHDRAWN:
        raise _already_applied(application)
    problem = scheme.window_problem()
    if problem:
        raise ValidationError(problem)
    if application is None:
        application = Application(scheme=scheme, user=user, role=role)
    if role == "mentor" and application.capacity is None:
        application.capacity = scheme.default_mentor_capacity
    application.status = Application.Status.DRAFT
    application.submitted_at = application.decided_at = application.decided_by = None
    application.decision_reason = ""
    if invitation is not None:
        application.invitation = invitation
    # The one-per-role rule is the database's to check, below: the row locked above
    # shows there was none, and one saved since is the race handled there.
    application.full_clean(exclude=["user"] if application._state.adding else None)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # The same form sent twice at once (a double click): the other request started
        # this application between the check above and this save. Its draft is resumed,
        # as when following the link twice.
        existing = Application.objects.get(scheme=scheme, user=user, role=role)
        if existing.status != Application.Status.DRAFT:
            raise _already_applied(existing) from None
        return existing
    return application


def _already_applied(application: Application) -> ValidationError:
    role_label = application.get_role_display().lower()
    return ValidationError(
        f"You have already applied to {application.scheme.name} as a {role_label}. You "
        "can see your application on your schemes page."
    )


@transaction.atomic
def application_save_step(
    *, application: Application, step: str, values: dict, answers: dict | None = None
) -> Application:
    """Save the answers of one questionnaire step (a draft: nothing else is required
    yet). ``values`` are model fields, plus ``name`` for the person's own name;
    ``answers`` are the custom questions' answers by question id."""
    _lock_editable(application)
    known = set(questionnaire.STEP_BY_SLUG[step].fields)
    unknown = set(values) - known
    if unknown:
        raise ValueError(f"Fields not on step {step!r}: {', '.join(sorted(unknown))}")
    values = dict(values)
    name = values.pop("name", None)
    if name is not None and name != application.user.name:
        application.user.name = name
        application.user.full_clean(validate_unique=False)
        application.user.save(update_fields=["name"])
    for field, value in values.items():
        setattr(application, field, value)
    if answers is not None:
        application.answers = {**application.answers, **answers}
    order = [s.slug for s in questionnaire.STEPS]
    if not application.last_step or order.index(step) > order.index(application.last_step):
        application.last_step = step
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def application_submit(*, application: Application, consent: bool) -> Application:
    """Send a complete draft to the coordinators, recording the consent given with the
    exact words agreed to. Anything missing is reported, and nothing changes."""
    _lock_editable(application)
    if application.status != Application.Status.DRAFT:
        raise ValidationError("This application has already been submitted.")
    problem = application.scheme.window_problem()
    if problem:
        raise ValidationError(problem)
    questions = list(application.scheme.questions.all())
    missing = questionnaire.missing_answers(application, questions)
    errors = {}
    if missing:
        errors["__all__"] = [
            ValidationError("Please answer: " + "; ".join(missing) + ".", code="missing")
        ]
    if not consent:
        errors["consent"] = [
            ValidationError(
                "Please agree to the use of your data so that we can match you.", code="consent"
            )
        ]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    application.consent_text = questionnaire.consent_text(application.scheme)
    application.consented_at = now
    application.status = Application.Status.SUBMITTED
    application.submitted_at = now
    application.full_clean()
    application.save()
    _email(application, "received")
    return application


def application_approve(*, application: Application, by, reason: str = "") -> Application:
    """Accept the person into the scheme: they become one of its mentors or mentees."""
    return _decide(application, Application.Status.APPROVED, by, reason)


def application_waitlist(*, application: Application, by, reason: str = "") -> Application:
    """Keep the person waiting for a place (for example until more mentors join)."""
    return _decide(application, Application.Status.WAITLISTED, by, reason)


def application_decline(*, application: Application, by, reason: str = "") -> Application:
    """Turn the application down; the person is told, with the reason when one is given."""
    return _decide(application, Application.Status.DECLINED, by, reason)


@dataclass(frozen=True)
class BulkDecision:
    """What one decision on many applications did: how many took it, and how many were
    left as they were, by why."""

    decided: int
    skipped: Counter[str]

    def summary(self, done: str) -> str:
        """What happened, for the coordinator: "2 applications are approved. ..."."""
        one = self.decided == 1
        text = (
            f"{self.decided} application{' is' if one else 's are'} {done}. "
            f"An e-mail is on its way to {'them' if one else 'each person'} to say so."
        )
        if self.skipped:
            left = sum(self.skipped.values())
            text += (
                f" {left} {'was' if left == 1 else 'were'} left as "
                f"{'it was' if left == 1 else 'they were'}: {bulk_skipped_text(self.skipped)}."
            )
        return text


# The relations a decision does not touch, left out of ``full_clean`` so that checking
# a thousand applications asks the database nothing.
_DECISION_UNCHANGED = ("scheme", "user", "invitation", "decided_by")


@transaction.atomic
def applications_decide_bulk(
    *, scheme: Scheme, applications: QuerySet[Application], status: str, by, reason: str = ""
) -> BulkDecision:
    """Give every one of ``applications`` (of ``scheme``) the decision ``status``
    (approved, wait-listed or declined) with the same ``reason``, as one transaction:
    each person is e-mailed as for a single decision, once it is committed.

    An application that cannot take the decision (already has it, is a draft, withdrawn
    or matched, or has a match waiting for replies) is left as it was and counted in
    ``skipped`` by why. When none can take it, nothing changes and a ``ValidationError``
    says why.
    """
    if status not in (
        Application.Status.APPROVED,
        Application.Status.WAITLISTED,
        Application.Status.DECLINED,
    ):
        raise ValueError(f"Not a decision: {status!r}")
    label = Application.Status(status).label.lower()
    locked = list(
        applications.filter(scheme=scheme)
        .select_for_update(of=("self",))
        .select_related("user")
        .order_by("pk")
    )
    if not locked:
        raise ValidationError("Choose at least one application.")
    waiting = set(
        Application.objects.filter(pk__in=[application.pk for application in locked])
        .filter(
            Q(mentorships_as_mentee__status__in=OPEN_MATCH)
            | Q(mentorships_as_mentor__status__in=OPEN_MATCH)
        )
        .values_list("pk", flat=True)
    )
    skipped: Counter[str] = Counter()
    decided = []
    before: dict[int, str] = {}
    now = timezone.now()
    for application in locked:
        refusal = _decision_refusal(application, status, open_match=application.pk in waiting)
        if refusal == UNDECIDABLE:
            skipped[f"{application.get_status_display().lower()}, so cannot be decided on"] += 1
        elif refusal == SAME_DECISION:
            skipped[f"already {label}"] += 1
        elif refusal == OPEN_MATCH_WAITING:
            skipped["with a match waiting for replies"] += 1
        else:
            before[application.pk] = application.status
            application.status = status
            application.decided_at = now
            application.decided_by = by
            application.decision_reason = reason.strip()
            application.updated_at = now
            application.full_clean(exclude=_DECISION_UNCHANGED, validate_unique=False)
            decided.append(application)
    if not decided:
        raise ValidationError(
            f"None of the {len(locked)} application{'s' if len(locked) != 1 else ''} can be "
            f"{label}: {bulk_skipped_text(skipped)}. Nothing was changed."
        )
    Application.objects.bulk_update(
        decided, ["status", "decided_at", "decided_by", "decision_reason", "updated_at"]
    )
    if status == Application.Status.APPROVED:
        Membership.objects.bulk_create(
            [
                Membership(scheme=scheme, user_id=application.user_id, role=application.role)
                for application in decided
            ],
            ignore_conflicts=True,
        )
    else:
        people = Q()
        for role in PARTICIPANT_ROLES:
            users = [a.user_id for a in decided if a.role == role]
            if users:
                people |= Q(role=role, user_id__in=users)
        Membership.objects.filter(people, scheme=scheme).delete()
    audit_record_many(
        AuditEntry.Action.APPLICATION_DECIDED,
        actor=by,
        scheme_id=scheme.pk,
        subjects=[(a, _decision_detail(a, before[a.pk], reason, bulk=True)) for a in decided],
    )
    # Written to the outbox in this transaction, in one insert: every person is told
    # once the decisions are committed, and never for a decision rolled back.
    outbox_add_many(
        handler=APPLICATION_EMAIL,
        payloads=[{"application_id": a.pk, "kind": "decided"} for a in decided],
        subjects=[("application", a.pk) for a in decided],
        scheme_id=scheme.pk,
    )
    return BulkDecision(decided=len(decided), skipped=skipped)


def bulk_skipped_text(skipped: Counter[str]) -> str:
    """The applications a bulk decision left as they were, as "2 already approved, 1
    withdrawn, so cannot be decided on"."""
    return "; ".join(f"{count} {why}" for why, count in skipped.most_common())


@transaction.atomic
def application_withdraw(*, application: Application) -> Application:
    """The person takes their application back; they leave the scheme's pool and its
    answers are removed (``_answers_remove``), its status, role and dates kept. Not
    while a match of theirs waits for replies: they decline it first."""
    _lock_editable(application)
    if _has_open_match(application):
        raise ValidationError(
            "You have a match waiting for replies. Decline it on My mentorships first, "
            "then withdraw."
        )
    application.status = Application.Status.WITHDRAWN
    _answers_remove(application)
    application.full_clean()
    application.save()
    membership_remove(scheme=application.scheme, user=application.user, role=application.role)
    return application


@transaction.atomic
def application_erase(*, application: Application) -> Application:
    """Remove what ``application``'s person wrote in it (its answers, as withdrawing
    does) and the coordinators' note to them, whatever its status; its status, role,
    dates and consent stay, for the scheme's figures. A mentor's application is left
    offering no places, so that it never returns to the matching pool. Part of the
    erasure of an account (``privacy.erasure``)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    _answers_remove(locked)
    locked.decision_reason = ""
    locked.full_clean()
    locked.save()
    if locked.role == Role.MENTOR:
        # 0 places (not None, which is the scheme's default): the forms never store it,
        # and the pool reads it as a mentor who takes no mentee.
        Application.objects.filter(pk=locked.pk).update(capacity=0)
        locked.capacity = 0
    return locked


def _answers_remove(application: Application) -> None:
    """Blank every answer of ``application`` (not saved): each field of the
    questionnaire and the answers to the scheme's own questions. The department and
    the grade stay when they are entries of the scheme's own lists: the scheme's
    figures are filtered by them, and they are the scheme's words, not the person's;
    one typed freely goes with the rest."""
    scheme = application.scheme
    for field in questionnaire.ANSWER_FIELDS:
        if field == "department" and application.department in (scheme.departments or []):
            continue
        if field == "grade" and application.grade in (scheme.grades or []):
            continue
        setattr(application, field, questionnaire.model_field(field).get_default())
    application.answers = {}
    application.last_step = ""


def application_email_send(*, application_id: int, kind: ApplicationEmail) -> bool:
    """E-mail the applicant of ``application_id`` that it was received (``kind``
    "received") or decided on ("decided"), the background part of submitting and
    deciding. Returns whether a message was sent: nothing goes for an application
    deleted since, or to a deactivated account."""
    application = (
        Application.objects.select_related("scheme", "user").filter(pk=application_id).first()
    )
    if application is None or not application.user.is_active:
        return False
    send_email(
        name=f"application_{kind}",
        to=[application.user.email],
        context={"application": application, "user": application.user},
    )
    return True


# Why an application cannot take a decision: the one rule the single and the bulk
# decision share, each saying it in its own words.
UNDECIDABLE, SAME_DECISION, OPEN_MATCH_WAITING = "undecidable", "same", "open_match"


def _decision_refusal(application: Application, status: str, *, open_match: bool) -> str:
    """Why ``application`` cannot be given the decision ``status`` ("" when it can):
    it is not decidable (a draft, withdrawn, matched), it has that decision already, or
    a match of the person's waits for replies (``open_match``)."""
    if application.status not in Application.DECIDABLE:
        return UNDECIDABLE
    if application.status == status:
        return SAME_DECISION
    if open_match:
        return OPEN_MATCH_WAITING
    return ""


@transaction.atomic
def _decide(application: Application, status: str, by, reason: str) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    refusal = _decision_refusal(locked, status, open_match=_has_open_match(locked))
    if refusal == UNDECIDABLE:
        raise ValidationError(
            f"A {locked.get_status_display().lower()} application cannot be decided on."
        )
    if refusal == SAME_DECISION:
        raise ValidationError(f"This application is already {locked.get_status_display().lower()}.")
    if refusal == OPEN_MATCH_WAITING:
        raise ValidationError(
            "This person has a match waiting for replies. End it from the scheme's "
            "mentorships first."
        )
    status_before = locked.status
    application.status = status
    application.decided_at = timezone.now()
    application.decided_by = by
    application.decision_reason = reason.strip()
    application.full_clean()
    application.save()
    if status == Application.Status.APPROVED:
        membership_add(scheme=application.scheme, user=application.user, role=application.role)
    else:
        membership_remove(scheme=application.scheme, user=application.user, role=application.role)
    audit_record(
        AuditEntry.Action.APPLICATION_DECIDED,
        actor=by,
        scheme_id=application.scheme_id,
        subject=application,
        detail=_decision_detail(application, status_before, reason, bulk=False),
    )
    _email(application, "decided")
    return application


def _decision_detail(application: Application, before: str, reason: str, *, bulk: bool) -> dict:
    """What the audit trail keeps of a decision: the role, the status before and after,
    whether it was one of many and whether a reason was given (never the reason, which
    the coordinator wrote to the person)."""
    return {
        "role": application.role,
        "status_before": before,
        "status_after": application.status,
        "bulk": bulk,
        "reason_given": bool(reason.strip()),
    }


def _email(application: Application, kind: ApplicationEmail) -> None:
    """E-mail the applicant once the transaction commits, through the outbox."""
    outbox_add(
        handler=APPLICATION_EMAIL,
        payload={"application_id": application.pk, "kind": kind},
        subject=("application", application.pk),
        scheme_id=application.scheme_id,
    )


def _lock_editable(application: Application) -> None:
    """Re-read the status under a row lock: a decision or a match made meanwhile wins."""
    status = (
        Application.objects.select_for_update()
        .filter(pk=application.pk)
        .values_list("status", flat=True)
        .first()
    )
    if status is None:
        raise ValidationError("This application no longer exists.")
    application.status = status
    if status not in Application.EDITABLE:
        raise ValidationError(
            f"This application is {application.get_status_display().lower()} and can no "
            "longer be changed."
        )


def _has_open_match(application: Application) -> bool:
    """Whether a mentorship of this application (as mentee or mentor) is proposed or
    active. Read through the reverse relations: schemes does not import matching."""
    relation = (
        application.mentorships_as_mentee
        if application.role == Role.MENTEE
        else application.mentorships_as_mentor
    )
    return relation.filter(status__in=OPEN_MATCH).exists()
