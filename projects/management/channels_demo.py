"""Demo data for the channels: someone reached by text (unless the project has one), and
the invitation to Ward 7's next session for the people reached by text or by letter, so that
`make run`'s worker prints the texts in its console and the project's print queue has a letter
waiting; one text back could not be read."""

from datetime import timedelta

from django.utils import timezone

from outbox.models import InboundText
from participants.contact import Channel, contacts_for
from participants.models import Constituency
from participants.services import contact_preferences_save
from sessions.messaging import tell
from sessions.models import WorkshopSession

# A demo mobile number: texts to it are only ever printed in the worker's console (the demo
# refuses production settings), and it signs Ray in with a code texted there.
DEMO_MOBILE = "07400 100200"


def _someone_by_text(project, facilitator, member, create_user) -> None:
    """Ray, a service user with a mobile number and no email, unless the project has one."""
    members = list(project.memberships.select_related("user"))
    contacts = contacts_for([m.user for m in members])
    if any(contact.channel == Channel.TEXT for contact in contacts.values()):
        return
    ray = create_user(email=None, full_name="Ray Okafor")
    contact_preferences_save(
        person=ray, channel=Channel.TEXT, mobile=DEMO_MOBILE, changed_by=facilitator
    )
    member(project, ray, Constituency.SERVICE_USER, "Ray", recorded_by=facilitator)


def seed_channels(*, project, facilitator, member, create_user) -> None:
    _someone_by_text(project, facilitator, member, create_user)
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
