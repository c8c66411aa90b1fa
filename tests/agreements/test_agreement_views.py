"""The agreement's pages as the mentee and the mentor use them: the page as it stands,
the form that keeps what was typed, conflicts shown with both texts, signing on the
text shown, the versions, the print view and the comparison."""

import re

import pytest
from django.urls import reverse

from agreements.models import AgreementVersion, Signature
from agreements.services.agreement import agreement_draft_save, agreement_sign
from matching.services.mentorships import mentorship_end
from tests.html import text_beside, visible_text

pytestmark = pytest.mark.django_db


def url(name, mentorship, **kwargs):
    return reverse(f"agreements:{name}", kwargs={"pk": mentorship.pk, **kwargs})


def form_data(version=None, **changes):
    """What the edit form posts: the draft's text (or nothing), with ``changes``."""
    data = {
        "purpose": "",
        "success": "",
        "objectives": "",
        "help_asked": "",
        "help_offered": "",
        "mentor_will_not": "",
        "confidentiality": "",
        "meeting_frequency": "",
        "meeting_format": "",
        "arranged_by": "mentee",
        "cancellations": "",
        "review": "",
        "planned_sessions": "",
        "end_date": "",
        "base_number": "",
        "base_revision": "",
    }
    if version is not None:
        for name in AgreementVersion.CONTENT_FIELDS:
            value = getattr(version, name)
            if name == "objectives":
                value = "\n".join(value)
            data[name] = "" if value is None else str(value)
        data["base_number"], data["base_revision"] = version.number, version.revision
    data.update(changes)
    return data


def sign(mentorship, user, version):
    version.refresh_from_db()
    return agreement_sign(
        mentorship=mentorship,
        user=user,
        typed_name=user.display_name,
        content_hash=version.content_hash,
    )


def both_sign(mentorship, mentee, mentor, version):
    sign(mentorship, mentee, version)
    sign(mentorship, mentor, version)
    version.refresh_from_db()
    return version


def change(mentorship, user, version, **content):
    version.refresh_from_db()
    return agreement_draft_save(
        mentorship=mentorship,
        user=user,
        content=content,
        base_number=version.number,
        base_revision=version.revision,
    ).version


# --- the agreement page ---


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_the_page_without_an_agreement_invites_either_person_to_write_it(
    client, request, active_mentorship, role
):
    client.force_login(request.getfixturevalue(role))

    response = client.get(url("agreement", active_mentorship))

    assert response.status_code == 200
    text = visible_text(response)
    assert "You have not written your agreement yet" in text
    assert "The mentee usually writes the first draft; either of you can start it" in text
    assert url("agreement_edit", active_mentorship) in response.content.decode()


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_the_page_shows_the_draft_its_questions_and_the_sign_form(
    client, request, agreement_draft, role
):
    client.force_login(request.getfixturevalue(role))
    mentorship = agreement_draft.mentorship

    response = client.get(url("agreement", mentorship))

    text = visible_text(response)
    assert "Version 1 is a draft" in text
    assert "Why are we doing this? Grow into a team leader role." in text
    assert "What will success look like? Leading a small project by the spring." in text
    page = response.content.decode()
    assert re.search(r"<ol[^>]*>\s*<li>Run a team meeting</li><li>Give difficult feedback", page)
    assert "I have read this version and agree to it" in text
    assert "Type your full name" in text
    assert f'name="content_hash" value="{agreement_draft.content_hash}"' in page


def test_the_page_says_who_has_signed_and_that_the_viewer_waits(
    client, agreement_draft, mentee, mentor
):
    mentorship = agreement_draft.mentorship
    sign(mentorship, mentee, agreement_draft)
    client.force_login(mentee)

    response = client.get(url("agreement", mentorship))

    text = visible_text(response)
    assert "You (the mentee): signed this text on" in text
    assert f"{mentor.display_name} (the mentor): not signed yet." in text
    assert f"Waiting for {mentor.display_name} to sign it." in text
    assert "I have read this version" not in text


def test_a_signature_on_an_earlier_text_is_named_as_no_longer_counting(
    client, agreement_draft, mentee, mentor
):
    mentorship = agreement_draft.mentorship
    sign(mentorship, mentee, agreement_draft)
    change(mentorship, mentor, agreement_draft, review="Monthly")
    client.force_login(mentor)

    response = client.get(url("agreement", mentorship))

    text = visible_text(response)
    assert (
        f"{mentee.display_name} signed an earlier text of this draft, which has changed "
        "since, so that signature no longer counts" in text
    )


