"""The erasure of a person's account, carried out at once when they confirm it.

``account_erase`` deletes the account's identity and the person's own content, and
keeps, anonymous, what each scheme's figures count: the account row stays as a
remainder with no name, a placeholder address that is not one (``erased_address``), no
password and no roles, so that every figure still counts the person once. What is kept
and what goes, field by field, is in docs/erasure.md; in short:

- their own words go (application answers, reflections, summaries, goals and targets
  they set, actions they own, progress comments, concerns' text, evaluation comments,
  the final review they wrote), and the texts the pair wrote together without a record
  of who wrote what (the agreement's versions, the sessions' agendas);
- what the figures read stays (statuses, roles, dates, lengths, stages, ratings, the
  department and grade chosen from the scheme's lists);
- the other person of a pair keeps their own notes, and the coordinators theirs, with
  the person's full name and e-mail addresses taken out (``privacy.redaction``);
- a mentorship still open ends as if they had ended it, and the other person is told by
  e-mail that they have left the scheme; applications still under way are withdrawn.

Higher floors (the roof's exports) add their own part through ``register_erasure_hook``:
each hook is called inside the erasure's transaction with the person's account as it
still is (its address not yet replaced).
"""

import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from agreements.models import (
    AgreementVersion,
    Concern,
    Goal,
    ProgressEntry,
    Signature,
    StageMove,
    Target,
)
from matching.models import Mentorship, Proposal
from matching.services.mentorships import mentorship_end
from mentoring.audit import AuditEntry, audit_record
from mentoring.emails import send_email
from mentoring.exports import private_file_part
from mentoring.models import ERASED_EMAIL_DOMAIN, OutboxMessage, User
from mentoring.outbox import outbox_add
from mentoring.services import ACCOUNT_EMAIL
from privacy.models import DataExport, ErasureRequest
from privacy.redaction import (
    MARK,
    Redactor,
    addresses_redact_everywhere,
    breakdown_reasons_removed,
    rows_redact,
    sentences_removed,
)
from privacy.services.yourdata import data_export_path
from schemes.models import Application, ImportUpload, Invitation, Membership, Role
from schemes.services.applications import application_erase, application_withdraw
from sessions.models import (
    Evaluation,
    FinalReview,
    MentoringSession,
    NotificationPreference,
    Reflection,
    Reminder,
    RiskHandling,
    SessionAction,
)

__all__ = [
    "ERASED",
    "ERASED_DOMAIN",
    "ERASURE_EMAIL",
    "ERASURE_HOOKS",
    "ErasureHook",
    "account_erase",
    "erased_address",
    "erasure_pair_email_send",
    "is_erased",
    "register_erasure_hook",
]

# The domain of the remainder's placeholder address: ".invalid" is reserved (RFC 2606),
# so it is never anyone's address and no mail can be delivered to it.
ERASED_DOMAIN = ERASED_EMAIL_DOMAIN
# What stands in a required text field whose words were erased.
ERASED = "(erased)"
# The reason of a mentorship the erasure ended, and of one its person had ended before.
ENDED_BY_ERASURE = "Ended because the {role} erased their account."
REASON_ERASED = "The reason was erased with the account of the person who gave it."
# The outbox handler that tells the other person of a pair (registered in PrivacyConfig).
ERASURE_EMAIL = "privacy.erasure_pair"

ErasureHook = Callable[[User], object]
ERASURE_HOOKS: list[ErasureHook] = []


def register_erasure_hook(hook: ErasureHook) -> None:
    """Have ``hook(user)`` called by every erasure, inside its transaction, before the
    account's address is replaced: for an app above this floor to erase its own data
    (the roof's exports, from ``DashboardConfig.ready``)."""
    if hook not in ERASURE_HOOKS:
        ERASURE_HOOKS.append(hook)


def erased_address() -> str:
    """A unique placeholder for an erased account's address, derived from nothing."""
    return f"erased-{secrets.token_hex(10)}@{ERASED_DOMAIN}"


def is_erased(user: Any) -> bool:
    return bool(getattr(user, "is_erased", False))


class AccountClosed(Exception):
    """The account is erased (or closed) already: the same form sent twice at once."""


@dataclass(frozen=True)
class _Pair:
    mentorship_id: int
    scheme_id: int
    role: str  # the erased person's: "mentee" or "mentor"


