"""The one place a higher app offers matching's pages a link of its own.

Matching's pages (My mentorships, a mentorship's page) lead a pair to their own page,
which a higher app provides (``agreements``). Matching never imports it: the higher app
registers its URL name here in its ``AppConfig.ready``, as apps register outbox
handlers on the ground floor.
"""

from django.urls import reverse

__all__ = ["pair_page_url", "register_pair_page"]

_pair_page: list[str] = []


def register_pair_page(url_name: str) -> None:
    """Name the URL (taking the mentorship's ``pk``) of the pair's own page."""
    _pair_page[:] = [url_name]


def pair_page_url(mentorship) -> str:
    """The pair's page of ``mentorship`` once it has started, or "" (not started, or no
    app provides one)."""
    if not _pair_page or mentorship.started_at is None:
        return ""
    return reverse(_pair_page[0], kwargs={"pk": mentorship.pk})
