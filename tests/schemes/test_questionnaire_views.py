"""The participant's pages: the questionnaire step by step, the review and submission,
withdrawing, "my schemes" and the home page's applications."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from schemes import questionnaire
from schemes.models import Application, Role
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    CustomQuestionFactory,
    MembershipFactory,
    UserFactory,
)
from tests.html import Page, assert_accessible_page

pytestmark = pytest.mark.django_db

ABOUT = {
    "title": "Ms",
    "name": "Priya Shah",
    "phone": "024 7683 1234",
    "professional_body": "CIPD",
    "descriptive_words": ["Calm", "Curious", "Organised", "Patient", "Practical"],
    "heard_from": "intranet",
}
WORK = {
    "job_title": "Housing officer",
    "grade": "Grade 6",
    "department": "Housing",
    "qualifications": "BA Social Policy",
    "time_in_role": "1-2",
    "responsibilities": "Tenancy casework for the east of the city.",
    "line_manager_email": "Boss@Example.org",
}
PREFERENCES = {
    "locations": ["Coventry"],
    "travel": "10",
    "face_to_face": "3",
    "term": "long",
    "match_preference": "other",
    "restrictions": "Not on Fridays.",
    "avoid_people": "Alex Brown\n\n  sam@example.org \nalex brown",
    "avoid_departments": ["Finance"],
}
GOALS = {
    "reason": "confidence",
    "reason_details": "I freeze in meetings with senior people.",
    "areas_wanted": ["Confidence", "Networking"],
    "current_challenges": "A new team.",
    "success_means": "Speaking up.",
}
OFFER = {
    "mentor_reasons": "I had a good mentor once.",
    "mentored_before": "informal",
    "experience": "Twenty years in finance.",
    "areas_offered": ["Leadership", "Confidence"],
    "capacity": "2",
}


@pytest.fixture
def council(scheme):
    """The scheme with its own lists of places and departments."""
    scheme.locations = ["Coventry", "Leamington"]
    scheme.departments = ["Housing", "Finance", "Planning"]
    scheme.save()
    return scheme


@pytest.fixture
def draft(council, outsider):
    """A new mentee's draft, nothing answered yet."""
    return ApplicationFactory(scheme=council, user=outsider, role=Role.MENTEE)


def step_url(application, step):
    return reverse("schemes:questionnaire_step", kwargs={"pk": application.pk, "step": step})


def overview_url(application):
    return reverse("schemes:application", kwargs={"pk": application.pk})


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- the steps -----------------------------------------------------------------------


def test_a_mentee_goes_through_every_step_to_the_review_page(client, draft):
    client.force_login(draft.user)
    for step, data, following in [
        ("about", ABOUT, "work"),
        ("work", WORK, "preferences"),
        ("preferences", PREFERENCES, "goals"),
    ]:
        response = client.post(step_url(draft, step), data)
        assert response.status_code == 302, response.context["form"].errors
        assert response.url == step_url(draft, following)
    response = client.post(step_url(draft, "goals"), GOALS)
    assert response.url == overview_url(draft)

    draft.refresh_from_db()
    draft.user.refresh_from_db()
    assert draft.user.name == "Priya Shah"
    assert draft.descriptive_words == ABOUT["descriptive_words"]
    assert (draft.grade, draft.department) == ("Grade 6", "Housing")
    assert draft.line_manager_email == "boss@example.org"
    assert (draft.travel, draft.face_to_face) == (10, 3)
    assert draft.avoid_people == ["Alex Brown", "sam@example.org"]
    assert draft.avoid_departments == ["Finance"]
    assert draft.areas_wanted == ["Confidence", "Networking"]
    assert draft.last_step == "goals"
    assert draft.status == Application.Status.DRAFT
    assert questionnaire.missing_answers(draft, []) == []


def test_a_mentor_is_asked_what_they_offer_and_not_about_goals(client, council):
    application = ApplicationFactory(scheme=council, role=Role.MENTOR)
    client.force_login(application.user)
    response = client.post(step_url(application, "preferences"), PREFERENCES)
    assert response.url == step_url(application, "offer")
    assert client.get(step_url(application, "goals")).status_code == 404
    response = client.post(step_url(application, "offer"), OFFER)
    assert response.url == overview_url(application)
    application.refresh_from_db()
    assert application.capacity == 2
    assert application.areas_offered == ["Leadership", "Confidence"]