@transaction.atomic
def account_erase(*, user: User) -> ErasureRequest:
    """Erase ``user``'s account now (see the module's description), and record it: an
    ``ErasureRequest`` naming only the schemes and roles they had and the mentorships
    it ended, and its entries in the audit trail (the request, the erasure, and each
    open mentorship it ended). Everything happens or nothing does."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if is_erased(user) or not user.is_active:
        raise AccountClosed("This account is closed already.")
    now = timezone.now()
    request = ErasureRequest.objects.create(user=user, requested_at=now)
    audit_record(AuditEntry.Action.ERASURE_REQUESTED, actor=user, subject=request)

    addresses = _addresses(user)
    everywhere = Redactor(addresses=addresses, name=user.name)
    pairs = [
        _Pair(m.pk, m.scheme_id, "mentee" if m.mentee_id == user.pk else "mentor")
        for m in Mentorship.objects.filter(Q(mentee=user) | Q(mentor=user)).order_by("pk")
    ]
    applications = list(Application.objects.filter(user=user).select_related("scheme"))
    memberships = list(Membership.objects.filter(user=user))
    roles = _roles(user, memberships, applications, pairs)
    logged = _logged_objects(user, memberships, applications, pairs)

    ended = _mentorships_end(user, pairs)
    _applications_erase(user, applications, everywhere)
    _pairs_erase(user, pairs, ended, everywhere)
    reminders = _notifications_erase(user, addresses)
    invitations = _invitations_erase(user, addresses, now)
    _outbox_erase(user, addresses, applications, invitations, reminders)
    _sign_ins_erase(user, addresses)
    for hook in ERASURE_HOOKS:
        hook(user)

    _account_anonymise(user)
    # Accounts and their addresses are not rewritten there: the person's own are done
    # above, and no other account's may be touched.
    addresses_redact_everywhere(addresses, skip=[Session, User, EmailAddress])
    rows_redact(LogEntry.objects.filter(logged), everywhere)

    by_role: Counter[tuple[int, str]] = Counter(
        (pair.scheme_id, pair.role) for pair in pairs if pair.mentorship_id in ended
    )
    request.erased_at = timezone.now()
    request.status = ErasureRequest.Status.DONE
    request.scheme_ids = sorted({scheme for scheme, _ in roles if scheme is not None})
    request.roles = [
        {"scheme": scheme, "role": role, "ended": by_role[(scheme, role)] if scheme else 0}
        for scheme, role in sorted(roles, key=lambda r: (r[0] or 0, r[1]))
    ]
    request.mentorships_ended = len(ended)
    request.save()
    audit_record(
        AuditEntry.Action.DATA_ERASED,
        actor=None,
        subject=request,
        detail={
            "schemes": request.scheme_ids,
            "roles": sorted({role for _, role in roles}),
            "mentorships_ended": len(ended),
        },
    )
    return request


# --- what the person was ---------------------------------------------------------------


def _addresses(user: User) -> set[str]:
    """Every address the person is known by: their account's, each one allauth holds
    for them (and their identity provider gave), and those they were invited at and
    accepted."""
    found = [user.email]
    # Verified only: allauth keeps an address someone typed but never confirmed, which
    # may be another person's.
    found += EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    found += Invitation.objects.filter(accepted_by=user).values_list("email", flat=True)
    for data in SocialAccount.objects.filter(user=user).values_list("extra_data", flat=True):
        given = data.get("email") if isinstance(data, dict) else None
        if isinstance(given, str) and "@" in given:
            found.append(given)
    return {address.strip().lower() for address in found if address and address.strip()}


def _roles(
    user: User, memberships: list[Membership], applications: list[Application], pairs: list[_Pair]
) -> set[tuple[int | None, str]]:
    """(scheme id, role) of every role the person had or applied for, and (None, role)
    for the site-wide ones."""
    roles: set[tuple[int | None, str]] = {(m.scheme_id, m.role) for m in memberships}
    roles |= {(a.scheme_id, a.role) for a in applications}
    roles |= {(p.scheme_id, p.role) for p in pairs}
    if user.is_report_viewer:
        roles.add((None, "report_viewer"))
    if user.is_staff or user.is_superuser:
        roles.add((None, "administrator"))
    return roles


def _logged_objects(
    user: User, memberships: list[Membership], applications: list[Application], pairs: list[_Pair]
) -> Q:
    """The admin log's entries about the person's account and the objects named after
    them (a membership, an application, an invitation they accepted, a mentorship)."""
    types = ContentType.objects.get_for_models(
        User, Membership, Application, Invitation, Mentorship
    )
    accepted = list(Invitation.objects.filter(accepted_by=user).values_list("pk", flat=True))
    wanted = Q()
    for model, ids in (
        (User, [user.pk]),
        (Membership, [m.pk for m in memberships]),
        (Application, [a.pk for a in applications]),
        (Invitation, accepted),
        (Mentorship, [p.mentorship_id for p in pairs]),
    ):
        if ids:
            wanted |= Q(content_type=types[model], object_id__in=[str(pk) for pk in ids])
    return wanted


# --- mentorships and applications -------------------------------------------------------


def _mentorships_end(user: User, pairs: list[_Pair]) -> set[int]:
    """End every proposed or active mentorship of the person, as they would (the other
    mentee back in the pool), telling the other person in words that do not name them.
    Returns the ids of those it ended."""
    ended = set()
    for mentorship in Mentorship.objects.filter(
        pk__in=[p.mentorship_id for p in pairs], status__in=Mentorship.OPEN
    ).order_by("pk"):
        role = mentorship.role_of(user)
        mentorship_end(
            mentorship=mentorship,
            ended_by=user,
            reason=ENDED_BY_ERASURE.format(role=role),
            notify=False,
        )
        other = mentorship.mentor_id if role == "mentee" else mentorship.mentee_id
        outbox_add(
            handler=ERASURE_EMAIL,
            payload={"mentorship_id": mentorship.pk, "recipient_id": other},
            subject=("mentorship", mentorship.pk),
            scheme_id=mentorship.scheme_id,
        )
        ended.add(mentorship.pk)
    return ended


def _applications_erase(user: User, applications: list[Application], redactor: Redactor) -> None:
    """Withdraw the person's applications still under way (their mentorships are
    closed by now), then remove every answer of every application of theirs. Other
    people's applications lose the person's address as their line manager's, and
    the person among those they would not be matched with."""
    for application in applications:
        application.refresh_from_db(fields=["status"])
        if application.status in Application.EDITABLE:
            application_withdraw(application=application)
        application_erase(application=application)
    others = Application.objects.exclude(user=user)
    line_managers = Q()
    for address in redactor.addresses:
        line_managers |= Q(line_manager_email__iexact=address)
    if line_managers:
        others.filter(line_managers).update(line_manager_email="")
    named = Q()
    for needle in redactor.needles:
        named |= Q(avoid_people__icontains=needle)
    # A name names the person only if no other account has it: "Bob Jones" in someone's
    # list may be the other Bob Jones, who must stay avoided.
    name = " ".join(redactor.name.split())
    if name and User.objects.filter(name__iexact=name).exclude(pk=user.pk).exists():
        name = ""
    identities = {*redactor.addresses, name.casefold()} - {""}
    for pk, avoid in others.filter(named).values_list("pk", "avoid_people"):
        kept = [
            entry
            for entry in avoid or []
            if " ".join(str(entry).split()).casefold() not in identities
        ]
        if kept != avoid:
            Application.objects.filter(pk=pk).update(avoid_people=kept)


# --- the pair's space and sessions ------------------------------------------------------


def _pairs_erase(user: User, pairs: list[_Pair], ended: set[int], redactor: Redactor) -> None:
    """The person's words in their pairs' space and sessions go; what the figures read
    stays; what the other person and the coordinators wrote stays, without the
    person's full name or addresses."""
    ids = [p.mentorship_id for p in pairs]
    if not ids:
        return
    mine = Q(mentorship__mentee=user) | Q(mentorship__mentor=user)

    # Written together, with no record of who wrote which words: blanked.
    AgreementVersion.objects.filter(mentorship_id__in=ids).update(
        purpose="",
        success="",
        objectives=[],
        help_asked="",
        help_offered="",
        mentor_will_not="",
        confidentiality="",
        meeting_frequency="",
        meeting_format="",
        cancellations="",
        review="",
    )
    MentoringSession.objects.filter(mentorship_id__in=ids).update(agenda={})

    # Theirs, by author.
    Signature.objects.filter(signer=user).update(typed_name=ERASED)
    Target.objects.filter(goal__created_by=user).update(what=ERASED, measure=ERASED, achievable="")
    Goal.objects.filter(created_by=user).update(title=ERASED, why="", success_criteria="")
    ProgressEntry.objects.filter(author=user).update(comment="")
    Concern.objects.filter(raised_by=user).update(text=ERASED)
    MentoringSession.objects.filter(mine, summary_by=user).update(summary="")
    MentoringSession.objects.filter(mine, created_by=user).update(place="")
    MentoringSession.objects.filter(mine, cancelled_by=user).update(cancel_reason="")
    SessionAction.objects.filter(mentorship__mentee=user, owner="mentee").update(text=ERASED)
    SessionAction.objects.filter(mentorship__mentor=user, owner="mentor").update(text=ERASED)
    Reflection.objects.filter(author=user).delete()
    Evaluation.objects.filter(respondent=user).update(comments="")
    FinalReview.objects.filter(written_by=user).update(
        targets_met="", enjoyed="", difficult="", marking_end=""
    )
    Mentorship.objects.filter(pk__in=ids, declined_by=user).update(decline_reason="")
    Mentorship.objects.filter(pk__in=ids, ended_by=user).exclude(pk__in=ended).update(
        end_reason=REASON_ERASED
    )
    # Why the pair was matched quotes both people's answers, and a rule overridden
    # repeats what one asked for: the reasons go, the points and how many rules stay.
    for model, relation in ((Mentorship, Q(pk__in=ids)), (Proposal, _proposals_of(user))):
        fields = ["breakdown"] + (["overridden_constraints"] if model is Proposal else [])
        for row in model.objects.filter(relation).values("pk", *fields):
            changed = {"breakdown": breakdown_reasons_removed(row["breakdown"])}
            if model is Proposal:
                changed["overridden_constraints"] = sentences_removed(
                    row["overridden_constraints"], MARK
                )
            changed = {name: value for name, value in changed.items() if value != row[name]}
            if changed:
                model.objects.filter(pk=row["pk"]).update(**changed)

    # The other person's and the coordinators' own words stay, without the person.
    for queryset in (
        Goal.objects.filter(mentorship_id__in=ids),
        Target.objects.filter(goal__mentorship_id__in=ids),
        ProgressEntry.objects.filter(goal__mentorship_id__in=ids),
        Concern.objects.filter(mentorship_id__in=ids),
        StageMove.objects.filter(mentorship_id__in=ids),
        Mentorship.objects.filter(pk__in=ids),
        MentoringSession.objects.filter(mentorship_id__in=ids),
        SessionAction.objects.filter(mentorship_id__in=ids),
        Reflection.objects.filter(session__mentorship_id__in=ids),
        Evaluation.objects.filter(mentorship_id__in=ids),
        FinalReview.objects.filter(mentorship_id__in=ids),
        RiskHandling.objects.filter(mentorship_id__in=ids),
        Proposal.objects.filter(_proposals_of(user)),
        Signature.objects.filter(version__mentorship_id__in=ids),
    ):
        rows_redact(queryset, redactor)


