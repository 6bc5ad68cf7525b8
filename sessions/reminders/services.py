"""Reminders before a session, sent by the beat task: each one claimed once, then mailed.

A reminder is one (session, person, offset). Its ``Reminder`` row is the claim: the unique
constraint lets only one run create it, and the row is committed in the same transaction as the
outbox email it links to. Sending is the outbox's job: it retries a failed send, and a send that
never reported back is shown as "not confirmed" rather than sent again.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone

from outbox.models import OutboxMessage
from outbox.services import outbox_email_many
from participants.contact import contacts_for
from participants.models import Membership

from ..calls.models import CallListEntry
from ..calls.services import call_list_add_many
from ..messaging import reminder_build
from ..models import Reminder, Reply, WorkshopSession

logger = logging.getLogger(__name__)

# The model accepts offsets of up to two weeks.
LONGEST_OFFSET = timedelta(hours=24 * 14)
REMINDED_ANSWERS = (Reply.Answer.GOING, Reply.Answer.MAYBE)
TEMPLATE = "session_reminder"


def current_offset(session: WorkshopSession, now: datetime) -> int | None:
    """The offset whose reminder is due now: the smallest one whose moment has passed.

    A reminder is sent late rather than not at all (beat was down, the session was scheduled
    or the reply given after the moment), up to the session's start. A larger offset whose
    moment has passed is superseded by a smaller one that has also passed, so nobody gets a
    "two days before" reminder an hour before the session, next to the "two hours before" one.
    """
    if session.status != WorkshopSession.Status.SCHEDULED or session.starts_at <= now:
        return None
    passed = [
        hours
        for hours in set(session.reminder_offsets or [])
        if session.starts_at - timedelta(hours=hours) <= now
    ]
    return min(passed) if passed else None


def _due_sessions(now: datetime) -> dict[int, int]:
    """{session id: offset due} for scheduled sessions that have a reminder due."""
    sessions = WorkshopSession.objects.filter(
        status=WorkshopSession.Status.SCHEDULED,
        starts_at__gt=now,
        starts_at__lte=now + LONGEST_OFFSET,
    ).only("pk", "status", "starts_at", "reminder_offsets")
    due = {}
    for session in sessions:
        offset = current_offset(session, now)
        if offset is not None:
            due[session.pk] = offset
    return due


def _in_audience() -> Q:
    """The member is still someone the session is for (its audience can change after a reply):
    ``WorkshopSession.is_for_member``, as a condition on replies."""
    condition = Q(membership__role=Membership.Role.FACILITATOR)
    for audience, constituencies in WorkshopSession.AUDIENCE_CONSTITUENCIES.items():
        participants = Q(session__audience=audience, membership__role=Membership.Role.PARTICIPANT)
        if constituencies is not None:
            participants &= Q(membership__constituency__in=constituencies)
        condition |= participants
    return condition


def _unclaimed_replies(due: dict[int, int], batch_size: int) -> list[Reply]:
    """Replies of people to remind for whom the due offset has no claim yet."""
    offset_due = Case(
        *(When(session_id=pk, then=Value(offset)) for pk, offset in due.items()),
        output_field=IntegerField(),
    )
    claimed = Reminder.objects.filter(
        session_id=OuterRef("session_id"),
        membership_id=OuterRef("membership_id"),
        offset_hours=OuterRef("offset_due"),
    )
    replies = (
        Reply.objects.filter(
            _in_audience(),
            session_id__in=due,
            answer__in=REMINDED_ANSWERS,
            membership__user__is_active=True,
        )
        .exclude(membership__status=Membership.Status.WITHDRAWN)
        .exclude(membership__role=Membership.Role.OBSERVER)
        .annotate(offset_due=offset_due)
        .exclude(Exists(claimed))
        .select_related("session__project__organisation", "membership__user")
        .prefetch_related("session__agenda")
        .order_by("session_id", "membership_id")
    )
    return list(replies[:batch_size])


def _call_before_reminding(due: dict[int, int]) -> None:
    """Before each reminder, those going or maybe whom a facilitator tells themselves go on
    the session's call list, once per reminder (its occasion names the offset)."""
    if not due:
        return
    on_list = set(
        CallListEntry.objects.filter(
            session_id__in=due, reason=CallListEntry.Reason.REMINDER
        ).values_list("session_id", "membership_id", "occasion")
    )
    replies = (
        Reply.objects.filter(_in_audience(), session_id__in=due, answer__in=REMINDED_ANSWERS)
        .exclude(membership__status=Membership.Status.WITHDRAWN)
        .select_related("session", "membership__user")
    )
    items = [
        (reply.session, reply.membership, f"reminder:{due[reply.session_id]}") for reply in replies
    ]
    call_list_add_many(
        [item for item in items if (item[0].pk, item[1].pk, item[2]) not in on_list],
        reason=CallListEntry.Reason.REMINDER,
    )


