import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from sso.receivers import PROVIDER_TWO_FACTOR_KEY

from .selectors import requires_two_factor

LAST_SEEN_RESOLUTION = 60  # seconds
# The session's answer to "must this person set up two-factor?", with the stamp it is for.
TWO_FACTOR_KEY = "two_factor_required"


class IdleTimeoutMiddleware:
    """Sign a person out after a period without requests (shared computers on wards)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get("last_seen", now)
            if now - last_seen > settings.CODESIGN_IDLE_TIMEOUT:
                logout(request)
                messages.info(request, _("You were signed out after a period of inactivity."))
                return redirect(f"{reverse('account_login')}?next={request.path}")
            # Written at most once a minute: a session saved on every request costs each page
            # three queries, for a timeout counted in tens of minutes.
            if now - last_seen >= LAST_SEEN_RESOLUTION or "last_seen" not in request.session:
                request.session["last_seen"] = now
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Lead facilitators, managers, organisation admins and superusers to set up two-factor
    authentication before they reach any page but those that set it up."""

    allowed_prefixes = ("/accounts/", "/static/", "/healthz", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.CODESIGN_REQUIRE_MFA
            and request.user.is_authenticated
            and not request.path.startswith(self.allowed_prefixes)
            and self.requires_two_factor(request)
        ):
            messages.warning(
                request,
                _("Your role needs two-factor authentication. Set it up to continue."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def requires_two_factor(request) -> bool:
        """Whether the person must still set up two-factor: worked out once a session (two
        queries), and again only when their stamp moves (an authenticator or a role changed)
        or they become a superuser, which the user row loaded for the request shows. None
        when the organisation's provider checked a second factor that counts (sso/)."""
        if request.session.get(PROVIDER_TWO_FACTOR_KEY):
            return False
        user = request.user
        stamp = [user.pk, user.two_factor_stamp, user.is_superuser]
        kept = request.session.get(TWO_FACTOR_KEY)
        if not isinstance(kept, list) or kept[:1] != [stamp]:
            kept = [stamp, requires_two_factor(user)]
            request.session[TWO_FACTOR_KEY] = kept
        return kept[1]


class AccountLanguageMiddleware:
    """Show a signed-in person the pages in the language saved on their account (the choice
    they made on another device, or when they were invited), and keep it in the switcher's
    cookie. After LocaleMiddleware, which has read the cookie or the browser's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = getattr(request.user, "language", "") if request.user.is_authenticated else ""
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if not language or language == cookie:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # A switch on this request (set_language) has set its own cookie: that one stands.
        if settings.LANGUAGE_COOKIE_NAME not in response.cookies:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        return response