def _proposals_of(user: User) -> Q:
    return Q(mentee__user=user) | Q(mentor__user=user)


# --- notifications, invitations, the outbox ----------------------------------------------


def _notifications_erase(user: User, addresses: set[str]) -> list[int]:
    """Delete the person's notifications (reminders) and their choices of them, and
    those kept for their addresses before they had an account. Returns the deleted
    reminders' ids."""
    by_address = Q()
    for address in addresses:
        by_address |= Q(recipient__iexact=f"email:{address}") | Q(email__iexact=address)
    reminders = Reminder.objects.filter(Q(user=user) | by_address)
    ids = list(reminders.values_list("pk", flat=True))
    reminders.delete()
    choices = Q()
    for address in addresses:
        choices |= Q(email__iexact=address)
    NotificationPreference.objects.filter(Q(user=user) | choices).delete()
    return ids


def _invitations_erase(user: User, addresses: set[str], now) -> list[int]:
    """The invitations to the person (by any of their addresses) stay, for the
    scheme's figures, each with a placeholder address of its own and no name; one
    still pending expires now, so that its link no longer works. Returns their ids."""
    to_them = Q(accepted_by=user)
    for address in addresses:
        to_them |= Q(email__iexact=address)
    ids = []
    for invitation in Invitation.objects.filter(to_them):
        updates: dict[str, Any] = {"email": erased_address(), "name": ""}
        if invitation.status == Invitation.Status.PENDING and invitation.expires_at > now:
            updates["expires_at"] = now
        Invitation.objects.filter(pk=invitation.pk).update(**updates)
        ids.append(invitation.pk)
    return ids


