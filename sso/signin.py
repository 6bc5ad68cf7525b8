"""Who a sign-in through an organisation's provider is, or why it is refused.

Nobody's account is taken over: the address must be in the organisation's domains and verified
by the provider (or the provider trusted for it), the account must already exist and belong to
that organisation alone, and once linked to the provider's subject it stays linked to it.
People without an account are refused: an organisation admin appoints them (or a facilitator
invites them) by email, and then they sign in the same way.
"""

from allauth.core.internal.datakit import parse_bool_safely
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from participants.models import Membership
from projects.models import OrganisationRole

from .selectors import domain_of

REASONS = {
    "process": _("Single sign-on signs you in; it cannot be connected to another account."),
    "no_email": _("Your organisation's sign-in service did not tell Codesign your email address."),
    "domain": _(
        "Your email address is not in a domain that signs in through this organisation's "
        "provider. Sign in with your password or a code instead."
    ),
    "unverified": _(
        "Your organisation's sign-in service did not confirm that your email address is "
        "verified, so Codesign cannot trust it."
    ),
    "no_account": _(
        "There is no Codesign account for this address in this organisation yet. Ask your "
        "organisation's Codesign admin to add you; then sign in here again."
    ),
    "elsewhere": _(
        "Your account belongs to more than this organisation, so it cannot be signed in by "
        "this organisation's provider. Sign in with your password or a code instead."
    ),
    "superuser": _("Site administrators sign in with their password and two-factor code."),
    "linked": _(
        "Your Codesign account is linked to another identity at your organisation's sign-in "
        "service. Ask your organisation's Codesign admin for help."
    ),
    "inactive": _("This account is not active."),
    "issuer": _(
        "The sign-in came from a different issuer than the one your organisation set up, so "
        "Codesign refused it."
    ),
    "audience": _(
        "The sign-in was issued for another application (its audience is not Codesign's client "
        "ID), so Codesign refused it."
    ),
    "expired": _("The sign-in had expired before it reached Codesign. Try again."),
    "token": _("Codesign could not accept the sign-in your organisation's provider sent."),
    "unreachable": _("Codesign could not reach your organisation's sign-in service. Try later."),
    "cancelled": _("Signing in with your organisation's account was cancelled."),
    "unknown": _("Signing in with your organisation's account did not work. Try again."),
}


class SignInRefused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _claimed_email(sociallogin, sso) -> str:
    addresses = sociallogin.email_addresses
    if not addresses or not addresses[0].email:
        raise SignInRefused("no_email")
    email = addresses[0].email.strip().lower()
    if domain_of(email) not in sso.domain_names:
        raise SignInRefused("domain")
    claims = sociallogin.account.extra_data or {}
    said = [data.get("email_verified") for data in claims.values() if isinstance(data, dict)]
    verified = any(parse_bool_safely(value) for value in said if value is not None)
    if not verified and not sso.email_always_verified:
        raise SignInRefused("unverified")
    return email


def _check_belongs(user, sso) -> None:
    organisation_id = sso.organisation_id
    if user.is_superuser:
        raise SignInRefused("superuser")
    if not user.is_active:
        raise SignInRefused("inactive")
    roles = set(
        OrganisationRole.objects.filter(user=user).values_list("organisation_id", flat=True)
    )
    projects = set(
        Membership.objects.filter(user=user).values_list("project__organisation_id", flat=True)
    )
    if (roles | projects) - {organisation_id}:
        raise SignInRefused("elsewhere")
    if organisation_id not in roles | projects:
        raise SignInRefused("no_account")


def sign_in_person(sociallogin, sso):
    """The account this sign-in is for (linked to the provider's subject on first use)."""
    email = _claimed_email(sociallogin, sso)
    if sociallogin.is_existing:
        _check_belongs(sociallogin.user, sso)
        return sociallogin.user
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        raise SignInRefused("no_account")
    _check_belongs(user, sso)
    if SocialAccount.objects.filter(user=user, provider=sso.provider_id).exists():
        raise SignInRefused("linked")
    return user