def test_the_progress_shows_the_step_and_marks_the_current_one(client, draft):
    client.force_login(draft.user)
    response = client.get(step_url(draft, "work"))
    assert "Step 2 of 4: Your work" in response.text
    page = Page(response.text)
    current = [attrs for _, attrs in page.elements if attrs.get("aria-current") == "step"]
    assert len(current) == 1
    assert "2. Your work" in response.text.split('aria-current="step"')[1][:40]


def test_a_malformed_answer_is_shown_beside_its_field_and_the_rest_is_saved(client, draft):
    client.force_login(draft.user)
    response = client.post(
        step_url(draft, "work"),
        {
            **WORK,
            "grade": "",
            "line_manager_email": "boss at example",
            "responsibilities": "Casework, typed with care.",
        },
    )
    assert response.status_code == 200
    page = Page(response.text)
    email = page.find("id_line_manager_email")
    assert email["aria-invalid"] == "true"
    assert "id_line_manager_email_error" in email["aria-describedby"]
    assert email["value"] == "boss at example"  # kept on the page, to be corrected
    assert "aria-invalid" not in page.find("id_grade")  # required only to submit
    assert "Your other answers are saved." in response.text
    draft.refresh_from_db()
    assert draft.responsibilities == "Casework, typed with care."
    assert draft.job_title == "Housing officer"
    assert draft.line_manager_email == ""


def test_finishing_later_with_a_required_answer_left_empty_saves_what_was_typed(client, draft):
    client.force_login(draft.user)
    response = client.post(
        step_url(draft, "work"),
        {"job_title": "Housing officer", "responsibilities": "Casework.", "finish_later": "1"},
    )
    assert response.url == reverse("schemes:my_schemes")
    assert messages_of(response) == ["Your answers are saved. You can carry on where you left off."]
    page = Page(client.get(step_url(draft, "work")).text)
    assert page.find("id_job_title")["value"] == "Housing officer"
    assert "Casework." in client.get(step_url(draft, "work")).text
    missing = client.get(overview_url(draft)).text
    assert "Grade" in missing


def test_step_one_keeps_its_answers_when_the_words_are_not_five(client, draft):
    client.force_login(draft.user)
    response = client.post(
        step_url(draft, "about"),
        {**ABOUT, "descriptive_words": ["Calm", "Quiet", "Curious"], "finish_later": "1"},
    )
    assert response.url == reverse("schemes:my_schemes")
    draft.refresh_from_db()
    assert draft.descriptive_words == ["Calm", "Quiet", "Curious"]
    assert draft.professional_body == "CIPD" and draft.heard_from == "intranet"
    response = client.post(overview_url(draft), {"consent": "on"})
    assert "exactly 5 words that describe you" in response.text
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


def test_a_submitted_application_still_needs_five_words_and_every_required_answer(
    client, council, mentee_application
):
    client.force_login(mentee_application.user)
    response = client.post(
        step_url(mentee_application, "about"),
        {**ABOUT, "descriptive_words": ["Calm", "Quiet", "Curious"]},
    )
    assert response.status_code == 200
    assert "Choose exactly five words: you chose 3." in response.text
    assert Page(response.text).find("id_descriptive_words_0")["aria-invalid"] == "true"
    response = client.post(step_url(mentee_application, "work"), {**WORK, "job_title": ""})
    assert "Please answer this question." in response.text
    mentee_application.refresh_from_db()
    assert mentee_application.job_title != ""


