import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from audit.models import AuditEntry
from audit.services import audit_record
from codesign.permissions import holds_privileged_role


@receiver(user_logged_in)
def audit_privileged_sign_in(sender, request, user, **kwargs):
    if holds_privileged_role(user):
        audit_record(action=AuditEntry.Action.SIGN_IN, actor=user, path=request.path)


@receiver(user_logged_in)
def start_idle_clock(sender, request, user, **kwargs):
    """The idle timeout counts from signing in (IdleTimeoutMiddleware moves it on)."""
    if request is not None and hasattr(request, "session"):
        request.session["last_seen"] = int(time.time())
