"""The one place a higher app offers matching's pages links of its own.

Matching's pages (My mentorships, a mentorship's page, the coordinators' list) lead to
a pair's own page, which a higher app provides (``agreements``): for the pair, their
space; for the scheme's coordinators, what they may see of it. Matching never imports
that app: it registers its URL names here in its ``AppConfig.ready``, as apps register
outbox handlers on the ground floor.
"""

from django.urls import reverse

from matching.models import Mentorship

__all__ = ["coordinator_pair_url", "pair_page_url", "register_pair_pages"]

_pages: dict[str, str] = {}


def register_pair_pages(*, pair: str, coordinator: str) -> None:
    """Name the URLs of the pair's page (taking the mentorship's ``pk``) and of the
    coordinators' page of a pair (taking the scheme's ``slug`` and the ``pk``)."""
    _pages.update(pair=pair, coordinator=coordinator)


def pair_page_url(mentorship: Mentorship) -> str:
    """The pair's page of ``mentorship`` once it has started, or "" (not started, or no
    app provides one)."""
    if "pair" not in _pages or mentorship.started_at is None:
        return ""
    return reverse(_pages["pair"], kwargs={"pk": mentorship.pk})


def coordinator_pair_url(mentorship: Mentorship) -> str:
    """The coordinators' page of ``mentorship``'s pair once it has started, or ""."""
    if "coordinator" not in _pages or mentorship.started_at is None:
        return ""
    return reverse(
        _pages["coordinator"], kwargs={"slug": mentorship.scheme.slug, "pk": mentorship.pk}
    )
