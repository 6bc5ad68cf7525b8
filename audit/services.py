from typing import Any

from django.db import models

from .models import AuditEntry


def audit_record(
    *,
    action: str,
    actor=None,
    project=None,
    organisation=None,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
    path: str = "",
) -> AuditEntry:
    """Append one entry to the audit log."""
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        project=project,
        organisation_id=organisation.pk
        if organisation is not None
        else getattr(project, "organisation_id", None),
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=details or {},
        path=path[:300],
    )