def test_a_draft_without_purpose_is_not_offered_for_signing(client, active_mentorship, mentee):
    agreement_draft_save(
        mentorship=active_mentorship,
        user=mentee,
        content={"success": "Something"},
        base_number=None,
        base_revision=None,
    )
    client.force_login(mentee)

    response = client.get(url("agreement", active_mentorship))

    text = visible_text(response)
    assert "This draft cannot be signed yet" in text
    assert "Say why you are doing this before signing." in text
    assert 'name="typed_name"' not in response.content.decode()


def test_a_draft_over_the_version_in_force_says_the_old_version_stays(
    client, agreement_draft, mentee, mentor
):
    mentorship = agreement_draft.mentorship
    first = both_sign(mentorship, mentee, mentor, agreement_draft)
    change(mentorship, mentor, first, meeting_frequency="Monthly")
    client.force_login(mentee)

    response = client.get(url("agreement", mentorship))

    text = visible_text(response)
    assert "Version 1 is in force" in text
    assert "Version 1 stays in force until you both sign version 2." in text
    assert f"{url('agreement_compare', mentorship)}?from=1&amp;to=2" in response.content.decode()
    assert "The text of version 2 (draft)" in text


def test_after_the_mentorship_ends_the_page_is_read_only(client, agreement_draft, mentee):
    mentorship = agreement_draft.mentorship
    mentorship_end(mentorship=mentorship, ended_by=mentee, reason="Moved on.")
    client.force_login(mentee)

    response = client.get(url("agreement", mentorship))

    page = response.content.decode()
    assert "can be read but no longer changed" in visible_text(response)
    assert url("agreement_edit", mentorship) not in page
    assert url("agreement_sign", mentorship) not in page
    edit = client.get(url("agreement_edit", mentorship))
    assert edit.status_code == 302


def test_the_page_queries_do_not_grow_with_versions_and_signatures(
    client, agreement_draft, mentee, mentor, django_assert_max_num_queries
):
    mentorship = agreement_draft.mentorship
    version = both_sign(mentorship, mentee, mentor, agreement_draft)
    for turn in range(4):
        version = change(mentorship, mentee, version, review=f"Review {turn}")
        version = both_sign(mentorship, mentee, mentor, version)
    draft = change(mentorship, mentor, version, review="One more")
    sign(mentorship, mentee, draft)
    change(mentorship, mentor, draft, review="And again")
    client.force_login(mentee)

    with django_assert_max_num_queries(8):
        response = client.get(url("agreement", mentorship))

    assert response.status_code == 200
    assert "Version 6" in visible_text(response)


# --- the form ---


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_the_form_is_prefilled_with_the_draft(client, request, agreement_draft, role):
    client.force_login(request.getfixturevalue(role))

    response = client.get(url("agreement_edit", agreement_draft.mentorship))

    page = response.content.decode()
    assert "Run a team meeting\nGive difficult feedback</textarea>" in page
    assert 'name="base_number" value="1"' in page
    assert 'name="base_revision" value="1"' in page
    assert "normally the mentee takes the initiative" in visible_text(response).lower()


def test_a_first_draft_form_starts_from_the_programme(client, active_mentorship, mentee):
    from agreements.models import default_end_date
    from schemes.models import Scheme

    Scheme.objects.filter(pk=active_mentorship.scheme_id).update(session_count=8)
    client.force_login(mentee)

    response = client.get(url("agreement_edit", active_mentorship))

    page = response.content.decode()
    assert f'value="{default_end_date(active_mentorship).isoformat()}"' in page
    assert re.search(r'name="planned_sessions" value="8"', page)
    assert re.search(r'value="mentee"[^>]*checked|checked[^>]*value="mentee"', page)
    # Loaded from nothing: the service creates version 1.
    assert re.search(r'name="base_number"(?![^>]*value=)[^>]*>', page)


def test_saving_the_first_draft_says_what_happened(client, active_mentorship, mentee, mentor):
    client.force_login(mentee)

    response = client.post(
        url("agreement_edit", active_mentorship),
        form_data(purpose="Learn to lead", objectives="One\n\n  Two  \n"),
        follow=True,
    )

    version = AgreementVersion.objects.get(mentorship=active_mentorship)
    assert version.objectives == ["One", "Two"]
    assert version.end_date is None  # the person emptied it
    text = visible_text(response)
    assert "Saved as a draft of version 1." in text
    assert f"{mentor.display_name} sees your changes when they next open the agreement" in text


