"""Reads: which organisation's provider an address or a sign-in belongs to."""

from allauth.socialaccount.models import SocialApp

from .models import PROVIDER_PREFIX, EmailDomain, SingleSignOn

# RFC 8176 authentication method references that stand for more than a password: a second
# factor, a key the person holds, or a biometric (and Entra ID's Windows Hello, "ngcmfa").
TWO_FACTOR_METHODS = frozenset(
    {"mfa", "mca", "otp", "hwk", "swk", "sc", "fpt", "face", "iris", "retina", "vbm", "ngcmfa"}
)


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def sso_for_email(email: str) -> SingleSignOn | None:
    """The enabled provider through which this address signs in, if there is one."""
    domain = domain_of(email)
    if not domain:
        return None
    found = (
        EmailDomain.objects.filter(domain=domain, single_sign_on__enabled=True)
        .select_related("single_sign_on__organisation")
        .first()
    )
    return found.single_sign_on if found else None


def sso_for_provider(provider_id: str) -> SingleSignOn | None:
    """The enabled settings allauth knows as ``org-<organisation id>``."""
    number = provider_id.removeprefix(PROVIDER_PREFIX)
    if not provider_id.startswith(PROVIDER_PREFIX) or not number.isdigit():
        return None
    return (
        SingleSignOn.objects.enabled()
        .prefetch_related("domains")
        .filter(organisation_id=int(number))
        .first()
    )


def social_app(sso: SingleSignOn) -> SocialApp | None:
    """The organisation's settings as the allauth app its openid_connect provider reads (never
    saved: the settings live in SingleSignOn). None while it has no readable secret."""
    secret = sso.client_secret()
    if not secret:
        return None
    return SocialApp(
        provider="openid_connect",
        provider_id=sso.provider_id,
        name=sso.organisation.name,
        client_id=sso.client_id,
        secret=secret,
        settings={
            "server_url": sso.issuer.rstrip("/"),
            # Tokens must name the issuer the admin entered, whatever the document served.
            "openid_configuration_overrides": {"issuer": sso.issuer},
            "oauth_pkce_enabled": True,
        },
    )


def id_token_claims(sociallogin) -> dict:
    data = sociallogin.account.extra_data or {}
    claims = data.get("id_token")
    return claims if isinstance(claims, dict) else {}


def provider_did_two_factor(sociallogin) -> bool:
    """Whether the sign-in's provider says it checked more than a password (its ``amr``), and
    its organisation lets that stand for Codesign's own two-factor."""
    if sociallogin is None or sociallogin.account is None:
        return False
    sso = sso_for_provider(sociallogin.account.provider or "")
    if sso is None or not sso.trust_provider_two_factor:
        return False
    methods = id_token_claims(sociallogin).get("amr") or []
    if isinstance(methods, str):
        methods = [methods]
    return bool(TWO_FACTOR_METHODS & {str(method).lower() for method in methods})
