"""The privacy page: open to everyone, written from the retention schedule, and the
scheme hub's promise that the schedule keeps."""

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from privacy import retention
from privacy.retention import NOTICE_DAYS, retention_kinds
from schemes.models import Membership, Role, Scheme
from schemes.services.schemes import scheme_update
from tests.factories import SchemeFactory
from tests.html import visible_text

pytestmark = pytest.mark.django_db

URL = reverse("privacy:privacy")


def test_anyone_reads_every_kind_of_the_schedule_with_its_period_and_readers(client):
    response = client.get(URL)
    assert response.status_code == 200
    text = visible_text(response)
    for kind in retention_kinds():
        assert kind.label in text
        assert kind.covers in text
        assert kind.reason in text
        assert kind.readers in text
    assert "24 months unless it sets another" in text
    assert "90 days after it was written" in text
    assert "24 hours after it is written" in text  # the roof's export files
    assert f"{NOTICE_DAYS} days before the period ends" in text


def test_a_kind_added_to_the_schedule_appears_on_the_page(client, monkeypatch):
    audit = next(kind for kind in retention_kinds() if kind.key == "audit")
    added = replace(audit, key="test_kind", label="Carrier pigeons", covers="Every pigeon.")
    monkeypatch.setitem(retention._KINDS, added.key, added)
    text = visible_text(client.get(URL))
    assert "Carrier pigeons" in text and "Every pigeon." in text


def test_the_page_promises_nothing_the_product_does_not_do(client):
    text = visible_text(client.get(URL)).lower()
    assert "by hand" not in text
    # The rights it names lead to the pages that give them.
    html = client.get(URL).content.decode()
    for name, words in (
        ("privacy:data", "download a copy of everything"),
        ("privacy:erasure", "erase your account"),
        ("usersessions_list", "sign out of the other browsers"),
    ):
        assert words in text
        assert f'href="{reverse(name)}"' in html


def test_a_person_sees_their_own_schemes_periods(client, mentee, scheme, other_scheme):
    scheme.retention_months = 12
    scheme.save(update_fields=["retention_months"])
    closed = SchemeFactory(name="Finished scheme", retention_months=6)
    Membership.objects.create(scheme=closed, user=mentee, role=Role.MENTEE)
    scheme_update(scheme=closed, status=Scheme.Status.CLOSED)
    client.force_login(mentee)
    text = visible_text(client.get(URL))
    assert "Council staff mentoring 12 months after it closes Still open" in text
    due = (timezone.localdate() + timedelta(days=183)).strftime("%B %Y")
    assert "Finished scheme 6 months after it closes From" in text and due in text
    assert "Another scheme" not in text


def test_the_page_costs_the_same_queries_for_one_scheme_or_ten(
    client, mentee, django_assert_max_num_queries
):
    client.force_login(mentee)

    def closed_scheme():
        scheme = SchemeFactory()
        Membership.objects.create(scheme=scheme, user=mentee, role=Role.MENTEE)
        scheme_update(scheme=scheme, status=Scheme.Status.CLOSED)

    closed_scheme()
    with django_assert_max_num_queries(9) as few:
        client.get(URL)
    for _ in range(9):
        closed_scheme()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    # Ten schemes and the mentee's own Council scheme.
    assert response.content.decode().count("after it closes</td>") == 11


def test_every_page_links_to_the_privacy_page(client):
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()


def test_the_hub_says_the_nightly_job_removes_a_closed_schemes_data(client, coordinator, scheme):
    client.force_login(coordinator)
    text = visible_text(client.get(scheme.get_absolute_url()))
    assert "by hand" not in text
    assert "then a nightly job removes it" in text
    scheme_update(scheme=scheme, status=Scheme.Status.CLOSED)
    text = visible_text(client.get(scheme.get_absolute_url()))
    due = (timezone.localdate() + timedelta(days=731)).year
    assert "The period ends on" in text and str(due) in text


def test_the_documentation_lists_every_kind_of_the_schedule():
    docs = (Path(settings.BASE_DIR) / "docs" / "retention.md").read_text(encoding="utf-8")
    table = [line.split("|")[1].strip() for line in docs.splitlines() if line.startswith("| ")]
    assert set(table[1:]) == {kind.label for kind in retention_kinds()}
