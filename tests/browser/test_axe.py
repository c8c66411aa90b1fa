"""The axe check of every page the browser tests land on (tests/browser/axe.py)."""

import pytest

from tests.browser import axe

FLAWED = (
    "<!doctype html><html lang='en'><head><title>Flawed</title></head><body><main>"
    "<h1>Flawed</h1><img src='/static/img/favicon.svg'>"
    "<p><button id='empty'></button></p></main></body></html>"
)


def _serve(page, url, html):
    page.route(url, lambda route: route.fulfill(status=200, content_type="text/html", body=html))


def test_a_serious_violation_fails_the_next_step_naming_the_rule_and_the_element(
    context, live_server
):
    page = context.new_page()
    watch = axe.watch(page)
    url = live_server.url + "/flawed/"
    _serve(page, url, FLAWED)
    try:
        page.goto(url)
        with pytest.raises(AssertionError) as failure:
            page.title()  # the test's next step: the page it landed on is checked first
        report = str(failure.value)
        assert "image-alt (critical)" in report
        assert "button-name (critical)" in report
        assert f"on {url}" in report
        assert "<img src=" in report
        assert "#empty" in report
    finally:
        axe.unwatch(watch)
        page.close()
    assert watch.checked == [url]


def test_the_last_page_is_checked_when_the_test_ends(context, live_server):
    page = context.new_page()
    watch = axe.watch(page)
    url = live_server.url + "/flawed-last/"
    _serve(page, url, FLAWED)
    page.goto(url)
    with pytest.raises(AssertionError, match="image-alt"):
        axe.unwatch(watch)
    page.close()


def test_a_page_without_serious_violations_passes(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    assert page.title() == "Sign in · Mentoring"


def test_a_page_of_a_context_the_test_opens_itself_is_checked(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    url = live_server.url + "/flawed-elsewhere/"
    _serve(page, url, FLAWED)
    page.goto(url)
    with pytest.raises(AssertionError, match=r"image-alt \(critical\) on .*/flawed-elsewhere/"):
        context.close()  # the test's next call, whatever it is, checks first
    context.close()


def test_a_page_opened_straight_from_the_browser_is_checked(browser, live_server):
    page = browser.new_page()
    url = live_server.url + "/flawed-page/"
    _serve(page, url, FLAWED)
    page.goto(url)
    with pytest.raises(AssertionError, match="button-name"):
        page.close()
    page.close()
