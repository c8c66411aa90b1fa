"""HTTP headers every page carries: where forms may post, and who may keep a copy."""

import pytest
from django.urls import reverse

from mentoring.sso import identity_provider_origins

pytestmark = pytest.mark.django_db


def test_forms_may_post_to_this_site_only(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["form-action"] == "'self'"


def test_single_sign_on_adds_the_identity_providers_origins_to_form_action():
    # The sign-in button posts here and is redirected to the provider: browsers hold
    # that redirect to form-action as well.
    origins = identity_provider_origins(
        {
            "OIDC_SERVER_URL": "https://login.microsoftonline.com/tenant/v2.0",
            "SAML_IDP_METADATA_URL": "https://idp.example.org:8443/metadata.xml?app=1",
            "SSO_FORM_ACTION_ORIGINS": " https://login.microsoftonline.com , https://mfa.example.org",
        }
    )
    assert origins == [
        "https://login.microsoftonline.com",
        "https://idp.example.org:8443",
        "https://mfa.example.org",
    ]
    assert identity_provider_origins({}) == []


def test_a_page_for_a_signed_in_person_is_not_kept_by_browsers_or_proxies(
    client, scheme, coordinator
):
    client.force_login(coordinator)
    for url in ("/", reverse("scheme", kwargs={"slug": "council"})):
        cache_control = client.get(url).headers["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url


def test_the_invitation_page_names_the_invitee_and_is_not_kept_even_for_a_visitor(
    client, invitation
):
    response = client.get(reverse("schemes:invitation", kwargs={"token": invitation.token}))
    assert invitation.email in response.text
    assert "no-store" in response.headers["Cache-Control"]


def test_a_view_that_sets_its_own_cache_control_keeps_it(client, outsider):
    client.force_login(outsider)
    # never_cache's header already forbids storing; it is not replaced.
    assert client.get(reverse("health")).headers["Cache-Control"] == (
        "max-age=0, no-cache, no-store, must-revalidate, private"
    )


def test_the_anonymous_landing_page_and_static_files_may_be_cached(client, outsider):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    client.force_login(outsider)
    static = client.get("/static/css/site.css")
    assert static.status_code == 200
    assert "no-store" not in static.headers.get("Cache-Control", "")
