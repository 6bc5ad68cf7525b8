"""Retention: what has been kept long enough, counted from a project's close, and purging it.

RETENTION_MONTHS after a project closes, its access needs and invitations are deleted, what
people wrote in their session replies is cleared, walk-ins lose their names and emails, and its
experiences are anonymised (the text stays; the link to the person who told it goes). The
bodies of sent or failed emails go RETENTION_MONTHS after they were written, payment records
RETENTION_FINANCE_YEARS after their session, audit entries RETENTION_AUDIT_YEARS after they
were written, and the files of reports when the report expires.
"""

import calendar
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import AuditEntry
from audit.services import audit_record
from contributions.models import Contribution
from dashboards.freshness import figures_changed
from outbox.models import OutboxMessage
from participants.models import AccessNeeds, Constituency, Invitation, Membership
from projects.models import Project
from sessions.models import ExpenseClaim, Recognition, Reply, WalkIn

# An email's recipient must not be empty; a purged one gets an address that cannot exist
# (RFC 2606 reserves .invalid).
PURGED_ADDRESS = "purged@purged.invalid"

# In the order they are purged, with how the command names them.
KINDS = {
    "access_needs": gettext_lazy("Access needs of closed projects"),
    "invitations": gettext_lazy("Invitations of closed projects"),
    "session_replies": gettext_lazy("Reasons and needs given in session replies, cleared"),
    "walk_ins": gettext_lazy("Names and emails of walk-ins, removed"),
    "experiences": gettext_lazy("Experiences of closed projects, anonymised"),
    "emails": gettext_lazy("Bodies of sent or failed emails"),
    "payments": gettext_lazy("Payment records past the finance retention period"),
    "audit_entries": gettext_lazy("Audit entries past the audit retention period"),
    "reports": gettext_lazy("Files of expired reports"),
}


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the month's last day if the
    day does not exist there)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _cutoffs(now: datetime) -> dict[str, datetime]:
    return {
        "closed": months_before(now, settings.RETENTION_MONTHS),
        "finance": months_before(now, 12 * settings.RETENTION_FINANCE_YEARS),
        "audit": months_before(now, 12 * settings.RETENTION_AUDIT_YEARS),
    }


def _closed_before(cutoff: datetime) -> models.QuerySet:
    return Project.objects.filter(status=Project.Status.CLOSED, closed_at__lt=cutoff)


def _anonymised_user_pseudonym(role: str) -> str:
    # A fixed key, not a translation: the same placeholder is found again on every run.
    return f"Anonymised experiences ({role})"


def _walk_in_name() -> str:
    return _("Walk-in")


def _due(now: datetime) -> dict[str, models.QuerySet]:
    """What has passed its retention period, kind by kind."""
    from reports.selectors import reports_to_expire

    cutoffs = _cutoffs(now)
    closed = _closed_before(cutoffs["closed"])
    return {
        "access_needs": AccessNeeds.objects.filter(membership__project__in=closed),
        "invitations": Invitation.objects.filter(membership__project__in=closed),
        "session_replies": Reply.objects.filter(session__project__in=closed).exclude(
            reason="", session_needs=""
        ),
        "walk_ins": WalkIn.objects.filter(session__project__in=closed).exclude(
            name=_walk_in_name(), email=""
        ),
        "experiences": Contribution.objects.filter(
            project__in=closed, kind=Contribution.Kind.EXPERIENCE
        ).exclude(
            author__user__deleted_at__isnull=False,
            author__user__pseudonym__in=[
                _anonymised_user_pseudonym(role) for role in Membership.Role.values
            ],
        ),
        "emails": OutboxMessage.objects.filter(
            kind=OutboxMessage.Kind.EMAIL,
            status__in=[OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED],
            created_at__lt=cutoffs["closed"],
        ).exclude(to=PURGED_ADDRESS),
        "payments": Recognition.objects.filter(
            attendance__session__starts_at__lt=cutoffs["finance"]
        ),
        "audit_entries": AuditEntry.objects.filter(created_at__lt=cutoffs["audit"]),
        "reports": reports_to_expire(now=now),
    }


