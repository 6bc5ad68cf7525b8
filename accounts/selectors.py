from allauth.mfa.models import Authenticator

from codesign.permissions import holds_privileged_role


def requires_two_factor(user) -> bool:
    """A person with a privileged role who has not set up an authenticator app."""
    if not holds_privileged_role(user):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