def _outbox_erase(
    user: User,
    addresses: set[str],
    applications: list[Application],
    invitations: list[int],
    reminders: list[int],
) -> None:
    """Delete the outbox's e-mails to the person alone (sent, waiting or failed): the
    welcome, their applications' e-mails, their invitations, their reminders, and
    allauth's account e-mails (which hold their address and links). The e-mails to
    several people (a pair's, the coordinators') stay; their records lose the
    person's addresses with every other table's (``addresses_redact_everywhere``)."""
    theirs = (
        Q(subject_type="user", subject_id=user.pk)
        | Q(subject_type="application", subject_id__in=[a.pk for a in applications])
        | Q(subject_type="invitation", subject_id__in=invitations)
        | Q(subject_type="reminder", subject_id__in=reminders)
    )
    OutboxMessage.objects.filter(theirs).delete()
    addressed = Q()
    for address in addresses:
        addressed |= Q(payload__icontains=address)
    if not addressed:
        return
    for pk, payload in OutboxMessage.objects.filter(addressed, handler=ACCOUNT_EMAIL).values_list(
        "pk", "payload"
    ):
        to = {str(a).lower() for a in (payload or {}).get("to", [])}
        if to & addresses:
            OutboxMessage.objects.filter(pk=pk).delete()


# --- the account --------------------------------------------------------------------------