def test_saving_after_signing_out_elsewhere_keeps_the_text_for_after_signing_in(client, draft):
    client.force_login(draft.user)
    client.get(step_url(draft, "work"))
    client.logout()  # in another tab
    typed = {**WORK, "grade": "", "responsibilities": "Typed before the session ended."}
    response = client.post(step_url(draft, "work"), {**typed, "finish_later": "1"})
    login = reverse("account_login")
    assert response.url.startswith(login) and "next=" in response.url
    assert "Sign in again and they will be." in client.get(response.url).text
    draft.refresh_from_db()
    assert draft.responsibilities == ""

    response = client.post(response.url, {"login": draft.user.email, "password": PASSWORD})
    assert response.url == step_url(draft, "work")
    response = client.get(response.url)  # saves what was kept, then shows it
    assert response.url == step_url(draft, "work")
    response = client.get(response.url)
    assert "You were signed out when you saved this step." in response.text
    assert "Typed before the session ended." in response.text
    draft.refresh_from_db()
    assert draft.responsibilities == "Typed before the session ended."
    assert draft.job_title == "Housing officer"
    # Kept once: coming back later shows what is saved, with no second notice.
    assert "signed out" not in client.get(step_url(draft, "work")).text


def test_what_was_posted_signed_out_is_not_given_to_someone_else(client, draft, mentee):
    client.post(step_url(draft, "work"), {**WORK, "job_title": "Not theirs"})
    client.force_login(mentee)
    assert client.get(step_url(draft, "work")).status_code == 404
    draft.refresh_from_db()
    assert draft.job_title == ""


def test_an_unknown_word_or_place_is_refused(client, draft):
    client.force_login(draft.user)
    response = client.post(step_url(draft, "preferences"), {**PREFERENCES, "locations": ["Paris"]})
    assert response.status_code == 200
    assert "Paris is not one of the available choices" in response.text


def test_a_bad_e_mail_address_among_people_to_avoid_is_named(client, draft):
    client.force_login(draft.user)
    response = client.post(
        step_url(draft, "preferences"), {**PREFERENCES, "avoid_people": "Alex\nbob@"}
    )
    assert response.status_code == 200
    assert "Line 2, “bob@”, is not a valid e-mail address." in response.text


def test_the_name_is_prefilled_and_the_e_mail_cannot_be_changed_here(client, draft):
    draft.user.name = "Priya Shah"
    draft.user.save()
    client.force_login(draft.user)
    page = Page(client.get(step_url(draft, "about")).text)
    assert page.find("id_name")["value"] == "Priya Shah"
    email = page.find("id_email")
    assert email["value"] == draft.user.email and "disabled" in email
    client.post(step_url(draft, "about"), {**ABOUT, "email": "someone@else.org"})
    draft.user.refresh_from_db()
    assert draft.user.email != "someone@else.org"


def test_required_questions_are_marked(client, draft):
    client.force_login(draft.user)
    page = Page(client.get(step_url(draft, "work")).text)
    assert "required" in page.find("id_job_title")
    assert "required" not in page.find("id_line_manager_email")


