"""What the audit log holds of a person (see codesign/personal_data.py)."""

from django.db import models
from django.utils.translation import gettext_lazy

from codesign import personal_data

from .models import AuditEntry, RefusalBurst


def _purge_audit_entries(entries: models.QuerySet, now) -> int:
    # A refusal's burst counter goes with its entry (it protects the entry until then).
    RefusalBurst.objects.filter(entry__in=entries).delete()
    # The log is append-only for everyone else; only retention removes entries, and only old ones.
    deleted, _rows = models.QuerySet.delete(entries)
    return deleted


personal_data.register(
    AuditEntry,
    person="actor",
    erase=personal_data.keep(
        "the record of sensitive actions; a deleted account's entries point to its pseudonym"
    ),
    retain=(
        personal_data.Retention(
            kind="audit_entries",
            label=gettext_lazy("Audit entries past the audit retention period"),
            period=personal_data.years("RETENTION_AUDIT_YEARS"),
            age="created_at",
            organisation="organisation",
            then=_purge_audit_entries,
        ),
    ),
)
# Retention deletes it with its entry (above).
personal_data.register(
    RefusalBurst,
    person="actor",
    erase=personal_data.keep("the count of refusals beside an audit entry, kept as the entry is"),
)