def _sign_ins_erase(user: User, addresses: set[str]) -> None:
    """Everything that signs the person in or names them to allauth: their addresses
    (and confirmations), two-factor authenticators, single sign-on links, their
    browser sessions (and any other session holding one of their addresses, such as
    a coordinator's import preview), imports waiting with their address in them, and
    the copies of their data."""
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    # allauth's record of each signed-in browser: its address and browser.
    UserSession.objects.filter(user=user).delete()
    finder = Redactor(addresses=addresses)
    stale = []
    for session in Session.objects.all().iterator():
        data = session.get_decoded()
        if str(data.get("_auth_user_id", "")) == str(user.pk) or finder.finds(
            repr(data) if data else ""
        ):
            stale.append(session.pk)
    Session.objects.filter(pk__in=stale).delete()
    ImportUpload.objects.filter(uploaded_by=user).delete()
    for upload in ImportUpload.objects.all().only("pk", "data"):
        if finder.finds(bytes(upload.data).decode("utf-8", errors="replace")):
            upload.delete()
    exports = DataExport.objects.filter(user=user)
    files = []
    for export in exports.only("pk", "file_name"):
        if export.file_name:
            path = data_export_path(export)
            files += [path, private_file_part(path)]
    exports.delete()

    def delete_files() -> None:
        for path in files:
            path.unlink(missing_ok=True)

    if files:
        transaction.on_commit(delete_files)


def _account_anonymise(user: User) -> None:
    """The remainder: no name, a placeholder address, no password, no roles, closed."""
    Membership.objects.filter(user=user, role=Role.COORDINATOR).delete()
    user.name = ""
    user.email = erased_address()
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = user.is_superuser = user.is_report_viewer = False
    user.signup_next = user.signup_for = ""
    user.last_login = None
    user.full_clean(validate_unique=False)
    user.save()
    user.groups.clear()
    user.user_permissions.clear()


# --- the e-mail to the other person of a pair --------------------------------------------


def erasure_pair_email_send(*, mentorship_id: int, recipient_id: int) -> bool:
    """The outbox's handler of ``ERASURE_EMAIL``: tell ``recipient_id`` that the other
    person of the mentorship ``mentorship_id`` has left the scheme, so it has ended
    (never who: they knew, and the account is erased). Nothing goes to a closed
    account. Returns whether a message was sent."""
    mentorship = Mentorship.objects.select_related("scheme").filter(pk=mentorship_id).first()
    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    if mentorship is None or recipient is None:
        return False
    role = mentorship.role_of(recipient)
    if role is None:
        return False
    send_email(
        name="erasure_pair_ended",
        to=[recipient.email],
        context={
            "user": recipient,
            "scheme": mentorship.scheme,
            "mentorship": mentorship,
            "role": role,
            "other_role": "mentor" if role == "mentee" else "mentee",
            "started": mentorship.started_at is not None,
        },
    )
    return True
