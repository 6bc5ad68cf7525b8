import socket
from datetime import timedelta
from unittest import mock

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from outbox.models import OutboxMessage
from outbox.services import (
    outbox_deliver,
    outbox_email_rendered,
    outbox_job,
    outbox_sweep,
)
from participants.services import participant_invite

pytestmark = pytest.mark.django_db


def write(**kwargs):
    kwargs.setdefault("to", "someone@example.org")
    kwargs.setdefault("subject", "Hello")
    kwargs.setdefault("body_text", "Body")
    return outbox_email_rendered(**kwargs)


def test_a_message_is_written_in_the_same_transaction_as_the_action(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        participant_invite(
            project=world.project,
            email="x@example.org",
            constituency="staff",
            invited_by=world.users["facilitator"],
        )
        raise RuntimeError("the action fails after the invitation was written")
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_delivery_happens_after_commit_and_only_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = write()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1
    # A retry, a redelivery or the sweep finds it already sent.
    assert outbox_deliver(message_id=message.pk).status == "skipped"
    outbox_sweep()
    assert len(mail.outbox) == 1


def test_a_broker_that_is_down_does_not_break_the_action(
    world, client, django_capture_on_commit_callbacks
):
    client.force_login(world.users["facilitator"])
    with (
        mock.patch(
            "outbox.tasks.outbox_deliver_task.apply_async", side_effect=OperationalError("down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("participants:invite", args=[world.project.pk]),
            {
                "full_name": "Lou Later",
                "email": "later@example.org",
                "constituency": "carer",
                "role": "participant",
            },
        )
    assert response.status_code == 302
    message = OutboxMessage.objects.get(to="later@example.org")
    assert message.status == OutboxMessage.Status.PENDING
    assert mail.outbox == []
    # The beat sweep delivers what was never queued.
    assert outbox_sweep()["sent"] == 1
    assert [m.to for m in mail.outbox] == [["later@example.org"]]


def test_a_failing_send_is_retried_with_back_off_then_marked_failed(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = write()
    with mock.patch("outbox.services._send_email", side_effect=OSError("refused")):
        first = outbox_deliver(message_id=message.pk)
        assert first.status == "pending" and first.retry_in == settings.OUTBOX_RETRY_BASE_SECONDS
        # Not due yet: nothing happens.
        assert outbox_deliver(message_id=message.pk).status == "skipped"
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        second = outbox_deliver(message_id=message.pk)
        assert second.retry_in == 2 * settings.OUTBOX_RETRY_BASE_SECONDS
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        assert outbox_deliver(message_id=message.pk).status == "failed"
    message.refresh_from_db()
    assert message.attempts == 3
    assert "refused" in message.last_error
    assert mail.outbox == []


def test_a_claim_that_never_reports_back_is_flagged_not_resent(settings):
    message = write()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENDING,
        claimed_at=timezone.now() - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT_SECONDS + 1),
        attempts=1,
    )
    result = outbox_sweep()
    assert result["unconfirmed"] == 1
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.UNCONFIRMED
    assert mail.outbox == []


def test_facilitators_see_failed_messages_and_can_send_them_again(
    world, client, django_capture_on_commit_callbacks
):
    failed = write(project=world.project)
    OutboxMessage.objects.filter(pk=failed.pk).update(
        status=OutboxMessage.Status.FAILED, attempts=5, last_error="SMTP 550"
    )
    client.force_login(world.users["facilitator"])
    page = client.get(reverse("outbox:message-list", args=[world.project.pk]))
    html = page.content.decode()
    assert "1 message failed or was not confirmed." in html
    retry = reverse("outbox:message-retry", args=[world.project.pk, failed.pk])
    assert retry in html
    confirm = client.get(retry).content.decode()
    assert f"Send “{failed.subject}” to" in confirm
    failed.refresh_from_db()
    assert failed.status == OutboxMessage.Status.FAILED  # GET changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        client.post(retry)
    failed.refresh_from_db()
    assert failed.status == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1


def test_a_dedupe_key_makes_one_message():
    first = write(dedupe_key="reminder:1:48h")
    second = write(dedupe_key="reminder:1:48h")
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1


def record_job(*, value):
    record_job.calls.append(value)


record_job.calls = []


def test_jobs_run_through_the_outbox_once(settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_JOBS = ["tests.outbox.test_outbox.record_job"]
    record_job.calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        job = outbox_job(job="tests.outbox.test_outbox.record_job", payload={"value": 7})
    outbox_sweep()
    assert record_job.calls == [7]
    job.refresh_from_db()
    assert job.status == OutboxMessage.Status.SENT
    with pytest.raises(ValueError):
        outbox_job(job="os.system", payload={"command": "true"})


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback that keeps what it receives."""
    received = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    controller = Controller(Keep(), hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield received
    controller.stop()


def test_an_invitation_goes_through_a_real_smtp_server_once(
    world, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        participant_invite(
            project=world.project,
            email="real@example.org",
            constituency="carer",
            invited_by=world.users["facilitator"],
        )
    outbox_sweep()
    assert len(smtp_server) == 1
    envelope = smtp_server[0]
    assert envelope.rcpt_tos == ["real@example.org"]
    body = envelope.content.decode()
    assert "/invitations/" in body
    assert "Message-ID:" in body