def _build(reply: Reply, offset: int, contact) -> OutboxMessage | None:
    """The reminder of one reply by the person's channel, ready to write (None: nothing is
    sent to them, as for people a facilitator phones)."""
    return reminder_build(
        reply,
        template=TEMPLATE,
        contact=contact,
        dedupe_key=dedupe_key(
            session_id=reply.session_id, membership_id=reply.membership_id, offset=offset
        ),
        context={
            "session": reply.session,
            "membership": reply.membership,
            "answer": reply.answer,
            "offset_hours": offset,
        },
    )


def dedupe_key(*, session_id: int, membership_id: int, offset: int) -> str:
    return f"reminder:{session_id}:{membership_id}:{offset}"


@transaction.atomic
def _claim_and_write(replies: list[Reply], due: dict[int, int]) -> tuple[int, int]:
    """Claim a batch of reminders and write their messages, in one transaction: how many
    were claimed, and how many messages were due (those whose recipients opted out of
    reminders by email among them; people reached otherwise have none)."""
    claimed_at = timezone.now()
    Reminder.objects.bulk_create(
        [
            Reminder(
                session_id=reply.session_id,
                membership_id=reply.membership_id,
                offset_hours=due[reply.session_id],
                claimed_at=claimed_at,
            )
            for reply in replies
        ],
        ignore_conflicts=True,
    )
    # A conflicting row was claimed by another run, which committed it with its message; the
    # rows without a message, stamped with this run's time, are this run's.
    ours = {
        (claim.session_id, claim.membership_id): claim
        for claim in Reminder.objects.filter(
            session_id__in={reply.session_id for reply in replies},
            membership_id__in={reply.membership_id for reply in replies},
            claimed_at=claimed_at,
            message__isnull=True,
        )
    }
    replies = [reply for reply in replies if (reply.session_id, reply.membership_id) in ours]
    if not replies:
        return 0, 0
    contacts = contacts_for([reply.membership.user for reply in replies])
    messages = [
        message
        for reply in replies
        if (message := _build(reply, due[reply.session_id], contacts[reply.membership.user_id]))
    ]
    # A message with the same key can only exist if its claim was deleted: keep that one.
    written = outbox_email_many(messages)
    claims = {
        dedupe_key(
            session_id=reply.session_id,
            membership_id=reply.membership_id,
            offset=due[reply.session_id],
        ): ours[(reply.session_id, reply.membership_id)]
        for reply in replies
    }
    for message in written:
        claims[message.dedupe_key].message_id = message.pk
    Reminder.objects.bulk_update(claims.values(), ["message"])
    return len(claims), len(messages)


def session_reminders_send(*, now: datetime | None = None, batch_size: int = 200) -> int:
    """Claim and write the reminders that are due; return how many were written.

    Those who replied going or maybe are reminded if they are still in the session's audience,
    have not withdrawn, and have an active account, by email or text as they chose (a claim
    stays without a message for people reached otherwise); never for a
    cancelled, started or past session. Each batch costs the same
    few queries however many people it reminds (on SQLite a large insert is split in chunks).
    """
    now = now or timezone.now()
    due = _due_sessions(now)
    _call_before_reminding(due)
    written = 0
    while due:
        replies = _unclaimed_replies(due, batch_size)
        if not replies:
            break
        claimed, messages = _claim_and_write(replies, due)
        written += messages
        if len(replies) < batch_size or not claimed:
            # The last batch, or another run claimed this whole batch and carries on from here.
            break
    return written
