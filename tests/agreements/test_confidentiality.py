"""What the pair writes stays with the pair: a unique marker is planted in every text
field of the agreement (the version in force and a new draft), of the goals (a shared
goal's title excepted: sharing it is the point), of the targets and of the progress
comments, and no page a coordinator or HR can open contains any of them. Every page of
the pair's space answers 404 to them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import AgreementVersion, Goal, Target
from agreements.services.agreement import agreement_draft_save, agreement_sign
from agreements.services.goals import goal_create, goal_share, progress_record, target_create

pytestmark = pytest.mark.django_db

SUFFIX = "7f3a"
TEXT_FIELDS = (
    "purpose",
    "success",
    "help_asked",
    "help_offered",
    "mentor_will_not",
    "confidentiality",
    "meeting_frequency",
    "meeting_format",
    "cancellations",
    "review",
)


def marker(name: str) -> str:
    return f"MARKER-{name}-{SUFFIX}"


def agreement_content(prefix: str) -> dict:
    content = {field: marker(f"{prefix}-{field}") for field in TEXT_FIELDS}
    content["objectives"] = [marker(f"{prefix}-objective-{n}") for n in (1, 2, 3)]
    content["planned_sessions"] = 8
    content["end_date"] = timezone.localdate() + timedelta(days=120)
    return content


@pytest.fixture
def planted(active_mentorship, mentee, mentor) -> list[str]:
    """Every text field of the pair's writing carries a marker; returns the markers a
    coordinator must never see."""
    pair = active_mentorship
    first = agreement_draft_save(
        mentorship=pair,
        user=mentee,
        content=agreement_content("v1"),
        base_number=None,
        base_revision=None,
    ).version
    for person in (mentee, mentor):
        agreement_sign(
            mentorship=pair,
            user=person,
            typed_name=person.display_name,
            content_hash=first.content_hash,
        )
    first.refresh_from_db()
    assert first.status == AgreementVersion.Status.IN_FORCE
    draft = agreement_draft_save(
        mentorship=pair,
        user=mentor,
        content=agreement_content("v2"),
        base_number=first.number,
        base_revision=first.revision,
    ).version
    assert draft.status == AgreementVersion.Status.DRAFT
    # One of them signs the draft, so the coordinators' page reports a signature.
    agreement_sign(
        mentorship=pair,
        user=mentor,
        typed_name=mentor.display_name,
        content_hash=draft.content_hash,
    )

    secret: list[str] = []
    for prefix in ("v1", "v2"):
        secret += [marker(f"{prefix}-{field}") for field in TEXT_FIELDS]
        secret += [marker(f"{prefix}-objective-{n}") for n in (1, 2, 3)]

    due = timezone.localdate() + timedelta(days=30)
    for kind in ("private", "shared"):
        goal = goal_create(
            mentorship=pair,
            user=mentee,
            data={
                "title": marker(f"{kind}-goal-title") if kind == "private" else "Shared goal",
                "why": marker(f"{kind}-goal-why"),
                "success_criteria": marker(f"{kind}-goal-success"),
            },
        )
        secret += [marker(f"{kind}-goal-why"), marker(f"{kind}-goal-success")]
        if kind == "private":
            secret.append(marker("private-goal-title"))
        else:
            goal_share(goal=goal, user=mentee, shared=True)
        target_create(
            goal=goal,
            user=mentee,
            data={
                "what": marker(f"{kind}-target-what"),
                "measure": marker(f"{kind}-target-measure"),
                "achievable": marker(f"{kind}-target-achievable"),
                "due_on": due,
            },
        )
        secret += [marker(f"{kind}-target-{f}") for f in ("what", "measure", "achievable")]
        progress_record(goal=goal, user=mentor, rating=6, comment=marker(f"{kind}-progress"))
        secret.append(marker(f"{kind}-progress"))
    return secret


def coordinator_pages(mentorship, concern) -> list[str]:
    slug = mentorship.scheme.slug
    pk = mentorship.pk
    return [
        reverse("agreements:scheme_pairs", kwargs={"slug": slug}),
        reverse("agreements:scheme_pairs", kwargs={"slug": slug}) + "?stage=goal_setting",
        reverse("agreements:scheme_pair", kwargs={"slug": slug, "pk": pk}),
        reverse("agreements:stage_correct", kwargs={"slug": slug, "pk": pk}),
        reverse("agreements:concerns", kwargs={"slug": slug}) + "?status=all",
        reverse("agreements:concern", kwargs={"slug": slug, "pk": concern.pk}),
        reverse("agreements:pair_settings", kwargs={"slug": slug}),
        reverse("matching:mentorship", kwargs={"pk": pk}),
        reverse("matching:mentorship_end", kwargs={"pk": pk}),
        reverse("matching:scheme_mentorships", kwargs={"slug": slug}),
        reverse("scheme", kwargs={"slug": slug}),
        reverse("home"),
    ]


def hr_pages(mentorship) -> list[str]:
    return [
        reverse("dashboard:reports"),
        reverse("dashboard:scheme_figures", kwargs={"slug": mentorship.scheme.slug}),
        reverse("home"),
    ]


def assert_no_marker(response, secret: list[str]) -> None:
    content = response.content.decode()
    leaked = [m for m in secret if m in content]
    assert not leaked, f"{response.wsgi_request.path} shows {leaked}"
    # A marker cut short or changed in case still gives itself away.
    assert "MARKER-" not in content.upper()


def test_the_planted_markers_are_really_there_for_the_pair(client, planted, mentee):
    """The check below is only worth something if the markers were stored."""
    version = AgreementVersion.objects.get(status=AgreementVersion.Status.IN_FORCE)
    assert version.purpose == marker("v1-purpose")
    assert version.objectives[2] == marker("v1-objective-3")
    # Both versions' fields and objectives, the private title, each goal's why and
    # success criteria, each target's three fields and each goal's progress comment.
    assert len(set(planted)) == len(planted) == 2 * (len(TEXT_FIELDS) + 3) + 1 + 4 + 6 + 2


def test_no_coordinator_page_shows_any_text_the_pair_wrote(
    client, planted, coordinator, active_mentorship, concern
):
    client.force_login(coordinator)

    for address in coordinator_pages(active_mentorship, concern):
        response = client.get(address)
        assert response.status_code == 200, address
        assert_no_marker(response, planted)


def test_the_coordinator_sees_the_shared_goals_title_and_that_the_agreement_is_signed(
    client, planted, coordinator, active_mentorship
):
    client.force_login(coordinator)

    response = client.get(
        reverse("agreements:scheme_pair", kwargs={"slug": "council", "pk": active_mentorship.pk})
    )

    content = response.content.decode()
    assert "Shared goal" in content
    assert "Version 1 has been in force since" in content
    assert "one of the two has signed it" in content


def test_no_hr_page_shows_any_text_the_pair_wrote(client, planted, hr_viewer, active_mentorship):
    client.force_login(hr_viewer)

    for address in hr_pages(active_mentorship):
        response = client.get(address)
        assert response.status_code == 200, address
        assert_no_marker(response, planted)
        assert "Shared goal" not in response.content.decode()


PAIR_URLS = [
    ("agreements:pair", {}),
    ("agreements:stage_advance", {}),
    ("agreements:concern_raise", {}),
    ("agreements:agreement", {}),
    ("agreements:agreement_edit", {}),
    ("agreements:agreement_sign", {}),
    ("agreements:agreement_compare", {}),
    ("agreements:agreement_version", {"number": 1}),
    ("agreements:agreement_version", {"number": 2}),
    ("agreements:agreement_print", {"number": 1}),
    ("agreements:goal_create", {}),
    ("agreements:goal", {"goal": "shared"}),
    ("agreements:goal", {"goal": "private"}),
    ("agreements:goal_edit", {"goal": "shared"}),
    ("agreements:goal_status", {"goal": "shared"}),
    ("agreements:goal_share", {"goal": "shared"}),
    ("agreements:progress_record", {"goal": "shared"}),
    ("agreements:target_create", {"goal": "shared"}),
    ("agreements:target_edit", {"goal": "shared", "target": "shared"}),
    ("agreements:target_status", {"goal": "shared", "target": "shared"}),
]


@pytest.mark.parametrize("role", ["coordinator", "hr_viewer", "other_coordinator", "site_admin"])
def test_every_pair_url_is_404_to_anyone_outside_the_pair(
    client, request, planted, active_mentorship, role
):
    goals = {
        "shared": Goal.objects.get(shared_with_coordinator=True),
        "private": Goal.objects.get(shared_with_coordinator=False),
    }
    client.force_login(request.getfixturevalue(role))

    for name, extra in PAIR_URLS:
        kwargs = {"pk": active_mentorship.pk}
        if "number" in extra:
            kwargs["number"] = extra["number"]
        if "goal" in extra:
            kwargs["goal"] = goals[extra["goal"]].pk
        if "target" in extra:
            kwargs["target"] = Target.objects.get(goal=goals[extra["target"]]).pk
        address = reverse(name, kwargs=kwargs)
        for response in (client.get(address), client.post(address, {})):
            assert response.status_code == 404, (
                f"{role} {response.request['REQUEST_METHOD']} {address}"
            )
            assert_no_marker(response, planted)


# --- a coordinator who is one of the pair ---


@pytest.fixture
def mentor_coordinates(scheme, mentor):
    """The mentor also coordinates the scheme: one person may hold both roles."""
    from schemes.models import Membership, Role

    Membership.objects.create(scheme=scheme, user=mentor, role=Role.COORDINATOR)
    return mentor


def test_a_coordinator_in_the_pair_never_reads_a_concern_about_it(
    client,
    mentor_coordinates,
    coordinator,
    mentee,
    active_mentorship,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    from agreements.services.concerns import concern_raise

    client.force_login(mentee)
    form = client.get(reverse("agreements:concern_raise", args=[active_mentorship.pk]))
    readers = form.content.decode().split("Who will read it")[1].split("will not see it")[0]
    assert f"<strong>{coordinator.display_name}</strong>" in readers
    assert f"<strong>{mentor_coordinates.display_name}</strong>" not in readers
    with django_capture_on_commit_callbacks(execute=True):
        concern = concern_raise(
            mentorship=active_mentorship, user=mentee, topic="fit", text="SECRET-7f3a"
        )
    assert [m.to for m in mailoutbox] == [[coordinator.email]]

    client.force_login(mentor_coordinates)
    slug = active_mentorship.scheme.slug
    assert client.get(reverse("agreements:concern", args=[slug, concern.pk])).status_code == 404
    for name, args in (
        ("agreements:concerns", [slug]),
        ("agreements:scheme_pairs", [slug]),
        ("agreements:scheme_pair", [slug, active_mentorship.pk]),
        ("scheme", [slug]),
    ):
        page = client.get(reverse(name, args=args) + "?status=")
        assert page.status_code == 200, name
        assert "SECRET-7f3a" not in page.content.decode(), name
    listing = client.get(reverse("agreements:concerns", args=[slug]) + "?status=").content.decode()
    assert reverse("agreements:concern", args=[slug, concern.pk]) not in listing

    client.force_login(coordinator)
    assert client.get(reverse("agreements:concern", args=[slug, concern.pk])).status_code == 200


def test_the_admin_never_lists_a_goals_title_or_a_targets_text(client, site_admin, target):
    client.force_login(site_admin)
    mentorship = target.goal.mentorship

    page = client.get(reverse("admin:matching_mentorship_delete", args=[mentorship.pk]))

    assert page.status_code == 200
    assert target.goal.title not in page.content.decode()
    assert target.what not in page.content.decode()


def test_the_admin_cannot_add_a_stage_move_or_a_concern(client, site_admin):
    client.force_login(site_admin)
    for name in ("admin:agreements_stagemove_add", "admin:agreements_concern_add"):
        assert client.post(reverse(name), {"reason": "x"}).status_code == 403, name