def retention_plan(*, now: datetime | None = None) -> dict[str, int]:
    """Count, kind by kind, what a purge now would delete or anonymise."""
    now = now or timezone.now()
    return {kind: queryset.count() for kind, queryset in _due(now).items()}


def _anonymised_author(*, project_id: int, role: str) -> Membership:
    """The project's placeholder member for experiences no longer linked to who told them:
    one per role, so the dashboards still count each experience in its group (by the
    constituency kept on the experience and the role of the one who told it)."""
    User = get_user_model()
    pseudonym = _anonymised_user_pseudonym(role)
    user = User.objects.filter(pseudonym=pseudonym, deleted_at__isnull=False).first()
    if user is None:
        user = User(pseudonym=pseudonym, deleted_at=timezone.now(), is_active=False)
        user.set_unusable_password()
        # As for a deleted account: no email, which the model's clean() would turn to "".
        user.clean_fields(exclude=["email"])
        user.save()
    membership, _created = Membership.objects.get_or_create(
        project_id=project_id,
        user=user,
        defaults={
            "role": role,
            "constituency": Constituency.OTHER,
            "display_name": _("Anonymised")[:80],
            "status": Membership.Status.WITHDRAWN,
        },
    )
    return membership


def _anonymise_experiences(experiences: models.QuerySet) -> int:
    count = 0
    groups = experiences.values_list("project_id", "author__role").distinct().order_by()
    for project_id, role in list(groups):
        figures_changed([project_id])
        count += experiences.filter(project_id=project_id, author__role=role).update(
            author=_anonymised_author(project_id=project_id, role=role),
            is_anonymous=True,
            added_by=None,
            submission_key=None,
        )
    return count


def _delete(queryset: models.QuerySet) -> int:
    return queryset.delete()[0]


def _purge_emails(emails: models.QuerySet) -> int:
    # Keys name people by id; one made before they did held the address (a sent email's key
    # only stops a second sending, which nothing asks for once retention has passed).
    emails.filter(dedupe_key__contains="@").update(dedupe_key=None)
    return emails.update(
        to=PURGED_ADDRESS,
        subject="",
        body_text="",
        body_html="",
        headers={},
        attachments=[],
        last_error="",
    )


def _purge_payments(payments: models.QuerySet) -> int:
    ids = list(payments.values_list("pk", flat=True))
    receipts = [
        claim.receipt
        for claim in ExpenseClaim.objects.filter(recognition_id__in=ids).exclude(receipt="")
    ]
    Recognition.objects.filter(pk__in=ids).delete()
    # Files are not rolled back with the transaction: they go once the rows are gone for good.
    transaction.on_commit(lambda: [receipt.delete(save=False) for receipt in receipts])
    return len(ids)


def _purge_audit_entries(entries: models.QuerySet) -> int:
    # The log is append-only for everyone else; only retention removes entries, and only old ones.
    deleted, _rows = models.QuerySet.delete(entries)
    return deleted


def retention_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Delete or anonymise what has passed its retention period, one transaction per kind,
    and record the counts (and nothing else) in the audit log."""
    from reports.services import reports_expire

    now = now or timezone.now()
    purges = {
        "access_needs": _delete,
        "invitations": _delete,
        "session_replies": lambda replies: replies.update(reason="", session_needs=""),
        "walk_ins": lambda walk_ins: walk_ins.update(name=_walk_in_name(), email=""),
        "experiences": _anonymise_experiences,
        "emails": _purge_emails,
        "payments": _purge_payments,
        "audit_entries": _purge_audit_entries,
        "reports": lambda _queryset: reports_expire(now=now)["expired"],
    }
    counts = {}
    for kind in KINDS:
        with transaction.atomic():
            counts[kind] = purges[kind](_due(now)[kind])
    if any(counts.values()):
        audit_record(action=AuditEntry.Action.RETENTION_PURGED, details=counts)
    return counts
