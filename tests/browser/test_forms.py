"""What a person sees while filling in a form: the limit of a long answer, counted as
they type, and the five descriptive words, which stop at five."""

from playwright.sync_api import expect

from schemes.choices import DESCRIPTIVE_WORDS
from tests.browser.people import sign_in
from tests.factories import ApplicationFactory, UserFactory


def _application(live_server):
    person = UserFactory(email="sam@example.org", name="Sam Person")
    return ApplicationFactory(user=person, role="mentee")


def test_a_sixth_descriptive_word_is_refused_with_the_reason(page, live_server):
    application = _application(live_server)
    sign_in(page, live_server, "sam@example.org", first_name="Sam")
    page.goto(f"{live_server.url}/applications/{application.pk}/steps/about/")
    count = page.locator("#descriptive-words-count")
    expect(count).to_have_text("You have chosen 0 of 5.")
    for word in DESCRIPTIVE_WORDS[:5]:
        page.get_by_label(word, exact=True).check()
    expect(count).to_have_text("You have chosen 5 of 5.")

    sixth = page.get_by_label(DESCRIPTIVE_WORDS[5], exact=True)
    sixth.click()
    expect(sixth).not_to_be_checked()
    expect(count).to_have_text("You have already chosen 5: untick one to choose another.")

    page.get_by_label(DESCRIPTIVE_WORDS[0], exact=True).uncheck()
    expect(count).to_have_text("You have chosen 4 of 5.")
    sixth.check()
    expect(count).to_have_text("You have chosen 5 of 5.")


def test_a_long_answer_says_its_limit_and_counts_to_it(page, live_server):
    application = _application(live_server)
    sign_in(page, live_server, "sam@example.org", first_name="Sam")
    page.goto(f"{live_server.url}/applications/{application.pk}/steps/work/")

    job_title = page.get_by_label("Job title")
    expect(page.locator("#id_job_title-character-count")).to_have_text("0 of 200 characters")
    job_title.fill("Housing officer")
    expect(page.locator("#id_job_title-character-count")).to_have_text("15 of 200 characters")

    answer = page.get_by_label("Your current responsibilities")
    counter = page.locator("#id_responsibilities-character-count")
    expect(counter).to_have_text("0 of 4,000 characters")
    # The counter is read with the field.
    assert "id_responsibilities-character-count" in answer.get_attribute("aria-describedby")
    answer.fill("x" * 3_998)
    answer.press_sequentially("abc")
    expect(counter).to_have_text("4,000 of 4,000 characters: the limit")
    expect(page.get_by_text("You have reached the limit of 4,000 characters.")).to_be_attached()
    answer.press("Backspace")
    expect(counter).to_have_text("3,999 of 4,000 characters")


def test_a_search_box_has_no_counter(page, live_server, coordinator, scheme):
    sign_in(page, live_server, coordinator.email)
    page.goto(f"{live_server.url}/schemes/{scheme.slug}/applications/")
    search = page.locator("form[method=get] input[type=text][maxlength]")
    expect(search).to_have_count(1)
    expect(page.locator(".character-count")).to_have_count(0)
