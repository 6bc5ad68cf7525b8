import time

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from audit.models import AuditEntry
from audit.services import audit_record
from codesign.languages import known
from codesign.permissions import holds_privileged_role
from participants.models import Membership
from projects.models import OrganisationRole

from .models import User
from .services import user_language_set


@receiver(user_logged_in)
def audit_privileged_sign_in(sender, request, user, **kwargs):
    if holds_privileged_role(user):
        audit_record(action=AuditEntry.Action.SIGN_IN, actor=user, path=request.path)


@receiver(user_logged_in)
def start_idle_clock(sender, request, user, **kwargs):
    """The idle timeout counts from signing in (IdleTimeoutMiddleware moves it on)."""
    if request is not None and hasattr(request, "session"):
        request.session["last_seen"] = int(time.time())


@receiver(post_save, sender=Authenticator)
@receiver(post_delete, sender=Authenticator)
@receiver(post_save, sender=OrganisationRole)
@receiver(post_delete, sender=OrganisationRole)
@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def two_factor_duty_may_have_changed(sender, instance, raw=False, **kwargs):
    """An authenticator, an organisation role or a membership (a facilitator's) of the person
    changed: each of their sessions works out again whether they must use two-factor."""
    if not raw and instance.user_id is not None:
        User.objects.filter(pk=instance.user_id).update(two_factor_stamp=F("two_factor_stamp") + 1)


@receiver(user_logged_in)
def keep_chosen_language(sender, request, user, **kwargs):
    """A language chosen with the switcher before signing in is the person's latest choice."""
    if request is None:
        return
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if known(language):
        user_language_set(user=user, language=language)
