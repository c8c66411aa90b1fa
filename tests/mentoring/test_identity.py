"""The site's own look: its stylesheet after Bootstrap's, the logo mark in the navigation
bar and the favicon drawn in the palette's colours, and one badge per status everywhere."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.html import Page
from tests.mentoring.test_palette import palette

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "static"


def _stylesheets(page: Page) -> list[str]:
    return [
        attrs["href"]
        for tag, attrs in page.elements
        if tag == "link" and attrs.get("rel") == "stylesheet"
    ]


def test_the_site_stylesheet_comes_after_bootstraps(client):
    page = Page(client.get(reverse("account_login")).content.decode())
    sheets = _stylesheets(page)
    assert [Path(href).name for href in sheets] == ["bootstrap.min.css", "site.css"]


def test_the_navigation_bar_carries_the_logo_mark_and_the_name(client):
    page = Page(client.get(reverse("account_login")).content.decode())
    brand = next(
        attrs
        for tag, attrs in page.elements
        if tag == "a" and "navbar-brand" in attrs.get("class", "")
    )
    assert brand["href"] == reverse("home")
    mark = next(
        attrs
        for tag, attrs in page.elements
        if tag == "img" and "brand-mark" in attrs.get("class", "")
    )
    assert mark["src"].endswith("img/logo.svg")
    assert mark["alt"] == ""  # the name beside it says it
    assert ("/", "Mentoring") in [(attrs.get("href"), text) for attrs, text in page.links]
    icon = next(
        attrs for tag, attrs in page.elements if tag == "link" and attrs.get("rel") == "icon"
    )
    assert icon["href"].endswith("img/favicon.svg")
    navbar = next(
        attrs for tag, attrs in page.elements if tag == "nav" and "navbar" in attrs.get("class", "")
    )
    assert "site-navbar" in navbar["class"] and "bg-primary" not in navbar["class"]


@pytest.mark.parametrize("name", ["logo.svg", "favicon.svg", "empty.svg"])
def test_the_marks_are_drawn_in_the_palettes_colours(name):
    colours = set(palette().values()) | {"#ffffff"}
    svg = (STATIC / "img" / name).read_text()
    used = {c.lower() for c in re.findall(r'(?:fill|stroke)="(#[0-9a-fA-F]{6})"', svg)}
    assert used, name
    assert used <= colours, used - colours
    assert "<script" not in svg and "style=" not in svg


def test_a_schemes_status_has_one_badge_on_every_page(client, coordinator, scheme):
    client.force_login(coordinator)
    badges = []
    for url in (reverse("home"), scheme.get_absolute_url()):
        html = client.get(url).content.decode()
        badges += re.findall(r'<span class="(badge [^"]*)">Open for applications</span>', html)
    assert len(badges) == 2
    assert set(badges) == {"badge text-bg-success"}
