"""The coordinator's set-up pages: creating a scheme, its settings, the open application
link, its own questions, and the scheme page that links them together."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from schemes import choices
from schemes.models import Application, CustomQuestion, Invitation, Role, Scheme
from tests.factories import (
    ApplicationFactory,
    CustomQuestionFactory,
    InvitationFactory,
    UserFactory,
)
from tests.html import Page, assert_accessible_page

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("schemes:create")
EDIT_URL = reverse("schemes:edit", kwargs={"slug": "council"})
DETAIL_URL = reverse("scheme", kwargs={"slug": "council"})
OPEN_LINK_URL = reverse("schemes:open_link", kwargs={"slug": "council"})
QUESTIONS_URL = reverse("schemes:questions", kwargs={"slug": "council"})


def scheme_data(**overrides) -> dict:
    """Every field of the settings form, as a browser would post it."""
    data = {
        "name": "Aspiring Leaders 2027",
        "description": "For staff who want to lead.",
        "status": "open",
        "applications_open_on": "2027-01-04",
        "applications_close_on": "2027-02-26",
        "programme_months": "12",
        "rhythm": "monthly",
        "session_count": "",
        "default_mentor_capacity": "2",
        "prefer_other_department": "on",
        "max_gap_weeks": "6",
        "retention_months": "24",
        "development_areas": "Leadership\nConfidence\n",
        "locations": "Coventry\nWarwick",
        "departments": "Housing\nFinance",
        "grades": "Officer\nManager\nDirector",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def question_data(**overrides) -> dict:
    data = {
        "text": "Which site do you work at?",
        "help_text": "",
        "kind": "single",
        "choices": "North\nSouth",
        "audience": "both",
        "required": "on",
        "is_matching_criterion": "on",
        "weight": "8",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def beside(response, field: str) -> str:
    """The text of ``field``'s block in a crispy form: its label, control, help and
    errors, up to the next field."""
    content = response.content.decode()
    start = content.index(f'id="div_id_{field}"')
    following = re.search(r'id="div_id_|</form>', content[start + 10 :])
    block = content[start : start + 10 + following.start()]
    return html.unescape(re.sub(r"\s+", " ", block))


def field_value(response, field: str) -> str:
    """What a text input or textarea holds."""
    page = Page(response.content.decode())
    attrs = page.find(f"id_{field}")
    if "value" in attrs:
        return attrs["value"]
    content = response.content.decode()
    match = re.search(rf'<textarea[^>]*id="id_{field}"[^>]*>(.*?)</textarea>', content, re.S)
    return html.unescape(match.group(1)).strip()


def error_count(response, field: str) -> int:
    return beside(response, field).count("invalid-feedback")


# --- creating a scheme -----------------------------------------------------------------


def test_create_page_starts_as_a_draft_with_the_default_lists(client, coordinator):
    client.force_login(coordinator)
    response = client.get(CREATE_URL)
    assert response.status_code == 200
    assert re.search(r'<option value="draft" selected>', response.content.decode())
    assert not re.search(r'<option value="open" selected>', response.content.decode())
    assert "A new scheme starts as a draft, which takes no applications" in beside(
        response, "status"
    )
    areas = field_value(response, "development_areas").splitlines()
    assert areas == choices.DEFAULT_DEVELOPMENT_AREAS
    assert field_value(response, "grades").splitlines() == choices.DEFAULT_GRADES
    legends = re.findall(r"<legend[^>]*>\s*([^<]+?)\s*<", response.content.decode())
    for legend in ["About", "Application window", "Programme", "Matching", "Lists", "Data"]:
        assert legend in legends
    assert "Only needed when pairs meet a fixed number of times" in beside(
        response, "session_count"
    )


def test_a_coordinator_creates_a_scheme_with_every_setting(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        CREATE_URL,
        scheme_data(
            rhythm="fixed",
            session_count="6",
            locations="  Coventry \n\n Warwick\n",
            prefer_other_department=None,
        ),
        follow=True,
    )
    scheme = Scheme.objects.get(name="Aspiring Leaders 2027")
    assert response.redirect_chain == [(scheme.get_absolute_url(), 302)]
    assert "Aspiring Leaders 2027 has been created" in response.content.decode()
    assert scheme.status == Scheme.Status.OPEN
    assert str(scheme.applications_open_on) == "2027-01-04"
    assert (scheme.rhythm, scheme.session_count) == ("fixed", 6)
    assert scheme.prefer_other_department is False
    assert scheme.locations == ["Coventry", "Warwick"]
    assert scheme.development_areas == ["Leadership", "Confidence"]
    assert scheme.grades == ["Officer", "Manager", "Director"]
    assert scheme.memberships.get().user == coordinator
    assert scheme.memberships.get().role == Role.COORDINATOR


def test_someone_given_the_add_scheme_permission_may_create_a_scheme(client, outsider):
    outsider.user_permissions.add(Permission.objects.get(codename="add_scheme"))
    client.force_login(outsider)
    response = client.post(CREATE_URL, scheme_data())
    assert response.status_code == 302
    assert Scheme.objects.get(name="Aspiring Leaders 2027").memberships.get().user == outsider


@pytest.mark.parametrize("role", ["outsider", "mentee", "hr_viewer"])
def test_people_who_may_not_create_schemes_are_refused(client, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, scheme_data()).status_code == 403
    assert not Scheme.objects.filter(name="Aspiring Leaders 2027").exists()


def test_a_list_entry_given_twice_is_named_beside_the_field_and_the_typing_is_kept(
    client, coordinator
):
    client.force_login(coordinator)
    typed = "Coventry\nWarwick\ncoventry"
    response = client.post(CREATE_URL, scheme_data(name="Kept name", locations=typed))
    assert response.status_code == 200
    assert "“coventry” appears more than once" in beside(response, "locations")
    assert field_value(response, "locations") == typed
    assert field_value(response, "name") == "Kept name"
    assert not Scheme.objects.filter(name="Kept name").exists()


def test_applications_closing_before_they_open_is_shown_beside_the_closing_date(
    client, coordinator
):
    client.force_login(coordinator)
    response = client.post(
        CREATE_URL,
        scheme_data(applications_open_on="2027-03-01", applications_close_on="2027-02-01"),
    )
    assert response.status_code == 200
    assert "Applications must close after they open." in beside(response, "applications_close_on")
    assert field_value(response, "applications_open_on") == "2027-03-01"
    assert not Scheme.objects.filter(name="Aspiring Leaders 2027").exists()


def test_a_fixed_rhythm_without_a_number_of_sessions_is_shown_once_beside_the_count(
    client, coordinator
):
    client.force_login(coordinator)
    response = client.post(CREATE_URL, scheme_data(rhythm="fixed", session_count=""))
    assert response.status_code == 200
    assert "Say how many sessions pairs have." in beside(response, "session_count")
    assert error_count(response, "session_count") == 1


def test_empty_development_areas_are_refused_beside_the_field(client, coordinator):
    client.force_login(coordinator)
    response = client.post(CREATE_URL, scheme_data(development_areas="\n  \n"))
    assert response.status_code == 200
    assert "A scheme needs at least one development area." in beside(response, "development_areas")


def test_a_form_with_errors_stays_accessible_and_marks_the_wrong_fields(client, coordinator):
    client.force_login(coordinator)
    response = client.post(CREATE_URL, scheme_data(grades="Officer\nofficer", name=""))
    page = Page(response.content.decode())
    assert_accessible_page(page)
    assert page.find("id_grades").get("aria-invalid") == "true"
    assert page.find("id_name").get("aria-invalid") == "true"
    assert "Please correct the answers marked below." in response.content.decode()


# --- a scheme's settings ---------------------------------------------------------------


def test_settings_page_shows_the_saved_settings(client, scheme, coordinator):
    scheme.locations = ["Coventry", "Rugby"]
    scheme.save()
    client.force_login(coordinator)
    response = client.get(EDIT_URL)
    assert response.status_code == 200
    assert field_value(response, "name") == "Council staff mentoring"
    assert field_value(response, "locations") == "Coventry\nRugby"


def test_a_coordinator_changes_the_settings(client, scheme, coordinator):
    client.force_login(coordinator)
    response = client.post(
        EDIT_URL, scheme_data(name="Council mentoring 2027", max_gap_weeks="4"), follow=True
    )
    assert response.redirect_chain == [(DETAIL_URL, 302)]
    assert "The scheme&#x27;s settings have been saved." in response.content.decode()
    scheme.refresh_from_db()
    assert (scheme.name, scheme.slug, scheme.max_gap_weeks) == (
        "Council mentoring 2027",
        "council",
        4,
    )
    assert scheme.departments == ["Housing", "Finance"]


def test_a_coordinator_of_another_scheme_cannot_change_this_one(client, scheme, other_coordinator):
    client.force_login(other_coordinator)
    assert client.get(EDIT_URL).status_code == 404
    assert client.post(EDIT_URL, scheme_data(name="Taken over")).status_code == 404
    scheme.refresh_from_db()
    assert scheme.name == "Council staff mentoring"


def test_a_coordinator_cannot_change_a_scheme_they_do_not_coordinate(
    client, coordinator, other_scheme
):
    client.force_login(coordinator)
    url = reverse("schemes:edit", kwargs={"slug": other_scheme.slug})
    assert client.post(url, scheme_data(name="Taken over")).status_code == 404
    other_scheme.refresh_from_db()
    assert other_scheme.name == "Another scheme"


def test_wrong_settings_keep_what_was_typed_and_the_saved_name_in_the_breadcrumb(
    client, scheme, coordinator
):
    client.force_login(coordinator)
    response = client.post(
        EDIT_URL, scheme_data(name="Half-typed", rhythm="fixed", session_count="")
    )
    assert response.status_code == 200
    assert field_value(response, "name") == "Half-typed"
    assert "Say how many sessions pairs have." in beside(response, "session_count")
    assert '<h1 class="h3">Settings of Council staff mentoring</h1>' in response.content.decode()
    scheme.refresh_from_db()
    assert scheme.name == "Council staff mentoring"


# --- the open application link ---------------------------------------------------------


def test_a_coordinator_turns_the_open_link_on_and_sees_the_whole_address(
    client, scheme, coordinator
):
    client.force_login(coordinator)
    response = client.post(OPEN_LINK_URL, {"action": "enable"}, follow=True)
    scheme.refresh_from_db()
    assert scheme.open_link_token
    assert response.redirect_chain == [(f"{DETAIL_URL}#open-link-heading", 302)]
    page = Page(response.content.decode())
    link = page.find("open-link")
    expected = "http://testserver" + reverse(
        "schemes:open_apply", kwargs={"token": scheme.open_link_token}
    )
    assert link["value"] == expected
    assert "readonly" in link
    assert "open-link" in page.label_targets
    assert "The open application link is on" in response.content.decode()


def test_making_a_new_open_link_retires_the_old_address(client, scheme, coordinator, open_link):
    client.force_login(coordinator)
    response = client.post(OPEN_LINK_URL, {"action": "enable"}, follow=True)
    scheme.refresh_from_db()
    assert scheme.open_link_token not in (None, open_link)
    assert open_link not in response.content.decode()
    assert "the old one no longer works" in response.content.decode()


def test_a_coordinator_turns_the_open_link_off(client, scheme, coordinator, open_link):
    client.force_login(coordinator)
    response = client.post(OPEN_LINK_URL, {"action": "disable"}, follow=True)
    scheme.refresh_from_db()
    assert scheme.open_link_token is None
    assert 'id="open-link"' not in response.content.decode()
    assert "Turn the link on" in response.content.decode()


def test_the_open_link_changes_only_by_post(client, scheme, coordinator, open_link):
    client.force_login(coordinator)
    assert client.get(OPEN_LINK_URL).status_code == 405
    scheme.refresh_from_db()
    assert scheme.open_link_token == open_link


def test_a_participant_cannot_touch_the_open_link(client, scheme, mentor, open_link):
    client.force_login(mentor)
    assert client.post(OPEN_LINK_URL, {"action": "disable"}).status_code == 404
    scheme.refresh_from_db()
    assert scheme.open_link_token == open_link


# --- the scheme's own questions --------------------------------------------------------


def test_questions_page_explains_matching_and_shows_each_questions_settings(
    client, scheme, coordinator, question
):
    CustomQuestionFactory(
        scheme=scheme, text="Anything else?", audience=CustomQuestion.Audience.MENTEE, required=True
    )
    client.force_login(coordinator)
    response = client.get(QUESTIONS_URL)
    content = html.unescape(response.content.decode())
    assert "when a mentee and a mentor answer it alike" in content
    assert "Which team sport do you follow?" in content
    assert "Single choice" in content
    assert "Matching criterion, weight 5" in content
    assert "Asked of: mentees only" in content
    assert "Required" in content
    assert "Choices: Football, Rugby, Cricket" in content
    assert content.count("Matching criterion, weight") == 1


def test_questions_page_says_what_to_do_when_there_are_none(client, coordinator):
    client.force_login(coordinator)
    response = client.get(QUESTIONS_URL)
    assert "The scheme has no questions of its own yet" in response.content.decode()
    assert "Add a question" in response.content.decode()


def test_a_coordinator_adds_a_matching_question(client, scheme, coordinator):
    client.force_login(coordinator)
    response = client.post(QUESTIONS_URL, question_data(choices=" North \n\nSouth\n"))
    assert response.status_code == 302
    assert response.url == QUESTIONS_URL
    question = scheme.questions.get()
    assert question.text == "Which site do you work at?"
    assert question.choices == ["North", "South"]
    assert (question.is_matching_criterion, question.weight, question.required) == (True, 8, True)


def test_a_text_question_cannot_be_used_in_matching_and_the_typing_is_kept(
    client, scheme, coordinator
):
    client.force_login(coordinator)
    response = client.post(
        QUESTIONS_URL, question_data(text="Tell us about you", kind="text", choices="")
    )
    assert response.status_code == 200
    assert "Only a single or multiple choice question can be used in matching." in beside(
        response, "is_matching_criterion"
    )
    assert field_value(response, "text") == "Tell us about you"
    assert not scheme.questions.exists()


def test_a_matching_question_asked_of_one_role_is_refused_beside_the_audience(
    client, scheme, coordinator
):
    client.force_login(coordinator)
    response = client.post(QUESTIONS_URL, question_data(audience="mentee"))
    assert "A matching question must be asked of both mentors and mentees" in beside(
        response, "audience"
    )
    assert not scheme.questions.exists()


def test_a_choice_question_with_one_choice_is_refused_beside_the_choices(
    client, scheme, coordinator
):
    client.force_login(coordinator)
    response = client.post(QUESTIONS_URL, question_data(choices="North"))
    assert "A choice question needs at least two choices." in beside(response, "choices")
    assert_accessible_page(Page(response.content.decode()))


def test_a_participant_cannot_add_questions(client, scheme, mentee):
    client.force_login(mentee)
    assert client.post(QUESTIONS_URL, question_data()).status_code == 404
    assert not scheme.questions.exists()


def test_a_coordinator_changes_a_question(client, coordinator, question):
    client.force_login(coordinator)
    url = reverse("schemes:question_edit", kwargs={"slug": "council", "pk": question.pk})
    response = client.get(url)
    assert field_value(response, "choices") == "Football\nRugby\nCricket"
    response = client.post(
        url,
        question_data(text="Which sport?", choices="Football\nRugby", weight="3"),
        follow=True,
    )
    assert response.redirect_chain == [(QUESTIONS_URL, 302)]
    question.refresh_from_db()
    assert (question.text, question.choices, question.weight) == (
        "Which sport?",
        ["Football", "Rugby"],
        3,
    )


def test_a_wrong_change_to_a_question_is_shown_and_nothing_is_saved(client, coordinator, question):
    client.force_login(coordinator)
    url = reverse("schemes:question_edit", kwargs={"slug": "council", "pk": question.pk})
    response = client.post(url, question_data(text="Changed?", weight="0"))
    assert response.status_code == 200
    assert "Give a matching question a weight above zero." in beside(response, "weight")
    question.refresh_from_db()
    assert question.text == "Which team sport do you follow?"


def test_another_schemes_question_is_not_found_through_this_scheme(
    client, coordinator, other_scheme
):
    theirs = CustomQuestionFactory(scheme=other_scheme, text="Theirs?")
    client.force_login(coordinator)
    for name in ["schemes:question_edit", "schemes:question_delete", "schemes:question_move"]:
        url = reverse(name, kwargs={"slug": "council", "pk": theirs.pk})
        assert client.post(url, question_data(text="Mine now")).status_code == 404, name
    theirs.refresh_from_db()
    assert theirs.text == "Theirs?"


def test_removing_a_question_asks_first_then_removes_it(client, scheme, coordinator, question):
    client.force_login(coordinator)
    url = reverse("schemes:question_delete", kwargs={"slug": "council", "pk": question.pk})
    response = client.get(url)
    assert "Remove this question?" in response.content.decode()
    assert "Which team sport do you follow?" in response.content.decode()
    assert scheme.questions.exists()
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(QUESTIONS_URL, 302)]
    assert not scheme.questions.exists()
    assert "has been removed" in response.content.decode()


def test_a_coordinator_moves_questions_up_and_down(client, scheme, coordinator):
    _, second = (
        CustomQuestionFactory(scheme=scheme, text=text, position=position)
        for position, text in [(1, "First?"), (2, "Second?")]
    )
    client.force_login(coordinator)
    url = reverse("schemes:question_move", kwargs={"slug": "council", "pk": second.pk})
    response = client.post(url, {"direction": "up"})
    assert response.url == f"{QUESTIONS_URL}#question-{second.pk}"
    assert [q.text for q in scheme.questions.all()] == ["Second?", "First?"]
    client.post(url, {"direction": "down"})
    assert [q.text for q in scheme.questions.all()] == ["First?", "Second?"]
    assert client.get(url).status_code == 405


def test_the_questions_page_offers_moves_only_where_there_is_room(client, scheme, coordinator):
    for position, text in [(1, "First?"), (2, "Second?")]:
        CustomQuestionFactory(scheme=scheme, text=text, position=position)
    client.force_login(coordinator)
    content = client.get(QUESTIONS_URL).content.decode()
    assert content.count('value="up"') == 1
    assert content.count('value="down"') == 1


# --- the scheme page -------------------------------------------------------------------


def test_the_scheme_page_is_the_coordinators_hub(client, scheme, coordinator):
    for status in ["submitted", "submitted", "approved", "waitlisted"]:
        ApplicationFactory(scheme=scheme, status=status)
    InvitationFactory(scheme=scheme)
    InvitationFactory(scheme=scheme, status=Invitation.Status.REVOKED)
    InvitationFactory(scheme=scheme, expires_at=timezone.now() - timedelta(days=1))
    client.force_login(coordinator)
    response = client.get(DETAIL_URL)
    assert response.context["application_counts"].total == 4
    by_status = {
        tally.value: tally.count for tally in response.context["application_counts"].by_status
    }
    assert by_status["submitted"] == 2
    assert by_status["approved"] == 1
    assert by_status["waitlisted"] == 1
    assert by_status["draft"] == 0
    assert response.context["pending_invitations"] == 1
    content = response.content.decode()
    assert_accessible_page(Page(content))
    assert "1 invitation waiting for a reply." in content
    hrefs = {attrs.get("href") for attrs, _ in Page(content).links}
    for name in [
        "schemes:edit",
        "schemes:questions",
        "schemes:invitations",
        "schemes:applications",
        "schemes:applications_import",
    ]:
        assert reverse(name, kwargs={"slug": "council"}) in hrefs, name
    assert (
        f"{reverse('schemes:applications', kwargs={'slug': 'council'})}?status=submitted" in hrefs
    )
    assert re.search(r"12 months,\s+meeting monthly", content)
    assert "6 weeks (used once pairs log their sessions)" in content


def test_the_scheme_page_tells_a_new_coordinator_how_to_get_applications(client, coordinator):
    client.force_login(coordinator)
    content = client.get(DETAIL_URL).content.decode()
    assert "No applications yet." in content
    assert "Turn the link on" in content


def test_the_scheme_page_shows_a_fixed_number_of_sessions(client, scheme, coordinator):
    scheme.rhythm, scheme.session_count, scheme.programme_months = "fixed", 4, 6
    scheme.save()
    client.force_login(coordinator)
    content = client.get(DETAIL_URL).content.decode()
    assert re.search(r"6 months,\s+4 sessions", content)


def test_the_scheme_pages_queries_do_not_grow_with_its_applications(
    client, scheme, coordinator, django_assert_max_num_queries
):
    client.force_login(coordinator)
    client.get(DETAIL_URL)  # warm the session
    Application.objects.bulk_create(
        Application(
            scheme=scheme,
            user=UserFactory(),
            role=Role.MENTEE if n % 2 else Role.MENTOR,
            status=["draft", "submitted", "approved"][n % 3],
            submitted_at=None if n % 3 == 0 else timezone.now(),
        )
        for n in range(60)
    )
    InvitationFactory.create_batch(10, scheme=scheme)
    # Eight for the page and its applications, four for the matching summary, one for
    # the pairs, one for the navigation's unread count.
    with django_assert_max_num_queries(14):
        response = client.get(DETAIL_URL)
    assert response.context["application_counts"].total == 60


def test_a_mentee_sees_their_application_and_not_the_coordinators_hub(
    client, coordinator, mentee, mentee_application
):
    client.force_login(mentee)
    response = client.get(DETAIL_URL)
    content = response.content.decode()
    hrefs = {attrs.get("href") for attrs, _ in Page(content).links}
    assert reverse("schemes:application", kwargs={"pk": mentee_application.pk}) in hrefs
    assert "Submitted" in content
    assert "Change the settings" not in content
    assert 'id="open-link-heading"' not in content
    assert "application_counts" not in response.context
    assert "coordinator@example.org" in content


def test_a_mentor_with_no_application_is_told_how_to_apply(client, mentor):
    client.force_login(mentor)
    content = client.get(DETAIL_URL).content.decode()
    assert "You have no application in this scheme yet." in content


# --- the admin -------------------------------------------------------------------------


def test_the_admins_list_of_applications_does_not_show_goal_answers(
    client, site_admin, mentee_application
):
    mentee_application.awake_at_night = "A private worry about my team"
    mentee_application.save()
    client.force_login(site_admin)
    response = client.get(reverse("admin:schemes_application_changelist"))
    assert response.status_code == 200
    change_url = reverse("admin:schemes_application_change", args=[mentee_application.pk])
    assert change_url in response.content.decode()
    assert "A private worry about my team" not in response.content.decode()


@pytest.mark.parametrize("model", ["invitation", "customquestion", "application"])
def test_the_admin_lists_the_new_models(client, site_admin, invitation, question, model):
    client.force_login(site_admin)
    response = client.get(reverse(f"admin:schemes_{model}_changelist"))
    assert response.status_code == 200


def test_the_scheme_page_states_the_matching_settings(client, scheme, coordinator):
    scheme.matching_schedule = "weekly"
    scheme.require_senior_mentor = True
    scheme.response_days = 10
    scheme.save()
    client.force_login(coordinator)
    text = " ".join(client.get(DETAIL_URL).content.decode().split())
    assert "The coordinators run matching, and it runs every Monday while applications" in text
    assert "mentors at least as senior as their mentees" in text
    assert "10 days to accept or decline a match." in text
