"""A mail server that refuses: sends are retried with doubling back-off and delivered once; a
send still refused after OUTBOX_MAX_ATTEMPTS is marked failed and shown so on the project's
outbox page, with its "Send again" link.

Real parts: Django's SMTP backend and an SMTP server on loopback that answers 451 or 554.
``outbox_sweep`` runs in this process (as the worker would); time moves with time-machine.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from outbox.models import OutboxMessage
from outbox.services import outbox_sweep
from participants.services import participant_invite
from tests.smoke.support import message_ids

pytestmark = pytest.mark.django_db


def invite(world, email):
    participant_invite(
        project=world.project,
        email=email,
        constituency="carer",
        invited_by=world.users["facilitator"],
    )
    return OutboxMessage.objects.get(to=email)


def attempt_when_due(message, time_machine):
    """Move time to when the message is next due, and sweep as beat would."""
    message.refresh_from_db()
    time_machine.move_to(message.next_attempt_at + timedelta(milliseconds=10))
    result = outbox_sweep()
    message.refresh_from_db()
    return result


def test_a_refusing_server_gets_the_email_once_after_backing_off(
    world, settings, refusing_smtp_server, smtp_backend, time_machine
):
    settings.OUTBOX_MAX_ATTEMPTS = 5
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    mailbox, port = refusing_smtp_server(refuse=2, reply="451 4.3.0 Try again later")
    smtp_backend(port)
    message = invite(world, "refused@example.org")

    backoffs = []
    for attempt in (1, 2):
        assert attempt_when_due(message, time_machine) == {"due": 1, "sent": 0, "unconfirmed": 0}
        assert message.status == OutboxMessage.Status.PENDING
        assert message.attempts == attempt
        assert "451" in message.last_error
        backoffs.append((message.next_attempt_at - message.claimed_at).total_seconds())
        # Not due yet: the next sweep leaves it alone.
        assert outbox_sweep()["due"] == 0
    assert 60 <= backoffs[0] < 65
    assert 120 <= backoffs[1] < 125

    assert attempt_when_due(message, time_machine) == {"due": 1, "sent": 1, "unconfirmed": 0}
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 3
    assert message.last_error == ""
    assert mailbox.refused == 2
    assert message_ids(mailbox.received()) == [message.headers["Message-ID"]]

    # Later sweeps send nothing more.
    time_machine.move_to(message.sent_at + timedelta(hours=1))
    assert outbox_sweep()["due"] == 0
    assert len(mailbox.received()) == 1


@pytest.mark.parametrize("role", ["facilitator", "org_admin"])
def test_an_email_refused_every_time_is_failed_and_shown_so_with_a_retry(
    world, settings, refusing_smtp_server, smtp_backend, time_machine, client, role
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_BASE_SECONDS = 60
    mailbox, port = refusing_smtp_server(refuse=1000, reply="554 5.7.1 Rejected")
    smtp_backend(port)
    message = invite(world, "rejected@example.org")

    for attempt in (1, 2):
        attempt_when_due(message, time_machine)
        assert (message.status, message.attempts) == (OutboxMessage.Status.PENDING, attempt)
    attempt_when_due(message, time_machine)
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == 3
    assert "554" in message.last_error
    assert mailbox.refused == 3
    assert mailbox.received() == []
    # Failed for good: no sweep picks it up again.
    time_machine.move_to(message.next_attempt_at + timedelta(days=1))
    assert outbox_sweep()["due"] == 0
    assert mailbox.refused == 3

    client.force_login(world.users[role])
    html = client.get(
        reverse("outbox:message-list", args=[world.project.pk]), {"status": "failed"}
    ).content.decode()
    assert "1 message failed or was not confirmed." in html
    assert "rejected@example.org" in html
    assert '<span class="badge text-bg-danger">Failed</span>' in html
    assert "3 tries" in html
    assert reverse("outbox:message-retry", args=[world.project.pk, message.pk]) in html
