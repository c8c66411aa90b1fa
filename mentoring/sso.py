"""Single sign-on, switched on by configuration alone.

An organisation that signs its staff in through OpenID Connect (Microsoft Entra ID,
Google Workspace, Okta, Keycloak...) or SAML sets the variables below; with none set,
people sign in with their e-mail address and password only. ``docs/sso.md`` explains
each variable, with a worked example for Microsoft Entra ID.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

# Claims Microsoft Entra ID sends in a SAML assertion; most other IdPs accept the same
# names or let the administrator choose them.
DEFAULT_SAML_ATTRIBUTES = {
    "uid": "http://schemas.microsoft.com/identity/claims/objectidentifier",
    "email": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
    "first_name": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
    "last_name": "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
}


def socialaccount_providers(env: Mapping[str, Any]) -> dict[str, Any]:
    """Build allauth's ``SOCIALACCOUNT_PROVIDERS`` from environment variables.

    ``env`` is ``os.environ`` or any mapping, so it can be tested with a plain dict.
    """
    get = env.get
    providers: dict[str, Any] = {}
    # Entra ID vouches for no address (no email_verified claim): the organisation names
    # the domains its identity provider owns, and addresses there count as confirmed.
    domains = [d.strip().lower() for d in (get("SSO_VERIFIED_EMAIL_DOMAINS") or "").split(",")]
    verified_email = [d for d in domains if d]

    if any(get(name) for name in ("OIDC_CLIENT_ID", "OIDC_SERVER_URL", "OIDC_CLIENT_SECRET")):
        client_id = _required(get, "OIDC_CLIENT_ID")
        providers["openid_connect"] = {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": get("OIDC_PROVIDER_ID") or "sso",
                    "name": get("OIDC_PROVIDER_NAME") or "Single sign-on",
                    "client_id": client_id,
                    "secret": get("OIDC_CLIENT_SECRET") or "",
                    "settings": {
                        "server_url": _required(get, "OIDC_SERVER_URL"),
                        "token_auth_method": "client_secret_post",
                        "verified_email": verified_email,
                    },
                }
            ],
        }

    if any(get(name) for name in ("SAML_IDP_METADATA_URL", "SAML_IDP_ENTITY_ID")):
        metadata_url = _required(get, "SAML_IDP_METADATA_URL")
        providers["saml"] = {
            "APPS": [
                {
                    "client_id": get("SAML_ORGANIZATION_SLUG") or "sso",
                    "name": get("SAML_PROVIDER_NAME") or "Single sign-on (SAML)",
                    "provider_id": _required(get, "SAML_IDP_ENTITY_ID"),
                    "settings": {
                        "attribute_mapping": DEFAULT_SAML_ATTRIBUTES,
                        "verified_email": verified_email,
                        "idp": {
                            "entity_id": _required(get, "SAML_IDP_ENTITY_ID"),
                            "metadata_url": metadata_url,
                        },
                    },
                }
            ],
        }
    return providers


def identity_provider_origins(env: Mapping[str, Any]) -> list[str]:
    """The origins of the configured identity providers, for the Content-Security-Policy's
    ``form-action``: the sign-in button posts to this site, which redirects to the
    provider, and browsers hold that redirect to ``form-action`` too. The provider's
    sign-in page is on the origin of its OIDC server URL or SAML metadata URL;
    ``SSO_FORM_ACTION_ORIGINS`` adds any other (comma-separated)."""
    urls = [env.get("OIDC_SERVER_URL"), env.get("SAML_IDP_METADATA_URL")]
    urls += (env.get("SSO_FORM_ACTION_ORIGINS") or "").split(",")
    origins = []
    for url in filter(None, (u.strip() for u in urls if u)):
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
        if origin and origin not in origins:
            origins.append(origin)
    return origins


def _required(get, name: str) -> str:
    value = get(name)
    if not value:
        # Imported here: this module is loaded while settings are being read.
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"Single sign-on is half configured: set {name}.")
    return value
