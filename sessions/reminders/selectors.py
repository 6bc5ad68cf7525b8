"""What the facilitator sees of a session's reminders."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from codesign import rows
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


def _status(message_id, status) -> str:
    if message_id is None:
        # The email's record is gone: nobody can say whether it was sent.
        return "unconfirmed"
    if status == OutboxMessage.Status.SENDING:
        return "pending"
    return status


def reminders_for_session(session) -> list[ReminderRow]:
    """Who was reminded of the session, at which offset, when, and whether the email went:
    in a query written once a process (``codesign.rows``; a facilitator's session page asks it
    on every request, and the ORM took 1 ms to put it together)."""
    return reminders_for_session_read(session).run()


def reminders_for_session_read(session) -> rows.Read:
    """``reminders_for_session`` as a read, to run with the page's others."""
    connection, (sql, convert) = rows.written("reminders", Reminder, _reminders_query)

    def take(found) -> list[ReminderRow]:
        return [
            ReminderRow(
                name=name,
                offset_hours=offset_hours,
                claimed_at=claimed_at,
                sent_at=sent_at,
                status=_status(message_id, status),
            )
            for name, offset_hours, claimed_at, sent_at, status, message_id in map(convert, found)
        ]

    return rows.Read(connection, sql, {"session": session.pk}, take)


def _reminders_query(connection, q) -> tuple:
    field = Reminder._meta.get_field
    membership, message = field("membership").related_model, field("message").related_model
    columns = (
        (membership, "m", "display_name"),
        (Reminder, "r", "offset_hours"),
        (Reminder, "r", "claimed_at"),
        (message, "o", "sent_at"),
        (message, "o", "status"),
        (Reminder, "r", "message_id"),
    )
    selected = ", ".join(
        f"{q(alias)}.{q(model._meta.get_field(name).column)}" for model, alias, name in columns
    )
    # Only names the database backend quotes, and a placeholder: no value is written in.
    sql = (
        f"SELECT {selected} FROM {q(Reminder._meta.db_table)} {q('r')}"  # noqa: S608
        f" INNER JOIN {q(membership._meta.db_table)} {q('m')}"
        f" ON {q('m')}.{q('id')} = {q('r')}.{q('membership_id')}"
        f" LEFT OUTER JOIN {q(message._meta.db_table)} {q('o')}"
        f" ON {q('o')}.{q('id')} = {q('r')}.{q('message_id')}"
        f" WHERE {q('r')}.{q('session_id')} = %(session)s"
        f" ORDER BY {q('r')}.{q('offset_hours')} DESC, {q('m')}.{q('display_name')},"
        f" {q('r')}.{q('id')}"
    )
    fields = [model._meta.get_field(name) for model, _alias, name in columns]
    return sql, rows.converter(connection, *fields)
