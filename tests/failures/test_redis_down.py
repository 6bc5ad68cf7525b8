"""Redis goes down under a running worker: people's actions still succeed at once, their emails
wait in the outbox, and once Redis is back the worker's beat sweep delivers each exactly once.

Real parts: a redis-server of the test's own, a Celery worker with embedded beat in its own
process (dev settings), the test's PostgreSQL database shared with it, an SMTP server on loopback.
"""

import time
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from outbox.models import OutboxMessage
from participants.models import Membership
from tests.factories import ContributionFactory
from tests.smoke.support import (
    celery_worker_start,
    celery_worker_wait_ready,
    message_ids,
    wait_until,
)

pytestmark = [pytest.mark.smoke, pytest.mark.django_db(transaction=True)]

SWEEP_SENT = "Sending due task outbox-sweep"


def invitation(email):
    return {
        "full_name": "Kim Carer",
        "email": email,
        "constituency": "carer",
        "role": "participant",
    }


def timed_post(client, url, data):
    started = time.monotonic()
    response = client.post(url, data)
    return response, time.monotonic() - started


def test_actions_while_redis_is_down_are_delivered_once_it_is_back(
    world, client, worker_env, redis_server, smtp_server, publishing_to, processes
):
    mailbox, _ = smtp_server
    publishing_to(redis_server.url)
    celery_worker_start(processes, "worker", worker_env(OUTBOX_SWEEP_SECONDS="1"), beat=True)
    staff = Membership.objects.get(project=world.project, user=world.users["staff"])
    contribution = ContributionFactory(project=world.project, author=staff, title="Leaflets")
    invite_url = reverse("participants:invite", args=[world.project.pk])
    comment_url = reverse("conversation:comment-create", args=[world.project.pk, contribution.pk])
    facilitator, carer = client, Client()
    facilitator.force_login(world.users["facilitator"])
    carer.force_login(world.users["carer"])
    # Each opens their form while the worker starts.
    assert facilitator.get(invite_url).status_code == 200
    assert carer.get(contribution.get_absolute_url()).status_code == 200
    celery_worker_wait_ready(processes, "worker")
    # While all is well an invitation is queued through Redis and sent at once; this process
    # now holds a connection to Redis, as a web process would when Redis dies.
    assert facilitator.post(invite_url, invitation("before@example.org")).status_code == 302
    wait_until(
        lambda: processes.assert_alive() or mailbox.to("before@example.org"),
        timeout=15,
        message=lambda: f"the first invitation was not delivered\n{processes.logs()}",
    )

    redis_server.stop()

    invited, invite_seconds = timed_post(
        facilitator,
        invite_url,
        invitation("later@example.org"),
    )
    commented, comment_seconds = timed_post(
        carer, comment_url, {"body": "Could the leaflet come in large print?"}
    )

    # Publishing gives up within CELERY_BROKER_CONNECTION_TIMEOUT (2 s; no publish retry) and
    # the failure is logged, not shown: the person gets the usual redirect.
    assert invited.status_code == 302, invited.content.decode()[:2000]
    assert commented.status_code == 302, commented.content.decode()[:2000]
    assert invite_seconds < 3
    assert comment_seconds < 3
    waiting = {m.to: m for m in OutboxMessage.objects.exclude(to="before@example.org")}
    assert sorted(waiting) == ["later@example.org", "staff@example.org"]
    assert {m.status for m in waiting.values()} == {OutboxMessage.Status.PENDING}
    assert {m.attempts for m in waiting.values()} == {0}
    assert len(mailbox.received()) == 1

    redis_server.start()

    def all_delivered():
        processes.assert_alive()
        return len(mailbox.received()) >= 1 + len(waiting)

    wait_until(
        all_delivered,
        timeout=40,
        message=lambda: f"the emails were not delivered after Redis came back\n{processes.logs()}",
    )
    # A few more sweeps: nothing goes out again.
    sweeps_at_delivery = processes.log("worker").count(SWEEP_SENT)
    wait_until(
        lambda: processes.log("worker").count(SWEEP_SENT) >= sweeps_at_delivery + 2,
        timeout=15,
        message=lambda: f"beat stopped sweeping\n{processes.logs()}",
    )
    messages = OutboxMessage.objects.all()
    sent_ids = Counter(message_ids(mailbox.received()))
    assert sent_ids == Counter(m.headers["Message-ID"] for m in messages)
    assert set(sent_ids.values()) == {1}
    assert sorted(m.rcpt_tos[0] for m in mailbox.received()) == sorted(m.to for m in messages)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {
        OutboxMessage.Status.SENT
    }
