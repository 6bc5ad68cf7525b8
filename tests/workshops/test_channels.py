"""Session messages by each person's channel: email with a calendar invitation, a text, a
letter, or nothing (a facilitator phones them); reminders by email or text."""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from outbox import texts
from outbox.models import OutboxMessage
from participants.models import Membership
from participants.services import contact_preferences_save
from sessions.calls.models import CallListEntry
from sessions.models import WorkshopSession
from sessions.reminders.services import session_reminders_send
from sessions.services import session_cancel, session_reply, session_schedule, session_update
from tests.factories import ContributionFactory

pytestmark = pytest.mark.django_db

MOBILE = "+447400123456"


def member(world, role):
    return Membership.objects.get(project=world.project, user=world.users[role])


def by_text(world, role="service_user"):
    user = world.users[role]
    contact_preferences_save(person=user, channel="text", mobile="07400 123456", changed_by=user)
    return member(world, role)


def by_letter(world, role="carer"):
    user = world.users[role]
    contact_preferences_save(
        person=user,
        channel="letter",
        address_lines="Mrs Ada Jones\n4 Mill Lane\nRiverside",
        postcode="RS1 2AB",
        changed_by=user,
    )
    return member(world, role)


def schedule(world, capture, **fields):
    starts = timezone.now() + timedelta(days=5)
    fields = {
        "title": "Going home from Ward 7: what helps",
        "kind": WorkshopSession.Kind.WORKSHOP,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "place": "Riverside Community Centre, Room 2",
        "audience": WorkshopSession.Audience.EVERYONE,
        **fields,
    }
    with capture(execute=True):
        return session_schedule(
            project=world.project, created_by=world.users["facilitator"], **fields
        )


def test_each_person_is_invited_by_their_channel(world, django_capture_on_commit_callbacks):
    text_member, letter_member = by_text(world), by_letter(world)
    contact_preferences_save(
        person=world.users["staff"],
        channel="phone_call",
        phone="020 7946 0018",
        changed_by=world.users["facilitator"],
    )
    session = schedule(world, django_capture_on_commit_callbacks)
    [text] = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT)
    assert text.phone == MOBILE and text.recipient == text_member.user
    assert text.payload == {"session": session.pk, "membership": text_member.pk}
    assert "Reply YES, NO or MAYBE" in text.body_text
    [letter] = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.LETTER)
    assert letter.address.splitlines() == ["Mrs Ada Jones", "4 Mill Lane", "Riverside", "RS1 2AB"]
    assert letter.waiting_to_post and "Going home from Ward 7" in letter.body_text
    assert letter.recipient == letter_member.user
    emailed = sorted(address for message in mail.outbox for address in message.to)
    assert world.users["service_user"].email not in emailed
    assert world.users["carer"].email not in emailed
    assert world.users["staff"].email not in emailed  # phoned by a facilitator
    assert world.users["facilitator"].email in emailed
    assert all(message.attachments for message in mail.outbox)  # each with its .ics


def test_changes_cancellations_and_places_freed_go_by_text_too(
    world, django_capture_on_commit_callbacks
):
    text_member = by_text(world)
    session = schedule(world, django_capture_on_commit_callbacks, capacity=1)
    session_reply(
        session=session, membership=member(world, "carer"), answer="going", replied_by=None
    )
    session_reply(session=session, membership=text_member, answer="going", replied_by=None)
    with django_capture_on_commit_callbacks(execute=True):
        session_update(session=session, place="Riverside Library")
        session_reply(
            session=session, membership=member(world, "carer"), answer="not_going", replied_by=None
        )
        session_cancel(session=session, reason="The room flooded")
    bodies = list(
        OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT, phone=MOBILE)
        .order_by("pk")
        .values_list("body_text", flat=True)
    )
    assert len(bodies) == 4
    assert "has changed" in bodies[1] and "Riverside Library" in bodies[1]
    assert "place came free" in bodies[2]
    assert "is cancelled" in bodies[3]


