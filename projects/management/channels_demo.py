"""Demo data for the channels: the invitation to Ward 7's next session goes to the people
reached by text or by letter, so `make run`'s worker prints the texts in its console and the
project's print queue has letters waiting; one text back could not be read."""

from datetime import timedelta

from django.utils import timezone

from outbox.models import InboundText
from participants.contact import Channel, contacts_for
from sessions.messaging import tell
from sessions.models import WorkshopSession


def seed_channels(*, project) -> None:
    session = (
        WorkshopSession.objects.filter(
            project=project,
            status=WorkshopSession.Status.SCHEDULED,
            starts_at__gt=timezone.now(),
        )
        .order_by("starts_at")
        .first()
    )
    if session is None:
        return
    members = list(project.memberships.select_related("user"))
    contacts = contacts_for([member.user for member in members])
    reached = [
        member
        for member in members
        if contacts[member.user_id].channel in (Channel.TEXT, Channel.LETTER)
    ]
    tell(session=session, memberships=reached, template="session_scheduled")
    texters = [m for m in reached if contacts[m.user_id].channel == Channel.TEXT]
    if texters:
        InboundText.objects.create(
            notify_id="demo-inbound-1",
            source_number=contacts[texters[0].user_id].mobile,
            content="Is there parking at the hospital?",
            received_at=timezone.now() - timedelta(hours=2),
            outcome=InboundText.Outcome.UNCLEAR,
            project=project,
            sender=texters[0].user,
        )
