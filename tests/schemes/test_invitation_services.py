"""Invitations: one by one, from a CSV, resend, revoke and accept."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from schemes.models import Application, Invitation, Membership, Role
from schemes.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_email_send,
    invitation_resend,
    invitation_revoke,
    invitations_import,
    invitations_preview,
)
from tests.factories import ApplicationFactory, InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _reasons(preview):
    return {row.line: row.reason for row in preview.rejected}


# --- invitation_create ---------------------------------------------------------------------


def test_inviting_someone_saves_a_pending_invitation_and_emails_the_link(
    scheme, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            scheme=scheme,
            email=" Asha.Patel@Example.org ",
            role=Role.MENTEE,
            name="Asha Patel",
            invited_by=coordinator,
        )
    invitation.refresh_from_db()
    assert invitation.email == "asha.patel@example.org"
    assert invitation.status == Invitation.Status.PENDING
    assert invitation.send_count == 1 and invitation.sent_at is not None
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["asha.patel@example.org"]
    assert invitation.get_absolute_url() in mail.outbox[0].body


def test_a_bad_email_address_is_refused(scheme, coordinator):
    with pytest.raises(ValidationError) as error:
        invitation_create(
            scheme=scheme, email="not-an-address", role="mentee", invited_by=coordinator
        )
    assert "not a valid e-mail address" in error.value.message_dict["email"][0]
    assert not Invitation.objects.exists()


def test_someone_already_in_the_scheme_in_that_role_is_refused(scheme, mentor, coordinator):
    with pytest.raises(ValidationError, match="already a mentor in this scheme"):
        invitation_create(
            scheme=scheme, email="MENTOR@example.org", role="mentor", invited_by=coordinator
        )


def test_a_member_can_be_invited_to_another_role(scheme, mentor, coordinator):
    invitation = invitation_create(
        scheme=scheme, email="mentor@example.org", role="coordinator", invited_by=coordinator
    )
    assert invitation.role == Role.COORDINATOR


def test_someone_who_already_applied_is_refused(scheme, coordinator):
    ApplicationFactory(scheme=scheme, role=Role.MENTEE, user__email="applied@example.org")
    with pytest.raises(ValidationError, match="has already applied as a mentee"):
        invitation_create(
            scheme=scheme, email="applied@example.org", role="mentee", invited_by=coordinator
        )


def test_someone_who_withdrew_their_application_can_be_invited_again(scheme, coordinator):
    ApplicationFactory(
        scheme=scheme,
        role=Role.MENTEE,
        user__email="withdrew@example.org",
        status=Application.Status.WITHDRAWN,
    )
    assert invitation_create(
        scheme=scheme, email="withdrew@example.org", role="mentee", invited_by=coordinator
    ).pk


def test_someone_already_invited_is_refused(scheme, invitation, coordinator):
    with pytest.raises(ValidationError, match="already invited as a mentee"):
        invitation_create(
            scheme=scheme, email="Invitee@example.org", role="mentee", invited_by=coordinator
        )
    assert scheme.invitations.count() == 1


def test_an_expired_invitation_gives_way_to_a_new_one(scheme, invitation, coordinator):
    invitation.expires_at = timezone.now() - timedelta(days=1)
    invitation.save()
    new = invitation_create(
        scheme=scheme, email="invitee@example.org", role="mentee", invited_by=coordinator
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    assert new.status == Invitation.Status.PENDING and new.token != invitation.token


# --- invitations_preview --------------------------------------------------------------------


def test_preview_reads_rows_without_a_header(scheme):
    preview = invitations_preview(
        scheme=scheme,
        text="Asha Patel,asha@example.org,mentee\nTom Reid,TOM@example.org,Mentor\n",
    )
    assert preview.error == "" and preview.rejected == []
    assert [(r.line, r.name, r.email, r.role) for r in preview.valid] == [
        (1, "Asha Patel", "asha@example.org", Role.MENTEE),
        (2, "Tom Reid", "tom@example.org", Role.MENTOR),
    ]


def test_preview_reads_a_header_in_any_column_order_and_a_byte_order_mark(scheme):
    preview = invitations_preview(
        scheme=scheme, text="\ufeffRole,E-mail,Name\r\ncoordinator,grace@example.org,Grace\r\n"
    )
    assert [(r.line, r.name, r.email, r.role) for r in preview.valid] == [
        (2, "Grace", "grace@example.org", Role.COORDINATOR)
    ]


def test_preview_rejects_each_bad_row_with_its_line_and_reason(scheme, mentor, invitation):
    ApplicationFactory(scheme=scheme, role=Role.MENTEE, user__email="applied@example.org")
    text = "\n".join(
        [
            "name,email,role",
            "Good Person,good@example.org,mentee",  # 2
            "No Role,norole@example.org",  # 3
            "Bad Address,not-an-address,mentee",  # 4
            "Odd Role,odd@example.org,trainer",  # 5
            "Twice,good@example.org,MENTEE",  # 6
            "Member,mentor@example.org,mentor",  # 7
            "Applied,applied@example.org,mentee",  # 8
            "Invited,invitee@example.org,mentee",  # 9
            "Same person other role,good@example.org,mentor",  # 10
        ]
    )
    preview = invitations_preview(scheme=scheme, text=text)
    assert [row.line for row in preview.valid] == [2, 10]
    assert _reasons(preview) == {
        3: "needs three columns: name, e-mail and role",
        4: "not a valid e-mail address",
        5: "the role must be mentee, mentor or coordinator",
        6: "appears more than once in this file",
        7: "already a mentor in this scheme",
        8: "has already applied as a mentee",
        9: "already invited as a mentee",
    }
    rejected = {row.line: row.values for row in preview.rejected}
    assert rejected[4] == ["Bad Address", "not-an-address", "mentee"]


def test_preview_checks_the_scheme_in_a_few_queries_whatever_the_size(
    scheme, django_assert_max_num_queries
):
    text = "".join(f"Person {n},person{n}@example.org,mentee\n" for n in range(300))
    with django_assert_max_num_queries(3):
        preview = invitations_preview(scheme=scheme, text=text)
    assert len(preview.valid) == 300


def test_preview_rejects_a_name_too_long_for_an_invitation(scheme):
    preview = invitations_preview(scheme=scheme, text=f"{'x' * 151},long@example.org,mentee")
    assert _reasons(preview) == {1: "the name is longer than 150 characters"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty"),
        ("\n \n,,\n", "The file is empty"),
        ("name,email\nAsha,asha@example.org\n", "The header has no role column."),
    ],
)
def test_preview_reports_a_problem_with_the_whole_file(scheme, text, message):
    preview = invitations_preview(scheme=scheme, text=text)
    assert preview.error.startswith(message)
    assert preview.valid == [] and preview.rejected == []


def test_preview_refuses_too_many_rows(scheme, monkeypatch):
    monkeypatch.setattr("schemes.services.invitations.MAX_ROWS", 2)
    preview = invitations_preview(
        scheme=scheme, text="a,a@example.org,mentee\nb,b@example.org,mentee\nc,c@example.org,mentee"
    )
    assert preview.error == "The file has 3 rows; upload at most 2 at a time."


def test_preview_changes_nothing(scheme):
    invitations_preview(scheme=scheme, text="Asha,asha@example.org,mentee")
    assert not Invitation.objects.exists()


# --- invitations_import ---------------------------------------------------------------------


def test_import_invites_every_valid_row_and_emails_each_person_once(
    scheme, coordinator, django_capture_on_commit_callbacks
):
    text = "Asha,asha@example.org,mentee\nTom,tom@example.org,mentor\nBad,nope,mentee\n"
    with django_capture_on_commit_callbacks(execute=True):
        invitations = invitations_import(scheme=scheme, text=text, invited_by=coordinator)
    assert {(i.email, i.role, i.name) for i in invitations} == {
        ("asha@example.org", Role.MENTEE, "Asha"),
        ("tom@example.org", Role.MENTOR, "Tom"),
    }
    saved = Invitation.objects.filter(scheme=scheme)
    assert saved.count() == 2
    assert all(i.invited_by == coordinator and i.send_count == 1 for i in saved)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "asha@example.org",
        "tom@example.org",
    ]


def test_import_is_all_or_nothing(scheme, coordinator, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Invitation.objects, "bulk_create", fail)
    scheme.invitations.create(
        email="old@example.org", role="mentee", expires_at=timezone.now() - timedelta(days=1)
    )
    with pytest.raises(RuntimeError):
        invitations_import(
            scheme=scheme,
            text="Old,old@example.org,mentee\nNew,new@example.org,mentee",
            invited_by=coordinator,
        )
    # The expired invitation that would have given way is untouched too.
    assert list(scheme.invitations.values_list("email", "status")) == [
        ("old@example.org", Invitation.Status.PENDING)
    ]


def test_import_replaces_expired_invitations_of_the_same_people(scheme, coordinator):
    old = InvitationFactory(
        scheme=scheme, email="old@example.org", expires_at=timezone.now() - timedelta(days=1)
    )
    invitations_import(scheme=scheme, text="Old,old@example.org,mentee", invited_by=coordinator)
    old.refresh_from_db()
    assert old.status == Invitation.Status.REVOKED
    assert scheme.invitations.filter(email="old@example.org", status="pending").count() == 1


def test_import_checks_the_rows_again(scheme, coordinator):
    text = "Asha,asha@example.org,mentee"
    assert invitations_preview(scheme=scheme, text=text).valid
    invitation_create(
        scheme=scheme, email="asha@example.org", role="mentee", invited_by=coordinator
    )
    with pytest.raises(ValidationError, match="No row of the file can be invited"):
        invitations_import(scheme=scheme, text=text, invited_by=coordinator)
    assert scheme.invitations.count() == 1


def test_import_of_a_file_with_a_whole_file_error_is_refused(scheme, coordinator):
    with pytest.raises(ValidationError, match="The header has no"):
        invitations_import(scheme=scheme, text="email\nx@example.org", invited_by=coordinator)


# --- resend and revoke ----------------------------------------------------------------------


def test_resending_extends_the_link_and_sends_the_email_again(
    invitation, django_capture_on_commit_callbacks
):
    invitation.expires_at = timezone.now() - timedelta(days=2)
    invitation.send_count = 1
    invitation.save()
    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    assert invitation.is_usable
    assert invitation.send_count == 2
    assert [message.to for message in mail.outbox] == [["invitee@example.org"]]


def test_a_revoked_invitation_cannot_be_resent(invitation, django_capture_on_commit_callbacks):
    invitation_revoke(invitation=invitation)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError, match="revoked: it cannot be resent"),
    ):
        invitation_resend(invitation=invitation)
    assert mail.outbox == []


# --- invitation_email_send (the background part of inviting and resending) ---------------


def test_the_email_service_sends_the_link_and_counts_the_sending(invitation):
    before = timezone.now()
    assert invitation_email_send(invitation_id=invitation.pk) is True
    invitation.refresh_from_db()
    assert invitation.send_count == 1
    assert invitation.sent_at >= before
    (message,) = mail.outbox
    assert message.to == ["invitee@example.org"]
    assert invitation.get_absolute_url() in message.body


@pytest.mark.parametrize("status", [Invitation.Status.REVOKED, Invitation.Status.ACCEPTED])
def test_the_email_service_sends_nothing_for_an_invitation_no_longer_pending(invitation, status):
    Invitation.objects.filter(pk=invitation.pk).update(status=status)
    assert invitation_email_send(invitation_id=invitation.pk) is False
    invitation.refresh_from_db()
    assert invitation.send_count == 0 and invitation.sent_at is None
    assert mail.outbox == []


def test_the_email_service_sends_nothing_for_a_deleted_invitation(invitation):
    invitation_id = invitation.pk
    invitation.delete()
    assert invitation_email_send(invitation_id=invitation_id) is False
    assert mail.outbox == []


def test_revoking_stops_the_link_working(invitation, outsider):
    invitation_revoke(invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    assert invitation.state_label == "Revoked"
    with pytest.raises(ValidationError, match="withdrawn"):
        invitation_accept(invitation=invitation, user=outsider)


def test_an_invitation_cannot_be_revoked_twice(invitation):
    invitation_revoke(invitation=invitation)
    with pytest.raises(ValidationError, match="cannot be revoked"):
        invitation_revoke(invitation=invitation)


# --- invitation_accept ----------------------------------------------------------------------


@pytest.fixture
def invitee(db):
    return UserFactory(email="invitee@example.org")


def test_accepting_a_coordinator_invitation_grants_the_role(scheme):
    person = UserFactory(email="new.coordinator@example.org")
    invitation = InvitationFactory(scheme=scheme, email=person.email, role=Role.COORDINATOR)
    assert invitation_accept(invitation=invitation, user=person) is None
    assert Membership.objects.filter(scheme=scheme, user=person, role=Role.COORDINATOR).exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.accepted_by == person and invitation.accepted_at is not None


def test_accepting_as_a_participant_starts_a_draft_application(scheme, invitation, invitee):
    application = invitation_accept(invitation=invitation, user=invitee)
    assert application.status == Application.Status.DRAFT
    assert (application.scheme, application.user, application.role) == (
        scheme,
        invitee,
        Role.MENTEE,
    )
    assert application.invitation == invitation
    invitation.refresh_from_db()
    assert invitation.state_label == "Accepted"


def test_following_the_link_twice_resumes_the_same_draft(invitation, invitee):
    first = invitation_accept(invitation=invitation, user=invitee)
    second = invitation_accept(invitation=invitation, user=invitee)
    assert first.pk == second.pk
    assert Application.objects.count() == 1


def test_an_invitation_used_by_one_person_cannot_be_used_by_another(invitation, invitee):
    invitation_accept(invitation=invitation, user=invitee)
    other = UserFactory(email="other@example.org")
    EmailAddress.objects.create(user=other, email="invitee@example.org", verified=False)
    with pytest.raises(ValidationError, match="already been used"):
        invitation_accept(invitation=invitation, user=other)


def test_an_invitation_sent_to_another_address_is_refused(invitation, outsider):
    with pytest.raises(ValidationError, match=r"sent to invitee@example\.org"):
        invitation_accept(invitation=invitation, user=outsider)
    assert not Application.objects.exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_a_verified_second_address_of_the_person_is_accepted(invitation, outsider):
    EmailAddress.objects.create(user=outsider, email="Invitee@example.org", verified=True)
    assert invitation_accept(invitation=invitation, user=outsider).user == outsider


def test_an_unverified_second_address_is_not_enough(invitation, outsider):
    EmailAddress.objects.create(user=outsider, email="invitee@example.org", verified=False)
    with pytest.raises(ValidationError, match=r"sent to invitee@example\.org"):
        invitation_accept(invitation=invitation, user=outsider)


def test_an_expired_invitation_cannot_be_accepted(invitation, invitee):
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()
    with pytest.raises(ValidationError, match="expired"):
        invitation_accept(invitation=invitation, user=invitee)
    assert not Application.objects.exists()


def test_a_revoked_invitation_cannot_be_accepted(invitation, invitee):
    invitation_revoke(invitation=invitation)
    with pytest.raises(ValidationError, match="withdrawn"):
        invitation_accept(invitation=invitation, user=invitee)


def test_accepting_after_the_window_closed_is_refused_and_the_invitation_stays_pending(
    scheme, invitation, invitee
):
    scheme.status = scheme.Status.CLOSED
    scheme.save()
    with pytest.raises(ValidationError, match="not taking applications"):
        invitation_accept(invitation=invitation, user=invitee)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_accepting_after_applying_already_is_refused(scheme, invitation, invitee):
    ApplicationFactory(
        scheme=scheme, user=invitee, role=Role.MENTEE, status=Application.Status.SUBMITTED
    )
    with pytest.raises(ValidationError, match="already applied"):
        invitation_accept(invitation=invitation, user=invitee)


def test_a_coordinator_invitation_to_a_member_keeps_their_other_roles(scheme):
    membership = MembershipFactory(scheme=scheme, role=Role.MENTOR, user__email="both@example.org")
    invitation = InvitationFactory(scheme=scheme, email="both@example.org", role="coordinator")
    invitation_accept(invitation=invitation, user=membership.user)
    assert set(
        Membership.objects.filter(scheme=scheme, user=membership.user).values_list(
            "role", flat=True
        )
    ) == {Role.MENTOR, Role.COORDINATOR}
