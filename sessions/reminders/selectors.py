"""What the facilitator sees of a session's reminders."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from outbox.models import OutboxMessage

from ..models import Reminder

# What each outbox status means for a reminder the facilitator looks at.
STATUS_LABELS = {
    "sent": _("Sent"),
    "pending": _("Waiting to send"),
    "failed": _("Failed"),
    "unconfirmed": _("Not confirmed"),
}


@dataclass(frozen=True)
class ReminderRow:
    name: str
    offset_hours: int
    claimed_at: datetime
    sent_at: datetime | None
    status: str  # "sent", "pending", "failed" or "unconfirmed"

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def is_problem(self) -> bool:
        return self.status in ("failed", "unconfirmed")


def _status(reminder: Reminder) -> str:
    message = reminder.message
    if message is None:
        # The email's record is gone: nobody can say whether it was sent.
        return "unconfirmed"
    if message.status == OutboxMessage.Status.SENDING:
        return "pending"
    return message.status


def reminders_for_session(session) -> list[ReminderRow]:
    """Who was reminded of the session, at which offset, when, and whether the email went."""
    reminders = (
        Reminder.objects.filter(session=session)
        .select_related("membership", "message")
        .only(
            "offset_hours",
            "claimed_at",
            "membership__display_name",
            "message__status",
            "message__sent_at",
        )
        .order_by("-offset_hours", "membership__display_name", "pk")
    )
    return [
        ReminderRow(
            name=reminder.membership.display_name,
            offset_hours=reminder.offset_hours,
            claimed_at=reminder.claimed_at,
            sent_at=reminder.message.sent_at if reminder.message else None,
            status=_status(reminder),
        )
        for reminder in reminders
    ]
