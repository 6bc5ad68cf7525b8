"""The issuer's discovery document (OpenID Connect Discovery 1.0), checked before a
configuration is saved so a typing mistake shows beside the field, not at the next sign-in."""

from urllib.parse import urlsplit

import requests
from allauth.socialaccount.adapter import get_adapter
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WELL_KNOWN = "/.well-known/openid-configuration"
REQUIRED = ("authorization_endpoint", "token_endpoint", "jwks_uri")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + WELL_KNOWN


def issuer_check_scheme(issuer: str) -> None:
    """HTTPS only, except on this machine's loopback (a provider run by tests)."""
    parts = urlsplit(issuer)
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK):
        raise ValidationError(_("The issuer URL must start with https://."), code="scheme")


def discovery_fetch(issuer: str) -> dict:
    """Fetch and check the issuer's discovery document; say what is wrong if it fails."""
    url = discovery_url(issuer)
    try:
        with get_adapter().get_requests_session() as session:
            response = session.get(url, allow_redirects=False)
    except requests.RequestException as error:
        raise ValidationError(
            _("Codesign could not reach %(url)s. Check the issuer URL."),
            code="unreachable",
            params={"url": url},
        ) from error
    if response.status_code != 200:
        raise ValidationError(
            _("%(url)s answered %(status)s, not a discovery document. Check the issuer URL."),
            code="status",
            params={"url": url, "status": response.status_code},
        )
    try:
        document = response.json()
    except ValueError as error:
        raise ValidationError(
            _("%(url)s did not answer with a discovery document."),
            code="not_json",
            params={"url": url},
        ) from error
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        named = document.get("issuer", "") if isinstance(document, dict) else ""
        raise ValidationError(
            _(
                "The provider calls itself “%(named)s”. Enter the issuer URL exactly as it "
                "does, or sign-ins would be refused."
            ),
            code="issuer",
            params={"named": named},
        )
    missing = [key for key in REQUIRED if not document.get(key)]
    if missing:
        raise ValidationError(
            _("The discovery document lacks %(missing)s."),
            code="incomplete",
            params={"missing": ", ".join(missing)},
        )
    return document
