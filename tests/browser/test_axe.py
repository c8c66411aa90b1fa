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


MOVING_ON = (
    "<!doctype html><html lang='en'><head><title>Moving on</title></head><body><main>"
    "<h1>Moving on</h1><p>This page goes to the next by itself.</p></main><script>"
    "addEventListener('load', () => setTimeout(() => location.assign('/flawed-next/'), 0));"
    "</script></body></html>"
)


def test_a_page_that_moves_on_by_itself_is_followed_not_an_error(context, live_server):
    page = context.new_page()
    _serve(page, live_server.url + "/moving-on/", MOVING_ON)
    _serve(page, live_server.url + "/flawed-next/", FLAWED)
    page.goto(live_server.url + "/moving-on/")
    # Whether axe ran on the first page or was cut short by its leaving, the page it
    # lands on is the one reported, and nothing else fails.
    with pytest.raises(AssertionError, match=r"image-alt \(critical\) on .*/flawed-next/"):
        page.wait_for_url("**/flawed-next/")
        page.title()
    page.close()
