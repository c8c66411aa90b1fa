"""Every change to invitations: invite one person or a CSV list, resend, revoke, accept."""

import csv
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from mentoring.emails import send_email
from mentoring.outbox import outbox_add, outbox_add_many
from mentoring.validators import clean_cells, csv_rows, shown_cells
from schemes.models import Application, Invitation, Membership, Role, Scheme
from schemes.services.applications import application_start
from schemes.services.schemes import membership_add, role_change_record

# The outbox handler of an invitation's e-mail (registered in ``SchemesConfig.ready``).
INVITATION_EMAIL = "schemes.invitation"
MAX_ROWS = 5000
# A hyphen, a hyphen sign, an en dash and an em dash.
PLACEHOLDER_DASHES = "-\u2010\u2013\u2014"
BATCH_SIZE = 500
ROLE_WORDS = {
    "mentee": Role.MENTEE,
    "mentor": Role.MENTOR,
    "coordinator": Role.COORDINATOR,
}


@dataclass(frozen=True)
class InvitationRow:
    line: int
    name: str
    email: str
    role: str


@dataclass
class RejectedRow:
    line: int
    values: list[str]
    reason: str


@dataclass
class InvitationPreview:
    """What an upload would do: the rows that would be invited and those that would not."""

    valid: list[InvitationRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    error: str = ""  # a problem with the whole file


@dataclass(frozen=True)
class _Taken:
    """Who already holds, has applied for or has a live invitation to each role of a
    scheme, as (lower-case e-mail, role) pairs: read once, so that checking a file of
    thousands of rows costs three queries rather than three a row."""

    members: frozenset[tuple[str, str]]
    applied: frozenset[tuple[str, str]]
    invited: frozenset[tuple[str, str]]


def _taken(scheme: Scheme, email: str | None = None) -> _Taken:
    members = Membership.objects.filter(scheme=scheme)
    applied = Application.objects.filter(scheme=scheme).exclude(status=Application.Status.WITHDRAWN)
    invited = Invitation.objects.filter(
        scheme=scheme, status=Invitation.Status.PENDING, expires_at__gt=timezone.now()
    )
    if email is not None:
        members = members.filter(user__email__iexact=email)
        applied = applied.filter(user__email__iexact=email)
        invited = invited.filter(email__iexact=email)

    def pairs(rows):
        return frozenset((address.lower(), role) for address, role in rows)

    return _Taken(
        members=pairs(members.values_list("user__email", "role")),
        applied=pairs(applied.values_list("user__email", "role")),
        invited=pairs(invited.values_list("email", "role")),
    )


def _problem(email: str, role: str, taken: _Taken) -> str:
    try:
        validate_email(email)
    except ValidationError:
        return "not a valid e-mail address"
    max_length = Invitation._meta.get_field("email").max_length
    if max_length is not None and len(email) > max_length:
        return "not a valid e-mail address (it is too long)"
    if role not in Role.values:
        return "the role must be mentee, mentor or coordinator"
    label = Role(role).label.lower()
    key = (email.lower(), role)
    if key in taken.members:
        return f"already a {label} in this scheme"
    if key in taken.applied:
        return f"has already applied as a {label}"
    if key in taken.invited:
        return f"already invited as a {label}"
    return ""


def invitation_problem(*, scheme: Scheme, email: str, role: str) -> str:
    """Why ``email`` cannot be invited to ``scheme`` as ``role``, or "" if it can."""
    return _problem(email, role, _taken(scheme, email=email))


@transaction.atomic
def invitation_create(*, scheme: Scheme, email: str, role: str, invited_by, name: str = ""):
    """Invite one person, and e-mail them the link."""
    email = email.strip().lower()
    problem = invitation_problem(scheme=scheme, email=email, role=role)
    if problem:
        raise ValidationError({"email": f"{email or 'This address'}: {problem}."})
    # An expired invitation for the same person and role gives way to the new one.
    Invitation.objects.filter(
        scheme=scheme, email__iexact=email, role=role, status=Invitation.Status.PENDING
    ).update(status=Invitation.Status.REVOKED)
    invitation = Invitation(
        scheme=scheme,
        email=email,
        name=name.strip(),
        role=role,
        invited_by=invited_by,
        expires_at=_expiry(),
    )
    invitation.full_clean()
    invitation.save()
    _email(invitation)
    return invitation


def invitations_preview(*, scheme: Scheme, text: str) -> InvitationPreview:
    """Check every row of a CSV of name, e-mail and role without changing anything.

    Cells may be separated by commas, semicolons or tabs (read from the file). A header
    row is optional (recognised by an "email" column). Rows are rejected for a
    bad e-mail address, an unknown role, a duplicate in the file, or someone already in
    the scheme or already invited.
    """
    preview = InvitationPreview()
    try:
        rows = list(csv_rows(text))
    except csv.Error as error:
        preview.error = f"The file could not be read as CSV: {error}."
        return preview
    if not rows:
        preview.error = "The file is empty: it needs one row per person: name, e-mail, role."
        return preview
    columns = {"name": 0, "email": 1, "role": 2}
    header = [c.strip().lower().replace("-", "") for c in rows[0][1]]
    if "email" in header:
        missing = {"name", "email", "role"} - set(header)
        if missing:
            preview.error = f"The header has no {', '.join(sorted(missing))} column."
            return preview
        columns = {key: header.index(key) for key in columns}
        rows = rows[1:]
        if not rows:
            preview.error = (
                "The file has a header row but nobody under it: add one row per person "
                "(name, e-mail, role) below the header."
            )
            return preview
    if len(rows) > MAX_ROWS:
        preview.error = f"The file has {len(rows)} rows; upload at most {MAX_ROWS} at a time."
        return preview
    seen = set()
    taken = _taken(scheme)
    width = max(columns.values()) + 1
    name_length = Invitation._meta.get_field("name").max_length
    for line, cells in rows:
        try:
            row = clean_cells(cells)
        except ValidationError as error:
            preview.rejected.append(RejectedRow(line, shown_cells(cells), error.messages[0]))
            continue
        if len(row) < width:
            preview.rejected.append(
                RejectedRow(line, row, "needs three columns: name, e-mail and role")
            )
            continue
        name = " ".join(row[columns["name"]].split())
        if not name.strip(PLACEHOLDER_DASHES):
            # A spreadsheet's "-" or "—" for an empty cell is no name, not a name.
            name = ""
        email = row[columns["email"]].strip().lower()
        role = ROLE_WORDS.get(row[columns["role"]].strip().lower(), row[columns["role"]].strip())
        problem = _problem(email, role, taken)
        if not problem and name_length is not None and len(name) > name_length:
            problem = f"the name is longer than {name_length} characters"
        if not problem and (email, role) in seen:
            problem = "appears more than once in this file"
        if problem:
            preview.rejected.append(RejectedRow(line, row, problem))
            continue
        seen.add((email, role))
        preview.valid.append(InvitationRow(line, name, email, role))
    return preview


@transaction.atomic
def invitations_import(*, scheme: Scheme, text: str, invited_by) -> list[Invitation]:
    """Invite every valid row of the CSV in one transaction (all or none of them), and
    e-mail each person. The rows are checked again: the file may have been previewed
    before someone else changed the scheme."""
    preview = invitations_preview(scheme=scheme, text=text)
    if preview.error:
        raise ValidationError(preview.error)
    if not preview.valid:
        raise ValidationError("No row of the file can be invited.")
    return invitations_bulk_create(scheme=scheme, rows=preview.valid, invited_by=invited_by)


@transaction.atomic
def invitations_bulk_create(
    *, scheme: Scheme, rows: list[InvitationRow], invited_by
) -> list[Invitation]:
    """Invite each of ``rows`` (checked by the caller) in a fixed number of queries,
    and e-mail each person. A pending invitation for the same person and role gives way
    to the new one (the invitation preview refuses rows with a live one, so for it any
    pending one left has expired; an import replaces a live one with its own)."""
    wanted = {(row.email, row.role) for row in rows}
    stale = [
        pk
        for pk, email, role in Invitation.objects.filter(
            scheme=scheme, status=Invitation.Status.PENDING
        ).values_list("pk", "email", "role")
        if (email.lower(), role) in wanted
    ]
    for start in range(0, len(stale), BATCH_SIZE):
        Invitation.objects.filter(pk__in=stale[start : start + BATCH_SIZE]).update(
            status=Invitation.Status.REVOKED
        )
    expires_at = _expiry()
    invitations = [
        Invitation(
            scheme=scheme,
            email=row.email,
            name=row.name,
            role=row.role,
            invited_by=invited_by,
            expires_at=expires_at,
        )
        for row in rows
    ]
    for invitation in invitations:
        # Uniqueness was checked by the caller (and the database constraint still
        # guards against a concurrent invitation); skip a query per row.
        invitation.full_clean(validate_unique=False, validate_constraints=False)
    Invitation.objects.bulk_create(invitations, batch_size=BATCH_SIZE)
    outbox_add_many(
        handler=INVITATION_EMAIL,
        payloads=[{"invitation_id": invitation.pk} for invitation in invitations],
        subjects=[("invitation", invitation.pk) for invitation in invitations],
        scheme_id=scheme.pk,
    )
    return invitations


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    """Send the invitation again, with its link valid for another full period."""
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(
            f"This invitation is {invitation.get_status_display().lower()}: it cannot be resent."
        )
    invitation.expires_at = _expiry()
    invitation.save(update_fields=["expires_at", "updated_at"])
    _email(invitation)
    return invitation


def _email(invitation: Invitation) -> None:
    """E-mail the invitation's link once the transaction commits, through the outbox."""
    outbox_add(
        handler=INVITATION_EMAIL,
        payload={"invitation_id": invitation.pk},
        subject=("invitation", invitation.pk),
        scheme_id=invitation.scheme_id,
    )


def invitation_email_send(*, invitation_id: int) -> bool:
    """E-mail the link of the invitation ``invitation_id`` (the background part of
    inviting and resending) and count the sending. Returns whether a message was sent:
    nothing goes for an invitation revoked or taken up since."""
    invitation = (
        Invitation.objects.select_related("scheme", "invited_by")
        .filter(pk=invitation_id, status=Invitation.Status.PENDING)
        .first()
    )
    if invitation is None:
        return False
    # An invitation made by an import leads to a draft holding the imported answers.
    imported = Application.objects.filter(invitation=invitation, imported=True).exists()
    send_email(
        name="invitation",
        to=[invitation.email],
        context={"invitation": invitation, "imported": imported},
    )
    Invitation.objects.filter(pk=invitation_id).update(
        sent_at=timezone.now(), send_count=F("send_count") + 1
    )
    return True


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Withdraw an invitation: its link stops working at once."""
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(
            f"This invitation is {invitation.get_status_display().lower()}: it cannot be revoked."
        )
    invitation.status = Invitation.Status.REVOKED
    invitation.save(update_fields=["status", "updated_at"])
    return invitation


def invitation_acceptance_problem(*, invitation: Invitation, user=None) -> str:
    """Why ``user`` cannot take up ``invitation`` now, or "" if they can. Without a
    signed-in ``user``, only whether the invitation can still be used at all."""
    signed_in = user is not None and user.is_authenticated
    if invitation.status == Invitation.Status.REVOKED:
        return "This invitation has been withdrawn by the scheme's coordinators."
    if invitation.status == Invitation.Status.ACCEPTED and (
        not signed_in or invitation.accepted_by_id != user.pk
    ):
        return "This invitation has already been used."
    if invitation.status == Invitation.Status.PENDING and invitation.is_expired:
        return "This invitation has expired. Ask the scheme's coordinators to send it again."
    if signed_in and not _has_address(user, invitation.email):
        return (
            f"This invitation was sent to {invitation.email}. Sign in with that address to use it."
        )
    return ""


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Application | None:
    """``user`` takes up ``invitation``: a coordinator gets the role at once; a mentor
    or mentee gets a draft application to fill in (returned). Following the link again
    later resumes the same draft."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    problem = invitation_acceptance_problem(invitation=invitation, user=user)
    if problem:
        raise ValidationError(problem)
    application = None
    if invitation.role == Role.COORDINATOR:
        held = Membership.objects.filter(
            scheme=invitation.scheme, user=user, role=Role.COORDINATOR
        ).exists()
        membership = membership_add(scheme=invitation.scheme, user=user, role=Role.COORDINATOR)
        if not held:
            # The person who took the invitation up acted; the one who sent it is kept.
            role_change_record(
                by=user,
                membership=membership,
                change="added",
                invitation=invitation.pk,
                invited_by=invitation.invited_by_id,
            )
    else:
        application = application_start(
            scheme=invitation.scheme, user=user, role=invitation.role, invitation=invitation
        )
    if invitation.status == Invitation.Status.PENDING:
        invitation.status = Invitation.Status.ACCEPTED
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["status", "accepted_at", "accepted_by", "updated_at"])
    return application


def _has_address(user, email: str) -> bool:
    return user.email.lower() == email.lower() or (
        user.emailaddress_set.filter(email__iexact=email, verified=True).exists()
    )


def _expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