def test_department_is_chosen_from_the_schemes_list_or_typed_when_it_has_none(
    client, draft, scheme
):
    client.force_login(draft.user)
    response = client.get(step_url(draft, "work"))
    assert '<select name="department"' in response.text
    response = client.post(step_url(draft, "work"), {**WORK, "department": "Parks"})
    assert "Parks is not one of the available choices" in response.text

    scheme.departments = []
    scheme.save()
    response = client.get(step_url(draft, "work"))
    assert '<input type="text" name="department"' in response.text
    response = client.post(step_url(draft, "work"), {**WORK, "department": "Parks"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.department == "Parks"


def test_a_step_shows_what_was_saved(client, draft):
    client.force_login(draft.user)
    client.post(step_url(draft, "preferences"), PREFERENCES)
    page = Page(client.get(step_url(draft, "preferences")).text)
    assert "checked" in page.find("id_locations_0")  # Coventry
    assert "checked" not in page.find("id_locations_1")
    assert "checked" in page.find("id_term_0")
    assert "Alex Brown\nsam@example.org" in client.get(step_url(draft, "preferences")).text


def test_leaving_half_way_and_resuming_at_the_right_step(client, draft):
    client.force_login(draft.user)
    client.post(step_url(draft, "about"), ABOUT)
    response = client.post(step_url(draft, "work"), {**WORK, "finish_later": "1"})
    assert response.url == reverse("schemes:my_schemes")
    assert messages_of(response) == ["Your answers are saved. You can carry on where you left off."]
    page = client.get(reverse("schemes:my_schemes")).text
    assert "Carry on with your application" in page
    assert step_url(draft, "preferences") in page
    draft.refresh_from_db()
    assert draft.job_title == "Housing officer"


def test_back_goes_to_the_previous_step(client, draft):
    client.force_login(draft.user)
    response = client.get(step_url(draft, "preferences"))
    back = [attrs for attrs, text in Page(response.text).links if text.startswith("Back")]
    assert back[0]["href"] == step_url(draft, "work")


def test_the_schemes_own_questions_are_asked_and_saved_by_question_id(client, draft, council):
    single = CustomQuestionFactory(
        scheme=council, kind="single", choices=["Football", "Rugby"], required=True
    )
    multiple = CustomQuestionFactory(scheme=council, kind="multiple", choices=["Tea", "Coffee"])
    scale = CustomQuestionFactory(scheme=council, kind="scale", text="How confident are you?")
    text = CustomQuestionFactory(scheme=council, kind="text", text="Anything else?")
    CustomQuestionFactory(scheme=council, audience="mentor", text="Only for mentors?")
    client.force_login(draft.user)

    response = client.post(step_url(draft, "goals"), GOALS)
    assert response.url == step_url(draft, "questions")
    response = client.get(step_url(draft, "questions"))
    assert "Only for mentors?" not in response.text
    assert "5 (high)" in response.text
    assert "required" in Page(response.text).find(f"id_question_{single.pk}_0")

    response = client.post(
        step_url(draft, "questions"),
        {
            f"question_{single.pk}": "Rugby",
            f"question_{multiple.pk}": ["Tea", "Coffee"],
            f"question_{scale.pk}": "4",
            f"question_{text.pk}": "I work part time.",
        },
    )
    assert response.url == overview_url(draft)
    draft.refresh_from_db()
    assert draft.answers == {
        str(single.pk): "Rugby",
        str(multiple.pk): ["Tea", "Coffee"],
        str(scale.pk): 4,
        str(text.pk): "I work part time.",
    }
    assert "4 out of 5" in client.get(overview_url(draft)).text


def test_a_required_custom_question_is_asked_for_on_submitting(client, draft, council):
    question = CustomQuestionFactory(scheme=council, kind="text", required=True)
    client.force_login(draft.user)
    response = client.post(step_url(draft, "questions"), {})
    assert response.status_code == 302  # a draft may leave it for now
    assert question.text in client.post(overview_url(draft), {"consent": "on"}).text


def test_the_questions_step_is_not_there_when_the_scheme_has_none(client, draft):
    client.force_login(draft.user)
    assert client.get(step_url(draft, "questions")).status_code == 404


def test_an_unknown_step_is_not_found(client, draft):
    client.force_login(draft.user)
    assert client.get(step_url(draft, "nowhere")).status_code == 404


@pytest.mark.parametrize(
    "status",
    [Application.Status.MATCHED, Application.Status.WITHDRAWN, Application.Status.DECLINED],
)
def test_an_application_that_cannot_change_leads_back_to_its_page(client, council, status):
    application = ApplicationFactory(scheme=council, status=status, job_title="Planner")
    client.force_login(application.user)
    response = client.post(step_url(application, "work"), WORK)
    assert response.url == overview_url(application)
    assert "can no longer be changed" in messages_of(response)[0]
    application.refresh_from_db()
    assert application.job_title == "Planner"


# --- review and submit ---------------------------------------------------------------


def test_the_review_page_shows_every_answer_with_links_to_change_them(client, council):
    application = ApplicationFactory(scheme=council, complete=True, job_title="Planner")
    client.force_login(application.user)
    response = client.get(overview_url(application))
    assert "Planner" in response.text
    assert ", ".join(application.descriptive_words) in response.text
    assert step_url(application, "work") in response.text
    assert questionnaire.consent_text(council) in response.text.replace("&#x27;", "'")
    assert "Submit my application" in response.text


def test_submitting_with_missing_answers_lists_them_with_links_to_their_steps(client, draft):
    client.force_login(draft.user)
    client.post(step_url(draft, "about"), ABOUT)
    response = client.post(overview_url(draft), {"consent": "on"})
    assert response.status_code == 200
    assert "Your application is not complete yet" in response.text
    links = {text: attrs["href"] for attrs, text in Page(response.text).links}
    assert links["Job title"] == step_url(draft, "work")
    assert links["Where you could meet"] == step_url(draft, "preferences")
    assert links["Areas you want to develop"] == step_url(draft, "goals")
    assert "Please answer: " not in response.text  # the list says it, with links
    draft.refresh_from_db()
    assert draft.status == Application.Status.DRAFT


def test_submitting_without_agreeing_shows_the_error_beside_the_checkbox(client, council):
    application = ApplicationFactory(scheme=council, complete=True)
    client.force_login(application.user)
    response = client.post(overview_url(application), {})
    consent = Page(response.text).find("id_consent")
    assert consent["aria-invalid"] == "true"
    assert "Please agree to the use of your data" in response.text
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_submitting_a_complete_application(client, council, django_capture_on_commit_callbacks):
    application = ApplicationFactory(scheme=council, complete=True)
    client.force_login(application.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(overview_url(application), {"consent": "on"})
    assert response.url == overview_url(application)
    assert "is submitted" in messages_of(response)[0]
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.consent_text == questionnaire.consent_text(council)
    assert len(mail.outbox) == 1

    page = client.get(overview_url(application)).text
    today = timezone.localtime(application.submitted_at)
    assert f"submitted on {today:%-d %B %Y}" in page
    assert "Submit my application" not in page
    assert "you agreed to this" in page


def test_submitting_after_the_window_closed_says_so(client, council):
    application = ApplicationFactory(scheme=council, complete=True)
    council.applications_close_on = timezone.localdate() - timedelta(days=2)
    council.save()
    client.force_login(application.user)
    assert "closed on" in client.get(overview_url(application)).text
    response = client.post(overview_url(application), {"consent": "on"})
    assert response.status_code == 200
    assert "closed on" in response.text
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_posting_to_a_submitted_application_changes_nothing(client, mentee_application):
    client.force_login(mentee_application.user)
    response = client.post(overview_url(mentee_application), {"consent": "on"})
    assert response.url == overview_url(mentee_application)
    mentee_application.refresh_from_db()
    assert mentee_application.status == Application.Status.SUBMITTED


def test_changing_a_step_after_submitting_saves_it_and_returns_to_the_application(
    client, council, mentee_application
):
    client.force_login(mentee_application.user)
    response = client.get(step_url(mentee_application, "work"))
    assert "Save changes" in response.text and "Save and continue" not in response.text
    response = client.post(step_url(mentee_application, "work"), {**WORK, "job_title": "Lead"})
    assert response.url == overview_url(mentee_application)
    assert messages_of(response) == ["Your changes are saved."]
    mentee_application.refresh_from_db()
    assert mentee_application.job_title == "Lead"
    assert mentee_application.status == Application.Status.SUBMITTED


@pytest.mark.parametrize(
    ("status", "sentence"),
    [
        ("submitted", "The coordinators will look at your application"),
        ("approved", "You have a place in the scheme"),
        ("waitlisted", "You are on the waiting list"),
        ("declined", "Your application was not accepted this time"),
        ("withdrawn", "You withdrew this application"),
        ("matched", "You have been matched"),
    ],
)
def test_the_application_page_says_what_happens_next(client, council, status, sentence):
    application = ApplicationFactory(
        scheme=council, status=status, decision_reason="Please talk to your manager."
    )
    client.force_login(application.user)
    text = client.get(overview_url(application)).text
    assert sentence in text
    if status != "withdrawn":
        assert "Please talk to your manager." in text
    editable = status in {"submitted", "approved", "waitlisted"}
    assert ("Withdraw my application" in text) is editable
    assert (f'href="{step_url(application, "work")}"' in text) is editable


# --- withdraw ------------------------------------------------------------------------


def test_withdrawing_asks_first_then_takes_the_application_back(
    client, mentee_application, scheme, mentee
):
    client.force_login(mentee)
    url = reverse("schemes:application_withdraw", kwargs={"pk": mentee_application.pk})
    response = client.get(url)
    assert "you will not be matched" in response.text
    # Said before the person confirms: withdrawing deletes the answers.
    assert "your answers are deleted" in response.text
    mentee_application.refresh_from_db()
    assert mentee_application.status == Application.Status.SUBMITTED

    response = client.post(url)
    assert response.url == reverse("schemes:my_schemes")
    assert f"You have withdrawn your application to {scheme.name}" in messages_of(response)[0]
    mentee_application.refresh_from_db()
    assert mentee_application.status == Application.Status.WITHDRAWN
    assert not scheme.memberships.filter(user=mentee).exists()


def test_a_matched_application_cannot_be_withdrawn_here(client, council):
    application = ApplicationFactory(scheme=council, status=Application.Status.MATCHED)
    client.force_login(application.user)
    url = reverse("schemes:application_withdraw", kwargs={"pk": application.pk})
    response = client.post(url)
    assert response.url == overview_url(application)
    application.refresh_from_db()
    assert application.status == Application.Status.MATCHED


# --- nobody else ---------------------------------------------------------------------


@pytest.mark.parametrize("person", ["outsider", "coordinator", "mentor"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_nobody_but_the_applicant_reaches_an_application(
    client, request, mentee_application, person, method
):
    client.force_login(request.getfixturevalue(person))
    pk = mentee_application.pk
    for url in [
        overview_url(mentee_application),
        step_url(mentee_application, "about"),
        reverse("schemes:application_withdraw", kwargs={"pk": pk}),
    ]:
        response = getattr(client, method)(url, {"consent": "on", **ABOUT})
        assert response.status_code == 404, url
    mentee_application.refresh_from_db()
    assert mentee_application.status == Application.Status.SUBMITTED
    assert mentee_application.title == ""


# --- my schemes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "next_step"),
    [
        ("submitted", "Waiting for the coordinators' decision"),
        ("approved", "Approved: waiting to be matched"),
        ("waitlisted", "On the waiting list"),
        ("declined", "Declined"),
        ("withdrawn", "Withdrawn: you can apply again while applications are open"),
    ],
)
def test_my_schemes_says_what_to_do_next(client, council, outsider, status, next_step):
    ApplicationFactory(
        scheme=council, user=outsider, status=status, decision_reason="Try again next year."
    )
    client.force_login(outsider)
    text = client.get(reverse("schemes:my_schemes")).text
    assert council.name in text
    assert next_step in text
    assert ("Try again next year." in text) is (status in {"approved", "waitlisted", "declined"})


def test_a_complete_draft_is_ready_to_submit(client, council, outsider):
    application = ApplicationFactory(scheme=council, user=outsider, complete=True)
    client.force_login(outsider)
    text = client.get(reverse("schemes:my_schemes")).text
    assert "Submit your application" in text
    assert f'href="{overview_url(application)}"' in text


def test_a_withdrawn_application_links_to_the_open_link_to_apply_again(
    client, council, outsider, open_link
):
    ApplicationFactory(scheme=council, user=outsider, status=Application.Status.WITHDRAWN)
    client.force_login(outsider)
    text = client.get(reverse("schemes:my_schemes")).text
    assert reverse("schemes:open_apply", kwargs={"token": open_link}) in text


def test_someone_with_nothing_is_told_how_to_join(client, outsider):
    client.force_login(outsider)
    text = client.get(reverse("schemes:my_schemes")).text
    assert "You have not applied to a scheme yet" in text
    assert "invitation e-mail" in text and "open application link" in text


def test_roles_without_an_application_are_listed_too(client, coordinator, scheme):
    client.force_login(coordinator)
    text = client.get(reverse("schemes:my_schemes")).text
    assert "you coordinate this scheme" in text
    assert scheme.get_absolute_url() in text


def test_my_schemes_queries_do_not_grow_with_the_number_of_applications(
    client, outsider, django_assert_max_num_queries
):
    for n in range(25):
        application = ApplicationFactory(
            user=outsider, status=["draft", "submitted", "declined"][n % 3]
        )
        CustomQuestionFactory(scheme=application.scheme)
        MembershipFactory(user=outsider, role=Role.COORDINATOR)
    client.force_login(outsider)
    with django_assert_max_num_queries(7):  # with the navigation's unread count
        response = client.get(reverse("schemes:my_schemes"))
    assert response.text.count("<article") == 25


# --- home and navigation -------------------------------------------------------------


def test_home_shows_applications_in_progress_with_what_to_do_next(client, draft, council):
    ApplicationFactory(
        user=draft.user, status=Application.Status.DECLINED, scheme__name="Old scheme"
    )
    client.force_login(draft.user)
    text = client.get(reverse("home")).text
    assert "Your applications" in text
    assert "Carry on with your application" in text
    assert step_url(draft, "about") in text
    assert "Old scheme" not in text  # decided: only on "my schemes"


def test_home_offers_to_create_a_scheme_to_those_who_may(client, coordinator, mentee):
    client.force_login(coordinator)
    assert reverse("schemes:create") in client.get(reverse("home")).text
    client.force_login(mentee)
    assert reverse("schemes:create") not in client.get(reverse("home")).text
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert "Create a scheme" in client.get(reverse("home")).text


def test_every_signed_in_person_has_my_schemes_in_the_navigation(client, outsider):
    client.force_login(outsider)
    nav = Page(client.get(reverse("home")).text).links
    assert ("My schemes", reverse("schemes:my_schemes")) in [
        (text, attrs["href"]) for attrs, text in nav
    ]


# --- pages the permission matrix cannot reach ----------------------------------------


def test_a_draft_review_page_and_a_questions_step_are_accessible(client, draft, council):
    CustomQuestionFactory(scheme=council, kind="scale", required=True)
    CustomQuestionFactory(scheme=council, kind="multiple", choices=["A", "B"])
    client.force_login(draft.user)
    for url in [overview_url(draft), step_url(draft, "questions")]:
        response = client.get(url)
        assert response.status_code == 200
        assert_accessible_page(Page(response.text))
    # With errors shown, too.
    response = client.post(overview_url(draft), {})
    assert_accessible_page(Page(response.text))
    response = client.post(step_url(draft, "about"), {"descriptive_words": ["Nonsense"]})
    assert response.status_code == 200
    assert_accessible_page(Page(response.text))


def test_places_and_departments_are_not_asked_when_the_scheme_has_no_lists(client, scheme):
    application = ApplicationFactory(scheme=scheme)  # the plain scheme: no lists
    client.force_login(application.user)
    page = client.get(step_url(application, "preferences")).text
    assert 'name="locations"' not in page and 'name="avoid_departments"' not in page
    response = client.post(step_url(application, "preferences"), PREFERENCES)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.locations == [] and application.term == "long"
    review = client.get(overview_url(application)).text
    assert "Where you could meet" not in review
    assert "Long term or a short boost" in review


def test_another_reason_without_its_details_is_asked_for_on_submitting(client, draft):
    client.force_login(draft.user)
    response = client.post(
        step_url(draft, "goals"),
        {**GOALS, "reason": "other", "reason_details": "", "finish_later": "1"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.reason == "other"
    response = client.post(overview_url(draft), {"consent": "on"})
    assert "your reason for seeking a mentor, in your own words" in response.text


def test_going_on_with_the_wrong_number_of_words_saves_them_and_says_so(client, draft):
    client.force_login(draft.user)
    response = client.post(step_url(draft, "about"), {**ABOUT, "descriptive_words": ["Calm"]})
    assert response.status_code == 200
    assert "Choose exactly five words: you chose 1." in response.text
    assert Page(response.text).find("id_descriptive_words_0")["aria-invalid"] == "true"
    assert "Your answers are saved. Before you go on" in response.text
    draft.refresh_from_db()
    assert draft.descriptive_words == ["Calm"]
    assert draft.phone == "024 7683 1234"
