"""Telling people about activity that concerns them."""

from collections.abc import Iterable

from django.db import transaction

from .models import Notification


@transaction.atomic
def notify(*, users: Iterable, kind: str, project, message: str, url: str = "") -> int:
    """Put a notification under each person's bell (once per person)."""
    seen = set()
    rows = []
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(user=user, kind=kind, project=project, message=message[:300], url=url)
        )
    Notification.objects.bulk_create(rows)
    return len(rows)
