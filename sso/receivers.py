from allauth.account.signals import user_logged_in
from django.dispatch import receiver

from .selectors import provider_did_two_factor

# Set in the session of a person whose provider checked a second factor that counts
# (accounts.middleware.RequireTwoFactorMiddleware then asks for none of Codesign's).
PROVIDER_TWO_FACTOR_KEY = "sso_two_factor"


@receiver(user_logged_in)
def remember_provider_two_factor(sender, request, user, sociallogin=None, **kwargs):
    if request is not None and provider_did_two_factor(sociallogin):
        request.session[PROVIDER_TWO_FACTOR_KEY] = True