def test_a_fourth_objective_is_refused_beside_the_field_keeping_the_text(
    client, agreement_draft, mentee
):
    client.force_login(mentee)
    typed = "First aim\nSecond aim\nThird aim\nFourth aim"

    response = client.post(
        url("agreement_edit", agreement_draft.mentorship),
        form_data(agreement_draft, objectives=typed, review="Kept review text"),
    )

    assert response.status_code == 200
    beside = text_beside(response, "objectives")
    assert "at most 3 objectives and you wrote 4" in beside
    page = response.content.decode()
    assert f"{typed}</textarea>" in page
    assert "Kept review text</textarea>" in page
    agreement_draft.refresh_from_db()
    assert agreement_draft.revision == 1


def test_an_end_date_before_the_start_is_refused_beside_the_field(client, agreement_draft, mentee):
    client.force_login(mentee)

    response = client.post(
        url("agreement_edit", agreement_draft.mentorship),
        form_data(agreement_draft, end_date="2001-01-01"),
    )

    assert "cannot be before the mentorship started" in text_beside(response, "end_date")
    assert 'value="2001-01-01"' in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("end_date", "2025-13-45", "Enter the end date as a date"),
        ("planned_sessions", "99999999999999999999", "at most 100 sessions"),
        ("planned_sessions", "eight", "whole number"),
        ("arranged_by", "the boss", "Choose who arranges your meetings"),
        ("purpose", "bad\x00text", "NUL"),
    ],
)
def test_bad_input_is_a_message_beside_the_field(
    client, agreement_draft, mentee, field, value, message
):
    client.force_login(mentee)

    response = client.post(
        url("agreement_edit", agreement_draft.mentorship),
        form_data(agreement_draft, **{field: value}),
    )

    assert response.status_code == 200
    assert message in text_beside(response, field)


def test_a_tampered_base_is_treated_as_a_conflict_not_an_error(client, agreement_draft, mentee):
    client.force_login(mentee)

    response = client.post(
        url("agreement_edit", agreement_draft.mentorship),
        form_data(agreement_draft, base_number="9" * 40, base_revision="x", purpose="Mine"),
    )

    assert response.status_code == 200
    assert "nothing has been saved yet" in visible_text(response)
    agreement_draft.refresh_from_db()
    assert agreement_draft.purpose == "Grow into a team leader role."


def test_a_conflict_shows_both_texts_and_saves_nothing(client, agreement_draft, mentee, mentor):
    mentorship = agreement_draft.mentorship
    loaded = form_data(agreement_draft)
    change(mentorship, mentor, agreement_draft, purpose="The mentor's purpose.")
    client.force_login(mentee)

    response = client.post(
        url("agreement_edit", mentorship),
        {**loaded, "purpose": "The mentee's purpose.", "review": "Mentee review"},
    )

    assert response.status_code == 200
    text = visible_text(response)
    assert f"{mentor.display_name} saved a change to the agreement while you were editing" in text
    assert "Your text The mentee's purpose." in text
    assert f"Saved by {mentor.display_name} The mentor's purpose." in text
    page = response.content.decode()
    assert "The mentee&#x27;s purpose.</textarea>" in page
    assert "Mentee review</textarea>" in page
    # The base now points at the text saved, so saving again replaces it on purpose.
    assert 'name="base_revision" value="2"' in page
    agreement_draft.refresh_from_db()
    assert agreement_draft.purpose == "The mentor's purpose."
    assert agreement_draft.review == ""

    again = client.post(
        url("agreement_edit", mentorship),
        {**loaded, "purpose": "The mentee's purpose.", "base_revision": "2"},
    )

    assert again.status_code == 302
    agreement_draft.refresh_from_db()
    assert agreement_draft.purpose == "The mentee's purpose."


def test_a_change_to_the_version_in_force_says_it_stays_in_force(
    client, agreement_draft, mentee, mentor
):
    mentorship = agreement_draft.mentorship
    first = both_sign(mentorship, mentee, mentor, agreement_draft)
    client.force_login(mentor)

    response = client.post(
        url("agreement_edit", mentorship), form_data(first, review="Monthly"), follow=True
    )

    text = visible_text(response)
    assert "Saved as a draft of version 2." in text
    assert "Version 1 stays in force until you both sign version 2." in text
    assert AgreementVersion.objects.get(mentorship=mentorship, number=2).review == "Monthly"