def test_reminders_go_by_text(world, django_capture_on_commit_callbacks):
    text_member = by_text(world)
    session = schedule(world, django_capture_on_commit_callbacks)
    session_reply(session=session, membership=text_member, answer="going", replied_by=None)
    with (
        time_machine.travel(session.starts_at - timedelta(hours=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert session_reminders_send() == 1
    reminder = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT).latest("pk")
    assert reminder.body_text.startswith("Codesign reminder") and reminder.phone == MOBILE


def test_texts_are_short_and_carry_nothing_of_anyone_else_or_of_contributions(
    world, django_capture_on_commit_callbacks
):
    text_member = by_text(world)
    ContributionFactory(
        project=world.project, title="The discharge lounge", body="It had no chairs at all"
    )
    long_title = "Ŵyl y gwanwyn: " + "a very long session title indeed " * 6
    session = schedule(
        world,
        django_capture_on_commit_callbacks,
        title=long_title[:200],
        place="The big room at the back of the Riverside Community Centre, up the stairs",
    )
    with django_capture_on_commit_callbacks(execute=True):
        session_cancel(session=session, reason="Staff shortage on the ward; Dr Patel is ill")
    sent = list(OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT))
    assert len(sent) == 2
    others = [m.display_name for m in world.project.memberships.exclude(pk=text_member.pk)] + [
        user.email for user in world.users.values() if user and user.email
    ]
    for text in sent:
        assert texts.segments(text.body_text) <= 2
        assert "discharge lounge" not in text.body_text and "no chairs" not in text.body_text
        assert "Dr Patel" not in text.body_text  # the cancel reason may name people
        assert not [name for name in others if name and name in text.body_text]


def test_a_text_notify_refuses_or_cannot_deliver_puts_the_person_on_the_call_list(
    world, notify, client, django_capture_on_commit_callbacks
):
    import json

    from django.urls import reverse

    from sessions.calls.models import CallListEntry
    from tests.notify_server import CALLBACK_TOKEN

    text_member = by_text(world)
    notify.fail_next(400, message="phone_number Not a UK mobile number", kind="sms")
    session = schedule(world, django_capture_on_commit_callbacks)
    [refused] = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT)
    assert refused.status == OutboxMessage.Status.FAILED
    assert refused.last_error == "phone_number Not a UK mobile number"
    entries = CallListEntry.objects.filter(session=session, membership=text_member)
    assert list(entries.values_list("reason", flat=True)) == ["message_failed"]

    # A text Notify took but could not deliver (phone off for days): the same.
    with django_capture_on_commit_callbacks(execute=True):
        session_update(session=session, place="Riverside Library")
    changed = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT).latest("pk")
    assert changed.notify_id
    receipt = {"id": changed.notify_id, "reference": str(changed.pk), "status": "permanent-failure"}
    for _replay in range(2):
        response = client.post(
            reverse("outbox:notify-receipts"),
            json.dumps(receipt),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {CALLBACK_TOKEN}",
        )
        assert response.status_code == 200
    assert entries.filter(reason="message_failed").count() == 2  # one per message, once
    client.force_login(world.users["facilitator"])
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Could not be delivered" in page and "Not a UK mobile number" in page
    # ... and beside the person.
    page = client.get(text_member.get_absolute_url()).content.decode()
    assert "Could not be delivered" in page and "Not a UK mobile number" in page


def test_an_invitation_text_with_a_very_long_welsh_title_is_cut_not_refused(
    world, django_capture_on_commit_callbacks
):
    by_text(world)
    title = "Ŵyl ŷd " + "ŵ" * 190
    schedule(world, django_capture_on_commit_callbacks, title=title, place="ŷ" * 200)
    [text] = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT)
    assert texts.segments(text.body_text) <= 2


def test_without_a_text_service_in_production_a_text_fails_and_its_person_is_phoned(
    world, django_capture_on_commit_callbacks, settings, caplog
):
    """Production sends no text to a console: the text fails for good, with the reason beside
    it, and the person goes on the session's call list to be told by phone."""
    settings.TEXTS_TO_CONSOLE = False
    text_member = by_text(world)
    with caplog.at_level(logging.WARNING, logger="outbox.channels"):
        session = schedule(world, django_capture_on_commit_callbacks)
    [text] = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.TEXT)
    assert text.status == OutboxMessage.Status.FAILED
    assert "No text service is set up" in text.last_error
    assert "Going home" not in caplog.text and "7400" not in caplog.text
    assert CallListEntry.objects.filter(
        session=session, membership=text_member, reason=CallListEntry.Reason.MESSAGE_FAILED
    ).exists()


def test_through_notify_an_email_links_to_its_calendar_file_instead_of_attaching_it(
    world, django_capture_on_commit_callbacks, settings
):
    """GOV.UK Notify sends an email's text alone: no attachment reaches the reader, so the
    email does not speak of one and links to the session's calendar file."""
    settings.NOTIFY_API_KEY = "test-key-00000000-0000-0000-0000-000000000000"
    starts = timezone.now() + timedelta(days=5)
    with django_capture_on_commit_callbacks():  # built, not sent
        session = session_schedule(
            project=world.project,
            created_by=world.users["facilitator"],
            title="Going home from Ward 7",
            kind=WorkshopSession.Kind.WORKSHOP,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            place="Riverside Community Centre",
            audience=WorkshopSession.Audience.EVERYONE,
        )
    email = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.EMAIL).first()
    assert "attached" not in email.body_text
    assert f"/sessions/{session.pk}/calendar.ics" in email.body_text
    with django_capture_on_commit_callbacks():
        session_cancel(session=session, reason="The room flooded")
    cancelled = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.EMAIL).order_by("pk").last()
    assert "Please remove it from your calendar" in cancelled.body_text
    assert "attached" not in cancelled.body_text
