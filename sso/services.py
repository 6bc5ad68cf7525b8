"""Writes: an organisation's single sign-on settings (audited), and refused sign-ins."""

from django.db import transaction

from audit.models import AuditEntry
from audit.services import audit_record

from . import crypto
from .models import EmailDomain, SingleSignOn

# Settings whose changes the audit entry names (the secret by whether it changed, never by value).
AUDITED = (
    "enabled",
    "issuer",
    "client_id",
    "client_secret_env",
    "trust_provider_two_factor",
    "email_always_verified",
)


def sso_settings_for(organisation) -> SingleSignOn:
    """The organisation's settings, or unsaved empty ones."""
    try:
        return organisation.single_sign_on
    except SingleSignOn.DoesNotExist:
        return SingleSignOn(organisation=organisation)


@transaction.atomic
def sso_settings_save(
    *,
    organisation,
    by,
    enabled: bool,
    issuer: str,
    client_id: str,
    client_secret: str,
    client_secret_env: str,
    domains: list[str],
    trust_provider_two_factor: bool,
    email_always_verified: bool,
) -> SingleSignOn:
    """Save an organisation's provider, its email domains and what it is trusted for."""
    sso = sso_settings_for(organisation)
    before = {name: getattr(sso, name) for name in AUDITED}
    old_domains = sso.domain_names if sso.pk else []
    sso.enabled, sso.issuer, sso.client_id = enabled, issuer, client_id
    sso.client_secret_env = client_secret_env
    sso.trust_provider_two_factor = trust_provider_two_factor
    sso.email_always_verified = email_always_verified
    if client_secret:
        sso.client_secret_encrypted = crypto.encrypt(client_secret)
    elif client_secret_env:
        sso.client_secret_encrypted = ""  # the variable holds it now: keep no other copy
    sso.full_clean()
    sso.save()
    EmailDomain.objects.filter(single_sign_on=sso).exclude(domain__in=domains).delete()
    for domain in domains:
        EmailDomain.objects.get_or_create(single_sign_on=sso, domain=domain)
    changed = [name for name in AUDITED if before[name] != getattr(sso, name)]
    details = {"changed": changed, "secret_changed": bool(client_secret)}
    if sorted(domains) != old_domains:
        details["domains"] = sorted(domains)
    audit_record(
        action=AuditEntry.Action.SSO_CHANGED,
        actor=by,
        organisation=organisation,
        target=sso,
        details=details,
    )
    return sso


def sso_sign_in_refused(*, organisation, reason: str, path: str = "") -> None:
    """Record a sign-in through the organisation's provider that Codesign refused."""
    audit_record(
        action=AuditEntry.Action.SSO_REFUSED,
        organisation=organisation,
        details={"reason": reason},
        path=path,
    )


def sso_account_link(*, request, sociallogin, user) -> None:
    """Link the account to the provider's subject, on its first sign-in through the provider."""
    sociallogin.user = user
    sociallogin.save(request, connect=True)
