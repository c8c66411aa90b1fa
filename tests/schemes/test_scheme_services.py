"""The services of scheme set-up: a scheme's settings, its open link, its own questions."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from schemes import choices
from schemes.models import CustomQuestion, Role, Scheme
from schemes.services.questions import (
    question_create,
    question_delete,
    question_move,
    question_update,
)
from schemes.services.schemes import (
    scheme_create,
    scheme_open_link_disable,
    scheme_open_link_enable,
    scheme_update,
)
from tests.factories import ApplicationFactory, CustomQuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

ALL_SETTINGS = {
    "description": "For staff in their first management role.",
    "status": Scheme.Status.DRAFT,
    "applications_open_on": date(2027, 1, 4),
    "applications_close_on": date(2027, 2, 26),
    "programme_months": 9,
    "rhythm": choices.Rhythm.FIXED,
    "session_count": 6,
    "default_mentor_capacity": 3,
    "prefer_other_department": False,
    "max_gap_weeks": 8,
    "retention_months": 36,
    "development_areas": ["Leadership", "Confidence"],
    "locations": ["Coventry", "Warwick"],
    "departments": ["Housing", "Finance"],
    "grades": ["Officer", "Senior officer", "Manager"],
}


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


# --- schemes ---------------------------------------------------------------------------


def test_scheme_is_created_with_every_setting_and_its_coordinator():
    person = UserFactory()
    scheme = scheme_create(name="New Managers 2027", coordinator=person, **ALL_SETTINGS)
    scheme.refresh_from_db()
    for field, value in ALL_SETTINGS.items():
        assert getattr(scheme, field) == value, field
    assert scheme.slug == "new-managers-2027"
    assert list(scheme.memberships.values_list("user", "role")) == [(person.pk, Role.COORDINATOR)]


def test_scheme_created_without_settings_starts_with_the_default_lists():
    scheme = scheme_create(name="Defaults", coordinator=UserFactory())
    assert scheme.development_areas == choices.DEFAULT_DEVELOPMENT_AREAS
    assert scheme.grades == choices.DEFAULT_GRADES
    assert scheme.status == Scheme.Status.DRAFT


def test_a_scheme_called_new_does_not_take_the_create_pages_address():
    scheme = scheme_create(name="New", coordinator=UserFactory())
    assert scheme.slug == "new-2"


def test_applications_closing_before_they_open_are_refused_and_nothing_is_saved():
    with pytest.raises(ValidationError) as excinfo:
        scheme_create(
            name="Backwards",
            coordinator=UserFactory(),
            applications_open_on=date(2027, 3, 1),
            applications_close_on=date(2027, 2, 1),
        )
    assert _errors(excinfo) == {
        "applications_close_on": ["Applications must close after they open."]
    }
    assert not Scheme.objects.filter(name="Backwards").exists()


def test_fixed_rhythm_without_a_number_of_sessions_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        scheme_create(name="Fixed", coordinator=UserFactory(), rhythm=choices.Rhythm.FIXED)
    assert _errors(excinfo) == {"session_count": ["Say how many sessions pairs have."]}


def test_a_number_of_sessions_is_dropped_unless_the_rhythm_is_fixed():
    scheme = scheme_create(
        name="Monthly", coordinator=UserFactory(), rhythm=choices.Rhythm.MONTHLY, session_count=4
    )
    assert scheme.session_count is None


@pytest.mark.parametrize("field", ["development_areas", "locations", "departments", "grades"])
def test_a_list_with_the_same_entry_twice_is_refused(field):
    with pytest.raises(ValidationError) as excinfo:
        scheme_create(name="Twice", coordinator=UserFactory(), **{field: ["Alpha", "alpha"]})
    assert _errors(excinfo) == {field: ["Each entry may appear only once."]}


def test_a_scheme_needs_at_least_one_development_area_and_one_grade():
    with pytest.raises(ValidationError) as excinfo:
        scheme_create(name="Empty", coordinator=UserFactory(), development_areas=[], grades=[])
    errors = _errors(excinfo)
    assert "A scheme needs at least one development area." in errors["development_areas"]
    assert "A scheme needs at least one grade." in errors["grades"]


def test_a_blank_list_entry_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        scheme_create(name="Blank", coordinator=UserFactory(), locations=["Coventry", "  "])
    assert _errors(excinfo) == {"locations": ["Give one entry per line."]}


def test_out_of_range_numbers_are_refused_beside_their_fields():
    with pytest.raises(ValidationError) as excinfo:
        scheme_create(
            name="Numbers", coordinator=UserFactory(), programme_months=0, max_gap_weeks=53
        )
    assert set(_errors(excinfo)) == {"programme_months", "max_gap_weeks"}


def test_an_unknown_setting_is_a_programming_error():
    with pytest.raises(TypeError, match="colour"):
        scheme_create(name="Odd", coordinator=UserFactory(), colour="blue")


def test_updating_changes_the_settings_and_keeps_the_address(scheme):
    scheme_update(scheme=scheme, name="Renamed", **{**ALL_SETTINGS, "locations": ["Rugby"]})
    scheme.refresh_from_db()
    assert scheme.name == "Renamed"
    assert scheme.slug == "council"
    assert scheme.locations == ["Rugby"]
    assert scheme.session_count == 6


def test_a_bad_update_is_refused_and_the_saved_settings_stay(scheme):
    with pytest.raises(ValidationError) as excinfo:
        scheme_update(scheme=scheme, name="Changed", rhythm=choices.Rhythm.FIXED)
    assert "session_count" in _errors(excinfo)
    scheme.refresh_from_db()
    assert (scheme.name, scheme.rhythm) == ("Council staff mentoring", choices.Rhythm.MONTHLY)


def test_leaving_the_fixed_rhythm_drops_the_number_of_sessions(scheme):
    scheme_update(scheme=scheme, rhythm=choices.Rhythm.FIXED, session_count=4)
    scheme_update(scheme=scheme, rhythm=choices.Rhythm.FORTNIGHTLY)
    scheme.refresh_from_db()
    assert scheme.session_count is None


# --- the open link ---------------------------------------------------------------------


def test_turning_the_open_link_on_gives_a_new_address_each_time(scheme):
    assert scheme.open_link_token is None
    first = scheme_open_link_enable(scheme=scheme).open_link_token
    second = scheme_open_link_enable(scheme=scheme).open_link_token
    assert first and second and first != second
    scheme.refresh_from_db()
    assert scheme.open_link_token == second


def test_turning_the_open_link_off_retires_its_address(scheme, open_link):
    scheme_open_link_disable(scheme=scheme)
    scheme.refresh_from_db()
    assert scheme.open_link_token is None
    assert not Scheme.objects.filter(open_link_token=open_link).exists()


# --- questions -------------------------------------------------------------------------


def test_a_question_is_added_at_the_end(scheme):
    first = question_create(scheme=scheme, text="First?")
    second = question_create(
        scheme=scheme,
        text="Which site?",
        help_text="Where you work most days.",
        kind=CustomQuestion.Kind.SINGLE,
        choices=["North", "South"],
        audience=CustomQuestion.Audience.BOTH,
        required=True,
        is_matching_criterion=True,
        weight=10,
    )
    assert list(scheme.questions.all()) == [first, second]
    assert second.position > first.position
    second.refresh_from_db()
    assert (second.choices, second.required, second.weight) == (["North", "South"], True, 10)


def test_choices_and_weight_are_dropped_where_they_mean_nothing(scheme):
    question = question_create(
        scheme=scheme,
        text="Tell us more",
        kind=CustomQuestion.Kind.TEXT,
        choices=["A", "B"],
        weight=7,
    )
    assert (question.choices, question.weight) == ([], 0)


def test_a_choice_question_needs_two_different_choices(scheme):
    with pytest.raises(ValidationError) as excinfo:
        question_create(scheme=scheme, text="Pick", kind=CustomQuestion.Kind.SINGLE, choices=["A"])
    assert _errors(excinfo) == {"choices": ["A choice question needs at least two choices."]}
    with pytest.raises(ValidationError) as excinfo:
        question_create(
            scheme=scheme, text="Pick", kind=CustomQuestion.Kind.MULTIPLE, choices=["A", "a"]
        )
    assert _errors(excinfo) == {"choices": ["Each choice may appear only once."]}
    assert not scheme.questions.exists()


def test_only_a_choice_question_can_be_a_matching_criterion(scheme):
    with pytest.raises(ValidationError) as excinfo:
        question_create(
            scheme=scheme,
            text="Scale",
            kind=CustomQuestion.Kind.SCALE,
            is_matching_criterion=True,
            weight=5,
        )
    assert list(_errors(excinfo)) == ["is_matching_criterion"]


def test_a_matching_criterion_is_asked_of_both_roles_and_has_a_weight(scheme):
    with pytest.raises(ValidationError) as excinfo:
        question_create(
            scheme=scheme,
            text="Pick",
            kind=CustomQuestion.Kind.SINGLE,
            choices=["A", "B"],
            audience=CustomQuestion.Audience.MENTEE,
            is_matching_criterion=True,
            weight=0,
        )
    assert set(_errors(excinfo)) == {"audience", "weight"}


def test_updating_a_question_keeps_the_answers_already_given(scheme, question):
    application = ApplicationFactory(scheme=scheme, answers={str(question.pk): "Rugby"})
    question_update(question=question, text="Which sport do you follow?", weight=9)
    question.refresh_from_db()
    application.refresh_from_db()
    assert (question.text, question.weight) == ("Which sport do you follow?", 9)
    assert application.answers == {str(question.pk): "Rugby"}


def test_turning_a_criterion_into_a_plain_question_drops_its_weight(question):
    question_update(question=question, is_matching_criterion=False)
    question.refresh_from_db()
    assert question.weight == 0


def test_a_bad_question_update_is_refused_and_nothing_changes(question):
    with pytest.raises(ValidationError):
        question_update(question=question, audience=CustomQuestion.Audience.MENTOR)
    question.refresh_from_db()
    assert question.audience == CustomQuestion.Audience.BOTH


def test_an_unknown_question_field_is_a_programming_error(scheme):
    with pytest.raises(TypeError, match="position"):
        question_create(scheme=scheme, text="Where?", position=3)


def test_deleting_a_question_keeps_the_answers_in_the_records(scheme, question):
    key = str(question.pk)
    application = ApplicationFactory(scheme=scheme, answers={key: "Cricket"})
    question_delete(question=question)
    assert not scheme.questions.exists()
    application.refresh_from_db()
    assert application.answers == {key: "Cricket"}


def test_moving_questions_swaps_them_with_their_neighbours(scheme):
    first, _, third = (
        CustomQuestionFactory(scheme=scheme, text=text, position=position)
        for position, text in enumerate(["One", "Two", "Three"], start=1)
    )
    question_move(question=third, up=True)
    assert [q.text for q in scheme.questions.all()] == ["One", "Three", "Two"]
    question_move(question=first, up=False)
    assert [q.text for q in scheme.questions.all()] == ["Three", "One", "Two"]


def test_moving_past_either_end_changes_nothing(scheme):
    first = CustomQuestionFactory(scheme=scheme, text="One", position=1)
    last = CustomQuestionFactory(scheme=scheme, text="Two", position=2)
    question_move(question=first, up=True)
    question_move(question=last, up=False)
    assert [q.text for q in scheme.questions.all()] == ["One", "Two"]


def test_moving_only_touches_the_schemes_own_questions(scheme, other_scheme):
    mine = CustomQuestionFactory(scheme=scheme, text="Mine", position=5)
    theirs = CustomQuestionFactory(scheme=other_scheme, text="Theirs", position=1)
    question_move(question=mine, up=True)
    theirs.refresh_from_db()
    assert theirs.position == 1
