"""Retention: what has been kept long enough, and purging it, by the rules each app declares
in its ``personal_data.py`` (``codesign.personal_data.Retention``).

RETENTION_MONTHS after a project closes, its access needs and invitations are deleted, what
people wrote in their session replies is cleared, walk-ins lose their names and emails, and its
experiences are anonymised (the text stays; the link to the person who told it goes). The
bodies of sent or failed emails go RETENTION_MONTHS after they were written, payment records
RETENTION_FINANCE_YEARS after their session, audit entries RETENTION_AUDIT_YEARS after they
were written, and the files of reports when the report expires.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from codesign.personal_data import site


def retention_kinds() -> dict[str, str]:
    """Each kind of purge, in the order they run, with how the command names it."""
    return {rule.kind: rule.label for rule in site.retention_rules()}


def retention_plan(*, now: datetime | None = None) -> dict[str, int]:
    """Count, kind by kind, what a purge now would delete or anonymise."""
    now = now or timezone.now()
    return {rule.kind: rule.rows(now).count() for rule in site.retention_rules()}


def retention_preview(*, organisation, now: datetime | None = None) -> list[tuple[str, int]]:
    """What the next purge would remove of one organisation's data, as (what, how many), for
    its admins: rules that cannot tell whose rows they are (none today) are left out."""
    now = now or timezone.now()
    preview = []
    for rule in site.retention_rules():
        rows = rule.rows_of(organisation, now)
        if rows is not None:
            preview.append((str(rule.label), rows.count()))
    return preview


def retention_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Delete or anonymise what has passed its retention period, one transaction per kind,
    and record the counts (and nothing else) in the audit log."""
    now = now or timezone.now()
    counts = {}
    for rule in site.retention_rules():
        with transaction.atomic():
            counts[rule.kind] = rule.purge(now)
    if any(counts.values()):
        audit_record(action=AuditEntry.Action.RETENTION_PURGED, details=counts)
    return counts