def test_an_edit_after_the_other_signed_says_they_sign_again(
    client, agreement_draft, mentee, mentor
):
    mentorship = agreement_draft.mentorship
    sign(mentorship, mentee, agreement_draft)
    agreement_draft.refresh_from_db()
    client.force_login(mentor)

    response = client.post(
        url("agreement_edit", mentorship), form_data(agreement_draft, review="Monthly"), follow=True
    )

    text = visible_text(response)
    assert f"{mentee.display_name} had signed the earlier text" in text
    assert "you both sign this version again" in text


def test_saving_the_same_text_says_nothing_changed(client, agreement_draft, mentee):
    client.force_login(mentee)

    response = client.post(
        url("agreement_edit", agreement_draft.mentorship), form_data(agreement_draft), follow=True
    )

    assert "Nothing changed" in visible_text(response)
    agreement_draft.refresh_from_db()
    assert agreement_draft.revision == 1


def test_the_edit_page_posted_untouched_changes_nothing_even_with_empty_fields(
    client, agreement_draft, mentee, mentor
):
    """The draft leaves the end date and the sessions empty; the form must not fill in
    defaults that would turn an untouched save into a change voiding a signature."""
    mentorship = agreement_draft.mentorship
    assert agreement_draft.end_date is None and agreement_draft.planned_sessions is None
    sign(mentorship, mentor, agreement_draft)
    client.force_login(mentee)
    form = client.get(url("agreement_edit", mentorship)).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}

    response = client.post(url("agreement_edit", mentorship), data, follow=True)

    assert "Nothing changed" in visible_text(response)
    agreement_draft.refresh_from_db()
    assert agreement_draft.revision == 1
    assert agreement_draft.end_date is None
    assert agreement_draft.signatures.filter(content_hash=agreement_draft.content_hash).exists()


# --- signing ---


def test_signing_waits_for_the_other_then_puts_the_version_in_force(
    client, agreement_draft, mentee, mentor
):
    mentorship = agreement_draft.mentorship
    data = {"agree": "on", "typed_name": "Mia Mentee", "content_hash": agreement_draft.content_hash}
    client.force_login(mentee)

    first = client.post(url("agreement_sign", mentorship), data, follow=True)

    assert f"You have signed version 1. Waiting for {mentor.display_name}" in visible_text(first)
    client.force_login(mentor)

    second = client.post(
        url("agreement_sign", mentorship), {**data, "typed_name": "Max Mentor"}, follow=True
    )

    text = visible_text(second)
    assert "Version 1 is now in force: you have both signed it." in text
    assert "moved to the goal-setting stage" in text
    agreement_draft.refresh_from_db()
    assert agreement_draft.status == "in_force"


def test_signing_a_text_changed_since_the_page_loaded_is_refused(
    client, agreement_draft, mentee, mentor
):
    mentorship = agreement_draft.mentorship
    old_hash = agreement_draft.content_hash
    change(mentorship, mentor, agreement_draft, purpose="A new purpose.")
    client.force_login(mentee)

    response = client.post(
        url("agreement_sign", mentorship),
        {"agree": "on", "typed_name": "Mia Mentee", "content_hash": old_hash},
    )

    assert response.status_code == 200
    text = visible_text(response)
    assert "The agreement has changed since you opened it" in text
    assert "A new purpose." in text  # the text as it is now
    agreement_draft.refresh_from_db()
    page = response.content.decode()
    assert f'name="content_hash" value="{agreement_draft.content_hash}"' in page
    assert 'value="Mia Mentee"' in page
    assert not Signature.objects.exists()


def test_signing_without_the_tick_or_name_shows_errors_beside_them(client, agreement_draft, mentee):
    client.force_login(mentee)
    mentorship = agreement_draft.mentorship

    no_tick = client.post(
        url("agreement_sign", mentorship),
        {"typed_name": "Mia Mentee", "content_hash": agreement_draft.content_hash},
    )
    no_name = client.post(
        url("agreement_sign", mentorship),
        {"agree": "on", "typed_name": "   ", "content_hash": agreement_draft.content_hash},
    )

    assert "Tick the box" in text_beside(no_tick, "agree")
    assert 'value="Mia Mentee"' in no_tick.content.decode()
    assert "Type your full name to sign" in text_beside(no_name, "typed_name")
    assert not Signature.objects.exists()


