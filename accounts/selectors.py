from allauth.mfa.models import Authenticator


def holds_privileged_role(user) -> bool:
    """Facilitators, managers, organisation admins and superusers hold privileged roles."""
    if user.is_superuser:
        return True
    if user.organisation_roles.exists():
        return True
    return user.memberships.filter(role="facilitator", status="active").exists()


def requires_two_factor(user) -> bool:
    """A person with a privileged role who has not set up an authenticator app."""
    if not holds_privileged_role(user):
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
