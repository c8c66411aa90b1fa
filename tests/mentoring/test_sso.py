"""Single sign-on is switched on by environment variables alone (mentoring/sso.py)."""

import pytest
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from mentoring.sso import DEFAULT_SAML_ATTRIBUTES, socialaccount_providers

OIDC = {
    "OIDC_CLIENT_ID": "6f1c2a9e-client",
    "OIDC_CLIENT_SECRET": "client-secret",
    "OIDC_SERVER_URL": "https://login.microsoftonline.com/tenant-id/v2.0",
    "OIDC_PROVIDER_ID": "entra",
    "OIDC_PROVIDER_NAME": "Council account",
}
SAML = {
    "SAML_IDP_METADATA_URL": "https://idp.example.org/metadata.xml",
    "SAML_IDP_ENTITY_ID": "https://sts.windows.net/tenant-id/",
    "SAML_ORGANIZATION_SLUG": "council",
    "SAML_PROVIDER_NAME": "Council account (SAML)",
}


def test_no_variables_means_no_single_sign_on():
    assert socialaccount_providers({}) == {}


def test_empty_variables_count_as_unset():
    assert socialaccount_providers(dict.fromkeys([*OIDC, *SAML], "")) == {}


def test_oidc_variables_configure_one_openid_connect_app():
    providers = socialaccount_providers(OIDC)

    assert set(providers) == {"openid_connect"}
    assert providers["openid_connect"]["OAUTH_PKCE_ENABLED"] is True
    [app] = providers["openid_connect"]["APPS"]
    assert app["provider_id"] == "entra"
    assert app["name"] == "Council account"
    assert app["client_id"] == "6f1c2a9e-client"
    assert app["secret"] == "client-secret"
    assert app["settings"]["server_url"] == "https://login.microsoftonline.com/tenant-id/v2.0"


def test_oidc_provider_id_and_name_have_defaults():
    [app] = socialaccount_providers(
        {"OIDC_CLIENT_ID": "client", "OIDC_SERVER_URL": "https://idp.example.org"}
    )["openid_connect"]["APPS"]

    assert app["provider_id"] == "sso"
    assert app["name"] == "Single sign-on"
    assert app["secret"] == ""


def test_saml_variables_configure_one_saml_app():
    providers = socialaccount_providers(SAML)

    assert set(providers) == {"saml"}
    [app] = providers["saml"]["APPS"]
    assert app["client_id"] == "council"
    assert app["name"] == "Council account (SAML)"
    assert app["provider_id"] == "https://sts.windows.net/tenant-id/"
    assert app["settings"]["idp"] == {
        "entity_id": "https://sts.windows.net/tenant-id/",
        "metadata_url": "https://idp.example.org/metadata.xml",
    }
    assert app["settings"]["attribute_mapping"] == DEFAULT_SAML_ATTRIBUTES


def test_saml_organization_slug_defaults_to_sso():
    [app] = socialaccount_providers(
        {"SAML_IDP_METADATA_URL": SAML["SAML_IDP_METADATA_URL"], "SAML_IDP_ENTITY_ID": "idp"}
    )["saml"]["APPS"]

    assert app["client_id"] == "sso"


def test_oidc_and_saml_can_be_offered_together():
    assert set(socialaccount_providers({**OIDC, **SAML})) == {"openid_connect", "saml"}


def test_oidc_client_id_without_server_url_names_the_missing_variable():
    with pytest.raises(ImproperlyConfigured, match="OIDC_SERVER_URL"):
        socialaccount_providers({"OIDC_CLIENT_ID": "client"})


def test_saml_metadata_url_without_entity_id_names_the_missing_variable():
    with pytest.raises(ImproperlyConfigured, match="SAML_IDP_ENTITY_ID"):
        socialaccount_providers({"SAML_IDP_METADATA_URL": SAML["SAML_IDP_METADATA_URL"]})


@pytest.mark.django_db
def test_sign_in_page_offers_the_configured_providers(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers({**OIDC, **SAML})

    page = client.get(reverse("account_login")).content.decode()

    assert reverse("openid_connect_login", kwargs={"provider_id": "entra"}) in page
    assert "Council account" in page
    assert reverse("saml_login", kwargs={"organization_slug": "council"}) in page


@pytest.mark.django_db
def test_sign_in_page_offers_no_provider_when_none_is_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers({})

    page = client.get(reverse("account_login")).content.decode()

    assert "/accounts/oidc/" not in page
    assert "/accounts/saml/" not in page


def test_callback_and_saml_urls_are_the_ones_the_documentation_gives():
    # docs/sso.md tells administrators to register exactly these with their provider.
    assert (
        reverse("openid_connect_callback", kwargs={"provider_id": "entra"})
        == "/accounts/oidc/entra/login/callback/"
    )
    assert reverse("saml_acs", kwargs={"organization_slug": "council"}) == (
        "/accounts/saml/council/acs/"
    )
    assert reverse("saml_metadata", kwargs={"organization_slug": "council"}) == (
        "/accounts/saml/council/metadata/"
    )
    assert reverse("saml_sls", kwargs={"organization_slug": "council"}) == (
        "/accounts/saml/council/sls/"
    )


@pytest.mark.parametrize(
    ("variables", "missing"),
    [
        ({"OIDC_SERVER_URL": "https://idp.example.org"}, "OIDC_CLIENT_ID"),
        ({"OIDC_CLIENT_SECRET": "secret"}, "OIDC_CLIENT_ID"),
        ({"SAML_IDP_ENTITY_ID": "https://idp.example.org/"}, "SAML_IDP_METADATA_URL"),
    ],
)
def test_any_half_configuration_is_refused_not_silently_ignored(variables, missing):
    with pytest.raises(ImproperlyConfigured, match=missing):
        socialaccount_providers(variables)


def test_verified_domains_apply_to_both_protocols():
    providers = socialaccount_providers(
        {
            **OIDC,
            **SAML,
            "SSO_VERIFIED_EMAIL_DOMAINS": " Council.example.gov.uk, ,staff.example.org",
        }
    )
    expected = ["council.example.gov.uk", "staff.example.org"]
    assert providers["openid_connect"]["APPS"][0]["settings"]["verified_email"] == expected
    assert providers["saml"]["APPS"][0]["settings"]["verified_email"] == expected


def test_without_verified_domains_no_address_is_taken_as_confirmed():
    [app] = socialaccount_providers(OIDC)["openid_connect"]["APPS"]
    assert app["settings"]["verified_email"] == []
    assert "email_verified" not in DEFAULT_SAML_ATTRIBUTES


def test_an_address_in_a_verified_domain_counts_as_confirmed(settings):
    settings.SOCIALACCOUNT_PROVIDERS = socialaccount_providers(
        {**OIDC, "SSO_VERIFIED_EMAIL_DOMAINS": "council.example.gov.uk"}
    )
    [app] = settings.SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]
    provider = OpenIDConnectProvider(
        None,
        app=SocialApp(
            provider="openid_connect",
            **{
                k: v
                for k, v in app.items()
                if k in {"provider_id", "name", "client_id", "secret", "settings"}
            },
        ),
    )
    adapter = get_adapter()
    assert adapter.is_email_verified(provider, "jo@council.example.gov.uk")
    assert not adapter.is_email_verified(provider, "jo@gmail.com")
