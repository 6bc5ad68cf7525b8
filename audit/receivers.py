"""Refusals the core reports (codesign.signals.access_refused), written to the audit log."""

from django.dispatch import receiver

from codesign.signals import access_refused

from .models import AuditEntry
from .services import audit_record


@receiver(access_refused, dispatch_uid="audit-access-refused")
def record_refusal(sender, *, request, target, project, permission, outcome, **kwargs):
    audit_record(
        action=AuditEntry.Action.PERMISSION_DENIED,
        actor=request.user,
        project=project,
        target=target,
        details={"permission": permission, "outcome": outcome, "method": request.method},
        path=request.path,
    )