# --- versions, print, compare ---


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_a_version_page_shows_its_signatures_and_hash(
    client, request, agreement_draft, mentee, mentor, role
):
    mentorship = agreement_draft.mentorship
    first = both_sign(mentorship, mentee, mentor, agreement_draft)
    change(mentorship, mentor, first, review="Monthly")
    client.force_login(request.getfixturevalue(role))

    response = client.get(url("agreement_version", mentorship, number=1))

    text = visible_text(response)
    assert "Version 1 of your agreement" in text
    assert "In force since" in text
    assert f"{mentee.display_name}, the mentee, signed on" in text
    assert f"{mentor.display_name}, the mentor, signed on" in text
    assert first.content_hash[:12] in text
    assert url("agreement_print", mentorship, number=1) in response.content.decode()
    second = client.get(url("agreement_version", mentorship, number=2))
    assert f"{url('agreement_compare', mentorship)}?from=1&amp;to=2" in second.content.decode()


def test_an_unknown_version_is_404(client, agreement_draft, mentee):
    client.force_login(mentee)

    assert (
        client.get(url("agreement_version", agreement_draft.mentorship, number=7)).status_code
        == 404
    )
    assert (
        client.get(url("agreement_print", agreement_draft.mentorship, number=7)).status_code == 404
    )


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_the_print_view_is_the_document_without_navigation(
    client, request, agreement_draft, mentee, mentor, role
):
    mentorship = agreement_draft.mentorship
    sign(mentorship, mentee, agreement_draft)
    client.force_login(request.getfixturevalue(role))

    response = client.get(url("agreement_print", mentorship, number=1))

    page = response.content.decode()
    assert "<nav" not in page
    assert "<button" not in page
    assert "<script" not in page
    assert "css/agreement-print.css" in page
    text = visible_text(response)
    assert mentorship.scheme.name in text
    assert mentee.display_name in text and mentor.display_name in text
    assert "Grow into a team leader role." in text
    assert "Print or save as PDF" in text
    assert re.search(r'class="print-hint', page)


def test_compare_shows_only_changed_fields_with_del_and_ins(
    client, agreement_draft, mentee, mentor
):
    mentorship = agreement_draft.mentorship
    first = both_sign(mentorship, mentee, mentor, agreement_draft)
    change(mentorship, mentor, first, purpose="Grow into a department leader role.")
    client.force_login(mentee)

    response = client.get(url("agreement_compare", mentorship))

    page = response.content.decode()
    assert response.status_code == 200
    assert '<del><span class="visually-hidden">removed: </span>team</del>' in page
    assert '<ins><span class="visually-hidden">added: </span>department</ins>' in page
    assert "Why are we doing this?" in visible_text(response)
    assert "What will success look like?" not in visible_text(response)


@pytest.mark.parametrize(
    "query",
    ["?from=abc&to=2", "?from=1&to=99", "?from=99999999999999999999&to=1", "?from=2&to=2"],
)
def test_compare_with_bad_numbers_answers_with_a_message(
    client, agreement_draft, mentee, mentor, query
):
    mentorship = agreement_draft.mentorship
    first = both_sign(mentorship, mentee, mentor, agreement_draft)
    change(mentorship, mentor, first, review="Monthly")
    client.force_login(mentee)

    response = client.get(url("agreement_compare", mentorship) + query)

    assert response.status_code == 200
    text = visible_text(response)
    assert "Choose one of the versions in the list" in text or "Choose two different" in text
    assert "<del>" not in response.content.decode()


def test_compare_with_one_version_says_there_is_nothing_to_compare(client, agreement_draft, mentee):
    client.force_login(mentee)

    response = client.get(url("agreement_compare", agreement_draft.mentorship) + "?from=1&to=2")

    assert response.status_code == 200
    assert "Nothing to compare yet" in visible_text(response)


def test_the_pages_never_show_another_pairs_agreement(client, agreement_draft, outsider):
    client.force_login(outsider)

    for name, kwargs in [
        ("agreement", {}),
        ("agreement_edit", {}),
        ("agreement_compare", {}),
        ("agreement_version", {"number": 1}),
        ("agreement_print", {"number": 1}),
    ]:
        response = client.get(url(name, agreement_draft.mentorship, **kwargs))
        assert response.status_code == 404
        assert b"Grow into a team leader role." not in response.content
    assert client.post(url("agreement_sign", agreement_draft.mentorship)).status_code == 404


def test_an_edit_posting_a_base_when_there_is_no_agreement_is_refused_kindly(
    client, active_mentorship, mentee
):
    client.force_login(mentee)

    response = client.post(
        url("agreement_edit", active_mentorship),
        {
            "purpose": "P",
            "success": "S",
            "arranged_by": "mentee",
            "base_number": "1",
            "base_revision": "1",
        },
    )

    assert response.status_code == 200
    assert "Open the agreement again" in visible_text(response)
    assert not active_mentorship.agreement_versions.exists()
    assert response.context["form"]["purpose"].value() == "P"
