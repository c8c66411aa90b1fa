"""The audit trail: each audited action recorded once, by whom, where, on what, with
plain facts only (and nothing for an action refused); and its page and CSV file for the
site's administrators, with filters, pages and a fixed number of queries."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from dashboard.models import ExportLog
from matching.models import Mentorship, Proposal
from matching.services.mentorships import match_run_publish, mentorship_end
from matching.services.runs import proposal_add, proposal_pin, proposal_remove, proposal_swap
from mentoring.admin_site import SIGNED_IN_KEY
from mentoring.audit import audit_detail_text, audit_record, audit_record_many
from mentoring.models import AuditEntry
from mentoring.services import user_set_report_viewer
from schemes.admin import MembershipInline
from schemes.models import Application, Membership, Role, Scheme
from schemes.services.applications import (
    application_approve,
    applications_decide_bulk,
)
from schemes.services.invitations import invitation_accept
from schemes.services.schemes import scheme_create
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
    approved_mentee,
    approved_mentor,
)
from tests.html import Page, assert_accessible_page, text_beside, visible_text
from tests.matching.test_mentorships import finished_run

pytestmark = pytest.mark.django_db

Action = AuditEntry.Action
# Words a person wrote: they must never reach the trail.
WRITTEN = "ZQX-WRITTEN-4471 they did not get on"
AUDIT_URL = reverse("privacy:audit")
EXPORT_URL = reverse("privacy:audit_export")
SUBMITTED = Application.Status.SUBMITTED


def entries(action=None):
    found = AuditEntry.objects.order_by("pk")
    return list(found.filter(action=action) if action else found)


def only_entry(action):
    """The one entry of ``action``; fails when there is none or more than one."""
    (entry,) = entries(action)
    return entry


def assert_no_text(entry):
    assert WRITTEN not in json.dumps(entry.detail)
    assert "@" not in json.dumps(entry.detail)


# --- the record refuses anything but plain facts -------------------------------------


@pytest.mark.parametrize(
    "detail",
    [
        {"reason": WRITTEN},
        {"email": "mentee@example.org"},
        {"names": ["Ann", "Ann Smith"]},
        {"nested": {"note": "two words"}},
        {"when": datetime(2025, 1, 1, tzinfo=UTC)},
    ],
)
def test_the_detail_refuses_text_names_and_addresses(detail):
    with pytest.raises(ValueError, match="Audit detail"):
        audit_record(Action.MATCH_CHANGED, detail=detail)
    with pytest.raises(ValueError, match="Audit detail"):
        audit_record_many(Action.MATCH_CHANGED, subjects=[(UserFactory(), detail)])
    assert not AuditEntry.objects.exists()


def test_the_detail_keeps_identifiers_numbers_statuses_and_dates(coordinator):
    entry = audit_record(
        Action.MATCH_CHANGED,
        actor=coordinator,
        detail={"run": 3, "status_before": Role.MENTEE, "on": "2025-01-31", "ok": True},
    )
    entry.refresh_from_db()
    assert entry.detail == {"run": 3, "status_before": "mentee", "on": "2025-01-31", "ok": True}
    text = audit_detail_text(entry.detail)
    assert text == "ok: yes; on: 2025-01-31; run: 3; status before: mentee"


def test_an_unknown_action_is_refused():
    with pytest.raises(ValueError, match="not an audited action"):
        audit_record("match.deleted")


# --- matching ---------------------------------------------------------------------------


@pytest.fixture
def pair(scheme, mentee, mentor):
    return approved_mentee(scheme, user=mentee), approved_mentor(scheme, user=mentor)


def test_publishing_a_run_is_recorded_once(scheme, coordinator, pair):
    second = (approved_mentee(scheme), approved_mentor(scheme))
    run = finished_run(scheme, [pair, second])

    mentorships = match_run_publish(run=run, published_by=coordinator)

    entry = only_entry(Action.MATCH_PUBLISHED)
    assert (entry.actor, entry.scheme_id) == (coordinator, scheme.pk)
    assert (entry.subject_type, entry.subject_id) == ("matchrun", run.pk)
    assert (
        entry.detail
        == {"run": run.pk, "mentorships": len(mentorships)}
        == {
            "run": run.pk,
            "mentorships": 2,
        }
    )
    assert len(entries()) == 1


def test_a_refused_publication_records_nothing(scheme, coordinator, pair):
    run = finished_run(scheme, [pair])
    match_run_publish(run=run, published_by=coordinator)

    with pytest.raises(ValidationError, match="already been published"):
        match_run_publish(run=run, published_by=coordinator)
    assert len(entries(Action.MATCH_PUBLISHED)) == 1


def test_a_swap_within_the_rules_is_a_change_and_no_override(scheme, coordinator, proposal):
    carol = approved_mentor(scheme, "carol@example.org")
    before = proposal.mentor_id

    proposal_swap(proposal=proposal, mentor=carol, changed_by=coordinator)

    entry = only_entry(Action.MATCH_CHANGED)
    assert (entry.actor, entry.scheme_id) == (coordinator, scheme.pk)
    assert (entry.subject_type, entry.subject_id) == ("proposal", proposal.pk)
    assert entry.detail == {
        "change": "swapped",
        "run": proposal.run_id,
        "mentee_application": proposal.mentee_id,
        "mentor_before": before,
        "mentor_after": carol.pk,
    }
    assert not entries(Action.RULE_OVERRIDDEN)


def test_a_swap_that_breaks_a_rule_records_the_change_and_the_override_without_the_reason(
    scheme, coordinator, proposal
):
    # Same department as the mentee, who asked for someone from another one.
    housing = approved_mentor(scheme, "dan@example.org", department="Housing")

    proposal_swap(proposal=proposal, mentor=housing, changed_by=coordinator, reason=WRITTEN)

    change = only_entry(Action.MATCH_CHANGED)
    override = only_entry(Action.RULE_OVERRIDDEN)
    assert (override.actor, override.scheme_id, override.subject_id) == (
        coordinator,
        scheme.pk,
        proposal.pk,
    )
    assert override.detail == {
        "change": "swapped",
        "run": proposal.run_id,
        "mentee_application": proposal.mentee_id,
        "mentor_application": housing.pk,
        "rules_broken": 1,
        "mentor_full": False,
    }
    for entry in (change, override):
        assert_no_text(entry)
        assert "Housing" not in json.dumps(entry.detail)


def test_a_swap_refused_for_want_of_a_reason_records_nothing(scheme, coordinator, proposal):
    housing = approved_mentor(scheme, "dan@example.org", department="Housing")

    with pytest.raises(ValidationError):
        proposal_swap(proposal=proposal, mentor=housing, changed_by=coordinator, reason=" ")
    assert not AuditEntry.objects.exists()


def test_adding_removing_and_pinning_a_pair_are_changes(
    scheme, coordinator, match_run, proposal, unmatched
):
    carol = approved_mentor(scheme, "carol@example.org")

    added = proposal_add(
        run=match_run, mentee=unmatched.mentee, mentor=carol, changed_by=coordinator
    )
    proposal_pin(proposal=proposal, pinned=True, changed_by=coordinator)
    proposal_pin(proposal=proposal, pinned=True, changed_by=coordinator)  # no change
    proposal_remove(proposal=proposal, changed_by=coordinator)

    details = [e.detail for e in entries(Action.MATCH_CHANGED)]
    assert details == [
        {
            "change": "added",
            "run": match_run.pk,
            "mentee_application": unmatched.mentee_id,
            "mentor_after": carol.pk,
        },
        {
            "change": "pinned",
            "run": match_run.pk,
            "mentee_application": proposal.mentee_id,
            "mentor_application": proposal.mentor_id,
        },
        {
            "change": "removed",
            "run": match_run.pk,
            "mentee_application": proposal.mentee_id,
            "mentor_before": proposal.mentor_id,
        },
    ]
    subjects = [(e.subject_type, e.subject_id) for e in entries(Action.MATCH_CHANGED)]
    assert subjects == [("proposal", pk) for pk in (added.pk, proposal.pk, proposal.pk)]
    assert not Proposal.objects.filter(pk=proposal.pk).exists()


@pytest.mark.parametrize("who", ["mentee", "mentor", "coordinator"])
def test_ending_a_mentorship_is_recorded_with_the_role_of_who_ended_it(
    request, scheme, coordinator, mentorship, who
):
    person = request.getfixturevalue(who)

    mentorship_end(mentorship=mentorship, ended_by=person, reason=WRITTEN)

    entry = only_entry(Action.MATCH_ENDED)
    assert (entry.actor, entry.scheme_id) == (person, scheme.pk)
    assert (entry.subject_type, entry.subject_id) == ("mentorship", mentorship.pk)
    assert entry.detail == {
        "status_before": "proposed",
        "status_after": "ended",
        "ended_by_role": who,
    }
    assert_no_text(entry)


def test_an_ending_refused_records_nothing(scheme, outsider, mentee, mentorship):
    with pytest.raises(PermissionDenied):
        mentorship_end(mentorship=mentorship, ended_by=outsider, reason="No.")
    with pytest.raises(ValidationError):
        mentorship_end(mentorship=mentorship, ended_by=mentee, reason="  ")
    Mentorship.objects.filter(pk=mentorship.pk).update(status=Mentorship.Status.DECLINED)
    with pytest.raises(ValidationError, match="declined"):
        mentorship_end(mentorship=mentorship, ended_by=mentee, reason="Too late.")
    assert not AuditEntry.objects.exists()


# --- applications and roles --------------------------------------------------------------


def test_deciding_an_application_is_recorded_without_the_reason(
    scheme, coordinator, mentee_application
):
    application_approve(application=mentee_application, by=coordinator, reason=WRITTEN)

    entry = only_entry(Action.APPLICATION_DECIDED)
    assert (entry.actor, entry.scheme_id) == (coordinator, scheme.pk)
    assert (entry.subject_type, entry.subject_id) == ("application", mentee_application.pk)
    assert entry.detail == {
        "role": "mentee",
        "status_before": "submitted",
        "status_after": "approved",
        "bulk": False,
        "reason_given": True,
    }
    assert_no_text(entry)
    # The membership that comes with the approval is the decision's, not a role change.
    assert not entries(Action.ROLE_CHANGED)


def test_a_refused_decision_records_nothing(coordinator, mentee_application):
    application_approve(application=mentee_application, by=coordinator)
    with pytest.raises(ValidationError, match="already approved"):
        application_approve(application=mentee_application, by=coordinator)
    assert len(entries(Action.APPLICATION_DECIDED)) == 1


def test_a_bulk_decision_records_one_entry_per_application_decided(scheme, coordinator):
    waiting = ApplicationFactory.create_batch(3, scheme=scheme, status=SUBMITTED)
    declined = ApplicationFactory(scheme=scheme, status=Application.Status.DECLINED)

    result = applications_decide_bulk(
        scheme=scheme,
        applications=Application.objects.all(),
        status=Application.Status.DECLINED,
        by=coordinator,
    )

    assert result.decided == 3
    decided = entries(Action.APPLICATION_DECIDED)
    assert sorted(e.subject_id for e in decided) == sorted(a.pk for a in waiting)
    assert declined.pk not in {e.subject_id for e in decided}
    for entry in decided:
        assert (entry.actor, entry.scheme_id, entry.subject_type) == (
            coordinator,
            scheme.pk,
            "application",
        )
        assert entry.detail == {
            "role": "mentee",
            "status_before": "submitted",
            "status_after": "declined",
            "bulk": True,
            "reason_given": False,
        }


def test_a_bulk_decision_that_decides_nothing_records_nothing(scheme, coordinator):
    ApplicationFactory(scheme=scheme, status=Application.Status.DECLINED)
    with pytest.raises(ValidationError):
        applications_decide_bulk(
            scheme=scheme,
            applications=Application.objects.all(),
            status=Application.Status.DECLINED,
            by=coordinator,
        )
    assert not AuditEntry.objects.exists()


def test_creating_a_scheme_records_its_first_coordinator(outsider):
    scheme = scheme_create(name="Finance mentoring", coordinator=outsider)

    entry = only_entry(Action.ROLE_CHANGED)
    membership = Membership.objects.get(scheme=scheme, role=Role.COORDINATOR)
    assert (entry.actor, entry.scheme_id) == (outsider, scheme.pk)
    assert (entry.subject_type, entry.subject_id) == ("membership", membership.pk)
    assert entry.detail == {"user": outsider.pk, "role": "coordinator", "change": "added"}


def test_taking_up_a_coordinators_invitation_records_the_role_once(scheme, coordinator):
    person = UserFactory(email="newco@example.org")
    invitation = InvitationFactory(
        scheme=scheme, email=person.email, role=Role.COORDINATOR, invited_by=coordinator
    )

    invitation_accept(invitation=invitation, user=person)
    invitation_accept(invitation=invitation, user=person)  # following the link again

    entry = only_entry(Action.ROLE_CHANGED)
    assert (entry.actor, entry.scheme_id) == (person, scheme.pk)
    assert entry.detail == {
        "user": person.pk,
        "role": "coordinator",
        "change": "added",
        "invitation": invitation.pk,
        "invited_by": coordinator.pk,
    }


def test_a_participants_invitation_changes_no_role(scheme, coordinator):
    person = UserFactory(email="newbie@example.org")
    invitation = InvitationFactory(
        scheme=scheme, email=person.email, role=Role.MENTEE, invited_by=coordinator
    )
    invitation_accept(invitation=invitation, user=person)
    assert not AuditEntry.objects.exists()


def test_giving_and_taking_the_report_viewer_role_is_recorded(site_admin, outsider):
    user_set_report_viewer(user=outsider, is_report_viewer=True, by=site_admin)
    user_set_report_viewer(user=outsider, is_report_viewer=True, by=site_admin)  # no change
    user_set_report_viewer(user=outsider, is_report_viewer=False)

    given, taken = entries(Action.ROLE_CHANGED)
    assert (given.actor, given.scheme_id, given.subject_type, given.subject_id) == (
        site_admin,
        None,
        "user",
        outsider.pk,
    )
    assert given.detail == {
        "user": outsider.pk,
        "site_roles_given": ["report_viewer"],
        "site_roles_taken": [],
    }
    assert taken.actor is None
    assert taken.detail["site_roles_taken"] == ["report_viewer"]


# --- roles changed in the Django admin ---------------------------------------------------


def _user_form(user, **changes) -> dict:
    data = {
        "email": user.email,
        "name": user.name,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "09:00:00",
    }
    for role in ("is_report_viewer", "is_staff", "is_superuser"):
        if changes.get(role, getattr(user, role)):
            data[role] = "on"
    return data


def test_site_roles_changed_in_the_admin_are_recorded_once(client, site_admin, outsider):
    client.force_login(site_admin)
    url = reverse("admin:mentoring_user_change", args=[outsider.pk])

    response = client.post(url, _user_form(outsider, is_staff=True, is_report_viewer=True))
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post(url, {**_user_form(outsider, is_staff=True), "name": "Renamed"})
    assert response.status_code == 302

    given, taken = entries(Action.ROLE_CHANGED)
    assert (given.actor, given.subject_id) == (site_admin, outsider.pk)
    assert given.detail["site_roles_given"] == ["report_viewer", "staff"]
    assert taken.detail == {
        "user": outsider.pk,
        "site_roles_given": [],
        "site_roles_taken": ["report_viewer"],
    }


def test_memberships_added_changed_and_removed_in_the_admin_are_recorded(
    client, site_admin, scheme, outsider
):
    client.force_login(site_admin)
    response = client.post(
        reverse("admin:schemes_membership_add"),
        {"user": outsider.pk, "role": "coordinator", "scheme": scheme.pk},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=outsider)
    client.post(
        reverse("admin:schemes_membership_change", args=[membership.pk]),
        {"user": outsider.pk, "role": "mentor", "scheme": scheme.pk},
    )
    client.post(reverse("admin:schemes_membership_delete", args=[membership.pk]), {"post": "yes"})
    others = MembershipFactory.create_batch(2, scheme=scheme, role=Role.MENTEE)
    client.post(
        reverse("admin:schemes_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [m.pk for m in others], "post": "yes"},
    )

    recorded = entries(Action.ROLE_CHANGED)
    assert [e.detail["change"] for e in recorded] == [
        "added",
        "changed",
        "removed",
        "removed",
        "removed",
    ]
    assert all(e.actor == site_admin and e.scheme_id == scheme.pk for e in recorded)
    assert recorded[0].detail == {"user": outsider.pk, "role": "coordinator", "change": "added"}
    assert recorded[1].detail == {
        "user": outsider.pk,
        "role": "mentor",
        "change": "changed",
        "role_before": "coordinator",
        "user_before": outsider.pk,
        "scheme_before": scheme.pk,
    }
    assert recorded[2].subject_id == membership.pk
    assert {e.subject_id for e in recorded[3:]} == {m.pk for m in others}


def test_memberships_changed_on_the_schemes_admin_page_are_recorded(site_admin, scheme, outsider):
    kept = MembershipFactory(scheme=scheme, role=Role.MENTEE)
    dropped = MembershipFactory(scheme=scheme, role=Role.MENTOR)
    scheme_admin = admin.site._registry[Scheme]
    request = RequestFactory().post("/")
    request.user = site_admin
    formset_class = MembershipInline(Scheme, admin.site).get_formset(request, scheme)
    prefix = formset_class.get_default_prefix()
    data = {
        f"{prefix}-TOTAL_FORMS": "3",
        f"{prefix}-INITIAL_FORMS": "2",
        f"{prefix}-0-id": kept.pk,
        f"{prefix}-0-scheme": scheme.pk,
        f"{prefix}-0-user": kept.user_id,
        f"{prefix}-0-role": "coordinator",
        f"{prefix}-1-id": dropped.pk,
        f"{prefix}-1-scheme": scheme.pk,
        f"{prefix}-1-user": dropped.user_id,
        f"{prefix}-1-role": "mentor",
        f"{prefix}-1-DELETE": "on",
        f"{prefix}-2-scheme": scheme.pk,
        f"{prefix}-2-user": outsider.pk,
        f"{prefix}-2-role": "coordinator",
    }
    formset = formset_class(data, instance=scheme, prefix=prefix)
    assert formset.is_valid(), formset.errors

    scheme_admin.save_formset(request, None, formset, change=True)

    recorded = {e.detail["change"]: e for e in entries(Action.ROLE_CHANGED)}
    assert set(recorded) == {"changed", "removed", "added"}
    assert recorded["changed"].detail["role_before"] == "mentee"
    assert recorded["changed"].detail["role"] == "coordinator"
    assert recorded["removed"].subject_id == dropped.pk
    assert recorded["added"].detail["user"] == outsider.pk
    assert len(entries()) == 3


# --- exports --------------------------------------------------------------------------


def test_a_web_export_is_recorded_with_its_rows_once_sent(client, hr_viewer, scheme, mentee):
    client.force_login(hr_viewer)
    url = reverse("dashboard:export", kwargs={"report": "participants"})
    response = client.get(url, {"format": "csv", "scheme": "council", "department": "Hou sing"})
    b"".join(response.streaming_content)

    log = ExportLog.objects.get()
    entry = only_entry(Action.REPORT_EXPORTED)
    assert (entry.actor, entry.scheme_id) == (hr_viewer, scheme.pk)
    assert (entry.subject_type, entry.subject_id) == ("exportlog", log.pk)
    assert entry.detail == {
        "report": "participants",
        "format": "csv",
        "channel": "web",
        "rows": log.rows,
        "schemes": [scheme.pk],
        "named": False,
        "department_or_grade": True,
    }


def test_the_coordinators_applications_csv_is_recorded_with_its_rows(
    client, coordinator, scheme, mentee_application
):
    client.force_login(coordinator)
    url = reverse("schemes:applications_export", kwargs={"slug": scheme.slug})
    response = client.get(url)
    lines = b"".join(response.streaming_content).decode().splitlines()

    entry = only_entry(Action.REPORT_EXPORTED)
    assert (entry.actor, entry.scheme_id) == (coordinator, scheme.pk)
    assert entry.detail == {
        "report": "applications",
        "format": "csv",
        "filtered": False,
        "rows": len(lines) - 1,
    }


def test_a_background_export_is_recorded_when_its_file_is_written(
    client,
    hr_viewer,
    scheme,
    other_scheme,
    active_mentorship,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.EXPORT_BACKGROUND_ROWS = 0
    settings.EXPORTS_DIR = tmp_path
    client.force_login(hr_viewer)
    with django_capture_on_commit_callbacks(execute=True):
        url = reverse("dashboard:export", kwargs={"report": "mentorships"})
        client.get(url, {"format": "xlsx"})

    entry = only_entry(Action.REPORT_EXPORTED)
    assert entry.actor == hr_viewer
    assert entry.scheme_id is None  # several schemes: listed in the detail
    assert entry.detail["channel"] == "job"
    assert entry.detail["format"] == "xlsx"
    assert entry.detail["schemes"] == sorted([scheme.pk, other_scheme.pk])
    assert entry.detail["rows"] == 1


def test_a_command_line_export_is_recorded_as_the_systems(tmp_path, scheme):
    call_command(
        "export_report",
        "participants",
        "--scheme",
        "council",
        "--format",
        "csv",
        "--output",
        str(tmp_path / "p.csv"),
    )
    entry = only_entry(Action.REPORT_EXPORTED)
    assert entry.actor is None
    assert entry.detail["channel"] == "command"
    assert entry.detail["report"] == "participants"


# --- signing in to the admin -------------------------------------------------------------


def test_signing_in_to_the_admin_is_recorded_once_per_sign_in(client, site_admin):
    client.post(
        reverse("account_login"),
        {"login": site_admin.email, "password": PASSWORD, "next": "/admin/"},
    )
    assert client.get("/admin/").status_code == 200
    client.get("/admin/mentoring/user/")
    client.get("/admin/")

    entry = only_entry(Action.ADMIN_SIGNED_IN)
    assert (entry.actor, entry.subject_id) == (site_admin, site_admin.pk)
    assert entry.detail == {"superuser": True}
    assert client.session[SIGNED_IN_KEY] == client.session.session_key

    client.post(reverse("account_logout"))
    client.force_login(site_admin)
    client.get("/admin/")
    assert len(entries(Action.ADMIN_SIGNED_IN)) == 2


def test_signing_in_without_opening_the_admin_or_without_staff_rights_records_nothing(
    client, site_admin, coordinator
):
    client.force_login(site_admin)
    client.get(reverse("home"))
    client.force_login(coordinator)
    assert client.get("/admin/").status_code == 302
    assert not AuditEntry.objects.exists()


# --- the page ---------------------------------------------------------------------------


def record(action=Action.MATCH_CHANGED, *, actor=None, scheme=None, at=None, **detail):
    entry = audit_record(
        action,
        actor=actor,
        scheme_id=scheme.pk if scheme else None,
        subject_type="proposal",
        subject_id=7,
        detail=detail,
    )
    if at is not None:
        AuditEntry.objects.filter(pk=entry.pk).update(created_at=at)
    return entry


def test_the_page_lists_entries_newest_first_with_who_what_where_and_detail(
    client, site_admin, coordinator, scheme
):
    record(Action.MATCH_PUBLISHED, actor=coordinator, scheme=scheme, run=4, mentorships=2)
    record(Action.REPORT_EXPORTED, report="participants", channel="command")
    client.force_login(site_admin)

    response = client.get(AUDIT_URL)

    assert response.status_code == 200
    assert_accessible_page(Page(response.content.decode()))
    text = visible_text(response)
    assert "2 entries" in text
    assert [row.entry.action for row in response.context["rows"]] == [
        Action.REPORT_EXPORTED,
        Action.MATCH_PUBLISHED,
    ]
    assert f"{coordinator.display_name} {coordinator.email} Published matches" in text
    assert "Council staff mentoring proposal 7 mentorships: 2; run: 4" in text
    assert "The system Exported a report — proposal 7 channel: command; report: participants" in (
        text
    )


def test_times_are_shown_in_the_site_time_zone(client, site_admin):
    record(at=datetime(2025, 7, 1, 8, 30, tzinfo=UTC))
    client.force_login(site_admin)
    assert "1 Jul 2025, 09:30" in visible_text(client.get(AUDIT_URL))


def test_a_deleted_schemes_entries_say_so(client, site_admin):
    audit_record(Action.MATCH_ENDED, scheme_id=987654)
    client.force_login(site_admin)
    assert "A deleted scheme (id 987654)" in visible_text(client.get(AUDIT_URL))


def test_the_filters_narrow_the_list(client, site_admin, coordinator, scheme, other_scheme):
    record(Action.MATCH_PUBLISHED, actor=coordinator, scheme=scheme, run=1)
    record(Action.MATCH_CHANGED, actor=coordinator, scheme=other_scheme, run=2)
    record(Action.MATCH_CHANGED, actor=site_admin, scheme=scheme, run=3)
    record(Action.MATCH_CHANGED, scheme=scheme, run=4, at=datetime(2024, 1, 10, 12, tzinfo=UTC))
    client.force_login(site_admin)

    def runs(**query) -> list[int]:
        response = client.get(AUDIT_URL, query)
        assert response.status_code == 200
        return [row.entry.detail["run"] for row in response.context["rows"]]

    assert runs() == [3, 2, 1, 4]
    assert runs(action=Action.MATCH_CHANGED) == [3, 2, 4]
    assert runs(scheme=scheme.pk) == [3, 1, 4]
    assert runs(actor="COORDINATOR@example.org") == [2, 1]
    assert runs(actor="coordinator@example.or") == []  # the whole address, not part
    assert runs(date_from="2024-01-10", date_to="2024-01-10") == [4]
    assert runs(date_to="2024-01-09") == []
    assert runs(action=Action.MATCH_CHANGED, scheme=scheme.pk, actor=site_admin.email) == [3]


def test_a_day_is_a_day_in_the_site_time_zone(client, site_admin):
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    record(at=datetime(2025, 6, 30, 23, 30, tzinfo=UTC), run=1)
    client.force_login(site_admin)
    assert len(client.get(AUDIT_URL, {"date_from": "2025-07-01"}).context["rows"]) == 1
    assert len(client.get(AUDIT_URL, {"date_to": "2025-06-30"}).context["rows"]) == 0


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"actor": "not an address"}, "actor", "Enter a valid email address."),
        ({"action": "match.deleted"}, "action", "Select a valid choice."),
        ({"scheme": "abc"}, "scheme", "Select a valid choice."),
        ({"date_from": "2025-13-40"}, "date_from", "Enter a valid date."),
        ({"date_from": "0001-01-01"}, "date_from", "Choose a date between 1900 and 2999."),
        (
            {"date_from": "2025-02-01", "date_to": "2025-01-01"},
            "date_to",
            "Choose a date on or after the “from” date.",
        ),
    ],
)
def test_bad_filters_are_explained_beside_their_field_and_kept(
    client, site_admin, query, field, message
):
    record(run=1)
    client.force_login(site_admin)

    response = client.get(AUDIT_URL, query)

    assert response.status_code == 200
    beside = text_beside(response, field)
    assert message in beside
    assert f'value="{query[field]}"' in response.content.decode() or field in ("action", "scheme")
    assert "were left out until they are corrected" in visible_text(response)
    assert len(response.context["rows"]) == 1  # the bad filter is left out


def test_fifty_entries_a_page_and_the_pages_keep_the_filters(client, site_admin):
    for run in range(51):
        record(run=run)
    record(Action.MATCH_ENDED, run=99)
    client.force_login(site_admin)

    first = client.get(AUDIT_URL, {"action": Action.MATCH_CHANGED})
    assert [row.entry.detail["run"] for row in first.context["rows"]] == list(range(50, 0, -1))
    hrefs = {attrs.get("href") for attrs, _ in Page(first.content.decode()).links}
    assert "?action=match.changed&page=2" in hrefs

    second = client.get(AUDIT_URL, {"action": Action.MATCH_CHANGED, "page": 2})
    assert [row.entry.detail["run"] for row in second.context["rows"]] == [0]
    assert "Entries 51 to 51 of 51" in visible_text(second)


def test_the_page_takes_the_same_queries_however_many_entries(
    client, site_admin, django_assert_max_num_queries
):
    def fill(count):
        for _ in range(count):
            scheme = MembershipFactory(role=Role.COORDINATOR)
            record(actor=scheme.user, scheme=scheme.scheme, run=1)

    client.force_login(site_admin)
    fill(2)
    with django_assert_max_num_queries(9) as few:
        assert client.get(AUDIT_URL).status_code == 200
    fill(40)
    with django_assert_max_num_queries(len(few)):
        assert len(client.get(AUDIT_URL).context["rows"]) == 42


def test_only_superusers_get_the_link_in_the_navigation(client, site_admin, hr_viewer):
    client.force_login(hr_viewer)
    assert AUDIT_URL not in client.get(reverse("home")).content.decode()
    client.force_login(site_admin)
    links = Page(client.get(reverse("home")).content.decode()).links
    assert ({"class": "nav-link", "href": AUDIT_URL}, "Audit trail") in links


@pytest.mark.parametrize("url", [AUDIT_URL, EXPORT_URL])
def test_staff_who_are_not_superusers_are_refused(client, url):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url).status_code == 403
    assert not AuditEntry.objects.exists()


# --- the CSV file -----------------------------------------------------------------------


def rows_of(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


@time_machine.travel("2025-03-03 09:00 +00:00", tick=False)
def test_the_csv_holds_the_filtered_entries_and_its_export_is_recorded(
    client, site_admin, coordinator, scheme
):
    record(Action.MATCH_PUBLISHED, actor=coordinator, scheme=scheme, run=1)
    record(Action.MATCH_CHANGED, run=2)
    client.force_login(site_admin)

    response = client.get(EXPORT_URL, {"action": Action.MATCH_PUBLISHED, "scheme": scheme.pk})

    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="audit-trail-2025-03-03.csv"' in response["Content-Disposition"]
    rows = rows_of(response)
    assert rows == [
        ["When", "Who", "E-mail", "Action", "Scheme", "Object", "Object id", "Detail"],
        [
            "2025-03-03 09:00",
            coordinator.display_name,
            coordinator.email,
            "Published matches",
            scheme.name,
            "proposal",
            "7",
            "run: 1",
        ],
    ]
    entry = only_entry(Action.REPORT_EXPORTED)
    assert entry.actor == site_admin
    assert entry.detail == {
        "report": "audit",
        "format": "csv",
        "channel": "web",
        "rows": 1,
        "action": "match.published",
        "scheme": scheme.pk,
        "by_person": False,
        "date_from": None,
        "date_to": None,
    }


def test_the_csv_is_safe_to_open_in_a_spreadsheet(client, site_admin):
    record(actor=UserFactory(name='=HYPERLINK("http://evil.example")', email="x@example.org"))
    client.force_login(site_admin)

    rows = rows_of(client.get(EXPORT_URL, {"action": Action.MATCH_CHANGED}))

    assert rows[1][1] == '\'=HYPERLINK("http://evil.example")'


def test_bad_filters_send_the_export_back_to_the_page(client, site_admin):
    client.force_login(site_admin)
    response = client.get(EXPORT_URL, {"actor": "nobody", "action": Action.MATCH_ENDED})
    assert response.status_code == 302
    assert response.url == f"{AUDIT_URL}?action=match.ended&actor=nobody"
    assert not AuditEntry.objects.exists()


def test_the_csv_takes_the_same_queries_however_many_entries(
    client, site_admin, django_assert_max_num_queries
):
    client.force_login(site_admin)

    def exported() -> int:
        return len(rows_of(client.get(EXPORT_URL, {"action": Action.MATCH_CHANGED})))

    for _ in range(3):
        record(actor=UserFactory())
    with django_assert_max_num_queries(12) as few:
        assert exported() == 4
    for _ in range(30):
        record(actor=UserFactory())
    with django_assert_max_num_queries(len(few)):
        assert exported() == 34


def test_entries_of_a_runs_publication_show_on_the_page_for_its_scheme(
    client, site_admin, scheme, coordinator, pair
):
    run = finished_run(scheme, [pair])
    match_run_publish(run=run, published_by=coordinator)
    client.force_login(site_admin)
    text = visible_text(client.get(AUDIT_URL, {"scheme": scheme.pk}))
    assert f"Published matches {scheme.name} match run {run.pk}" in text
