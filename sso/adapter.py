"""allauth's social account adapter: each organisation's settings are an openid_connect app
named ``org-<organisation id>``; sign-ins are checked (signin.py) before anyone is signed in."""

import jwt
import requests
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthError
from django.shortcuts import render

from . import services
from .models import SingleSignOn
from .selectors import social_app, sso_for_provider
from .signin import REASONS, SignInRefused, sign_in_person

# Why an id_token was refused, from the PyJWT error behind allauth's OAuth2Error.
TOKEN_ERRORS = (
    (jwt.InvalidIssuerError, "issuer"),
    (jwt.InvalidAudienceError, "audience"),
    (jwt.ExpiredSignatureError, "expired"),
    (jwt.PyJWTError, "token"),
)


def refusal_response(request, sso: SingleSignOn | None, reason: str):
    """Say why, record it for the organisation's admins, and sign nobody in."""
    if sso is not None:
        services.sso_sign_in_refused(
            organisation=sso.organisation, reason=reason, path=request.path
        )
    return render(
        request,
        "sso/sign_in_refused.html",
        {"reason": REASONS.get(reason, REASONS["unknown"])},
        status=403,
    )


def reason_for(error, exception) -> str:
    if error == AuthError.CANCELLED:
        return "cancelled"
    cause = exception
    while cause is not None:
        for kind, reason in TOKEN_ERRORS:
            if isinstance(cause, kind):
                return reason
        if isinstance(cause, requests.RequestException):
            return "unreachable"
        cause = cause.__cause__
    return "unknown"


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        if provider and provider != "openid_connect":
            found = sso_for_provider(provider)
            candidates = [found] if found else []
        else:
            candidates = SingleSignOn.objects.enabled()
        apps = [social_app(sso) for sso in candidates]
        return [app for app in apps if app and (not client_id or app.client_id == client_id)]

    def is_open_for_signup(self, request, sociallogin):
        """Nobody gets an account by signing in: signin.py refuses before it comes to that."""
        return False

    def can_authenticate_by_email(self, login, email):
        """Matching by address is signin.py's, with the checks allauth's would not make."""
        return False

    def pre_social_login(self, request, sociallogin):
        sso = sso_for_provider(sociallogin.account.provider or "")
        try:
            if sso is None:
                raise SignInRefused("unknown")
            if sociallogin.state.get("process", "login") != "login":
                raise SignInRefused("process")
            user = sign_in_person(sociallogin, sso)
        except SignInRefused as refusal:
            raise ImmediateHttpResponse(refusal_response(request, sso, refusal.reason)) from None
        if not sociallogin.is_existing:
            services.sso_account_link(request=request, sociallogin=sociallogin, user=user)

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        provider_id = getattr(getattr(provider, "app", None), "provider_id", "") or ""
        sso = sso_for_provider(provider_id)
        raise ImmediateHttpResponse(refusal_response(request, sso, reason_for(error, exception)))
