"""What the outbox holds of a person: the emails sent to their address, the texts and letters
sent to them, and the texts they sent in (see codesign/personal_data.py)."""

from django.db import models
from django.utils.translation import gettext_lazy

from codesign import personal_data

from .models import InboundText, OutboxMessage

# An email's recipient must not be empty; a purged one gets an address that cannot exist
# (RFC 2606 reserves .invalid).
PURGED_ADDRESS = "purged@purged.invalid"


def _addressed_to(user) -> models.QuerySet:
    mine = models.Q(recipient=user)
    if user.email:
        mine |= models.Q(to__iexact=user.email)
    return OutboxMessage.objects.filter(mine)


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
        phone="",
        address="",
    )


def _purge_texts_and_letters(messages: models.QuerySet, now) -> int:
    messages.update(dedupe_key=None)
    return messages.update(phone="+0", address="-", subject="", body_text="", last_error="")


personal_data.register(
    OutboxMessage,
    person=_addressed_to,
    erase=personal_data.delete(),
    # The recipient's rows are found by _addressed_to; who posted a letter stays named.
    also_names=("recipient", "posted_by"),
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
        personal_data.Retention(
            kind="texts_and_letters",
            label=gettext_lazy("Sent text messages and letters"),
            period=personal_data.months("RETENTION_MONTHS"),
            age="created_at",
            where=models.Q(
                kind__in=[OutboxMessage.Kind.TEXT, OutboxMessage.Kind.LETTER],
                status__in=[OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED],
            ),
            exclude=models.Q(phone="+0") | models.Q(address="-"),
            organisation="project__organisation",
            then=_purge_texts_and_letters,
        ),
    ),
)

personal_data.register(
    InboundText,
    person="sender",
    erase=personal_data.delete(),
    retain=(
        personal_data.Retention(
            kind="inbound_texts",
            label=gettext_lazy("Text messages people sent in"),
            period=personal_data.months("RETENTION_MONTHS"),
            age="received_at",
            organisation="project__organisation",
            then=personal_data.delete(),
        ),
    ),
)
