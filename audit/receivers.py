"""Refusals the core reports (codesign.signals.access_refused), written to the audit log.

Refusals of one person that follow each other within ``AUDIT_REFUSAL_BURST_SECONDS`` are one
burst: its first refusal is an audit entry, the rest add to that entry's count.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone

from codesign.signals import access_refused

from .models import AuditEntry, RefusalBurst
from .services import audit_record


@receiver(access_refused, dispatch_uid="audit-access-refused")
@transaction.atomic
def record_refusal(sender, *, request, target, project, permission, outcome, **kwargs):
    now = timezone.now()
    window = timedelta(seconds=settings.AUDIT_REFUSAL_BURST_SECONDS)
    burst = (
        RefusalBurst.objects.select_for_update()
        .filter(actor=request.user, outcome=outcome, last_at__gte=now - window)
        .order_by("-last_at")
        .first()
    )
    if burst is not None:
        RefusalBurst.objects.filter(pk=burst.pk).update(
            count=F("count") + 1, last_at=now, last_path=request.path[:300]
        )
        return
    entry = audit_record(
        action=AuditEntry.Action.PERMISSION_DENIED,
        actor=request.user,
        project=project,
        target=target,
        details={"permission": permission, "outcome": outcome, "method": request.method},
        path=request.path,
    )
    RefusalBurst.objects.create(
        entry=entry, actor=request.user, outcome=outcome, last_at=now, last_path=request.path[:300]
    )
