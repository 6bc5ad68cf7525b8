"""What the outbox holds of a person: the emails sent to their address (see
codesign/personal_data.py)."""

from django.db import models
from django.utils.translation import gettext_lazy

from codesign import personal_data

from .models import OutboxMessage

# An email's recipient must not be empty; a purged one gets an address that cannot exist
# (RFC 2606 reserves .invalid).
PURGED_ADDRESS = "purged@purged.invalid"


def _addressed_to(user) -> models.QuerySet:
    if not user.email:
        return OutboxMessage.objects.none()
    return OutboxMessage.objects.filter(to__iexact=user.email)


def _purge_emails(emails: models.QuerySet, now) -> int:
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


personal_data.register(
    OutboxMessage,
    person=_addressed_to,
    erase=personal_data.delete(),
    retain=(
        personal_data.Retention(
            kind="emails",
            label=gettext_lazy("Bodies of sent or failed emails"),
            period=personal_data.months("RETENTION_MONTHS"),
            age="created_at",
            where=models.Q(
                kind=OutboxMessage.Kind.EMAIL,
                status__in=[OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED],
            ),
            exclude=models.Q(to=PURGED_ADDRESS),
            organisation="project__organisation",
            then=_purge_emails,
        ),
    ),
)
