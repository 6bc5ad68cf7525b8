"""A worker dies between claiming an email and sending it: the email is shown as unconfirmed
by the next sweep, and no other worker sends it (the designed outcome: shown, never resent).

The crash is tests/failures/crashing_worker.py, a receiver of the outbox's message_claimed: the
worker process exits right after its claim commits. Real parts: a redis-server of the test's
own, Celery workers in their own processes, the shared PostgreSQL database, an SMTP server.
"""

import re

import pytest

from outbox.models import OutboxMessage
from outbox.tasks import outbox_deliver_task
from participants.services import participant_invite
from tests.smoke.support import celery_worker_start, celery_worker_wait_ready, wait_until

pytestmark = [pytest.mark.smoke, pytest.mark.django_db(transaction=True)]

DELIVER_RECEIVED = re.compile(r"Task outbox\.tasks\.outbox_deliver_task\[[^]]+\] received")
DELIVER_SKIPPED = re.compile(
    r"Task outbox\.tasks\.outbox_deliver_task\[[^]]+\] succeeded in [^:]+: 'skipped'"
)


def test_a_worker_dying_after_its_claim_leaves_the_email_unconfirmed_and_unsent(
    world, worker_env, redis_server, smtp_server, publishing_to, processes
):
    mailbox, _ = smtp_server
    publishing_to(redis_server.url)
    crashing = celery_worker_start(
        processes, "crashing-worker", worker_env(), app="tests.failures.crashing_worker"
    )
    celery_worker_wait_ready(processes, "crashing-worker")

    participant_invite(
        project=world.project,
        email="claimed@example.org",
        constituency="carer",
        invited_by=world.users["facilitator"],
    )
    message = OutboxMessage.objects.get(to="claimed@example.org")

    wait_until(
        lambda: crashing.poll() is not None,
        timeout=20,
        message=lambda: f"the worker with the hook did not exit\n{processes.logs()}",
    )
    crash_log = processes.log("crashing-worker")
    assert crashing.returncode == 1, crash_log
    assert len(DELIVER_RECEIVED.findall(crash_log)) == 1, crash_log
    assert "succeeded" not in crash_log
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENDING
    assert message.attempts == 1
    assert message.claimed_at is not None
    assert mailbox.received() == []
    # Its log stays readable; the processes still running are the ones that must stay alive.
    processes.running.pop("crashing-worker")

    celery_worker_start(
        processes,
        "worker",
        worker_env(OUTBOX_SWEEP_SECONDS="1", OUTBOX_CLAIM_TIMEOUT_SECONDS="1"),
        beat=True,
    )
    celery_worker_wait_ready(processes, "worker")

    def unconfirmed():
        processes.assert_alive()
        message.refresh_from_db()
        return message.status == OutboxMessage.Status.UNCONFIRMED

    wait_until(
        unconfirmed,
        timeout=20,
        message=lambda: f"the sweep did not flag the claim\n{processes.logs()}",
    )

    # A redelivery of the task reaches the healthy worker, which finds nothing to send.
    outbox_deliver_task.delay(message.pk)
    wait_until(
        lambda: processes.assert_alive() or DELIVER_SKIPPED.search(processes.log("worker")),
        timeout=20,
        message=lambda: f"the worker did not run the redelivered task\n{processes.logs()}",
    )
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.UNCONFIRMED
    assert message.attempts == 1
    assert message.sent_at is None
    assert mailbox.received() == []
